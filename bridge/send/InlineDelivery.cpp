#include "bridge/send/InlineDelivery.h"

#include "mapping/Encoding.h"

namespace dpp::bridge {

std::string printableExcerpt(std::string_view response, std::size_t maxBytes) {
    std::string out;
    std::size_t i = 0;
    while (i < response.size() && out.size() < maxBytes) {
        unsigned char lead = static_cast<unsigned char>(response[i]);
        std::size_t length = lead < 0x80         ? 1
                             : (lead >> 5) == 6  ? 2
                             : (lead >> 4) == 14 ? 3
                             : (lead >> 3) == 30 ? 4
                                                 : 0;
        if (length > 0 && i + length <= response.size() &&
            mapping::isValidUtf8(response.substr(i, length))) {
            if (out.size() + length > maxBytes)
                break;
            out.append(response.substr(i, length));
            i += length;
        } else {
            out.append("\xEF\xBF\xBD");
            ++i;
        }
    }
    return out;
}

InlineOutcome deliverNow(Database& database, HttpSender& sender,
                         const mapping::CompiledWebhook& webhook, const mapping::Contact& contact) {
    mapping::RenderedRequest request = webhook.render(mapping::RenderContext{contact});
    DeliveryStore deliveries(database);
    InlineOutcome outcome;
    outcome.delivery =
        deliveries.create(webhook.definition().id, contact.id, request.method, request.maskedUrl,
                          request.contentType, request.maskedBody, "sending");
    AttemptRecord attempt;
    attempt.startedAt = nowText();
    outcome.result = sender.send(webhook, request, outcome.delivery.idempotencyKey);
    attempt.durationMs = outcome.result.duration.count();
    attempt.statusCode = outcome.result.statusCode;
    attempt.outcome = outcome.result.delivered   ? "delivered"
                      : outcome.result.retryable ? "retryable"
                                                 : "failed";
    attempt.error = outcome.result.error;
    attempt.responseExcerpt = printableExcerpt(outcome.result.responseExcerpt, 2048);
    std::string status = outcome.result.delivered ? "delivered" : "failed";
    deliveries.recordAttempt(outcome.delivery.id, attempt, status);
    outcome.delivery.status = status;
    outcome.delivery.attempts = 1;
    return outcome;
}

} // namespace dpp::bridge
