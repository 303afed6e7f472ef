#include "mapping/FieldCondition.h"

#include <algorithm>
#include <cctype>

namespace dpp::mapping {

namespace {

std::string upper(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

} // namespace

FieldCondition FieldCondition::parse(const std::string& text, const std::string& flag) {
    std::size_t equals = text.find('=');
    if (equals == std::string::npos || equals == 0)
        throw ConditionError("--" + flag + " takes FIELD=VALUE (e.g. STATUS=Enrolled or " +
                             "'CF:Lead Score=7'), not '" + text + "'");
    FieldCondition condition;
    std::string name = text.substr(0, equals);
    condition.value = text.substr(equals + 1);
    if (upper(name.substr(0, 3)) == "CF:") {
        condition.customName = name.substr(3);
        if (condition.customName.empty())
            throw ConditionError("--" + flag + ": 'CF:' needs a custom field name, as in " +
                                 "'CF:Lead Score=7'");
        return condition;
    }
    condition.field = fieldByTag(upper(name));
    if (!condition.field)
        condition.field = fieldByImportName(name);
    if (!condition.field)
        throw ConditionError("--" + flag + ": unknown field '" + name +
                             "'; use a system field (STATUS, CAMPAIGN, STATE, ...) or CF:Name");
    return condition;
}

std::string FieldCondition::fieldName() const {
    return field ? std::string(info(*field).tag) : "CF:" + customName;
}

std::string FieldCondition::describe() const {
    return fieldName() + " = '" + value + "'";
}

const std::string& FieldCondition::valueIn(const Contact& contact) const {
    static const std::string empty;
    if (field)
        return contact.get(*field);
    auto found = contact.custom.find(customName);
    return found == contact.custom.end() ? empty : found->second;
}

bool FieldCondition::matches(const Contact& contact) const {
    return valueIn(contact) == value;
}

} // namespace dpp::mapping
