#pragma once
// Mass posts and nightly runs as batches in the store: what they select, how far they have
// queued (the last contact id queued), and their state: queueing, delivering, finished or
// cancelled. A page of contacts is queued in one transaction with the batch's position, and
// the outbox takes a contact once per batch, so a resumed batch never posts a contact twice.
// Thread-safe through Database. Throws InputError / NotFound for what the user named wrong.
#include "bridge/activation/ContactSelection.h"
#include "bridge/outbox/PreparedWebhook.h"

#include <functional>
#include <istream>
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
    ContactSelection selection;
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

class BatchStore {
public:
    explicit BatchStore(Database& database) : database_(database) {}

    // Creates a batch; with ids (one id per line or comma-separated), they are the selection,
    // and every one must be a contact of the account (InputError lists those that are not).
    Batch create(BatchKind kind, const std::string& job, std::int64_t webhookId,
                 ContactSelection selection, const std::string& createdBy,
                 std::istream* ids = nullptr);
    std::optional<Batch> find(std::int64_t id);
    Batch require(std::int64_t id);
    std::vector<Batch> list(std::size_t limit);
    BatchProgress progress(const Batch& batch);
    // Deliveries of the batch still queued or sending, those of its leased pages included:
    // ranges of indexes, cheap to poll.
    std::int64_t pendingCount(std::int64_t batchId);

    // How many contacts the selection holds now, and the one at a 1-based position.
    std::int64_t count(const ContactSelection& selection, std::int64_t batchId = 0);
    std::optional<mapping::Contact> contactAt(const ContactSelection& selection,
                                              std::int64_t position, std::int64_t batchId = 0);

    // A mass post's page leased to its own delivery workers, who get it in memory
    // (DeliveryWorkers::handOver) and write each delivery once, with its first attempt
    // (DeliveryStore::recordFirstAttempts), deleting the page's row with the last of them.
    // Until then the page is one row in batch_pages: its contacts, owner and lease. A page
    // whose lease runs out (its process died) is queued again from its contacts by
    // requeueExpiredPages, with the same Idempotency-Keys. A destination that is paused gets
    // its deliveries queued as usual, for the claims' probes.
    struct PageLease {
        std::string owner;
        std::int64_t leaseMs = 0;
        std::int64_t pageId = 0;         // the page's row; 0 when nothing was leased
        std::vector<NewDelivery> leased; // this page's deliveries, rendered and not written
    };

    // Queues the next page of up to pageSize contacts (one transaction). Returns how many it
    // queued; 0 when the batch is fully queued (it is then delivering) or no longer queueing
    // (cancelled elsewhere). With lease, a mass post's deliveries are leased to lease->owner
    // and listed in lease->leased instead (nightly runs are queued as usual).
    std::size_t queueNextPage(std::int64_t batchId, PreparedWebhook& webhook, std::size_t pageSize,
                              std::int64_t nowMs, PageLease* lease = nullptr);
    // Queues again the deliveries of every page whose lease ran out before nowMs that were
    // not written (cancelled ones when their batch is), and deletes those pages. Returns how
    // many it queued. Done by idle delivery workers (requeueingExpiredPages).
    std::size_t requeueExpiredPages(std::int64_t nowMs);

    // Stops a batch: its queued deliveries become cancelled (in-flight ones finish).
    void cancel(std::int64_t id, const std::string& actor);
    // Takes a cancelled or interrupted batch up again: cancelled deliveries are queued again.
    Batch resume(std::int64_t id, const std::string& actor);
    void markFinished(std::int64_t id);
    // A fully queued batch with nothing pending is finished, whoever reads it first notices
    // (a --no-wait mass post leaves that to the next `masspost status` or `list`); returns
    // the batch as it now is.
    Batch settle(const Batch& batch, const BatchProgress& progress);
    // Deletes a batch that queued nothing (a preview's selection of ids).
    void discard(std::int64_t id);

private:
    Database& database_;
};

// The idle work of delivery workers in a process that sends mass posts (serve, work,
// masspost, nightly run): queueing again, once their lease has run out, the pages a dead
// process had leased (DeliveryWorkers::setIdleWork). Logs what it queued.
std::function<void(std::int64_t nowMs)> requeueingExpiredPages(Database& database);

} // namespace dpp::bridge
