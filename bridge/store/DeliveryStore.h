#pragma once
// The record of deliveries: one row per (webhook, contact) request with its stable
// Idempotency-Key and the request as sent (secrets masked), and one row per attempt with its
// time, duration, status, error and a bounded response excerpt. Thread-safe via Database.
#include "bridge/store/Database.h"

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
    std::string body; // masked
    int attempts = 0;
    std::string nextAttemptAt;
    std::string createdAt;
    std::string updatedAt;
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

struct DeliveryFilter {
    std::string status;
    std::optional<std::int64_t> webhookId;
    std::optional<std::int64_t> contactId;
    std::size_t limit = 100;
};

class DeliveryStore {
public:
    explicit DeliveryStore(Database& database) : database_(database) {}

    // Records a new delivery with a fresh Idempotency-Key; returns it with its id.
    DeliveryRecord create(std::int64_t webhookId, std::int64_t contactId, const std::string& method,
                          const std::string& maskedUrl, const std::string& contentType,
                          const std::string& maskedBody, const std::string& status);
    // Appends an attempt and sets the delivery's status, in one transaction.
    void recordAttempt(std::int64_t deliveryId, AttemptRecord attempt,
                       const std::string& newStatus);

    std::optional<DeliveryRecord> find(std::int64_t id);
    std::vector<AttemptRecord> attempts(std::int64_t deliveryId);
    std::vector<DeliveryRecord> list(const DeliveryFilter& filter);

private:
    Database& database_;
};

} // namespace dpp::bridge
