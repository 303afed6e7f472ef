#include "bridge/store/ContactQuery.h"

#include "mapping/SystemField.h"

namespace dpp::bridge {

ContactQuery::ContactQuery(std::int64_t accountId) : condition_("account_id = ?") {
    values_.emplace_back(accountId);
}

ContactQuery& ContactQuery::add(const char* condition, SqlValue value) {
    condition_ += condition;
    values_.push_back(std::move(value));
    return *this;
}

ContactQuery& ContactQuery::fieldEquals(mapping::SystemField field, const std::string& value) {
    // The column is the field's import name, from the field table, never from the user.
    condition_ += " AND " + std::string(mapping::info(field).importName) + " = ?";
    values_.emplace_back(value);
    return *this;
}

ContactQuery& ContactQuery::customFieldEquals(const std::string& name, const std::string& value) {
    if (value.empty())
        return add(" AND NOT EXISTS (SELECT 1 FROM contact_custom_fields c WHERE "
                   "c.contact_id = contacts.id AND c.name = ?)",
                   name);
    add(" AND EXISTS (SELECT 1 FROM contact_custom_fields c WHERE "
        "c.contact_id = contacts.id AND c.name = ? AND c.value = ?)",
        name);
    values_.emplace_back(value);
    return *this;
}

ContactQuery& ContactQuery::createdSince(const std::string& at) {
    return add(" AND created_at >= ?", at);
}

ContactQuery& ContactQuery::createdBefore(const std::string& at) {
    return add(" AND created_at < ?", at);
}

ContactQuery& ContactQuery::updatedSince(const std::string& at) {
    return add(" AND updated_at >= ?", at);
}

ContactQuery& ContactQuery::updatedBefore(const std::string& at) {
    return add(" AND updated_at < ?", at);
}

ContactQuery& ContactQuery::changedAfter(std::int64_t change) {
    return add(" AND change_seq > ?", change);
}

ContactQuery& ContactQuery::changedAtMost(std::int64_t change) {
    return add(" AND change_seq <= ?", change);
}

ContactQuery& ContactQuery::selectedFor(std::int64_t batchId) {
    return add(" AND id IN (SELECT contact_id FROM batch_selection WHERE batch_id = ?)", batchId);
}

ContactQuery& ContactQuery::idAtMost(std::int64_t id) {
    return add(" AND id <= ?", id);
}

} // namespace dpp::bridge
