#include "bridge/receive/PostRateLimiter.h"

#include <algorithm>

namespace dpp::bridge {

PostRateLimiter::Admission PostRateLimiter::admit(std::int64_t dataSource, std::int64_t nowMs) {
    if (rate_ == 0)
        return {};
    const double capacity = static_cast<double>(rate_);
    std::lock_guard lock(mutex_);
    auto [entry, added] = buckets_.try_emplace(dataSource, Bucket{capacity, nowMs});
    Bucket& bucket = entry->second;
    if (!added && nowMs > bucket.refilledAtMs) {
        double elapsedSeconds = static_cast<double>(nowMs - bucket.refilledAtMs) / 1000.0;
        bucket.tokens = std::min(capacity, bucket.tokens + capacity * elapsedSeconds);
        bucket.refilledAtMs = nowMs;
    }
    if (bucket.tokens >= 1.0) {
        bucket.tokens -= 1.0;
        return {};
    }
    Admission refused{false, 0};
    ++bucket.refusedSinceReport;
    if (bucket.reportedAtMs == 0 || nowMs - bucket.reportedAtMs >= 1000) {
        refused.refusedToReport = bucket.refusedSinceReport;
        bucket.refusedSinceReport = 0;
        bucket.reportedAtMs = nowMs;
    }
    return refused;
}

} // namespace dpp::bridge
