#pragma once
// The 256-bit key that seals secrets at rest (SecretBox). It comes from the environment
// (DPPBRIDGE_SECRET_KEY) or from a key file readable by its owner only, never from the store.
// Errors are ConfigErrors naming the variable or the file, never quoting key material. The
// key bytes are reachable only by SecretBox and wiped on destruction. Immutable; thread-safe.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace dpp::bridge {

class SecretKey {
public:
    static constexpr std::size_t sizeInBytes = 32;
    static constexpr const char* environmentVariable = "DPPBRIDGE_SECRET_KEY";

    // Parses the text form of a key: 64 hex digits, or the base64 (standard or URL-safe
    // alphabet, padding optional) of 32 bytes. Leading and trailing whitespace (a trailing
    // newline) is ignored. `source` names where the text came from, for messages.
    static SecretKey fromText(std::string_view text, const std::string& source);
    // The key in DPPBRIDGE_SECRET_KEY; nothing when the variable is unset. Set but empty or
    // malformed: ConfigError.
    static std::optional<SecretKey> fromEnvironment();
    // The key in a file holding its text form. Refuses (like ssh) a file that group or others
    // may read, write or execute, naming the path and its mode; follows symbolic links and
    // checks the file it opened.
    static SecretKey fromFile(const std::string& path);
    // The environment variable when it is set (it overrides the file, as environment
    // variables override configuration), otherwise the key file when keyFile is not empty,
    // otherwise nothing.
    static std::optional<SecretKey> fromEnvironmentOrFile(const std::string& keyFile);
    // Writes a new random key (64 hex digits and a newline) to a new file with mode 0600,
    // created with O_CREAT | O_EXCL so an existing file (or symbolic link) is never replaced,
    // and synced to disk. The folder must exist. Returns the key written.
    static SecretKey generateFile(const std::string& path);

    // The first 8 hex digits of the SHA-256 of the key: shows which key is in use, and which
    // key sealed a value, without revealing it.
    const std::string& id() const { return id_; }

    SecretKey(const SecretKey& other) = default;
    SecretKey& operator=(const SecretKey& other) = default;
    ~SecretKey();

private:
    friend class SecretBox;
    using Bytes = std::array<unsigned char, sizeInBytes>;

    explicit SecretKey(const Bytes& bytes);

    Bytes bytes_;
    std::string id_;
};

} // namespace dpp::bridge
