#pragma once
// Batches in the store: mass posts and nightly runs, what they select (kept as their maker
// described it), how far they have queued (the last contact id queued), their state, the ids
// a batch was given (batch_selection), and the pages leased to a mass post's own workers
// (batch_pages: a page's contacts, owner and lease). Operations taking a session run inside
// the caller's transaction, so that a page's deliveries and the batch's new position commit
// together; the others are one transaction each. Deliveries are written by DeliveryStore
// alone; this store only counts them. Thread-safe through Database.
#include "bridge/store/Database.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dpp::bridge {

enum class BatchKind {
    MassPost, // masspost: the contacts a user selected
    Nightly,  // nightly: a nightly job's changes
};
std::string_view batchKindName(BatchKind kind); // as stored and shown: "masspost", "nightly"
std::optional<BatchKind> batchKindByName(std::string_view name);

enum class BatchStatus {
    Queueing,   // pages are still being queued
    Delivering, // fully queued; deliveries pending
    Finished,   // nothing pending any more
    Cancelled,  // stopped: its queued deliveries were cancelled (resume takes it up again)
};
// As stored and shown: "queueing", "delivering", "finished", "cancelled".
std::string_view batchStatusName(BatchStatus status);
std::optional<BatchStatus> batchStatusByName(std::string_view name);

struct Batch {
    std::int64_t id = 0;
    BatchKind kind = BatchKind::MassPost;
    std::string job; // the nightly job's name
    std::int64_t webhookId = 0;
    std::int64_t accountId = 0;
    std::string selection; // what it selects, as its maker wrote it (ContactSelection JSON)
    BatchStatus status = BatchStatus::Queueing;
    std::int64_t position = 0; // contacts with ids up to this one are queued
    std::int64_t selected = 0; // contacts the selection held when the batch was made
    std::string createdBy;
    std::string createdAt;
    std::string updatedAt;
    std::string finishedAt;
};

struct BatchProgress {
    std::int64_t selected = 0;
    std::int64_t queuedSoFar = 0; // deliveries the batch has made
    std::int64_t delivered = 0;
    std::int64_t failed = 0;
    std::int64_t dead = 0;
    std::int64_t cancelled = 0;
    std::int64_t pending = 0;          // queued or sending
    std::int64_t alreadyDelivered = 0; // nightly: the same change delivered by an earlier run
    std::int64_t done() const { return delivered + failed + dead + alreadyDelivered; }
};

// Ids a batch was given that are no contacts of its account: how many, and the first few.
struct SelectedElsewhere {
    std::int64_t count = 0;
    std::vector<std::int64_t> first;
};

// A page leased to a mass post's workers: its contacts are those of the batch's selection
// with ids from firstContactId to lastContactId.
struct LeasedPage {
    std::int64_t id = 0;
    std::int64_t batchId = 0;
    std::int64_t firstContactId = 0;
    std::int64_t lastContactId = 0;
    std::int64_t contacts = 0;
    std::string owner;
    std::int64_t leaseUntilMs = 0;
};

class BatchStore {
public:
    explicit BatchStore(Database& database) : database_(database) {}

    // Writes a new batch (its id is ignored) and returns its id; selected is set later.
    static std::int64_t insert(Poco::Data::Session& session, const Batch& batch);
    // Adds ids to the batch's selection (repeats are kept once).
    static void addSelectedIds(Poco::Data::Session& session, std::int64_t batchId,
                               std::vector<std::int64_t> contactIds);
    // The batch's selected ids that are not contacts of accountId, the first `show` of them.
    static SelectedElsewhere selectedElsewhere(Poco::Data::Session& session, std::int64_t batchId,
                                               std::int64_t accountId, std::size_t show);
    static void setSelected(Poco::Data::Session& session, std::int64_t batchId,
                            std::int64_t selected);

    static std::optional<Batch> find(Poco::Data::Session& session, std::int64_t id);
    std::optional<Batch> find(std::int64_t id);
    Batch require(std::int64_t id);             // throws NotFound
    std::vector<Batch> list(std::size_t limit); // newest first

    // A page queued: the batch's position moves to its last contact, and the contacts whose
    // change an earlier run had delivered are counted.
    static void advance(Poco::Data::Session& session, std::int64_t batchId, std::int64_t position,
                        std::int64_t alreadyDelivered, const std::string& at);
    // Status changes. Finished leaves a cancelled batch cancelled.
    static void markDelivering(Poco::Data::Session& session, std::int64_t id,
                               const std::string& at);
    static void markCancelled(Poco::Data::Session& session, std::int64_t id, const std::string& at);
    static void markQueueing(Poco::Data::Session& session, std::int64_t id, const std::string& at);
    void markFinished(std::int64_t id);

    // Leases a page (page.id is ignored); returns its id.
    static std::int64_t leasePage(Poco::Data::Session& session, const LeasedPage& page);
    // Batches with pages whose lease ran out before nowMs, and those pages of one batch.
    std::vector<std::int64_t> batchesWithExpiredPages(std::int64_t nowMs);
    static std::vector<LeasedPage> expiredPages(Poco::Data::Session& session, std::int64_t batchId,
                                                std::int64_t nowMs);
    static void deletePage(Poco::Data::Session& session, std::int64_t pageId);
    // Deletes a page once every delivery of it is written, if owner still holds it.
    void closePage(std::int64_t pageId, const std::string& owner);

    // The batch's deliveries by status, those of its leased pages not written yet counted as
    // pending.
    BatchProgress progress(const Batch& batch);
    // Deliveries of the batch still queued or sending, those of its leased pages included:
    // ranges of indexes, cheap to poll.
    std::int64_t pendingCount(std::int64_t batchId);

    // Deletes a batch that made no delivery and leased no page (a preview's selection of
    // ids); throws StoreError otherwise.
    void discard(std::int64_t id);

private:
    Database& database_;
};

} // namespace dpp::bridge
