#pragma once
// What the data sources of one `serve` stored since it was last read: the server logs it once
// a minute at info level (each contact is logged at debug level, DPPBRIDGE_LOG_LEVEL=debug),
// so a busy data source does not write a log line per post. Thread-safe (atomics).
#include <atomic>
#include <cstdint>

namespace dpp::bridge {

class ReceiveTally {
public:
    void stored() { stored_.fetch_add(1, std::memory_order_relaxed); }
    void repeated() { repeated_.fetch_add(1, std::memory_order_relaxed); }
    void refused() { refused_.fetch_add(1, std::memory_order_relaxed); }
    void updated() { updated_.fetch_add(1, std::memory_order_relaxed); }
    void rejectedDuplicate() { rejected_.fetch_add(1, std::memory_order_relaxed); }

    struct Counts {
        std::int64_t stored = 0;
        std::int64_t repeated = 0;
        std::int64_t refused = 0;
        std::int64_t updated = 0;  // matched by de-dupe and updated in place
        std::int64_t rejected = 0; // matched by de-dupe and rejected (409)
    };
    // The counts since the last take, and zero again.
    Counts take() {
        return {stored_.exchange(0), repeated_.exchange(0), refused_.exchange(0),
                updated_.exchange(0), rejected_.exchange(0)};
    }

private:
    std::atomic<std::int64_t> stored_{0};
    std::atomic<std::int64_t> repeated_{0};
    std::atomic<std::int64_t> refused_{0};
    std::atomic<std::int64_t> updated_{0};
    std::atomic<std::int64_t> rejected_{0};
};

} // namespace dpp::bridge
