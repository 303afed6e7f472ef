#include "bridge/documents/PeerAuthentication.h"

#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/SHA2Engine.h>

namespace dpp::bridge {

namespace {

Poco::DigestEngine::Digest digestOf(std::string_view text) {
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(text.data(), static_cast<unsigned>(text.size()));
    return sha.digest();
}

} // namespace

bool constantTimeEquals(std::string_view a, std::string_view b) {
    // Digests have one fixed length, so the comparison below never depends on the contents.
    Poco::DigestEngine::Digest left = digestOf(a);
    Poco::DigestEngine::Digest right = digestOf(b);
    unsigned char difference = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < left.size(); ++i)
        difference |= static_cast<unsigned char>(left[i] ^ right[i]);
    return difference == 0;
}

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
