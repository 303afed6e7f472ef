#pragma once
// The events a trigger can listen to: the ones the store raises on its own changes, and
// "custom.<name>" events that outside systems raise with `event emit`. Pure; thread-safe.
#include <string>
#include <string_view>
#include <vector>

namespace dpp::bridge {

inline constexpr std::string_view kContactCreated = "contact.created";
inline constexpr std::string_view kContactUpdated = "contact.updated";
inline constexpr std::string_view kContactStatusChanged = "contact.status_changed";
inline constexpr std::string_view kPaymentReturned = "payment.returned"; // Returned or NSF
inline constexpr std::string_view kPaymentCleared = "payment.cleared";
inline constexpr std::string_view kDocumentUploaded = "document.uploaded";
inline constexpr std::string_view kDataSourceImported = "datasource.imported";

const std::vector<std::string_view>& builtInEvents();

// Throws InputError naming the event and listing the known ones (with a suggestion for a
// near miss) unless it is built in or "custom." followed by lower-case letters, digits, '_',
// '-' or '.'.
void checkEventName(std::string_view name);

} // namespace dpp::bridge
