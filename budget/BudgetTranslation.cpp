// Budget tag translation between two accounts' catalogs (see BudgetTranslation.h).
#include "budget/BudgetTranslation.h"

#include <unordered_map>

namespace dpp::budget {

Translation translate(const BudgetCatalog& from, const BudgetCatalog& to) {
    std::unordered_map<std::string, std::size_t> sourceByKey;
    for (std::size_t i = 0; i < from.size(); ++i)
        sourceByKey.emplace(budgetNameKey(from.fields()[i].name), i);
    std::vector<bool> sourceMatched(from.size(), false);
    Translation translation;
    for (const BudgetField& destination : to.fields()) {
        const auto it = sourceByKey.find(budgetNameKey(destination.name));
        if (it == sourceByKey.end()) {
            translation.unmatchedDestination.push_back(destination);
            continue;
        }
        const BudgetField& source = from.fields()[it->second];
        sourceMatched[it->second] = true;
        translation.pairs.push_back(TagPair{bracedTag(destination.tag), bracedTag(source.tag),
                                            destination.name, source.name});
    }
    for (std::size_t i = 0; i < from.size(); ++i)
        if (!sourceMatched[i])
            translation.unmatchedSource.push_back(from.fields()[i]);
    return translation;
}

ApplyOutcome applyTranslation(const Translation& translation, mapping::WebhookDefinition& webhook) {
    ApplyOutcome outcome;
    for (const TagPair& pair : translation.pairs) {
        const mapping::WebhookPair* existing = nullptr;
        for (const mapping::WebhookPair& candidate : webhook.pairs)
            if (candidate.key == pair.key) {
                existing = &candidate;
                break;
            }
        if (existing == nullptr) {
            mapping::WebhookPair added;
            added.key = pair.key;
            added.value = pair.value;
            webhook.pairs.push_back(std::move(added));
            outcome.added.push_back(pair);
        } else if (!existing->field && existing->value == pair.value) {
            outcome.alreadyPresent.push_back(pair);
        } else {
            outcome.conflicting.push_back(pair);
        }
    }
    return outcome;
}

} // namespace dpp::budget
