#pragma once
// Reading and writing webhook definition files (DESIGN section 4). Pure; thread-safe.
// parseWebhookDefinition() checks structure (types, enumerations, ranges) and throws
// DefinitionError listing every problem, each naming its field ("pairs[3].key").
// Merge tags are checked when the definition is compiled (CompiledWebhook.h).
#include "mapping/Webhook.h"

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dpp::mapping {

class DefinitionError : public std::runtime_error {
public:
    explicit DefinitionError(std::vector<std::string> problems);
    const std::vector<std::string>& problems() const { return problems_; }

private:
    std::vector<std::string> problems_;
};

WebhookDefinition parseWebhookDefinition(std::string_view jsonText);

// The definition as a file that parseWebhookDefinition() reads back unchanged. With
// maskSecrets, the auth password and secret pair values are written as kSecretMask; applying
// such a file keeps the stored secrets (see keepStoredSecrets()).
std::string webhookToJson(const WebhookDefinition& webhook, bool maskSecrets);

// Where an applied definition carries kSecretMask for a secret, takes the stored value.
void keepStoredSecrets(WebhookDefinition& applied, const WebhookDefinition& stored);

std::optional<HttpMethod> parseHttpMethod(std::string_view text);
std::optional<BodyFormat> parseBodyFormat(std::string_view text);
std::optional<ExecutionMode> parseExecutionMode(std::string_view text);

} // namespace dpp::mapping
