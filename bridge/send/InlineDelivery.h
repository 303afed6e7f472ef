#pragma once
// Sends one webhook for one contact now and records it: a delivery row with a fresh
// Idempotency-Key and the masked request, then the attempt with its outcome. Used by
// `execute --inline`. Thread-safe as long as each call has its own sender.
#include "bridge/send/HttpSender.h"
#include "bridge/store/DeliveryStore.h"
#include "mapping/CompiledWebhook.h"

namespace dpp::bridge {

struct InlineOutcome {
    DeliveryRecord delivery;
    SendResult result;
};

InlineOutcome deliverNow(Database& database, HttpSender& sender,
                         const mapping::CompiledWebhook& webhook, const mapping::Contact& contact);

// Keeps at most maxBytes of a response, cut on a UTF-8 boundary, invalid bytes replaced by
// U+FFFD, so that excerpts are always printable and valid JSON strings.
std::string printableExcerpt(std::string_view response, std::size_t maxBytes);

} // namespace dpp::bridge
