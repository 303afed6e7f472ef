#pragma once
// A contact as the mapping rules see it: system fields by enum, custom fields by name.
// A plain value type; not synchronised.
#include "mapping/SystemField.h"

#include <array>
#include <cstdint>
#include <map>
#include <string>

namespace dpp::mapping {

struct Contact {
    std::int64_t id = 0;
    std::int64_t accountId = 0;
    // Indexed by SystemField; ID and ACCTID are kept in step with the two numbers above by
    // setIds(). Empty string means "no value".
    std::array<std::string, kSystemFieldCount> fields;
    std::map<std::string, std::string, std::less<>> custom;
    // The store's change number when the contact was read (0 when not from a store): a
    // receiver keeps the newest version of a contact whatever order its posts arrive in.
    std::int64_t changeNumber = 0;

    const std::string& get(SystemField field) const { return fields[indexOf(field)]; }
    void set(SystemField field, std::string value) { fields[indexOf(field)] = std::move(value); }
    void setIds(std::int64_t contactId, std::int64_t account) {
        id = contactId;
        accountId = account;
        set(SystemField::Id, std::to_string(contactId));
        set(SystemField::AccountId, std::to_string(account));
    }
};

} // namespace dpp::mapping
