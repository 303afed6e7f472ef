#pragma once
// The receiving side's queue of document copies: one row per document named in a received
// __copydocs, fetched from the source account's document endpoint on its own
// (documents/DocumentCopier). A copy is
//   queued   waiting for its next attempt (next_attempt_ms)
//   fetching claimed by a worker under a lease; an expired lease is claimed again
//   done     the document is attached to the contact (document_id)
//   failed   not retryable (unknown peer, refused destination, a 4xx other than 401/403/404)
//   dead     the retry schedule is used up
// Static members work inside the caller's transaction (queue() in the one that stores the
// contact; holdsLease() and markDone() in the one that attaches the document, so a document
// is never attached twice nor half-attached); the others are one transaction of their own.
// Thread-safe through Database. Throws StoreError / POCO Data exceptions when the database
// fails.
#include "bridge/store/Database.h"
#include "specialparams/CopyDocs.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dpp::bridge {

enum class DocumentCopyStatus { Queued, Fetching, Done, Failed, Dead };
// "queued", "fetching", "done", "failed", "dead": the stored text, also what `contact show`
// prints.
std::string_view documentCopyStatusName(DocumentCopyStatus status);
std::optional<DocumentCopyStatus> documentCopyStatusByName(std::string_view name);

struct DocumentCopyRecord {
    std::int64_t id = 0;
    std::int64_t contactId = 0; // the new contact the document is attached to
    std::int64_t sourceAccount = 0;
    std::int64_t sourceContact = 0;
    std::int64_t sourceDocument = 0;
    DocumentCopyStatus status = DocumentCopyStatus::Queued;
    int attempts = 0;
    std::optional<std::int64_t> nextAttemptMs; // queued: when it is due
    std::string lastError;
    std::optional<std::int64_t> documentId; // done: the local document
    std::string createdAt;
    std::string updatedAt;
};

// What a worker needs to fetch a claimed copy.
struct ClaimedCopy {
    std::int64_t id = 0;
    std::int64_t contactId = 0;
    std::int64_t sourceAccount = 0;
    std::int64_t sourceContact = 0;
    std::int64_t sourceDocument = 0;
    int attempts = 0; // made before this one
};

class DocumentCopyStore {
public:
    explicit DocumentCopyStore(Database& database) : database_(database) {}

    // Queues one copy per document of the request for newContactId, due at nowMs. A document
    // already queued for that contact is not queued twice. Returns how many rows were queued.
    static std::size_t queue(Poco::Data::Session& session, std::int64_t newContactId,
                             const specialparams::CopyDocsRequest& request, std::int64_t nowMs);

    // True while owner holds the lease on the copy (it is fetching, claimed by owner).
    static bool holdsLease(Poco::Data::Session& session, std::int64_t id, const std::string& owner);

    // The copy is done: it counts the attempt, points at documentId (the document attached
    // to the contact) and gives up its lease. The caller checked holdsLease() in the same
    // transaction.
    static void markDone(Poco::Data::Session& session, std::int64_t id, std::int64_t documentId,
                         std::int64_t nowMs);

    // Claims up to limit due copies (queued and due, or fetching with an expired lease) for
    // owner until nowMs + leaseMs.
    std::vector<ClaimedCopy> claim(const std::string& owner, std::size_t limit, std::int64_t nowMs,
                                   std::int64_t leaseMs);

    // Records a failed attempt if owner still holds the lease: status is Queued (due at
    // nextAttemptMs), Failed or Dead. Returns false when the lease was lost. Throws
    // std::invalid_argument for another status.
    bool recordFailure(std::int64_t id, const std::string& owner, DocumentCopyStatus status,
                       std::optional<std::int64_t> nextAttemptMs, const std::string& error,
                       std::int64_t nowMs);

    // Gives a claimed copy back unfetched (shutdown): queued, due now, no attempt counted.
    void release(std::int64_t id, const std::string& owner, std::int64_t nowMs);

    // Every copy for the contact, one per document, in the order they were queued.
    std::vector<DocumentCopyRecord> forContact(std::int64_t contactId);
    std::optional<DocumentCopyRecord> find(std::int64_t id);

    // The earliest time a copy may become due (a queued copy, an expiring lease); nothing when
    // no copy is pending.
    std::optional<std::int64_t> nextDueMs();
    std::int64_t pendingCount(); // queued or fetching

private:
    Database& database_;
};

} // namespace dpp::bridge
