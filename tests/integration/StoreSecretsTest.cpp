// Secrets at rest in a real SQLite store: webhook passwords, secret pair values and the
// outbox's wire request are sealed when the Database has a SecretBox, opened on read, bound
// to their row, found through a bare session (the code paths that run inside a caller's
// transaction), and kept apart per store file.
#include "bridge/store/StoreSecrets.h"
#include "bridge/outbox/Enqueue.h"
#include "bridge/secrets/SecretBox.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/DeliveryStore.h"
#include "bridge/store/WebhookStore.h"
#include "mapping/WebhookJson.h"
#include "support/TempDir.h"

#include <Poco/Data/Session.h>

#include <boost/test/unit_test.hpp>

using namespace dpp::bridge;
using namespace Poco::Data::Keywords;
using dpp::testing::TempDir;

namespace {

std::shared_ptr<const SecretBox> boxOf(const std::string& hex) {
    return std::make_shared<const SecretBox>(SecretKey::fromText(hex, "test"));
}
const std::string kFirstKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const std::string kSecondKey = "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f";

std::string errorOf(const std::function<void()>& action) {
    try {
        action();
    } catch (const SecretAccessError& error) {
        return error.what();
    }
    return "";
}

struct SealedStore {
    TempDir dir;
    std::unique_ptr<Database> database;
    dpp::mapping::WebhookDefinition definition;
    dpp::mapping::Contact contact;

    explicit SealedStore(const std::string& key = kFirstKey) {
        database = std::make_unique<Database>(dir.storeUri());
        database->setSecretBox(boxOf(key));
        database->migrate();
        ContactStore(*database).addAccount(1001, "Source");
        contact.accountId = 1001;
        contact.set(dpp::mapping::SystemField::FirstName, "Mike");
        contact.set(dpp::mapping::SystemField::Ssn, "123-45-6789");
        database->write(
            [&](Poco::Data::Session& session) { ContactStore::insert(session, contact); });
        definition = dpp::mapping::parseWebhookDefinition(
            R"({"title": "T", "url": "http://127.0.0.1:9/post", "auth": {"username": "u",
                "password": "pass-one"}, "pairs": [{"key": "ssn", "field": "SSN"},
                {"key": "api_hash", "value": "hash-one", "secret": true},
                {"key": "note", "value": "plain"}]})");
        WebhookStore(*database).save(definition);
    }

    std::vector<std::string> column(const std::string& sql) {
        std::vector<std::string> values;
        database->read([&](Poco::Data::Session& session) { session << sql, into(values), now; });
        return values;
    }
    void execute(const std::string& sql) {
        database->write([&](Poco::Data::Session& session) { session << sql, now; });
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(store_secrets)

BOOST_AUTO_TEST_CASE(webhook_secrets_are_sealed_and_opened) {
    SealedStore store;
    auto passwords = store.column("SELECT auth_password FROM webhooks");
    BOOST_REQUIRE_EQUAL(passwords.size(), 1u);
    BOOST_TEST(SecretBox::isSealed(passwords[0]));
    auto values = store.column("SELECT value FROM webhook_pairs ORDER BY position");
    BOOST_TEST(values[0] == ""); // a mapped field holds no value
    BOOST_TEST(SecretBox::isSealed(values[1]));
    BOOST_TEST(values[2] == "plain"); // not a secret
    auto loaded = WebhookStore(*store.database).require(store.definition.id);
    BOOST_TEST(loaded.auth->password == "pass-one");
    BOOST_TEST(loaded.pairs[1].value == "hash-one");
    // Applied again as exported (masked), the stored secrets stay, sealed.
    auto exported = dpp::mapping::parseWebhookDefinition(dpp::mapping::webhookToJson(loaded, true));
    WebhookStore(*store.database).save(exported);
    BOOST_TEST(WebhookStore(*store.database).require(loaded.id).auth->password == "pass-one");
    BOOST_TEST(SecretBox::isSealed(store.column("SELECT auth_password FROM webhooks")[0]));
}

BOOST_AUTO_TEST_CASE(a_token_moved_to_another_row_does_not_open) {
    SealedStore store;
    auto other = dpp::mapping::parseWebhookDefinition(
        R"({"title": "Other", "url": "http://127.0.0.1:9/x", "auth": {"username": "v",
            "password": "pass-two"}, "pairs": []})");
    WebhookStore(*store.database).save(other);
    store.execute("UPDATE webhooks SET auth_password = (SELECT auth_password FROM webhooks "
                  "WHERE id = 1) WHERE id = 2");
    std::string message = errorOf([&] { WebhookStore(*store.database).require(2); });
    BOOST_TEST(message.find("webhook 2 auth.password cannot be opened") != std::string::npos,
               message);
    BOOST_TEST(message.find("pass-one") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(wire_requests_are_sealed_and_claimed_in_clear) {
    SealedStore store;
    auto compiled = dpp::mapping::CompiledWebhook::compile(
        WebhookStore(*store.database).require(store.definition.id), {});
    DeliveryStore deliveries(*store.database);
    auto first = deliveries.enqueue(renderDelivery(compiled, store.contact, "test"), 0);
    // Inside a caller's transaction, through the session alone (triggers, data sources).
    store.database->write([&](Poco::Data::Session& session) {
        DeliveryStore::insert(session, renderDelivery(compiled, store.contact, "test"), 0);
    });
    for (const std::string& wire : store.column("SELECT wire_url FROM delivery_requests"))
        BOOST_TEST(SecretBox::isSealed(wire));
    for (const std::string& body : store.column("SELECT wire_body FROM delivery_requests"))
        BOOST_TEST(SecretBox::isSealed(body));
    for (const std::string& masked : store.column("SELECT body FROM delivery_requests"))
        BOOST_TEST(masked == "ssn=*******6789&api_hash=****&note=plain");
    auto claimed = deliveries.claim("w", 10, 1, 60000);
    BOOST_REQUIRE_EQUAL(claimed.size(), 2u);
    for (const auto& delivery : claimed) {
        BOOST_TEST(delivery.unreadable == "");
        BOOST_TEST(delivery.wireBody == "ssn=123-45-6789&api_hash=hash-one&note=plain");
        BOOST_TEST(delivery.wireUrl == "http://127.0.0.1:9/post");
    }
    // The second's body moved onto the first: it no longer opens, and nothing is handed out.
    for (auto& delivery : claimed)
        deliveries.release(delivery.id, "w");
    store.execute("UPDATE delivery_requests SET wire_body = (SELECT wire_body FROM "
                  "delivery_requests WHERE delivery_id = 2) WHERE delivery_id = " +
                  std::to_string(first.id));
    auto again = deliveries.claim("w", 10, 2, 60000, first.id);
    BOOST_REQUIRE_EQUAL(again.size(), 1u);
    BOOST_TEST(again[0].wireBody == "");
    BOOST_TEST(again[0].unreadable.find("delivery " + std::to_string(first.id)) !=
                   std::string::npos,
               again[0].unreadable);
    BOOST_TEST(again[0].unreadable.find("nothing was sent") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(each_store_file_keeps_its_own_key) {
    SealedStore first(kFirstKey);
    SealedStore second(kSecondKey);
    auto idOf = [](SealedStore& store) {
        return SecretBox::keyIdOf(store.column("SELECT auth_password FROM webhooks")[0]);
    };
    BOOST_TEST(*idOf(first) == boxOf(kFirstKey)->keyId());
    BOOST_TEST(*idOf(second) == boxOf(kSecondKey)->keyId());
    BOOST_TEST(WebhookStore(*first.database).require(1).auth->password == "pass-one");
    BOOST_TEST(WebhookStore(*second.database).require(1).auth->password == "pass-one");
    auto census = StoreSecrets::census(*first.database);
    BOOST_TEST(census.webhookPasswords.sealed == 1);
    BOOST_TEST(census.webhookPasswords.clear == 0);
    BOOST_TEST(census.secretPairValues.sealed == 1);
    BOOST_TEST(census.sealedByKeyId.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
