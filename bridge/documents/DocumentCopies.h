#pragma once
// The receiving side's queue of document copies: one row per document named in a received
// __copydocs, fetched from the source account's document endpoint on its own. A copy is
//   queued   waiting for its next attempt (next_attempt_ms)
//   fetching claimed by a worker under a lease; an expired lease is claimed again
//   done     the document is attached to the contact (document_id)
//   failed   not retryable (unknown peer, refused destination, a 4xx other than 401/403/404)
//   dead     the retry schedule is used up
// The document row, the file's move under the store's folder and 'done' happen in one
// transaction (complete()), so a document is never attached twice nor half-attached; a copy
// whose bytes (by SHA-256) the contact already holds points at that document instead.
// queueCopies() works inside the caller's transaction; every other member is one
// transaction of its own. Thread-safe through Database. Throws StoreError / POCO Data
// exceptions when the database fails, StoreError when the file cannot be moved.
#include "bridge/store/Database.h"
#include "specialparams/CopyDocs.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace dpp::bridge {

struct DocumentCopyRecord {
    std::int64_t id = 0;
    std::int64_t contactId = 0; // the new contact the document is attached to
    std::int64_t sourceAccount = 0;
    std::int64_t sourceContact = 0;
    std::int64_t sourceDocument = 0;
    std::string status; // queued | fetching | done | failed | dead
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

class DocumentCopies {
public:
    explicit DocumentCopies(Database& database) : database_(database) {}

    // Queues one copy per document of the request for newContactId, due at nowMs, inside the
    // caller's transaction (the one that stores the contact). A document already queued for
    // that contact is not queued twice. Returns how many rows were queued.
    static std::size_t queueCopies(Poco::Data::Session& session, std::int64_t newContactId,
                                   const specialparams::CopyDocsRequest& request,
                                   std::int64_t nowMs);

    // Claims up to limit due copies (queued and due, or fetching with an expired lease) for
    // owner until nowMs + leaseMs.
    std::vector<ClaimedCopy> claim(const std::string& owner, std::size_t limit, std::int64_t nowMs,
                                   std::int64_t leaseMs);

    // Attaches the fetched document if owner still holds the lease: inserts the document row
    // (the store assigns the id), moves stagedFile to documentPath(contact, id), marks the
    // copy done; all or nothing. Returns the new document id, or nothing when the lease was
    // lost (the staged file is then left to the caller).
    std::optional<std::int64_t> complete(const ClaimedCopy& copy, const std::string& owner,
                                         specialparams::UploadedDocument document,
                                         const std::filesystem::path& stagedFile,
                                         std::int64_t nowMs);

    // Records a failed attempt if owner still holds the lease: status is queued (with
    // nextAttemptMs), failed or dead. Returns false when the lease was lost.
    bool recordFailure(std::int64_t id, const std::string& owner, const std::string& status,
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
