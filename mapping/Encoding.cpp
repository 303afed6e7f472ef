// Request encoding and decoding (see Encoding.h for the contract).
//
// The encoders are on the hot path of every delivery: they size their output in one pass over a
// constant lookup table, grow `out` once, and write into it; no other allocation, no iostreams.
// The decoders are strict and say where the input went wrong.
//
// decodeJsonObject uses the small strict parser below rather than Poco::JSON, because the wire
// contract needs things Poco's object model does not give: keys in document order, numbers as
// their exact JSON text ("1.10" stays "1.10"), a depth limit, and messages with byte positions.
// Duplicate keys in the top-level object: the LAST value wins, kept at the position where the key
// FIRST appeared (what JavaScript's JSON.parse and Python's json module do). Nested values are
// kept as compact JSON text with every member, duplicates included.
#include "mapping/Encoding.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <unordered_map>

namespace dpp::mapping {

namespace {

constexpr std::size_t kNotFound = static_cast<std::size_t>(-1);
constexpr char kUpperHex[] = "0123456789ABCDEF";

// ---------------------------------------------------------------------------------------------
// Lookup tables

constexpr std::array<bool, 256> makeUnreservedTable() {
    std::array<bool, 256> table{};
    for (int c = 'A'; c <= 'Z'; ++c)
        table[static_cast<std::size_t>(c)] = true;
    for (int c = 'a'; c <= 'z'; ++c)
        table[static_cast<std::size_t>(c)] = true;
    for (int c = '0'; c <= '9'; ++c)
        table[static_cast<std::size_t>(c)] = true;
    table['-'] = table['.'] = table['_'] = table['~'] = true;
    return table;
}
constexpr std::array<bool, 256> kUnreserved = makeUnreservedTable();

// Bytes written by appendJsonString for each input byte: 1 (as is), 2 (\n style) or 6 (\u00XX).
constexpr std::array<std::uint8_t, 256> makeJsonEscapeLengthTable() {
    std::array<std::uint8_t, 256> table{};
    for (std::size_t c = 0; c < 256; ++c)
        table[c] = c < 0x20 ? 6 : 1;
    table['"'] = table['\\'] = 2;
    table['\b'] = table['\f'] = table['\n'] = table['\r'] = table['\t'] = 2;
    return table;
}
constexpr std::array<std::uint8_t, 256> kJsonEscapeLength = makeJsonEscapeLengthTable();

// 0..15 for a hex digit (either case), -1 otherwise.
constexpr std::array<std::int8_t, 256> makeHexValueTable() {
    std::array<std::int8_t, 256> table{};
    for (auto& value : table)
        value = -1;
    for (int c = 0; c < 10; ++c)
        table[static_cast<std::size_t>('0' + c)] = static_cast<std::int8_t>(c);
    for (int c = 0; c < 6; ++c) {
        table[static_cast<std::size_t>('a' + c)] = static_cast<std::int8_t>(10 + c);
        table[static_cast<std::size_t>('A' + c)] = static_cast<std::int8_t>(10 + c);
    }
    return table;
}
constexpr std::array<std::int8_t, 256> kHexValue = makeHexValueTable();

inline unsigned char byteAt(std::string_view text, std::size_t index) {
    return static_cast<unsigned char>(text[index]);
}

// ---------------------------------------------------------------------------------------------
// UTF-8

// The offset of the first byte that does not start a well-formed UTF-8 sequence (Unicode
// Table 3-7: no overlongs, no surrogates, nothing above U+10FFFF, no truncation), or kNotFound.
std::size_t firstInvalidUtf8(std::string_view text) {
    const std::size_t size = text.size();
    std::size_t i = 0;
    while (i < size) {
        // ASCII fast path, eight bytes at a time.
        if (i + 8 <= size) {
            std::uint64_t chunk;
            std::memcpy(&chunk, text.data() + i, sizeof chunk);
            if ((chunk & 0x8080808080808080ULL) == 0) {
                i += 8;
                continue;
            }
        }
        const unsigned char lead = byteAt(text, i);
        if (lead < 0x80) {
            ++i;
            continue;
        }
        std::size_t length;
        unsigned char secondMin = 0x80;
        unsigned char secondMax = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            if (lead == 0xE0)
                secondMin = 0xA0; // overlong below U+0800
            else if (lead == 0xED)
                secondMax = 0x9F; // surrogates U+D800..U+DFFF
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            if (lead == 0xF0)
                secondMin = 0x90; // overlong below U+10000
            else if (lead == 0xF4)
                secondMax = 0x8F; // above U+10FFFF
        } else {
            return i; // continuation byte as lead, C0/C1 overlongs, F5..FF
        }
        if (i + length > size)
            return i;
        const unsigned char second = byteAt(text, i + 1);
        if (second < secondMin || second > secondMax)
            return i;
        for (std::size_t k = 2; k < length; ++k)
            if ((byteAt(text, i + k) & 0xC0) != 0x80)
                return i;
        i += length;
    }
    return kNotFound;
}

void appendUtf8(std::uint32_t codePoint, std::string& out) {
    if (codePoint < 0x80) {
        out.push_back(static_cast<char>(codePoint));
    } else if (codePoint < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (codePoint >> 6)));
        out.push_back(static_cast<char>(0x80 | (codePoint & 0x3F)));
    } else if (codePoint < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (codePoint >> 12)));
        out.push_back(static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (codePoint & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (codePoint >> 18)));
        out.push_back(static_cast<char>(0x80 | ((codePoint >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (codePoint & 0x3F)));
    }
}

// Text safe to put in an error message: quoted, control characters and bytes that are not
// UTF-8 shown as \xHH, cut after about 60 bytes.
std::string quoteForMessage(std::string_view text) {
    constexpr std::size_t kLimit = 60;
    std::string quoted = "'";
    std::size_t i = 0;
    while (i < text.size() && quoted.size() < kLimit) {
        const unsigned char c = byteAt(text, i);
        if (c >= 0x20 && c < 0x7F) {
            quoted.push_back(static_cast<char>(c));
            ++i;
            continue;
        }
        if (c >= 0x80) {
            const std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            const std::string_view sequence = text.substr(i, length);
            if (sequence.size() == length && firstInvalidUtf8(sequence) == kNotFound) {
                quoted.append(sequence);
                i += length;
                continue;
            }
        }
        quoted += "\\x";
        quoted.push_back(kUpperHex[c >> 4]);
        quoted.push_back(kUpperHex[c & 0xF]);
        ++i;
    }
    if (i < text.size())
        quoted += "...";
    quoted.push_back('\'');
    return quoted;
}

// ---------------------------------------------------------------------------------------------
// Percent-encoding

std::size_t percentEncodedSize(std::string_view text) {
    std::size_t size = text.size();
    for (const char c : text)
        if (!kUnreserved[static_cast<unsigned char>(c)])
            size += 2;
    return size;
}

// Writes the encoding of text at `cursor`, which has room for percentEncodedSize(text) bytes;
// returns the position after it.
char* writePercentEncoded(std::string_view text, char* cursor) {
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (kUnreserved[byte]) {
            *cursor++ = c;
        } else {
            cursor[0] = '%';
            cursor[1] = kUpperHex[byte >> 4];
            cursor[2] = kUpperHex[byte & 0xF];
            cursor += 3;
        }
    }
    return cursor;
}

// writePercentEncodedUnchecked's tables: for each byte, the up to three bytes it is written as,
// then their count. Every byte is written as four bytes and the cursor moves by the count, so
// the loop has no branch.
struct EncodedByte {
    char bytes[4];
};
constexpr std::array<EncodedByte, 256> makeEncodedByteTable(bool keepAsterisk) {
    std::array<EncodedByte, 256> table{};
    for (std::size_t c = 0; c < 256; ++c) {
        if (kUnreserved[c] || (keepAsterisk && c == '*'))
            table[c] = EncodedByte{{static_cast<char>(c), 0, 0, 1}};
        else
            table[c] = EncodedByte{{'%', kUpperHex[c >> 4], kUpperHex[c & 0xF], 3}};
    }
    return table;
}
constexpr std::array<EncodedByte, 256> kEncodedByte = makeEncodedByteTable(false);
constexpr std::array<EncodedByte, 256> kEncodedByteKeepingAsterisk = makeEncodedByteTable(true);

// Percent-decodes text (a key or a value of a form) into out. Returns kNotFound, or the offset
// in text of a '%' that is not followed by two hex digits. Does not check UTF-8.
std::size_t percentDecodeInto(std::string_view text, std::string& out) {
    out.clear();
    out.reserve(text.size());
    const std::size_t size = text.size();
    std::size_t i = 0;
    while (i < size) {
        const char c = text[i];
        if (c == '+') {
            out.push_back(' ');
            ++i;
        } else if (c == '%') {
            if (i + 2 >= size)
                return i;
            const int high = kHexValue[byteAt(text, i + 1)];
            const int low = kHexValue[byteAt(text, i + 2)];
            if (high < 0 || low < 0)
                return i;
            out.push_back(static_cast<char>((high << 4) | low));
            i += 3;
        } else {
            // Copy the run up to the next byte that needs decoding.
            std::size_t end = i + 1;
            while (end < size && text[end] != '+' && text[end] != '%')
                ++end;
            out.append(text.data() + i, end - i);
            i = end;
        }
    }
    return kNotFound;
}

// ---------------------------------------------------------------------------------------------
// JSON

std::size_t jsonStringSize(std::string_view text) {
    std::size_t size = 2;
    for (const char c : text)
        size += kJsonEscapeLength[static_cast<unsigned char>(c)];
    return size;
}

char* writeJsonString(std::string_view text, char* cursor) {
    *cursor++ = '"';
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        switch (kJsonEscapeLength[byte]) {
        case 1:
            *cursor++ = c;
            break;
        case 2: {
            char escaped = c;
            switch (c) {
            case '\b':
                escaped = 'b';
                break;
            case '\f':
                escaped = 'f';
                break;
            case '\n':
                escaped = 'n';
                break;
            case '\r':
                escaped = 'r';
                break;
            case '\t':
                escaped = 't';
                break;
            default: // '"' and '\\' stand for themselves
                break;
            }
            cursor[0] = '\\';
            cursor[1] = escaped;
            cursor += 2;
            break;
        }
        default:
            std::memcpy(cursor, "\\u00", 4);
            cursor[4] = kUpperHex[byte >> 4];
            cursor[5] = kUpperHex[byte & 0xF];
            cursor += 6;
            break;
        }
    }
    *cursor++ = '"';
    return cursor;
}

// Grows out by `extra` bytes and returns where they start.
char* grow(std::string& out, std::size_t extra) {
    const std::size_t oldSize = out.size();
    out.resize(oldSize + extra);
    return out.data() + oldSize;
}

// A strict RFC 8259 reader of one object, producing the flat key/value list of
// decodeJsonObject. The body has been checked to be UTF-8 before it starts.
class FlatJsonObjectReader {
public:
    FlatJsonObjectReader(std::string_view body, std::size_t maxDepth)
        : body_(body), maxDepth_(maxDepth) {}

    KeyValues read() {
        skipWhitespace();
        if (atEnd() || peek() != '{')
            fail("a JSON object was expected");
        if (maxDepth_ < 1)
            fail("the object nests deeper than the limit of " + std::to_string(maxDepth_));
        ++pos_;
        KeyValues pairs;
        skipWhitespace();
        if (!atEnd() && peek() == '}') {
            ++pos_;
        } else {
            std::string key;
            std::string value;
            for (;;) {
                skipWhitespace();
                if (atEnd() || peek() != '"')
                    fail("a string key was expected");
                readString(key);
                expectAfterWhitespace(':');
                skipWhitespace();
                readTopLevelValue(value);
                addPair(pairs, key, value);
                skipWhitespace();
                if (atEnd())
                    fail("the object is not closed");
                const char c = body_[pos_++];
                if (c == '}')
                    break;
                if (c != ',') {
                    --pos_;
                    fail("',' or '}' was expected");
                }
            }
        }
        skipWhitespace();
        if (!atEnd())
            fail("unexpected text after the object");
        return pairs;
    }

private:
    [[noreturn]] void fail(const std::string& problem) const {
        throw DecodeError("invalid JSON at byte " + std::to_string(pos_) + ": " + problem);
    }

    bool atEnd() const { return pos_ >= body_.size(); }
    char peek() const { return body_[pos_]; }

    void skipWhitespace() {
        while (!atEnd()) {
            const char c = peek();
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                return;
            ++pos_;
        }
    }

    void expectAfterWhitespace(char expected) {
        skipWhitespace();
        if (atEnd() || peek() != expected)
            fail(std::string("'") + expected + "' was expected");
        ++pos_;
    }

    // Keeps the last value of a duplicate key at the first key's position.
    void addPair(KeyValues& pairs, std::string& key, std::string& value) {
        constexpr std::size_t kIndexFrom = 16;
        if (pairs.size() < kIndexFrom) {
            for (auto& pair : pairs) {
                if (pair.first == key) {
                    pair.second.swap(value);
                    return;
                }
            }
            pairs.emplace_back(std::move(key), std::move(value));
            if (pairs.size() == kIndexFrom)
                for (std::size_t i = 0; i < pairs.size(); ++i)
                    index_.emplace(pairs[i].first, i);
            return;
        }
        const auto [it, inserted] = index_.try_emplace(key, pairs.size());
        if (!inserted) {
            pairs[it->second].second.swap(value);
            return;
        }
        pairs.emplace_back(std::move(key), std::move(value));
    }

    std::uint32_t readHex4() {
        if (pos_ + 4 > body_.size())
            fail("a \\u escape needs four hex digits");
        std::uint32_t value = 0;
        for (int k = 0; k < 4; ++k) {
            const int digit = kHexValue[byteAt(body_, pos_)];
            if (digit < 0)
                fail("a \\u escape needs four hex digits");
            value = (value << 4) | static_cast<std::uint32_t>(digit);
            ++pos_;
        }
        return value;
    }

    // Reads a string starting at its opening quote into out (decoded).
    void readString(std::string& out) {
        out.clear();
        ++pos_; // opening quote
        for (;;) {
            std::size_t runEnd = pos_;
            while (runEnd < body_.size()) {
                const unsigned char c = byteAt(body_, runEnd);
                if (c == '"' || c == '\\' || c < 0x20)
                    break;
                ++runEnd;
            }
            out.append(body_.data() + pos_, runEnd - pos_);
            pos_ = runEnd;
            if (atEnd())
                fail("the string is not closed");
            const unsigned char c = byteAt(body_, pos_);
            if (c == '"') {
                ++pos_;
                return;
            }
            if (c < 0x20)
                fail("a control character must be escaped in a string");
            ++pos_; // backslash
            if (atEnd())
                fail("the string is not closed");
            const char escape = body_[pos_++];
            switch (escape) {
            case '"':
            case '\\':
            case '/':
                out.push_back(escape);
                break;
            case 'b':
                out.push_back('\b');
                break;
            case 'f':
                out.push_back('\f');
                break;
            case 'n':
                out.push_back('\n');
                break;
            case 'r':
                out.push_back('\r');
                break;
            case 't':
                out.push_back('\t');
                break;
            case 'u': {
                const std::size_t escapeStart = pos_ - 2;
                std::uint32_t codePoint = readHex4();
                if (codePoint >= 0xDC00 && codePoint <= 0xDFFF) {
                    pos_ = escapeStart;
                    fail("a \\u escape is a lone low surrogate");
                }
                if (codePoint >= 0xD800 && codePoint <= 0xDBFF) {
                    if (pos_ + 2 > body_.size() || body_[pos_] != '\\' || body_[pos_ + 1] != 'u') {
                        pos_ = escapeStart;
                        fail("a \\u escape is a high surrogate without its low surrogate");
                    }
                    pos_ += 2;
                    const std::uint32_t low = readHex4();
                    if (low < 0xDC00 || low > 0xDFFF) {
                        pos_ = escapeStart;
                        fail("a \\u escape is a high surrogate without its low surrogate");
                    }
                    codePoint = 0x10000 + ((codePoint - 0xD800) << 10) + (low - 0xDC00);
                }
                appendUtf8(codePoint, out);
                break;
            }
            default:
                --pos_;
                fail("unknown escape in a string");
            }
        }
    }

    static bool isDigit(char c) { return c >= '0' && c <= '9'; }

    // Checks the number grammar and returns its exact text.
    std::string_view readNumber() {
        const std::size_t start = pos_;
        if (!atEnd() && peek() == '-')
            ++pos_;
        if (atEnd() || !isDigit(peek()))
            fail("a digit was expected");
        if (peek() == '0') {
            ++pos_;
        } else {
            while (!atEnd() && isDigit(peek()))
                ++pos_;
        }
        if (!atEnd() && peek() == '.') {
            ++pos_;
            if (atEnd() || !isDigit(peek()))
                fail("a digit was expected after the decimal point");
            while (!atEnd() && isDigit(peek()))
                ++pos_;
        }
        if (!atEnd() && (peek() == 'e' || peek() == 'E')) {
            ++pos_;
            if (!atEnd() && (peek() == '+' || peek() == '-'))
                ++pos_;
            if (atEnd() || !isDigit(peek()))
                fail("a digit was expected in the exponent");
            while (!atEnd() && isDigit(peek()))
                ++pos_;
        }
        return body_.substr(start, pos_ - start);
    }

    void readLiteral(std::string_view literal) {
        if (body_.substr(pos_, literal.size()) != literal)
            fail("a JSON value was expected");
        pos_ += literal.size();
    }

    // A value of the top-level object, as decodeJsonObject's contract says.
    void readTopLevelValue(std::string& out) {
        out.clear();
        if (atEnd())
            fail("a value was expected");
        const char c = peek();
        if (c == '"') {
            readString(out);
        } else if (c == '{' || c == '[') {
            appendCompactValue(out, 2);
        } else if (c == 'n') {
            readLiteral("null");
        } else if (c == 't' || c == 'f') {
            const std::string_view literal = c == 't' ? "true" : "false";
            readLiteral(literal);
            out.append(literal);
        } else {
            out.append(readNumber());
        }
    }

    // Appends any value as compact JSON text; depth is the nesting depth of the value itself
    // when it is an object or an array (the top-level object is depth 1).
    void appendCompactValue(std::string& out, std::size_t depth) {
        if (atEnd())
            fail("a value was expected");
        const char c = peek();
        if (c == '{' || c == '[') {
            if (depth > maxDepth_)
                fail("the value nests deeper than the limit of " + std::to_string(maxDepth_));
            const bool isObject = c == '{';
            const char close = isObject ? '}' : ']';
            out.push_back(c);
            ++pos_;
            skipWhitespace();
            if (!atEnd() && peek() == close) {
                out.push_back(close);
                ++pos_;
                return;
            }
            for (;;) {
                skipWhitespace();
                if (isObject) {
                    if (atEnd() || peek() != '"')
                        fail("a string key was expected");
                    readString(scratch_);
                    appendJsonString(scratch_, out);
                    expectAfterWhitespace(':');
                    out.push_back(':');
                    skipWhitespace();
                }
                appendCompactValue(out, depth + 1);
                skipWhitespace();
                if (atEnd())
                    fail(isObject ? "the object is not closed" : "the array is not closed");
                const char next = body_[pos_];
                if (next == close) {
                    out.push_back(close);
                    ++pos_;
                    return;
                }
                if (next != ',')
                    fail(isObject ? "',' or '}' was expected" : "',' or ']' was expected");
                out.push_back(',');
                ++pos_;
            }
        }
        if (c == '"') {
            readString(scratch_);
            appendJsonString(scratch_, out);
        } else if (c == 'n' || c == 't' || c == 'f') {
            const std::string_view literal = c == 'n' ? "null" : c == 't' ? "true" : "false";
            readLiteral(literal);
            out.append(literal);
        } else {
            out.append(readNumber());
        }
    }

    std::string_view body_;
    std::size_t maxDepth_;
    std::size_t pos_ = 0;
    std::string scratch_;
    std::unordered_map<std::string, std::size_t> index_;
};

} // namespace

bool isValidUtf8(std::string_view text) {
    return firstInvalidUtf8(text) == kNotFound;
}

void appendPercentEncoded(std::string_view text, std::string& out) {
    writePercentEncoded(text, grow(out, percentEncodedSize(text)));
}

char* writePercentEncodedUnchecked(std::string_view text, char* cursor, bool keepAsterisk) {
    const EncodedByte* table =
        keepAsterisk ? kEncodedByteKeepingAsterisk.data() : kEncodedByte.data();
    for (const char c : text) {
        const EncodedByte& encoded = table[static_cast<unsigned char>(c)];
        std::memcpy(cursor, encoded.bytes, 4);
        cursor += encoded.bytes[3];
    }
    return cursor;
}

std::string percentEncode(std::string_view text) {
    std::string out;
    appendPercentEncoded(text, out);
    return out;
}

void appendFormEncoded(const KeyValues& pairs, std::string& out) {
    if (pairs.empty())
        return;
    std::size_t size = pairs.size() * 2 - 1; // one '=' per pair, '&' between pairs
    for (const auto& [key, value] : pairs)
        size += percentEncodedSize(key) + percentEncodedSize(value);
    char* cursor = grow(out, size);
    bool first = true;
    for (const auto& [key, value] : pairs) {
        if (!first)
            *cursor++ = '&';
        first = false;
        cursor = writePercentEncoded(key, cursor);
        *cursor++ = '=';
        cursor = writePercentEncoded(value, cursor);
    }
}

std::string formEncode(const KeyValues& pairs) {
    std::string out;
    appendFormEncoded(pairs, out);
    return out;
}

std::string appendQueryToUrl(std::string_view url, std::string_view encodedQuery) {
    if (encodedQuery.empty())
        return std::string(url);
    const std::size_t hash = url.find('#');
    const std::string_view base = url.substr(0, hash);
    const std::string_view fragment = hash == std::string_view::npos ? "" : url.substr(hash);
    std::string result;
    result.reserve(url.size() + encodedQuery.size() + 1);
    result.append(base);
    if (base.find('?') == std::string_view::npos)
        result.push_back('?');
    else if (base.back() != '?' && base.back() != '&')
        result.push_back('&');
    result.append(encodedQuery);
    result.append(fragment);
    return result;
}

void appendJsonString(std::string_view text, std::string& out) {
    writeJsonString(text, grow(out, jsonStringSize(text)));
}

std::string jsonObjectEncode(const KeyValues& pairs) {
    std::size_t size = 2 + pairs.size() * 2; // braces, one ':' per pair, ',' between pairs
    for (const auto& [key, value] : pairs)
        size += jsonStringSize(key) + jsonStringSize(value);
    if (!pairs.empty())
        --size;
    std::string out(size, '\0');
    char* cursor = out.data();
    *cursor++ = '{';
    bool first = true;
    for (const auto& [key, value] : pairs) {
        if (!first)
            *cursor++ = ',';
        first = false;
        cursor = writeJsonString(key, cursor);
        *cursor++ = ':';
        cursor = writeJsonString(value, cursor);
    }
    *cursor = '}';
    return out;
}

std::string percentDecode(std::string_view text) {
    std::string out;
    const std::size_t badEscape = percentDecodeInto(text, out);
    if (badEscape != kNotFound)
        throw DecodeError("malformed percent-escape at byte " + std::to_string(badEscape) +
                          " (a '%' must be followed by two hex digits)");
    const std::size_t badByte = firstInvalidUtf8(out);
    if (badByte != kNotFound)
        throw DecodeError("percent-decoded text is not valid UTF-8 (byte " +
                          std::to_string(badByte) + " of the decoded text)");
    return out;
}

KeyValues decodeForm(std::string_view body) {
    KeyValues pairs;
    std::size_t segmentStart = 0;
    while (segmentStart <= body.size()) {
        std::size_t segmentEnd = body.find('&', segmentStart);
        if (segmentEnd == std::string_view::npos)
            segmentEnd = body.size();
        const std::string_view segment = body.substr(segmentStart, segmentEnd - segmentStart);
        if (!segment.empty()) {
            const std::size_t equals = segment.find('=');
            const std::string_view rawKey = segment.substr(0, equals);
            const std::string_view rawValue =
                equals == std::string_view::npos ? std::string_view() : segment.substr(equals + 1);
            std::string key;
            std::string value;
            std::size_t bad = percentDecodeInto(rawKey, key);
            if (bad != kNotFound)
                throw DecodeError("malformed percent-escape at byte " +
                                  std::to_string(segmentStart + bad) + " in key " +
                                  quoteForMessage(rawKey));
            if (!isValidUtf8(key))
                throw DecodeError("key " + quoteForMessage(rawKey) + " at byte " +
                                  std::to_string(segmentStart) + " is not valid UTF-8");
            bad = percentDecodeInto(rawValue, value);
            if (bad != kNotFound)
                throw DecodeError("malformed percent-escape at byte " +
                                  std::to_string(segmentStart + equals + 1 + bad) +
                                  " in the value of key " + quoteForMessage(key));
            if (!isValidUtf8(value))
                throw DecodeError("value of key " + quoteForMessage(key) + " is not valid UTF-8");
            pairs.emplace_back(std::move(key), std::move(value));
        }
        segmentStart = segmentEnd + 1;
    }
    return pairs;
}

KeyValues decodeJsonObject(std::string_view body, std::size_t maxDepth) {
    const std::size_t badByte = firstInvalidUtf8(body);
    if (badByte != kNotFound)
        throw DecodeError("JSON body is not valid UTF-8 (byte " + std::to_string(badByte) + ")");
    return FlatJsonObjectReader(body, maxDepth).read();
}

} // namespace dpp::mapping
