#pragma once
// Data sources (the receiving side): their posting tokens, key-to-field maps, de-dupe and
// redirect settings, and the posts they received by Idempotency-Key. Thread-safe through
// Database.
#include "bridge/store/Database.h"
#include "mapping/Contact.h"
#include "mapping/DedupeRules.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dpp::bridge {

// What a data source does with a post that matches a contact it stored before.
enum class DuplicateAction {
    Reject, // nothing stored; 409 naming the match
    Update, // the matched contact is brought up to date
    Create, // stored as a new contact marked duplicate_of the match
};
std::string_view duplicateActionName(DuplicateAction action);
std::optional<DuplicateAction> duplicateActionByName(std::string_view name);

// A data source's de-dupe settings: without rules, every post makes a new contact.
struct DedupeSettings {
    std::vector<mapping::DedupeRule> rules; // tried in order
    DuplicateAction action = DuplicateAction::Reject;
    bool enabled() const { return !rules.empty(); }
};

struct DataSource {
    std::int64_t id = 0;
    std::int64_t accountId = 0;
    std::string name;
    std::string token; // 40 hex characters, 160 random bits
    std::optional<std::int64_t> webhookId;
    std::map<std::string, mapping::SystemField> mappings; // extra keys beyond the DPP defaults
    std::map<std::string, std::string> customMappings;    // posted key -> custom field name
    DedupeSettings dedupe;
    std::string redirectUrl; // browsers posting a form are sent here (303) once stored
    std::string postingPath() const { return "/post/" + token + "/"; }
};

// A change to a data source's settings (`datasource set`); what is not set stays.
struct DataSourceChanges {
    std::optional<DedupeSettings> dedupe; // rules empty: de-dupe off
    std::optional<std::optional<std::int64_t>> webhookId;
    std::optional<std::string> redirectUrl; // "" removes it
};

// What a data source received before under an Idempotency-Key.
struct ReceivedPost {
    std::int64_t contactId = 0;
    std::vector<std::string> ignoredKeys;
};

class DataSourceStore {
public:
    explicit DataSourceStore(Database& database);

    // Throws InputError (empty name, a name in use), NotFound (account, webhook).
    DataSource add(std::int64_t accountId, const std::string& name,
                   std::optional<std::int64_t> webhookId, const DedupeSettings& dedupe = {},
                   const std::string& redirectUrl = "");
    // Applies the changes in one transaction. New de-dupe rules re-index the contacts the
    // data source stored before (the sender identities it recorded stay). Throws NotFound.
    DataSource set(std::int64_t id, const DataSourceChanges& changes);
    std::optional<DataSource> findByToken(const std::string& token);
    std::optional<DataSource> find(std::int64_t id);
    DataSource require(std::int64_t id); // throws NotFound
    std::vector<DataSource> all();
    void map(std::int64_t dataSourceId, const std::string& key, mapping::SystemField field);
    void mapCustom(std::int64_t dataSourceId, const std::string& key, const std::string& name);
    void unmap(std::int64_t dataSourceId, const std::string& key);

    // The post received under idempotencyKey, inside the caller's transaction.
    static std::optional<ReceivedPost> findReceivedPost(Poco::Data::Session& session,
                                                        std::int64_t dataSourceId,
                                                        const std::string& idempotencyKey);
    // Records what a post under idempotencyKey came to, inside the caller's transaction.
    static void recordReceivedPost(Poco::Data::Session& session, std::int64_t dataSourceId,
                                   const std::string& idempotencyKey, const ReceivedPost& post);

private:
    Database& database_;
};

std::string randomHexToken(std::size_t bytes = 20);
// Lower-case hex SHA-256 of a posting token: what data sources are looked up by.
std::string tokenSha256(const std::string& token);

} // namespace dpp::bridge
