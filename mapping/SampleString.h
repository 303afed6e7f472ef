#pragma once
// The article's "Sample String" flow: a posting URL with sample key/value pairs
// ("https://host/post/<token>/?firstname=test&lasname=test") is split into the posting URL
// and its pairs, each key suggested a DPP system field when it names one, and turned into a
// webhook definition the user finishes by mapping the pairs left unmapped.
// Pure functions; thread-safe. parseSampleString() throws SampleError with a message saying
// what is wrong with the sample string and what it must look like.
#include "mapping/SystemField.h"
#include "mapping/Webhook.h"

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dpp::mapping {

struct SamplePair {
    std::string key;         // percent-decoded, otherwise verbatim (typos included)
    std::string sampleValue; // percent-decoded sample value
    std::optional<SystemField> suggestedField; // the DPP field the key names or is close to
    std::string note;                          // why the suggestion is only a guess, if it is
};

struct ParsedSample {
    std::string postUrl;           // everything before the first '?', fragment dropped
    std::vector<SamplePair> pairs; // in the sample's order, duplicates kept
};

class SampleError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Surrounding whitespace is ignored. Throws SampleError when the string has no http(s)
// scheme and host, or no '?key=value&...' part, or a pair without a key, or an escape that is
// malformed or does not decode to UTF-8.
ParsedSample parseSampleString(std::string_view sampleUrl);

// A POST form webhook running in the background, titled `title` (the URL's host when empty).
// Each pair keeps its key verbatim and its sample value as a hint; a pair with a suggested
// field is mapped to it, the others are left unmapped (no field, empty value) for the user.
WebhookDefinition definitionFromSample(const ParsedSample& sample, std::string title);

} // namespace dpp::mapping
