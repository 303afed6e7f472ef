#pragma once
// What the document endpoint and the copier agree on besides the body: the header names and
// how a document's name travels (percent-encoded UTF-8, every byte outside RFC 3986's
// unreserved set escaped, so any name fits in a header). Pure functions; thread-safe;
// decodeDocumentName never throws (a malformed escape is kept as written).
#include <string>
#include <string_view>

namespace dpp::bridge {

inline constexpr const char* kDocumentSha256Header = "X-Document-Sha256";
inline constexpr const char* kDocumentNameHeader = "X-Document-Name";
inline constexpr const char* kDocumentsRealm = "dppbridge documents";

std::string encodeDocumentName(std::string_view name);
std::string decodeDocumentName(std::string_view encoded);

} // namespace dpp::bridge
