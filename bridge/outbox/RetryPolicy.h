#pragma once
// When to try a failed delivery again: the configured schedule (delivery.retry.schedule,
// default 5s,5m,30m,2h,5h,10h,10h after the first attempt) with +-20% jitter, Retry-After
// honoured on 429 and 503 (capped at a day), and "dead" once the schedule is used up.
// Pure: time and randomness come in as arguments. Thread-safe (immutable).
#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace dpp::bridge {

class RetryPolicy {
public:
    explicit RetryPolicy(std::vector<std::chrono::milliseconds> schedule, double jitter = 0.2)
        : schedule_(std::move(schedule)), jitter_(jitter) {}

    // After attempt number `attemptsMade` (1 for the first) failed retryably: the time of the
    // next attempt, or nothing when the delivery is dead. unitRandom is in [0, 1).
    std::optional<std::int64_t> nextAttempt(int attemptsMade, std::int64_t nowMs,
                                            std::optional<std::chrono::seconds> retryAfter,
                                            double unitRandom) const;

    std::size_t retries() const { return schedule_.size(); }

private:
    std::vector<std::chrono::milliseconds> schedule_;
    double jitter_;
};

} // namespace dpp::bridge
