#pragma once
// Triggers (an event, a webhook, an optional account and condition) and the trigger log:
// each event a trigger heard, and the delivery it made or why it made none.
// The only writer of triggers; events and firings are written by EventStore. Thread-safe
// through Database. Throws InputError / NotFound for what the user named wrong.
#include "bridge/store/Database.h"
#include "mapping/FieldCondition.h"

#include <optional>
#include <string>
#include <vector>

namespace dpp::bridge {

struct Trigger {
    std::int64_t id = 0;
    std::string event;
    std::int64_t webhookId = 0;
    std::optional<std::int64_t> accountId; // none: contacts of every account
    std::optional<mapping::FieldCondition> when;
    std::string createdBy;
    std::string createdAt;
};

struct TriggerFiring {
    std::int64_t id = 0;
    std::int64_t triggerId = 0;
    std::int64_t eventId = 0;
    std::string event;
    std::int64_t contactId = 0;
    std::string subject; // "payment 9", "document 12", "data source 3"
    std::string raisedBy;
    std::optional<std::int64_t> deliveryId;
    std::string outcome; // queued | skipped: ... | stopped: ... | failed: ...
    std::string firedAt;
};

class TriggerStore {
public:
    explicit TriggerStore(Database& database) : database_(database) {}

    // The account defaults to the webhook's own. Checks that the webhook exists; the caller
    // checks the event name (checkEventName, bridge/activation/EventNames.h).
    Trigger add(const std::string& event, std::int64_t webhookId,
                std::optional<std::int64_t> accountId, std::optional<mapping::FieldCondition> when,
                const std::string& createdBy);
    std::vector<Trigger> all();
    void remove(std::int64_t id); // throws NotFound
    std::vector<TriggerFiring> firings(std::optional<std::int64_t> triggerId,
                                       std::optional<std::int64_t> contactId, std::size_t limit);

    // Every trigger listening to an event, inside the caller's transaction.
    static std::vector<Trigger> listening(Poco::Data::Session& session, const std::string& event);

private:
    Database& database_;
};

} // namespace dpp::bridge
