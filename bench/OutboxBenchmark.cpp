// The outbox's bookkeeping of a mass post with the network left out: every contact of account
// 1001 queued page by page (as `masspost` does), then claimed 64 at a time and each attempt
// recorded as delivered (as the delivery workers do), in one thread. The store's single writer
// does this work whatever the number of workers, so its rate is the ceiling it puts on the
// send figure. bench/run prepares the store (contacts and webhook) and reads the OUTBOX line.
//   outbox_benchmark sqlite:STORE WEBHOOK_ID
#include "bridge/Clock.h"
#include "bridge/activation/BatchStore.h"
#include "bridge/outbox/PreparedWebhook.h"
#include "bridge/store/Database.h"
#include "bridge/store/DeliveryStore.h"
#include "bridge/store/WebhookStore.h"

#include <chrono>
#include <cstdio>
#include <exception>
#include <string>

using namespace dpp::bridge;

namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: outbox_benchmark sqlite:STORE WEBHOOK_ID\n");
        return 2;
    }
    try {
        Database database(argv[1]);
        SystemClock clock;
        std::int64_t webhookId = std::stoll(argv[2]);
        ContactSelection selection;
        selection.accountId = 1001;
        BatchStore batches(database);
        Batch batch = batches.create("masspost", "", webhookId, selection, "outbox_benchmark");
        PreparedWebhook webhook(database, WebhookStore(database).require(webhookId));

        auto started = std::chrono::steady_clock::now();
        std::int64_t queued = 0;
        while (std::size_t page = batches.queueNextPage(batch.id, webhook, 500, clock.nowMs()))
            queued += static_cast<std::int64_t>(page);
        double queueing = secondsSince(started);

        auto sendingStarted = std::chrono::steady_clock::now();
        DeliveryStore deliveries(database);
        const std::string owner = "outbox_benchmark/1";
        const PausePolicy pause{600000, 60000};
        std::int64_t recorded = 0;
        for (;;) {
            std::int64_t now = clock.nowMs();
            auto claimed = deliveries.claim(owner, 64, now, 120000);
            if (claimed.empty())
                break;
            std::vector<std::pair<std::int64_t, AttemptResult>> results;
            results.reserve(claimed.size());
            for (const ClaimedDelivery& delivery : claimed) {
                AttemptResult result;
                result.attempt.startedAt = formatTime(now);
                result.attempt.durationMs = 1;
                result.attempt.statusCode = 200;
                result.attempt.outcome = result.status = "delivered";
                result.attempt.responseExcerpt = "Success";
                results.emplace_back(delivery.id, std::move(result));
            }
            for (bool done : deliveries.finishAll(results, owner, clock.nowMs(), pause))
                recorded += done ? 1 : 0;
        }
        double sending = secondsSince(sendingStarted);
        double total = secondsSince(started);
        if (queued == 0 || recorded != queued) {
            std::fprintf(stderr, "outbox_benchmark: queued %lld, recorded %lld\n",
                         static_cast<long long>(queued), static_cast<long long>(recorded));
            return 1;
        }
        std::printf("OUTBOX deliveries=%lld queue_per_second=%.0f claim_record_per_second=%.0f "
                    "per_second=%.0f\n",
                    static_cast<long long>(queued), queued / queueing, recorded / sending,
                    queued / total);
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "outbox_benchmark: %s\n", error.what());
        return 1;
    }
}
