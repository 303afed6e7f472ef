#include "bridge/views/RecordViews.h"

#include "bridge/Clock.h"
#include "mapping/Encoding.h"
#include "mapping/Sensitive.h"

namespace dpp::bridge {

using mapping::SystemField;

namespace {

std::string shown(const mapping::Contact& contact, const mapping::SystemFieldInfo& field,
                  bool revealSecrets) {
    const std::string& value = contact.get(field.field);
    return field.sensitive && !revealSecrets && !value.empty() ? mapping::maskValue(value) : value;
}

std::string shownCustom(const std::string& name, const std::string& value, bool revealSecrets) {
    return !revealSecrets && mapping::isSensitiveName(name) ? mapping::maskNamedValue(name, value)
                                                            : value;
}

} // namespace

std::string quoteJson(std::string_view text) {
    std::string out;
    mapping::appendJsonString(text, out);
    return out;
}

std::string contactJson(const mapping::Contact& contact, bool revealSecrets) {
    std::string out = "{\"id\": " + std::to_string(contact.id) +
                      ", \"account_id\": " + std::to_string(contact.accountId);
    for (const auto& field : mapping::systemFields()) {
        if (field.field == SystemField::Id || field.field == SystemField::AccountId)
            continue;
        out += ", " + quoteJson(field.importName) + ": " +
               quoteJson(shown(contact, field, revealSecrets));
    }
    out += ", \"custom\": {";
    bool first = true;
    for (const auto& [name, value] : contact.custom) {
        out += (first ? "" : ", ") + quoteJson(name) + ": " +
               quoteJson(shownCustom(name, value, revealSecrets));
        first = false;
    }
    return out + "}}";
}

std::string contactText(const mapping::Contact& contact, bool revealSecrets) {
    std::string out = "contact " + std::to_string(contact.id) + " (account " +
                      std::to_string(contact.accountId) + ")\n";
    for (const auto& field : mapping::systemFields()) {
        if (field.field == SystemField::Id || field.field == SystemField::AccountId)
            continue;
        std::string value = shown(contact, field, revealSecrets);
        if (value.empty())
            continue;
        std::string label = "  " + std::string(field.importName);
        label.resize(16, ' ');
        out += label + value + "\n";
    }
    for (const auto& [name, value] : contact.custom) {
        std::string label = "  [" + name + "]";
        if (label.size() < 16)
            label.resize(16, ' ');
        else
            label += " ";
        out += label + shownCustom(name, value, revealSecrets) + "\n";
    }
    return out;
}

std::string contactRow(const mapping::Contact& contact) {
    auto column = [](std::string text, std::size_t width) {
        std::size_t characters = 0; // code points, so that accents and CJK do not shift columns
        for (char c : text)
            characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        if (characters < width)
            text.append(width - characters, ' ');
        return text + " ";
    };
    return column(std::to_string(contact.id), 8) +
           column(contact.get(SystemField::FirstName) + " " + contact.get(SystemField::LastName),
                  24) +
           column(contact.get(SystemField::CellPhone), 14) +
           column(contact.get(SystemField::State), 5) + contact.get(SystemField::Email);
}

std::string withThousands(std::int64_t value) {
    std::string digits = std::to_string(value < 0 ? -value : value);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return (value < 0 ? "-" : "") + out;
}

std::string dataSourceJson(const DataSource& source) {
    std::string out =
        "{\"id\": " + std::to_string(source.id) +
        ", \"account_id\": " + std::to_string(source.accountId) +
        ", \"name\": " + quoteJson(source.name) +
        ", \"posting_path\": " + quoteJson(source.postingPath()) +
        ", \"webhook_id\": " + (source.webhookId ? std::to_string(*source.webhookId) : "null") +
        ", \"mappings\": {";
    bool first = true;
    for (const auto& [key, field] : source.mappings) {
        out += (first ? "" : ", ") + quoteJson(key) + ": " + quoteJson(mapping::info(field).tag);
        first = false;
    }
    for (const auto& [key, name] : source.customMappings) {
        out += (first ? "" : ", ") + quoteJson(key) + ": " + quoteJson("CF:" + name);
        first = false;
    }
    out += "}, \"dedupe\": ";
    if (source.dedupe.enabled()) {
        out += "{\"rules\": [";
        for (std::size_t i = 0; i < source.dedupe.rules.size(); ++i)
            out += (i ? ", " : "") + quoteJson(source.dedupe.rules[i].text());
        out += "], \"on_duplicate\": " +
               quoteJson(std::string(duplicateActionName(source.dedupe.action))) + "}";
    } else {
        out += "null";
    }
    out +=
        ", \"redirect\": " + (source.redirectUrl.empty() ? "null" : quoteJson(source.redirectUrl));
    return out + "}";
}

std::string deliveryJson(const DeliveryRecord& delivery, const std::vector<AttemptRecord>* attempts,
                         const std::vector<DeliveryEvent>* events,
                         std::optional<std::int64_t> destinationPausedUntilMs) {
    std::string out =
        "{\"id\": " + std::to_string(delivery.id) +
        ", \"idempotency_key\": " + quoteJson(delivery.idempotencyKey) +
        ", \"webhook_id\": " + std::to_string(delivery.webhookId) +
        ", \"contact_id\": " + std::to_string(delivery.contactId) +
        ", \"status\": " + quoteJson(delivery.status) +
        ", \"attempts\": " + std::to_string(delivery.attempts) +
        ", \"destination\": " + quoteJson(delivery.destination) +
        ", \"origin\": " + quoteJson(delivery.origin) +
        ", \"replay_of\": " + (delivery.replayOf ? std::to_string(*delivery.replayOf) : "null") +
        ", \"created_at\": " + quoteJson(delivery.createdAt) +
        ", \"updated_at\": " + quoteJson(delivery.updatedAt) + ", \"next_attempt_at\": " +
        (delivery.status == "queued" && delivery.nextAttemptMs
             ? quoteJson(formatTime(*delivery.nextAttemptMs))
             : "null") +
        ", \"last_error\": " + quoteJson(delivery.lastError) + ", \"destination_paused_until\": " +
        (destinationPausedUntilMs ? quoteJson(formatTime(*destinationPausedUntilMs)) : "null");
    if (attempts) {
        out += ", \"request\": {\"method\": " + quoteJson(delivery.method) +
               ", \"url\": " + quoteJson(delivery.url) +
               ", \"content_type\": " + quoteJson(delivery.contentType) +
               ", \"body\": " + quoteJson(delivery.body) + "}, \"attempt_log\": [";
        for (std::size_t i = 0; i < attempts->size(); ++i) {
            const AttemptRecord& attempt = (*attempts)[i];
            out += (i ? ", " : "") + std::string("{\"attempt\": ") +
                   std::to_string(attempt.attempt) +
                   ", \"started_at\": " + quoteJson(attempt.startedAt) +
                   ", \"duration_ms\": " + std::to_string(attempt.durationMs) +
                   ", \"status_code\": " + std::to_string(attempt.statusCode) +
                   ", \"outcome\": " + quoteJson(attempt.outcome) +
                   ", \"error\": " + quoteJson(attempt.error) +
                   ", \"response_excerpt\": " + quoteJson(attempt.responseExcerpt) + "}";
        }
        out += "]";
    }
    if (events) {
        out += ", \"events\": [";
        for (std::size_t i = 0; i < events->size(); ++i) {
            const DeliveryEvent& event = (*events)[i];
            out += (i ? ", " : "") + std::string("{\"at\": ") + quoteJson(event.at) +
                   ", \"actor\": " + quoteJson(event.actor) +
                   ", \"action\": " + quoteJson(event.action) +
                   ", \"detail\": " + quoteJson(event.detail) + "}";
        }
        out += "]";
    }
    return out + "}";
}

std::string destinationJson(const DestinationState& destination, std::int64_t nowMs) {
    bool paused = destination.pausedUntilMs && *destination.pausedUntilMs > nowMs;
    return "{\"destination\": " + quoteJson(destination.destination) + ", \"failing_since\": " +
           (destination.failingSinceMs ? quoteJson(formatTime(*destination.failingSinceMs))
                                       : "null") +
           ", \"consecutive_failures\": " + std::to_string(destination.consecutiveFailures) +
           ", \"paused_until\": " +
           (paused ? quoteJson(formatTime(*destination.pausedUntilMs)) : "null") +
           ", \"last_error\": " + quoteJson(destination.lastError) + "}";
}

} // namespace dpp::bridge
