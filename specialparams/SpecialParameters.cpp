#include "specialparams/SpecialParameters.h"

#include "mapping/EditDistance.h"

#include <array>
#include <optional>
#include <string>

namespace dpp::specialparams {

namespace {

using mapping::Finding;
using mapping::Severity;

struct SpecialParameter {
    std::string_view key;
    std::string_view value;
    std::string_view description;
};

constexpr std::array<SpecialParameter, 2> kSpecialParameters{{
    {kPlanDataKey, kPlanDataValue, "enrollment plan data"},
    {kCopyDocsKey, kCopyDocsValue, "uploaded files"},
}};

std::string quoted(std::string_view text) {
    return "'" + std::string(text) + "'";
}

std::string pairLabel(std::size_t index, std::string_view key) {
    return "pair " + std::to_string(index + 1) + " key " + quoted(key);
}

const SpecialParameter* findSpecialParameter(std::string_view key) {
    for (const SpecialParameter& parameter : kSpecialParameters)
        if (parameter.key == key)
            return &parameter;
    return nullptr;
}

const SpecialParameter* nearSpecialParameter(std::string_view key) {
    for (const SpecialParameter& parameter : kSpecialParameters)
        if (mapping::isNearMiss(key, parameter.key))
            return &parameter;
    return nullptr;
}

const SpecialParameter* specialParameterWithValue(std::string_view value) {
    for (const SpecialParameter& parameter : kSpecialParameters)
        if (parameter.value == value)
            return &parameter;
    return nullptr;
}

void checkSpecialPair(std::size_t index, const mapping::WebhookPair& pair,
                      const SpecialParameter& parameter, std::vector<Finding>& findings) {
    if (pair.field) {
        findings.push_back({Severity::Error, index, pair.key,
                            pairLabel(index, pair.key) + " is mapped to the system field " +
                                quoted(mapping::info(*pair.field).tag) +
                                "; a special parameter takes the "
                                "Custom Value " +
                                quoted(parameter.value) + " exactly, not a field"});
        return;
    }
    if (pair.value != parameter.value)
        findings.push_back({Severity::Error, index, pair.key,
                            pairLabel(index, pair.key) + " has the value " + quoted(pair.value) +
                                "; set it to the Custom Value " + quoted(parameter.value) +
                                " exactly, as the article shows"});
}

} // namespace

bool isSpecialParameterKey(std::string_view key) {
    return findSpecialParameter(key) != nullptr;
}

std::vector<Finding> checkSpecialParameters(const mapping::WebhookDefinition& webhook) {
    std::vector<Finding> findings;
    for (std::size_t index = 0; index < webhook.pairs.size(); ++index) {
        const mapping::WebhookPair& pair = webhook.pairs[index];
        if (const SpecialParameter* parameter = findSpecialParameter(pair.key)) {
            checkSpecialPair(index, pair, *parameter, findings);
            if (parameter->key == kCopyDocsKey && !webhook.destinationAccount)
                findings.push_back(
                    {Severity::Error, index, pair.key,
                     pairLabel(index, pair.key) +
                         " needs the webhook's destination account: "
                         "documents are only served to the account they were sent to; set "
                         "\"destination_account\" to the receiving account's id"});
            continue;
        }
        if (const SpecialParameter* parameter = nearSpecialParameter(pair.key)) {
            // "plan_date" may be a real key of a non-DPP receiver; "__plan_date" and
            // "PLAN_DATA" can only be meant as the special parameter.
            const bool surelyMeantSpecial =
                pair.key.starts_with('_') ||
                mapping::normalizedKey(pair.key) == mapping::normalizedKey(parameter->key);
            findings.push_back(
                {surelyMeantSpecial ? Severity::Error : Severity::Warning, index, pair.key,
                 pairLabel(index, pair.key) + " is not the special parameter " +
                     quoted(parameter->key) + " (" + std::string(parameter->description) +
                     "); the receiver will ignore it. Use the key " + quoted(parameter->key) +
                     " exactly"});
            continue;
        }
        if (pair.field)
            continue;
        if (const SpecialParameter* parameter = specialParameterWithValue(pair.value))
            findings.push_back({Severity::Warning, index, pair.key,
                                pairLabel(index, pair.key) + " carries " +
                                    quoted(parameter->value) + " (" +
                                    std::string(parameter->description) +
                                    "), which a DPP receiver only applies under the key " +
                                    quoted(parameter->key) +
                                    "; use that key unless the "
                                    "receiver is not DPP and asked for this one"});
    }
    return findings;
}

} // namespace dpp::specialparams
