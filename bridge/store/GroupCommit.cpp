#include "bridge/store/GroupCommit.h"

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
    finished_.wait(lock, [&] { return pending.done; });
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
                    session << "SAVEPOINT job", now;
                    try {
                        (*pending->job)(session);
                        session << "RELEASE job", now;
                    } catch (...) {
                        pending->error = std::current_exception();
                        session << "ROLLBACK TO job", now;
                        session << "RELEASE job", now;
                    }
                }
            });
        } catch (...) {
            commitError = std::current_exception();
        }
        {
            std::lock_guard lock(mutex_);
            for (Pending* pending : batch) {
                if (commitError && !pending->error)
                    pending->error = commitError;
                pending->done = true;
            }
        }
        finished_.notify_all();
    }
}

} // namespace dpp::bridge
