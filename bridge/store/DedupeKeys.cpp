#include "bridge/store/DedupeKeys.h"

#include "bridge/store/CachedStatement.h"
#include "bridge/store/ContactStore.h"

#include <set>

namespace dpp::bridge {

namespace {

std::optional<std::string> valueFor(const mapping::DedupeRule& rule,
                                    const mapping::Contact& contact,
                                    const std::string& sourceIdentity) {
    std::optional<std::string_view> identity;
    if (!sourceIdentity.empty())
        identity = sourceIdentity;
    return mapping::matchValue(rule, contact, identity);
}

void insertKey(Poco::Data::Session& session, std::int64_t dataSourceId, const std::string& rule,
               const std::string& value, std::int64_t contactId) {
    CachedStatement(session, "INSERT INTO dedupe_keys (data_source_id, rule, match_value, "
                             "contact_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
        .bind(1, dataSourceId)
        .bind(2, rule)
        .bind(3, value)
        .bind(4, contactId)
        .run();
}

} // namespace

DedupeMatch DedupeKeys::find(Poco::Data::Session& session, std::int64_t dataSourceId,
                             const std::vector<mapping::DedupeRule>& rules,
                             const mapping::Contact& contact, const std::string& sourceIdentity) {
    DedupeMatch match;
    for (const mapping::DedupeRule& rule : rules) {
        auto value = valueFor(rule, contact, sourceIdentity);
        if (!value)
            continue;
        std::string text = rule.text();
        CachedStatement select(session, "SELECT contact_id FROM dedupe_keys WHERE "
                                        "data_source_id = ? AND rule = ? AND match_value = ?");
        select.bind(1, dataSourceId).bind(2, text).bind(3, *value);
        if (!select.step())
            continue;
        std::int64_t found = select.integer(0);
        if (!match.contactId) {
            match.contactId = found;
            match.rule = text;
        } else if (found != *match.contactId) {
            match.problems.push_back("de-dupe rules disagree: '" + match.rule +
                                     "' matched contact " + std::to_string(*match.contactId) +
                                     ", '" + text + "' matched contact " + std::to_string(found) +
                                     "; the first rule's match was taken");
        }
    }
    return match;
}

void DedupeKeys::index(Poco::Data::Session& session, std::int64_t dataSourceId,
                       const std::vector<mapping::DedupeRule>& rules,
                       const mapping::Contact& contact, const std::string& sourceIdentity,
                       bool replace) {
    if (replace)
        CachedStatement(session, "DELETE FROM dedupe_keys WHERE data_source_id = ? AND "
                                 "contact_id = ? AND rule <> 'source'")
            .bind(1, dataSourceId)
            .bind(2, contact.id)
            .run();
    for (const mapping::DedupeRule& rule : rules)
        if (auto value = valueFor(rule, contact, sourceIdentity))
            insertKey(session, dataSourceId, rule.text(), *value, contact.id);
}

std::size_t DedupeKeys::reindex(Poco::Data::Session& session, std::int64_t dataSourceId,
                                const std::vector<mapping::DedupeRule>& rules) {
    std::set<std::int64_t> contacts;
    {
        CachedStatement select(session, "SELECT contact_id FROM dedupe_keys WHERE "
                                        "data_source_id = ? UNION SELECT contact_id FROM "
                                        "received_posts WHERE data_source_id = ?");
        select.bind(1, dataSourceId).bind(2, dataSourceId);
        while (select.step())
            contacts.insert(select.integer(0));
    }
    CachedStatement(session,
                    "DELETE FROM dedupe_keys WHERE data_source_id = ? AND rule <> 'source'")
        .bind(1, dataSourceId)
        .run();
    std::vector<mapping::DedupeRule> fieldRules;
    for (const mapping::DedupeRule& rule : rules)
        if (!rule.source)
            fieldRules.push_back(rule);
    std::size_t indexed = 0;
    for (std::int64_t id : contacts) {
        auto contact = ContactStore::load(session, id);
        if (!contact)
            continue;
        index(session, dataSourceId, fieldRules, *contact, "", false);
        ++indexed;
    }
    return indexed;
}

} // namespace dpp::bridge
