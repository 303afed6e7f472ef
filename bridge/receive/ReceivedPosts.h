#pragma once
// Storing what data sources receive: each post in one transaction (shared with concurrent
// posts by the group commit) with everything it causes. The Idempotency-Key is judged first
// (a repeated key answers the first result and stores nothing); then the data source's
// de-dupe rules decide whether the post makes a new contact, updates the one it matches
// (unless it is older than a change applied already), or is rejected. With the contact go its
// plan, budget values and document copies, the events contact.created and
// datasource.imported (contact.updated and contact.status_changed for an update), and, when
// the data source names a webhook, the delivery posting the contact on: hops (the post's
// X-Dppbridge-Hops) tell where the contact has been, and a post-on that would loop back is
// not queued. Thread-safe through Database; each call returns once its posts are committed.
#include "bridge/receive/SpecialKeys.h"
#include "bridge/store/DataSourceStore.h"

#include <exception>
#include <optional>
#include <string>
#include <vector>

namespace dpp::bridge {

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

class ReceivedPosts {
public:
    explicit ReceivedPosts(Database& database) : database_(database) {}

    // One post: what receive() takes, and what came of it.
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

} // namespace dpp::bridge
