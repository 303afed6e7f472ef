#pragma once
// Renders a webhook for a contact and writes the delivery to the outbox, in one step; the
// only way activations (execute, replay --rerender, and later triggers and mass posts) put
// work in the outbox. Thread-safe through Database.
#include "bridge/store/DeliveryStore.h"
#include "mapping/CompiledWebhook.h"

namespace dpp::bridge {

NewDelivery renderDelivery(const mapping::CompiledWebhook& webhook, const mapping::Contact& contact,
                           const std::string& origin);

// The delivery for a request already rendered for this contact.
NewDelivery deliveryFor(const mapping::CompiledWebhook& webhook, std::int64_t contactId,
                        mapping::RenderedRequest request, const std::string& origin);

// "https://host:443": what deliveries are grouped and paused by.
std::string destinationOf(const mapping::CompiledWebhook& webhook);

} // namespace dpp::bridge
