#include "bridge/outbox/WorkerThreads.h"

namespace dpp::bridge {

void WorkerThreads::start(std::size_t count, const std::function<void(std::size_t index)>& body) {
    std::lock_guard lock(mutex_);
    stopping_ = false;
    for (std::size_t i = 0; i < count; ++i)
        threads_.emplace_back([body, i] { body(i); });
}

void WorkerThreads::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wakeUp_.notify_all();
    for (auto& thread : threads_)
        if (thread.joinable())
            thread.join();
    threads_.clear();
}

void WorkerThreads::wake() {
    {
        std::lock_guard lock(mutex_);
        ++wakes_;
    }
    wakeUp_.notify_all();
}

void WorkerThreads::wakeOne() {
    {
        std::lock_guard lock(mutex_);
        ++tickets_;
    }
    wakeUp_.notify_one();
}

bool WorkerThreads::stopping() const {
    std::lock_guard lock(mutex_);
    return stopping_;
}

std::uint64_t WorkerThreads::wakeCount() const {
    std::lock_guard lock(mutex_);
    return wakes_;
}

void WorkerThreads::sleep(std::chrono::milliseconds wait, std::uint64_t seenWakes) {
    std::unique_lock lock(mutex_);
    wakeUp_.wait_for(lock, std::max(wait, std::chrono::milliseconds(1)),
                     [&] { return stopping_ || wakes_ != seenWakes || tickets_ > 0; });
    if (tickets_ > 0)
        --tickets_;
}

} // namespace dpp::bridge
