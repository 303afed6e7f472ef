#include "bridge/documents/PeerAuthentication.h"

#include <Poco/Net/HTTPBasicCredentials.h>

namespace dpp::bridge {

std::optional<std::int64_t> authenticatePeer(const Config& config, const std::string& username,
                                             const std::string& password) {
    std::optional<std::int64_t> match;
    for (const auto& [account, peer] : config.peers) {
        bool configured = !peer.username.empty() && !peer.password.empty();
        bool userMatches = constantTimeEquals(username, peer.username);
        bool passwordMatches = constantTimeEquals(password, peer.password);
        if (configured & userMatches & passwordMatches && !match)
            match = account;
    }
    return match;
}

std::optional<std::int64_t> authenticatePeer(const Config& config,
                                             const Poco::Net::HTTPRequest& request) {
    if (!request.hasCredentials())
        return std::nullopt;
    try {
        Poco::Net::HTTPBasicCredentials credentials(request);
        return authenticatePeer(config, credentials.getUsername(), credentials.getPassword());
    } catch (const Poco::Exception&) {
        return std::nullopt; // not Basic, or not decodable
    }
}

} // namespace dpp::bridge
