// The outbox's bookkeeping of a mass post with the network left out: every contact of account
// 1001 leased page by page to the post's workers (as `masspost` does), and each delivery
// written with its first attempt, delivered, 64 at a time (as its delivery workers do), then the
// page closed, in one thread. The
// store's single writer does this work whatever the number of workers, so its rate is the ceiling
// it puts on the send figure. bench/run prepares the store (contacts and webhook) and reads the
// OUTBOX line.
//   outbox_benchmark sqlite:STORE WEBHOOK_ID
#include "bridge/Clock.h"
#include "bridge/activation/MassPosts.h"
#include "bridge/outbox/PreparedWebhook.h"
#include "bridge/store/BatchStore.h"
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
        MassPosts posts(database);
        Batch batch =
            posts.create(BatchKind::MassPost, "", webhookId, selection, "outbox_benchmark");
        PreparedWebhook webhook(database, WebhookStore(database).require(webhookId));

        // As the mass post does: each page leased to the post's workers, who write every
        // delivery with its attempt 64 at a time, then close the page (no claim).
        DeliveryStore deliveries(database);
        const PausePolicy pause{600000, 60000};
        MassPosts::PageLease lease;
        lease.owner = "outbox_benchmark/pages";
        lease.leaseMs = 120000;
        std::int64_t queued = 0, recorded = 0;
        double queueing = 0, recording = 0;
        auto started = std::chrono::steady_clock::now();
        for (;;) {
            auto pageStarted = std::chrono::steady_clock::now();
            std::size_t page = posts.queueNextPage(batch.id, webhook, 500, clock.nowMs(), &lease);
            queueing += secondsSince(pageStarted);
            if (page == 0)
                break;
            queued += static_cast<std::int64_t>(page);
            auto recordStarted = std::chrono::steady_clock::now();
            for (std::size_t at = 0; at < lease.leased.size(); at += 64) {
                std::int64_t now = clock.nowMs();
                std::vector<FirstAttempt> attempts;
                for (std::size_t i = at; i < std::min(lease.leased.size(), at + 64); ++i) {
                    AttemptResult result;
                    result.attempt.startedAt = formatTime(now);
                    result.attempt.durationMs = 1;
                    result.attempt.statusCode = 200;
                    result.attempt.outcome = result.status = "delivered";
                    result.attempt.responseExcerpt = "Success";
                    attempts.push_back({&lease.leased[i], std::move(result)});
                }
                for (std::int64_t id : deliveries.recordFirstAttempts(attempts, now, pause))
                    recorded += id ? 1 : 0;
            }
            BatchStore(database).closePage(lease.pageId, lease.owner);
            recording += secondsSince(recordStarted);
        }
        double total = secondsSince(started);
        if (queued == 0 || recorded != queued) {
            std::fprintf(stderr, "outbox_benchmark: queued %lld, recorded %lld\n",
                         static_cast<long long>(queued), static_cast<long long>(recorded));
            return 1;
        }
        std::printf("OUTBOX deliveries=%lld queue_per_second=%.0f record_per_second=%.0f "
                    "per_second=%.0f\n",
                    static_cast<long long>(queued), queued / queueing, recorded / recording,
                    queued / total);
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "outbox_benchmark: %s\n", error.what());
        return 1;
    }
}
