#pragma once
// The thread control shared by every background worker pool (deliveries, document copies):
// start N threads running a body, let them sleep between rounds until woken, a timeout, or a
// stop; stop() waits for every thread. Thread-safe; the body runs on the pool's threads.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace dpp::bridge {

class WorkerThreads {
public:
    WorkerThreads() = default;
    ~WorkerThreads() { stop(); }
    WorkerThreads(const WorkerThreads&) = delete;
    WorkerThreads& operator=(const WorkerThreads&) = delete;

    void start(std::size_t count, const std::function<void(std::size_t index)>& body);
    void stop();
    void wake();
    // Wakes one sleeping thread (or lets the next one to sleep go on at once): work that one
    // thread takes, such as a handed chunk.
    void wakeOne();

    bool stopping() const;
    // Read before a round; sleep() returns early if wake() was called since, or takes a
    // wakeOne() ticket.
    std::uint64_t wakeCount() const;
    void sleep(std::chrono::milliseconds wait, std::uint64_t seenWakes);

private:
    std::vector<std::thread> threads_;
    mutable std::mutex mutex_;
    std::condition_variable wakeUp_;
    bool stopping_ = false;
    std::uint64_t wakes_ = 0;
    std::uint64_t tickets_ = 0; // wakeOne() calls no sleeper has taken yet
};

} // namespace dpp::bridge
