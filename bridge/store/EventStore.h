#pragma once
// Events and trigger firings: an event is recorded when some trigger listens to it or when an
// outside system raised it (event emit, with its external key); a firing is what one trigger
// did about one event: the delivery it queued, or why it queued none. The only writer of
// events and trigger_firings (the trigger log reads them: TriggerStore::firings).
// Static operations inside the caller's transaction, so that a change, its events, their
// firings and deliveries commit together; not synchronised: the session's owner calls them.
#include "bridge/store/Database.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dpp::bridge {

struct FiringOutcome {
    std::int64_t triggerId = 0;
    std::optional<std::int64_t> deliveryId;
    std::string outcome; // queued | skipped: ... | stopped: ... | failed: ...
};

struct NewEvent {
    std::string name;
    std::int64_t accountId = 0;
    std::int64_t contactId = 0;
    std::string subject;     // "payment 9", "document 12", "data source 3"
    std::string raisedBy;    // "import", "cli:alice", "data source 3"
    std::string externalKey; // empty: none (only event emit gives one)
    std::string raisedAt;    // store time text
};

// An event raised before under an external key, with its firings in the order they fired.
struct KeyedEvent {
    std::int64_t id = 0;
    std::vector<FiringOutcome> firings;
};

class EventStore {
public:
    // The event with this name and external key, if one was raised before.
    static std::optional<KeyedEvent> findByKey(Poco::Data::Session& session,
                                               const std::string& name,
                                               const std::string& externalKey);
    // Records the event; returns its id.
    static std::int64_t record(Poco::Data::Session& session, const NewEvent& event);
    // Records what a trigger did about the event eventId.
    static void recordFiring(Poco::Data::Session& session, std::int64_t eventId,
                             const FiringOutcome& firing, const std::string& firedAt);
};

} // namespace dpp::bridge
