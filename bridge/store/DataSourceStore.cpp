#include "bridge/store/DataSourceStore.h"

#include "bridge/InputError.h"
#include "bridge/secrets/ConstantTime.h"
#include "bridge/store/CachedStatement.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/DedupeKeys.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/DigestEngine.h>
#include <Poco/Nullable.h>
#include <Poco/RandomStream.h>
#include <Poco/SHA2Engine.h>

using namespace Poco::Data::Keywords;

namespace dpp::bridge {

namespace {

std::string joinKeys(const std::vector<std::string>& keys) {
    std::string joined;
    for (const auto& key : keys) {
        if (!joined.empty())
            joined += '\n';
        joined += key;
    }
    return joined;
}

std::vector<std::string> splitKeys(const std::string& joined) {
    std::vector<std::string> keys;
    std::size_t start = 0;
    while (start < joined.size()) {
        std::size_t end = joined.find('\n', start);
        if (end == std::string::npos)
            end = joined.size();
        keys.push_back(joined.substr(start, end - start));
        start = end + 1;
    }
    return keys;
}

// Custom fields are mapped as "CF:Name"; system fields by their tag.
void addMapping(DataSource& source, const std::string& key, const std::string& field) {
    if (field.starts_with("CF:"))
        source.customMappings[key] = field.substr(3);
    else if (auto system = mapping::fieldByTag(field))
        source.mappings[key] = *system;
}

// The settings columns, checked when they were written: a value this version cannot read
// (a store written by a newer one) leaves de-dupe off rather than failing every post.
void readSettings(DataSource& source, const std::string& rules, const std::string& action,
                  const std::string& redirect) {
    source.redirectUrl = redirect;
    if (rules.empty())
        return;
    try {
        source.dedupe.rules = mapping::parseDedupeRules(rules);
    } catch (const mapping::DedupeRuleError&) {
        return;
    }
    source.dedupe.action = duplicateActionByName(action).value_or(DuplicateAction::Reject);
}

std::vector<DataSource> selectSources(Poco::Data::Session& session, const std::string& where,
                                      const std::string& argument) {
    Poco::Data::Statement select(session);
    std::string value = argument;
    select << "SELECT id, account_id, name, token, webhook_id, dedupe_rules, on_duplicate, "
              "redirect_url FROM data_sources" +
                  (where.empty() ? std::string(" ORDER BY id") : " WHERE " + where);
    if (!where.empty())
        select, use(value);
    select.execute();
    Poco::Data::RecordSet rows(select);
    std::vector<DataSource> sources;
    for (std::size_t i = 0; i < rows.rowCount(); ++i) {
        DataSource source;
        source.id = rows.value(0, i).convert<std::int64_t>();
        source.accountId = rows.value(1, i).convert<std::int64_t>();
        source.name = rows.value(2, i).convert<std::string>();
        source.token = rows.value(3, i).convert<std::string>();
        if (!rows.value(4, i).isEmpty())
            source.webhookId = rows.value(4, i).convert<std::int64_t>();
        readSettings(source, rows.value(5, i).convert<std::string>(),
                     rows.value(6, i).convert<std::string>(),
                     rows.value(7, i).convert<std::string>());
        std::vector<std::string> keys, fields;
        session << "SELECT post_key, field FROM data_source_mappings WHERE data_source_id = ?",
            use(source.id), into(keys), into(fields), now;
        for (std::size_t m = 0; m < keys.size(); ++m)
            addMapping(source, keys[m], fields[m]);
        sources.push_back(std::move(source));
    }
    return sources;
}

} // namespace

std::string randomHexToken(std::size_t bytes) {
    Poco::RandomInputStream random;
    static const char* digits = "0123456789abcdef";
    std::string token;
    token.reserve(bytes * 2);
    for (std::size_t i = 0; i < bytes; ++i) {
        auto byte = static_cast<unsigned char>(random.get());
        token.push_back(digits[byte >> 4]);
        token.push_back(digits[byte & 15]);
    }
    return token;
}

std::string_view duplicateActionName(DuplicateAction action) {
    switch (action) {
    case DuplicateAction::Reject:
        return "reject";
    case DuplicateAction::Update:
        return "update";
    case DuplicateAction::Create:
        return "create";
    }
    return "reject";
}

std::optional<DuplicateAction> duplicateActionByName(std::string_view name) {
    for (DuplicateAction action :
         {DuplicateAction::Reject, DuplicateAction::Update, DuplicateAction::Create})
        if (duplicateActionName(action) == name)
            return action;
    return std::nullopt;
}

namespace {

void requireWebhook(Poco::Data::Session& session, std::int64_t webhookId) {
    int exists = 0;
    session << "SELECT COUNT(*) FROM webhooks WHERE id = ?", use(webhookId), into(exists), now;
    if (!exists)
        throw NotFound("webhook " + std::to_string(webhookId) + " does not exist");
}

} // namespace

DataSource DataSourceStore::add(std::int64_t accountId, const std::string& name,
                                std::optional<std::int64_t> webhookId, const DedupeSettings& dedupe,
                                const std::string& redirectUrl) {
    if (name.empty())
        throw InputError("--name must not be empty");
    DataSource source;
    source.accountId = accountId;
    source.name = name;
    source.token = randomHexToken();
    source.webhookId = webhookId;
    source.dedupe = dedupe;
    source.redirectUrl = redirectUrl;
    database_.write([&](Poco::Data::Session& session) {
        if (!ContactStore::accountExists(session, accountId))
            throw NotFound("account " + std::to_string(accountId) +
                           " does not exist; create it with: dppbridge account add --id " +
                           std::to_string(accountId) + " --name NAME");
        int clash = 0;
        session << "SELECT COUNT(*) FROM data_sources WHERE account_id = ? AND name = ?",
            use(accountId), useRef(name), into(clash), now;
        if (clash)
            throw InputError("account " + std::to_string(accountId) +
                             " already has a data source named '" + name + "'");
        if (webhookId)
            requireWebhook(session, *webhookId);
        Poco::Nullable<std::int64_t> webhook;
        if (webhookId)
            webhook = *webhookId;
        std::string createdAt = nowText();
        std::string tokenHash = tokenSha256(source.token);
        std::string rules = mapping::dedupeRulesText(dedupe.rules);
        std::string action(duplicateActionName(dedupe.action));
        session << "INSERT INTO data_sources (account_id, name, token, token_sha256, webhook_id, "
                   "created_at, dedupe_rules, on_duplicate, redirect_url) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            use(accountId), useRef(name), useRef(source.token), use(tokenHash), use(webhook),
            use(createdAt), use(rules), use(action), useRef(redirectUrl), into(source.id), now;
    });
    return source;
}

DataSource DataSourceStore::set(std::int64_t id, const DataSourceChanges& changes) {
    database_.write([&](Poco::Data::Session& session) {
        auto found = selectSources(session, "id = CAST(? AS INTEGER)", std::to_string(id));
        if (found.empty())
            throw NotFound("data source " + std::to_string(id) +
                           " does not exist (see: dppbridge datasource list)");
        if (changes.webhookId) {
            Poco::Nullable<std::int64_t> webhook;
            if (*changes.webhookId) {
                requireWebhook(session, **changes.webhookId);
                webhook = **changes.webhookId;
            }
            session << "UPDATE data_sources SET webhook_id = ? WHERE id = ?", use(webhook), use(id),
                now;
        }
        if (changes.redirectUrl)
            session << "UPDATE data_sources SET redirect_url = ? WHERE id = ?",
                useRef(*changes.redirectUrl), use(id), now;
        if (changes.dedupe) {
            std::string rules = mapping::dedupeRulesText(changes.dedupe->rules);
            std::string action(duplicateActionName(changes.dedupe->action));
            bool rulesChanged = rules != mapping::dedupeRulesText(found.front().dedupe.rules);
            session << "UPDATE data_sources SET dedupe_rules = ?, on_duplicate = ? WHERE id = ?",
                use(rules), use(action), use(id), now;
            if (rulesChanged)
                DedupeKeys::reindex(session, id, changes.dedupe->rules);
        }
    });
    return require(id);
}

std::string tokenSha256(const std::string& token) {
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(token);
    return Poco::DigestEngine::digestToHex(sha.digest());
}

std::optional<DataSource> DataSourceStore::findByToken(const std::string& token) {
    std::optional<DataSource> result;
    database_.read([&](Poco::Data::Session& session) {
        // By the token's hash (the lookup's timing says nothing about the token), then the
        // token itself compared in constant time. Every post does this: compiled statements.
        CachedStatement select(
            session, "SELECT id, account_id, name, token, webhook_id, dedupe_rules, "
                     "on_duplicate, redirect_url FROM data_sources WHERE token_sha256 = ?");
        select.bind(1, tokenSha256(token));
        if (!select.step() || !constantTimeEquals(select.text(3), token))
            return;
        DataSource source;
        source.id = select.integer(0);
        source.accountId = select.integer(1);
        source.name = select.text(2);
        source.token = select.text(3);
        source.webhookId = select.optionalInteger(4);
        readSettings(source, select.text(5), select.text(6), select.text(7));
        CachedStatement mappings(
            session, "SELECT post_key, field FROM data_source_mappings WHERE data_source_id = ?");
        mappings.bind(1, source.id);
        while (mappings.step())
            addMapping(source, mappings.text(0), mappings.text(1));
        result = std::move(source);
    });
    return result;
}

std::optional<DataSource> DataSourceStore::find(std::int64_t id) {
    std::optional<DataSource> result;
    database_.read([&](Poco::Data::Session& session) {
        auto sources = selectSources(session, "id = CAST(? AS INTEGER)", std::to_string(id));
        if (!sources.empty())
            result = std::move(sources.front());
    });
    return result;
}

DataSource DataSourceStore::require(std::int64_t id) {
    auto source = find(id);
    if (!source)
        throw NotFound("data source " + std::to_string(id) +
                       " does not exist (see: dppbridge datasource list)");
    return *source;
}

std::vector<DataSource> DataSourceStore::all() {
    std::vector<DataSource> result;
    database_.read([&](Poco::Data::Session& session) { result = selectSources(session, "", ""); });
    return result;
}

void DataSourceStore::map(std::int64_t dataSourceId, const std::string& key,
                          mapping::SystemField field) {
    std::string tag(mapping::info(field).tag);
    database_.write([&](Poco::Data::Session& session) {
        session << "DELETE FROM data_source_mappings WHERE data_source_id = ? AND post_key = ?",
            use(dataSourceId), useRef(key), now;
        session << "INSERT INTO data_source_mappings (data_source_id, post_key, field) "
                   "VALUES (?, ?, ?)",
            use(dataSourceId), useRef(key), use(tag), now;
    });
}

void DataSourceStore::mapCustom(std::int64_t dataSourceId, const std::string& key,
                                const std::string& name) {
    std::string field = "CF:" + name;
    database_.write([&](Poco::Data::Session& session) {
        session << "DELETE FROM data_source_mappings WHERE data_source_id = ? AND post_key = ?",
            use(dataSourceId), useRef(key), now;
        session << "INSERT INTO data_source_mappings (data_source_id, post_key, field) "
                   "VALUES (?, ?, ?)",
            use(dataSourceId), useRef(key), use(field), now;
    });
}

void DataSourceStore::unmap(std::int64_t dataSourceId, const std::string& key) {
    database_.write([&](Poco::Data::Session& session) {
        session << "DELETE FROM data_source_mappings WHERE data_source_id = ? AND post_key = ?",
            use(dataSourceId), useRef(key), now;
    });
}

namespace {} // namespace

DataSourceStore::DataSourceStore(Database& database) : database_(database) {}

std::optional<ReceivedPost> DataSourceStore::findReceivedPost(Poco::Data::Session& session,
                                                              std::int64_t dataSourceId,
                                                              const std::string& idempotencyKey) {
    CachedStatement seen(session, "SELECT contact_id, ignored_keys FROM received_posts "
                                  "WHERE data_source_id = ? AND idempotency_key = ?");
    seen.bind(1, dataSourceId).bind(2, idempotencyKey);
    if (!seen.step())
        return std::nullopt;
    return ReceivedPost{seen.integer(0), splitKeys(seen.text(1))};
}

void DataSourceStore::recordReceivedPost(Poco::Data::Session& session, std::int64_t dataSourceId,
                                         const std::string& idempotencyKey,
                                         const ReceivedPost& post) {
    CachedStatement insert(session,
                           "INSERT INTO received_posts (data_source_id, idempotency_key, "
                           "contact_id, ignored_keys, received_at) VALUES (?, ?, ?, ?, ?)");
    insert.bind(1, dataSourceId)
        .bind(2, idempotencyKey)
        .bind(3, post.contactId)
        .bind(4, joinKeys(post.ignoredKeys))
        .bind(5, nowText())
        .run();
}

} // namespace dpp::bridge
