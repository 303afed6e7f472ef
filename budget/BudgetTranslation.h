#pragma once
// `budget translate`: the webhook pairs that carry budget values from one account to another.
// The article: "the Budget Field Tag of the destination CRM will be used as the Field Name, and
// the Budget Field Tag of the posting CRM will be used as the Value". Fields are matched by
// name ignoring case, spacing and punctuation (budgetNameKey: "Rent / Mortgage" matches
// "rent-mortgage"); a catalog's names have distinct keys, so matches are one to one.
// Output order is deterministic: pairs and unmatched destination fields in the destination
// catalog's order, unmatched source fields in the source catalog's order.
// Pure functions; thread-safe; throw nothing but std::bad_alloc.
#include "budget/BudgetCatalog.h"
#include "mapping/Webhook.h"

#include <string>
#include <vector>

namespace dpp::budget {

struct TagPair {
    std::string key;   // destination tag, braced: "{BUDGET_RENT}"
    std::string value; // source tag, braced: "{BF_1}"
    std::string destinationName;
    std::string sourceName;
    bool operator==(const TagPair&) const = default;
};

struct Translation {
    std::vector<TagPair> pairs;
    std::vector<BudgetField> unmatchedDestination; // fields nothing will be posted into
    std::vector<BudgetField> unmatchedSource;      // fields whose values will not be posted
};

Translation translate(const BudgetCatalog& from, const BudgetCatalog& to);

// `--apply`: adds the pairs to a webhook after its existing pairs. A pair already there (same
// key, Custom Value equal to the pair's value) is not added again; a pair whose key the webhook
// already sends with something else is not added either and is reported as a conflict (the
// key must not go out twice, and which value is right is the user's call).
struct ApplyOutcome {
    std::vector<TagPair> added;
    std::vector<TagPair> alreadyPresent;
    std::vector<TagPair> conflicting;
};

ApplyOutcome applyTranslation(const Translation& translation, mapping::WebhookDefinition& webhook);

} // namespace dpp::budget
