#include "bridge/activation/ContactActivity.h"

#include "bridge/Clock.h"
#include "bridge/InputError.h"
#include "bridge/activation/EventNames.h"
#include "bridge/outbox/OutboxSignal.h"
#include "bridge/store/ContactExtrasStore.h"
#include "bridge/store/DataSourceStore.h"

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

bool setContactPlan(Database& database, std::int64_t contactId,
                    const specialparams::EnrollmentPlan& plan, const std::string& actor,
                    Activity& activity) {
    bool changed = false;
    database.write([&](Poco::Data::Session& session) {
        activity = Activity{};
        auto contact = ContactStore::load(session, contactId);
        if (!contact)
            throw NotFound("contact " + std::to_string(contactId) + " does not exist");
        if (ContactExtrasStore::planData(session, contactId) == specialparams::renderPlanData(plan))
            return;
        changed = true;
        ContactExtrasStore::savePlan(session, contactId, plan);
        contact->changeNumber = ContactStore::touch(session, contactId);
        EventRaiser raiser(session, SystemClock().nowMs());
        raiseInto(raiser, activity,
                  {std::string(kContactUpdated), contactId, "plan", actor, "", {}}, &*contact);
        finish(raiser, activity);
    });
    announce(activity);
    return changed;
}

std::int64_t attachDocument(Database& database, std::int64_t contactId,
                            specialparams::UploadedDocument document,
                            const std::filesystem::path& file, const std::string& actor,
                            Activity& activity) {
    if (!std::filesystem::is_regular_file(file))
        throw InputError("no file at " + file.string());
    if (document.name.empty())
        document.name = file.filename().string();
    if (document.contentType.empty())
        document.contentType = "application/octet-stream";
    ContactExtrasStore extras(database);
    std::filesystem::path staged = extras.stagingPath("attach-" + randomHexToken(8));
    std::filesystem::create_directories(staged.parent_path());
    std::filesystem::copy_file(file, staged);
    auto [size, sha] = fileSizeAndSha256(staged);
    document.size = size;
    document.sha256Hex = sha;
    std::optional<std::filesystem::path> moved;
    try {
        database.write([&](Poco::Data::Session& session) {
            activity = Activity{};
            if (!ContactStore::contactExists(session, contactId))
                throw NotFound("contact " + std::to_string(contactId) + " does not exist");
            document.id = 0;
            ContactExtrasStore::insertDocument(session, contactId, document, staged);
            std::filesystem::path final = extras.documentPath(contactId, document.id);
            std::filesystem::create_directories(final.parent_path());
            std::filesystem::rename(staged, final);
            moved = final;
            ContactExtrasStore::setDocumentFile(session, document.id, final);
            ContactStore::touch(session, contactId);
            EventRaiser raiser(session, SystemClock().nowMs());
            raiseInto(raiser, activity,
                      {std::string(kDocumentUploaded),
                       contactId,
                       "document " + std::to_string(document.id),
                       actor,
                       "",
                       {}});
            finish(raiser, activity);
        });
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove(moved ? *moved : staged, ignored);
        throw;
    }
    announce(activity);
    return document.id;
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
