// execute, work, deliveries list|show|destinations, replay.
#include "bridge/InputError.h"
#include "bridge/Log.h"
#include "bridge/activation/MassPosts.h"
#include "bridge/cli/Commands.h"
#include "bridge/cli/Signals.h"
#include "bridge/documents/DocumentCopier.h"
#include "bridge/outbox/DeliveryWorkers.h"
#include "bridge/outbox/PreparedWebhook.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/WebhookStore.h"
#include "bridge/views/RecordViews.h"

#include <cstdlib>
#include <iostream>
#include <ostream>
#include <unistd.h>

namespace dpp::bridge {

namespace {

void printAttempt(std::ostream& out, const AttemptOutcome& outcome) {
    const AttemptRecord& attempt = outcome.result.attempt;
    out << "delivery " << outcome.deliveryId << ": " << outcome.result.status << " ("
        << (attempt.statusCode ? "HTTP " + std::to_string(attempt.statusCode)
                               : std::string("no response"))
        << ", " << attempt.durationMs << " ms)\n";
    if (!attempt.error.empty())
        out << "  error: " << attempt.error << "\n";
    if (outcome.result.status != "delivered" && !attempt.responseExcerpt.empty())
        out << "  response: " << attempt.responseExcerpt.substr(0, 300) << "\n";
    if (outcome.result.nextAttemptMs)
        out << "  next attempt at " << formatTime(*outcome.result.nextAttemptMs) << "\n";
}

int execute(const Arguments& arguments, CommandContext& context) {
    auto webhook = WebhookStore(context.database()).require(arguments.requireInteger("webhook"));
    std::int64_t contactId = arguments.requireInteger("contact");
    auto contact = ContactStore(context.database()).contact(contactId);
    if (!contact)
        throw NotFound("contact " + std::to_string(contactId) + " does not exist");
    PreparedWebhook prepared(context.database(), webhook);
    SystemClock clock;
    bool inlineMode = arguments.has("inline") || webhook.mode == mapping::ExecutionMode::Inline;
    DeliveryWorkers workers(context.config(), context.database(), clock, "execute");
    NewDelivery delivery = prepared.delivery(*contact, "execute by " + actorOf(arguments));
    if (inlineMode) {
        delivery.claimedBy = workers.inlineOwner();
        delivery.leaseMs = workers.leaseMs();
    }
    DeliveryRecord queued = DeliveryStore(context.database()).enqueue(delivery, clock.nowMs());
    if (!inlineMode) {
        context.err() << "delivery " << queued.id << " queued (webhook " << webhook.id
                      << ", contact " << contactId
                      << "); `serve` or `work --until-idle` sends it\n";
        context.out() << queued.id << "\n";
        return 0;
    }
    auto outcome = workers.deliverClaimed(queued.id);
    if (!outcome)
        throw StoreError("delivery " + std::to_string(queued.id) +
                         " lost its lease before it "
                         "was sent; it will be sent in the background");
    printAttempt(context.out(), *outcome);
    return outcome->result.status == "delivered" ? 0 : 1;
}

int work(const Arguments& arguments, CommandContext& context) {
    SystemClock clock;
    if (arguments.has("until-idle")) {
        DeliveryWorkers workers(context.config(), context.database(), clock, "work");
        workers.setIdleWork(requeueingExpiredPages(context.database()));
        DrainSummary summary = workers.drain();
        DeliveryStore(context.database())
            .purgeFinishedBefore(clock.nowMs() - context.config().retention.count());
        CopySummary copies =
            DocumentCopier(context.config(), context.database(), clock, "work").drainUntilIdle();
        context.out() << "delivered " << summary.delivered << ", failed " << summary.failed
                      << ", dead " << summary.dead << ", to retry later " << summary.retrying
                      << "; " << summary.pending << " delivery(ies) still pending\n";
        if (copies.done + copies.failed + copies.dead + copies.retrying + copies.pending > 0)
            context.out() << "documents copied " << copies.done << ", failed " << copies.failed
                          << ", dead " << copies.dead << ", to retry later " << copies.retrying
                          << "; " << copies.pending << " copy(ies) still pending\n";
        return summary.failed + summary.dead + summary.retrying + copies.failed + copies.dead +
                           copies.retrying ==
                       0
                   ? 0
                   : 1;
    }
    TerminationSignals signals;
    DeliveryWorkers workers(context.config(), context.database(), clock, "work");
    workers.setIdleWork(requeueingExpiredPages(context.database()));
    DocumentCopier copier(context.config(), context.database(), clock, "work");
    workers.start(context.config().deliveryWorkers);
    copier.start(2);
    logInfo("dppbridge work: " + std::to_string(context.config().deliveryWorkers) +
            " delivery worker(s) running (store " + context.config().storeUri + ")");
    logInfo(std::string("received ") + signals.wait() + ", stopping");
    workers.stop();
    copier.stop();
    logInfo("stopped");
    return 0;
}

DeliveryFilter filterFrom(const Arguments& arguments) {
    DeliveryFilter filter;
    filter.status = arguments.value("status").value_or("");
    if (!filter.status.empty() && !isDeliveryStatus(filter.status))
        throw UsageError("--status must be queued, sending, delivered, failed, dead or "
                         "cancelled, not '" +
                         filter.status + "'");
    filter.batchId = arguments.integer("batch");
    filter.webhookId = arguments.integer("webhook");
    filter.contactId = arguments.integer("contact");
    std::int64_t now = SystemClock().nowMs();
    if (auto since = arguments.value("since"))
        filter.sinceMs = parseTime(*since, now);
    if (auto until = arguments.value("until"))
        filter.untilMs = parseTime(*until, now);
    if (auto limit = arguments.integer("limit"))
        filter.limit = static_cast<std::size_t>(*limit);
    return filter;
}

std::map<std::string, std::int64_t> pausedDestinations(DeliveryStore& store, std::int64_t now) {
    std::map<std::string, std::int64_t> paused;
    for (const auto& destination : store.destinations())
        if (destination.pausedUntilMs && *destination.pausedUntilMs > now)
            paused[destination.destination] = *destination.pausedUntilMs;
    return paused;
}

int deliveriesList(const Arguments& arguments, CommandContext& context) {
    DeliveryStore store(context.database());
    auto deliveries = store.list(filterFrom(arguments));
    auto paused = pausedDestinations(store, SystemClock().nowMs());
    auto pausedUntil = [&](const DeliveryRecord& delivery) -> std::optional<std::int64_t> {
        auto it = paused.find(delivery.destination);
        if (it == paused.end() || delivery.status != "queued")
            return std::nullopt;
        return it->second;
    };
    if (arguments.has("json")) {
        context.out() << "[";
        for (std::size_t i = 0; i < deliveries.size(); ++i)
            context.out() << (i ? ",\n  " : "\n  ")
                          << deliveryJson(deliveries[i], nullptr, nullptr,
                                          pausedUntil(deliveries[i]));
        context.out() << (deliveries.empty() ? "]\n" : "\n]\n");
        return 0;
    }
    for (const auto& [destination, until] : paused)
        context.out() << "destination " << destination << " is paused until " << formatTime(until)
                      << " (failing continuously)\n";
    for (const auto& delivery : deliveries) {
        context.out() << delivery.id << "  " << delivery.status << "  webhook "
                      << delivery.webhookId << "  contact " << delivery.contactId << "  "
                      << delivery.attempts << " attempt(s)  " << delivery.updatedAt;
        if (delivery.status == "queued" && delivery.nextAttemptMs)
            context.out() << "  next " << formatTime(*delivery.nextAttemptMs);
        if (auto until = pausedUntil(delivery))
            context.out() << "  (destination paused)";
        if (!delivery.lastError.empty() && delivery.status != "delivered")
            context.out() << "  " << delivery.lastError;
        context.out() << "\n";
    }
    return 0;
}

int deliveriesShow(const Arguments& arguments, CommandContext& context) {
    DeliveryStore store(context.database());
    std::int64_t id = parseId(arguments.requirePositional(0, "ID"), "delivery ID");
    auto delivery = store.find(id);
    if (!delivery)
        throw NotFound("delivery " + std::to_string(id) + " does not exist");
    auto attempts = store.attempts(id);
    auto events = store.events(id);
    if (arguments.has("json")) {
        context.out() << deliveryJson(*delivery, &attempts, &events, std::nullopt) << "\n";
        return 0;
    }
    context.out() << "delivery " << delivery->id << "  " << delivery->status << "\n"
                  << "  webhook " << delivery->webhookId << ", contact " << delivery->contactId
                  << ", Idempotency-Key " << delivery->idempotencyKey << "\n"
                  << "  origin: " << delivery->origin
                  << (delivery->replayOf ? ", replay of " + std::to_string(*delivery->replayOf)
                                         : std::string())
                  << "\n  request: " << delivery->method << " " << delivery->url << "\n";
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
    for (const auto& event : events)
        context.out() << "  " << event.at << " " << event.action << " by " << event.actor
                      << (event.detail.empty() ? "" : ": " + event.detail) << "\n";
    if (delivery->status == "queued" && delivery->nextAttemptMs)
        context.out() << "  next attempt at " << formatTime(*delivery->nextAttemptMs) << "\n";
    return 0;
}

int deliveriesDestinations(const Arguments& arguments, CommandContext& context) {
    auto destinations = DeliveryStore(context.database()).destinations();
    std::int64_t now = SystemClock().nowMs();
    bool json = arguments.has("json");
    if (json)
        context.out() << "[";
    for (std::size_t i = 0; i < destinations.size(); ++i) {
        const auto& destination = destinations[i];
        bool paused = destination.pausedUntilMs && *destination.pausedUntilMs > now;
        if (json) {
            context.out() << (i ? ", " : "") << destinationJson(destination, now);
            continue;
        }
        context.out() << destination.destination << "  "
                      << (paused ? "paused until " + formatTime(*destination.pausedUntilMs)
                                 : std::string("failing"))
                      << "  " << destination.consecutiveFailures << " failure(s) since "
                      << (destination.failingSinceMs ? formatTime(*destination.failingSinceMs)
                                                     : "?")
                      << "  " << destination.lastError << "\n";
    }
    if (json)
        context.out() << "]\n";
    else if (destinations.empty())
        context.out() << "every destination is healthy\n";
    return 0;
}

bool confirmed(const Arguments& arguments, CommandContext& context, std::size_t count) {
    if (arguments.has("yes"))
        return true;
    if (!::isatty(STDIN_FILENO))
        throw UsageError("replaying " + std::to_string(count) +
                         " deliveries needs --yes when not run from a terminal");
    context.err() << "replay " << count << " deliveries? [y/N] " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    return answer == "y" || answer == "Y" || answer == "yes";
}

int replay(const Arguments& arguments, CommandContext& context) {
    DeliveryStore store(context.database());
    SystemClock clock;
    std::string actor = actorOf(arguments);
    std::vector<std::int64_t> ids;
    for (const auto& word : arguments.positional())
        ids.push_back(parseId(word, "delivery ID"));
    if (auto status = arguments.value("status")) {
        if (!ids.empty())
            throw UsageError("give delivery ids or --status, not both");
        if (*status != "failed" && *status != "dead")
            throw UsageError("--status must be failed or dead, not '" + *status + "'");
        DeliveryFilter filter = filterFrom(arguments);
        filter.limit = 1'000'000;
        for (const auto& delivery : store.list(filter))
            ids.push_back(delivery.id);
        context.err() << ids.size() << " " << *status << " deliveries match\n";
        if (ids.empty())
            return 0;
        if (!confirmed(arguments, context, ids.size())) {
            context.err() << "nothing replayed\n";
            return 0;
        }
    } else if (ids.empty()) {
        throw UsageError("name the deliveries to replay, or use --status failed|dead");
    }
    bool rerender = arguments.has("rerender");
    for (std::int64_t id : ids) {
        if (!rerender) {
            store.requeue(id, clock.nowMs(), actor, "");
            context.out() << "delivery " << id << " queued again\n";
            continue;
        }
        auto old = store.find(id);
        if (!old)
            throw NotFound("delivery " + std::to_string(id) + " does not exist");
        auto webhook = WebhookStore(context.database()).require(old->webhookId);
        auto contact = ContactStore(context.database()).contact(old->contactId);
        if (!contact)
            throw NotFound("contact " + std::to_string(old->contactId) + " of delivery " +
                           std::to_string(id) + " no longer exists");
        NewDelivery fresh =
            PreparedWebhook(context.database(), webhook).delivery(*contact, "replay by " + actor);
        fresh.replayOf = id;
        DeliveryRecord created = store.enqueue(fresh, clock.nowMs());
        context.out() << "delivery " << id << " rendered again as delivery " << created.id << "\n";
    }
    return 0;
}

} // namespace

void addDeliveryCommands(std::vector<Command>& commands) {
    commands.push_back({"execute",
                        "execute --webhook ID --contact ID [--inline] [--by NAME]",
                        "queue one contact for a webhook, or with --inline send it now "
                        "(exit 1 if that attempt fails; it is then retried in the background)",
                        {{"webhook"}, {"contact"}, {"inline", false}, {"by"}},
                        execute});
    commands.push_back({"work",
                        "work [--until-idle]",
                        "send queued deliveries; --until-idle: what is due now, then exit "
                        "(exit 1 if some failed)",
                        {{"until-idle", false}},
                        work});
    const std::vector<FlagSpec> filters{{"status"}, {"webhook"}, {"contact"},     {"since"},
                                        {"until"},  {"limit"},   {"json", false}, {"batch"}};
    commands.push_back(
        {"deliveries list",
         "deliveries list [--status S] [--webhook ID] [--contact ID] [--batch ID] [--since T] "
         "[--until T] [--limit N] [--json]",
         "deliveries, newest first; paused destinations are shown", filters, deliveriesList});
    commands.push_back({"deliveries show",
                        "deliveries show ID [--json]",
                        "the request as sent (secrets masked), every attempt, the replays",
                        {{"json", false}},
                        deliveriesShow});
    commands.push_back({"deliveries destinations",
                        "deliveries destinations [--json]",
                        "destinations failing now, and which are paused",
                        {{"json", false}},
                        deliveriesDestinations});
    std::vector<FlagSpec> replayFlags = filters;
    replayFlags.insert(replayFlags.end(), {{"rerender", false}, {"yes", false}, {"by"}});
    commands.push_back({"replay",
                        "replay ID... [--rerender] | replay --status failed|dead [--since T] "
                        "[--webhook ID] [--yes]",
                        "send recorded requests again (--rerender: from current data, as new "
                        "deliveries)",
                        replayFlags, replay});
}

} // namespace dpp::bridge
