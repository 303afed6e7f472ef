#pragma once
// A webhook definition checked and made ready to send: URL, method, port and every pair
// validated, every Custom Value parsed into a Template once. Immutable after compile(), so
// render() is thread-safe. compile() throws DefinitionError listing every problem, each
// naming the field or the pair and the tag.
#include "mapping/Encoding.h"
#include "mapping/Template.h"
#include "mapping/Webhook.h"
#include "mapping/WebhookJson.h"

#include <string>
#include <vector>

namespace dpp::mapping {

// What goes on the wire for one contact, and the same with every secret masked for logs,
// previews and delivery records.
struct RenderedRequest {
    std::string method;      // "GET" or "POST"
    std::string url;         // absolute, with the port override and any query appended
    std::string contentType; // empty for GET
    std::string body;
    std::string maskedUrl;
    std::string maskedBody;
};

struct UrlParts {
    std::string scheme; // "http" or "https"
    std::string host;
    int port = 0;             // effective port: override, URL's own, or the scheme's default
    std::string pathAndQuery; // at least "/"
};

// Splits and checks an http(s) URL; throws DefinitionError naming the problem.
UrlParts parseHttpUrl(std::string_view url);

class CompiledWebhook {
public:
    static CompiledWebhook compile(WebhookDefinition definition, const TagVocabulary& vocabulary);

    const WebhookDefinition& definition() const { return definition_; }
    const UrlParts& target() const { return target_; }

    // Renders the pairs for one contact, encodes them as DESIGN section 3 says.
    RenderedRequest render(const RenderContext& context) const;
    // The rendered pairs, in order, with a flag for the ones masked in records.
    struct RenderedPair {
        const std::string* key;
        std::string value;
        bool sensitive;
    };
    void renderPairs(const RenderContext& context, std::vector<RenderedPair>& out) const;

private:
    struct CompiledPair {
        std::string key;
        Template value; // a mapped field is compiled as the template "{FIELD}"
        bool sensitive = false;
        bool keepsLastDigits = false; // SSN and bank numbers show their last four digits
        // "&key=" percent-encoded once, for the wire and (with '*' kept) for records.
        std::string encodedKey;
        std::string readableEncodedKey;
        bool keyHasAsterisk = false; // then the two differ
    };
    void encodeForm(const RenderContext& context, std::string& plain,
                    std::string& readableMasked) const;

    WebhookDefinition definition_;
    UrlParts target_;
    std::string baseUrl_;       // the URL with the port override applied
    std::string maskedBaseUrl_; // the same with secret-looking query values masked
    std::vector<CompiledPair> pairs_;
};

} // namespace dpp::mapping
