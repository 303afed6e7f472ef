#pragma once
// A webhook definition as the user writes it (conf/webhooks/*.json) and as the store keeps
// it. Plain value types; not synchronised. Parsing and validation live in WebhookJson.h and
// CompiledWebhook.h.
#include "mapping/SystemField.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dpp::mapping {

enum class HttpMethod { Get, Post };
enum class BodyFormat { Form, Json };
enum class ExecutionMode { Background, Inline };

std::string_view toString(HttpMethod method);
std::string_view toString(BodyFormat format);
std::string_view toString(ExecutionMode mode);

struct BasicAuth {
    std::string username;
    std::string password;
};

// One key/value pair. The key is sent verbatim. The value is either a mapped system field or
// a Custom Value: constant text in which merge tags are expanded.
struct WebhookPair {
    std::string key;
    std::optional<SystemField> field; // mapped system field, or
    std::string value;                // Custom Value template (used when field is empty)
    bool secret = false;              // the value is masked in every log, preview and record
    std::string sample;               // a hint from a sample string; never sent
    bool needsMapping = false;        // from a sample string with no field suggested yet
};

// A pair whose value is a secret: marked "secret", or named like one ("password", "api_hash").
// Its value (and sample) is masked wherever the webhook is shown or exported, sealed at rest.
bool isSecretPair(const WebhookPair& pair);

struct SuccessRule {
    std::string bodyContains; // empty: any 2xx is a success
};

struct WebhookDefinition {
    std::int64_t id = 0; // 0 until stored
    std::string title;
    std::string url;
    HttpMethod method = HttpMethod::Post;
    BodyFormat format = BodyFormat::Form;
    ExecutionMode mode = ExecutionMode::Background;
    std::optional<int> port; // overrides the URL's port
    std::optional<BasicAuth> auth;
    SuccessRule success;
    std::vector<WebhookPair> pairs;
    std::optional<std::int64_t> account;            // the account it posts from
    std::optional<std::int64_t> destinationAccount; // the account it posts into
};

} // namespace dpp::mapping
