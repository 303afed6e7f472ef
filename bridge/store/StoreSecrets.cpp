#include "bridge/store/StoreSecrets.h"

#include "bridge/Log.h"
#include "bridge/store/Database.h"
#include "mapping/Sensitive.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/SessionImpl.h>
#include <Poco/Nullable.h>

#include <mutex>
#include <vector>

using namespace Poco::Data::Keywords;

namespace dpp::bridge {

namespace {

// What this process knows about one store file.
struct StoreEntry {
    std::vector<std::weak_ptr<const SecretBox>> boxes; // in registration order
    bool warnedClear = false;
    bool checkedSealed = false;
    std::optional<std::string> sealedKey; // a key id found in the store, once checked
};

std::mutex registryMutex;

std::map<std::string, StoreEntry>& registry() {
    static std::map<std::string, StoreEntry> entries;
    return entries;
}

std::shared_ptr<const SecretBox> boxOf(const std::string& storeFile) {
    std::lock_guard lock(registryMutex);
    auto found = registry().find(storeFile);
    if (found == registry().end())
        return nullptr;
    auto& boxes = found->second.boxes;
    for (auto it = boxes.rbegin(); it != boxes.rend(); ++it)
        if (auto box = it->lock())
            return box;
    return nullptr;
}

} // namespace

std::string secretKeyHint() {
    return "secrets.key_file (or the " + std::string(SecretKey::environmentVariable) +
           " environment variable)";
}

StoreSecrets::StoreSecrets(Poco::Data::Session& session)
    : session_(session), storeFile_(session.impl()->connectionString()), box_(boxOf(storeFile_)) {}

void StoreSecrets::attach(const std::string& storeFile,
                          const std::shared_ptr<const SecretBox>& box) {
    if (!box)
        return;
    std::lock_guard lock(registryMutex);
    auto& boxes = registry()[storeFile].boxes;
    std::erase_if(boxes, [](const std::weak_ptr<const SecretBox>& old) { return old.expired(); });
    boxes.push_back(box);
}

std::optional<std::string> StoreSecrets::sealedKeyInStore() {
    {
        std::lock_guard lock(registryMutex);
        const StoreEntry& entry = registry()[storeFile_];
        if (entry.checkedSealed)
            return entry.sealedKey;
    }
    // Small tables in full; the outbox by its latest row (a store that was sealing recently).
    std::optional<std::string> found;
    std::vector<std::string> values;
    session_ << "SELECT auth_password FROM webhooks WHERE auth_password LIKE 'enc:v%' LIMIT 1",
        into(values), now;
    session_ << "SELECT value FROM webhook_pairs WHERE value LIKE 'enc:v%' LIMIT 1", into(values),
        now;
    session_ << "SELECT wire_body FROM delivery_requests ORDER BY delivery_id DESC LIMIT 1",
        into(values), now;
    for (const std::string& value : values)
        if (auto keyId = SecretBox::keyIdOf(value); keyId && !found)
            found = keyId;
    std::lock_guard lock(registryMutex);
    StoreEntry& entry = registry()[storeFile_];
    entry.checkedSealed = true;
    entry.sealedKey = found;
    return found;
}

std::string StoreSecrets::seal(std::string_view value, const std::string& place,
                               const std::string& what, bool secret) {
    if (box_)
        return box_->seal(value, place);
    if (!secret || value.empty())
        return std::string(value);
    if (auto keyId = sealedKeyInStore())
        throw SecretAccessError(
            "cannot store " + what + " in clear: this store holds values sealed with key " +
            *keyId + " and no secret key is configured; set " + secretKeyHint() + " to that key");
    bool warn = false;
    {
        std::lock_guard lock(registryMutex);
        StoreEntry& entry = registry()[storeFile_];
        warn = !entry.warnedClear;
        entry.warnedClear = true;
    }
    if (warn)
        logWarning("no secret key is configured, so " + what +
                   " and the other secrets of this process are stored in clear in " + storeFile_ +
                   "; set secrets.key_file (create a key with: dppbridge secrets generate-key "
                   "--output FILE) or " +
                   SecretKey::environmentVariable);
    return std::string(value);
}

std::string StoreSecrets::open(const std::string& stored, const std::string& place,
                               const std::string& what) const {
    if (!SecretBox::isSealed(stored))
        return stored;
    if (!box_)
        throw SecretAccessError(
            what + " is sealed with key " + SecretBox::keyIdOf(stored).value_or("?") +
            ", but no secret key is configured; set " + secretKeyHint() + " to that key");
    try {
        return box_->open(stored, place);
    } catch (const DecryptionError& error) {
        throw SecretAccessError(what + " cannot be opened: " + error.what() +
                                "; configure the key that sealed it in " + secretKeyHint());
    }
}

SecretsCensus StoreSecrets::census(Database& database) {
    SecretsCensus census;
    auto tally = [&census](SealedCount& count, const std::string& value) {
        if (auto keyId = SecretBox::keyIdOf(value)) {
            ++count.sealed;
            ++census.sealedByKeyId[*keyId];
        } else {
            ++count.clear;
        }
    };
    database.read([&](Poco::Data::Session& session) {
        std::vector<std::string> passwords;
        session << "SELECT auth_password FROM webhooks "
                   "WHERE auth_password IS NOT NULL AND auth_password != ''",
            into(passwords), now;
        for (const std::string& password : passwords)
            tally(census.webhookPasswords, password);

        std::vector<std::string> keys, values;
        std::vector<int> secret;
        session << "SELECT pair_key, secret, value FROM webhook_pairs "
                   "WHERE field IS NULL AND value != ''",
            into(keys), into(secret), into(values), now;
        for (std::size_t i = 0; i < keys.size(); ++i)
            if (secret[i] != 0 || mapping::isSensitiveName(keys[i]) ||
                SecretBox::isSealed(values[i]))
                tally(census.secretPairValues, values[i]);

        // Counted by their first characters: an outbox may be large.
        std::int64_t total = 0;
        session << "SELECT COUNT(*) FROM deliveries", into(total), now;
        std::vector<std::string> keyIds;
        std::vector<std::int64_t> counts;
        session << "SELECT substr(wire_body, 8, 8), COUNT(*) FROM delivery_requests "
                   "WHERE substr(wire_url, 1, 7) = 'enc:v1:' AND substr(wire_body, 1, 7) = "
                   "'enc:v1:' GROUP BY 1",
            into(keyIds), into(counts), now;
        for (std::size_t i = 0; i < keyIds.size(); ++i) {
            census.deliveryRequests.sealed += counts[i];
            census.sealedByKeyId[keyIds[i]] += counts[i];
        }
        census.deliveryRequests.clear = total - census.deliveryRequests.sealed;
    });
    return census;
}

} // namespace dpp::bridge
