#include "bridge/store/EventStore.h"

#include <Poco/Nullable.h>

using namespace Poco::Data::Keywords;

namespace dpp::bridge {

std::optional<KeyedEvent> EventStore::findByKey(Poco::Data::Session& session,
                                                const std::string& name,
                                                const std::string& externalKey) {
    std::vector<std::int64_t> ids;
    session << "SELECT id FROM events WHERE name = ? AND external_key = ?", bind(name),
        bind(externalKey), into(ids), now;
    if (ids.empty())
        return std::nullopt;
    KeyedEvent event;
    event.id = ids.front();
    std::vector<std::int64_t> triggerIds;
    std::vector<Poco::Nullable<std::int64_t>> deliveryIds;
    std::vector<std::string> outcomes;
    session << "SELECT trigger_id, delivery_id, outcome FROM trigger_firings "
               "WHERE event_id = ? ORDER BY id",
        use(event.id), into(triggerIds), into(deliveryIds), into(outcomes), now;
    for (std::size_t i = 0; i < triggerIds.size(); ++i) {
        FiringOutcome firing{triggerIds[i], std::nullopt, outcomes[i]};
        if (!deliveryIds[i].isNull())
            firing.deliveryId = deliveryIds[i].value();
        event.firings.push_back(std::move(firing));
    }
    return event;
}

std::int64_t EventStore::record(Poco::Data::Session& session, const NewEvent& event) {
    std::int64_t id = 0;
    Poco::Nullable<std::string> externalKey;
    if (!event.externalKey.empty())
        externalKey = event.externalKey;
    session << "INSERT INTO events (name, account_id, contact_id, subject, raised_by, "
               "external_key, raised_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        bind(event.name), bind(event.accountId), bind(event.contactId), bind(event.subject),
        bind(event.raisedBy), use(externalKey), bind(event.raisedAt), into(id), now;
    return id;
}

void EventStore::recordFiring(Poco::Data::Session& session, std::int64_t eventId,
                              const FiringOutcome& firing, const std::string& firedAt) {
    Poco::Nullable<std::int64_t> deliveryId;
    if (firing.deliveryId)
        deliveryId = *firing.deliveryId;
    session << "INSERT INTO trigger_firings (trigger_id, event_id, delivery_id, outcome, "
               "fired_at) VALUES (?, ?, ?, ?, ?)",
        bind(firing.triggerId), use(eventId), use(deliveryId), bind(firing.outcome), bind(firedAt),
        now;
}

} // namespace dpp::bridge
