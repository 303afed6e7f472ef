#include "bridge/store/GroupCommit.h"

#include "bridge/store/CachedStatement.h"

#include <vector>

using namespace Poco::Data::Keywords;

namespace dpp::bridge {

GroupCommit::GroupCommit(Database& database, std::size_t maxJobsPerCommit)
    : database_(database), maxJobs_(std::max<std::size_t>(1, maxJobsPerCommit)),
      committer_([this] { commitLoop(); }) {}

GroupCommit::~GroupCommit() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    committer_.join();
}

void GroupCommit::run(const Job& job) {
    Pending pending;
    pending.job = &job;
    std::unique_lock lock(mutex_);
    if (stopping_)
        throw StoreError("the store is shutting down");
    waiting_.push_back(&pending);
    wake_.notify_one();
    // Each caller has its own condition: only those whose transaction committed wake.
    pending.committed.wait(lock, [&] { return pending.done; });
    if (pending.error)
        std::rethrow_exception(pending.error);
}

void GroupCommit::commitLoop() {
    for (;;) {
        std::vector<Pending*> batch;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !waiting_.empty(); });
            if (waiting_.empty())
                return; // stopping, nothing left
            while (!waiting_.empty() && batch.size() < maxJobs_) {
                batch.push_back(waiting_.front());
                waiting_.pop_front();
            }
        }
        std::exception_ptr commitError;
        try {
            database_.write([&](Poco::Data::Session& session) {
                for (Pending* pending : batch) {
                    pending->error = nullptr;
                    CachedStatement(session, "SAVEPOINT job").run();
                    try {
                        (*pending->job)(session);
                        CachedStatement(session, "RELEASE job").run();
                    } catch (...) {
                        pending->error = std::current_exception();
                        CachedStatement(session, "ROLLBACK TO job").run();
                        CachedStatement(session, "RELEASE job").run();
                    }
                }
            });
        } catch (...) {
            commitError = std::current_exception();
        }
        // Notified under the lock: a caller cannot return (and destroy its Pending) before
        // the lock is released, after the last use of its Pending here.
        std::lock_guard lock(mutex_);
        for (Pending* pending : batch) {
            if (commitError && !pending->error)
                pending->error = commitError;
            pending->done = true;
            pending->committed.notify_one();
        }
    }
}

} // namespace dpp::bridge
