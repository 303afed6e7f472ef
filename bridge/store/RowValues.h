#pragma once
// Reading nullable columns of a POCO RecordSet row. Stateless; thread-safe.
#include <Poco/Dynamic/Var.h>

#include <cstdint>
#include <optional>

namespace dpp::bridge {

// A nullable INTEGER column: nothing for NULL.
inline std::optional<std::int64_t> optionalInteger(const Poco::Dynamic::Var& value) {
    if (value.isEmpty())
        return std::nullopt;
    return value.convert<std::int64_t>();
}

} // namespace dpp::bridge
