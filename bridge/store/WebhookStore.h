#pragma once
// Webhook definitions in the store, with their ordered pairs. A definition is saved whole
// (create, or update by id or by title) in one transaction. Thread-safe through Database.
// Validation is the caller's job (compile the definition first); this class only stores.
#include "bridge/store/Database.h"
#include "mapping/Webhook.h"

#include <optional>
#include <vector>

namespace dpp::bridge {

class WebhookStore {
public:
    explicit WebhookStore(Database& database) : database_(database) {}

    // Creates the webhook, or replaces the one with the same id (or, without an id, the same
    // title). Sets webhook.id. Returns true when it created a new one.
    bool save(mapping::WebhookDefinition& webhook);
    std::optional<mapping::WebhookDefinition> find(std::int64_t id);
    std::optional<mapping::WebhookDefinition> findByTitle(const std::string& title);
    mapping::WebhookDefinition require(std::int64_t id); // throws NotFound
    std::vector<mapping::WebhookDefinition> all();

    static std::optional<mapping::WebhookDefinition> load(Poco::Data::Session& session,
                                                          std::int64_t id);

private:
    Database& database_;
};

} // namespace dpp::bridge
