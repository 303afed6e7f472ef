#include "bridge/activation/ContactSelection.h"

#include "bridge/store/Database.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace dpp::bridge {

ContactQuery ContactSelection::query(std::int64_t batchId) const {
    ContactQuery query(accountId);
    for (const mapping::FieldCondition& condition : where) {
        if (condition.field)
            query.fieldEquals(*condition.field, condition.value);
        else
            query.customFieldEquals(condition.customName, condition.value);
    }
    if (!createdSince.empty())
        query.createdSince(createdSince);
    if (!createdBefore.empty())
        query.createdBefore(createdBefore);
    if (!updatedSince.empty())
        query.updatedSince(updatedSince);
    if (!updatedBefore.empty())
        query.updatedBefore(updatedBefore);
    if (changedAfter)
        query.changedAfter(*changedAfter);
    if (changedAtMost)
        query.changedAtMost(*changedAtMost);
    if (selectedIds)
        query.selectedFor(batchId);
    return query;
}

std::string ContactSelection::toJson() const {
    Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
    object.set("account", accountId);
    Poco::JSON::Array conditions;
    for (const mapping::FieldCondition& condition : where)
        conditions.add(condition.fieldName() + "=" + condition.value);
    object.set("where", conditions);
    object.set("created_since", createdSince);
    object.set("created_before", createdBefore);
    object.set("updated_since", updatedSince);
    object.set("updated_before", updatedBefore);
    if (changedAfter)
        object.set("changed_after", *changedAfter);
    if (changedAtMost)
        object.set("changed_at_most", *changedAtMost);
    object.set("selected_ids", selectedIds);
    std::ostringstream out;
    object.stringify(out);
    return out.str();
}

ContactSelection ContactSelection::fromJson(const std::string& text) {
    try {
        auto object = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
        ContactSelection selection;
        selection.accountId = object->getValue<std::int64_t>("account");
        auto conditions = object->getArray("where");
        for (std::size_t i = 0; conditions && i < conditions->size(); ++i)
            selection.where.push_back(
                mapping::FieldCondition::parse(conditions->getElement<std::string>(i), "where"));
        selection.createdSince = object->optValue<std::string>("created_since", "");
        selection.createdBefore = object->optValue<std::string>("created_before", "");
        selection.updatedSince = object->optValue<std::string>("updated_since", "");
        selection.updatedBefore = object->optValue<std::string>("updated_before", "");
        if (object->has("changed_after"))
            selection.changedAfter = object->getValue<std::int64_t>("changed_after");
        if (object->has("changed_at_most"))
            selection.changedAtMost = object->getValue<std::int64_t>("changed_at_most");
        selection.selectedIds = object->optValue<bool>("selected_ids", false);
        return selection;
    } catch (const std::exception& error) {
        throw StoreError(std::string("a stored contact selection cannot be read: ") + error.what());
    }
}

std::string ContactSelection::describe() const {
    std::string text = "account " + std::to_string(accountId);
    if (selectedIds)
        text += ", selected ids";
    for (const mapping::FieldCondition& condition : where)
        text += ", " + condition.describe();
    if (!createdSince.empty())
        text += ", created since " + createdSince;
    if (!createdBefore.empty())
        text += ", created before " + createdBefore;
    if (!updatedSince.empty())
        text += ", updated since " + updatedSince;
    if (!updatedBefore.empty())
        text += ", updated before " + updatedBefore;
    if (changedAfter || changedAtMost)
        text += ", changes " + (changedAfter ? std::to_string(*changedAfter + 1) : "1") + ".." +
                (changedAtMost ? std::to_string(*changedAtMost) : "");
    return text;
}

} // namespace dpp::bridge
