#pragma once
// Budget tags on both ends of a webhook.
//   Sending: the SOURCE account's tags ({BF_1}) are registered in a mapping::TagVocabulary
//   with ids kFirstBudgetTagId + position in the catalog, and BudgetTagRenderer expands them to
//   the contact's amount ("1200.00"), or to nothing when the contact has no value.
//   Receiving: applyBudgetKeys picks, among the posted keys no mapping claimed, those equal to
//   one of the RECEIVING account's tags, and validates their amounts.
//
// Decisions:
//   - A posted key sets a budget value when it is exactly a receiving tag, braced as the
//     article writes it in webhooks ("{BUDGET_RENT}") or bare ("BUDGET_RENT"); case and
//     spelling are exact, as for every key. Other keys are passed through untouched.
//   - An empty value means the sender had no value: nothing is set and the key is listed in
//     withoutValue (not a problem). An amount that is not a decimal (Money::parse: no spaces,
//     no exponent, at most two decimals) is a problem naming the key and the value, and that
//     field is not set; the other fields still are. One field posted twice (braced and bare)
//     with the same amount is set once; with different amounts it is a problem and not set.
//   - Ids are positions: a template parsed against one catalog must be rendered by a renderer
//     over that same catalog (recompile templates when the catalog changes).
// Thread-safety: registerBudgetTags and applyBudgetKeys are pure; BudgetTagRenderer holds
// references (catalog and lookup must outlive it) and is as thread-safe as its lookup.
// registerBudgetTags throws std::logic_error when a tag is already in the vocabulary with
// another id; the renderer throws std::logic_error for an id outside its catalog.
#include "budget/BudgetCatalog.h"
#include "mapping/Encoding.h"
#include "mapping/Template.h"

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace dpp::budget {

inline constexpr std::uint32_t kFirstBudgetTagId = 0x10000;
inline constexpr std::uint32_t kLastBudgetTagId = 0x1FFFF;

inline bool isBudgetTagId(std::uint32_t id) {
    return id >= kFirstBudgetTagId && id <= kLastBudgetTagId;
}

// Adds each of the catalog's tags (bare, as templates write them inside braces).
void registerBudgetTags(const BudgetCatalog& sourceCatalog, mapping::TagVocabulary& vocabulary);

// Where the renderer finds a contact's budget values. The pointer must stay valid while the
// template renders; null means the contact has none.
class BudgetValuesLookup {
public:
    virtual ~BudgetValuesLookup() = default;
    virtual const BudgetValues* values(const mapping::Contact& contact) const = 0;
};

// BudgetValuesLookup kept in memory by contact id (one contact, a mass-post batch, tests).
class BudgetValuesByContactId : public BudgetValuesLookup {
public:
    void set(std::int64_t contactId, BudgetValues values) {
        byContact_[contactId] = std::move(values);
    }
    const BudgetValues* values(const mapping::Contact& contact) const override {
        const auto it = byContact_.find(contact.id);
        return it == byContact_.end() ? nullptr : &it->second;
    }

private:
    std::unordered_map<std::int64_t, BudgetValues> byContact_; // a hash: one probe per tag
};

class BudgetTagRenderer : public mapping::ExtensionRenderer {
public:
    BudgetTagRenderer(const BudgetCatalog& sourceCatalog, const BudgetValuesLookup& lookup)
        : catalog_(sourceCatalog), lookup_(lookup) {}

    void appendExtension(std::uint32_t id, const mapping::Contact& contact,
                         std::string& out) const override;

private:
    const BudgetCatalog& catalog_;
    const BudgetValuesLookup& lookup_;
};

struct BudgetProblem {
    std::string key;     // as posted
    std::string value;   // as posted
    std::string message; // a sentence naming both
};

struct BudgetApplication {
    BudgetValues values;                   // bare tag -> amount, to store on the contact
    std::vector<std::string> withoutValue; // budget keys posted empty, as posted
    std::vector<BudgetProblem> problems;   // in posted order
    mapping::KeyValues otherKeys;          // keys that are not budget tags, in posted order
};

BudgetApplication applyBudgetKeys(const BudgetCatalog& receivingCatalog,
                                  const mapping::KeyValues& unmappedPosted);

} // namespace dpp::budget
