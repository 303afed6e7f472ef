#include "bridge/activation/ContactActivity.h"

#include "bridge/Clock.h"
#include "bridge/InputError.h"
#include "bridge/activation/EventNames.h"
#include "bridge/outbox/OutboxSignal.h"

namespace dpp::bridge {

namespace {

void raiseInto(EventRaiser& raiser, Activity& activity, RaisedEvent event,
               const mapping::Contact* contact = nullptr) {
    EventOutcome outcome = raiser.raise(event, contact);
    activity.events.emplace_back(event.name, std::move(outcome));
}

void finish(EventRaiser& raiser, Activity& activity) {
    activity.deliveriesQueued = raiser.deliveriesQueued();
}

void announce(const Activity& activity) {
    if (activity.deliveriesQueued)
        OutboxSignal::notify();
}

} // namespace

ContactUpdate updateContact(Database& database, std::int64_t contactId,
                            const ContactChanges& changes, const std::string& actor,
                            Activity& activity) {
    ContactUpdate update;
    database.write([&](Poco::Data::Session& session) {
        activity = Activity{};
        EventRaiser raiser(session, SystemClock().nowMs());
        update = ContactStore::update(session, contactId, changes);
        if (update.changed.empty())
            return;
        raiseInto(raiser, activity, {std::string(kContactUpdated), contactId, "", actor, "", {}},
                  &update.after);
        if (update.before.get(mapping::SystemField::Status) !=
            update.after.get(mapping::SystemField::Status))
            raiseInto(raiser, activity,
                      {std::string(kContactStatusChanged),
                       contactId,
                       "status " + update.before.get(mapping::SystemField::Status) + " -> " +
                           update.after.get(mapping::SystemField::Status),
                       actor,
                       "",
                       {}},
                      &update.after);
        finish(raiser, activity);
    });
    announce(activity);
    return update;
}

Payment addPayment(Database& database, Payment payment, const std::string& actor,
                   Activity& activity) {
    database.write([&](Poco::Data::Session& session) {
        activity = Activity{};
        EventRaiser raiser(session, SystemClock().nowMs());
        if (!ContactStore::contactExists(session, payment.contactId))
            throw NotFound("contact " + std::to_string(payment.contactId) + " does not exist");
        PaymentStore::insert(session, payment);
        ContactStore::touch(session, payment.contactId);
        std::string event = paymentEventFor(payment.status);
        if (!event.empty())
            raiseInto(
                raiser, activity,
                {event, payment.contactId, "payment " + std::to_string(payment.id), actor, "", {}});
        finish(raiser, activity);
    });
    announce(activity);
    return payment;
}

std::string setPaymentStatus(Database& database, std::int64_t paymentId, const std::string& status,
                             const std::string& actor, Activity& activity) {
    std::string before;
    database.write([&](Poco::Data::Session& session) {
        activity = Activity{};
        EventRaiser raiser(session, SystemClock().nowMs());
        before = PaymentStore::setStatus(session, paymentId, status);
        if (before == status)
            return;
        auto payment = PaymentStore::load(session, paymentId);
        ContactStore::touch(session, payment->contactId);
        std::string event = paymentEventFor(status);
        // Returned and NSF are one event: going from one to the other raises nothing new.
        if (!event.empty() && event != paymentEventFor(before))
            raiseInto(raiser, activity,
                      {event,
                       payment->contactId,
                       "payment " + std::to_string(paymentId) + " " + before + " -> " + status,
                       actor,
                       "",
                       {}});
        finish(raiser, activity);
    });
    announce(activity);
    return before;
}

EventOutcome emitEvent(Database& database, const std::string& name, std::int64_t contactId,
                       const std::string& externalKey, const std::string& actor) {
    checkEventName(name);
    EventOutcome outcome;
    std::size_t queued = 0;
    database.write([&](Poco::Data::Session& session) {
        EventRaiser raiser(session, SystemClock().nowMs());
        outcome = raiser.raise({name, contactId, "emitted", actor, externalKey, {}}, nullptr, true);
        queued = raiser.deliveriesQueued();
    });
    if (queued)
        OutboxSignal::notify();
    return outcome;
}

} // namespace dpp::bridge
