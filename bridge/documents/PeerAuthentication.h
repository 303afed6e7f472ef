#pragma once
// Who is asking: the peer account whose peers.<id>.username and .password (the partnership's
// shared credentials) match the request's HTTP Basic credentials. Every configured peer is
// compared, username and password alike, in time that does not depend on where the strings
// differ (SHA-256 digests compared without early exit). A peer with an empty username or
// password never matches. Pure; thread-safe; never throws for bad or missing credentials.
#include "bridge/Config.h"
#include "bridge/secrets/ConstantTime.h"

#include <Poco/Net/HTTPRequest.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace dpp::bridge {

// The authenticated peer account, or nothing.
std::optional<std::int64_t> authenticatePeer(const Config& config,
                                             const Poco::Net::HTTPRequest& request);
std::optional<std::int64_t> authenticatePeer(const Config& config, const std::string& username,
                                             const std::string& password);

} // namespace dpp::bridge
