// Fuzzes the article's "Sample String" flow (mapping/SampleString.h): parseSampleString, then
// definitionFromSample, the definition file it prints (webhookToJson / parseWebhookDefinition),
// and the key checks `webhook check` runs on it. Input: the sample string as typed.
//
// Expected: SampleError from parseSampleString; DefinitionError when the printed definition is
// applied while a pair is still unmapped or the URL is not UTF-8 (both documented).
// Properties:
//   - every key is non-empty, keys and sample values are UTF-8, the posting URL has no '?'/'#';
//   - posting URL + '?' + formEncode(pairs) parses back to the same URL and pairs;
//   - the printed definition applies back unchanged when every pair got a field, and is refused
//     with DefinitionError (nothing else) when one did not;
//   - checkKeys and checkSpecialParameters throw nothing.
#include "FuzzSupport.h"

#include "mapping/Encoding.h"
#include "mapping/KeyCheck.h"
#include "mapping/SampleString.h"
#include "mapping/WebhookJson.h"
#include "specialparams/SpecialParameters.h"

using namespace dpp;
using namespace dpp::mapping;

namespace {

bool samePairs(const ParsedSample& a, const ParsedSample& b) {
    if (a.pairs.size() != b.pairs.size())
        return false;
    for (std::size_t i = 0; i < a.pairs.size(); ++i)
        if (a.pairs[i].key != b.pairs[i].key || a.pairs[i].sampleValue != b.pairs[i].sampleValue ||
            a.pairs[i].suggestedField != b.pairs[i].suggestedField)
            return false;
    return true;
}

void checkDefinitionFile(const ParsedSample& parsed, const WebhookDefinition& webhook) {
    const std::string file = webhookToJson(webhook, false);
    bool allMapped = true;
    for (const SamplePair& pair : parsed.pairs)
        allMapped = allMapped && pair.suggestedField.has_value();
    const bool readable = isValidUtf8(webhook.url) && isValidUtf8(webhook.title);
    if (!allMapped || !readable) {
        try {
            parseWebhookDefinition(file);
        } catch (const DefinitionError&) {
            return; // documented: apply refuses it until every pair has a field
        }
        FUZZ_CHECK(false, "a definition with an unmapped pair or a non-UTF-8 URL was accepted: " +
                              fuzz::printable(file));
    }
    const WebhookDefinition back =
        fuzz::mustNotThrow("parseWebhookDefinition(webhookToJson(definitionFromSample(...)))",
                           [&] { return parseWebhookDefinition(file); });
    FUZZ_CHECK(back.url == webhook.url && back.title == webhook.title &&
                   back.method == webhook.method && back.format == webhook.format &&
                   back.mode == webhook.mode && back.pairs.size() == webhook.pairs.size(),
               fuzz::printable(file));
    for (std::size_t i = 0; i < back.pairs.size(); ++i) {
        FUZZ_CHECK(back.pairs[i].key == webhook.pairs[i].key, "pair " + std::to_string(i));
        FUZZ_CHECK(back.pairs[i].field == webhook.pairs[i].field, "pair " + std::to_string(i));
        FUZZ_CHECK(back.pairs[i].sample == webhook.pairs[i].sample, "pair " + std::to_string(i));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fuzz::asText(data, size);
    ParsedSample parsed;
    try {
        parsed = parseSampleString(input);
    } catch (const SampleError&) {
        return 0;
    }

    FUZZ_CHECK(!parsed.pairs.empty(), fuzz::printable(input));
    FUZZ_CHECK(parsed.postUrl.find_first_of("?#") == std::string::npos, parsed.postUrl);
    KeyValues pairs;
    for (const SamplePair& pair : parsed.pairs) {
        FUZZ_CHECK(!pair.key.empty(), fuzz::printable(input));
        FUZZ_CHECK(isValidUtf8(pair.key), fuzz::printable(pair.key));
        FUZZ_CHECK(isValidUtf8(pair.sampleValue), fuzz::printable(pair.sampleValue));
        pairs.emplace_back(pair.key, pair.sampleValue);
    }

    // The same pairs written by our own encoder parse back to the same thing.
    const std::string rebuilt = parsed.postUrl + "?" + formEncode(pairs);
    const ParsedSample again =
        fuzz::mustNotThrow("parseSampleString(postUrl + '?' + formEncode(pairs))",
                           [&] { return parseSampleString(rebuilt); });
    FUZZ_CHECK(again.postUrl == parsed.postUrl, fuzz::printable(rebuilt));
    FUZZ_CHECK(samePairs(parsed, again), fuzz::printable(rebuilt));

    const WebhookDefinition untitled = definitionFromSample(parsed, "");
    FUZZ_CHECK(!untitled.title.empty(), "an untitled definition got no title (the host)");
    FUZZ_CHECK(untitled.pairs.size() == parsed.pairs.size(), "pairs lost");
    const WebhookDefinition titled = definitionFromSample(parsed, "Partner");
    checkDefinitionFile(parsed, untitled);
    checkDefinitionFile(parsed, titled);

    // `webhook check` on what the user got; both are documented to throw nothing.
    fuzz::mustNotThrow("checkKeys", [&] { return checkKeys(titled, {}); });
    fuzz::mustNotThrow("checkKeys(expected)", [&] {
        return checkKeys(titled, {"firstname", "lastname", "phone", "state"});
    });
    fuzz::mustNotThrow("checkSpecialParameters",
                       [&] { return specialparams::checkSpecialParameters(titled); });
    return 0;
}
