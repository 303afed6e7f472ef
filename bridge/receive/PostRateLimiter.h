#pragma once
// Posts per second per data source (server.posts_per_second): a token bucket per data source
// that holds one second's worth of posts, so a burst up to the rate passes and a steady flood
// beyond it is refused. Time is passed in (steady milliseconds), so the class has no clock.
// Thread-safe; memory grows with the number of data sources that posted, not with posts.
#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace dpp::bridge {

class PostRateLimiter {
public:
    // rate 0: no bound.
    explicit PostRateLimiter(std::size_t postsPerSecond) : rate_(postsPerSecond) {}

    struct Admission {
        bool admitted = true;
        // When refused: the posts refused since the last report, at most once a second per
        // data source (0 when this refusal need not be logged), so a flood makes no log flood.
        std::size_t refusedToReport = 0;
    };
    // Whether a post to dataSource at nowMs may go on; takes a token when it may.
    Admission admit(std::int64_t dataSource, std::int64_t nowMs);
    std::size_t rate() const { return rate_; }

private:
    struct Bucket {
        double tokens = 0;
        std::int64_t refilledAtMs = 0;
        std::size_t refusedSinceReport = 0;
        std::int64_t reportedAtMs = 0;
    };
    std::size_t rate_;
    std::mutex mutex_;
    std::unordered_map<std::int64_t, Bucket> buckets_;
};

} // namespace dpp::bridge
