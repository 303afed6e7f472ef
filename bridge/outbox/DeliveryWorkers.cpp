#include "bridge/outbox/DeliveryWorkers.h"

#include "bridge/outbox/OutboxSignal.h"

#include "bridge/Log.h"
#include "bridge/send/HttpSender.h"
#include "bridge/send/ResponseExcerpt.h"
#include "bridge/store/BatchStore.h"
#include "bridge/store/StoreSecrets.h"
#include "bridge/store/WebhookStore.h"
#include "mapping/Encoding.h"
#include "mapping/Sensitive.h"

#include <Poco/Base64Encoder.h>

#include <deque>
#include <random>
#include <sstream>
#include <unistd.h>
#include <unordered_map>

namespace dpp::bridge {

namespace {

// The widest window a worker sending handed pages keeps (measured: bench/NOTES.md, 2026-12-06,
// evening).
constexpr std::size_t kHandedWindow = 8;
// Sent chunks waiting for an idle worker to write them; beyond, their senders write them.
constexpr std::size_t kMostSentUnwritten = 4;

std::string base64(const std::string& text) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << text;
    encoder.close();
    return out.str();
}

// The webhook's secrets as a receiver may echo them (a debugging endpoint answering with the
// request it got): the password, the Authorization credentials, constant secret values, raw
// and percent-encoded. Shorter values are left alone: masking them would garble the text.
std::vector<std::string> echoableSecrets(const mapping::WebhookDefinition& webhook) {
    std::vector<std::string> secrets;
    auto add = [&secrets](const std::string& value) {
        if (value.size() < 4)
            return;
        secrets.push_back(value);
        std::string encoded = mapping::percentEncode(value);
        if (encoded != value)
            secrets.push_back(std::move(encoded));
    };
    if (webhook.auth) {
        add(webhook.auth->password);
        add(base64(webhook.auth->username + ":" + webhook.auth->password));
    }
    for (const auto& pair : webhook.pairs)
        if (!pair.field && mapping::isSecretPair(pair) && pair.value.find('{') == std::string::npos)
            add(pair.value);
    return secrets;
}

// Masks every echoed secret in text that goes into the delivery record and the log.
void maskEchoedSecrets(std::string& text, const std::vector<std::string>& secrets) {
    for (const std::string& secret : secrets)
        for (std::size_t at = text.find(secret); at != std::string::npos;
             at = text.find(secret, at + mapping::kSecretMask.size()))
            text.replace(at, secret.size(), mapping::kSecretMask);
}

} // namespace

// One worker's private state: its HTTP sender with keep-alive connections, a short-lived
// cache of webhook definitions, and its random source for jitter. Used by one thread.
class DeliveryWorkers::Worker {
public:
    // A webhook's credentials and success rule as they are now (reloaded after 5 s), and the
    // forms of its secrets a receiver might echo, computed once per load.
    struct CachedWebhook {
        mapping::WebhookDefinition definition;
        std::vector<std::string> echoableSecrets;
        std::int64_t loadedMs;
    };

    Worker(DeliveryWorkers& owner, std::string id)
        : owner_(owner), id_(std::move(id)), sender_(owner.config_),
          random_(std::random_device{}()) {}

    const std::string& id() const { return id_; }

    std::vector<ClaimedDelivery> claim(std::size_t limit,
                                       std::optional<std::int64_t> onlyId = std::nullopt) {
        return DeliveryStore(owner_.database_)
            .claim(id_, limit, owner_.clock_.nowMs(), owner_.leaseMs_, onlyId);
    }

    // Sends and records one delivery.
    AttemptOutcome deliver(ClaimedDelivery delivery) {
        std::vector<AttemptOutcome> outcomes{attempt(delivery)};
        record(outcomes);
        return outcomes.front();
    }

    // Records attempts made with attempt(), all in one transaction (one commit per batch),
    // under the lease owner they were claimed or handed over with.
    void record(std::vector<AttemptOutcome>& outcomes) { record(outcomes, id_); }
    void record(std::vector<AttemptOutcome>& outcomes, const std::string& owner) {
        if (outcomes.empty())
            return;
        std::vector<std::pair<std::int64_t, AttemptResult>> results;
        for (const AttemptOutcome& outcome : outcomes)
            results.emplace_back(outcome.deliveryId, outcome.result);
        std::vector<bool> recorded =
            DeliveryStore(owner_.database_)
                .finishAll(results, owner, owner_.clock_.nowMs(), owner_.pausePolicy_);
        for (std::size_t i = 0; i < outcomes.size(); ++i) {
            outcomes[i].recorded = recorded[i];
            logRecorded(outcomes[i]);
        }
    }

    static void logRecorded(const AttemptOutcome& outcome) {
        const AttemptResult& result = outcome.result;
        if (!outcome.recorded)
            logWarning(
                "delivery " +
                (outcome.deliveryId ? std::to_string(outcome.deliveryId) : "of a leased page") +
                ": lease lost to another worker; this attempt's result was dropped");
        else if (result.status != "delivered")
            logInfo("delivery " + std::to_string(outcome.deliveryId) + " attempt " +
                    std::to_string(outcome.attemptNumber) + ": " + result.status +
                    (result.nextAttemptMs ? " (next at " + formatTime(*result.nextAttemptMs) + ")"
                                          : "") +
                    ": " + result.attempt.error);
    }

    // Sends one delivery and judges the answer; the caller records it.
    AttemptOutcome attempt(ClaimedDelivery& delivery) {
        InFlight sending;
        if (auto unsent = begin(delivery, sending))
            return *unsent;
        return complete(sending);
    }

    // A delivery whose request is on the wire, its answer not yet read.
    struct InFlight {
        AttemptOutcome outcome;
        OutgoingRequest request;
        const CachedWebhook* webhook = nullptr;
        PendingSend pending;
    };

    // Writes delivery's request (the answer is read by complete()), or returns the outcome of
    // an attempt that could not be made: a request or password that cannot be opened. The
    // delivery's wire URL and body are moved into the request, not copied.
    std::optional<AttemptOutcome> begin(ClaimedDelivery& delivery, InFlight& sending) {
        AttemptOutcome& outcome = sending.outcome;
        outcome.deliveryId = delivery.id;
        AttemptResult& result = outcome.result;
        result.attempt.startedAt = formatTime(owner_.clock_.nowMs());
        OutgoingRequest& request = sending.request;
        request.method = delivery.method;
        request.url = std::move(delivery.wireUrl);
        request.contentType = delivery.contentType;
        request.body = std::move(delivery.wireBody);
        request.idempotencyKey = delivery.idempotencyKey;
        request.hops = delivery.hops;
        request.sourceChange = delivery.sourceChange;
        outcome.attemptNumber = delivery.attempts + 1;
        // A request or password that cannot be opened (no key, another key) is never sent:
        // the attempt is recorded with the reason and retried on the schedule, without
        // counting against the destination, so that fixing the key lets it go out.
        std::string unsent = delivery.unreadable;
        if (unsent.empty()) {
            try {
                sending.webhook = definition(delivery.webhookId);
            } catch (const SecretAccessError& error) {
                unsent = "delivery " + std::to_string(delivery.id) + ": " + error.what() +
                         "; nothing was sent";
            }
        }
        if (!unsent.empty()) {
            logError(unsent);
            result.attempt.error = unsent;
            result.attempt.outcome = "retryable";
            std::uniform_real_distribution<double> unit(0.0, 1.0);
            result.nextAttemptMs = owner_.retryPolicy_.nextAttempt(
                outcome.attemptNumber, owner_.clock_.nowMs(), std::nullopt, unit(random_));
            result.status = result.nextAttemptMs ? "queued" : "dead";
            return outcome;
        }
        if (sending.webhook) {
            request.auth = sending.webhook->definition.auth;
            request.successBodyContains = sending.webhook->definition.success.bodyContains;
        }
        sending.pending = sender_.begin(request, &connections_);
        return std::nullopt;
    }

    // Reads the answer to a request begin() wrote and judges it; the caller records it.
    AttemptOutcome complete(InFlight& sending) {
        SendResult sent = sender_.finish(sending.pending, &connections_);
        std::int64_t now = owner_.clock_.nowMs();
        AttemptOutcome& outcome = sending.outcome;
        AttemptResult& result = outcome.result;
        if (sending.webhook) {
            maskEchoedSecrets(sent.error, sending.webhook->echoableSecrets);
            maskEchoedSecrets(sent.responseExcerpt, sending.webhook->echoableSecrets);
        }
        result.attempt.durationMs = sent.duration.count();
        result.attempt.statusCode = sent.statusCode;
        result.attempt.error = sent.error;
        result.attempt.responseExcerpt =
            printableExcerpt(sent.responseExcerpt, owner_.config_.responseExcerptBytes);
        if (sent.delivered) {
            result.attempt.outcome = result.status = "delivered";
        } else if (sent.retryable) {
            result.attempt.outcome = "retryable";
            result.destinationFailed = true;
            std::optional<std::chrono::seconds> retryAfter;
            if (sent.statusCode == 429 || sent.statusCode == 503)
                retryAfter = sent.retryAfter;
            std::uniform_real_distribution<double> unit(0.0, 1.0);
            result.nextAttemptMs = owner_.retryPolicy_.nextAttempt(outcome.attemptNumber, now,
                                                                   retryAfter, unit(random_));
            result.status = result.nextAttemptMs ? "queued" : "dead";
        } else {
            result.attempt.outcome = result.status = "failed";
        }
        return outcome;
    }

private:
    const CachedWebhook* definition(std::int64_t webhookId) {
        std::int64_t now = owner_.clock_.nowMs();
        auto it = webhooks_.find(webhookId);
        if (it == webhooks_.end() || now - it->second.loadedMs > 5000) {
            auto loaded = WebhookStore(owner_.database_).find(webhookId);
            if (!loaded)
                return nullptr;
            std::vector<std::string> secrets = echoableSecrets(*loaded);
            it = webhooks_
                     .insert_or_assign(webhookId,
                                       CachedWebhook{std::move(*loaded), std::move(secrets), now})
                     .first;
        }
        return &it->second;
    }
    DeliveryWorkers& owner_;
    std::string id_;
    HttpSender sender_;
    ConnectionCache connections_;
    std::map<std::int64_t, CachedWebhook> webhooks_;
    std::mt19937_64 random_;
};

DeliveryWorkers::DeliveryWorkers(const Config& config, Database& database, const Clock& clock,
                                 std::string name)
    : config_(config), database_(database), clock_(clock), name_(std::move(name)),
      retryPolicy_(config.retrySchedule, config.retryJitter),
      pausePolicy_{config.pauseAfter.count(), config.probeInterval.count()},
      leaseMs_(config.effectiveLease().count()),
      leaseOwner_(name_ + "/" + std::to_string(::getpid()) + "/pages") {
    signalHandle_ = OutboxSignal::subscribe([this] { wake(); });
    const std::size_t inFlight = std::max<std::size_t>(1, config.deliveryWorkers) *
                                 std::max<std::size_t>(1, config.deliveryInFlight);
    handedWindow_ = std::min<std::size_t>(kHandedWindow, inFlight);
    handedSenders_ = (inFlight + handedWindow_ - 1) / handedWindow_;
    // A chunk is recorded in one commit: 32 rounds of the window each (16 x 64 by default).
    handedChunk_ =
        std::max<std::size_t>(std::max<std::size_t>(1, config.deliveryBatch), 32 * handedWindow_);
}

DeliveryWorkers::~DeliveryWorkers() {
    OutboxSignal::unsubscribe(signalHandle_);
    stop();
}

void DeliveryWorkers::start(std::size_t threads) {
    threads_.start(threads, [this](std::size_t index) { run(index); });
}

void DeliveryWorkers::stop() {
    threads_.stop();
    std::deque<HandedChunk> unbegun;
    std::deque<SentChunk> sent;
    {
        std::lock_guard lock(handedMutex_);
        unbegun.swap(handed_);
        sent.swap(sent_);
        handedCount_ = 0;
    }
    handedTaken_.notify_all();
    for (SentChunk& chunk : sent)
        writeHanded(chunk.chunk, chunk.outcomes);
    for (HandedChunk& chunk : unbegun) {
        std::vector<AttemptOutcome> none;
        writeHanded(chunk, none); // queued, for whoever sends next
    }
}

void DeliveryWorkers::handOver(std::vector<NewDelivery> deliveries, std::int64_t pageId,
                               std::chrono::steady_clock::time_point leasedAt) {
    if (deliveries.empty())
        return;
    const std::size_t chunkSize = handedChunk_;
    auto page = std::make_shared<HandedPage>();
    page->id = pageId;
    page->unwritten = deliveries.size();
    {
        std::lock_guard lock(handedMutex_);
        for (std::size_t at = 0; at < deliveries.size(); at += chunkSize) {
            HandedChunk chunk;
            chunk.page = page;
            chunk.leasedAt = leasedAt;
            auto first = deliveries.begin() + static_cast<std::ptrdiff_t>(at);
            auto last = deliveries.begin() +
                        static_cast<std::ptrdiff_t>(std::min(deliveries.size(), at + chunkSize));
            chunk.deliveries.assign(std::make_move_iterator(first), std::make_move_iterator(last));
            handedCount_ += chunk.deliveries.size();
            handed_.push_back(std::move(chunk));
        }
    }
    // One sender per chunk, not every worker: those that only claim have nothing new.
    std::size_t chunks = (deliveries.size() + chunkSize - 1) / chunkSize;
    for (std::size_t i = 0; i < std::min(chunks, handedSenders_); ++i)
        threads_.wakeOne();
}

bool DeliveryWorkers::waitForRoom(std::size_t limit, std::chrono::milliseconds timeout) {
    std::unique_lock lock(handedMutex_);
    return handedTaken_.wait_for(lock, timeout, [&] { return handedCount_ < limit; });
}

std::optional<DeliveryWorkers::HandedChunk> DeliveryWorkers::takeHanded() {
    std::optional<HandedChunk> chunk;
    {
        std::lock_guard lock(handedMutex_);
        if (handed_.empty())
            return chunk;
        chunk = std::move(handed_.front());
        handed_.pop_front();
        handedCount_ -= chunk->deliveries.size();
    }
    handedTaken_.notify_all();
    return chunk;
}

void DeliveryWorkers::wake() {
    threads_.wake();
}

DeliveryWorkers::Attempted
DeliveryWorkers::attemptAll(Worker& worker, std::vector<ClaimedDelivery>& claimed,
                            std::chrono::steady_clock::time_point claimedAt, std::size_t window) {
    // A delivery whose turn comes too late for one more attempt within the lease (a slow
    // destination ahead of it) is given back rather than sent when another worker may
    // already have taken it over. Each request waits at most the response timeout from its
    // write, however many are in flight, so one begun in time ends within the lease.
    const auto lastStart =
        std::chrono::milliseconds(leaseMs_) - config_.connectTimeout - config_.responseTimeout;
    window = std::max<std::size_t>(1, window);
    Attempted attempted;
    std::deque<Worker::InFlight> inFlight; // a deque: a pending send points at its request
    auto completeOldest = [&] {
        attempted.outcomes.push_back(worker.complete(inFlight.front()));
        inFlight.pop_front();
    };
    // Once stopping or late, every later one is too: they are given back together.
    for (std::size_t position = 0; position < claimed.size(); ++position) {
        ClaimedDelivery& delivery = claimed[position];
        try {
            // Its turn comes when the window has room: the oldest answer is read first.
            if (inFlight.size() >= window)
                completeOldest();
            if (threads_.stopping()) {
                attempted.atShutdown.push_back(position);
            } else if (std::chrono::steady_clock::now() - claimedAt > lastStart) {
                attempted.tooLate.push_back(position);
            } else {
                inFlight.emplace_back();
                inFlight.back().outcome.position = position;
                if (auto unsent = worker.begin(delivery, inFlight.back())) {
                    inFlight.pop_back();
                    attempted.outcomes.push_back(std::move(*unsent));
                }
            }
        } catch (const std::exception& error) {
            // The lease expires and another worker (or this one) tries again.
            logError("delivery " +
                     (delivery.id ? std::to_string(delivery.id) : delivery.idempotencyKey) + ": " +
                     error.what());
        }
    }
    while (!inFlight.empty())
        completeOldest();
    return attempted;
}

void DeliveryWorkers::giveBack(Worker& worker, const std::vector<ClaimedDelivery>& claimed,
                               const Attempted& attempted, const std::string& owner) {
    auto ids = [&](const std::vector<std::size_t>& positions) {
        std::vector<std::int64_t> result;
        for (std::size_t position : positions)
            result.push_back(claimed[position].id);
        return result;
    };
    try {
        DeliveryStore deliveries(database_);
        deliveries.releaseAll(ids(attempted.atShutdown), owner);
        deliveries.releaseAll(
            ids(attempted.tooLate), owner,
            "given back unsent: its turn came too late for an attempt within the lease");
    } catch (const std::exception& error) {
        // Their lease expires and another worker (or this one) takes them again.
        logError("delivery worker " + worker.id() + ": cannot give back " +
                 std::to_string(attempted.atShutdown.size() + attempted.tooLate.size()) +
                 " deliveries: " + error.what());
    }
}

std::optional<DeliveryWorkers::SentChunk> DeliveryWorkers::takeSent() {
    std::lock_guard lock(handedMutex_);
    if (sent_.empty())
        return std::nullopt;
    std::optional<SentChunk> chunk(std::move(sent_.front()));
    sent_.pop_front();
    return chunk;
}

void DeliveryWorkers::sendHanded(Worker& worker, HandedChunk chunk) {
    // Sent as claims are, without an id yet: each is written with its attempt.
    std::vector<ClaimedDelivery> views;
    views.reserve(chunk.deliveries.size());
    for (const NewDelivery& delivery : chunk.deliveries) {
        ClaimedDelivery view;
        view.idempotencyKey = delivery.idempotencyKey;
        view.webhookId = delivery.webhookId;
        view.contactId = delivery.contactId;
        view.method = delivery.method;
        view.wireUrl = delivery.wireUrl;
        view.contentType = delivery.contentType;
        view.wireBody = delivery.wireBody;
        view.destination = delivery.destination;
        view.hops = delivery.hops;
        view.sourceChange = delivery.sourceChange;
        views.push_back(std::move(view));
    }
    Attempted attempted = attemptAll(worker, views, chunk.leasedAt, handedWindow_);
    // Written by an idle worker while this one sends on; by this one when a few wait already
    // (the writer is behind) or when stopping.
    bool queued = false;
    {
        std::lock_guard lock(handedMutex_);
        if (sent_.size() < kMostSentUnwritten && !threads_.stopping()) {
            sent_.push_back({std::move(chunk), std::move(attempted.outcomes)});
            queued = true;
        }
    }
    if (queued)
        threads_.wakeOne();
    else
        writeHanded(chunk, attempted.outcomes);
}

void DeliveryWorkers::writeHanded(HandedChunk& chunk, std::vector<AttemptOutcome>& outcomes) {
    // Those without an outcome (not begun, or their send threw) are written queued.
    std::vector<FirstAttempt> firsts(chunk.deliveries.size());
    for (std::size_t i = 0; i < firsts.size(); ++i)
        firsts[i].delivery = &chunk.deliveries[i];
    for (const AttemptOutcome& outcome : outcomes)
        firsts[outcome.position].result = outcome.result;
    bool written = false;
    try {
        std::vector<std::int64_t> ids =
            DeliveryStore(database_).recordFirstAttempts(firsts, clock_.nowMs(), pausePolicy_);
        for (AttemptOutcome& outcome : outcomes) {
            outcome.deliveryId = ids[outcome.position];
            outcome.recorded = outcome.deliveryId != 0;
            Worker::logRecorded(outcome);
        }
        written = true;
    } catch (const std::exception& error) {
        // The page's lease runs out and its unwritten deliveries are queued again.
        chunk.page->writeFailed = true;
        logError("delivery workers: cannot write " + std::to_string(firsts.size()) +
                 " deliveries of a leased page: " + error.what());
    }
    if (chunk.page->unwritten.fetch_sub(chunk.deliveries.size()) == chunk.deliveries.size() &&
        written && !chunk.page->writeFailed) {
        try {
            BatchStore(database_).closePage(chunk.page->id, leaseOwner_);
        } catch (const std::exception& error) {
            // Its lease runs out; requeueing it finds everything written.
            logError("delivery workers: cannot close leased page " +
                     std::to_string(chunk.page->id) + ": " + error.what());
        }
    }
}

void DeliveryWorkers::doIdleWork() {
    if (!idleWork_)
        return;
    std::int64_t now = clock_.nowMs();
    std::int64_t done = idleWorkDoneMs_.load();
    if (now - done < config_.idlePoll.count() ||
        !idleWorkDoneMs_.compare_exchange_strong(done, now))
        return;
    try {
        idleWork_(now);
    } catch (const std::exception& error) {
        logError("delivery workers: idle work failed: " + std::string(error.what()));
    }
}

void DeliveryWorkers::run(std::size_t index) {
    Worker worker(*this, name_ + "/" + std::to_string(::getpid()) + "/" + std::to_string(index));
    const std::size_t batch = std::max<std::size_t>(1, config_.deliveryBatch);
    for (;;) {
        std::uint64_t seenSignals = threads_.wakeCount();
        if (threads_.stopping())
            return;
        // A mass post's leased page first (no claim), else what the store has due.
        if (handedSending_.fetch_add(1) < handedSenders_) {
            std::optional<HandedChunk> chunk = takeHanded();
            if (chunk)
                sendHanded(worker, std::move(*chunk));
            handedSending_.fetch_sub(1);
            if (chunk)
                continue;
        } else {
            handedSending_.fetch_sub(1);
        }
        if (auto sent = takeSent()) {
            writeHanded(sent->chunk, sent->outcomes);
            continue;
        }
        doIdleWork();
        std::vector<ClaimedDelivery> claimed;
        try {
            claimed = worker.claim(batch);
        } catch (const std::exception& error) {
            logError("delivery worker " + worker.id() + ": cannot claim: " + error.what());
        }
        // Send the claimed batch, then record every attempt in one transaction.
        Attempted attempted =
            attemptAll(worker, claimed, std::chrono::steady_clock::now(), config_.deliveryInFlight);
        giveBack(worker, claimed, attempted, worker.id());
        try {
            worker.record(attempted.outcomes, worker.id());
        } catch (const std::exception& error) {
            logError("delivery worker " + worker.id() +
                     ": cannot record attempts: " + error.what());
        }
        if (!claimed.empty())
            continue;
        // Nothing due: sleep until the next due time, new work, or the idle poll.
        std::int64_t now = clock_.nowMs();
        std::int64_t wait = config_.idlePoll.count();
        try {
            // Something due that this claim did not get (another worker's, another process's):
            // a short pause rather than a spin.
            if (auto due = DeliveryStore(database_).nextDueMs(now))
                wait = *due <= now ? std::min<std::int64_t>(wait, 20)
                                   : std::clamp<std::int64_t>(*due - now, 1, wait);
        } catch (const std::exception& error) {
            logError("delivery worker " + worker.id() + ": " + error.what());
        }
        threads_.sleep(std::chrono::milliseconds(wait), seenSignals);
    }
}

void DeliveryWorkers::tally(DrainSummary& summary, const AttemptOutcome& outcome) {
    if (!outcome.recorded)
        return;
    const std::string& status = outcome.result.status;
    if (status == "delivered")
        ++summary.delivered;
    else if (status == "failed")
        ++summary.failed;
    else if (status == "dead")
        ++summary.dead;
    else
        ++summary.retrying;
}

DrainSummary DeliveryWorkers::drain() {
    Worker worker(*this, name_ + "/" + std::to_string(::getpid()) + "/drain");
    const std::size_t batch = std::max<std::size_t>(1, config_.deliveryBatch);
    // A delivery retried within the drain (a short schedule, Retry-After: 0) is attempted more
    // than once: the summary counts deliveries by their last outcome, not attempts.
    std::unordered_map<std::int64_t, AttemptOutcome> lastOutcome;
    // What others left behind (a dead mass post's pages) is sent by this drain too.
    if (idleWork_) {
        try {
            idleWork_(clock_.nowMs());
        } catch (const std::exception& error) {
            logError("delivery workers: idle work failed: " + std::string(error.what()));
        }
    }
    for (;;) {
        auto claimed = worker.claim(batch);
        if (claimed.empty())
            break;
        Attempted attempted =
            attemptAll(worker, claimed, std::chrono::steady_clock::now(), config_.deliveryInFlight);
        giveBack(worker, claimed, attempted, worker.id());
        worker.record(attempted.outcomes);
        for (auto& outcome : attempted.outcomes)
            if (outcome.recorded)
                lastOutcome.insert_or_assign(outcome.deliveryId, std::move(outcome));
    }
    DrainSummary summary;
    for (const auto& [id, outcome] : lastOutcome)
        tally(summary, outcome);
    summary.pending = DeliveryStore(database_).pendingCount();
    return summary;
}

std::string DeliveryWorkers::inlineOwner() const {
    return name_ + "/" + std::to_string(::getpid()) + "/inline";
}

std::optional<AttemptOutcome> DeliveryWorkers::deliverClaimed(std::int64_t deliveryId) {
    Worker worker(*this, inlineOwner());
    auto claimed = DeliveryStore(database_).claimed(deliveryId, worker.id());
    if (!claimed)
        return std::nullopt;
    return worker.deliver(std::move(*claimed));
}

std::optional<AttemptOutcome> DeliveryWorkers::deliverNow(std::int64_t deliveryId) {
    Worker worker(*this, name_ + "/" + std::to_string(::getpid()) + "/inline");
    auto claimed = worker.claim(1, deliveryId);
    if (claimed.empty())
        return std::nullopt;
    return worker.deliver(std::move(claimed.front()));
}

} // namespace dpp::bridge
