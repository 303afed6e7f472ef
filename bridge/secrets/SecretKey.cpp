#include "bridge/secrets/SecretKey.h"

#include "bridge/Config.h"
#include "bridge/secrets/Base64.h"
#include "bridge/secrets/PrivateFile.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace dpp::bridge {

namespace {

constexpr std::size_t maximumKeyFileBytes = 1024;
constexpr const char* expectedForm = "64 hex digits or the base64 of 32 bytes";
constexpr char hexDigits[] = "0123456789abcdef";

// Overwrites a buffer that held key material before it is freed.
class WipedString {
public:
    WipedString() = default;
    explicit WipedString(std::string text) : text_(std::move(text)) {}
    WipedString(const WipedString&) = delete;
    WipedString& operator=(const WipedString&) = delete;
    ~WipedString() { OPENSSL_cleanse(text_.data(), text_.size()); }
    std::string& text() { return text_; }

private:
    std::string text_;
};

bool isWhitespace(char character) {
    return character == ' ' || character == '\t' || character == '\r' || character == '\n';
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && isWhitespace(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && isWhitespace(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

int hexValue(char character) {
    if (character >= '0' && character <= '9') {
        return character - '0';
    }
    if (character >= 'a' && character <= 'f') {
        return character - 'a' + 10;
    }
    if (character >= 'A' && character <= 'F') {
        return character - 'A' + 10;
    }
    return -1;
}

bool isBase64Character(char character) {
    return (character >= 'A' && character <= 'Z') || (character >= 'a' && character <= 'z') ||
           (character >= '0' && character <= '9') || character == '+' || character == '/' ||
           character == '-' || character == '_' || character == '=';
}

std::string systemError(int error) {
    return std::strerror(error);
}

std::string fileSource(const std::string& path) {
    return "key file '" + path + "'";
}

void syncFolderOf(const std::string& path) {
    std::filesystem::path folder = std::filesystem::path(path).parent_path();
    if (folder.empty()) {
        folder = ".";
    }
    const int descriptor = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (descriptor >= 0) {
        ::fsync(descriptor); // best effort: the file itself is already synced
        ::close(descriptor);
    }
}

} // namespace

SecretKey::SecretKey(const Bytes& bytes) : bytes_(bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digestSize = 0;
    if (EVP_Digest(bytes_.data(), bytes_.size(), digest, &digestSize, EVP_sha256(), nullptr) != 1) {
        throw ConfigError("cannot compute the secret key id: SHA-256 is unavailable");
    }
    for (std::size_t index = 0; index < 4; ++index) {
        id_ += hexDigits[digest[index] >> 4];
        id_ += hexDigits[digest[index] & 0x0F];
    }
}

SecretKey::~SecretKey() {
    OPENSSL_cleanse(bytes_.data(), bytes_.size());
}

SecretKey SecretKey::fromText(std::string_view text, const std::string& source) {
    text = trimmed(text);
    if (text.empty()) {
        throw ConfigError(source + " is empty; a secret key is " + expectedForm);
    }
    Bytes bytes{};
    if (text.size() == 2 * sizeInBytes) {
        bool allHex = true;
        for (std::size_t index = 0; index < sizeInBytes && allHex; ++index) {
            const int high = hexValue(text[2 * index]);
            const int low = hexValue(text[2 * index + 1]);
            allHex = high >= 0 && low >= 0;
            bytes[index] = static_cast<unsigned char>((high << 4) | (low & 0x0F));
        }
        if (allHex) {
            SecretKey key(bytes);
            OPENSSL_cleanse(bytes.data(), bytes.size());
            return key;
        }
    }
    for (std::size_t index = 0; index < text.size(); ++index) {
        if (!isBase64Character(text[index])) {
            OPENSSL_cleanse(bytes.data(), bytes.size());
            throw ConfigError(
                source + " is not a secret key: character " + std::to_string(index + 1) +
                " is neither a hex digit nor a base64 character; a secret key is " + expectedForm);
        }
    }
    const std::optional<std::string> decoded = base64Decode(text);
    if (!decoded) {
        OPENSSL_cleanse(bytes.data(), bytes.size());
        throw ConfigError(source + " is not a secret key: its " + std::to_string(text.size()) +
                          " characters are neither 64 hex digits nor valid base64; a secret key "
                          "is " +
                          expectedForm);
    }
    WipedString wiped(std::move(*decoded));
    if (wiped.text().size() != sizeInBytes) {
        throw ConfigError(source + " is not a secret key: its " + std::to_string(text.size()) +
                          " characters decode to " + std::to_string(wiped.text().size()) +
                          " bytes, not 32; a secret key is " + expectedForm);
    }
    std::memcpy(bytes.data(), wiped.text().data(), sizeInBytes);
    SecretKey key(bytes);
    OPENSSL_cleanse(bytes.data(), bytes.size());
    return key;
}

std::optional<SecretKey> SecretKey::fromEnvironment() {
    const char* value = std::getenv(environmentVariable);
    if (value == nullptr) {
        return std::nullopt;
    }
    return fromText(value, environmentVariable);
}

SecretKey SecretKey::fromFile(const std::string& path) {
    const std::string source = fileSource(path);
    WipedString content;
    readPrivateFile(path, source, "key file", maximumKeyFileBytes,
                    std::string("one secret key, ") + expectedForm, content.text());
    return fromText(content.text(), source);
}

std::optional<SecretKey> SecretKey::fromEnvironmentOrFile(const std::string& keyFile) {
    if (std::optional<SecretKey> key = fromEnvironment()) {
        return key;
    }
    if (!keyFile.empty()) {
        return fromFile(keyFile);
    }
    return std::nullopt;
}

SecretKey SecretKey::generateFile(const std::string& path) {
    const std::string source = fileSource(path);
    Bytes bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw ConfigError("cannot create " + source + ": the system random source failed");
    }
    SecretKey key(bytes);
    WipedString text;
    for (const unsigned char byte : bytes) {
        text.text() += hexDigits[byte >> 4];
        text.text() += hexDigits[byte & 0x0F];
    }
    text.text() += '\n';
    OPENSSL_cleanse(bytes.data(), bytes.size());

    const int descriptor =
        ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (descriptor < 0) {
        const int error = errno;
        if (error == EEXIST) {
            throw ConfigError(source +
                              " already exists; refusing to overwrite it (values sealed with "
                              "the key it holds could never be read again)");
        }
        if (error == ENOENT) {
            throw ConfigError("cannot create " + source + ": its folder does not exist");
        }
        throw ConfigError("cannot create " + source + ": " + systemError(error));
    }
    const auto fail = [&](int error) {
        ::close(descriptor);
        ::unlink(path.c_str());
        throw ConfigError("cannot write " + source + ": " + systemError(error));
    };
    // The umask may have taken permissions away, never added any; make the mode exactly 0600.
    if (::fchmod(descriptor, 0600) != 0) {
        fail(errno);
    }
    std::size_t written = 0;
    while (written < text.text().size()) {
        const ssize_t count =
            ::write(descriptor, text.text().data() + written, text.text().size() - written);
        if (count < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail(errno);
        }
        written += static_cast<std::size_t>(count);
    }
    if (::fsync(descriptor) != 0) {
        fail(errno);
    }
    if (::close(descriptor) != 0) {
        const int error = errno;
        ::unlink(path.c_str());
        throw ConfigError("cannot write " + source + ": " + systemError(error));
    }
    syncFolderOf(path);
    return key;
}

} // namespace dpp::bridge
