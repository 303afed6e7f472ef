#include "bridge/store/TriggerStore.h"

#include "bridge/InputError.h"
#include "bridge/store/CachedStatement.h"
#include "bridge/store/RowValues.h"
#include "bridge/store/WebhookStore.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>

using namespace Poco::Data::Keywords;

namespace dpp::bridge {

namespace {

// Run for each event a received post raises: a compiled statement.
std::vector<Trigger> selectTriggers(Poco::Data::Session& session, const std::string& event) {
    CachedStatement select(session,
                           "SELECT id, event, webhook_id, account_id, when_field, when_value, "
                           "created_by, created_at FROM triggers WHERE (? = '' OR event = ?) "
                           "ORDER BY id");
    select.bind(1, event).bind(2, event);
    std::vector<Trigger> triggers;
    while (select.step()) {
        Trigger trigger;
        trigger.id = select.integer(0);
        trigger.event = select.text(1);
        trigger.webhookId = select.integer(2);
        trigger.accountId = select.optionalInteger(3);
        std::string field = select.text(4);
        if (!field.empty()) {
            try {
                trigger.when = mapping::FieldCondition::parse(field + "=" + select.text(5), "when");
            } catch (const mapping::ConditionError& error) {
                throw InputError(error.what());
            }
        }
        trigger.createdBy = select.text(6);
        trigger.createdAt = select.text(7);
        triggers.push_back(std::move(trigger));
    }
    return triggers;
}

} // namespace

Trigger TriggerStore::add(const std::string& event, std::int64_t webhookId,
                          std::optional<std::int64_t> accountId,
                          std::optional<mapping::FieldCondition> when,
                          const std::string& createdBy) {
    auto webhook = WebhookStore(database_).require(webhookId);
    Trigger trigger;
    trigger.event = event;
    trigger.webhookId = webhookId;
    trigger.accountId = accountId ? accountId : webhook.account;
    trigger.when = std::move(when);
    trigger.createdBy = createdBy;
    trigger.createdAt = nowText();
    database_.write([&](Poco::Data::Session& session) {
        Poco::Nullable<std::int64_t> account;
        if (trigger.accountId)
            account = *trigger.accountId;
        std::string field = trigger.when ? trigger.when->fieldName() : "";
        std::string value = trigger.when ? trigger.when->value : "";
        session << "INSERT INTO triggers (event, webhook_id, account_id, when_field, when_value, "
                   "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            useRef(trigger.event), use(trigger.webhookId), use(account), use(field), use(value),
            useRef(trigger.createdBy), useRef(trigger.createdAt), into(trigger.id), now;
    });
    return trigger;
}

std::vector<Trigger> TriggerStore::all() {
    std::vector<Trigger> result;
    database_.read([&](Poco::Data::Session& session) { result = selectTriggers(session, ""); });
    return result;
}

std::vector<Trigger> TriggerStore::listening(Poco::Data::Session& session,
                                             const std::string& event) {
    return selectTriggers(session, event);
}

void TriggerStore::remove(std::int64_t id) {
    database_.write([&](Poco::Data::Session& session) {
        int count = 0;
        session << "SELECT COUNT(*) FROM triggers WHERE id = ?", use(id), into(count), now;
        if (!count)
            throw NotFound("trigger " + std::to_string(id) + " does not exist");
        session << "DELETE FROM triggers WHERE id = ?", use(id), now;
    });
}

std::vector<TriggerFiring> TriggerStore::firings(std::optional<std::int64_t> triggerId,
                                                 std::optional<std::int64_t> contactId,
                                                 std::size_t limit) {
    std::vector<TriggerFiring> result;
    database_.read([&](Poco::Data::Session& session) {
        Poco::Data::Statement select(session);
        std::int64_t trigger = triggerId.value_or(0);
        std::int64_t contact = contactId.value_or(0);
        std::size_t count = limit;
        select << "SELECT f.id, f.trigger_id, f.event_id, e.name, e.contact_id, e.subject, "
                  "e.raised_by, f.delivery_id, f.outcome, f.fired_at FROM trigger_firings f "
                  "JOIN events e ON e.id = f.event_id WHERE (? = 0 OR f.trigger_id = ?) "
                  "AND (? = 0 OR e.contact_id = ?) ORDER BY f.id DESC LIMIT ?",
            use(trigger), use(trigger), use(contact), use(contact), use(count);
        select.execute();
        Poco::Data::RecordSet rows(select);
        for (std::size_t i = 0; i < rows.rowCount(); ++i) {
            TriggerFiring firing;
            firing.id = rows.value(0, i).convert<std::int64_t>();
            firing.triggerId = rows.value(1, i).convert<std::int64_t>();
            firing.eventId = rows.value(2, i).convert<std::int64_t>();
            firing.event = rows.value(3, i).convert<std::string>();
            firing.contactId = rows.value(4, i).convert<std::int64_t>();
            firing.subject = rows.value(5, i).convert<std::string>();
            firing.raisedBy = rows.value(6, i).convert<std::string>();
            firing.deliveryId = optionalInteger(rows.value(7, i));
            firing.outcome = rows.value(8, i).convert<std::string>();
            firing.firedAt = rows.value(9, i).convert<std::string>();
            result.push_back(std::move(firing));
        }
    });
    return result;
}

} // namespace dpp::bridge
