// Fuzzes request decoding (mapping/Encoding.h) and what a receiving data source does with the
// decoded pairs: ReceiveKeyMap, budget keys (budget/BudgetTags.h), __plan_data and __copydocs.
// Input: any bytes, read as a percent-encoded text, a form body / query string and a JSON body.
//
// Expected: DecodeError from the decoders; PlanDataError and CopyDocsError from the special
// parameters. Properties:
//   - isValidUtf8 agrees with a plain reference validator (Unicode Table 3-7);
//   - decoders never return invalid UTF-8;
//   - percentDecode(percentEncode(x)) == x for UTF-8 x (and DecodeError otherwise);
//     writePercentEncodedUnchecked fits in percentEncodedBound() and writes percentEncode's
//     bytes ('*' kept as such with keepAsterisk);
//   - decodeForm(formEncode(p)) == p and decodeJsonObject(jsonObjectEncode(p)) == p for what
//     the decoders returned; JSON keys are unique; nested values are compact JSON that decodes
//     again; a lower depth limit either refuses the body or gives the same pairs;
//   - appendJsonString of UTF-8 text decodes back to the text.
#include "FuzzSupport.h"

#include "budget/BudgetTags.h"
#include "mapping/Encoding.h"
#include "mapping/ReceiveKeyMap.h"
#include "specialparams/CopyDocs.h"
#include "specialparams/EnrollmentPlan.h"
#include "specialparams/SpecialParameters.h"

#include <memory>
#include <set>

using namespace dpp;
using namespace dpp::mapping;

namespace {

// Unicode Table 3-7, one code point at a time.
bool referenceUtf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto b0 = static_cast<unsigned char>(text[i]);
        std::size_t length = 0;
        unsigned char low = 0x80;
        unsigned char high = 0xBF;
        if (b0 <= 0x7F)
            length = 1;
        else if (b0 >= 0xC2 && b0 <= 0xDF)
            length = 2;
        else if (b0 == 0xE0)
            length = 3, low = 0xA0;
        else if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF)
            length = 3;
        else if (b0 == 0xED)
            length = 3, high = 0x9F;
        else if (b0 == 0xF0)
            length = 4, low = 0x90;
        else if (b0 >= 0xF1 && b0 <= 0xF3)
            length = 4;
        else if (b0 == 0xF4)
            length = 4, high = 0x8F;
        else
            return false;
        if (text.size() - i < length)
            return false;
        for (std::size_t k = 1; k < length; ++k) {
            const auto b = static_cast<unsigned char>(text[i + k]);
            const unsigned char min = k == 1 ? low : 0x80;
            const unsigned char max = k == 1 ? high : 0xBF;
            if (b < min || b > max)
                return false;
        }
        i += length;
    }
    return true;
}

void checkPercentEncoding(std::string_view input) {
    const std::string encoded = percentEncode(input);
    for (int keep = 0; keep < 2; ++keep) {
        // Exactly the documented room, on the heap, so that ASan sees a write past it.
        const std::size_t room = percentEncodedBound(input.size());
        const auto buffer = std::make_unique<char[]>(room);
        const char* end = writePercentEncodedUnchecked(input, buffer.get(), keep == 1);
        FUZZ_CHECK(end >= buffer.get() && end <= buffer.get() + room, "wrote past the bound");
        std::string expected = encoded;
        if (keep == 1) {
            std::string replaced;
            for (std::size_t i = 0; i < expected.size(); ++i) {
                if (expected.compare(i, 3, "%2A") == 0) {
                    replaced.push_back('*');
                    i += 2;
                } else {
                    replaced.push_back(expected[i]);
                }
            }
            expected = replaced;
        }
        FUZZ_CHECK(std::string_view(buffer.get(), static_cast<std::size_t>(end - buffer.get())) ==
                       expected,
                   "writePercentEncodedUnchecked differs from percentEncode");
    }
    if (isValidUtf8(input)) {
        const std::string back = fuzz::mustNotThrow("percentDecode(percentEncode(x))",
                                                    [&] { return percentDecode(encoded); });
        FUZZ_CHECK(back == input, "percent-encoding does not round-trip");
    } else {
        try {
            percentDecode(encoded);
            FUZZ_CHECK(false, "invalid UTF-8 survived percentDecode: " + fuzz::printable(input));
        } catch (const DecodeError&) {
        }
    }
    // A UTF-8 string written as a JSON string reads back the same.
    if (isValidUtf8(input)) {
        std::string body = "{\"k\":";
        appendJsonString(input, body);
        body.push_back('}');
        const KeyValues pairs = fuzz::mustNotThrow("decodeJsonObject(appendJsonString(x))",
                                                   [&] { return decodeJsonObject(body); });
        FUZZ_CHECK(pairs.size() == 1 && pairs[0].first == "k" && pairs[0].second == input,
                   fuzz::printable(body));
    }
}

void checkAllUtf8(const KeyValues& pairs, const char* what) {
    for (const auto& [key, value] : pairs) {
        FUZZ_CHECK(isValidUtf8(key), std::string(what) + " key " + fuzz::printable(key));
        FUZZ_CHECK(isValidUtf8(value), std::string(what) + " value " + fuzz::printable(value));
    }
}

// What DataSourceHandler does with posted pairs, in the pure libraries.
void receive(const KeyValues& posted) {
    static const ReceiveKeyMap keyMap({{"lasname", SystemField::LastName},
                                       {"phone", SystemField::CellPhone},
                                       {"id", SystemField::Id}});
    const ReceiveKeyMap::Result result = keyMap.apply(posted);
    FUZZ_CHECK(result.contact.get(SystemField::Id).empty(), "a post set the contact's ID");
    const budget::BudgetApplication budgets =
        budget::applyBudgetKeys(fuzz::receivingCatalog(), result.unmapped);
    for (const auto& [tag, amount] : budgets.values)
        FUZZ_CHECK(fuzz::receivingCatalog().findByTag(tag) != nullptr, "budget tag " + tag);
    for (const auto& [key, value] : budgets.otherKeys) {
        if (key == specialparams::kPlanDataKey) {
            try {
                const auto plan = specialparams::parsePlanData(value);
                if (plan)
                    fuzz::mustNotThrow("validatePlan(parsePlanData(...))",
                                       [&] { specialparams::validatePlan(*plan); });
            } catch (const specialparams::PlanDataError&) {
            }
        } else if (key == specialparams::kCopyDocsKey) {
            try {
                const auto request = specialparams::parseCopyDocs(value);
                FUZZ_CHECK(specialparams::renderCopyDocs(request) == value, fuzz::printable(value));
            } catch (const specialparams::CopyDocsError&) {
            }
        }
    }
}

void checkForm(std::string_view input) {
    KeyValues pairs;
    try {
        pairs = decodeForm(input);
    } catch (const DecodeError&) {
        return;
    }
    checkAllUtf8(pairs, "decodeForm");
    const std::string encoded = formEncode(pairs);
    const KeyValues back =
        fuzz::mustNotThrow("decodeForm(formEncode(pairs))", [&] { return decodeForm(encoded); });
    FUZZ_CHECK(back == pairs, "form round trip: " + fuzz::printable(encoded));
    std::string appended = "x";
    appendFormEncoded(pairs, appended);
    FUZZ_CHECK(appended == "x" + encoded, "appendFormEncoded differs from formEncode");
    receive(pairs);
}

void checkJson(std::string_view input) {
    KeyValues pairs;
    try {
        pairs = decodeJsonObject(input);
    } catch (const DecodeError&) {
        return;
    }
    checkAllUtf8(pairs, "decodeJsonObject");
    std::set<std::string_view> keys;
    for (const auto& [key, value] : pairs)
        FUZZ_CHECK(keys.insert(key).second, "duplicate key " + fuzz::printable(key));
    const std::string encoded = jsonObjectEncode(pairs);
    const KeyValues back = fuzz::mustNotThrow("decodeJsonObject(jsonObjectEncode(pairs))",
                                              [&] { return decodeJsonObject(encoded); });
    FUZZ_CHECK(back == pairs, "JSON round trip: " + fuzz::printable(encoded));
    for (const auto& [key, value] : pairs) {
        if (value.empty() || (value[0] != '{' && value[0] != '['))
            continue;
        // A nested value is kept as compact JSON text; a string value may merely look like one.
        // Either way, once compacted, the text is a fixed point of compacting.
        KeyValues once;
        try {
            once = decodeJsonObject("{\"v\":" + value + "}");
        } catch (const DecodeError&) {
            continue; // a string that is not JSON text
        }
        if (once.size() != 1)
            continue; // a string such as '[1],"w":2' reads as more members
        const std::string compact = once[0].second;
        const KeyValues twice = fuzz::mustNotThrow("decodeJsonObject(compacted value)", [&] {
            return decodeJsonObject("{\"v\":" + compact + "}");
        });
        FUZZ_CHECK(twice.size() == 1 && twice[0].second == compact,
                   "compact JSON is not a fixed point: " + fuzz::printable(compact));
    }
    for (std::size_t depth : {std::size_t{0}, std::size_t{1}, std::size_t{2}}) {
        try {
            FUZZ_CHECK(decodeJsonObject(input, depth) == pairs,
                       "depth " + std::to_string(depth) + " gives other pairs");
        } catch (const DecodeError&) {
        }
    }
    receive(pairs);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fuzz::asText(data, size);
    FUZZ_CHECK(isValidUtf8(input) == referenceUtf8(input),
               "isValidUtf8 disagrees with the reference on " + fuzz::printable(input));

    try {
        const std::string decoded = percentDecode(input);
        FUZZ_CHECK(isValidUtf8(decoded), "percentDecode returned invalid UTF-8");
        FUZZ_CHECK(fuzz::mustNotThrow("percentDecode(percentEncode(percentDecode(x)))",
                                      [&] { return percentDecode(percentEncode(decoded)); }) ==
                       decoded,
                   "percent round trip");
    } catch (const DecodeError&) {
    }
    checkPercentEncoding(input);
    checkForm(input);
    checkJson(input);

    // Appending a query never fails, whatever the URL.
    const std::string url = appendQueryToUrl(input, "a=1");
    FUZZ_CHECK(url.find("a=1") != std::string::npos, "the query was lost");
    FUZZ_CHECK(appendQueryToUrl(input, "") == input, "an empty query changed the URL");
    return 0;
}
