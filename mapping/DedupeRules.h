#pragma once
// A data source's de-dupe rules: an ordered list of ways to recognise a posted contact as one
// the account already holds, tried in turn. A rule is either "source" (the sending contact's
// identity, "1001:55") or one or more system fields that must all match ("lastname+dob").
// Fields are compared by a normalised value (see normalizedMatchValue); a rule whose value is
// empty for a contact never matches it. Pure functions and value types; thread-safe.
#include "mapping/Contact.h"
#include "mapping/SystemField.h"

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dpp::mapping {

struct DedupeRule {
    bool source = false;
    std::vector<SystemField> fields; // empty when source; in the order given, each once

    // Canonical text: "source", "email", "lastname+dob" (import names, joined by '+').
    std::string text() const;
    bool operator==(const DedupeRule&) const = default;
};

// A rule list that cannot be used. The message names the flag, the whole text and the
// offending value, and says what is accepted.
class DedupeRuleError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Parses a comma-separated list tried in order: "source,email,lastname+dob". Field names are
// import names (firstname, ..., assigned_to) or merge tags (EMAIL, {EMAIL}), matched
// case-insensitively with surrounding spaces trimmed. Throws DedupeRuleError for an empty list,
// an empty rule or field, an unknown or store-assigned field (id, acctid, created), "source"
// combined with fields, a field twice in one rule, or a rule twice (fields in any order).
std::vector<DedupeRule> parseDedupeRules(std::string_view text,
                                         std::string_view flag = "--dedupe-on");

// Canonical comma-joined text; parseDedupeRules(dedupeRulesText(x)) == x.
std::string dedupeRulesText(const std::vector<DedupeRule>& rules);

// The value a field is compared by: email trimmed and ASCII-case-folded; phones and SSN
// reduced to their digits; every other field trimmed, inner runs of whitespace collapsed to one
// space and ASCII-case-folded. May be empty.
std::string normalizedMatchValue(SystemField field, std::string_view value);

// A rule's match value for a contact: for source, sourceIdentity (nothing when absent or
// empty); for fields, the normalised values joined by '\x1f', or nothing when any of them is
// empty (an empty value never matches).
std::optional<std::string> matchValue(const DedupeRule& rule, const Contact& contact,
                                      std::optional<std::string_view> sourceIdentity);

} // namespace dpp::mapping
