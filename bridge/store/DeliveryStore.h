#pragma once
// The outbox and the delivery log. A delivery is one request of one webhook for one contact,
// with a stable Idempotency-Key, the request as it goes on the wire, the same request with
// secrets masked (the only form ever shown), and one row per attempt. The wire request is
// sealed at rest when a key is configured (StoreSecrets); claim() and claimed() open it. Workers
// claim due deliveries under a lease, so a crash loses nothing: an expired lease is claimed again.
// Thread-safe through Database; every method is one transaction.
#include "bridge/store/Database.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dpp::bridge {

struct DeliveryRecord {
    std::int64_t id = 0;
    std::string idempotencyKey;
    std::int64_t webhookId = 0;
    std::int64_t contactId = 0;
    std::string status; // queued | sending | delivered | failed | dead
    std::string method;
    std::string url; // masked
    std::string contentType;
    std::string body;        // masked
    std::string destination; // scheme://host:port
    int attempts = 0;
    std::optional<std::int64_t> nextAttemptMs; // queued: when it is due
    std::string origin;
    std::optional<std::int64_t> replayOf;
    std::optional<std::int64_t> batchId;
    std::string hops;              // accounts the contact passed through: "1001:55>2002:7"
    std::int64_t sourceChange = 0; // the contact's change number when rendered
    std::string lastError;
    std::string createdAt;
    std::string updatedAt;
};

// What a worker needs to send a claimed delivery.
struct ClaimedDelivery {
    std::int64_t id = 0;
    std::string idempotencyKey;
    std::int64_t webhookId = 0;
    std::int64_t contactId = 0;
    std::string method;
    std::string wireUrl;
    std::string contentType;
    std::string wireBody;
    std::string destination;
    std::string hops;
    std::int64_t sourceChange = 0; // sent as X-Dppbridge-Change
    int attempts = 0;              // made before this one
    // Why the stored wire request cannot be opened (no key, another key): then wireUrl and
    // wireBody are empty and the delivery must not be sent.
    std::string unreadable;
};

struct NewDelivery {
    std::int64_t webhookId = 0;
    std::int64_t contactId = 0;
    std::string method;
    std::string maskedUrl;
    std::string wireUrl;
    std::string contentType;
    std::string maskedBody;
    std::string wireBody;
    std::string destination;
    std::string origin; // "execute", "replay", ...
    std::optional<std::int64_t> replayOf;
    std::optional<std::int64_t> batchId; // a mass post or nightly run
    std::string hops;                    // sent as X-Dppbridge-Hops (loop detection)
    std::int64_t sourceChange = 0;       // the contact's change number, X-Dppbridge-Change
    // Deterministic key (triggers: event and trigger); empty for a fresh random one.
    std::string idempotencyKey;
    // Documents named in the request's __copydocs, granted to the destination account in the
    // same transaction (DocumentGrantStore; the document endpoint serves nothing else). Ids
    // that are not documents of this contact of grantSourceAccount are not granted.
    std::vector<std::int64_t> grantDocumentIds;
    std::int64_t grantSourceAccount = 0;
    std::int64_t grantPeerAccount = 0;
    std::int64_t grantExpiresAtMs = 0;
    // Inline sends: the delivery is written already claimed by this owner, so that no
    // background worker can take it between the write and the send.
    std::string claimedBy;
    std::int64_t leaseMs = 0;
};

struct AttemptRecord {
    int attempt = 0;
    std::string startedAt;
    std::int64_t durationMs = 0;
    int statusCode = 0;
    std::string outcome; // delivered | failed | retryable
    std::string error;
    std::string responseExcerpt;
};

// How an attempt ends the delivery: delivered, failed, dead, or queued again at nextAttemptMs.
struct AttemptResult {
    AttemptRecord attempt;
    std::string status;
    std::optional<std::int64_t> nextAttemptMs;
    bool destinationFailed = false; // network error, timeout, 429 or 5xx: counts toward a pause
};

// queued, sending, delivered, failed, dead or cancelled.
bool isDeliveryStatus(std::string_view status);

struct DeliveryFilter {
    std::string status;
    std::optional<std::int64_t> batchId;
    std::optional<std::int64_t> webhookId;
    std::optional<std::int64_t> contactId;
    std::optional<std::int64_t> sinceMs;
    std::optional<std::int64_t> untilMs;
    std::size_t limit = 100;
};

struct DestinationState {
    std::string destination;
    std::optional<std::int64_t> failingSinceMs;
    int consecutiveFailures = 0;
    std::optional<std::int64_t> pausedUntilMs;
    std::string lastError;
};

struct DeliveryEvent {
    std::string at;
    std::string actor;
    std::string action;
    std::string detail;
};

struct PausePolicy {
    std::int64_t pauseAfterMs = 5 * 60 * 1000; // failing continuously this long: pause
    std::int64_t probeEveryMs = 60 * 1000;     // a paused destination is probed this often
};

// A mass post's delivery handed to its workers unwritten (its page leased in batch_pages),
// written once with its first attempt's result, or queued when it was given back unattempted.
struct FirstAttempt {
    const NewDelivery* delivery = nullptr;
    std::optional<AttemptResult> result;
};

class DeliveryStore {
public:
    explicit DeliveryStore(Database& database) : database_(database) {}

    // Queues a delivery, due at once. Returns it with its id and Idempotency-Key.
    DeliveryRecord enqueue(const NewDelivery& delivery, std::int64_t nowMs);
    // Many at once, in one transaction: all are queued or none. Returns their ids in order.
    std::vector<std::int64_t> enqueueAll(const std::vector<NewDelivery>& deliveries,
                                         std::int64_t nowMs);
    // The same, inside the caller's transaction (activations record their cause with it).
    static DeliveryRecord insert(Poco::Data::Session& session, const NewDelivery& delivery,
                                 std::int64_t nowMs);
    // The same, unless a delivery of its Idempotency-Key (or its batch and contact) exists:
    // then nothing is written and the id is 0.
    static DeliveryRecord insertOnce(Poco::Data::Session& session, const NewDelivery& delivery,
                                     std::int64_t nowMs);

    // For mass posts and nightly runs, inside the caller's transaction:
    // Whether the destination is paused at nowMs (its deliveries wait for the claims' probes).
    static bool isPaused(Poco::Data::Session& session, const std::string& destination,
                         std::int64_t nowMs);
    // The delivery written with this Idempotency-Key, if any: its id and status.
    struct KeyedDelivery {
        std::int64_t id = 0;
        std::string status;
    };
    static std::optional<KeyedDelivery> findByKey(Poco::Data::Session& session,
                                                  const std::string& idempotencyKey);
    // Takes an undelivered delivery into a batch (a nightly run posting a change an earlier
    // run did not deliver): queued again, due at nowMs, when it had failed, died or was
    // cancelled; left as it is when still queued or sending.
    static void takeIntoBatch(Poco::Data::Session& session, std::int64_t id, std::int64_t batchId,
                              std::int64_t nowMs, const std::string& at);
    // Cancels a queued delivery (one queued again for a cancelled batch).
    static void cancel(Poco::Data::Session& session, std::int64_t id, const std::string& why);
    // A batch cancelled: its queued deliveries become cancelled (in-flight ones finish).
    static void cancelQueuedOfBatch(Poco::Data::Session& session, std::int64_t batchId,
                                    const std::string& why, const std::string& at);
    // A batch resumed: its cancelled deliveries are queued again, due at nowMs.
    static void requeueCancelledOfBatch(Poco::Data::Session& session, std::int64_t batchId,
                                        std::int64_t nowMs, const std::string& why,
                                        const std::string& at);

    // Claims up to limit due deliveries (queued and due, or sending with an expired lease),
    // skipping paused destinations; marks them sending under owner until nowMs + leaseMs.
    // With onlyId, claims that delivery if it is due (inline sends).
    std::vector<ClaimedDelivery> claim(const std::string& owner, std::size_t limit,
                                       std::int64_t nowMs, std::int64_t leaseMs,
                                       std::optional<std::int64_t> onlyId = std::nullopt);

    // A delivery this owner holds the lease of (written with NewDelivery::claimedBy).
    std::optional<ClaimedDelivery> claimed(std::int64_t id, const std::string& owner);

    // Records an attempt and its result, if owner still holds the lease (otherwise another
    // worker took it over and the result is dropped; returns false). Updates the
    // destination's health under the pause policy.
    bool finish(std::int64_t id, const std::string& owner, const AttemptResult& result,
                std::int64_t nowMs, const PausePolicy& pause);

    // The same for many attempts in one transaction (one commit for a worker's claimed batch).
    std::vector<bool> finishAll(const std::vector<std::pair<std::int64_t, AttemptResult>>& results,
                                const std::string& owner, std::int64_t nowMs,
                                const PausePolicy& pause);

    // Writes each delivery with its first attempt (logged, and counted in its destination's
    // health) or queued when it has none, in one transaction. A delivery written already (its
    // page's lease ran out and another process queued it again) is left as it is: its id
    // comes back 0.
    std::vector<std::int64_t> recordFirstAttempts(const std::vector<FirstAttempt>& attempts,
                                                  std::int64_t nowMs, const PausePolicy& pause);
    // Gives a claimed delivery back unsent (shutdown): queued, due now, no attempt counted.
    void release(std::int64_t id, const std::string& owner,
                 const std::string& why = "given back unsent at shutdown");
    // The same for many in one transaction (a mass post's leased pages nobody began).
    void releaseAll(const std::vector<std::int64_t>& ids, const std::string& owner,
                    const std::string& why = "given back unsent at shutdown");

    // The earliest time something may become due: a queued delivery, an expiring lease, a
    // paused destination's next probe. Nothing when the outbox holds no pending work.
    std::optional<std::int64_t> nextDueMs(std::int64_t nowMs);
    // Deliveries queued or sending.
    std::int64_t pendingCount();
    // How many deliveries are in each status (statuses with none are left out).
    std::map<std::string, std::int64_t> countsByStatus();

    // Replays: the recorded request again as a new attempt of the same delivery.
    void requeue(std::int64_t id, std::int64_t nowMs, const std::string& actor,
                 const std::string& detail);
    void addEvent(std::int64_t id, const std::string& actor, const std::string& action,
                  const std::string& detail);

    std::optional<DeliveryRecord> find(std::int64_t id);
    std::vector<AttemptRecord> attempts(std::int64_t deliveryId);
    std::vector<DeliveryEvent> events(std::int64_t deliveryId);
    std::vector<DeliveryRecord> list(const DeliveryFilter& filter);
    std::vector<DestinationState> destinations();

    // Deletes finished deliveries (delivered, failed, dead) last updated before the cutoff.
    std::int64_t purgeFinishedBefore(std::int64_t cutoffMs);

private:
    Database& database_;
};

} // namespace dpp::bridge
