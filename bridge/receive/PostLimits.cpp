#include "bridge/receive/PostLimits.h"

namespace dpp::bridge {

namespace {

// A key as it may appear in a message: at most 40 bytes, never cut inside a character.
std::string keyExcerpt(const std::string& key) {
    if (key.size() <= 40)
        return key;
    std::size_t end = 40;
    while (end > 0 && (static_cast<unsigned char>(key[end]) & 0xC0) == 0x80)
        --end;
    return key.substr(0, end) + "...";
}

} // namespace

PostLimits PostLimits::from(const Config& config) {
    return {config.maxBodyBytes, config.maxKeys, config.maxKeyBytes, config.maxValueBytes,
            config.maxJsonDepth};
}

std::optional<std::string> postLimitBroken(const mapping::KeyValues& pairs,
                                           const PostLimits& limits) {
    if (pairs.size() > limits.maxKeys)
        return "the post carries " + std::to_string(pairs.size()) + " keys; at most " +
               std::to_string(limits.maxKeys) + " are taken (server.max_keys)";
    for (const auto& [key, value] : pairs) {
        if (key.size() > limits.maxKeyBytes)
            return "key '" + keyExcerpt(key) + "' is " + std::to_string(key.size()) +
                   " bytes; keys of at most " + std::to_string(limits.maxKeyBytes) +
                   " bytes are taken (server.max_key_bytes)";
        if (value.size() > limits.maxValueBytes)
            return "the value of key '" + keyExcerpt(key) + "' is " + std::to_string(value.size()) +
                   " bytes; values of at most " + std::to_string(limits.maxValueBytes) +
                   " bytes are taken (server.max_value_bytes)";
    }
    return std::nullopt;
}

} // namespace dpp::bridge
