#include "bridge/http/AdminToken.h"

#include "bridge/secrets/ConstantTime.h"
#include "bridge/secrets/PrivateFile.h"

#include <cstdlib>

namespace dpp::bridge {

namespace {

constexpr std::size_t kShortest = 32;
constexpr std::size_t kLongest = 512;

std::string checked(std::string text, const std::string& source) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.pop_back();
    std::size_t start = text.find_first_not_of(' ');
    text.erase(0, start == std::string::npos ? text.size() : start);
    if (text.size() < kShortest || text.size() > kLongest)
        throw ConfigError(source + " holds " + std::to_string(text.size()) +
                          " characters; an admin token is " + std::to_string(kShortest) + " to " +
                          std::to_string(kLongest) +
                          " (make one with: dppbridge secrets generate-key --output FILE)");
    for (char c : text)
        if (c <= ' ' || c > '~')
            throw ConfigError(source + " holds a character that is not visible ASCII; an admin "
                                       "token is visible ASCII without spaces");
    return text;
}

} // namespace

std::optional<std::string> loadAdminToken(const Config& config) {
    if (const char* value = std::getenv(kAdminTokenVariable))
        return checked(value, kAdminTokenVariable);
    if (config.adminTokenFile.empty())
        return std::nullopt;
    std::string content;
    readPrivateFile(config.adminTokenFile,
                    "server.admin_token_file '" + config.adminTokenFile + "'", "token file",
                    kLongest + 2, "one admin token", content);
    return checked(std::move(content), "server.admin_token_file '" + config.adminTokenFile + "'");
}

bool carriesAdminToken(const Poco::Net::HTTPRequest& request, const std::string& token) {
    // A copy: get() with a default returns a reference to that (temporary) default.
    const std::string authorization = request.get("Authorization", "");
    constexpr std::string_view kScheme = "Bearer ";
    if (authorization.size() <= kScheme.size() ||
        authorization.compare(0, kScheme.size(), kScheme) != 0)
        return false;
    return constantTimeEquals(std::string_view(authorization).substr(kScheme.size()), token);
}

} // namespace dpp::bridge
