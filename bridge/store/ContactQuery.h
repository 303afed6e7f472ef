#pragma once
// Which contacts of an account to read, built condition by condition (every one must hold):
// system field values, custom field values, created and updated ranges, a change-number
// window, a batch's selected ids. The store alone turns it into SQL, with every value bound
// (ContactStore::select and count). A plain value; not synchronised.
#include "mapping/SystemField.h"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace dpp::bridge {

// A value bound to a statement the store builds at run time.
using SqlValue = std::variant<std::int64_t, std::string>;

class ContactQuery {
public:
    explicit ContactQuery(std::int64_t accountId);

    ContactQuery& fieldEquals(mapping::SystemField field, const std::string& value);
    // The custom field holds value; an empty value: the contact has no such field.
    ContactQuery& customFieldEquals(const std::string& name, const std::string& value);
    // Store time text (formatTime); since is inclusive, before is not.
    ContactQuery& createdSince(const std::string& at);
    ContactQuery& createdBefore(const std::string& at);
    ContactQuery& updatedSince(const std::string& at);
    ContactQuery& updatedBefore(const std::string& at);
    // Change numbers: above after, up to atMost.
    ContactQuery& changedAfter(std::int64_t change);
    ContactQuery& changedAtMost(std::int64_t change);
    // Only the ids selected for a batch (its batch_selection rows).
    ContactQuery& selectedFor(std::int64_t batchId);
    ContactQuery& idAtMost(std::int64_t id);

    // For the store's statements: the condition on the contacts table, and its values in order.
    const std::string& condition() const { return condition_; }
    const std::vector<SqlValue>& values() const { return values_; }

private:
    ContactQuery& add(const char* condition, SqlValue value);

    std::string condition_;
    std::vector<SqlValue> values_;
};

} // namespace dpp::bridge
