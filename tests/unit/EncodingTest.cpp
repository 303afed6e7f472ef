// Unit and property tests for mapping/Encoding.h: percent-encoding, form and JSON bodies,
// query strings, UTF-8 validation and the strict decoders.
#include "mapping/Encoding.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>

using namespace dpp::mapping;

namespace {

// True when calling f throws DecodeError whose message contains every given fragment.
template <typename F>
bool throwsDecodeError(F&& f, std::initializer_list<std::string_view> fragments = {}) {
    try {
        f();
    } catch (const DecodeError& error) {
        const std::string message = error.what();
        for (const auto fragment : fragments) {
            if (message.find(fragment) == std::string::npos) {
                BOOST_TEST_MESSAGE("message '" << message << "' lacks '" << fragment << "'");
                return false;
            }
        }
        return true;
    }
    return false;
}

std::string describe(const KeyValues& pairs) {
    std::ostringstream text;
    for (const auto& [key, value] : pairs)
        text << "[" << percentEncode(key) << "=" << percentEncode(value) << "]";
    return text.str();
}

void appendCodePoint(std::uint32_t codePoint, std::string& out) {
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

// Random valid UTF-8, heavy on the characters that break naive encoders.
class RandomUtf8 {
public:
    explicit RandomUtf8(std::uint32_t seed) : engine_(seed) {}

    std::string text() {
        std::string out;
        const int length = pick(0, 16);
        for (int i = 0; i < length; ++i) {
            const int kind = pick(0, 99);
            if (kind < 35) {
                static constexpr std::string_view kTricky = "&=+% #?;/\"\\";
                out.push_back(kTricky[static_cast<std::size_t>(pick(0, kTricky.size() - 1))]);
            } else if (kind < 55) {
                out.push_back(static_cast<char>(pick(0x20, 0x7E)));
            } else if (kind < 60) {
                out.push_back(static_cast<char>(pick(0x00, 0x1F))); // control characters
            } else if (kind < 70) {
                appendCodePoint(static_cast<std::uint32_t>(pick(0x80, 0x7FF)), out);
            } else if (kind < 80) {
                int codePoint = pick(0x800, 0xFFFF - 0x800);
                if (codePoint >= 0xD800)
                    codePoint += 0x800; // skip the surrogates
                appendCodePoint(static_cast<std::uint32_t>(codePoint), out);
            } else if (kind < 88) {
                appendCodePoint(static_cast<std::uint32_t>(pick(0x10000, 0x10FFFF)), out);
            } else {
                static constexpr std::uint32_t kEmoji[] = {0x1F600, 0x1F4A9, 0x1F44D, 0x2764,
                                                           0x1F1FA, 0x200D,  0xFE0F,  0x1F468};
                appendCodePoint(kEmoji[pick(0, std::size(kEmoji) - 1)], out);
            }
        }
        return out;
    }

    KeyValues pairs() {
        ++generated_;
        KeyValues result;
        const int count = pick(0, 6);
        for (int i = 0; i < count; ++i)
            result.emplace_back(text(), text());
        return result;
    }

    int generated() const { return generated_; }

private:
    int pick(int low, int high) { return std::uniform_int_distribution<int>(low, high)(engine_); }
    int pick(int low, std::size_t high) { return pick(low, static_cast<int>(high)); }

    std::mt19937 engine_;
    int generated_ = 0;
};

std::uint32_t propertySeed() {
    if (const char* fixed = std::getenv("DPP_TEST_SEED"))
        return static_cast<std::uint32_t>(std::strtoul(fixed, nullptr, 10));
    return std::random_device{}();
}

constexpr int kPropertyIterations = 5000;

} // namespace

BOOST_AUTO_TEST_SUITE(encoding)

BOOST_AUTO_TEST_CASE(percent_encode_keeps_only_unreserved_characters) {
    BOOST_TEST(percentEncode("AZaz09-._~") == "AZaz09-._~");
    BOOST_TEST(percentEncode("a b") == "a%20b");
    BOOST_TEST(percentEncode("+&=%#?/") == "%2B%26%3D%25%23%3F%2F");
    BOOST_TEST(percentEncode("\xC3\xA9") == "%C3%A9");
    BOOST_TEST(percentEncode(std::string_view("\0\n", 2)) == "%00%0A");
    BOOST_TEST(percentEncode("") == "");

    std::string out = "prefix:";
    appendPercentEncoded("a b", out);
    BOOST_TEST(out == "prefix:a%20b");
}

BOOST_AUTO_TEST_CASE(percent_encoding_decodes_with_a_standard_decoder) {
    const std::string text = "Jos\xC3\xA9 & Mar\xC3\xAD"
                             "a = 100% + \xF0\x9F\x98\x80";
    std::string decoded;
    Poco::URI::decode(percentEncode(text), decoded);
    BOOST_TEST(decoded == text);
}

BOOST_AUTO_TEST_CASE(form_encode_keeps_definition_order) {
    BOOST_TEST(formEncode({}) == "");
    BOOST_TEST(formEncode({{"lasname", "Smith"}, {"first name", "Mike"}, {"empty", ""}}) ==
               "lasname=Smith&first%20name=Mike&empty=");
    std::string out = "x=1&";
    appendFormEncoded({{"a", "b"}}, out);
    BOOST_TEST(out == "x=1&a=b");
}

BOOST_AUTO_TEST_CASE(append_query_to_url_goes_after_the_query_and_before_the_fragment) {
    BOOST_TEST(appendQueryToUrl("http://h/p", "a=1") == "http://h/p?a=1");
    BOOST_TEST(appendQueryToUrl("http://h/p?x=1", "a=1") == "http://h/p?x=1&a=1");
    BOOST_TEST(appendQueryToUrl("http://h/p?", "a=1") == "http://h/p?a=1");
    BOOST_TEST(appendQueryToUrl("http://h/p?x=1&", "a=1") == "http://h/p?x=1&a=1");
    BOOST_TEST(appendQueryToUrl("http://h/p#top", "a=1") == "http://h/p?a=1#top");
    BOOST_TEST(appendQueryToUrl("http://h/p?x=1#top?y", "a=1") == "http://h/p?x=1&a=1#top?y");
    BOOST_TEST(appendQueryToUrl("http://h/p?x=1#top", "") == "http://h/p?x=1#top");
}

BOOST_AUTO_TEST_CASE(json_strings_escape_quotes_backslashes_and_control_characters) {
    std::string out;
    appendJsonString(std::string_view("\"\\\b\f\n\r\t\x01\x1F\x7F/", 11), out);
    BOOST_TEST(out == "\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001F\x7F/\"");

    out.clear();
    appendJsonString(std::string_view("a\0b", 3), out);
    BOOST_TEST(out == "\"a\\u0000b\"");

    out = "[";
    appendJsonString("caf\xC3\xA9 \xF0\x9F\x98\x80", out);
    BOOST_TEST(out == "[\"caf\xC3\xA9 \xF0\x9F\x98\x80\"");
}

BOOST_AUTO_TEST_CASE(json_object_encode_keeps_definition_order) {
    BOOST_TEST(jsonObjectEncode({}) == "{}");
    BOOST_TEST(jsonObjectEncode({{"z", "1"}, {"a", "x\"y"}, {"m", ""}}) ==
               "{\"z\":\"1\",\"a\":\"x\\\"y\",\"m\":\"\"}");
}

BOOST_AUTO_TEST_CASE(utf8_validation_accepts_well_formed_text) {
    BOOST_TEST(isValidUtf8(""));
    BOOST_TEST(isValidUtf8("plain ascii that is longer than eight bytes"));
    BOOST_TEST(isValidUtf8(std::string_view("\0", 1)));
    BOOST_TEST(isValidUtf8("\xC2\x80 \xDF\xBF")); // U+0080, U+07FF
    BOOST_TEST(isValidUtf8("\xE0\xA0\x80 \xED\x9F\xBF \xEE\x80\x80 \xEF\xBF\xBF"));
    BOOST_TEST(isValidUtf8("\xF0\x90\x80\x80 \xF4\x8F\xBF\xBF")); // U+10000, U+10FFFF
    BOOST_TEST(isValidUtf8("12345678\xF0\x9F\x98\x80"));
}

BOOST_AUTO_TEST_CASE(utf8_validation_rejects_malformed_text) {
    const std::string_view invalid[] = {
        "\x80", // continuation byte without a lead
        "\xC0\x80",
        "\xC1\xBF", // overlong two-byte
        "\xE0\x80\x80",
        "\xE0\x9F\xBF", // overlong three-byte
        "\xF0\x80\x80\x80",
        "\xF0\x8F\xBF\xBF", // overlong four-byte
        "\xED\xA0\x80",
        "\xED\xBF\xBF",     // surrogates U+D800, U+DFFF
        "\xF4\x90\x80\x80", // U+110000
        "\xF5\x80\x80\x80",
        "\xFF",
        "\xFE",
        "\xE2\x82",                // truncated
        "\xF0\x9F\x98",            // truncated four-byte
        "\xC3",                    // truncated at the end
        "\xC3\x28",                // bad continuation
        "abcdefghijkl\xE2\x82",    // truncated after the ASCII fast path
        "abcdefg\xE2\x82\xAC\xFF", // bad byte straddling an 8-byte block
    };
    for (const auto text : invalid)
        BOOST_TEST(!isValidUtf8(text), "accepted " << percentEncode(text));
}

BOOST_AUTO_TEST_CASE(percent_decode_reads_plus_and_either_hex_case) {
    BOOST_TEST(percentDecode("a+b%20c") == "a b c");
    BOOST_TEST(percentDecode("%2b%2B%3d") == "++=");
    BOOST_TEST(percentDecode("%c3%A9") == "\xC3\xA9");
    BOOST_TEST(percentDecode("") == "");
    BOOST_TEST(percentDecode("caf\xC3\xA9") == "caf\xC3\xA9"); // raw UTF-8 passes through
}

BOOST_AUTO_TEST_CASE(percent_decode_rejects_malformed_escapes_and_non_utf8) {
    BOOST_TEST(throwsDecodeError([] { percentDecode("%"); }, {"byte 0"}));
    BOOST_TEST(throwsDecodeError([] { percentDecode("abc%4"); }, {"byte 3"}));
    BOOST_TEST(throwsDecodeError([] { percentDecode("ab%zz"); }, {"byte 2"}));
    BOOST_TEST(throwsDecodeError([] { percentDecode("%%41"); }, {"byte 0"}));
    BOOST_TEST(throwsDecodeError([] { percentDecode("%FF"); }, {"UTF-8"}));
    BOOST_TEST(throwsDecodeError([] { percentDecode("%C0%80"); }, {"UTF-8"}));
    BOOST_TEST(throwsDecodeError([] { percentDecode("%ED%A0%80"); }, {"UTF-8"}));
    BOOST_TEST(throwsDecodeError([] { percentDecode("%E2%82"); }, {"UTF-8"}));
    BOOST_TEST(throwsDecodeError([] { percentDecode("\xFF"); }, {"UTF-8"}));
}

BOOST_AUTO_TEST_CASE(decode_form_keeps_order_duplicates_and_bare_keys) {
    const KeyValues expected = {{"k1", "v1"}, {"k2", ""}, {"k3", "v 3"}, {"k1", "again"}};
    BOOST_TEST(decodeForm("k1=v1&k2&k3=v+3&k1=again") == expected);
    BOOST_TEST(decodeForm("a=1&&b=2&") == (KeyValues{{"a", "1"}, {"b", "2"}}));
    BOOST_TEST(decodeForm("").empty());
    BOOST_TEST(decodeForm("&&").empty());
    BOOST_TEST(decodeForm("=v&a==b") == (KeyValues{{"", "v"}, {"a", "=b"}}));
    BOOST_TEST(decodeForm("first%20name=Jos%C3%A9") == (KeyValues{{"first name", "Jos\xC3\xA9"}}));
}

BOOST_AUTO_TEST_CASE(decode_form_errors_name_the_key_and_the_byte) {
    BOOST_TEST(throwsDecodeError([] { decodeForm("a=1&firstname=%FF"); },
                                 {"value of key 'firstname' is not valid UTF-8"}));
    // "aa=1&bbb=2&x=1234%G1": the '%' is byte 17 of the body.
    BOOST_TEST(throwsDecodeError([] { decodeForm("aa=1&bbb=2&x=1234%G1"); },
                                 {"malformed percent-escape at byte 17", "key 'x'"}));
    BOOST_TEST(throwsDecodeError([] { decodeForm("ok=1&ab%2=1"); },
                                 {"malformed percent-escape at byte 7", "key 'ab%2'"}));
    BOOST_TEST(throwsDecodeError([] { decodeForm("ok=1&%FFkey=1"); }, {"key", "not valid UTF-8"}));
}

BOOST_AUTO_TEST_CASE(decode_json_object_keeps_key_order_and_value_text) {
    const KeyValues decoded = decodeJsonObject(
        " {\"zeta\": \"z\", \"alpha\" :1.10, \"mid\":-0, \"big\": 1E+400, \"t\":true, "
        "\"f\":false, \"n\":null, \"esc\":\"a\\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00\"}\r\n");
    const KeyValues expected = {{"zeta", "z"}, {"alpha", "1.10"},
                                {"mid", "-0"}, {"big", "1E+400"},
                                {"t", "true"}, {"f", "false"},
                                {"n", ""},     {"esc", "a\"b\\c/d\n\xC3\xA9\xF0\x9F\x98\x80"}};
    BOOST_TEST(decoded == expected);
    BOOST_TEST(decodeJsonObject("{}").empty());
}

BOOST_AUTO_TEST_CASE(decode_json_object_turns_nested_values_into_compact_text) {
    const KeyValues decoded = decodeJsonObject(
        "{\"plan\": { \"name\" : \"Standard 36\", \"fees\": [ {\"amount\": \"49.00\"} , 1e2 ,"
        " null, true ] , \"empty\" : { } , \"list\": [ ] , \"q\": \"\\u0022\\u00e9\\u0001\"}}");
    BOOST_TEST(decoded.size() == 1u);
    BOOST_TEST(decoded[0].second == "{\"name\":\"Standard 36\",\"fees\":[{\"amount\":\"49.00\"},"
                                    "1e2,null,true],\"empty\":{},\"list\":[],"
                                    "\"q\":\"\\\"\xC3\xA9\\u0001\"}");
}

BOOST_AUTO_TEST_CASE(decode_json_object_keeps_the_last_duplicate_at_the_first_position) {
    BOOST_TEST(decodeJsonObject("{\"a\":\"1\",\"b\":\"2\",\"a\":\"3\"}") ==
               (KeyValues{{"a", "3"}, {"b", "2"}}));
    // Same rule past the size where the decoder switches to an index.
    std::string body = "{";
    KeyValues expected;
    for (int i = 0; i < 40; ++i) {
        body += "\"k" + std::to_string(i) + "\":\"" + std::to_string(i) + "\",";
        expected.emplace_back("k" + std::to_string(i), std::to_string(i));
    }
    body += "\"k3\":\"x\",\"k30\":\"y\"}";
    expected[3].second = "x";
    expected[30].second = "y";
    BOOST_TEST(decodeJsonObject(body) == expected);
}

BOOST_AUTO_TEST_CASE(decode_json_object_rejects_what_is_not_one_object) {
    const std::string_view bad[] = {"",
                                    "   ",
                                    "[]",
                                    "\"text\"",
                                    "42",
                                    "null",
                                    "{",
                                    "{\"a\":1",
                                    "{\"a\":}",
                                    "{\"a\" 1}",
                                    "{'a':1}",
                                    "{a:1}",
                                    "{\"a\":1,}",
                                    "{,}",
                                    "{} {}",
                                    "{} x",
                                    "{\"a\":01}",
                                    "{\"a\":1.}",
                                    "{\"a\":.5}",
                                    "{\"a\":+1}",
                                    "{\"a\":1e}",
                                    "{\"a\":NaN}",
                                    "{\"a\":tru}",
                                    "{\"a\":[1,]}",
                                    "{\"a\":[1 2]}",
                                    "{\"a\":\"x}",
                                    "{\"a\":\"\\x\"}",
                                    "{\"a\":\"\\u12\"}",
                                    "{\"a\":\"\\ud800\"}",
                                    "{\"a\":\"\\udc00\"}",
                                    "{\"a\":\"\\ud800\\u0041\"}",
                                    "{\"a\":\"tab\there\"}",
                                    "{\"a\":{\"b\":1}",
                                    "{\"a\":[}"};
    for (const auto body : bad)
        BOOST_TEST(throwsDecodeError([&] { decodeJsonObject(body); }, {"invalid JSON at byte"}),
                   "accepted " << body);
    BOOST_TEST(throwsDecodeError([] { decodeJsonObject("{} x"); }, {"byte 3", "after"}));
}

BOOST_AUTO_TEST_CASE(decode_json_object_rejects_invalid_utf8_before_parsing) {
    BOOST_TEST(throwsDecodeError([] { decodeJsonObject("{\"a\":\"\xC0\x80\"}"); },
                                 {"not valid UTF-8", "byte 6"}));
    BOOST_TEST(throwsDecodeError([] { decodeJsonObject("{\"\xED\xA0\x80\":\"x\"}"); },
                                 {"not valid UTF-8"}));
}

BOOST_AUTO_TEST_CASE(decode_json_object_enforces_the_depth_limit) {
    auto nested = [](int arrays) {
        return "{\"a\":" + std::string(static_cast<std::size_t>(arrays), '[') +
               std::string(static_cast<std::size_t>(arrays), ']') + "}";
    };
    BOOST_TEST(decodeJsonObject(nested(31)).size() == 1u); // depth 32: the default limit
    BOOST_TEST(throwsDecodeError([&] { decodeJsonObject(nested(32)); }, {"deeper", "32"}));
    BOOST_TEST(decodeJsonObject("{\"a\":\"1\"}", 1).size() == 1u);
    BOOST_TEST(throwsDecodeError([] { decodeJsonObject("{\"a\":{}}", 1); }, {"deeper"}));
    BOOST_TEST(throwsDecodeError([] { decodeJsonObject("{}", 0); }, {"deeper"}));
    // A hostile depth fails cleanly instead of exhausting the stack.
    BOOST_TEST(throwsDecodeError([&] { decodeJsonObject(nested(100000)); }, {"deeper"}));
}

BOOST_AUTO_TEST_CASE(property_form_encoding_round_trips_any_utf8) {
    const std::uint32_t seed = propertySeed();
    RandomUtf8 random(seed);
    for (int i = 0; i < kPropertyIterations; ++i) {
        const KeyValues pairs = random.pairs();
        const std::string body = formEncode(pairs);
        KeyValues decoded;
        try {
            decoded = decodeForm(body);
        } catch (const std::exception& error) {
            BOOST_FAIL("seed " << seed << " (rerun with DPP_TEST_SEED=" << seed << "), iteration "
                               << i << ": " << error.what() << " for " << describe(pairs));
        }
        // Even a pair with an empty key and value survives: formEncode writes it as "=".
        if (decoded != pairs)
            BOOST_FAIL("seed " << seed << " (rerun with DPP_TEST_SEED=" << seed << "), iteration "
                               << i << ": " << describe(pairs) << " came back as "
                               << describe(decoded));
        for (const auto& [key, value] : pairs) {
            if (percentDecode(percentEncode(value)) != value)
                BOOST_FAIL("seed " << seed << ": percentDecode(percentEncode(x)) != x for "
                                   << percentEncode(value));
        }
    }
    BOOST_TEST(random.generated() >= kPropertyIterations);
    BOOST_TEST_MESSAGE("form round trip: " << kPropertyIterations << " cases, seed " << seed);
}

BOOST_AUTO_TEST_CASE(property_json_encoding_round_trips_any_utf8) {
    const std::uint32_t seed = propertySeed();
    RandomUtf8 random(seed);
    for (int i = 0; i < kPropertyIterations; ++i) {
        KeyValues pairs = random.pairs();
        // JSON objects cannot carry duplicate keys as pairs; keep the first of each key.
        KeyValues unique;
        for (auto& pair : pairs) {
            bool seen = false;
            for (const auto& kept : unique)
                seen = seen || kept.first == pair.first;
            if (!seen)
                unique.push_back(std::move(pair));
        }
        const std::string body = jsonObjectEncode(unique);
        KeyValues decoded;
        try {
            decoded = decodeJsonObject(body);
        } catch (const std::exception& error) {
            BOOST_FAIL("seed " << seed << " (rerun with DPP_TEST_SEED=" << seed << "), iteration "
                               << i << ": " << error.what() << " for " << body);
        }
        if (decoded != unique)
            BOOST_FAIL("seed " << seed << " (rerun with DPP_TEST_SEED=" << seed << "), iteration "
                               << i << ": " << describe(unique) << " came back as "
                               << describe(decoded));
        if (i % 10 == 0 && body.find("\\u0000") == std::string::npos) {
            // A standard parser reads the same object (Poco 1.11 cuts strings at \u0000).
            try {
                Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
                const auto object = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
                for (const auto& [key, value] : unique)
                    if (object->getValue<std::string>(key) != value)
                        BOOST_FAIL("seed " << seed << ": Poco reads another value for key "
                                           << percentEncode(key));
            } catch (const Poco::Exception& error) {
                BOOST_FAIL("seed " << seed << ": Poco cannot parse " << body << ": "
                                   << error.displayText());
            }
        }
    }
    BOOST_TEST(random.generated() >= kPropertyIterations);
    BOOST_TEST_MESSAGE("JSON round trip: " << kPropertyIterations << " cases, seed " << seed);
}

BOOST_AUTO_TEST_CASE(property_query_string_round_trips_after_an_existing_query) {
    const std::uint32_t seed = propertySeed();
    RandomUtf8 random(seed);
    const std::string url = "https://client.example.com/post/abc/?a=1#frag";
    for (int i = 0; i < kPropertyIterations; ++i) {
        const KeyValues pairs = random.pairs();
        const std::string full = appendQueryToUrl(url, formEncode(pairs));
        const std::size_t question = full.find('?');
        const std::size_t hash = full.find('#');
        KeyValues expected = {{"a", "1"}};
        expected.insert(expected.end(), pairs.begin(), pairs.end());
        bool ok = question != std::string::npos && hash != std::string::npos &&
                  full.substr(0, question) == "https://client.example.com/post/abc/" &&
                  full.substr(hash) == "#frag" && full.find('#', hash + 1) == std::string::npos;
        if (ok) {
            try {
                ok = decodeForm(std::string_view(full).substr(question + 1, hash - question - 1)) ==
                     expected;
            } catch (const std::exception& error) {
                BOOST_FAIL("seed " << seed << " (rerun with DPP_TEST_SEED=" << seed
                                   << "): " << error.what() << " for " << full);
            }
        }
        if (!ok)
            BOOST_FAIL("seed " << seed << " (rerun with DPP_TEST_SEED=" << seed << "), iteration "
                               << i << ": " << describe(pairs) << " gave URL " << full);
    }
    BOOST_TEST(random.generated() >= kPropertyIterations);
    BOOST_TEST_MESSAGE("query round trip: " << kPropertyIterations << " cases, seed " << seed);
}

BOOST_AUTO_TEST_SUITE_END()
