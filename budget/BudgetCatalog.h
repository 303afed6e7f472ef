#pragma once
// An account's catalog of budget fields (name and tag, in the account's order), the catalog
// CSV ("name,tag"), and the budget values of one contact (tag -> amount).
// Plain value types and pure functions; not synchronised (fill, then share read-only).
// Everything that refuses input throws BudgetError with a message naming the line, the field
// or the tag.
//
// Decisions:
//   - A tag is [A-Z0-9_]+ (at most 64 characters), written with or without braces:
//     "{BF_1}" and "BF_1" are the same tag; the catalog keeps it bare. Lower case is refused
//     (DPP shows tags in upper case; "bf_1" is most likely a typo). A tag may not be a system
//     merge tag ("STATE", "ID") nor a special one ("EP_DATA", "UPLOAD_DOC_IDS"): it would be
//     shadowed or would shadow them in templates.
//   - A name is 1..200 bytes of UTF-8 with at least one letter or digit; surrounding spaces
//     are trimmed. Two names may not share a name key (see budgetNameKey): "Rent" and "rent"
//     in one catalog would make translation between catalogs ambiguous.
//   - The CSV has a header naming the columns "name" and "tag" (either order, any case, no
//     other column); cells are trimmed; empty lines are skipped; a UTF-8 BOM is skipped.
#include "mapping/Money.h"

#include <Poco/JSON/Object.h>

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dpp::budget {

class BudgetError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct BudgetField {
    std::string name; // "Rent / Mortgage"
    std::string tag;  // bare: "BUDGET_RENT"
    bool operator==(const BudgetField&) const = default;
};

inline constexpr std::size_t kMaxBudgetTagLength = 64;
inline constexpr std::size_t kMaxBudgetNameBytes = 200;

// "BF_1" for "BF_1" or "{BF_1}"; nothing for anything else ("{BF_1", "bf_1", "", "{}").
std::optional<std::string_view> bareBudgetTag(std::string_view written);

// "{BF_1}": how a tag is written in a webhook.
std::string bracedTag(std::string_view bareTag);

// The key under which two field names are the same field: ASCII letters lower-cased, ASCII
// digits kept, every other ASCII byte (spaces, punctuation) dropped, non-ASCII bytes kept as
// they are. "Rent / Mortgage" and "rent-mortgage" both give "rentmortgage".
std::string budgetNameKey(std::string_view name);

class BudgetCatalog {
public:
    // Adds a field at the end. Throws BudgetError for a bad name or tag or a duplicate.
    void add(std::string_view name, std::string_view tag);

    const std::vector<BudgetField>& fields() const { return fields_; }
    std::size_t size() const { return fields_.size(); }
    bool empty() const { return fields_.empty(); }

    // Position of a field, by tag (braced or bare, exact case) or by name (exact, or else by
    // name key). Nothing when the catalog has no such field.
    std::optional<std::size_t> indexOfTag(std::string_view tag) const;
    std::optional<std::size_t> indexOfName(std::string_view name) const;
    const BudgetField* findByTag(std::string_view tag) const;
    const BudgetField* findByName(std::string_view name) const;

private:
    std::vector<BudgetField> fields_;
    std::map<std::string, std::size_t, std::less<>> byTag_;
    std::map<std::string, std::size_t, std::less<>> byNameKey_;
};

// Loads a whole catalog from CSV text. Errors start with "line N: ".
BudgetCatalog parseBudgetCatalogCsv(std::string_view csvText);

// One contact's budget values: bare tag -> amount. A field without a value is absent.
using BudgetValues = std::map<std::string, mapping::Money, std::less<>>;

// The "budget" object of a contacts import record: field name (as budgetNameKey matches it)
// -> amount as a string ("1200.00") or a JSON number (exact up to 15 significant digits);
// null or "" means no value. Throws BudgetError naming "budget.<name>" for an unknown field,
// an amount that is not a decimal, or two names for one field.
BudgetValues budgetValuesFromImportJson(const BudgetCatalog& catalog,
                                        const Poco::JSON::Object& budget);

} // namespace dpp::budget
