#include "mapping/CompiledWebhook.h"

#include "mapping/Sensitive.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>
#include <array>
#include <cctype>

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

// A masked form or query for people: '*' left unescaped ("ssn=*****6789"). Standard form
// decoders read it the same either way; only records and previews use it.
std::string readableMaskedForm(const KeyValues& masked) {
    std::string encoded = formEncode(masked);
    std::string readable;
    readable.reserve(encoded.size());
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        if (encoded.compare(i, 3, "%2A") == 0) {
            readable.push_back('*');
            i += 2;
        } else {
            readable.push_back(encoded[i]);
        }
    }
    return readable;
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

RenderedRequest CompiledWebhook::render(const RenderContext& context) const {
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
    RenderedRequest request;
    request.method = std::string(toString(definition_.method));
    if (definition_.method == HttpMethod::Get) {
        request.url = appendQueryToUrl(baseUrl_, formEncode(plain));
        // The pairs are masked already; only the URL's own query is masked by key name.
        request.maskedUrl = appendQueryToUrl(maskUrlQuery(baseUrl_), readableMaskedForm(masked));
        return request;
    }
    request.url = baseUrl_;
    request.maskedUrl = maskUrlQuery(baseUrl_);
    if (definition_.format == BodyFormat::Json) {
        request.contentType = "application/json";
        request.body = jsonObjectEncode(plain);
        request.maskedBody = jsonObjectEncode(masked);
    } else {
        request.contentType = "application/x-www-form-urlencoded";
        request.body = formEncode(plain);
        request.maskedBody = readableMaskedForm(masked);
    }
    return request;
}

} // namespace dpp::mapping
