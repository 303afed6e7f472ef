#pragma once
// Seals secrets for storage: AES-256-GCM with a fresh random 96-bit nonce per value, giving a
// printable token "enc:v1:<key id>:<base64url of nonce | ciphertext | tag>". Associated data
// binds a token to its place ("webhooks.auth_password:12"): opened anywhere else, it fails.
// seal and open are const and safe to call from many threads on one SecretBox at once.
#include "bridge/secrets/SecretKey.h"

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

typedef struct evp_cipher_st EVP_CIPHER;

namespace dpp::bridge {

// A token that cannot be opened: sealed with another key, altered, truncated, bound to other
// associated data, or not a token at all. The message never holds the plaintext.
class DecryptionError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class SecretBox {
public:
    static constexpr std::string_view tokenPrefix = "enc:v1:";
    static constexpr std::size_t nonceBytes = 12;
    static constexpr std::size_t tagBytes = 16;

    explicit SecretBox(const SecretKey& key);

    // The id of the key this box seals with (SecretKey::id).
    const std::string& keyId() const { return key_.id(); }

    // Any bytes in (binary, NUL bytes, empty); a token of about 4/3 of the plaintext plus 54
    // characters out. associatedData is authenticated, not stored, and named in open's errors:
    // give the same text to open, and never put a secret in it.
    std::string seal(std::string_view plaintext, std::string_view associatedData) const;
    // The plaintext of a token sealed with this key and this associatedData. Throws
    // DecryptionError: naming both key ids when another key sealed it; "cannot be decrypted:
    // the value was altered or the key is wrong" when it was altered, truncated or bound to
    // other associated data.
    std::string open(std::string_view token, std::string_view associatedData) const;

    // True when text has the shape of a token ("enc:v<n>:<8 hex>:<base64url>", v1 tokens long
    // enough to hold a nonce and a tag), so a store can tell sealed values from clear ones it
    // still has to seal. Says nothing about whether the token opens.
    static bool isSealed(std::string_view text);
    // The key id a token names, or nothing when text is not a token.
    static std::optional<std::string> keyIdOf(std::string_view text);

private:
    SecretKey key_;
    std::shared_ptr<EVP_CIPHER> cipher_; // fetched once; read-only, shared by all threads
};

} // namespace dpp::bridge
