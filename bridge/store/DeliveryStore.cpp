#include "bridge/store/DeliveryStore.h"

#include "bridge/store/DataSourceStore.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

using namespace Poco::Data::Keywords;

namespace dpp::bridge {

namespace {

const char* kDeliveryColumns =
    "SELECT id, idempotency_key, webhook_id, contact_id, status, method, url, content_type, "
    "body, attempts, COALESCE(next_attempt_at, ''), created_at, updated_at FROM deliveries ";

std::vector<DeliveryRecord> readDeliveries(Poco::Data::Statement& select) {
    select.execute();
    Poco::Data::RecordSet rows(select);
    std::vector<DeliveryRecord> records;
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
        record.attempts = rows.value(9, i).convert<int>();
        record.nextAttemptAt = rows.value(10, i).convert<std::string>();
        record.createdAt = rows.value(11, i).convert<std::string>();
        record.updatedAt = rows.value(12, i).convert<std::string>();
        records.push_back(std::move(record));
    }
    return records;
}

} // namespace

DeliveryRecord DeliveryStore::create(std::int64_t webhookId, std::int64_t contactId,
                                     const std::string& method, const std::string& maskedUrl,
                                     const std::string& contentType, const std::string& maskedBody,
                                     const std::string& status) {
    DeliveryRecord record;
    record.idempotencyKey = "dlv_" + randomHexToken(16);
    record.webhookId = webhookId;
    record.contactId = contactId;
    record.status = status;
    record.method = method;
    record.url = maskedUrl;
    record.contentType = contentType;
    record.body = maskedBody;
    record.createdAt = record.updatedAt = nowText();
    database_.write([&](Poco::Data::Session& session) {
        session << "INSERT INTO deliveries (idempotency_key, webhook_id, contact_id, status, "
                   "method, url, content_type, body, attempts, created_at, updated_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) RETURNING id",
            useRef(record.idempotencyKey), use(record.webhookId), use(record.contactId),
            useRef(record.status), useRef(record.method), useRef(record.url),
            useRef(record.contentType), useRef(record.body), useRef(record.createdAt),
            useRef(record.updatedAt), into(record.id), now;
    });
    return record;
}

void DeliveryStore::recordAttempt(std::int64_t deliveryId, AttemptRecord attempt,
                                  const std::string& newStatus) {
    database_.write([&](Poco::Data::Session& session) {
        int previous = 0;
        session << "SELECT attempts FROM deliveries WHERE id = ?", use(deliveryId), into(previous),
            now;
        attempt.attempt = previous + 1;
        session << "INSERT INTO delivery_attempts (delivery_id, attempt, started_at, "
                   "duration_ms, status_code, outcome, error, response_excerpt) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            use(deliveryId), use(attempt.attempt), useRef(attempt.startedAt),
            use(attempt.durationMs), use(attempt.statusCode), useRef(attempt.outcome),
            useRef(attempt.error), useRef(attempt.responseExcerpt), now;
        std::string updatedAt = nowText();
        session << "UPDATE deliveries SET attempts = ?, status = ?, updated_at = ? WHERE id = ?",
            use(attempt.attempt), useRef(newStatus), use(updatedAt), use(deliveryId), now;
    });
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
                  "ORDER BY attempt",
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

std::vector<DeliveryRecord> DeliveryStore::list(const DeliveryFilter& filter) {
    std::vector<DeliveryRecord> result;
    database_.read([&](Poco::Data::Session& session) {
        Poco::Data::Statement select(session);
        std::string status = filter.status;
        std::int64_t webhookId = filter.webhookId.value_or(0);
        std::int64_t contactId = filter.contactId.value_or(0);
        std::size_t limit = filter.limit;
        select << std::string(kDeliveryColumns) +
                      "WHERE (? = '' OR status = ?) AND (? = 0 OR webhook_id = ?) "
                      "AND (? = 0 OR contact_id = ?) ORDER BY id DESC LIMIT ?",
            use(status), use(status), use(webhookId), use(webhookId), use(contactId),
            use(contactId), use(limit);
        result = readDeliveries(select);
    });
    return result;
}

} // namespace dpp::bridge
