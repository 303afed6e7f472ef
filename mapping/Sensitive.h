#pragma once
// Which values are secrets (passwords, API hashes, SSN, bank numbers) and how they are masked
// in every log line, listing, preview and error. Pure functions; thread-safe.
#include <string>
#include <string_view>

namespace dpp::mapping {

// True when a key, a custom field name or a header names something secret: password, token,
// api key or hash, SSN, routing or bank account numbers, card numbers. Case, spaces and
// punctuation are ignored.
bool isSensitiveName(std::string_view name);

// The fixed mask for secrets whose length must not show (passwords, keys).
inline constexpr std::string_view kSecretMask = "****";

// "****" for short values; numbers such as an SSN keep their last four digits ("*****6789"),
// which support staff need to tell records apart.
std::string maskValue(std::string_view value);

// Names of numbers that identify a person or an account (SSN, routing, bank account, IBAN,
// card number) and not of a password or key: their masks keep the last four digits.
bool isIdentifyingNumberName(std::string_view name);
// The mask for a value stored under a sensitive name: last four digits for identifying
// numbers, kSecretMask for everything else; "" stays "".
std::string maskNamedValue(std::string_view name, std::string_view value);

} // namespace dpp::mapping
