#include "bridge/store/DataSourceStore.h"

#include "bridge/store/CachedStatement.h"

#include "bridge/Log.h"
#include "bridge/activation/EventNames.h"
#include "bridge/activation/EventRaiser.h"
#include "bridge/documents/PeerAuthentication.h"
#include "bridge/outbox/OutboxSignal.h"

#include "bridge/store/WebhookStore.h"
#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include "bridge/Clock.h"
#include "bridge/InputError.h"
#include "bridge/documents/DocumentCopies.h"
#include "bridge/store/ContactExtrasStore.h"
#include "bridge/store/ContactStore.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>
#include <Poco/RandomStream.h>

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

std::vector<DataSource> selectSources(Poco::Data::Session& session, const std::string& where,
                                      const std::string& argument) {
    Poco::Data::Statement select(session);
    std::string value = argument;
    select << "SELECT id, account_id, name, token, webhook_id FROM data_sources" +
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
        std::vector<std::string> keys, fields;
        session << "SELECT post_key, field FROM data_source_mappings WHERE data_source_id = ?",
            use(source.id), into(keys), into(fields), now;
        for (std::size_t m = 0; m < keys.size(); ++m)
            if (auto field = mapping::fieldByTag(fields[m]))
                source.mappings[keys[m]] = *field;
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

DataSource DataSourceStore::add(std::int64_t accountId, const std::string& name,
                                std::optional<std::int64_t> webhookId) {
    if (name.empty())
        throw InputError("--name must not be empty");
    DataSource source;
    source.accountId = accountId;
    source.name = name;
    source.token = randomHexToken();
    source.webhookId = webhookId;
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
        if (webhookId) {
            int exists = 0;
            session << "SELECT COUNT(*) FROM webhooks WHERE id = ?", use(*webhookId), into(exists),
                now;
            if (!exists)
                throw NotFound("webhook " + std::to_string(*webhookId) + " does not exist");
        }
        Poco::Nullable<std::int64_t> webhook;
        if (webhookId)
            webhook = *webhookId;
        std::string createdAt = nowText();
        std::string tokenHash = tokenSha256(source.token);
        session << "INSERT INTO data_sources (account_id, name, token, token_sha256, webhook_id, "
                   "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            use(accountId), useRef(name), useRef(source.token), use(tokenHash), use(webhook),
            use(createdAt), into(source.id), now;
    });
    return source;
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
        CachedStatement select(session, "SELECT id, account_id, name, token, webhook_id FROM "
                                        "data_sources WHERE token_sha256 = ?");
        select.bind(1, tokenSha256(token));
        if (!select.step() || !constantTimeEquals(select.text(3), token))
            return;
        DataSource source;
        source.id = select.integer(0);
        source.accountId = select.integer(1);
        source.name = select.text(2);
        source.token = select.text(3);
        source.webhookId = select.optionalInteger(4);
        CachedStatement mappings(
            session, "SELECT post_key, field FROM data_source_mappings WHERE data_source_id = ?");
        mappings.bind(1, source.id);
        while (mappings.step())
            if (auto field = mapping::fieldByTag(mappings.text(1)))
                source.mappings[mappings.text(0)] = *field;
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

void DataSourceStore::unmap(std::int64_t dataSourceId, const std::string& key) {
    database_.write([&](Poco::Data::Session& session) {
        session << "DELETE FROM data_source_mappings WHERE data_source_id = ? AND post_key = ?",
            use(dataSourceId), useRef(key), now;
    });
}

namespace {

// The events of a received contact and its post-on through the data source's webhook.
void activate(Poco::Data::Session& session, const DataSource& source,
              const mapping::Contact& contact, const Hops& incoming, ReceivedContact& result) {
    std::int64_t nowMs = SystemClock().nowMs();
    EventRaiser raiser(session, nowMs);
    Hops chain = incoming.then(source.accountId, contact.id);
    std::string by = "data source " + std::to_string(source.id);
    raiser.raise({std::string(kContactCreated), contact.id, by, by, "", chain}, &contact);
    raiser.raise({std::string(kDataSourceImported), contact.id, by, by, "", chain}, &contact);
    result.deliveriesQueued = raiser.deliveriesQueued();
    if (!source.webhookId)
        return;
    try {
        auto definition = WebhookStore::load(session, *source.webhookId);
        if (!definition)
            throw NotFound("webhook " + std::to_string(*source.webhookId) + " no longer exists");
        PreparedWebhook webhook(session, *definition);
        if (auto loop = chain.loopReason(definition->destinationAccount)) {
            result.notPostedOn = *loop;
            return;
        }
        NewDelivery delivery = webhook.delivery(session, contact, by + " post-on", nowMs);
        delivery.idempotencyKey =
            "ds_" + std::to_string(source.id) + "_" + std::to_string(contact.id);
        delivery.hops = chain.text();
        result.postedOnBy = DeliveryStore::insert(session, delivery, nowMs).id;
        ++result.deliveriesQueued;
    } catch (const InputError& error) {
        result.notPostedOn = error.what();
    }
}

} // namespace

DataSourceStore::DataSourceStore(Database& database) : database_(database) {}

void DataSourceStore::storeIn(Poco::Data::Session& session, PostToStore& post) {
    const DataSource& source = *post.source;
    mapping::Contact& contact = *post.contact;
    ReceivedContact& result = post.result;
    result = ReceivedContact{};
    if (!post.idempotencyKey.empty()) {
        CachedStatement seen(session, "SELECT contact_id, ignored_keys FROM received_posts "
                                      "WHERE data_source_id = ? AND idempotency_key = ?");
        seen.bind(1, source.id).bind(2, post.idempotencyKey);
        if (seen.step()) {
            result.contactId = seen.integer(0);
            result.duplicate = true;
            result.ignoredKeys = splitKeys(seen.text(1));
            return;
        }
    }
    contact.id = 0;
    contact.accountId = source.accountId;
    result.contactId = ContactStore::insert(session, contact);
    result.ignoredKeys = *post.ignoredKeys;
    if (const ReceivedExtras* extras = post.extras) {
        if (extras->plan)
            ContactExtrasStore::savePlan(session, result.contactId, *extras->plan);
        ContactExtrasStore::saveBudgetValues(session, result.contactId, extras->budget);
        if (extras->copyDocs)
            DocumentCopies::queueCopies(session, result.contactId, *extras->copyDocs,
                                        SystemClock().nowMs());
    }
    if (!post.idempotencyKey.empty()) {
        CachedStatement insert(session,
                               "INSERT INTO received_posts (data_source_id, idempotency_key, "
                               "contact_id, ignored_keys, received_at) VALUES (?, ?, ?, ?, ?)");
        insert.bind(1, source.id)
            .bind(2, post.idempotencyKey)
            .bind(3, result.contactId)
            .bind(4, joinKeys(*post.ignoredKeys))
            .bind(5, nowText())
            .run();
    }
    activate(session, source, contact, Hops::parse(post.hops), result);
}

void DataSourceStore::afterCommit(const PostToStore& post) {
    if (!post.result.notPostedOn.empty())
        logWarning("data source " + std::to_string(post.source->id) + " contact " +
                   std::to_string(post.result.contactId) +
                   " not posted on: " + post.result.notPostedOn);
}

ReceivedContact DataSourceStore::receive(const DataSource& source, mapping::Contact& contact,
                                         const std::vector<std::string>& ignoredKeys,
                                         const std::string& idempotencyKey,
                                         const ReceivedExtras* extras, const std::string& hops) {
    std::vector<PostToStore> posts{
        PostToStore{&source, &contact, &ignoredKeys, idempotencyKey, extras, hops, {}, {}}};
    receiveAll(posts); // shares its transaction with concurrent posts (group commit)
    if (posts.front().error)
        std::rethrow_exception(posts.front().error);
    return std::move(posts.front().result);
}

void DataSourceStore::receiveAll(std::vector<PostToStore>& posts) {
    std::vector<std::function<void(Poco::Data::Session&)>> works;
    works.reserve(posts.size());
    for (PostToStore& post : posts)
        works.emplace_back([this, &post](Poco::Data::Session& session) { storeIn(session, post); });
    std::vector<std::exception_ptr> errors = database_.writeAll(works);
    bool queued = false;
    for (std::size_t i = 0; i < posts.size(); ++i) {
        posts[i].error = errors[i];
        if (errors[i])
            continue;
        queued = queued || posts[i].result.deliveriesQueued > 0;
        afterCommit(posts[i]);
    }
    if (queued)
        OutboxSignal::notify();
}

} // namespace dpp::bridge
