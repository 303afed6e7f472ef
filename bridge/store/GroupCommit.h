#pragma once
// Commits the write jobs of many threads together: one thread of its own runs whatever jobs
// are waiting in one transaction, each inside its own savepoint (a job that throws is rolled
// back alone and its caller gets the exception), and commits once. run() returns only after
// the transaction holding its job has committed, so a caller may acknowledge what it wrote.
// Under load, one fsync serves many requests (data sources receiving from many connections).
// Thread-safe; jobs must not call Database::write.
#include "bridge/store/Database.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace dpp::bridge {

class GroupCommit {
public:
    using Job = std::function<void(Poco::Data::Session&)>;

    explicit GroupCommit(Database& database, std::size_t maxJobsPerCommit = 256);
    ~GroupCommit();
    GroupCommit(const GroupCommit&) = delete;
    GroupCommit& operator=(const GroupCommit&) = delete;

    // Runs the job in the next transaction and waits for its commit; rethrows what the job
    // (or the commit) threw.
    void run(const Job& job);

private:
    struct Pending {
        const Job* job = nullptr;
        std::exception_ptr error;
        bool done = false;
        std::condition_variable committed;
    };
    void commitLoop();

    Database& database_;
    std::size_t maxJobs_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Pending*> waiting_;
    bool stopping_ = false;
    std::thread committer_;
};

} // namespace dpp::bridge
