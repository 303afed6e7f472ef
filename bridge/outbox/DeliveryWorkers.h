#pragma once
// The workers that empty the outbox: each claims due deliveries under a lease longer than
// the HTTP timeouts, sends them over its own keep-alive connections (one per destination),
// and records each attempt with its outcome: delivered, failed (not retryable), queued again
// on the retry schedule, or dead. Idle workers sleep until the next due time, new work
// (wake()) or, for work queued by other processes, delivery.idle_poll.
// start()/stop()/wake() may be called from any thread; drain() and deliverNow() run in the
// caller's thread.
#include "bridge/Clock.h"
#include "bridge/Config.h"
#include "bridge/outbox/RetryPolicy.h"
#include "bridge/outbox/WorkerThreads.h"
#include "bridge/store/DeliveryStore.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace dpp::bridge {

// Deliveries a drain attempted, by the outcome of their last attempt in it.
struct DrainSummary {
    std::int64_t delivered = 0;
    std::int64_t failed = 0;   // not retryable
    std::int64_t dead = 0;     // retries used up
    std::int64_t retrying = 0; // failed and queued again for later
    std::int64_t pending = 0;  // still queued or sending when drain() returned
};

struct AttemptOutcome {
    std::int64_t deliveryId = 0; // 0 for a handed delivery until it is written
    std::size_t position = 0;    // in the list of deliveries attempted together
    AttemptResult result;
    bool recorded = false; // false when the lease had been lost to another worker
    int attemptNumber = 0;
};

class DeliveryWorkers {
public:
    DeliveryWorkers(const Config& config, Database& database, const Clock& clock, std::string name);
    ~DeliveryWorkers();
    DeliveryWorkers(const DeliveryWorkers&) = delete;
    DeliveryWorkers& operator=(const DeliveryWorkers&) = delete;

    void start(std::size_t threads);
    // Stops claiming, lets in-flight attempts finish (they are bounded by the HTTP timeouts)
    // and releases whatever a worker had claimed but not begun. Returns when all have ended.
    void stop();
    void wake();

    // Sends everything due now in this thread, repeatedly, until nothing is due.
    DrainSummary drain();
    // Claims and sends one queued delivery now. Nothing if it was not due or already taken.
    std::optional<AttemptOutcome> deliverNow(std::int64_t deliveryId);
    // execute --inline: the owner to write a delivery with (NewDelivery::claimedBy), and the
    // send of that delivery in this thread.
    std::string inlineOwner() const;
    std::int64_t leaseMs() const { return leaseMs_; }
    std::optional<AttemptOutcome> deliverClaimed(std::int64_t deliveryId);

    // A mass post's pages leased to leaseOwner() (rows of batch_pages): handed over in
    // memory, sent before anything is claimed from the store, delivery.batch at a time, each
    // written with its first attempt; the page's row is deleted once all of it is written.
    // One whose turn comes too late for its lease is written queued, as is what nobody began
    // when the workers stop.
    const std::string& leaseOwner() const { return leaseOwner_; }
    void handOver(std::vector<NewDelivery> deliveries, std::int64_t pageId,
                  std::chrono::steady_clock::time_point leasedAt);
    // True once fewer than limit handed deliveries wait; false after timeout.
    bool waitForRoom(std::size_t limit, std::chrono::milliseconds timeout);

    // Work for idle workers, done at most once per delivery.idle_poll and once before a
    // drain: the owner's way to queue what other processes left behind, such as the pages of
    // a mass post whose process died. Set before start() or drain(); what it throws is logged.
    using IdleWork = std::function<void(std::int64_t nowMs)>;
    void setIdleWork(IdleWork work) { idleWork_ = std::move(work); }

private:
    class Worker;
    // A leased page's row is deleted by whoever writes its last deliveries, unless writing
    // some failed: then it waits for its lease to run out and its unwritten ones are queued.
    struct HandedPage {
        std::int64_t id = 0;
        std::atomic<std::size_t> unwritten{0};
        std::atomic<bool> writeFailed{false};
    };
    struct HandedChunk {
        std::vector<NewDelivery> deliveries;
        std::shared_ptr<HandedPage> page;
        std::chrono::steady_clock::time_point leasedAt;
    };
    // What attemptAll did: an outcome per attempt, and the positions of those it did not
    // begin (stopping, or too late for the lease).
    struct Attempted {
        std::vector<AttemptOutcome> outcomes;
        std::vector<std::size_t> atShutdown;
        std::vector<std::size_t> tooLate;
    };
    void run(std::size_t index);
    void tally(DrainSummary& summary, const AttemptOutcome& outcome);
    std::optional<HandedChunk> takeHanded();
    // window: requests kept on the wire at once, each on its own connection. Each begun
    // delivery's wire URL and body are moved to the wire (the rest of it stays).
    Attempted attemptAll(Worker& worker, std::vector<ClaimedDelivery>& claimed,
                         std::chrono::steady_clock::time_point claimedAt, std::size_t window);
    // Gives claimed deliveries that attemptAll did not begin back to the store.
    void giveBack(Worker& worker, const std::vector<ClaimedDelivery>& claimed,
                  const Attempted& attempted, const std::string& owner);
    // A handed chunk sent, its outcomes waiting to be written by another worker, so that its
    // sender goes on sending meanwhile.
    struct SentChunk {
        HandedChunk chunk;
        std::vector<AttemptOutcome> outcomes;
    };
    void sendHanded(Worker& worker, HandedChunk chunk);
    std::optional<SentChunk> takeSent();
    // Writes a handed chunk: each delivery with its outcome, queued when it has none.
    void writeHanded(HandedChunk& chunk, std::vector<AttemptOutcome>& outcomes);
    // The idle work, if any, once per idle poll whichever worker is idle first.
    void doIdleWork();

    const Config& config_;
    Database& database_;
    const Clock& clock_;
    std::string name_;
    RetryPolicy retryPolicy_;
    PausePolicy pausePolicy_;
    std::int64_t leaseMs_;

    WorkerThreads threads_;
    int signalHandle_ = 0; // OutboxSignal: new work committed in this process

    std::string leaseOwner_;
    std::mutex handedMutex_; // guards the four below
    std::condition_variable handedTaken_;
    std::deque<HandedChunk> handed_;
    std::size_t handedCount_ = 0;
    std::deque<SentChunk> sent_; // guarded by handedMutex_ too
    IdleWork idleWork_;
    std::atomic<std::int64_t> idleWorkDoneMs_{0};
    // Handed pages go to a few workers at a time, each with a wide window, the requests in
    // flight staying at delivery.workers x delivery.in_flight: fewer threads woken per answer
    // (bench/NOTES.md, 2026-12-06, evening). The rest of the workers serve what is claimed.
    std::size_t handedWindow_ = 1;
    std::size_t handedSenders_ = 1;
    std::size_t handedChunk_ = 1;
    std::atomic<std::size_t> handedSending_{0};
};

} // namespace dpp::bridge
