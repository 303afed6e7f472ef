#pragma once
// The system fields every contact has, with their merge tag, their key in a DPP data source
// and whether they are sensitive. Pure data; thread-safe (everything is constant).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace dpp::mapping {

enum class SystemField : std::uint8_t {
    Id,
    AccountId,
    FirstName,
    LastName,
    Email,
    HomePhone,
    CellPhone,
    WorkPhone,
    Address1,
    Address2,
    City,
    State,
    Zip,
    Dob,
    Ssn,
    Status,
    Campaign,
    ExternalId,
    AssignedTo,
    Created,
};
inline constexpr std::size_t kSystemFieldCount = 20;

struct SystemFieldInfo {
    SystemField field;
    std::string_view tag;           // merge tag without braces: "FIRSTNAME"
    std::string_view importName;    // name in import files and the store's column: "firstname"
    std::string_view dataSourceKey; // key a DPP data source maps by default, empty if none
    bool sensitive;                 // masked in logs, listings and previews
    bool assignedByStore;           // ID, ACCTID, CREATED: not set by posts or imports
};

const std::array<SystemFieldInfo, kSystemFieldCount>& systemFields();
const SystemFieldInfo& info(SystemField field);

// Lookups return nothing for unknown names; tags and import names are matched exactly.
std::optional<SystemField> fieldByTag(std::string_view tag);
std::optional<SystemField> fieldByImportName(std::string_view name);
std::optional<SystemField> fieldByDataSourceKey(std::string_view key);

inline std::size_t indexOf(SystemField field) {
    return static_cast<std::size_t>(field);
}

} // namespace dpp::mapping
