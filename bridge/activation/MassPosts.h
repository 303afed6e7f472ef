#pragma once
// Mass posts and nightly runs (a nightly run is a mass post of what changed): making a batch
// of a selection, queueing its pages rendered through its webhook, queueing again what a dead
// process's leased pages left, cancelling and resuming. Each page is rendered and queued in
// one transaction with the batch's position, and the outbox takes a contact once per batch,
// so a resumed batch never posts a contact twice. The batches themselves are kept by
// store/BatchStore, their deliveries by store/DeliveryStore. Thread-safe through Database.
// Throws InputError / NotFound for what the user named wrong.
#include "bridge/activation/ContactSelection.h"
#include "bridge/outbox/PreparedWebhook.h"
#include "bridge/store/BatchStore.h"

#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace dpp::bridge {

class MassPosts {
public:
    explicit MassPosts(Database& database) : database_(database) {}

    // Makes a batch; with ids (separated by commas, spaces or line breaks), they are the
    // selection, and every one must be a contact of the account (InputError lists those that
    // are not).
    Batch create(BatchKind kind, const std::string& job, std::int64_t webhookId,
                 ContactSelection selection, const std::string& createdBy,
                 std::istream* ids = nullptr);

    // How many contacts the selection holds now, and the one at a 1-based position (previews).
    std::int64_t count(const ContactSelection& selection, std::int64_t batchId = 0);
    std::optional<mapping::Contact> contactAt(const ContactSelection& selection,
                                              std::int64_t position, std::int64_t batchId = 0);

    // A mass post's page leased to its own delivery workers, who get it in memory
    // (DeliveryWorkers::handOver) and write each delivery once, with its first attempt
    // (DeliveryStore::recordFirstAttempts), closing the page's row with the last of them
    // (BatchStore::closePage). Until then the page is one row in batch_pages: its contacts,
    // owner and lease. A page whose lease runs out (its process died) is queued again from
    // its contacts by requeueExpiredPages, with the same Idempotency-Keys. A destination that
    // is paused gets its deliveries queued as usual, for the claims' probes.
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
    // many it queued.
    std::size_t requeueExpiredPages(std::int64_t nowMs);

    // Stops a batch: its queued deliveries become cancelled (in-flight ones finish).
    void cancel(std::int64_t id, const std::string& actor);
    // Takes a cancelled or interrupted batch up again: cancelled deliveries are queued again.
    Batch resume(std::int64_t id, const std::string& actor);
    // A fully queued batch with nothing pending is finished, whoever reads it first notices
    // (a --no-wait mass post leaves that to the next `masspost status` or `list`); returns
    // the batch as it now is.
    Batch settle(const Batch& batch, const BatchProgress& progress);

private:
    Database& database_;
};

// The idle work of delivery workers in a process that sends mass posts (serve, work,
// masspost, nightly run): queueing again, once their lease has run out, the pages a dead
// process had leased (DeliveryWorkers::setIdleWork). Logs what it queued.
std::function<void(std::int64_t nowMs)> requeueingExpiredPages(Database& database);

} // namespace dpp::bridge
