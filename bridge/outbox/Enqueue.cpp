#include "bridge/outbox/Enqueue.h"

namespace dpp::bridge {

std::string destinationOf(const mapping::CompiledWebhook& webhook) {
    const mapping::UrlParts& target = webhook.target();
    std::string host =
        target.host.find(':') != std::string::npos ? "[" + target.host + "]" : target.host;
    return target.scheme + "://" + host + ":" + std::to_string(target.port);
}

NewDelivery deliveryFor(const mapping::CompiledWebhook& webhook, std::int64_t contactId,
                        mapping::RenderedRequest request, const std::string& origin) {
    NewDelivery delivery;
    delivery.webhookId = webhook.definition().id;
    delivery.contactId = contactId;
    delivery.method = std::move(request.method);
    delivery.maskedUrl = std::move(request.maskedUrl);
    delivery.wireUrl = std::move(request.url);
    delivery.contentType = std::move(request.contentType);
    delivery.maskedBody = std::move(request.maskedBody);
    delivery.wireBody = std::move(request.body);
    delivery.destination = destinationOf(webhook);
    delivery.origin = origin;
    return delivery;
}

NewDelivery renderDelivery(const mapping::CompiledWebhook& webhook, const mapping::Contact& contact,
                           const std::string& origin) {
    return deliveryFor(webhook, contact.id, webhook.render(mapping::RenderContext{contact}),
                       origin);
}

} // namespace dpp::bridge
