#include "mapping/DedupeRules.h"

#include "mapping/AsciiText.h"

#include <algorithm>

namespace dpp::mapping {

namespace {

constexpr char kUnitSeparator = '\x1f';

bool equalsFolded(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return asciiLower(x) == asciiLower(y);
           });
}

std::vector<std::string_view> split(std::string_view s, char separator) {
    std::vector<std::string_view> parts;
    for (;;) {
        auto at = s.find(separator);
        parts.push_back(s.substr(0, at));
        if (at == std::string_view::npos)
            return parts;
        s.remove_prefix(at + 1);
    }
}

std::string acceptedNames() {
    std::string names = "use source or one of:";
    const char* separator = " ";
    for (const auto& f : systemFields()) {
        if (f.assignedByStore)
            continue;
        names += separator;
        names += f.importName;
        separator = ", ";
    }
    return names;
}

// An import name or a merge tag with or without braces, case-insensitively.
std::optional<SystemField> fieldByName(std::string_view name) {
    if (name.size() >= 2 && name.front() == '{' && name.back() == '}')
        name = trimmedAscii(name.substr(1, name.size() - 2));
    for (const auto& f : systemFields())
        if (equalsFolded(name, f.importName) || equalsFolded(name, f.tag))
            return f.field;
    return std::nullopt;
}

bool sameFields(std::vector<SystemField> a, std::vector<SystemField> b) {
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return a == b;
}

class Parser {
public:
    Parser(std::string_view text, std::string_view flag) : text_(text), flag_(flag) {}

    std::vector<DedupeRule> parse() const {
        if (trimmedAscii(text_).empty())
            fail("no rules given; " + acceptedNames());
        std::vector<DedupeRule> rules;
        std::vector<std::string_view> typed;
        auto items = split(text_, ',');
        for (std::size_t i = 0; i < items.size(); ++i) {
            auto item = trimmedAscii(items[i]);
            if (item.empty())
                fail("rule " + std::to_string(i + 1) + " is empty" +
                     (i + 1 == items.size() ? " (trailing comma)" : ""));
            DedupeRule rule = parseRule(item);
            for (std::size_t j = 0; j < rules.size(); ++j)
                if (rules[j].source == rule.source && sameFields(rules[j].fields, rule.fields))
                    fail("rule '" + std::string(item) + "' repeats rule '" + std::string(typed[j]) +
                         "'");
            rules.push_back(std::move(rule));
            typed.push_back(item);
        }
        return rules;
    }

private:
    DedupeRule parseRule(std::string_view item) const {
        auto parts = split(item, '+');
        for (auto part : parts)
            if (trimmedAscii(part).empty())
                fail("rule '" + std::string(item) + "' has an empty field");
        DedupeRule rule;
        for (auto raw : parts) {
            auto part = trimmedAscii(raw);
            if (equalsFolded(part, "source")) {
                if (parts.size() > 1)
                    fail("rule '" + std::string(item) +
                         "' combines source with fields; source is a rule of its own");
                rule.source = true;
                return rule;
            }
            auto field = fieldByName(part);
            if (!field)
                fail("unknown field '" + std::string(part) + "'; " + acceptedNames());
            if (info(*field).assignedByStore)
                fail("field '" + std::string(part) +
                     "' is assigned by the store and cannot be matched on; " + acceptedNames());
            if (std::find(rule.fields.begin(), rule.fields.end(), *field) != rule.fields.end())
                fail("field '" + std::string(part) + "' appears twice in rule '" +
                     std::string(item) + "'");
            rule.fields.push_back(*field);
        }
        return rule;
    }

    [[noreturn]] void fail(const std::string& problem) const {
        throw DedupeRuleError(std::string(flag_) + " '" + std::string(text_) + "': " + problem);
    }

    std::string_view text_;
    std::string_view flag_;
};

} // namespace

std::string DedupeRule::text() const {
    if (source)
        return "source";
    std::string out;
    for (auto field : fields) {
        if (!out.empty())
            out += '+';
        out += info(field).importName;
    }
    return out;
}

std::vector<DedupeRule> parseDedupeRules(std::string_view text, std::string_view flag) {
    return Parser(text, flag).parse();
}

std::string dedupeRulesText(const std::vector<DedupeRule>& rules) {
    std::string out;
    for (const auto& rule : rules) {
        if (!out.empty())
            out += ',';
        out += rule.text();
    }
    return out;
}

std::string normalizedMatchValue(SystemField field, std::string_view value) {
    std::string out;
    switch (field) {
    case SystemField::HomePhone:
    case SystemField::CellPhone:
    case SystemField::WorkPhone:
    case SystemField::Ssn:
        for (char c : value)
            if (c >= '0' && c <= '9')
                out += c;
        return out;
    case SystemField::Email:
        for (char c : trimmedAscii(value))
            out += asciiLower(c);
        return out;
    default:
        break;
    }
    bool pendingSpace = false;
    for (char c : trimmedAscii(value)) {
        if (isAsciiSpace(c)) {
            pendingSpace = true;
            continue;
        }
        if (pendingSpace)
            out += ' ';
        pendingSpace = false;
        out += asciiLower(c);
    }
    return out;
}

std::optional<std::string> matchValue(const DedupeRule& rule, const Contact& contact,
                                      std::optional<std::string_view> sourceIdentity) {
    if (rule.source) {
        if (!sourceIdentity || sourceIdentity->empty())
            return std::nullopt;
        return std::string(*sourceIdentity);
    }
    if (rule.fields.empty())
        return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < rule.fields.size(); ++i) {
        auto part = normalizedMatchValue(rule.fields[i], contact.get(rule.fields[i]));
        if (part.empty())
            return std::nullopt;
        if (i > 0)
            out += kUnitSeparator;
        out += part;
    }
    return out;
}

} // namespace dpp::mapping
