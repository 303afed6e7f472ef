#pragma once
// Data sources (the receiving side): their posting tokens, key-to-field maps, and the
// idempotent storing of a received contact. Thread-safe through Database.
#include "bridge/receive/SpecialKeys.h"
#include "bridge/store/Database.h"
#include "mapping/Contact.h"
#include "mapping/DedupeRules.h"

#include <exception>
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

// How a post matched the contacts its data source stored before (de-dupe).
enum class MatchOutcome {
    NoMatch,            // stored as a new contact (or de-dupe is off)
    Rejected,           // matched; nothing stored (on-duplicate reject)
    Updated,            // matched; that contact updated in place
    CreatedAsDuplicate, // matched; stored as a new contact marked duplicate_of
};

struct ReceivedContact {
    std::int64_t contactId = 0; // 0 when rejected
    bool duplicate = false;     // the same Idempotency-Key was received before
    MatchOutcome match = MatchOutcome::NoMatch;
    std::optional<std::int64_t> duplicateOf; // the matched contact
    std::string matchedRule;                 // the rule that matched ("email")
    std::vector<std::string> changed;        // Updated: what changed ("email", "plan", ...)
    bool stale = false; // Updated: the post carried an older change than one applied before
    std::vector<std::string> problems; // de-dupe problems (rules that disagree)
    std::vector<std::string> ignoredKeys;
    // The data source's webhook: the delivery that posts the contact on, or why none does
    // (a loop, a webhook that cannot render).
    std::optional<std::int64_t> postedOnBy;
    std::string notPostedOn;
    std::size_t deliveriesQueued = 0; // the post-on and trigger deliveries
};

class DataSourceStore {
public:
    // receive() shares transactions with concurrent writers (Database::write's group commit);
    // each returns only after its own commit.
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

    // Stores a contact received through a data source, in one transaction. When
    // idempotencyKey is not empty and was seen before on this data source, stores nothing and
    // returns the contact stored the first time.
    // With extras: the plan, budget values and document copies are stored in the same
    // transaction as the contact. So are the events contact.created and datasource.imported,
    // and, when the data source names a webhook, the delivery posting the contact on: hops
    // (X-Dppbridge-Hops of the post) tell where the contact has been, and a post-on that would
    // loop back is not queued.
    ReceivedContact receive(const DataSource& source, mapping::Contact& contact,
                            const std::vector<std::string>& ignoredKeys,
                            const std::string& idempotencyKey,
                            const ReceivedExtras* extras = nullptr, const std::string& hops = "");

    // One post for receiveAll(): what receive() takes (pointers the caller keeps alive), and
    // what came of it.
    struct PostToStore {
        const DataSource* source = nullptr;
        mapping::Contact* contact = nullptr;
        const std::vector<std::string>* ignoredKeys = nullptr;
        std::string idempotencyKey;
        const ReceivedExtras* extras = nullptr;
        std::string hops;
        // The system fields the post carried (an update replaces these and keeps the rest);
        // null: every non-empty field.
        const std::vector<mapping::SystemField>* postedFields = nullptr;
        // X-Dppbridge-Change: the sender's change number of the contact (0: none).
        std::int64_t sourceChange = 0;
        ReceivedContact result;   // when stored
        std::exception_ptr error; // when not: that post alone was rolled back
    };
    // Stores each post as receive() would, in as few transactions as the group commit allows
    // (Database::writeAll), and returns once all are committed; a post that fails is rolled
    // back alone and carries its error.
    void receiveAll(std::vector<PostToStore>& posts);

private:
    static void storeIn(Poco::Data::Session& session, PostToStore& post);
    static void recordPost(Poco::Data::Session& session, const PostToStore& post);
    static void afterCommit(const PostToStore& post);
    Database& database_;
};

std::string randomHexToken(std::size_t bytes = 20);
// Lower-case hex SHA-256 of a posting token: what data sources are looked up by.
std::string tokenSha256(const std::string& token);

} // namespace dpp::bridge
