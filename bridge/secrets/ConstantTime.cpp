#include "bridge/secrets/ConstantTime.h"

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

} // namespace dpp::bridge
