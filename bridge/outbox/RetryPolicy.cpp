#include "bridge/outbox/RetryPolicy.h"

#include <algorithm>

namespace dpp::bridge {

std::optional<std::int64_t> RetryPolicy::nextAttempt(int attemptsMade, std::int64_t nowMs,
                                                     std::optional<std::chrono::seconds> retryAfter,
                                                     double unitRandom) const {
    if (attemptsMade < 1 || static_cast<std::size_t>(attemptsMade) > schedule_.size())
        return std::nullopt;
    double planned =
        static_cast<double>(schedule_[static_cast<std::size_t>(attemptsMade - 1)].count());
    double factor = 1.0 + jitter_ * (2.0 * std::clamp(unitRandom, 0.0, 1.0) - 1.0);
    auto delay = static_cast<std::int64_t>(planned * factor);
    if (retryAfter) {
        constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
        delay = std::min<std::int64_t>(retryAfter->count() * 1000, kDayMs);
    }
    return nowMs + std::max<std::int64_t>(delay, 0);
}

} // namespace dpp::bridge
