#pragma once
// The match keys of data sources with de-dupe rules: one row per (data source, rule,
// normalised value) naming the contact that holds it; the only writer of dedupe_keys. The
// primary key makes a value belong to one contact per data source, so two posts of the same
// person can never make two contacts. Static members work inside the caller's transaction;
// not synchronised beyond its session. Throws StoreError when the database fails.
#include "bridge/store/Database.h"
#include "mapping/Contact.h"
#include "mapping/DedupeRules.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dpp::bridge {

struct DedupeMatch {
    std::optional<std::int64_t> contactId; // the first rule's match
    std::string rule;                      // that rule's text
    std::vector<std::string> problems;     // later rules matching other contacts
};

class DedupeKeys {
public:
    // The contact this one matches: rules tried in order, the first with a stored value wins.
    // sourceIdentity is the sender's "account:contact" (empty when the post named none).
    static DedupeMatch find(Poco::Data::Session& session, std::int64_t dataSourceId,
                            const std::vector<mapping::DedupeRule>& rules,
                            const mapping::Contact& contact, const std::string& sourceIdentity);
    // Records the contact's values for every rule; a value another contact holds stays
    // theirs. With replace, the contact's field values recorded before are dropped first
    // (its sender identities stay): they may have changed.
    static void index(Poco::Data::Session& session, std::int64_t dataSourceId,
                      const std::vector<mapping::DedupeRule>& rules,
                      const mapping::Contact& contact, const std::string& sourceIdentity,
                      bool replace);
    // Rebuilds the field values of every contact the data source stored (by its recorded
    // keys and received posts), oldest contact first, after its rules changed. Returns how
    // many contacts were indexed.
    static std::size_t reindex(Poco::Data::Session& session, std::int64_t dataSourceId,
                               const std::vector<mapping::DedupeRule>& rules);
};

} // namespace dpp::bridge
