#pragma once
// Changes to contacts made from outside the import and the data sources (`contact update`,
// `contact plan`, `contact attach`, `payment add`, `payment set`, `event emit`), each in one
// transaction with the events it raises and the deliveries their triggers queue. Thread-safe
// through Database. Throws InputError / NotFound for what the user named wrong; nothing is changed
// then.
#include "bridge/activation/EventRaiser.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/PaymentStore.h"
#include "specialparams/EnrollmentPlan.h"
#include "specialparams/SpecialTags.h"

#include <filesystem>

namespace dpp::bridge {

struct Activity {
    std::vector<std::pair<std::string, EventOutcome>> events; // event name, outcome
    std::size_t deliveriesQueued = 0;
};

ContactUpdate updateContact(Database& database, std::int64_t contactId,
                            const ContactChanges& changes, const std::string& actor,
                            Activity& activity);
Payment addPayment(Database& database, Payment payment, const std::string& actor,
                   Activity& activity);
// Returns the status the payment had.
std::string setPaymentStatus(Database& database, std::int64_t paymentId, const std::string& status,
                             const std::string& actor, Activity& activity);
// Replaces the contact's enrollment plan (contact.updated when it differs). Returns whether
// it changed.
bool setContactPlan(Database& database, std::int64_t contactId,
                    const specialparams::EnrollmentPlan& plan, const std::string& actor,
                    Activity& activity);
// Attaches a copy of file to the contact (document.uploaded); document.name and
// contentType default to the file's name and application/octet-stream. Returns the new
// document's id. Throws InputError when the file cannot be read.
std::int64_t attachDocument(Database& database, std::int64_t contactId,
                            specialparams::UploadedDocument document,
                            const std::filesystem::path& file, const std::string& actor,
                            Activity& activity);
EventOutcome emitEvent(Database& database, const std::string& name, std::int64_t contactId,
                       const std::string& externalKey, const std::string& actor);

} // namespace dpp::bridge
