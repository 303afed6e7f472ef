// Secrets at rest: SecretKey loading (environment, key files, generated files) and SecretBox
// sealing (AES-256-GCM tokens bound to their associated data).
#include "bridge/secrets/SecretBox.h"
#include "bridge/Config.h"
#include "bridge/secrets/SecretKey.h"
#include "support/TempDir.h"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <vector>

using namespace dpp::bridge;
using dpp::testing::TempDir;

namespace {

// Bytes 0x00..0x1f, 0x20..0x3f and 0xe0..0xff in their text forms, with the first 8 hex digits
// of their SHA-256.
const std::string firstKeyHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const std::string firstKeyBase64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const std::string firstKeyId = "630dcd29";
const std::string secondKeyHex = "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f";
const std::string secondKeyId = "72dbb733";
const std::string thirdKeyHex = "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
const std::string thirdKeyBase64 = "4OHi4+Tl5ufo6err7O3u7/Dx8vP09fb3+Pn6+/z9/v8=";
const std::string thirdKeyBase64Url = "4OHi4-Tl5ufo6err7O3u7_Dx8vP09fb3-Pn6-_z9_v8=";
const std::string thirdKeyId = "9432c1a7";

SecretKey firstKey() {
    return SecretKey::fromText(firstKeyHex, "test");
}
SecretKey secondKey() {
    return SecretKey::fromText(secondKeyHex, "test");
}

void writeFile(const std::string& path, const std::string& text, mode_t mode) {
    std::ofstream(path, std::ios::binary) << text;
    std::filesystem::permissions(path, static_cast<std::filesystem::perms>(mode));
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

mode_t modeOf(const std::string& path) {
    struct stat status {};
    BOOST_REQUIRE(::stat(path.c_str(), &status) == 0);
    return status.st_mode & 07777;
}

std::string errorOf(const std::function<void()>& action) {
    try {
        action();
    } catch (const std::exception& error) {
        return error.what();
    }
    return "";
}

// The ConfigError message of loading a key from text, or "" when it loads.
std::string keyTextError(const std::string& text) {
    try {
        SecretKey::fromText(text, "DPPBRIDGE_SECRET_KEY");
    } catch (const ConfigError& error) {
        return error.what();
    }
    return "";
}

std::string randomBytes(std::size_t size, unsigned seed) {
    std::mt19937 generator(seed);
    std::uniform_int_distribution<int> byte(0, 255);
    std::string bytes(size, '\0');
    for (char& character : bytes) {
        character = static_cast<char>(byte(generator));
    }
    return bytes;
}

// Sets DPPBRIDGE_SECRET_KEY (or unsets it, for nothing) for one test and restores it after.
class EnvironmentKey {
public:
    explicit EnvironmentKey(const std::optional<std::string>& value) {
        if (const char* old = std::getenv(SecretKey::environmentVariable)) {
            old_ = old;
        }
        set(value);
    }
    ~EnvironmentKey() { set(old_); }
    EnvironmentKey(const EnvironmentKey&) = delete;
    EnvironmentKey& operator=(const EnvironmentKey&) = delete;

private:
    static void set(const std::optional<std::string>& value) {
        if (value) {
            ::setenv(SecretKey::environmentVariable, value->c_str(), 1);
        } else {
            ::unsetenv(SecretKey::environmentVariable);
        }
    }
    std::optional<std::string> old_;
};

const std::string alteredMessage = "cannot be decrypted: the value was altered or the key is wrong";

} // namespace

BOOST_AUTO_TEST_SUITE(secret_box)

BOOST_AUTO_TEST_CASE(round_trips_any_bytes) {
    const SecretBox box(firstKey());
    std::string everyByte;
    for (int value = 0; value < 256; ++value) {
        everyByte += static_cast<char>(value);
    }
    const std::vector<std::string> plaintexts = {
        "",
        "x",
        std::string("\0", 1),
        std::string("a\0b\0\0c", 6),
        everyByte,
        "Zoë Brontë – 東京 🙂 password",
        randomBytes(1024 * 1024, 7),
    };
    for (const std::string& plaintext : plaintexts) {
        const std::string token = box.seal(plaintext, "webhooks.auth_password:12");
        BOOST_TEST(SecretBox::isSealed(token));
        BOOST_TEST(box.open(token, "webhooks.auth_password:12") == plaintext);
    }
}

BOOST_AUTO_TEST_CASE(tokens_are_printable_and_name_the_key) {
    const SecretBox box(firstKey());
    BOOST_TEST(box.keyId() == firstKeyId);
    const std::string token = box.seal(std::string("\0\xff\n\"'", 5), "");
    BOOST_TEST(token.starts_with("enc:v1:" + firstKeyId + ":"));
    for (const char character : token.substr(16)) {
        BOOST_TEST(
            ((character >= 'A' && character <= 'Z') || (character >= 'a' && character <= 'z') ||
             (character >= '0' && character <= '9') || character == '-' || character == '_'));
    }
    BOOST_TEST(SecretBox::keyIdOf(token).value_or("") == firstKeyId);
    BOOST_TEST(!SecretBox::keyIdOf("hunter2"));
}

BOOST_AUTO_TEST_CASE(sealing_the_same_text_twice_differs) {
    const SecretBox box(firstKey());
    std::set<std::string> tokens;
    std::set<std::string> nonces;
    for (int round = 0; round < 1000; ++round) {
        const std::string token = box.seal("same password", "webhooks.auth_password:1");
        tokens.insert(token);
        nonces.insert(token.substr(16, 16)); // the nonce's first 12 bytes of base64url
        BOOST_TEST(box.open(token, "webhooks.auth_password:1") == "same password");
    }
    BOOST_TEST(tokens.size() == 1000u);
    BOOST_TEST(nonces.size() == 1000u);
}

BOOST_AUTO_TEST_CASE(every_altered_character_is_detected) {
    const SecretBox box(firstKey());
    const std::string token = box.seal("pw", "webhooks.auth_password:12");
    for (std::size_t position = 0; position < token.size(); ++position) {
        for (const char replacement : {'A', 'B', '-', '_', '0', 'f', ':', '='}) {
            if (token[position] == replacement) {
                continue;
            }
            std::string altered = token;
            altered[position] = replacement;
            const std::string message =
                errorOf([&] { box.open(altered, "webhooks.auth_password:12"); });
            BOOST_TEST_INFO("position " << position << " set to " << replacement);
            BOOST_TEST(!message.empty());
            if (position >= 16) { // the payload; the header gives its own messages
                BOOST_TEST(message.find(alteredMessage) != std::string::npos);
            }
        }
        std::string flipped = token;
        flipped[position] = static_cast<char>(flipped[position] ^ 0x01);
        BOOST_TEST_INFO("position " << position << " with its low bit flipped");
        BOOST_TEST(!errorOf([&] { box.open(flipped, "webhooks.auth_password:12"); }).empty());
    }
}

BOOST_AUTO_TEST_CASE(truncated_or_extended_tokens_are_refused) {
    const SecretBox box(firstKey());
    const std::string token = box.seal("pw", "a");
    for (std::size_t length = 0; length < token.size(); ++length) {
        BOOST_TEST_INFO("length " << length);
        BOOST_CHECK_THROW(box.open(token.substr(0, length), "a"), DecryptionError);
    }
    for (const std::string extra : {"A", "AA", "AAA", "AAAA", " ", "\n"}) {
        BOOST_CHECK_THROW(box.open(token + extra, "a"), DecryptionError);
    }
    BOOST_TEST(errorOf([&] {
                   box.open(token.substr(0, token.size() - 4), "a");
               }).find(alteredMessage) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_token_opens_only_with_its_associated_data) {
    const SecretBox box(firstKey());
    const std::string token = box.seal("s3cret", "webhooks.auth_password:12");
    const std::string message = errorOf([&] { box.open(token, "webhooks.auth_password:13"); });
    BOOST_TEST(message.find(alteredMessage) != std::string::npos);
    BOOST_TEST(message.find("webhooks.auth_password:13") != std::string::npos);
    BOOST_TEST(message.find("s3cret") == std::string::npos);
    BOOST_CHECK_THROW(box.open(token, ""), DecryptionError);
    BOOST_CHECK_THROW(box.open(token, "webhooks.auth_password:12 "), DecryptionError);
    BOOST_CHECK_THROW(box.open(box.seal("s3cret", ""), "x"), DecryptionError);
    BOOST_TEST(box.open(box.seal("s3cret", ""), "") == "s3cret");
}

BOOST_AUTO_TEST_CASE(another_key_names_both_key_ids) {
    const SecretBox first(firstKey());
    const SecretBox second(secondKey());
    const std::string token = first.seal("s3cret", "c");
    const std::string message = errorOf([&] { second.open(token, "c"); });
    BOOST_TEST(message == "the value was sealed with key " + firstKeyId +
                              ", but the key in use is " + secondKeyId);
    BOOST_CHECK_THROW(second.open(token, "c"), DecryptionError);

    // The same id over another key (a forged header) still fails authentication.
    std::string forged = second.seal("s3cret", "c");
    forged.replace(7, 8, firstKeyId);
    BOOST_TEST(errorOf([&] { first.open(forged, "c"); }).find(alteredMessage) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(clear_values_are_not_tokens) {
    const SecretBox box(firstKey());
    const std::string token = box.seal("pw", "");
    const std::vector<std::string> clearValues = {
        "",
        "hunter2",
        "enc:",
        "enc:v1:",
        "enc:v1:" + firstKeyId,
        "enc:v1:" + firstKeyId + ":",
        "enc:v1:" + firstKeyId + ":AAAA",
        "enc:v1:630DCD29" + token.substr(15),
        "enc:v1:630dcd2g" + token.substr(15),
        "ENC:V1" + token.substr(6),
        " " + token,
        token + "=",
    };
    for (const std::string& clear : clearValues) {
        BOOST_TEST_INFO("'" << clear << "'");
        BOOST_TEST(!SecretBox::isSealed(clear));
    }
    BOOST_TEST(errorOf([&] { box.open("hunter2", ""); }) ==
               "not a sealed value (it does not start with enc:v1:)");
    BOOST_TEST(errorOf([&] { box.open("hunter2", ""); }).find("hunter2") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_newer_format_is_recognised_but_not_opened) {
    const SecretBox box(firstKey());
    const std::string token = "enc:v2:" + firstKeyId + ":AAAAAAAA";
    BOOST_TEST(SecretBox::isSealed(token));
    BOOST_TEST(errorOf([&] { box.open(token, ""); }) ==
               "the value was sealed with format v2, which this version of dppbridge cannot "
               "read");
}

BOOST_AUTO_TEST_CASE(one_box_seals_and_opens_from_many_threads) {
    const SecretBox box(firstKey());
    std::vector<std::thread> threads;
    std::vector<int> failures(8, 0);
    for (std::size_t thread = 0; thread < failures.size(); ++thread) {
        threads.emplace_back([&box, &failures, thread] {
            for (int round = 0; round < 500; ++round) {
                const std::string plaintext = randomBytes(1 + round, thread * 1000 + round);
                const std::string place = "row:" + std::to_string(thread);
                if (box.open(box.seal(plaintext, place), place) != plaintext) {
                    ++failures[thread];
                }
            }
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    for (const int failure : failures) {
        BOOST_TEST(failure == 0);
    }
}

BOOST_AUTO_TEST_CASE(key_text_forms) {
    BOOST_TEST(firstKey().id() == firstKeyId);
    BOOST_TEST(secondKey().id() == secondKeyId);
    BOOST_TEST(SecretKey::fromText(firstKeyBase64, "t").id() == firstKeyId);
    BOOST_TEST(SecretKey::fromText(firstKeyBase64.substr(0, 43), "t").id() == firstKeyId);
    BOOST_TEST(SecretKey::fromText("  " + firstKeyHex + "\r\n", "t").id() == firstKeyId);
    BOOST_TEST(SecretKey::fromText(thirdKeyHex, "t").id() == thirdKeyId);
    std::string upper = thirdKeyHex;
    for (char& character : upper) {
        character = static_cast<char>(std::toupper(static_cast<unsigned char>(character)));
    }
    BOOST_TEST(SecretKey::fromText(upper, "t").id() == thirdKeyId);
    BOOST_TEST(SecretKey::fromText(thirdKeyBase64 + "\n", "t").id() == thirdKeyId);
    BOOST_TEST(SecretKey::fromText(thirdKeyBase64Url, "t").id() == thirdKeyId);

    // Keys in another form open what the hex form sealed.
    const SecretBox hex(firstKey());
    const SecretBox base64(SecretKey::fromText(firstKeyBase64, "t"));
    BOOST_TEST(base64.open(hex.seal("pw", "a"), "a") == "pw");
}

BOOST_AUTO_TEST_CASE(malformed_keys_are_refused_without_quoting_them) {
    const std::vector<std::string> malformed = {
        firstKeyHex.substr(0, 63),
        firstKeyHex + "0",
        firstKeyHex.substr(0, 62),
        "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1bz",
        "a1b2c3d4e5f6a1b2c3d4 e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2",
        "a1b2c3d4e5f6a1b2c3d4!e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b",
        "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNA==",   // 31 bytes
        "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU2",   // 33 bytes
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=",   // leftover bits set
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8===", // too much padding
        "AAECAwQFBgcICQoLDA0ODxAREh=TFRYXGBkaGxwdHh8=",   // padding inside
        "correct horse battery staple correct horse battery",
        "Zoë-Zoë-Zoë-Zoë-Zoë-Zoë-Zoë-Zoë-Zoë-Zoë-",
    };
    for (const std::string& text : malformed) {
        const std::string message = keyTextError(text);
        BOOST_TEST_INFO("'" << text << "' gives: " << message);
        BOOST_TEST(message.starts_with("DPPBRIDGE_SECRET_KEY "));
        BOOST_TEST(message.find("64 hex digits or the base64 of 32 bytes") != std::string::npos);
        BOOST_TEST(message.find(text.substr(0, 12)) == std::string::npos);
        BOOST_TEST(message.find(text.substr(text.size() - 12)) == std::string::npos);
    }
    BOOST_TEST(keyTextError(firstKeyHex.substr(0, 63)) ==
               "DPPBRIDGE_SECRET_KEY is not a secret key: its 63 characters are neither 64 hex "
               "digits nor valid base64; a secret key is 64 hex digits or the base64 of 32 bytes");
    BOOST_TEST(keyTextError("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNA==") ==
               "DPPBRIDGE_SECRET_KEY is not a secret key: its 44 characters decode to 31 bytes, "
               "not 32; a secret key is 64 hex digits or the base64 of 32 bytes");
    BOOST_TEST(keyTextError(" \n") ==
               "DPPBRIDGE_SECRET_KEY is empty; a secret key is 64 hex digits or the base64 of 32 "
               "bytes");
    BOOST_TEST(keyTextError(malformed[5]).find("character 21 ") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(key_from_the_environment) {
    {
        const EnvironmentKey unset(std::nullopt);
        BOOST_TEST(!SecretKey::fromEnvironment());
        BOOST_TEST(!SecretKey::fromEnvironmentOrFile(""));
    }
    {
        const EnvironmentKey hex(firstKeyHex + "\n");
        BOOST_TEST(SecretKey::fromEnvironment()->id() == firstKeyId);
    }
    {
        const EnvironmentKey base64(thirdKeyBase64);
        BOOST_TEST(SecretKey::fromEnvironment()->id() == thirdKeyId);
    }
    {
        const EnvironmentKey empty(std::string{});
        BOOST_CHECK_THROW(SecretKey::fromEnvironment(), ConfigError);
        BOOST_TEST(
            errorOf([] { SecretKey::fromEnvironment(); }).starts_with("DPPBRIDGE_SECRET_KEY"));
    }
    {
        const EnvironmentKey bad(firstKeyHex.substr(1));
        const std::string message = errorOf([] { SecretKey::fromEnvironment(); });
        BOOST_TEST(message.starts_with("DPPBRIDGE_SECRET_KEY is not a secret key"));
        BOOST_TEST(message.find(firstKeyHex.substr(1, 16)) == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(the_environment_overrides_the_key_file) {
    TempDir dir;
    const std::string path = dir.file("secret.key");
    writeFile(path, secondKeyHex + "\n", 0600);
    {
        const EnvironmentKey set(firstKeyHex);
        BOOST_TEST(SecretKey::fromEnvironmentOrFile(path)->id() == firstKeyId);
    }
    {
        const EnvironmentKey unset(std::nullopt);
        BOOST_TEST(SecretKey::fromEnvironmentOrFile(path)->id() == secondKeyId);
        BOOST_CHECK_THROW(SecretKey::fromEnvironmentOrFile(dir.file("missing.key")), ConfigError);
    }
}

BOOST_AUTO_TEST_CASE(key_files) {
    TempDir dir;
    const std::string hex = dir.file("hex.key");
    writeFile(hex, firstKeyHex + "\n", 0600);
    BOOST_TEST(SecretKey::fromFile(hex).id() == firstKeyId);

    const std::string base64 = dir.file("base64.key");
    writeFile(base64, thirdKeyBase64 + "\r\n", 0400);
    BOOST_TEST(SecretKey::fromFile(base64).id() == thirdKeyId);

    const std::string link = dir.file("link.key");
    std::filesystem::create_symlink(hex, link);
    BOOST_TEST(SecretKey::fromFile(link).id() == firstKeyId);

    BOOST_TEST(errorOf([&] { SecretKey::fromFile(dir.file("missing.key")); }) ==
               "key file '" + dir.file("missing.key") + "' does not exist");
    BOOST_TEST(errorOf([&] { SecretKey::fromFile(dir.path().string()); }) ==
               "key file '" + dir.path().string() + "' is not a regular file");

    const std::string bad = dir.file("bad.key");
    writeFile(bad, firstKeyHex.substr(0, 40) + "\n", 0600);
    const std::string message = errorOf([&] { SecretKey::fromFile(bad); });
    BOOST_TEST(message.starts_with("key file '" + bad + "' is not a secret key"));
    BOOST_TEST(message.find(firstKeyHex.substr(0, 12)) == std::string::npos);

    const std::string big = dir.file("big.key");
    writeFile(big, std::string(5000, 'a'), 0600);
    BOOST_TEST(errorOf([&] {
                   SecretKey::fromFile(big);
               }).starts_with("key file '" + big + "' is 5000 bytes"));
}

BOOST_AUTO_TEST_CASE(key_files_open_to_others_are_refused) {
    TempDir dir;
    const std::string path = dir.file("secret.key");
    writeFile(path, firstKeyHex + "\n", 0644);
    const std::string message = errorOf([&] { SecretKey::fromFile(path); });
    BOOST_TEST(message == "key file '" + path +
                              "' has permissions 0644, which let group or others at it; a key "
                              "file must be private to its owner: chmod 600 '" +
                              path + "'");
    BOOST_TEST(message.find(firstKeyHex.substr(0, 12)) == std::string::npos);
    for (const mode_t mode : {0640, 0604, 0620, 0602, 0610, 0601, 0660}) {
        std::filesystem::permissions(path, static_cast<std::filesystem::perms>(mode));
        BOOST_TEST_INFO("mode " << std::oct << mode);
        BOOST_CHECK_THROW(SecretKey::fromFile(path), ConfigError);
    }
    std::filesystem::permissions(path, static_cast<std::filesystem::perms>(0600));
    BOOST_TEST(SecretKey::fromFile(path).id() == firstKeyId);
}

BOOST_AUTO_TEST_CASE(generated_key_files_are_private_and_never_overwritten) {
    TempDir dir;
    const std::string path = dir.file("secret.key");
    const mode_t oldMask = ::umask(0);
    const SecretKey key = SecretKey::generateFile(path);
    ::umask(oldMask);
    BOOST_TEST(modeOf(path) == 0600u);
    const std::string content = readFile(path);
    BOOST_TEST(content.size() == 65u);
    BOOST_TEST(content.back() == '\n');
    BOOST_TEST(content.find_first_not_of("0123456789abcdef") == 64u);
    BOOST_TEST(SecretKey::fromFile(path).id() == key.id());
    BOOST_TEST(key.id().size() == 8u);

    const SecretBox box(key);
    BOOST_TEST(SecretBox(SecretKey::fromFile(path)).open(box.seal("pw", "a"), "a") == "pw");

    BOOST_TEST(errorOf([&] { SecretKey::generateFile(path); }) ==
               "key file '" + path +
                   "' already exists; refusing to overwrite it (values sealed with the key it "
                   "holds could never be read again)");
    BOOST_TEST(readFile(path) == content);

    const std::string other = SecretKey::generateFile(dir.file("other.key")).id();
    BOOST_TEST(other != key.id());

    const std::string link = dir.file("link.key");
    std::filesystem::create_symlink(dir.file("target.key"), link);
    BOOST_CHECK_THROW(SecretKey::generateFile(link), ConfigError);
    BOOST_TEST(!std::filesystem::exists(dir.file("target.key")));

    BOOST_TEST(errorOf([&] { SecretKey::generateFile(dir.file("no/such/folder.key")); }) ==
               "cannot create key file '" + dir.file("no/such/folder.key") +
                   "': its folder does not exist");
}

BOOST_AUTO_TEST_SUITE_END()
