#include "bridge/cli/Arguments.h"

#include <cstdlib>

#include <charconv>

namespace dpp::bridge {

Arguments::Arguments(const std::vector<std::string>& tokens, const std::vector<FlagSpec>& flags,
                     std::string usage)
    : usage_(std::move(usage)) {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const std::string& token = tokens[i];
        if (token == "--") {
            positional_.insert(positional_.end(), tokens.begin() + static_cast<long>(i) + 1,
                               tokens.end());
            break;
        }
        if (token.size() < 3 || token.rfind("--", 0) != 0) {
            positional_.push_back(token);
            continue;
        }
        std::string name = token.substr(2);
        std::optional<std::string> inlineValue;
        if (auto equals = name.find('='); equals != std::string::npos) {
            inlineValue = name.substr(equals + 1);
            name = name.substr(0, equals);
        }
        const FlagSpec* spec = nullptr;
        for (const auto& flag : flags)
            if (flag.name == name)
                spec = &flag;
        if (!spec)
            throw UsageError("unknown option --" + name + "\nusage: " + usage_);
        if (!spec->takesValue) {
            if (inlineValue)
                throw UsageError("--" + name + " takes no value\nusage: " + usage_);
            values_[name] = "";
            continue;
        }
        if (inlineValue) {
            values_[name] = *inlineValue;
            repeated_[name].push_back(*inlineValue);
        } else if (i + 1 < tokens.size()) {
            values_[name] = tokens[++i];
            repeated_[name].push_back(values_[name]);
        } else {
            throw UsageError("--" + name + " needs a value\nusage: " + usage_);
        }
    }
}

std::vector<std::string> Arguments::values(const std::string& flag) const {
    auto it = repeated_.find(flag);
    return it == repeated_.end() ? std::vector<std::string>{} : it->second;
}

std::optional<std::string> Arguments::value(const std::string& flag) const {
    auto it = values_.find(flag);
    if (it == values_.end())
        return std::nullopt;
    return it->second;
}

std::string Arguments::require(const std::string& flag) const {
    auto found = value(flag);
    if (!found)
        throw UsageError("--" + flag + " is required\nusage: " + usage_);
    return *found;
}

std::optional<std::int64_t> Arguments::integer(const std::string& flag) const {
    auto found = value(flag);
    if (!found)
        return std::nullopt;
    return parseId(*found, "--" + flag);
}

std::int64_t Arguments::requireInteger(const std::string& flag) const {
    return parseId(require(flag), "--" + flag);
}

std::string Arguments::requirePositional(std::size_t index, const std::string& what) const {
    if (index >= positional_.size())
        throw UsageError(what + " is required\nusage: " + usage_);
    return positional_[index];
}

std::int64_t parseId(const std::string& text, const std::string& what) {
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value <= 0)
        throw UsageError(what + " must be a positive whole number, not '" + text + "'");
    return value;
}

mapping::FieldCondition parseCondition(const std::string& text, const std::string& flag) {
    try {
        return mapping::FieldCondition::parse(text, flag);
    } catch (const mapping::ConditionError& error) {
        throw InputError(error.what());
    }
}

std::string actorOf(const Arguments& arguments) {
    if (auto by = arguments.value("by"))
        return *by;
    const char* user = std::getenv("USER");
    return std::string("cli:") + (user ? user : "unknown");
}

} // namespace dpp::bridge
