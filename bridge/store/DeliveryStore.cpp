#include "bridge/store/DeliveryStore.h"

#include "bridge/store/CachedStatement.h"

#include "bridge/store/RowValues.h"

#include "bridge/Clock.h"
#include "bridge/InputError.h"
#include "bridge/store/DataSourceStore.h"
#include "bridge/store/DocumentGrantStore.h"
#include "bridge/store/StoreSecrets.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>

#include <set>

using namespace Poco::Data::Keywords;

namespace dpp::bridge {

namespace {

// A delivery's state and its request (masked), kept in two tables (migration 6).
const char* kDeliveryColumns =
    "SELECT id, idempotency_key, webhook_id, contact_id, status, method, r.url, content_type, "
    "r.body, destination, attempts, next_attempt_ms, origin, replay_of, last_error, created_at, "
    "updated_at, batch_id, hops, source_change FROM deliveries JOIN delivery_requests r "
    "ON r.delivery_id = deliveries.id ";

std::vector<DeliveryRecord> readDeliveries(Poco::Data::Statement& select) {
    select.execute();
    Poco::Data::RecordSet rows(select);
    std::vector<DeliveryRecord> records;
    records.reserve(rows.rowCount());
    for (std::size_t i = 0; i < rows.rowCount(); ++i) {
        DeliveryRecord record;
        record.id = rows.value(0, i).convert<std::int64_t>();
        record.idempotencyKey = rows.value(1, i).convert<std::string>();
        record.webhookId = rows.value(2, i).convert<std::int64_t>();
        record.contactId = rows.value(3, i).convert<std::int64_t>();
        record.status = rows.value(4, i).convert<std::string>();
        record.method = rows.value(5, i).convert<std::string>();
        record.url = rows.value(6, i).convert<std::string>();
        record.contentType = rows.value(7, i).convert<std::string>();
        record.body = rows.value(8, i).convert<std::string>();
        record.destination = rows.value(9, i).convert<std::string>();
        record.attempts = rows.value(10, i).convert<int>();
        record.nextAttemptMs = optionalInteger(rows.value(11, i));
        record.origin = rows.value(12, i).convert<std::string>();
        record.replayOf = optionalInteger(rows.value(13, i));
        record.lastError = rows.value(14, i).convert<std::string>();
        record.createdAt = rows.value(15, i).convert<std::string>();
        record.updatedAt = rows.value(16, i).convert<std::string>();
        record.batchId = optionalInteger(rows.value(17, i));
        record.hops = rows.value(18, i).convert<std::string>();
        record.sourceChange = rows.value(19, i).convert<std::int64_t>();
        records.push_back(std::move(record));
    }
    return records;
}

void insertEvent(Poco::Data::Session& session, std::int64_t id, const std::string& actor,
                 const std::string& action, const std::string& detail) {
    std::string at = nowText();
    session << "INSERT INTO delivery_events (delivery_id, at, actor, action, detail) "
               "VALUES (?, ?, ?, ?, ?)",
        use(id), use(at), useRef(actor), useRef(action), useRef(detail), now;
}

// Keeps the destination's health: a success clears it; failures that go on for longer
// than pauseAfterMs pause it until the next probe.
void updateDestination(Poco::Data::Session& session, const std::string& destination,
                       const AttemptResult& result, std::int64_t nowMs, const PausePolicy& pause) {
    if (!result.destinationFailed) {
        // Every success passes here: a compiled statement, deleting nothing when healthy.
        CachedStatement healthy(session, "DELETE FROM destinations WHERE destination = ?");
        healthy.bind(1, destination).run();
        return;
    }
    std::string updatedAt = nowText();
    std::vector<Poco::Nullable<std::int64_t>> failingSince;
    session << "SELECT failing_since_ms FROM destinations WHERE destination = ?",
        useRef(destination), into(failingSince), now;
    std::int64_t since = nowMs;
    if (failingSince.empty()) {
        session << "INSERT INTO destinations (destination, failing_since_ms, "
                   "consecutive_failures, last_error, updated_at) VALUES (?, ?, 1, ?, ?)",
            useRef(destination), use(since), useRef(result.attempt.error), use(updatedAt), now;
    } else {
        if (!failingSince.front().isNull())
            since = failingSince.front().value();
        session << "UPDATE destinations SET failing_since_ms = ?, "
                   "consecutive_failures = consecutive_failures + 1, last_error = ?, "
                   "updated_at = ? WHERE destination = ?",
            use(since), useRef(result.attempt.error), use(updatedAt), useRef(destination), now;
    }
    if (nowMs - since >= pause.pauseAfterMs) {
        std::int64_t pausedUntil = nowMs + pause.probeEveryMs;
        session << "UPDATE destinations SET paused_until_ms = ? WHERE destination = ?",
            use(pausedUntil), useRef(destination), now;
    }
}

} // namespace

namespace {

// The wire request is sealed for its delivery's Idempotency-Key.
std::string wirePlace(const char* column, const std::string& idempotencyKey) {
    return std::string("deliveries.") + column + ":" + idempotencyKey;
}

// Writes a delivery: queued and due now, or (firstAttempt) already attempted once, in the state
// that attempt left it. With once, nothing is written when a delivery of the same
// Idempotency-Key (or the same batch and contact) exists; the result then has id 0.
DeliveryRecord writeDelivery(Poco::Data::Session& session, const NewDelivery& delivery,
                             std::int64_t nowMs, const AttemptResult* firstAttempt, bool once) {
    DeliveryRecord record;
    record.idempotencyKey =
        delivery.idempotencyKey.empty() ? "dlv_" + randomHexToken(16) : delivery.idempotencyKey;
    record.webhookId = delivery.webhookId;
    record.contactId = delivery.contactId;
    record.status = "queued";
    record.method = delivery.method;
    record.url = delivery.maskedUrl;
    record.contentType = delivery.contentType;
    record.body = delivery.maskedBody;
    record.destination = delivery.destination;
    record.nextAttemptMs = nowMs;
    record.origin = delivery.origin;
    record.replayOf = delivery.replayOf;
    record.batchId = delivery.batchId;
    record.hops = delivery.hops;
    record.sourceChange = delivery.sourceChange;
    record.createdAt = record.updatedAt = formatTime(nowMs);
    if (!delivery.claimedBy.empty())
        record.status = "sending";
    if (firstAttempt) {
        record.status = firstAttempt->status;
        record.nextAttemptMs = firstAttempt->nextAttemptMs;
        record.attempts = 1;
        record.lastError = firstAttempt->attempt.error;
    }
    // With a key the wire request is always sealed; without one, a request whose masked twin
    // differs (it carries a secret, an SSN, a bank number) is what the policy warns about,
    // and one that equals its masked twin is stored once (wire_url '').
    bool carriesSecrets =
        delivery.wireUrl != delivery.maskedUrl || delivery.wireBody != delivery.maskedBody;
    std::string wireUrl, wireBody;
    StoreSecrets secrets(session);
    if (secrets.sealing() || carriesSecrets) {
        std::string what = "the wire request of delivery " + record.idempotencyKey;
        wireUrl = secrets.seal(delivery.wireUrl, wirePlace("wire_url", record.idempotencyKey), what,
                               carriesSecrets);
        wireBody = secrets.seal(delivery.wireBody, wirePlace("wire_body", record.idempotencyKey),
                                what, carriesSecrets);
    }
    // Every mass post page and received post-on queues here: compiled statements.
    static const std::string columns =
        "INTO deliveries (idempotency_key, webhook_id, contact_id, status, lease_owner, "
        "lease_until_ms, method, content_type, destination, attempts, next_attempt_ms, origin, "
        "replay_of, created_at, updated_at, batch_id, hops, last_error, source_change) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
    static const std::string always = "INSERT " + columns;
    static const std::string onlyOnce = "INSERT OR IGNORE " + columns;
    CachedStatement insert(session, once ? onlyOnce : always);
    insert.bind(1, record.idempotencyKey)
        .bind(2, record.webhookId)
        .bind(3, record.contactId)
        .bind(4, record.status);
    if (delivery.claimedBy.empty())
        insert.bindNull(5).bindNull(6);
    else
        insert.bind(5, delivery.claimedBy).bind(6, nowMs + delivery.leaseMs);
    insert.bind(7, record.method)
        .bind(8, record.contentType)
        .bind(9, record.destination)
        .bind(10, static_cast<std::int64_t>(record.attempts))
        .bind(11, record.nextAttemptMs)
        .bind(12, record.origin)
        .bind(13, delivery.replayOf)
        .bind(14, record.createdAt)
        .bind(15, record.updatedAt)
        .bind(16, delivery.batchId)
        .bind(17, record.hops)
        .bind(18, record.lastError)
        .bind(19, record.sourceChange);
    if (!insert.step()) {
        if (once)
            return record; // written already (id 0)
        throw StoreError("store: inserting a delivery returned no id");
    }
    record.id = insert.integer(0);
    insert.run();
    CachedStatement request(session, "INSERT INTO delivery_requests (delivery_id, url, body, "
                                     "wire_url, wire_body) VALUES (?, ?, ?, ?, ?)");
    request.bind(1, record.id)
        .bind(2, record.url)
        .bind(3, record.body)
        .bind(4, wireUrl)
        .bind(5, wireBody)
        .run();
    if (delivery.replayOf)
        insertEvent(session, *delivery.replayOf, delivery.origin, "rerendered",
                    "new delivery " + std::to_string(record.id));
    DocumentGrantStore::grant(session, delivery.grantSourceAccount, record.contactId,
                              delivery.grantDocumentIds, delivery.grantPeerAccount, record.id,
                              delivery.grantExpiresAtMs, nowMs);
    return record;
}

DeliveryRecord insertDelivery(Poco::Data::Session& session, const NewDelivery& delivery,
                              std::int64_t nowMs) {
    return writeDelivery(session, delivery, nowMs, nullptr, false);
}

} // namespace

DeliveryRecord DeliveryStore::insert(Poco::Data::Session& session, const NewDelivery& delivery,
                                     std::int64_t nowMs) {
    return insertDelivery(session, delivery, nowMs);
}

DeliveryRecord DeliveryStore::insertOnce(Poco::Data::Session& session, const NewDelivery& delivery,
                                         std::int64_t nowMs) {
    return writeDelivery(session, delivery, nowMs, nullptr, true);
}

bool DeliveryStore::isPaused(Poco::Data::Session& session, const std::string& destination,
                             std::int64_t nowMs) {
    CachedStatement paused(session, "SELECT 1 FROM destinations WHERE destination = ? "
                                    "AND paused_until_ms > ?");
    paused.bind(1, destination).bind(2, nowMs);
    return paused.step();
}

std::optional<DeliveryStore::KeyedDelivery>
DeliveryStore::findByKey(Poco::Data::Session& session, const std::string& idempotencyKey) {
    std::vector<std::int64_t> ids;
    std::vector<std::string> statuses;
    session << "SELECT id, status FROM deliveries WHERE idempotency_key = ?", bind(idempotencyKey),
        into(ids), into(statuses), now;
    if (ids.empty())
        return std::nullopt;
    return KeyedDelivery{ids.front(), statuses.front()};
}

void DeliveryStore::takeIntoBatch(Poco::Data::Session& session, std::int64_t id,
                                  std::int64_t batchId, std::int64_t nowMs, const std::string& at) {
    session << "UPDATE deliveries SET batch_id = ?, status = CASE WHEN status IN "
               "('failed', 'dead', 'cancelled') THEN 'queued' ELSE status END, "
               "next_attempt_ms = CASE WHEN status IN ('failed', 'dead', "
               "'cancelled') THEN ? ELSE next_attempt_ms END, updated_at = ? "
               "WHERE id = ?",
        use(batchId), use(nowMs), bind(at), use(id), now;
}

void DeliveryStore::cancel(Poco::Data::Session& session, std::int64_t id, const std::string& why) {
    CachedStatement cancelled(session, "UPDATE deliveries SET status = 'cancelled', last_error = ? "
                                       "WHERE id = ? AND status = 'queued'");
    cancelled.bind(1, why).bind(2, id).run();
}

void DeliveryStore::cancelQueuedOfBatch(Poco::Data::Session& session, std::int64_t batchId,
                                        const std::string& why, const std::string& at) {
    session << "UPDATE deliveries SET status = 'cancelled', last_error = ?, updated_at = ? "
               "WHERE batch_id = ? AND status = 'queued'",
        bind(why), bind(at), use(batchId), now;
}

void DeliveryStore::requeueCancelledOfBatch(Poco::Data::Session& session, std::int64_t batchId,
                                            std::int64_t nowMs, const std::string& why,
                                            const std::string& at) {
    session << "UPDATE deliveries SET status = 'queued', next_attempt_ms = ?, "
               "last_error = ?, updated_at = ? WHERE batch_id = ? AND status = 'cancelled'",
        use(nowMs), bind(why), bind(at), use(batchId), now;
}

DeliveryRecord DeliveryStore::enqueue(const NewDelivery& delivery, std::int64_t nowMs) {
    DeliveryRecord record;
    database_.write(
        [&](Poco::Data::Session& session) { record = insertDelivery(session, delivery, nowMs); });
    return record;
}

std::vector<std::int64_t> DeliveryStore::enqueueAll(const std::vector<NewDelivery>& deliveries,
                                                    std::int64_t nowMs) {
    std::vector<std::int64_t> ids;
    ids.reserve(deliveries.size());
    database_.write([&](Poco::Data::Session& session) {
        for (const NewDelivery& delivery : deliveries)
            ids.push_back(insertDelivery(session, delivery, nowMs).id);
    });
    return ids;
}

namespace {

const char* kClaimColumns =
    "SELECT id, idempotency_key, webhook_id, contact_id, method, r.wire_url, content_type, "
    "r.wire_body, destination, attempts, hops, r.url, r.body, source_change FROM deliveries "
    "JOIN delivery_requests r ON r.delivery_id = deliveries.id ";

// Opens a claimed delivery's wire request: the masked one when none was stored apart, else
// the stored one, opened. One that cannot be opened (no key, another key) is handed over
// empty, with the reason, and is not sent.
void openWire(const StoreSecrets& secrets, ClaimedDelivery& delivery, std::string maskedUrl,
              std::string maskedBody) {
    if (delivery.wireUrl.empty()) {
        delivery.wireUrl = std::move(maskedUrl);
        delivery.wireBody = std::move(maskedBody);
        return;
    }
    std::string what = "the stored request of delivery " + std::to_string(delivery.id) + " (" +
                       delivery.idempotencyKey + ")";
    try {
        delivery.wireUrl =
            secrets.open(delivery.wireUrl, wirePlace("wire_url", delivery.idempotencyKey), what);
        delivery.wireBody =
            secrets.open(delivery.wireBody, wirePlace("wire_body", delivery.idempotencyKey), what);
    } catch (const SecretAccessError& error) {
        delivery.wireUrl.clear();
        delivery.wireBody.clear();
        delivery.unreadable = std::string(error.what()) + "; nothing was sent";
    }
}

void readClaimed(CachedStatement& select, const StoreSecrets& secrets,
                 std::vector<ClaimedDelivery>& claimed) {
    while (select.step()) {
        ClaimedDelivery delivery;
        delivery.id = select.integer(0);
        delivery.idempotencyKey = select.text(1);
        delivery.webhookId = select.integer(2);
        delivery.contactId = select.integer(3);
        delivery.method = select.text(4);
        delivery.wireUrl = select.text(5);
        delivery.contentType = select.text(6);
        delivery.wireBody = select.text(7);
        delivery.destination = select.text(8);
        delivery.attempts = static_cast<int>(select.integer(9));
        delivery.hops = select.text(10);
        delivery.sourceChange = select.integer(13);
        openWire(secrets, delivery, select.text(11), select.text(12));
        claimed.push_back(std::move(delivery));
    }
}

} // namespace

std::vector<ClaimedDelivery> DeliveryStore::claim(const std::string& owner, std::size_t limit,
                                                  std::int64_t nowMs, std::int64_t leaseMs,
                                                  std::optional<std::int64_t> onlyId) {
    std::vector<ClaimedDelivery> claimed;
    database_.write([&](Poco::Data::Session& session) {
        StoreSecrets secrets(session);
        std::int64_t current = nowMs;
        static const std::string notPaused =
            " AND destination NOT IN (SELECT destination FROM destinations "
            "WHERE paused_until_ms > ?) ";
        // Each worker claims many times a second: compiled statements.
        static const std::string byId = std::string(kClaimColumns) +
                                        "WHERE id = ? AND ((status = 'queued' AND "
                                        "next_attempt_ms <= ?) OR (status = 'sending' AND "
                                        "lease_until_ms < ?))" +
                                        notPaused;
        static const std::string expiredLeases = std::string(kClaimColumns) +
                                                 "WHERE status = 'sending' AND lease_until_ms < ?" +
                                                 notPaused + "LIMIT ?";
        static const std::string dueNow = std::string(kClaimColumns) +
                                          "WHERE status = 'queued' AND next_attempt_ms <= ?" +
                                          notPaused + "ORDER BY next_attempt_ms LIMIT ?";
        if (onlyId) {
            CachedStatement select(session, byId);
            select.bind(1, *onlyId).bind(2, current).bind(3, current).bind(4, current);
            readClaimed(select, secrets, claimed);
        } else {
            // Expired leases first (a crashed worker's), then due work in due order: two range
            // walks of deliveries_due, never a sort of the whole queue.
            CachedStatement expired(session, expiredLeases);
            expired.bind(1, current).bind(2, current).bind(3, static_cast<std::int64_t>(limit));
            readClaimed(expired, secrets, claimed);
            if (claimed.size() < limit) {
                CachedStatement due(session, dueNow);
                due.bind(1, current)
                    .bind(2, current)
                    .bind(3, static_cast<std::int64_t>(limit - claimed.size()));
                readClaimed(due, secrets, claimed);
            }
        }
        std::string updatedAt = formatTime(nowMs);
        CachedStatement lease(session, "UPDATE deliveries SET status = 'sending', lease_owner = ?, "
                                       "lease_until_ms = ?, updated_at = ? WHERE id = ?");
        for (const ClaimedDelivery& delivery : claimed) {
            lease.bind(1, owner).bind(2, nowMs + leaseMs).bind(3, updatedAt).bind(4, delivery.id);
            lease.run();
            lease.reset();
        }
    });
    return claimed;
}

std::optional<ClaimedDelivery> DeliveryStore::claimed(std::int64_t id, const std::string& owner) {
    std::vector<ClaimedDelivery> found;
    database_.read([&](Poco::Data::Session& session) {
        static const std::string held =
            std::string(kClaimColumns) + "WHERE id = ? AND status = 'sending' AND lease_owner = ?";
        CachedStatement select(session, held);
        select.bind(1, id).bind(2, owner);
        readClaimed(select, StoreSecrets(session), found);
    });
    if (found.empty())
        return std::nullopt;
    return std::move(found.front());
}

namespace {

// Logs attempt number `attempt` of a delivery and keeps its destination's health.
// healthyDestinations holds those a success in this transaction has cleared already: the next
// success there has nothing to clear.
void logAttempt(Poco::Data::Session& session, std::int64_t id, std::int64_t attempt,
                const std::string& destination, const AttemptResult& result, std::int64_t nowMs,
                const PausePolicy& pause, std::set<std::string>& healthyDestinations) {
    CachedStatement logged(session,
                           "INSERT INTO delivery_attempts (delivery_id, attempt, started_at, "
                           "duration_ms, status_code, outcome, error, response_excerpt) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    logged.bind(1, id)
        .bind(2, attempt)
        .bind(3, result.attempt.startedAt)
        .bind(4, result.attempt.durationMs)
        .bind(5, static_cast<std::int64_t>(result.attempt.statusCode))
        .bind(6, result.attempt.outcome)
        .bind(7, result.attempt.error)
        .bind(8, result.attempt.responseExcerpt)
        .run();
    if (!result.destinationFailed) {
        if (healthyDestinations.insert(destination).second)
            updateDestination(session, destination, result, nowMs, pause);
    } else {
        healthyDestinations.erase(destination);
        updateDestination(session, destination, result, nowMs, pause);
    }
}

// Every attempt of every delivery is recorded here: compiled statements. The state changes
// first (one statement: the lease check, the attempt count and the destination come back with
// it), then the attempt is logged.
bool recordAttempt(Poco::Data::Session& session, std::int64_t id, const std::string& owner,
                   const AttemptResult& result, std::int64_t nowMs, const PausePolicy& pause,
                   const std::string& updatedAt, std::set<std::string>& healthyDestinations) {
    CachedStatement updated(session,
                            "UPDATE deliveries SET attempts = attempts + 1, status = ?, "
                            "next_attempt_ms = ?, lease_owner = NULL, lease_until_ms = NULL, "
                            "last_error = ?, updated_at = ? WHERE id = ? AND status = 'sending' "
                            "AND lease_owner = ? RETURNING attempts, destination");
    updated.bind(1, result.status)
        .bind(2, result.nextAttemptMs)
        .bind(3, result.attempt.error)
        .bind(4, updatedAt)
        .bind(5, id)
        .bind(6, owner);
    if (!updated.step())
        return false; // the lease was lost to another worker
    std::int64_t attempt = updated.integer(0);
    std::string destination = updated.text(1);
    updated.run();
    logAttempt(session, id, attempt, destination, result, nowMs, pause, healthyDestinations);
    return true;
}

} // namespace

bool DeliveryStore::finish(std::int64_t id, const std::string& owner, const AttemptResult& result,
                           std::int64_t nowMs, const PausePolicy& pause) {
    return finishAll({{id, result}}, owner, nowMs, pause).front();
}

std::vector<bool>
DeliveryStore::finishAll(const std::vector<std::pair<std::int64_t, AttemptResult>>& results,
                         const std::string& owner, std::int64_t nowMs, const PausePolicy& pause) {
    std::vector<bool> recorded;
    const std::string updatedAt = formatTime(nowMs);
    database_.write([&](Poco::Data::Session& session) {
        recorded.clear();
        std::set<std::string> healthy;
        for (const auto& [id, result] : results)
            recorded.push_back(
                recordAttempt(session, id, owner, result, nowMs, pause, updatedAt, healthy));
    });
    return recorded;
}

std::vector<std::int64_t>
DeliveryStore::recordFirstAttempts(const std::vector<FirstAttempt>& attempts, std::int64_t nowMs,
                                   const PausePolicy& pause) {
    std::vector<std::int64_t> ids;
    database_.write([&](Poco::Data::Session& session) {
        ids.clear();
        std::set<std::string> healthy;
        for (const FirstAttempt& first : attempts) {
            const AttemptResult* result = first.result ? &*first.result : nullptr;
            DeliveryRecord record = writeDelivery(session, *first.delivery, nowMs, result, true);
            if (record.id && result)
                logAttempt(session, record.id, 1, record.destination, *result, nowMs, pause,
                           healthy);
            ids.push_back(record.id);
        }
    });
    return ids;
}

void DeliveryStore::release(std::int64_t id, const std::string& owner, const std::string& why) {
    releaseAll({id}, owner, why);
}

void DeliveryStore::releaseAll(const std::vector<std::int64_t>& ids, const std::string& owner,
                               const std::string& why) {
    if (ids.empty())
        return;
    database_.write([&](Poco::Data::Session& session) {
        std::string updatedAt = nowText();
        CachedStatement released(session,
                                 "UPDATE deliveries SET status = 'queued', lease_owner = NULL, "
                                 "lease_until_ms = NULL, updated_at = ? WHERE id = ? AND "
                                 "status = 'sending' AND lease_owner = ?");
        for (std::int64_t id : ids) {
            released.bind(1, updatedAt).bind(2, id).bind(3, owner).run();
            released.reset();
            insertEvent(session, id, owner, "released", why);
        }
    });
}

std::optional<std::int64_t> DeliveryStore::nextDueMs(std::int64_t nowMs) {
    std::optional<std::int64_t> due;
    database_.read([&](Poco::Data::Session& session) {
        Poco::Nullable<std::int64_t> queued, lease, probe;
        std::int64_t current = nowMs;
        // Deliveries of a paused destination are not due before its probe (claim skips them).
        session << "SELECT MIN(next_attempt_ms) FROM deliveries WHERE status = 'queued' "
                   "AND destination NOT IN (SELECT destination FROM destinations "
                   "WHERE paused_until_ms > ?)",
            use(current), into(queued), now;
        session << "SELECT MIN(lease_until_ms) FROM deliveries WHERE status = 'sending'",
            into(lease), now;
        // The next probe of a paused destination that still has work queued; a pause that
        // has run out, or one with nothing left to send, wakes nobody.
        session << "SELECT MIN(d.paused_until_ms) FROM destinations d WHERE "
                   "d.paused_until_ms > ? AND EXISTS (SELECT 1 FROM deliveries q WHERE "
                   "q.status = 'queued' AND q.destination = d.destination)",
            use(current), into(probe), now;
        for (const auto* candidate : {&queued, &lease, &probe})
            if (!candidate->isNull() && (!due || candidate->value() < *due))
                due = candidate->value();
    });
    return due;
}

std::int64_t DeliveryStore::pendingCount() {
    std::int64_t count = 0;
    database_.read([&](Poco::Data::Session& session) {
        session << "SELECT COUNT(*) FROM deliveries WHERE status IN ('queued', 'sending')",
            into(count), now;
    });
    return count;
}

bool isDeliveryStatus(std::string_view status) {
    return status == "queued" || status == "sending" || status == "delivered" ||
           status == "failed" || status == "dead" || status == "cancelled";
}

std::map<std::string, std::int64_t> DeliveryStore::countsByStatus() {
    std::vector<std::string> statuses;
    std::vector<std::int64_t> counts;
    database_.read([&](Poco::Data::Session& session) {
        session << "SELECT status, COUNT(*) FROM deliveries GROUP BY status", into(statuses),
            into(counts), now;
    });
    std::map<std::string, std::int64_t> result;
    for (std::size_t i = 0; i < statuses.size(); ++i)
        result[statuses[i]] = counts[i];
    return result;
}

void DeliveryStore::requeue(std::int64_t id, std::int64_t nowMs, const std::string& actor,
                            const std::string& detail) {
    database_.write([&](Poco::Data::Session& session) {
        std::vector<std::string> statuses;
        session << "SELECT status FROM deliveries WHERE id = ?", use(id), into(statuses), now;
        if (statuses.empty())
            throw NotFound("delivery " + std::to_string(id) + " does not exist");
        if (statuses.front() == "sending")
            throw InputError("delivery " + std::to_string(id) +
                             " is being sent right now; replay it once it has finished");
        std::string updatedAt = formatTime(nowMs);
        std::int64_t due = nowMs;
        session << "UPDATE deliveries SET status = 'queued', next_attempt_ms = ?, "
                   "updated_at = ? WHERE id = ?",
            use(due), use(updatedAt), use(id), now;
        insertEvent(session, id, actor, "replayed",
                    "was " + statuses.front() + (detail.empty() ? "" : "; " + detail));
    });
}

void DeliveryStore::addEvent(std::int64_t id, const std::string& actor, const std::string& action,
                             const std::string& detail) {
    database_.write(
        [&](Poco::Data::Session& session) { insertEvent(session, id, actor, action, detail); });
}

std::optional<DeliveryRecord> DeliveryStore::find(std::int64_t id) {
    std::optional<DeliveryRecord> result;
    database_.read([&](Poco::Data::Session& session) {
        Poco::Data::Statement select(session);
        select << std::string(kDeliveryColumns) + "WHERE id = ?", use(id);
        auto records = readDeliveries(select);
        if (!records.empty())
            result = std::move(records.front());
    });
    return result;
}

std::vector<AttemptRecord> DeliveryStore::attempts(std::int64_t deliveryId) {
    std::vector<AttemptRecord> result;
    database_.read([&](Poco::Data::Session& session) {
        Poco::Data::Statement select(session);
        select << "SELECT attempt, started_at, duration_ms, status_code, outcome, error, "
                  "response_excerpt FROM delivery_attempts WHERE delivery_id = ? "
                  "ORDER BY attempt, id",
            use(deliveryId);
        select.execute();
        Poco::Data::RecordSet rows(select);
        for (std::size_t i = 0; i < rows.rowCount(); ++i) {
            AttemptRecord attempt;
            attempt.attempt = rows.value(0, i).convert<int>();
            attempt.startedAt = rows.value(1, i).convert<std::string>();
            attempt.durationMs = rows.value(2, i).convert<std::int64_t>();
            attempt.statusCode = rows.value(3, i).convert<int>();
            attempt.outcome = rows.value(4, i).convert<std::string>();
            attempt.error = rows.value(5, i).convert<std::string>();
            attempt.responseExcerpt = rows.value(6, i).convert<std::string>();
            result.push_back(std::move(attempt));
        }
    });
    return result;
}

std::vector<DeliveryEvent> DeliveryStore::events(std::int64_t deliveryId) {
    std::vector<DeliveryEvent> result;
    database_.read([&](Poco::Data::Session& session) {
        std::vector<std::string> at, actor, action, detail;
        session << "SELECT at, actor, action, detail FROM delivery_events WHERE delivery_id = ? "
                   "ORDER BY id",
            use(deliveryId), into(at), into(actor), into(action), into(detail), now;
        for (std::size_t i = 0; i < at.size(); ++i)
            result.push_back({at[i], actor[i], action[i], detail[i]});
    });
    return result;
}

std::vector<DeliveryRecord> DeliveryStore::list(const DeliveryFilter& filter) {
    std::vector<DeliveryRecord> result;
    database_.read([&](Poco::Data::Session& session) {
        Poco::Data::Statement select(session);
        std::string status = filter.status;
        std::int64_t webhookId = filter.webhookId.value_or(0);
        std::int64_t contactId = filter.contactId.value_or(0);
        std::string since = filter.sinceMs ? formatTime(*filter.sinceMs) : "";
        std::string until = filter.untilMs ? formatTime(*filter.untilMs) : "";
        std::size_t limit = filter.limit;
        std::int64_t batchId = filter.batchId.value_or(0);
        select << std::string(kDeliveryColumns) +
                      "WHERE (? = '' OR status = ?) AND (? = 0 OR webhook_id = ?) "
                      "AND (? = 0 OR contact_id = ?) AND (? = '' OR created_at >= ?) "
                      "AND (? = '' OR created_at < ?) AND (? = 0 OR batch_id = ?) "
                      "ORDER BY id DESC LIMIT ?",
            use(status), use(status), use(webhookId), use(webhookId), use(contactId),
            use(contactId), use(since), use(since), use(until), use(until), use(batchId),
            use(batchId), use(limit);
        result = readDeliveries(select);
    });
    return result;
}

std::vector<DestinationState> DeliveryStore::destinations() {
    std::vector<DestinationState> result;
    database_.read([&](Poco::Data::Session& session) {
        Poco::Data::Statement select(session);
        select << "SELECT destination, failing_since_ms, consecutive_failures, paused_until_ms, "
                  "last_error FROM destinations ORDER BY destination";
        select.execute();
        Poco::Data::RecordSet rows(select);
        for (std::size_t i = 0; i < rows.rowCount(); ++i)
            result.push_back({rows.value(0, i).convert<std::string>(),
                              optionalInteger(rows.value(1, i)), rows.value(2, i).convert<int>(),
                              optionalInteger(rows.value(3, i)),
                              rows.value(4, i).convert<std::string>()});
    });
    return result;
}

std::int64_t DeliveryStore::purgeFinishedBefore(std::int64_t cutoffMs) {
    std::int64_t purged = 0;
    database_.write([&](Poco::Data::Session& session) {
        std::string cutoff = formatTime(cutoffMs);
        session << "SELECT COUNT(*) FROM deliveries WHERE status IN ('delivered', 'failed', "
                   "'dead') AND updated_at < ?",
            use(cutoff), into(purged), now;
        session << "UPDATE deliveries SET replay_of = NULL WHERE replay_of IN (SELECT id FROM "
                   "deliveries WHERE status IN ('delivered', 'failed', 'dead') "
                   "AND updated_at < ?)",
            use(cutoff), now;
        session << "DELETE FROM deliveries WHERE status IN ('delivered', 'failed', 'dead') "
                   "AND updated_at < ?",
            use(cutoff), now;
    });
    return purged;
}

} // namespace dpp::bridge
