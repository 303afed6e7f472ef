#include "mapping/SampleString.h"

#include "mapping/EditDistance.h"
#include "mapping/Encoding.h"

#include <algorithm>

namespace dpp::mapping {

namespace {

constexpr std::string_view kExpectedShape =
    "the sample string must be the posting URL followed by '?key=value&key=value...', e.g. "
    "https://host/post/<token>/?firstname=test&lastname=test";

bool isWhitespace(char character) {
    return character == ' ' || character == '\t' || character == '\n' || character == '\r' ||
           character == '\f' || character == '\v';
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && isWhitespace(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isWhitespace(text.back()))
        text.remove_suffix(1);
    return text;
}

bool equalsIgnoringAsciiCase(std::string_view first, std::string_view second) {
    return first.size() == second.size() &&
           std::equal(first.begin(), first.end(), second.begin(), [](char left, char right) {
               const auto lower = [](char character) {
                   return (character >= 'A' && character <= 'Z')
                              ? static_cast<char>(character - 'A' + 'a')
                              : character;
               };
               return lower(left) == lower(right);
           });
}

struct UrlParts {
    std::string_view scheme;
    std::string_view host; // without user information and port
};

// Splits "scheme://[user@]host[:port]/..." far enough to check it; throws SampleError.
UrlParts splitUrl(std::string_view url) {
    const std::size_t schemeEnd = url.find("://");
    if (schemeEnd == std::string_view::npos || schemeEnd == 0)
        throw SampleError("sample string '" + std::string(url) +
                          "' has no scheme and host; it must start with http:// or https://. " +
                          std::string(kExpectedShape));
    UrlParts parts;
    parts.scheme = url.substr(0, schemeEnd);
    if (!equalsIgnoringAsciiCase(parts.scheme, "http") &&
        !equalsIgnoringAsciiCase(parts.scheme, "https"))
        throw SampleError("sample string scheme '" + std::string(parts.scheme) +
                          "' is not supported; the posting URL must start with http:// or "
                          "https://");
    std::string_view authority = url.substr(schemeEnd + 3);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos)
        authority.remove_prefix(at + 1);
    if (!authority.empty() && authority.front() == '[') // IPv6 literal: "[::1]:8080"
        parts.host = authority.substr(0, authority.find(']') + 1);
    else
        parts.host = authority.substr(0, authority.find(':'));
    if (parts.host.empty())
        throw SampleError("sample string '" + std::string(url) + "' has no host after '" +
                          std::string(parts.scheme) + "://'. " + std::string(kExpectedShape));
    return parts;
}

std::string decoded(std::string_view text, std::size_t pairNumber, std::string_view what) {
    try {
        return percentDecode(text);
    } catch (const DecodeError& error) {
        throw SampleError("sample string pair " + std::to_string(pairNumber) + " " +
                          std::string(what) + " '" + std::string(text) +
                          "' cannot be decoded: " + error.what());
    }
}

// The DPP data source key `key` is closest to, when it is near one but equal to none.
std::optional<SystemField> closestDataSourceField(std::string_view key) {
    std::optional<SystemField> best;
    std::size_t bestDistance = 0;
    const std::string normalized = normalizedKey(key);
    for (const SystemFieldInfo& field : systemFields()) {
        if (field.dataSourceKey.empty() || !isNearMiss(key, field.dataSourceKey))
            continue;
        const std::size_t distance = editDistance(normalized, normalizedKey(field.dataSourceKey));
        if (!best || distance < bestDistance) {
            best = field.field;
            bestDistance = distance;
        }
    }
    return best;
}

SamplePair samplePair(std::string_view segment, std::size_t pairNumber) {
    const std::size_t equals = segment.find('=');
    const std::string_view rawKey = segment.substr(0, equals);
    const std::string_view rawValue =
        equals == std::string_view::npos ? std::string_view() : segment.substr(equals + 1);
    SamplePair pair;
    pair.key = decoded(rawKey, pairNumber, "key");
    if (pair.key.empty())
        throw SampleError("sample string pair " + std::to_string(pairNumber) + " '" +
                          std::string(segment) + "' has no key; " + std::string(kExpectedShape));
    pair.sampleValue = decoded(rawValue, pairNumber, "value");
    pair.suggestedField = fieldByDataSourceKey(pair.key);
    if (!pair.suggestedField) {
        pair.suggestedField = closestDataSourceField(pair.key);
        if (pair.suggestedField)
            pair.note = "key '" + pair.key + "' is close to the DPP key '" +
                        std::string(info(*pair.suggestedField).dataSourceKey) +
                        "'; kept verbatim as given";
    }
    return pair;
}

void appendNote(SamplePair& pair, std::string_view note) {
    if (!pair.note.empty())
        pair.note += "; ";
    pair.note += note;
}

} // namespace

ParsedSample parseSampleString(std::string_view sampleUrl) {
    const std::string_view sample = trimmed(sampleUrl);
    if (sample.empty())
        throw SampleError("the sample string is empty; " + std::string(kExpectedShape));
    const std::size_t fragmentStart = sample.find('#');
    const std::string_view withoutFragment = sample.substr(0, fragmentStart);
    const std::string_view fragment = fragmentStart == std::string_view::npos
                                          ? std::string_view()
                                          : sample.substr(fragmentStart + 1);
    const std::size_t queryStart = withoutFragment.find('?');

    ParsedSample parsed;
    parsed.postUrl = std::string(withoutFragment.substr(0, queryStart));
    splitUrl(parsed.postUrl);
    if (queryStart == std::string_view::npos)
        throw SampleError("sample string '" + std::string(sample) + "' has no '?'; " +
                          std::string(kExpectedShape));

    const std::string_view query = withoutFragment.substr(queryStart + 1);
    std::size_t segmentStart = 0;
    while (segmentStart <= query.size()) {
        const std::size_t segmentEnd = std::min(query.find('&', segmentStart), query.size());
        const std::string_view segment = query.substr(segmentStart, segmentEnd - segmentStart);
        if (!segment.empty())
            parsed.pairs.push_back(samplePair(segment, parsed.pairs.size() + 1));
        segmentStart = segmentEnd + 1;
    }
    if (parsed.pairs.empty())
        throw SampleError("sample string '" + std::string(sample) +
                          "' has no key/value pairs after '?'; " + std::string(kExpectedShape));
    // A '#' inside a value ends the query: say so rather than lose the rest silently.
    if (fragment.find_first_of("=&") != std::string_view::npos)
        appendNote(parsed.pairs.back(),
                   "the sample string continues after '#' ('#" + std::string(fragment) +
                       "'), which a URL treats as a fragment and drops; a '#' in a value must "
                       "be written %23");
    return parsed;
}

WebhookDefinition definitionFromSample(const ParsedSample& sample, std::string title) {
    WebhookDefinition webhook;
    webhook.title = title.empty() ? std::string(splitUrl(sample.postUrl).host) : std::move(title);
    webhook.url = sample.postUrl;
    webhook.method = HttpMethod::Post;
    webhook.format = BodyFormat::Form;
    webhook.mode = ExecutionMode::Background;
    webhook.pairs.reserve(sample.pairs.size());
    for (const SamplePair& samplePair : sample.pairs)
        webhook.pairs.push_back(WebhookPair{.key = samplePair.key,
                                            .field = samplePair.suggestedField,
                                            .value = {},
                                            .secret = false,
                                            .sample = samplePair.sampleValue,
                                            .needsMapping = !samplePair.suggestedField});
    return webhook;
}

} // namespace dpp::mapping
