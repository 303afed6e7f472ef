#include "mapping/CompiledWebhook.h"

#include "mapping/Sensitive.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

namespace dpp::mapping {

namespace {

// The path and query exactly as written after the authority (Poco::URI would decode and
// re-encode the path, turning "%2F" into "/"); bytes that cannot appear in a request line are
// percent-encoded. Existing escapes were checked by Poco::URI.
std::string rawPathAndQuery(std::string_view url) {
    std::size_t authority = url.find("://");
    if (authority == std::string_view::npos)
        return {};
    std::string_view rest = url.substr(authority + 3);
    std::size_t start = rest.find_first_of("/?#");
    if (start == std::string_view::npos)
        return {};
    rest = rest.substr(start);
    rest = rest.substr(0, rest.find('#')); // a fragment is never sent
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : rest) {
        auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte >= 0x7F ||
            std::string_view("\"<>\\^`{|}").find(c) != std::string_view::npos) {
            out.push_back('%');
            out.push_back(kHex[byte >> 4]);
            out.push_back(kHex[byte & 0xF]);
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::string maskedFor(const std::string& value, bool sensitive, bool keepsLastDigits) {
    if (!sensitive || value.empty())
        return value;
    return keepsLastDigits ? maskValue(value) : std::string(kSecretMask);
}

// Masks the values of secret-looking keys already present in a URL's own query.
std::string maskUrlQuery(const std::string& url) {
    std::size_t question = url.find('?');
    if (question == std::string::npos)
        return url;
    std::size_t fragment = url.find('#', question);
    std::string query = url.substr(
        question + 1, fragment == std::string::npos ? std::string::npos : fragment - question - 1);
    std::string masked = url.substr(0, question + 1);
    std::size_t start = 0;
    while (start <= query.size()) {
        std::size_t end = query.find('&', start);
        if (end == std::string::npos)
            end = query.size();
        std::string segment = query.substr(start, end - start);
        std::size_t equals = segment.find('=');
        std::string key = segment.substr(0, equals);
        std::string decodedKey;
        try {
            decodedKey = percentDecode(key);
        } catch (const DecodeError&) {
            decodedKey = key;
        }
        if (equals != std::string::npos && isSensitiveName(decodedKey))
            segment = key + "=" + std::string(kSecretMask);
        if (start != 0)
            masked += '&';
        masked += segment;
        start = end + 1;
    }
    if (fragment != std::string::npos)
        masked += url.substr(fragment);
    return masked;
}

} // namespace

UrlParts parseHttpUrl(std::string_view url) {
    Poco::URI uri;
    try {
        uri = Poco::URI(std::string(url));
    } catch (const Poco::Exception& error) {
        throw DefinitionError({"url '" + std::string(url) + "' is not a URL: " + error.message()});
    }
    std::vector<std::string> problems;
    if (uri.getScheme() != "http" && uri.getScheme() != "https")
        problems.push_back("url must start with http:// or https://, not '" + std::string(url) +
                           "'");
    if (uri.getHost().empty())
        problems.push_back("url '" + std::string(url) + "' has no host");
    if (!uri.getUserInfo().empty())
        problems.push_back("url must not carry credentials; put them in \"auth\" (HTTP Basic "
                           "authentication is separate from the URL and the pairs)");
    if (!problems.empty())
        throw DefinitionError(std::move(problems));
    UrlParts parts;
    parts.scheme = uri.getScheme();
    parts.host = uri.getHost();
    parts.port = uri.getPort();
    parts.pathAndQuery = rawPathAndQuery(url);
    if (parts.pathAndQuery.empty() || parts.pathAndQuery.front() != '/')
        parts.pathAndQuery.insert(0, "/");
    return parts;
}

CompiledWebhook CompiledWebhook::compile(WebhookDefinition definition,
                                         const TagVocabulary& vocabulary) {
    std::vector<std::string> problems;
    CompiledWebhook compiled;
    if (definition.title.empty())
        problems.push_back("title is required");
    try {
        compiled.target_ = parseHttpUrl(definition.url);
        if (definition.port) {
            if (*definition.port < 1 || *definition.port > 65535)
                problems.push_back("port must be between 1 and 65535");
            compiled.target_.port = *definition.port;
        }
        bool defaultPort = (compiled.target_.scheme == "http" && compiled.target_.port == 80) ||
                           (compiled.target_.scheme == "https" && compiled.target_.port == 443);
        std::string host = compiled.target_.host.find(':') != std::string::npos
                               ? "[" + compiled.target_.host + "]"
                               : compiled.target_.host;
        compiled.baseUrl_ = compiled.target_.scheme + "://" + host +
                            (defaultPort ? "" : ":" + std::to_string(compiled.target_.port)) +
                            compiled.target_.pathAndQuery;
        compiled.maskedBaseUrl_ = maskUrlQuery(compiled.baseUrl_);
    } catch (const DefinitionError& error) {
        problems.insert(problems.end(), error.problems().begin(), error.problems().end());
    }
    if (definition.auth && definition.auth->username.empty())
        problems.push_back("auth.username is required when auth is given");
    for (std::size_t i = 0; i < definition.pairs.size(); ++i) {
        const WebhookPair& pair = definition.pairs[i];
        std::string label = "pair " + std::to_string(i + 1) + " '" + pair.key + "'";
        if (pair.key.empty()) {
            problems.push_back("pair " + std::to_string(i + 1) + " has an empty key");
            continue;
        }
        CompiledPair compiledPair;
        compiledPair.key = pair.key;
        try {
            if (pair.field)
                compiledPair.value =
                    Template::parse("{" + std::string(info(*pair.field).tag) + "}", vocabulary);
            else
                compiledPair.value = Template::parse(pair.value, vocabulary);
        } catch (const TemplateError& error) {
            problems.push_back(label + ": " + error.what());
            continue;
        }
        bool carriesSsn = compiledPair.value.usesField(SystemField::Ssn);
        bool namesSecret = false; // password, token, key: always the fixed mask
        bool namesNumber = false; // SSN, bank or card number: keeps its last four digits
        auto classify = [&](std::string_view name) {
            if (!isSensitiveName(name))
                return;
            (isIdentifyingNumberName(name) ? namesNumber : namesSecret) = true;
        };
        classify(pair.key);
        for (const TagReference& tag : compiledPair.value.tags())
            if (tag.kind == TagKind::Custom)
                classify(std::string_view(tag.name).substr(3));
        compiledPair.sensitive = pair.secret || carriesSsn || namesSecret || namesNumber;
        compiledPair.keepsLastDigits = !pair.secret && !namesSecret && (carriesSsn || namesNumber);
        compiledPair.encodedKey = "&" + percentEncode(pair.key) + "=";
        compiledPair.readableEncodedKey.resize(percentEncodedBound(pair.key.size()) + 2);
        char* end = writePercentEncodedUnchecked(pair.key,
                                                 compiledPair.readableEncodedKey.data() + 1, true);
        compiledPair.readableEncodedKey.resize(
            static_cast<std::size_t>(end - compiledPair.readableEncodedKey.data()));
        compiledPair.readableEncodedKey.front() = '&';
        compiledPair.readableEncodedKey.push_back('=');
        compiledPair.keyHasAsterisk = pair.key.find('*') != std::string::npos;
        compiled.pairs_.push_back(std::move(compiledPair));
    }
    if (!problems.empty())
        throw DefinitionError(std::move(problems));
    compiled.definition_ = std::move(definition);
    return compiled;
}

void CompiledWebhook::renderPairs(const RenderContext& context,
                                  std::vector<RenderedPair>& out) const {
    out.clear();
    out.reserve(pairs_.size());
    for (const CompiledPair& pair : pairs_) {
        RenderedPair rendered{&pair.key, {}, pair.sensitive};
        pair.value.render(context, rendered.value);
        out.push_back(std::move(rendered));
    }
}

namespace {

// What one thread reuses from render to render, so that a form or a query costs no allocation
// beyond the strings it returns. A renderer that renders again from inside a render (none
// does) gets fresh buffers rather than the ones in use.
struct FormScratch {
    std::string value;
    std::string plain;
    std::string masked;
    bool busy = false;
};
thread_local FormScratch tFormScratch;

class ScratchLease {
public:
    ScratchLease() : scratch_(tFormScratch.busy ? local_ : tFormScratch) { scratch_.busy = true; }
    ~ScratchLease() { scratch_.busy = false; }
    ScratchLease(const ScratchLease&) = delete;
    ScratchLease& operator=(const ScratchLease&) = delete;
    FormScratch& operator*() { return scratch_; }

private:
    FormScratch local_;
    FormScratch& scratch_;
};

// Room for `extra` more bytes after the first `used` bytes of buffer (whose size is only ever
// grown, so that its bytes are not cleared again on every render); returns where they start.
char* roomAfter(std::string& buffer, std::size_t used, std::size_t extra) {
    if (buffer.size() < used + extra)
        buffer.resize(std::max(used + extra, 2 * buffer.size()));
    return buffer.data() + used;
}

// Appends "&key=" (or "key=" for the first pair) and the encoded value at `used`.
std::size_t appendEncodedPair(std::string& buffer, std::size_t used, const std::string& encodedKey,
                              std::string_view value, bool keepAsterisk) {
    const std::size_t keyBytes = used == 0 ? encodedKey.size() - 1 : encodedKey.size();
    char* cursor = roomAfter(buffer, used, keyBytes + percentEncodedBound(value.size()));
    std::memcpy(cursor, encodedKey.data() + encodedKey.size() - keyBytes, keyBytes);
    cursor = writePercentEncodedUnchecked(value, cursor + keyBytes, keepAsterisk);
    return static_cast<std::size_t>(cursor - buffer.data());
}

} // namespace

// The pairs as a form (and query string), on the wire and masked as people see it, in one pass:
// the wire form is formEncode() of the rendered pairs; the masked form is formEncode() of the
// masked values with '*' left unescaped ("ssn=*****6789"; standard decoders read it the same,
// only records and previews use it). The masked form of a pair that is not sensitive is its
// wire form with '*' kept, so unless the pair has a '*' it is copied rather than encoded again.
void CompiledWebhook::encodeForm(const RenderContext& context, std::string& plain,
                                 std::string& readableMasked) const {
    ScratchLease lease;
    FormScratch& scratch = *lease;
    std::size_t plainSize = 0;
    std::size_t maskedSize = 0;
    for (const CompiledPair& pair : pairs_) {
        scratch.value.clear();
        pair.value.render(context, scratch.value);
        const std::string& value = scratch.value;
        const std::size_t start = plainSize;
        plainSize = appendEncodedPair(scratch.plain, plainSize, pair.encodedKey, value, false);
        if (pair.sensitive && !value.empty()) {
            const std::string masked =
                pair.keepsLastDigits ? maskValue(value) : std::string(kSecretMask);
            maskedSize = appendEncodedPair(scratch.masked, maskedSize, pair.readableEncodedKey,
                                           masked, true);
        } else if (!pair.keyHasAsterisk && value.find('*') == std::string::npos) {
            const std::size_t bytes = plainSize - start;
            std::memcpy(roomAfter(scratch.masked, maskedSize, bytes), scratch.plain.data() + start,
                        bytes);
            maskedSize += bytes;
        } else {
            maskedSize =
                appendEncodedPair(scratch.masked, maskedSize, pair.readableEncodedKey, value, true);
        }
    }
    plain.assign(scratch.plain.data(), plainSize);
    readableMasked.assign(scratch.masked.data(), maskedSize);
}

RenderedRequest CompiledWebhook::render(const RenderContext& context) const {
    RenderedRequest request;
    request.method = std::string(toString(definition_.method));
    if (definition_.method == HttpMethod::Get) {
        std::string query;
        std::string maskedQuery;
        encodeForm(context, query, maskedQuery);
        request.url = appendQueryToUrl(baseUrl_, query);
        // The pairs are masked already; only the URL's own query is masked by key name.
        request.maskedUrl = appendQueryToUrl(maskedBaseUrl_, maskedQuery);
        return request;
    }
    request.url = baseUrl_;
    request.maskedUrl = maskedBaseUrl_;
    if (definition_.format == BodyFormat::Json) {
        std::vector<RenderedPair> rendered;
        renderPairs(context, rendered);
        KeyValues plain;
        KeyValues masked;
        plain.reserve(rendered.size());
        masked.reserve(rendered.size());
        for (std::size_t i = 0; i < rendered.size(); ++i) {
            const CompiledPair& pair = pairs_[i];
            masked.emplace_back(pair.key,
                                maskedFor(rendered[i].value, pair.sensitive, pair.keepsLastDigits));
            plain.emplace_back(pair.key, std::move(rendered[i].value));
        }
        request.contentType = "application/json";
        request.body = jsonObjectEncode(plain);
        request.maskedBody = jsonObjectEncode(masked);
    } else {
        request.contentType = "application/x-www-form-urlencoded";
        encodeForm(context, request.body, request.maskedBody);
    }
    return request;
}

} // namespace dpp::mapping
