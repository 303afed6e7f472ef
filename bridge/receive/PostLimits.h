#pragma once
// The bounds one post to a data source must stay within (server.max_* keys), and the check of
// a decoded post against them. Pure; a PostLimits is a plain value.
#include "bridge/Config.h"
#include "mapping/Encoding.h"

#include <optional>
#include <string>

namespace dpp::bridge {

struct PostLimits {
    std::size_t maxBodyBytes = 1024 * 1024;
    std::size_t maxKeys = 1000;
    std::size_t maxKeyBytes = 256;
    std::size_t maxValueBytes = 256 * 1024;
    std::size_t maxJsonDepth = 32;

    static PostLimits from(const Config& config);
};

// Why the decoded pairs break a limit (naming the key and the configuration key), or nothing.
std::optional<std::string> postLimitBroken(const mapping::KeyValues& pairs,
                                           const PostLimits& limits);

} // namespace dpp::bridge
