#include "bridge/store/WebhookStore.h"

#include "bridge/InputError.h"
#include "bridge/store/StoreSecrets.h"
#include "mapping/Sensitive.h"
#include "mapping/WebhookJson.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>

using namespace Poco::Data::Keywords;
using dpp::mapping::WebhookDefinition;
using dpp::mapping::WebhookPair;

namespace dpp::bridge {

namespace {

template <typename T> Poco::Nullable<T> nullable(const std::optional<T>& value) {
    return value ? Poco::Nullable<T>(*value) : Poco::Nullable<T>();
}

// Values of pairs marked secret or named like one ("password", "api_hash") are sealed, and
// so are their samples (the value a sample string showed); a mapped field holds no value.
using mapping::isSecretPair;
bool holdsSecret(const WebhookPair& pair) {
    return !pair.field && !pair.value.empty() && isSecretPair(pair);
}

std::string passwordPlace(std::int64_t webhookId) {
    return "webhooks.auth_password:" + std::to_string(webhookId);
}
std::string passwordName(std::int64_t webhookId) {
    return "webhook " + std::to_string(webhookId) + " auth.password";
}
std::string pairPlace(std::int64_t webhookId, int position) {
    return "webhook_pairs.value:" + std::to_string(webhookId) + ":" + std::to_string(position);
}
std::string samplePlace(std::int64_t webhookId, int position) {
    return "webhook_pairs.sample:" + std::to_string(webhookId) + ":" + std::to_string(position);
}
std::string pairName(std::int64_t webhookId, int position, const std::string& key) {
    return "webhook " + std::to_string(webhookId) + " pair " + std::to_string(position + 1) + " '" +
           key + "'";
}

void writePairs(Poco::Data::Session& session, const WebhookDefinition& webhook) {
    std::int64_t id = webhook.id;
    StoreSecrets secrets(session);
    session << "DELETE FROM webhook_pairs WHERE webhook_id = ?", use(id), now;
    for (std::size_t i = 0; i < webhook.pairs.size(); ++i) {
        const WebhookPair& pair = webhook.pairs[i];
        int position = static_cast<int>(i);
        Poco::Nullable<std::string> field;
        if (pair.field)
            field = std::string(mapping::info(*pair.field).tag);
        int secret = pair.secret ? 1 : 0;
        std::string value = holdsSecret(pair) ? secrets.seal(pair.value, pairPlace(id, position),
                                                             pairName(id, position, pair.key))
                                              : pair.value;
        std::string sample = isSecretPair(pair) && !pair.sample.empty()
                                 ? secrets.seal(pair.sample, samplePlace(id, position),
                                                pairName(id, position, pair.key) + " sample")
                                 : pair.sample;
        session << "INSERT INTO webhook_pairs (webhook_id, position, pair_key, field, value, "
                   "secret, sample) VALUES (?, ?, ?, ?, ?, ?, ?)",
            use(id), use(position), useRef(pair.key), use(field), use(value), use(secret),
            use(sample), now;
    }
}

std::optional<std::int64_t> findId(Poco::Data::Session& session, const std::string& column,
                                   const Poco::Dynamic::Var& value) {
    std::vector<std::int64_t> ids;
    if (column == "id") {
        std::int64_t id = value.convert<std::int64_t>();
        session << "SELECT id FROM webhooks WHERE id = ?", use(id), into(ids), now;
    } else {
        std::string title = value.convert<std::string>();
        session << "SELECT id FROM webhooks WHERE title = ?", use(title), into(ids), now;
    }
    if (ids.empty())
        return std::nullopt;
    return ids.front();
}

// A "****" that no stored secret replaced would be sent as the secret itself.
void refuseLeftoverMasks(const WebhookDefinition& webhook) {
    if (webhook.auth && webhook.auth->password == mapping::kSecretMask)
        throw InputError("auth.password is the mask '****' and no stored password can stand in "
                         "for it; write the real password");
    for (std::size_t i = 0; i < webhook.pairs.size(); ++i)
        if (isSecretPair(webhook.pairs[i]) && webhook.pairs[i].value == mapping::kSecretMask)
            throw InputError("pair " + std::to_string(i + 1) + " '" + webhook.pairs[i].key +
                             "' is the mask '****' and no stored secret can stand in for it; "
                             "write the real value");
}

} // namespace

bool WebhookStore::save(WebhookDefinition& webhook) {
    bool created = false;
    database_.write([&](Poco::Data::Session& session) {
        std::optional<std::int64_t> existing;
        if (webhook.id != 0) {
            existing = findId(session, "id", webhook.id);
            if (!existing)
                throw NotFound("webhook " + std::to_string(webhook.id) +
                               " does not exist; remove \"id\" from the file to create it");
        } else {
            existing = findId(session, "title", webhook.title);
        }
        if (existing) {
            auto titled = findId(session, "title", webhook.title);
            if (titled && *titled != *existing)
                throw InputError("title '" + webhook.title + "' is already used by webhook " +
                                 std::to_string(*titled));
            if (auto stored = load(session, *existing))
                mapping::keepStoredSecrets(webhook, *stored);
        }
        refuseLeftoverMasks(webhook);
        std::string method(mapping::toString(webhook.method));
        std::string format(mapping::toString(webhook.format));
        std::string mode(mapping::toString(webhook.mode));
        Poco::Nullable<int> port = nullable(webhook.port);
        Poco::Nullable<std::int64_t> account = nullable(webhook.account);
        Poco::Nullable<std::int64_t> destination = nullable(webhook.destinationAccount);
        // The password is sealed for the webhook's id: a new webhook gets it once inserted.
        Poco::Nullable<std::string> username, password;
        if (webhook.auth)
            username = webhook.auth->username;
        StoreSecrets secrets(session);
        auto sealedPassword = [&](std::int64_t id) {
            return secrets.seal(webhook.auth->password, passwordPlace(id), passwordName(id));
        };
        if (webhook.auth && existing)
            password = sealedPassword(*existing);
        std::string updatedAt = nowText();
        if (existing) {
            webhook.id = *existing;
            session << "UPDATE webhooks SET title = ?, account_id = ?, destination_account = ?, "
                       "url = ?, method = ?, format = ?, mode = ?, port = ?, auth_username = ?, "
                       "auth_password = ?, success_body_contains = ?, updated_at = ? "
                       "WHERE id = ?",
                useRef(webhook.title), use(account), use(destination), useRef(webhook.url),
                use(method), use(format), use(mode), use(port), use(username), use(password),
                useRef(webhook.success.bodyContains), use(updatedAt), use(webhook.id), now;
        } else {
            std::int64_t id = 0;
            session << "INSERT INTO webhooks (title, account_id, destination_account, url, "
                       "method, format, mode, port, auth_username, auth_password, "
                       "success_body_contains, created_at, updated_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                useRef(webhook.title), use(account), use(destination), useRef(webhook.url),
                use(method), use(format), use(mode), use(port), use(username), use(password),
                useRef(webhook.success.bodyContains), use(updatedAt), use(updatedAt), into(id), now;
            webhook.id = id;
            created = true;
            if (webhook.auth) {
                std::string sealed = sealedPassword(id);
                session << "UPDATE webhooks SET auth_password = ? WHERE id = ?", use(sealed),
                    use(id), now;
            }
        }
        writePairs(session, webhook);
    });
    return created;
}

std::optional<WebhookDefinition> WebhookStore::load(Poco::Data::Session& session, std::int64_t id) {
    Poco::Data::Statement select(session);
    select << "SELECT title, account_id, destination_account, url, method, format, mode, port, "
              "auth_username, auth_password, success_body_contains FROM webhooks WHERE id = ?",
        use(id);
    select.execute();
    Poco::Data::RecordSet row(select);
    if (row.rowCount() == 0)
        return std::nullopt;
    WebhookDefinition webhook;
    webhook.id = id;
    webhook.title = row.value(0, 0).convert<std::string>();
    if (!row.value(1, 0).isEmpty())
        webhook.account = row.value(1, 0).convert<std::int64_t>();
    if (!row.value(2, 0).isEmpty())
        webhook.destinationAccount = row.value(2, 0).convert<std::int64_t>();
    webhook.url = row.value(3, 0).convert<std::string>();
    webhook.method = mapping::parseHttpMethod(row.value(4, 0).convert<std::string>())
                         .value_or(mapping::HttpMethod::Post);
    webhook.format = mapping::parseBodyFormat(row.value(5, 0).convert<std::string>())
                         .value_or(mapping::BodyFormat::Form);
    webhook.mode = mapping::parseExecutionMode(row.value(6, 0).convert<std::string>())
                       .value_or(mapping::ExecutionMode::Background);
    if (!row.value(7, 0).isEmpty())
        webhook.port = row.value(7, 0).convert<int>();
    StoreSecrets secrets(session);
    if (!row.value(8, 0).isEmpty())
        webhook.auth = mapping::BasicAuth{row.value(8, 0).convert<std::string>(),
                                          row.value(9, 0).isEmpty()
                                              ? std::string()
                                              : secrets.open(row.value(9, 0).convert<std::string>(),
                                                             passwordPlace(id), passwordName(id))};
    webhook.success.bodyContains = row.value(10, 0).convert<std::string>();

    Poco::Data::Statement pairs(session);
    pairs << "SELECT pair_key, field, value, secret, sample, position FROM webhook_pairs "
             "WHERE webhook_id = ? ORDER BY position",
        use(id);
    pairs.execute();
    Poco::Data::RecordSet pairRows(pairs);
    for (std::size_t i = 0; i < pairRows.rowCount(); ++i) {
        WebhookPair pair;
        pair.key = pairRows.value(0, i).convert<std::string>();
        if (!pairRows.value(1, i).isEmpty())
            pair.field = mapping::fieldByTag(pairRows.value(1, i).convert<std::string>());
        int position = pairRows.value(5, i).convert<int>();
        pair.value = secrets.open(pairRows.value(2, i).convert<std::string>(),
                                  pairPlace(id, position), pairName(id, position, pair.key));
        pair.secret = pairRows.value(3, i).convert<int>() != 0;
        pair.sample =
            secrets.open(pairRows.value(4, i).convert<std::string>(), samplePlace(id, position),
                         pairName(id, position, pair.key) + " sample");
        webhook.pairs.push_back(std::move(pair));
    }
    return webhook;
}

std::optional<WebhookDefinition> WebhookStore::find(std::int64_t id) {
    std::optional<WebhookDefinition> result;
    database_.read([&](Poco::Data::Session& session) { result = load(session, id); });
    return result;
}

std::optional<WebhookDefinition> WebhookStore::findByTitle(const std::string& title) {
    std::optional<WebhookDefinition> result;
    database_.read([&](Poco::Data::Session& session) {
        if (auto id = findId(session, "title", title))
            result = load(session, *id);
    });
    return result;
}

WebhookDefinition WebhookStore::require(std::int64_t id) {
    auto webhook = find(id);
    if (!webhook)
        throw NotFound("webhook " + std::to_string(id) +
                       " does not exist (see: dppbridge webhook list)");
    return *webhook;
}

std::vector<WebhookDefinition> WebhookStore::all() {
    std::vector<WebhookDefinition> result;
    database_.read([&](Poco::Data::Session& session) {
        std::vector<std::int64_t> ids;
        session << "SELECT id FROM webhooks ORDER BY id", into(ids), now;
        for (std::int64_t id : ids)
            if (auto webhook = load(session, id))
                result.push_back(std::move(*webhook));
    });
    return result;
}

} // namespace dpp::bridge
