#pragma once
// Request encoding and decoding: percent-encoding for GET query strings and form bodies,
// flat JSON objects, UTF-8 validation. Pure functions; thread-safe.
// Encoders never fail. Decoders throw DecodeError with a message naming the key or the byte
// position, and never return invalid UTF-8.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dpp::mapping {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

class DecodeError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

bool isValidUtf8(std::string_view text);

// RFC 3986: unreserved characters (A-Z a-z 0-9 - . _ ~) are kept, every other byte becomes
// %XX (upper-case hex); a space is %20. Decodes with any standard form or query decoder.
void appendPercentEncoded(std::string_view text, std::string& out);
std::string percentEncode(std::string_view text);

// For encoders that write many pieces into one buffer of their own (CompiledWebhook): writes
// the same encoding as appendPercentEncoded at `cursor`, which must have room for
// percentEncodedBound(text.size()) bytes (it may write scratch bytes past the end of the
// encoding, within that room), and returns the position after the encoding. With
// keepAsterisk, '*' is written as it is rather than as %2A: the readable masked form of
// records and previews ("ssn=*****6789"), which standard decoders read the same.
constexpr std::size_t percentEncodedBound(std::size_t size) {
    return 3 * size + 1;
}
char* writePercentEncodedUnchecked(std::string_view text, char* cursor, bool keepAsterisk = false);

// "k1=v1&k2=v2" in the given order; keys and values percent-encoded.
void appendFormEncoded(const KeyValues& pairs, std::string& out);
std::string formEncode(const KeyValues& pairs);

// Appends an encoded query to a URL after any query it already has, before any fragment.
std::string appendQueryToUrl(std::string_view url, std::string_view encodedQuery);

// One flat JSON object, keys in the given order, every value a string.
void appendJsonString(std::string_view text, std::string& out);
std::string jsonObjectEncode(const KeyValues& pairs);

// Percent-decoding as in application/x-www-form-urlencoded: '+' is a space, %XX a byte.
// Throws DecodeError on a malformed escape or when the result is not UTF-8.
std::string percentDecode(std::string_view text);

// Decodes "k1=v1&k2&k3=v3" (query strings and form bodies); a key without '=' has an empty
// value; empty segments ("a=1&&b=2") are skipped. Order and duplicates are kept.
KeyValues decodeForm(std::string_view body);

// Decodes one flat JSON object. String values are kept as they are; numbers and booleans
// become their JSON text; null becomes ""; a nested object or array becomes its compact
// JSON text. Throws DecodeError if the text is not one object, nests deeper than maxDepth,
// or is not UTF-8.
KeyValues decodeJsonObject(std::string_view body, std::size_t maxDepth = 32);

} // namespace dpp::mapping
