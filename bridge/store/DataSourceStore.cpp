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
#include "bridge/store/ContactMerge.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/DedupeKeys.h"
#include "bridge/store/SourceChanges.h"

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

namespace {

// The sender's identity for the `source` rule: the last hop of its X-Dppbridge-Hops.
std::string sourceIdentity(const Hops& hops) {
    if (hops.empty())
        return "";
    const Hop& last = hops.hops().back();
    return std::to_string(last.account) + ":" + std::to_string(last.contact);
}

// The post-on of a received contact through the data source's webhook, keyed by what
// happened: ds_<source>_<contact> for a stored contact, ..._c<change number> for an update.
void postOn(Poco::Data::Session& session, const DataSource& source, const mapping::Contact& contact,
            const Hops& chain, const std::string& keySuffix, std::int64_t nowMs,
            ReceivedContact& result) {
    if (!source.webhookId)
        return;
    std::string by = "data source " + std::to_string(source.id);
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
            "ds_" + std::to_string(source.id) + "_" + std::to_string(contact.id) + keySuffix;
        delivery.hops = chain.text();
        result.postedOnBy = DeliveryStore::insert(session, delivery, nowMs).id;
        ++result.deliveriesQueued;
    } catch (const InputError& error) {
        result.notPostedOn = error.what();
    }
}

// The events of a stored contact and its post-on.
void activateCreated(Poco::Data::Session& session, const DataSource& source,
                     const mapping::Contact& contact, const Hops& incoming,
                     ReceivedContact& result) {
    std::int64_t nowMs = SystemClock().nowMs();
    EventRaiser raiser(session, nowMs);
    Hops chain = incoming.then(source.accountId, contact.id);
    std::string by = "data source " + std::to_string(source.id);
    raiser.raise({std::string(kContactCreated), contact.id, by, by, "", chain}, &contact);
    raiser.raise({std::string(kDataSourceImported), contact.id, by, by, "", chain}, &contact);
    result.deliveriesQueued = raiser.deliveriesQueued();
    postOn(session, source, contact, chain, "", nowMs, result);
}

// The events of a contact a post brought up to date, and its post-on; nothing when nothing
// changed.
void activateUpdated(Poco::Data::Session& session, const DataSource& source,
                     const ContactMerge& merge, const Hops& incoming, ReceivedContact& result) {
    if (merge.changed.empty())
        return;
    std::int64_t nowMs = SystemClock().nowMs();
    const mapping::Contact& after = merge.update.after;
    EventRaiser raiser(session, nowMs);
    Hops chain = incoming.then(source.accountId, after.id);
    std::string by = "data source " + std::to_string(source.id);
    std::string changed;
    for (const std::string& name : merge.changed)
        changed += (changed.empty() ? "" : ", ") + name;
    raiser.raise({std::string(kContactUpdated), after.id, changed, by, "", chain}, &after);
    const std::string& before = merge.update.before.get(mapping::SystemField::Status);
    const std::string& now = after.get(mapping::SystemField::Status);
    if (before != now)
        raiser.raise({std::string(kContactStatusChanged), after.id,
                      "status " + before + " -> " + now, by, "", chain},
                     &after);
    result.deliveriesQueued = raiser.deliveriesQueued();
    postOn(session, source, after, chain, "_c" + std::to_string(after.changeNumber), nowMs, result);
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
    Hops incoming = Hops::parse(post.hops);
    std::string identity = sourceIdentity(incoming);
    result.ignoredKeys = *post.ignoredKeys;
    contact.accountId = source.accountId;
    if (source.dedupe.enabled()) {
        DedupeMatch match =
            DedupeKeys::find(session, source.id, source.dedupe.rules, contact, identity);
        result.problems = std::move(match.problems);
        if (match.contactId) {
            result.duplicateOf = match.contactId;
            result.matchedRule = match.rule;
            switch (source.dedupe.action) {
            case DuplicateAction::Reject:
                result.match = MatchOutcome::Rejected;
                return; // nothing stored, not even the key: a later post is judged again
            case DuplicateAction::Update: {
                result.match = MatchOutcome::Updated;
                result.contactId = *match.contactId;
                bool versioned = !identity.empty() && post.sourceChange > 0;
                if (versioned) {
                    auto applied = SourceChanges::applied(session, source.id, identity);
                    if (applied && post.sourceChange < *applied) {
                        result.stale = true; // a newer version of the contact is here already
                        recordPost(session, post);
                        return;
                    }
                    SourceChanges::record(session, source.id, identity, post.sourceChange);
                }
                ContactMerge merge =
                    mergeReceivedContact(session, *match.contactId, contact, post.postedFields,
                                         post.extras, SystemClock().nowMs());
                result.changed = merge.changed;
                DedupeKeys::index(session, source.id, source.dedupe.rules, merge.update.after,
                                  identity, true);
                recordPost(session, post);
                activateUpdated(session, source, merge, incoming, result);
                return;
            }
            case DuplicateAction::Create:
                result.match = MatchOutcome::CreatedAsDuplicate;
                break;
            }
        }
    }
    contact.id = 0;
    result.contactId = ContactStore::insert(session, contact);
    if (result.duplicateOf)
        ContactStore::markDuplicate(session, result.contactId, *result.duplicateOf);
    if (const ReceivedExtras* extras = post.extras) {
        if (extras->plan)
            ContactExtrasStore::savePlan(session, result.contactId, *extras->plan);
        ContactExtrasStore::saveBudgetValues(session, result.contactId, extras->budget);
        if (extras->copyDocs)
            DocumentCopies::queueCopies(session, result.contactId, *extras->copyDocs,
                                        SystemClock().nowMs());
    }
    // A duplicate leaves the match values to the contact it duplicates.
    if (source.dedupe.enabled() && !result.duplicateOf) {
        DedupeKeys::index(session, source.id, source.dedupe.rules, contact, identity, false);
        if (!identity.empty() && post.sourceChange > 0)
            SourceChanges::record(session, source.id, identity, post.sourceChange);
    }
    recordPost(session, post);
    activateCreated(session, source, contact, incoming, result);
}

void DataSourceStore::recordPost(Poco::Data::Session& session, const PostToStore& post) {
    if (post.idempotencyKey.empty())
        return;
    CachedStatement insert(session,
                           "INSERT INTO received_posts (data_source_id, idempotency_key, "
                           "contact_id, ignored_keys, received_at) VALUES (?, ?, ?, ?, ?)");
    insert.bind(1, post.source->id)
        .bind(2, post.idempotencyKey)
        .bind(3, post.result.contactId)
        .bind(4, joinKeys(*post.ignoredKeys))
        .bind(5, nowText())
        .run();
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
    std::vector<PostToStore> posts{PostToStore{
        &source, &contact, &ignoredKeys, idempotencyKey, extras, hops, nullptr, 0, {}, {}}};
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
