#include "bridge/activation/BatchRunner.h"

#include "bridge/Log.h"
#include "bridge/outbox/DeliveryWorkers.h"
#include "bridge/store/WebhookStore.h"

namespace dpp::bridge {

BatchRunner::BatchRunner(const Config& config, Database& database, const Clock& clock)
    : config_(config), database_(database), clock_(clock) {}

BatchRunResult BatchRunner::run(std::int64_t batchId, const BatchRunOptions& options,
                                const StopWait& stop, const Report& report) {
    BatchStore batches(database_);
    Batch batch = batches.require(batchId);
    PreparedWebhook webhook(database_, WebhookStore(database_).require(batch.webhookId));
    std::int64_t started = clock_.nowMs();
    BatchRunResult result;
    auto elapsed = [&] { return clock_.nowMs() - started; };
    auto pastLimit = [&] { return options.maxWait && elapsed() >= options.maxWait->count(); };

    DeliveryWorkers workers(config_, database_, clock_, "batch" + std::to_string(batchId));
    if (options.wait)
        workers.start(config_.deliveryWorkers);
    std::int64_t lastReport = clock_.nowMs();
    auto reportNow = [&](bool final) {
        batch = batches.require(batchId);
        result.progress = batches.progress(batch);
        report(batch, result.progress, elapsed(), final);
        lastReport = clock_.nowMs();
    };

    // Queue the pages; the workers start on the first one at once.
    while (batches.queueNextPage(batchId, webhook, options.pageSize, clock_.nowMs()) > 0) {
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
    // Then wait for the batch to be delivered (or dead, or cancelled elsewhere).
    while (options.wait && !result.interrupted && !result.timedOut) {
        batch = batches.require(batchId);
        result.progress = batches.progress(batch);
        if (batch.status == "cancelled" ||
            (batch.status != "queueing" && result.progress.pending == 0))
            break;
        report(batch, result.progress, elapsed(), false);
        if (stop(options.reportEvery))
            result.interrupted = true;
        else if (pastLimit())
            result.timedOut = true;
    }
    workers.stop();
    batch = batches.require(batchId);
    result.progress = batches.progress(batch);
    if (options.wait && !result.interrupted && !result.timedOut && batch.status == "delivering" &&
        result.progress.pending == 0) {
        batches.markFinished(batchId);
        batch = batches.require(batchId);
    }
    result.status = batch.status;
    result.elapsedMs = elapsed();
    report(batch, result.progress, result.elapsedMs, true);
    return result;
}

} // namespace dpp::bridge
