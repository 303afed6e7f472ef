#pragma once
// Comparing secrets (tokens, passwords) without telling an attacker where they differ. Pure;
// thread-safe; never throws.
#include <string_view>

namespace dpp::bridge {

// True when a and b are equal; the time taken depends only on their lengths (SHA-256 digests
// compared without early exit).
bool constantTimeEquals(std::string_view a, std::string_view b);

} // namespace dpp::bridge
