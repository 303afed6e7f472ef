// Budget tags: rendering on the sending side, applying on the receiving side (see BudgetTags.h).
#include "budget/BudgetTags.h"

#include <stdexcept>

namespace dpp::budget {

void registerBudgetTags(const BudgetCatalog& sourceCatalog, mapping::TagVocabulary& vocabulary) {
    const auto& fields = sourceCatalog.fields();
    if (fields.size() > kLastBudgetTagId - kFirstBudgetTagId + 1)
        throw std::logic_error("the budget catalog has more fields than budget tag ids");
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const auto id = kFirstBudgetTagId + static_cast<std::uint32_t>(i);
        if (auto existing = vocabulary.find(fields[i].tag); existing && *existing != id)
            throw std::logic_error("merge tag '{" + fields[i].tag +
                                   "}' is already registered with another id");
        vocabulary.add(fields[i].tag, id);
    }
}

void BudgetTagRenderer::appendExtension(std::uint32_t id, const mapping::Contact& contact,
                                        std::string& out) const {
    const std::size_t index = id - kFirstBudgetTagId;
    if (!isBudgetTagId(id) || index >= catalog_.size())
        throw std::logic_error("merge tag id " + std::to_string(id) +
                               " is not a tag of this budget catalog");
    const BudgetValues* values = lookup_.values(contact);
    if (values == nullptr)
        return;
    const auto it = values->find(catalog_.fields()[index].tag);
    if (it != values->end())
        it->second.appendTo(out);
}

BudgetApplication applyBudgetKeys(const BudgetCatalog& receivingCatalog,
                                  const mapping::KeyValues& unmappedPosted) {
    BudgetApplication result;
    std::map<std::string, std::string, std::less<>> firstKeyOfTag; // tag -> key that set it
    std::vector<std::string> conflicting;
    for (const auto& [key, value] : unmappedPosted) {
        const auto index = receivingCatalog.indexOfTag(key);
        if (!index) {
            result.otherKeys.emplace_back(key, value);
            continue;
        }
        const BudgetField& field = receivingCatalog.fields()[*index];
        if (value.empty()) {
            result.withoutValue.push_back(key);
            continue;
        }
        const auto amount = mapping::Money::parse(value);
        if (!amount) {
            result.problems.push_back(
                {key, value,
                 "budget key '" + key + "' (" + field.name + "): '" + value +
                     "' is not an amount; write digits with at most two decimals, e.g. 1200.00"});
            continue;
        }
        const auto [it, added] = result.values.emplace(field.tag, *amount);
        if (added) {
            firstKeyOfTag.emplace(field.tag, key);
        } else if (it->second != *amount) {
            const std::string& firstKey = firstKeyOfTag[field.tag];
            result.problems.push_back({key, value,
                                       "budget key '" + key + "' (" + field.name + ") posts '" +
                                           value + "' but '" + firstKey + "' posted '" +
                                           it->second.toString() +
                                           "' for the same field; neither is set"});
            conflicting.push_back(field.tag);
        }
    }
    for (const std::string& tag : conflicting)
        result.values.erase(tag);
    return result;
}

} // namespace dpp::budget
