#include "bridge/activation/EventRaiser.h"

#include "bridge/Clock.h"
#include "bridge/InputError.h"
#include "bridge/Log.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/EventStore.h"
#include "bridge/store/WebhookStore.h"

namespace dpp::bridge {

EventRaiser::EventRaiser(Poco::Data::Session& session, std::int64_t nowMs)
    : session_(session), nowMs_(nowMs) {}

EventRaiser::~EventRaiser() = default;

const std::vector<Trigger>& EventRaiser::triggersFor(const std::string& event) {
    auto found = triggers_.find(event);
    if (found == triggers_.end())
        found = triggers_.emplace(event, TriggerStore::listening(session_, event)).first;
    return found->second;
}

PreparedWebhook* EventRaiser::prepared(std::int64_t webhookId, std::string& problem) {
    if (auto known = webhooks_.find(webhookId); known != webhooks_.end())
        return known->second.get();
    if (auto failed = webhookProblems_.find(webhookId); failed != webhookProblems_.end()) {
        problem = failed->second;
        return nullptr;
    }
    try {
        auto definition = WebhookStore::load(session_, webhookId);
        if (!definition)
            throw NotFound("webhook " + std::to_string(webhookId) + " no longer exists");
        auto made = std::make_unique<PreparedWebhook>(session_, *definition);
        return webhooks_.emplace(webhookId, std::move(made)).first->second.get();
    } catch (const InputError& error) {
        problem = error.what();
        webhookProblems_[webhookId] = problem;
        return nullptr;
    }
}

EventOutcome EventRaiser::raise(const RaisedEvent& event, const mapping::Contact* contact,
                                bool record) {
    EventOutcome result;
    if (!event.externalKey.empty()) {
        if (auto earlier = EventStore::findByKey(session_, event.name, event.externalKey)) {
            result.eventId = earlier->id;
            result.repeated = true;
            result.firings = std::move(earlier->firings);
            return result;
        }
    }
    std::optional<mapping::Contact> loaded;
    if (!contact) {
        loaded = ContactStore::load(session_, event.contactId);
        if (!loaded)
            throw NotFound("contact " + std::to_string(event.contactId) + " does not exist");
        contact = &*loaded;
    }
    std::vector<const Trigger*> listening;
    for (const Trigger& trigger : triggersFor(event.name))
        if (!trigger.accountId || *trigger.accountId == contact->accountId)
            listening.push_back(&trigger);
    if (listening.empty() && !record)
        return result;

    std::string raisedAt = formatTime(nowMs_);
    result.eventId = EventStore::record(
        session_, NewEvent{event.name, contact->accountId, contact->id, event.subject,
                           event.raisedBy, event.externalKey, raisedAt});

    Hops hops = event.hops.empty() ? Hops::start(contact->accountId, contact->id) : event.hops;
    for (const Trigger* trigger : listening) {
        FiringOutcome firing;
        firing.triggerId = trigger->id;
        std::string problem;
        PreparedWebhook* webhook = nullptr;
        if (trigger->when && !trigger->when->matches(*contact)) {
            firing.outcome = "skipped: " + trigger->when->fieldName() + " is '" +
                             trigger->when->valueIn(*contact) + "', not '" + trigger->when->value +
                             "'";
        } else if (!(webhook = prepared(trigger->webhookId, problem))) {
            firing.outcome = "failed: " + problem;
            logWarning("trigger " + std::to_string(trigger->id) + " on " + event.name +
                       " for contact " + std::to_string(contact->id) + ": " + problem);
        } else if (auto loop = hops.loopReason(webhook->definition().destinationAccount)) {
            firing.outcome = "stopped: " + *loop;
            logWarning("trigger " + std::to_string(trigger->id) + " on " + event.name +
                       " for contact " + std::to_string(contact->id) + " not posted: " + *loop);
        } else {
            NewDelivery delivery =
                webhook->delivery(session_, *contact,
                                  "trigger " + std::to_string(trigger->id) + " on " + event.name +
                                      " (event " + std::to_string(result.eventId) + ")",
                                  nowMs_);
            delivery.idempotencyKey =
                "evt_" + std::to_string(result.eventId) + "_trg_" + std::to_string(trigger->id);
            delivery.hops = hops.text();
            firing.deliveryId = DeliveryStore::insert(session_, delivery, nowMs_).id;
            firing.outcome = "queued";
            ++queued_;
        }
        EventStore::recordFiring(session_, result.eventId, firing, raisedAt);
        result.firings.push_back(std::move(firing));
    }
    return result;
}

} // namespace dpp::bridge
