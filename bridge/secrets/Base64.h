#pragma once
// Base64 (RFC 4648) for keys and sealed values: the URL-safe alphabet without padding for
// tokens, and a decoder that takes either alphabet, with or without padding. Pure; thread-safe.
#include <optional>
#include <string>
#include <string_view>

namespace dpp::bridge {

// '-' and '_' for 62 and 63, no '=' padding: safe in URLs, file names and SQL text.
std::string base64UrlEncode(std::string_view bytes);
void appendBase64UrlEncoded(std::string_view bytes, std::string& out);

// True when text could be an unpadded base64url encoding (alphabet and length); fast, decodes
// nothing.
bool isBase64UrlText(std::string_view text);

// Decodes exactly what base64UrlEncode makes: the URL-safe alphabet, no padding, leftover
// bits zero. Nothing for any other text, so each byte string has one accepted encoding.
std::optional<std::string> base64UrlDecode(std::string_view text);

// Decodes the standard ('+' '/') or the URL-safe ('-' '_') alphabet, padded or not. Nothing
// when the text has another character, misplaced padding, an impossible length, or leftover
// bits that are not zero (so every byte string has exactly one accepted unpadded encoding per
// alphabet).
std::optional<std::string> base64Decode(std::string_view text);

} // namespace dpp::bridge
