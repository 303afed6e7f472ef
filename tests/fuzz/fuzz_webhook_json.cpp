// Fuzzes webhook definition files (mapping/WebhookJson.h), what `webhook apply` does with them
// (CompiledWebhook::compile against the real vocabulary), `webhook check`, and one render.
// Input: a definition file's text (conf/webhooks/*.json).
//
// Expected: DefinitionError (parse and compile). Properties:
//   - webhookToJson(definition) is read back unchanged; with maskSecrets, keepStoredSecrets
//     restores the definition exactly;
//   - checkKeys / checkSpecialParameters throw nothing;
//   - a compiled webhook renders for the demo contact without throwing, and its form body or
//     query decodes (when the rendered values are UTF-8).
#include "FuzzSupport.h"

#include "budget/BudgetTags.h"
#include "mapping/CompiledWebhook.h"
#include "mapping/ExtensionRouter.h"
#include "mapping/KeyCheck.h"
#include "mapping/WebhookJson.h"
#include "specialparams/SpecialParameters.h"
#include "specialparams/SpecialTags.h"

using namespace dpp;
using namespace dpp::mapping;

namespace {

bool samePair(const WebhookPair& a, const WebhookPair& b) {
    return a.key == b.key && a.field == b.field && a.value == b.value && a.secret == b.secret &&
           a.sample == b.sample && a.needsMapping == b.needsMapping;
}

std::string differences(const WebhookDefinition& a, const WebhookDefinition& b) {
    std::string out;
    auto note = [&](bool same, const char* what) {
        if (!same)
            out += std::string(" ") + what;
    };
    note(a.id == b.id, "id");
    note(a.title == b.title, "title");
    note(a.url == b.url, "url");
    note(a.method == b.method, "method");
    note(a.format == b.format, "format");
    note(a.mode == b.mode, "mode");
    note(a.port == b.port, "port");
    note(a.auth.has_value() == b.auth.has_value() &&
             (!a.auth ||
              (a.auth->username == b.auth->username && a.auth->password == b.auth->password)),
         "auth");
    note(a.success.bodyContains == b.success.bodyContains, "success");
    note(a.account == b.account, "account");
    note(a.destinationAccount == b.destinationAccount, "destination_account");
    bool pairs = a.pairs.size() == b.pairs.size();
    for (std::size_t i = 0; pairs && i < a.pairs.size(); ++i)
        pairs = samePair(a.pairs[i], b.pairs[i]);
    note(pairs, "pairs");
    return out;
}

struct Renderers {
    TagVocabulary vocabulary;
    specialparams::ExtrasByContactId extras;
    budget::BudgetValuesByContactId budgets;
    specialparams::SpecialTagRenderer special{extras};
    budget::BudgetTagRenderer budgetTags{fuzz::demoCatalog(), budgets};
    ExtensionRouter router;
    Renderers() {
        specialparams::registerSpecialTags(vocabulary);
        budget::registerBudgetTags(fuzz::demoCatalog(), vocabulary);
        extras.setDocumentIds(55, {12, 13});
        budgets.set(55, {{"BF_2", Money::fromCents(31007)}});
        router.route(specialparams::kFirstSpecialTagId, specialparams::kLastSpecialTagId, special);
        router.route(budget::kFirstBudgetTagId, budget::kLastBudgetTagId, budgetTags);
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Renderers renderers;
    static const mapping::Contact contact = fuzz::demoContact();
    const std::string_view input = fuzz::asText(data, size);
    WebhookDefinition definition;
    try {
        definition = parseWebhookDefinition(input);
    } catch (const DefinitionError& error) {
        FUZZ_CHECK(!error.problems().empty(), "a DefinitionError without problems");
        return 0;
    }

    const std::string file = webhookToJson(definition, false);
    const WebhookDefinition back = fuzz::mustNotThrow("parseWebhookDefinition(webhookToJson(d))",
                                                      [&] { return parseWebhookDefinition(file); });
    FUZZ_CHECK(differences(definition, back).empty(),
               "webhookToJson does not read back; differs in" + differences(definition, back) +
                   "\n  file: " + fuzz::printable(file, 2000));

    const std::string masked = webhookToJson(definition, true);
    WebhookDefinition applied = fuzz::mustNotThrow("parseWebhookDefinition(webhookToJson(d, mask))",
                                                   [&] { return parseWebhookDefinition(masked); });
    keepStoredSecrets(applied, definition);
    FUZZ_CHECK(differences(definition, applied).empty(),
               "a masked export applied again loses" + differences(definition, applied));

    fuzz::mustNotThrow("checkKeys", [&] { return checkKeys(definition, {}); });
    fuzz::mustNotThrow("checkSpecialParameters",
                       [&] { return specialparams::checkSpecialParameters(definition); });

    std::optional<CompiledWebhook> compiled;
    try {
        compiled = CompiledWebhook::compile(definition, renderers.vocabulary);
    } catch (const DefinitionError& error) {
        FUZZ_CHECK(!error.problems().empty(), "a DefinitionError without problems");
        return 0;
    }
    const RenderedRequest request = fuzz::mustNotThrow("CompiledWebhook::render", [&] {
        return compiled->render(RenderContext{contact, &renderers.router});
    });
    FUZZ_CHECK(request.method == (definition.method == HttpMethod::Get ? "GET" : "POST"),
               request.method);
    std::vector<CompiledWebhook::RenderedPair> rendered;
    compiled->renderPairs(RenderContext{contact, &renderers.router}, rendered);
    KeyValues plain;
    bool utf8 = true;
    for (const auto& pair : rendered) {
        plain.emplace_back(*pair.key, pair.value);
        utf8 = utf8 && isValidUtf8(pair.value) && isValidUtf8(*pair.key);
    }
    if (definition.method == HttpMethod::Post && definition.format == BodyFormat::Form) {
        FUZZ_CHECK(request.body == formEncode(plain), "form body is not formEncode of the pairs");
        if (utf8) {
            FUZZ_CHECK(fuzz::mustNotThrow("decodeForm(body)",
                                          [&] { return decodeForm(request.body); }) == plain,
                       "form body does not decode to the pairs");
            fuzz::mustNotThrow("decodeForm(masked body)",
                               [&] { return decodeForm(request.maskedBody); });
        }
    } else if (definition.method == HttpMethod::Post) {
        if (utf8) {
            const KeyValues decoded = fuzz::mustNotThrow(
                "decodeJsonObject(body)", [&] { return decodeJsonObject(request.body); });
            fuzz::mustNotThrow("decodeJsonObject(masked body)",
                               [&] { return decodeJsonObject(request.maskedBody); });
            // Duplicate keys collapse (the last value wins); every decoded pair was rendered.
            for (const auto& pair : decoded)
                FUZZ_CHECK(std::find(plain.begin(), plain.end(), pair) != plain.end(),
                           "JSON body decodes to a pair never rendered: " +
                               fuzz::printable(pair.first));
        }
    } else {
        FUZZ_CHECK(request.body.empty(), "a GET with a body");
        FUZZ_CHECK(plain.empty() || request.url.find(formEncode(plain)) != std::string::npos,
                   "the query does not carry the pairs: " + fuzz::printable(request.url));
    }
    return 0;
}
