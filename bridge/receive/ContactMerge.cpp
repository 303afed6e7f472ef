#include "bridge/receive/ContactMerge.h"

#include "bridge/store/ContactExtrasStore.h"
#include "bridge/store/DocumentCopyStore.h"

namespace dpp::bridge {

namespace {

ContactChanges changesFrom(const mapping::Contact& posted,
                           const std::vector<mapping::SystemField>* postedFields) {
    ContactChanges changes;
    if (postedFields) {
        for (mapping::SystemField field : *postedFields)
            if (!mapping::info(field).assignedByStore)
                changes.fields.emplace_back(field, posted.get(field));
    } else {
        for (const auto& field : mapping::systemFields())
            if (!field.assignedByStore && !posted.get(field.field).empty())
                changes.fields.emplace_back(field.field, posted.get(field.field));
    }
    for (const auto& [name, value] : posted.custom)
        changes.custom[name] = value;
    return changes;
}

// ContactStore::update names system fields by tag ("EMAIL"); answers name them as posted
// data sources and import files do ("email").
std::string changeName(const std::string& tag) {
    if (auto field = mapping::fieldByTag(tag))
        return std::string(mapping::info(*field).importName);
    return tag;
}

} // namespace

ContactMerge mergeReceivedContact(Poco::Data::Session& session, std::int64_t contactId,
                                  const mapping::Contact& posted,
                                  const std::vector<mapping::SystemField>* postedFields,
                                  const ReceivedExtras* extras, std::int64_t nowMs) {
    ContactMerge merge;
    merge.update = ContactStore::update(session, contactId, changesFrom(posted, postedFields));
    for (const std::string& tag : merge.update.changed)
        merge.changed.push_back(changeName(tag));
    bool extrasChanged = false;
    if (extras) {
        if (extras->plan) {
            std::string planData = specialparams::renderPlanData(*extras->plan);
            if (ContactExtrasStore::planData(session, contactId) != planData) {
                ContactExtrasStore::savePlan(session, contactId, *extras->plan);
                merge.changed.push_back("plan");
                extrasChanged = true;
            }
        }
        if (!extras->budget.empty()) {
            budget::BudgetValues stored = ContactExtrasStore::budgetValues(session, contactId);
            budget::BudgetValues different;
            for (const auto& [tag, amount] : extras->budget) {
                auto found = stored.find(tag);
                if (found == stored.end() || found->second.cents() != amount.cents())
                    different.emplace(tag, amount);
            }
            if (!different.empty()) {
                ContactExtrasStore::saveBudgetValues(session, contactId, different);
                merge.changed.push_back("budget");
                extrasChanged = true;
            }
        }
        if (extras->copyDocs) {
            merge.documentsQueued =
                DocumentCopyStore::queue(session, contactId, *extras->copyDocs, nowMs);
            if (merge.documentsQueued > 0) {
                merge.changed.push_back("documents");
                extrasChanged = true;
            }
        }
    }
    if (extrasChanged && merge.update.changed.empty())
        merge.update.after.changeNumber = ContactStore::touch(session, contactId);
    return merge;
}

} // namespace dpp::bridge
