#pragma once
// Command-line flags of one command: "--name value", "--name=value", boolean "--name", and
// positional words. Unknown flags and missing values are UsageErrors naming the flag and
// showing the command's usage. A plain value; not synchronised.
#include "bridge/InputError.h"
#include "mapping/FieldCondition.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dpp::bridge {

class UsageError : public InputError {
public:
    using InputError::InputError;
};

struct FlagSpec {
    std::string name; // without dashes
    bool takesValue = true;
};

class Arguments {
public:
    Arguments(const std::vector<std::string>& tokens, const std::vector<FlagSpec>& flags,
              std::string usage);

    bool has(const std::string& flag) const { return values_.count(flag) > 0; }
    std::optional<std::string> value(const std::string& flag) const; // the last one given
    std::vector<std::string> values(const std::string& flag) const;  // every one, in order
    std::string require(const std::string& flag) const;
    std::optional<std::int64_t> integer(const std::string& flag) const;
    std::int64_t requireInteger(const std::string& flag) const;
    const std::vector<std::string>& positional() const { return positional_; }
    std::string requirePositional(std::size_t index, const std::string& what) const;
    const std::string& usage() const { return usage_; }

private:
    std::map<std::string, std::string> values_;
    std::map<std::string, std::vector<std::string>> repeated_;
    std::vector<std::string> positional_;
    std::string usage_;
};

// Who asked, for the logs: --by NAME, else "cli:$USER".
std::string actorOf(const Arguments& arguments);

// Parses a positive id such as a contact or webhook id; what names it in the message.
std::int64_t parseId(const std::string& text, const std::string& what);

// Parses FIELD=VALUE given with --flag (--when, --where, --status); an InputError with the
// condition's message otherwise.
mapping::FieldCondition parseCondition(const std::string& text, const std::string& flag);

} // namespace dpp::bridge
