#include "bridge/secrets/Base64.h"

#include <array>
#include <cstdint>

namespace dpp::bridge {

namespace {

constexpr char urlAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::uint8_t invalid = 0xFF;

using DecodeTable = std::array<std::uint8_t, 256>;

constexpr DecodeTable makeDecodeTable(bool standardAlphabetToo) {
    DecodeTable table{};
    for (auto& entry : table) {
        entry = invalid;
    }
    for (std::uint8_t value = 0; value < 64; ++value) {
        table[static_cast<unsigned char>(urlAlphabet[value])] = value;
    }
    if (standardAlphabetToo) {
        table['+'] = 62;
        table['/'] = 63;
    }
    return table;
}

constexpr DecodeTable urlDecodeTable = makeDecodeTable(false);
constexpr DecodeTable anyDecodeTable = makeDecodeTable(true);

// Unpadded text in the table's alphabet; nothing for an impossible length or non-zero leftover
// bits.
std::optional<std::string> decodeUnpadded(std::string_view text, const DecodeTable& table) {
    if (text.size() % 4 == 1) {
        return std::nullopt;
    }
    std::optional<std::string> out(std::in_place, text.size() * 3 / 4, '\0');
    char* next = out->data();
    const auto* data = reinterpret_cast<const unsigned char*>(text.data());
    std::size_t index = 0;
    for (; index + 4 <= text.size(); index += 4) {
        const std::uint8_t first = table[data[index]];
        const std::uint8_t second = table[data[index + 1]];
        const std::uint8_t third = table[data[index + 2]];
        const std::uint8_t fourth = table[data[index + 3]];
        if (((first | second | third | fourth) & 0x80) != 0) { // any of them invalid
            return std::nullopt;
        }
        const std::uint32_t group = (first << 18) | (second << 12) | (third << 6) | fourth;
        next[0] = static_cast<char>(group >> 16);
        next[1] = static_cast<char>(group >> 8);
        next[2] = static_cast<char>(group);
        next += 3;
    }
    const std::size_t rest = text.size() - index; // 0, 2 or 3
    if (rest > 0) {
        const std::uint8_t first = table[data[index]];
        const std::uint8_t second = table[data[index + 1]];
        const std::uint8_t third = rest == 3 ? table[data[index + 2]] : 0;
        if (((first | second | third) & 0x80) != 0) {
            return std::nullopt;
        }
        const std::uint32_t group = (first << 18) | (second << 12) | (third << 6);
        // The bits past the last whole byte must be zero: one accepted encoding per byte string.
        if ((rest == 2 && (group & 0xFFFF) != 0) || (rest == 3 && (group & 0xFF) != 0)) {
            return std::nullopt;
        }
        next[0] = static_cast<char>(group >> 16);
        if (rest == 3) {
            next[1] = static_cast<char>(group >> 8);
        }
    }
    return out;
}

} // namespace

void appendBase64UrlEncoded(std::string_view bytes, std::string& out) {
    const std::size_t start = out.size();
    out.resize(start + (bytes.size() * 4 + 2) / 3);
    char* next = out.data() + start;
    const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
    std::size_t index = 0;
    for (; index + 3 <= bytes.size(); index += 3) {
        const std::uint32_t group = (data[index] << 16) | (data[index + 1] << 8) | data[index + 2];
        next[0] = urlAlphabet[(group >> 18) & 63];
        next[1] = urlAlphabet[(group >> 12) & 63];
        next[2] = urlAlphabet[(group >> 6) & 63];
        next[3] = urlAlphabet[group & 63];
        next += 4;
    }
    const std::size_t rest = bytes.size() - index;
    if (rest > 0) {
        const std::uint32_t group = (data[index] << 16) | (rest == 2 ? data[index + 1] << 8 : 0);
        next[0] = urlAlphabet[(group >> 18) & 63];
        next[1] = urlAlphabet[(group >> 12) & 63];
        if (rest == 2) {
            next[2] = urlAlphabet[(group >> 6) & 63];
        }
    }
}

std::string base64UrlEncode(std::string_view bytes) {
    std::string out;
    appendBase64UrlEncoded(bytes, out);
    return out;
}

bool isBase64UrlText(std::string_view text) {
    if (text.size() % 4 == 1) {
        return false;
    }
    for (const char character : text) {
        if (urlDecodeTable[static_cast<unsigned char>(character)] == invalid) {
            return false;
        }
    }
    return true;
}

std::optional<std::string> base64UrlDecode(std::string_view text) {
    return decodeUnpadded(text, urlDecodeTable);
}

std::optional<std::string> base64Decode(std::string_view text) {
    if (text.size() % 4 == 0 && !text.empty()) {
        // Padded: at most two '=' and only at the end.
        std::size_t padding = 0;
        while (padding < 2 && text[text.size() - 1 - padding] == '=') {
            ++padding;
        }
        text.remove_suffix(padding);
        if (padding > 0 && text.size() % 4 == 0) {
            return std::nullopt;
        }
    }
    return decodeUnpadded(text, anyDecodeTable);
}

} // namespace dpp::bridge
