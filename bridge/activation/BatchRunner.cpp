#include "bridge/activation/BatchRunner.h"

#include "bridge/Log.h"
#include "bridge/outbox/DeliveryWorkers.h"
#include "bridge/store/WebhookStore.h"

namespace dpp::bridge {

BatchRunner::BatchRunner(const Config& config, Database& database, const Clock& clock)
    : config_(config), database_(database), clock_(clock) {}

BatchRunResult BatchRunner::run(std::int64_t batchId, const BatchRunOptions& options,
                                const StopWait& stop, const Report& report) {
    MassPosts posts(database_);
    BatchStore batches(database_);
    Batch batch = batches.require(batchId);
    PreparedWebhook webhook(database_, WebhookStore(database_).require(batch.webhookId));
    std::int64_t started = clock_.nowMs();
    BatchRunResult result;
    auto elapsed = [&] { return clock_.nowMs() - started; };
    auto pastLimit = [&] { return options.maxWait && elapsed() >= options.maxWait->count(); };

    DeliveryWorkers workers(config_, database_, clock_, "batch" + std::to_string(batchId));
    workers.setIdleWork(requeueingExpiredPages(database_));
    if (options.wait)
        workers.start(config_.deliveryWorkers);
    std::int64_t lastReport = clock_.nowMs();
    auto reportNow = [&](bool final) {
        batch = batches.require(batchId);
        result.progress = batches.progress(batch);
        report(batch, result.progress, elapsed(), final);
        lastReport = clock_.nowMs();
    };

    // Queue the pages; the workers start on the first one at once. When they run here, each
    // page is written leased to them and handed over in memory (no claim), at most two pages
    // ahead of what they have taken, so that none waits out its lease in the queue.
    MassPosts::PageLease lease;
    lease.owner = workers.leaseOwner();
    lease.leaseMs = workers.leaseMs();
    MassPosts::PageLease* leasing = options.wait ? &lease : nullptr;
    auto roomForAPage = [&] {
        while (!workers.waitForRoom(2 * options.pageSize, std::chrono::milliseconds(100))) {
            if (stop(std::chrono::milliseconds(0)))
                result.interrupted = true;
            else if (pastLimit())
                result.timedOut = true;
            else
                continue;
            return false;
        }
        return true;
    };
    for (;;) {
        if (leasing && !roomForAPage())
            break;
        auto leasedAt = std::chrono::steady_clock::now();
        if (posts.queueNextPage(batchId, webhook, options.pageSize, clock_.nowMs(), leasing) == 0)
            break;
        // Handed over, the page wakes its senders; queued (a paused destination), the claims.
        if (leasing && !lease.leased.empty())
            workers.handOver(std::move(lease.leased), lease.pageId, leasedAt);
        else
            workers.wake();
        if (stop(std::chrono::milliseconds(0))) {
            result.interrupted = true;
            break;
        }
        if (pastLimit()) {
            result.timedOut = true;
            break;
        }
        if (clock_.nowMs() - lastReport >= options.reportEvery.count())
            reportNow(false);
    }
    // Then wait for the batch to be delivered (or dead, or cancelled elsewhere): what is
    // pending is counted every 20 ms (a range of an index), progress reported every
    // reportEvery, so that the command ends within moments of the last delivery.
    while (options.wait && !result.interrupted && !result.timedOut) {
        batch = batches.require(batchId);
        if (batch.status == BatchStatus::Cancelled ||
            (batch.status != BatchStatus::Queueing && batches.pendingCount(batchId) == 0))
            break;
        if (clock_.nowMs() - lastReport >= options.reportEvery.count())
            reportNow(false);
        if (stop(std::chrono::milliseconds(20)))
            result.interrupted = true;
        else if (pastLimit())
            result.timedOut = true;
    }
    workers.stop();
    batch = batches.require(batchId);
    result.progress = batches.progress(batch);
    if (options.wait && !result.interrupted && !result.timedOut &&
        batch.status == BatchStatus::Delivering && result.progress.pending == 0) {
        batches.markFinished(batchId);
        batch = batches.require(batchId);
    }
    result.status = batch.status;
    result.elapsedMs = elapsed();
    report(batch, result.progress, result.elapsedMs, true);
    return result;
}

} // namespace dpp::bridge
