#pragma once
// ASCII helpers for text the rules compare: whitespace, trimming and case folding of the
// ASCII letters only (UTF-8 bytes beyond ASCII are left as they are). Pure; thread-safe.
#include <string>
#include <string_view>

namespace dpp::mapping {

inline bool isAsciiSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

inline char asciiLower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string_view trimmedAscii(std::string_view text) {
    while (!text.empty() && isAsciiSpace(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isAsciiSpace(text.back()))
        text.remove_suffix(1);
    return text;
}

inline std::string asciiLowerCase(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        c = asciiLower(c);
    return out;
}

} // namespace dpp::mapping
