#pragma once
// The bearer token of the /admin/ endpoints: DPPBRIDGE_ADMIN_TOKEN when set, otherwise the
// owner-only file server.admin_token_file, otherwise none (the endpoints are then off). A
// token is 32 to 512 visible ASCII characters (`dppbridge secrets generate-key --output FILE`
// makes a good one). Errors are ConfigErrors naming the variable or file, never the token.
// Stateless.
#include "bridge/Config.h"

#include <Poco/Net/HTTPRequest.h>

#include <optional>
#include <string>

namespace dpp::bridge {

inline constexpr const char* kAdminTokenVariable = "DPPBRIDGE_ADMIN_TOKEN";

std::optional<std::string> loadAdminToken(const Config& config);

// Whether the request carries "Authorization: Bearer <token>", compared in constant time.
bool carriesAdminToken(const Poco::Net::HTTPRequest& request, const std::string& token);

} // namespace dpp::bridge
