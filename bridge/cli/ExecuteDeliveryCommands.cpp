// execute, deliveries list|show.
#include "bridge/InputError.h"
#include "bridge/cli/Commands.h"
#include "bridge/cli/Output.h"
#include "bridge/send/InlineDelivery.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/WebhookStore.h"

#include <ostream>

namespace dpp::bridge {

namespace {

int execute(const Arguments& arguments, CommandContext& context) {
    auto webhook = WebhookStore(context.database()).require(arguments.requireInteger("webhook"));
    std::int64_t contactId = arguments.requireInteger("contact");
    auto contact = ContactStore(context.database()).contact(contactId);
    if (!contact)
        throw NotFound("contact " + std::to_string(contactId) + " does not exist");
    bool inlineMode = arguments.has("inline") || webhook.mode == mapping::ExecutionMode::Inline;
    if (!inlineMode)
        throw UsageError("background delivery needs the durable outbox, which this version "
                         "does not have yet; run with --inline to send now");
    mapping::CompiledWebhook compiled = context.compile(webhook);
    HttpSender sender(context.config());
    InlineOutcome outcome = deliverNow(context.database(), sender, compiled, *contact);
    const SendResult& result = outcome.result;
    context.out() << "delivery " << outcome.delivery.id << ": " << outcome.delivery.status << " ("
                  << (result.statusCode ? "HTTP " + std::to_string(result.statusCode)
                                        : std::string("no response"))
                  << ", " << result.duration.count() << " ms)\n";
    if (!result.delivered) {
        context.out() << "  error: " << result.error << "\n";
        if (!result.responseExcerpt.empty())
            context.out() << "  response: " << printableExcerpt(result.responseExcerpt, 300)
                          << "\n";
        return 1;
    }
    return 0;
}

int deliveriesList(const Arguments& arguments, CommandContext& context) {
    DeliveryFilter filter;
    filter.status = arguments.value("status").value_or("");
    filter.webhookId = arguments.integer("webhook");
    filter.contactId = arguments.integer("contact");
    if (auto limit = arguments.integer("limit"))
        filter.limit = static_cast<std::size_t>(*limit);
    auto deliveries = DeliveryStore(context.database()).list(filter);
    if (arguments.has("json")) {
        context.out() << "[";
        for (std::size_t i = 0; i < deliveries.size(); ++i)
            context.out() << (i ? ",\n  " : "\n  ") << deliveryJson(deliveries[i], nullptr);
        context.out() << (deliveries.empty() ? "]\n" : "\n]\n");
        return 0;
    }
    for (const auto& delivery : deliveries)
        context.out() << delivery.id << "  " << delivery.status << "  webhook "
                      << delivery.webhookId << "  contact " << delivery.contactId << "  "
                      << delivery.attempts << " attempt(s)  " << delivery.updatedAt << "\n";
    return 0;
}

int deliveriesShow(const Arguments& arguments, CommandContext& context) {
    DeliveryStore store(context.database());
    std::int64_t id = parseId(arguments.requirePositional(0, "ID"), "delivery ID");
    auto delivery = store.find(id);
    if (!delivery)
        throw NotFound("delivery " + std::to_string(id) + " does not exist");
    auto attempts = store.attempts(id);
    if (arguments.has("json")) {
        context.out() << deliveryJson(*delivery, &attempts) << "\n";
        return 0;
    }
    context.out() << "delivery " << delivery->id << "  " << delivery->status << "\n"
                  << "  webhook " << delivery->webhookId << ", contact " << delivery->contactId
                  << ", Idempotency-Key " << delivery->idempotencyKey << "\n"
                  << "  request: " << delivery->method << " " << delivery->url << "\n";
    if (!delivery->contentType.empty())
        context.out() << "  content-type: " << delivery->contentType << "\n"
                      << "  body: " << delivery->body << "\n";
    for (const auto& attempt : attempts) {
        context.out() << "  attempt " << attempt.attempt << " at " << attempt.startedAt << ": "
                      << attempt.outcome << ", "
                      << (attempt.statusCode ? "HTTP " + std::to_string(attempt.statusCode)
                                             : std::string("no response"))
                      << ", " << attempt.durationMs << " ms";
        if (!attempt.error.empty())
            context.out() << ", " << attempt.error;
        context.out() << "\n";
        if (!attempt.responseExcerpt.empty())
            context.out() << "    response: " << attempt.responseExcerpt << "\n";
    }
    return 0;
}

} // namespace

void addDeliveryCommands(std::vector<Command>& commands) {
    commands.push_back({"execute",
                        "execute --webhook ID --contact ID [--inline]",
                        "post one contact through a webhook; exit 1 if it fails",
                        {{"webhook"}, {"contact"}, {"inline", false}},
                        execute});
    commands.push_back(
        {"deliveries list",
         "deliveries list [--status S] [--webhook ID] [--contact ID] [--limit N] [--json]",
         "recent deliveries, newest first",
         {{"status"}, {"webhook"}, {"contact"}, {"limit"}, {"json", false}},
         deliveriesList});
    commands.push_back({"deliveries show",
                        "deliveries show ID [--json]",
                        "a delivery: the request as sent (secrets masked) and every attempt",
                        {{"json", false}},
                        deliveriesShow});
}

} // namespace dpp::bridge
