#pragma once
// Raises events inside the transaction of the change that caused them: records the event
// when some trigger listens to it, and for each such trigger either queues one delivery (its
// Idempotency-Key made of the event and the trigger, so nothing can queue it twice) or writes
// in the trigger log why not (condition not met, loop, webhook unusable). The change, the
// event and its deliveries commit together or not at all.
// One per transaction, used by the thread that owns the session; not synchronised.
#include "bridge/outbox/Hops.h"
#include "bridge/outbox/PreparedWebhook.h"
#include "bridge/store/EventStore.h"
#include "bridge/store/TriggerStore.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dpp::bridge {

struct RaisedEvent {
    std::string name;
    std::int64_t contactId = 0;
    std::string subject;     // what the event is about beyond the contact: "payment 9"
    std::string raisedBy;    // "import", "cli:alice", "data source 3"
    std::string externalKey; // event emit --key: a repeated key fires nothing again
    Hops hops;               // where the contact came from (data-source imports)
};

struct EventOutcome {
    std::int64_t eventId = 0; // 0 when no trigger listens and nothing was recorded
    bool repeated = false;    // an event with the same external key had been raised before
    std::vector<FiringOutcome> firings;
};

class EventRaiser {
public:
    EventRaiser(Poco::Data::Session& session, std::int64_t nowMs);
    ~EventRaiser();

    // contact: the contact as the change left it (read through the session when null).
    // record: write the event even when no trigger listens (event emit).
    EventOutcome raise(const RaisedEvent& event, const mapping::Contact* contact = nullptr,
                       bool record = false);

    std::size_t deliveriesQueued() const { return queued_; }

private:
    const std::vector<Trigger>& triggersFor(const std::string& event);
    PreparedWebhook* prepared(std::int64_t webhookId, std::string& problem);

    Poco::Data::Session& session_;
    std::int64_t nowMs_;
    std::map<std::string, std::vector<Trigger>> triggers_;
    std::map<std::int64_t, std::unique_ptr<PreparedWebhook>> webhooks_;
    std::map<std::int64_t, std::string> webhookProblems_;
    std::size_t queued_ = 0;
};

} // namespace dpp::bridge
