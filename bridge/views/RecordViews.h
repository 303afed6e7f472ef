#pragma once
// Rendering of store records for people (aligned text) and for scripts (one JSON document).
// Secrets are masked unless the caller asks to reveal them. Stateless; thread-safe.
#include "bridge/store/ContactStore.h"
#include "bridge/store/DataSourceStore.h"
#include "bridge/store/DeliveryStore.h"
#include "mapping/Contact.h"

#include <string>
#include <vector>

namespace dpp::bridge {

std::string quoteJson(std::string_view text);
std::string contactJson(const mapping::Contact& contact, bool revealSecrets);
std::string contactText(const mapping::Contact& contact, bool revealSecrets);
// One line per contact: id, name, phone, state, email.
std::string contactRow(const mapping::Contact& contact);
// 1234567 -> "1,234,567".
std::string withThousands(std::int64_t value);
std::string dataSourceJson(const DataSource& source);
// With attempts and events: the whole record (deliveries show); without: the summary.
std::string deliveryJson(const DeliveryRecord& delivery, const std::vector<AttemptRecord>* attempts,
                         const std::vector<DeliveryEvent>* events,
                         std::optional<std::int64_t> destinationPausedUntilMs);

// A destination failing now: since when, how often, whether it is paused at nowMs.
std::string destinationJson(const DestinationState& destination, std::int64_t nowMs);

} // namespace dpp::bridge
