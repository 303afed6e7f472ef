#pragma once
// "FIELD=VALUE" as triggers (--when) and contact selections (--where) take it: FIELD is a
// system field by merge tag (STATUS) or import name (status), or a custom field as CF:Name;
// the value is compared exactly. A plain value; thread-safe to read.
#include "mapping/Contact.h"

#include <optional>
#include <stdexcept>
#include <string>

namespace dpp::mapping {

// A condition that cannot be used. The message names the flag and the text, and says what is
// accepted.
class ConditionError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct FieldCondition {
    std::optional<SystemField> field; // a system field, or
    std::string customName;           // a custom field
    std::string value;

    // Throws ConditionError naming the flag and the text when it is not FIELD=VALUE with a
    // known field.
    static FieldCondition parse(const std::string& text, const std::string& flag);
    // The stored form: "STATUS" or "CF:Lead Score" (parse accepts it back).
    std::string fieldName() const;
    std::string describe() const; // STATUS = 'Returned'
    bool matches(const Contact& contact) const;
    const std::string& valueIn(const Contact& contact) const;
};

} // namespace dpp::mapping
