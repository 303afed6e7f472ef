#include "bridge/secrets/SecretBox.h"

#include "bridge/secrets/Base64.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace dpp::bridge {

namespace {

constexpr std::size_t keyIdLength = 8;
// base64url of a nonce and a tag with nothing between: the shortest v1 payload.
constexpr std::size_t shortestPayload = ((SecretBox::nonceBytes + SecretBox::tagBytes) * 4 + 2) / 3;
constexpr std::size_t chunkBytes = std::size_t{1} << 30; // EVP lengths are ints

struct ContextFree {
    void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
using Context = std::unique_ptr<EVP_CIPHER_CTX, ContextFree>;

Context newContext() {
    Context context(EVP_CIPHER_CTX_new());
    if (!context) {
        throw std::bad_alloc();
    }
    return context;
}

bool isLowerHex(char character) {
    return (character >= '0' && character <= '9') || (character >= 'a' && character <= 'f');
}

// The parts of "enc:v<version>:<key id>:<payload>"; nothing when text does not have that shape.
// checkPayload false leaves the payload's characters to the decoder (open decodes it anyway).
struct TokenParts {
    std::string_view version;
    std::string_view keyId;
    std::string_view payload;
    std::string_view header; // "enc:v<version>:<key id>:", authenticated with the payload
};

std::optional<TokenParts> splitToken(std::string_view text, bool checkPayload) {
    constexpr std::string_view start = "enc:v";
    if (text.substr(0, start.size()) != start) {
        return std::nullopt;
    }
    std::size_t position = start.size();
    const std::size_t versionStart = position;
    while (position < text.size() && text[position] >= '0' && text[position] <= '9') {
        ++position;
    }
    if (position == versionStart || position - versionStart > 4 || position >= text.size() ||
        text[position] != ':') {
        return std::nullopt;
    }
    TokenParts parts;
    parts.version = text.substr(versionStart, position - versionStart);
    ++position;
    if (text.size() < position + keyIdLength + 1 || text[position + keyIdLength] != ':') {
        return std::nullopt;
    }
    parts.keyId = text.substr(position, keyIdLength);
    for (const char character : parts.keyId) {
        if (!isLowerHex(character)) {
            return std::nullopt;
        }
    }
    position += keyIdLength + 1;
    parts.header = text.substr(0, position);
    parts.payload = text.substr(position);
    if (parts.payload.empty() || (checkPayload && !isBase64UrlText(parts.payload))) {
        return std::nullopt;
    }
    if (parts.version == "1" && parts.payload.size() < shortestPayload) {
        return std::nullopt;
    }
    return parts;
}

std::string cannotDecrypt(std::string_view associatedData) {
    std::string message = "the sealed value";
    if (!associatedData.empty()) {
        message += " for '";
        message += associatedData;
        message += "'";
    }
    message += " cannot be decrypted: the value was altered or the key is wrong";
    return message;
}

// OpenSSL calls return 1 on success, 0 or a negative number on failure.
void check(int result, const char* step) {
    if (result != 1) {
        throw std::runtime_error(std::string("AES-256-GCM failed at ") + step);
    }
}

// Feeds bytes through EncryptUpdate / DecryptUpdate in int-sized pieces; output may be null
// for associated data.
template <typename Update>
void update(EVP_CIPHER_CTX* context, Update function, unsigned char* output, std::string_view input,
            const char* step) {
    std::size_t done = 0;
    while (done < input.size()) {
        const std::size_t piece = std::min(chunkBytes, input.size() - done);
        int written = 0;
        check(function(context, output == nullptr ? nullptr : output + done, &written,
                       reinterpret_cast<const unsigned char*>(input.data()) + done,
                       static_cast<int>(piece)),
              step);
        done += piece;
    }
}

} // namespace

SecretBox::SecretBox(const SecretKey& key)
    : key_(key), cipher_(EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr), EVP_CIPHER_free) {
    if (!cipher_) {
        throw std::runtime_error("AES-256-GCM is not available from OpenSSL");
    }
}

std::string SecretBox::seal(std::string_view plaintext, std::string_view associatedData) const {
    // The nonce, the ciphertext and the tag pass through a small buffer that is base64-encoded
    // each time it fills: its size is a multiple of 3, so the encodings of its fillings join
    // into the encoding of the whole, with no second copy of a large value.
    constexpr std::size_t stagingBytes = 3 * 1024;
    unsigned char staging[stagingBytes + tagBytes];
    if (RAND_bytes(staging, static_cast<int>(nonceBytes)) != 1) {
        throw std::runtime_error("cannot seal a secret: the system random source failed");
    }
    const std::size_t sealedBytes = nonceBytes + plaintext.size() + tagBytes;
    std::string token;
    token.reserve(tokenPrefix.size() + keyIdLength + 1 + (sealedBytes * 4 + 2) / 3);
    token += tokenPrefix;
    token += key_.id();
    token += ':';

    const Context context = newContext();
    check(EVP_EncryptInit_ex2(context.get(), cipher_.get(), key_.bytes_.data(), staging, nullptr),
          "init");
    update(context.get(), EVP_EncryptUpdate, nullptr, token, "header");
    update(context.get(), EVP_EncryptUpdate, nullptr, associatedData, "associated data");
    std::size_t used = nonceBytes;
    for (std::size_t done = 0; done < plaintext.size();) {
        const std::size_t piece = std::min(stagingBytes - used, plaintext.size() - done);
        int written = 0;
        check(EVP_EncryptUpdate(context.get(), staging + used, &written,
                                reinterpret_cast<const unsigned char*>(plaintext.data()) + done,
                                static_cast<int>(piece)),
              "encrypt");
        check(static_cast<std::size_t>(written) == piece ? 1 : 0, "encrypt (short output)");
        used += piece;
        done += piece;
        if (used == stagingBytes) {
            appendBase64UrlEncoded(std::string_view(reinterpret_cast<char*>(staging), used), token);
            used = 0;
        }
    }
    unsigned char nothing[EVP_MAX_BLOCK_LENGTH]; // GCM writes nothing at the end
    int written = 0;
    check(EVP_EncryptFinal_ex(context.get(), nothing, &written), "final");
    check(EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tagBytes),
                              staging + used),
          "tag");
    used += tagBytes;
    appendBase64UrlEncoded(std::string_view(reinterpret_cast<char*>(staging), used), token);
    return token;
}

std::string SecretBox::open(std::string_view token, std::string_view associatedData) const {
    const std::optional<TokenParts> parts = splitToken(token, false);
    if (!parts) {
        // Something that starts like a token was truncated or altered; anything else was never
        // sealed.
        throw DecryptionError(token.starts_with("enc:")
                                  ? cannotDecrypt(associatedData)
                                  : "not a sealed value (it does not start with enc:v1:)");
    }
    if (parts->version != "1") {
        throw DecryptionError("the value was sealed with format v" + std::string(parts->version) +
                              ", which this version of dppbridge cannot read");
    }
    if (parts->keyId != key_.id()) {
        throw DecryptionError("the value was sealed with key " + std::string(parts->keyId) +
                              ", but the key in use is " + key_.id());
    }
    std::optional<std::string> sealed = base64UrlDecode(parts->payload);
    if (!sealed || sealed->size() < nonceBytes + tagBytes) {
        throw DecryptionError(cannotDecrypt(associatedData));
    }
    // Decrypted in place, then moved down over the nonce: one buffer for any size.
    auto* bytes = reinterpret_cast<unsigned char*>(sealed->data());
    const std::size_t plaintextBytes = sealed->size() - nonceBytes - tagBytes;
    unsigned char* text = bytes + nonceBytes;
    unsigned char* tag = text + plaintextBytes;

    const Context context = newContext();
    check(EVP_DecryptInit_ex2(context.get(), cipher_.get(), key_.bytes_.data(), bytes, nullptr),
          "init");
    update(context.get(), EVP_DecryptUpdate, nullptr, parts->header, "header");
    update(context.get(), EVP_DecryptUpdate, nullptr, associatedData, "associated data");
    update(context.get(), EVP_DecryptUpdate, text,
           std::string_view(reinterpret_cast<char*>(text), plaintextBytes), "decrypt");
    check(EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tagBytes), tag),
          "tag");
    unsigned char nothing[EVP_MAX_BLOCK_LENGTH]; // GCM writes nothing at the end
    int written = 0;
    if (EVP_DecryptFinal_ex(context.get(), nothing, &written) != 1) {
        OPENSSL_cleanse(bytes, sealed->size()); // unauthenticated plaintext
        throw DecryptionError(cannotDecrypt(associatedData));
    }
    std::memmove(bytes, text, plaintextBytes);
    OPENSSL_cleanse(bytes + plaintextBytes, nonceBytes + tagBytes); // the moved tail's old copy
    sealed->resize(plaintextBytes);
    return std::move(*sealed);
}

bool SecretBox::isSealed(std::string_view text) {
    return splitToken(text, true).has_value();
}

std::optional<std::string> SecretBox::keyIdOf(std::string_view text) {
    const std::optional<TokenParts> parts = splitToken(text, true);
    if (!parts) {
        return std::nullopt;
    }
    return std::string(parts->keyId);
}

} // namespace dpp::bridge
