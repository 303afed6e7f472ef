#pragma once
// What is kept of a receiver's answer in the delivery log. Pure; thread-safe.
#include <string>
#include <string_view>

namespace dpp::bridge {

// At most maxBytes of a response, cut on a UTF-8 boundary, invalid bytes replaced by U+FFFD,
// so that excerpts are always printable and valid in JSON output.
std::string printableExcerpt(std::string_view response, std::size_t maxBytes);

} // namespace dpp::bridge
