#include "mapping/SystemField.h"

namespace dpp::mapping {

namespace {
using F = SystemField;
constexpr std::array<SystemFieldInfo, kSystemFieldCount> kFields{{
    {F::Id, "ID", "id", "", false, true},
    {F::AccountId, "ACCTID", "account_id", "", false, true},
    {F::FirstName, "FIRSTNAME", "firstname", "firstname", false, false},
    {F::LastName, "LASTNAME", "lastname", "lastname", false, false},
    {F::Email, "EMAIL", "email", "email", false, false},
    {F::HomePhone, "HOMEPHONE", "homephone", "homephone", false, false},
    {F::CellPhone, "CELLPHONE", "cellphone", "cellphone", false, false},
    {F::WorkPhone, "WORKPHONE", "workphone", "workphone", false, false},
    {F::Address1, "ADDRESS1", "address1", "address1", false, false},
    {F::Address2, "ADDRESS2", "address2", "address2", false, false},
    {F::City, "CITY", "city", "city", false, false},
    {F::State, "STATE", "state", "state", false, false},
    {F::Zip, "ZIP", "zip", "zip", false, false},
    {F::Dob, "DOB", "dob", "dob", false, false},
    {F::Ssn, "SSN", "ssn", "ssn", true, false},
    {F::Status, "STATUS", "status", "", false, false},
    {F::Campaign, "CAMPAIGN", "campaign", "campaign", false, false},
    {F::ExternalId, "EXTERNALID", "externalid", "externalid", false, false},
    {F::AssignedTo, "ASSIGNED_TO", "assigned_to", "", false, false},
    {F::Created, "CREATED", "created", "", false, true},
}};
} // namespace

const std::array<SystemFieldInfo, kSystemFieldCount>& systemFields() {
    return kFields;
}

const SystemFieldInfo& info(SystemField field) {
    return kFields[indexOf(field)];
}

std::optional<SystemField> fieldByTag(std::string_view tag) {
    for (const auto& f : kFields)
        if (f.tag == tag)
            return f.field;
    return std::nullopt;
}

std::optional<SystemField> fieldByImportName(std::string_view name) {
    for (const auto& f : kFields)
        if (f.importName == name)
            return f.field;
    return std::nullopt;
}

std::optional<SystemField> fieldByDataSourceKey(std::string_view key) {
    if (key.empty())
        return std::nullopt;
    for (const auto& f : kFields)
        if (f.dataSourceKey == key)
            return f.field;
    return std::nullopt;
}

} // namespace dpp::mapping
