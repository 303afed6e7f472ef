// The SQLite store through POCO Data: migrations, write transactions, contacts import.
#include "bridge/InputError.h"
#include "bridge/activation/ContactImport.h"
#include "bridge/receive/ReceivedPosts.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/DataSourceStore.h"
#include "bridge/store/DeliveryStore.h"
#include "bridge/store/Migrations.h"
#include "bridge/store/WebhookStore.h"
#include "mapping/WebhookJson.h"
#include "support/TempDir.h"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <thread>

using namespace dpp::bridge;
using dpp::mapping::SystemField;
using dpp::testing::TempDir;
using namespace Poco::Data::Keywords;

namespace {

void writeFile(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

std::string errorOf(const std::function<void()>& action) {
    try {
        action();
    } catch (const std::exception& error) {
        return error.what();
    }
    return "";
}

} // namespace

BOOST_AUTO_TEST_SUITE(store)

BOOST_AUTO_TEST_CASE(migrations_apply_once_and_are_idempotent) {
    TempDir dir;
    Database database(dir.storeUri());
    BOOST_TEST(database.schemaVersion() == 0);
    BOOST_TEST(database.migrate() == latestSchemaVersion());
    BOOST_TEST(database.migrate() == 0);
    Database reopened(dir.storeUri());
    BOOST_TEST(reopened.migrate() == 0);
    BOOST_TEST(reopened.schemaVersion() == latestSchemaVersion());
}

BOOST_AUTO_TEST_CASE(migration_6_moves_requests_apart_and_keeps_them_whole) {
    TempDir dir;
    Database database(dir.storeUri());
    database.write([](Poco::Data::Session& session) { applyMigrations(session, 5); });
    database.write([](Poco::Data::Session& session) {
        session << "INSERT INTO accounts VALUES (1, 'A', 'x')", now;
        session << "INSERT INTO contacts (id, account_id, created_at, updated_at) "
                   "VALUES (7, 1, 'x', 'x')",
            now;
        session
            << "INSERT INTO webhooks (id, title, url, method, format, mode, created_at, "
               "updated_at) VALUES (1, 'W', 'http://h/p', 'POST', 'form', 'background', 'x', 'x')",
            now;
        // One request without secrets (wire = masked), one with (they differ).
        for (const char* values :
             {"(1, 'k1', 1, 7, 'queued', 'POST', 'http://h/p', 'form', 'a=1', 'http://h/p', "
              "'a=1', 'h', 1, 'x', 'x')",
              "(2, 'k2', 1, 7, 'queued', 'POST', 'http://h/p?t=****', 'form', 'ssn=****6789', "
              "'http://h/p?t=secret', 'ssn=123456789', 'h', 1, 'x', 'x')"})
            session << std::string("INSERT INTO deliveries (id, idempotency_key, webhook_id, "
                                   "contact_id, status, method, url, content_type, body, "
                                   "wire_url, wire_body, destination, next_attempt_ms, "
                                   "created_at, updated_at) VALUES ") +
                           values,
                now;
    });
    BOOST_TEST(database.migrate() == latestSchemaVersion() - 5);

    std::vector<std::string> urls, bodies, wireUrls, wireBodies;
    database.read([&](Poco::Data::Session& session) {
        session << "SELECT url, body, wire_url, wire_body FROM delivery_requests "
                   "ORDER BY delivery_id",
            into(urls), into(bodies), into(wireUrls), into(wireBodies), now;
    });
    BOOST_REQUIRE_EQUAL(urls.size(), 2u);
    BOOST_TEST(bodies[0] == "a=1");
    BOOST_TEST(wireUrls[0] == ""); // stored once: the wire request is the masked one
    BOOST_TEST(wireBodies[1] == "ssn=123456789");
    DeliveryStore deliveries(database);
    auto claimed = deliveries.claim("w", 10, 5, 60000);
    BOOST_REQUIRE_EQUAL(claimed.size(), 2u);
    BOOST_TEST(claimed[0].wireUrl == "http://h/p");
    BOOST_TEST(claimed[0].wireBody == "a=1");
    BOOST_TEST(claimed[1].wireUrl == "http://h/p?t=secret");
    BOOST_TEST(claimed[1].wireBody == "ssn=123456789");
    auto shown = deliveries.find(2);
    BOOST_REQUIRE(shown);
    BOOST_TEST(shown->url == "http://h/p?t=****");
    BOOST_TEST(shown->body == "ssn=****6789");
}

BOOST_AUTO_TEST_CASE(store_uses_wal_and_creates_its_folder) {
    TempDir dir;
    Database database("sqlite:" + dir.file("nested/folder/store.db"));
    std::string mode;
    database.read(
        [&](Poco::Data::Session& session) { session << "PRAGMA journal_mode", into(mode), now; });
    BOOST_TEST(mode == "wal");
    BOOST_TEST(std::filesystem::exists(dir.file("nested/folder/store.db")));
}

BOOST_AUTO_TEST_CASE(bad_store_uri_names_the_problem) {
    BOOST_TEST(errorOf([] { Database("mysql:x"); }).find("unknown backend 'mysql'") !=
               std::string::npos);
    BOOST_TEST(errorOf([] { Database("var/x.db"); }).find("sqlite:PATH") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(write_rolls_back_on_exception) {
    TempDir dir;
    Database database(dir.storeUri());
    database.migrate();
    ContactStore contacts(database);
    contacts.addAccount(1001, "Source");
    BOOST_CHECK_THROW(database.write([](Poco::Data::Session& session) {
        dpp::mapping::Contact contact;
        contact.accountId = 1001;
        contact.set(SystemField::FirstName, "Rolled back");
        ContactStore::insert(session, contact);
        throw std::runtime_error("boom");
    }),
                      std::runtime_error);
    BOOST_TEST(contacts.countContacts(1001) == 0);
    // The session is usable again afterwards.
    database.write([](Poco::Data::Session& session) {
        dpp::mapping::Contact contact;
        contact.accountId = 1001;
        ContactStore::insert(session, contact);
    });
    BOOST_TEST(contacts.countContacts(1001) == 1);
}

BOOST_AUTO_TEST_CASE(concurrent_writers_queue_instead_of_failing) {
    TempDir dir;
    Database database(dir.storeUri());
    database.migrate();
    ContactStore(database).addAccount(1001, "Source");
    Database second(dir.storeUri()); // another connection pool, as another process would be
    auto insertMany = [](Database& target) {
        for (int i = 0; i < 50; ++i)
            target.write([](Poco::Data::Session& session) {
                dpp::mapping::Contact contact;
                contact.accountId = 1001;
                ContactStore::insert(session, contact);
            });
    };
    std::thread first(insertMany, std::ref(database));
    std::thread other(insertMany, std::ref(second));
    first.join();
    other.join();
    BOOST_TEST(ContactStore(database).countContacts(1001) == 100);
}

BOOST_AUTO_TEST_CASE(import_jsonl_keeps_ids_and_custom_fields) {
    TempDir dir;
    Database database(dir.storeUri());
    database.migrate();
    ContactStore contacts(database);
    contacts.addAccount(1001, "Source");
    writeFile(dir.file("c.jsonl"),
              "{\"id\": 55, \"firstname\": \"Mike\", \"ssn\": \"123-45-6789\", "
              "\"custom\": {\"Lead Score\": \"7\"}}\n\n"
              "{\"firstname\": \"Zoë\", \"lastname\": \"O'Brien\"}\n");
    ImportResult result = importContacts(database, 1001, dir.file("c.jsonl"));
    BOOST_TEST(result.contactIds.size() == 2u);
    BOOST_TEST(result.contactIds[0] == 55);
    auto mike = contacts.contact(55);
    BOOST_REQUIRE(mike);
    BOOST_TEST(mike->get(SystemField::FirstName) == "Mike");
    BOOST_TEST(mike->get(SystemField::Ssn) == "123-45-6789");
    BOOST_TEST(mike->get(SystemField::AccountId) == "1001");
    BOOST_TEST(mike->custom.at("Lead Score") == "7");
    auto zoe = contacts.contact(result.contactIds[1]);
    BOOST_REQUIRE(zoe);
    BOOST_TEST(zoe->get(SystemField::FirstName) == "Zoë");
}

BOOST_AUTO_TEST_CASE(import_json_array_and_csv) {
    TempDir dir;
    Database database(dir.storeUri());
    database.migrate();
    ContactStore contacts(database);
    contacts.addAccount(1001, "Source");
    writeFile(dir.file("c.json"), "[\n  {\"firstname\": \"A\"},\n  {\"firstname\": \"B\"}\n]\n");
    BOOST_TEST(importContacts(database, 1001, dir.file("c.json")).contactIds.size() == 2u);
    writeFile(dir.file("c.csv"), "firstname,lastname,custom.Lead Score\r\n"
                                 "\"Smith, Jr\",\"Say \"\"hi\"\"\",3\r\n");
    auto ids = importContacts(database, 1001, dir.file("c.csv")).contactIds;
    BOOST_REQUIRE(ids.size() == 1u);
    auto contact = contacts.contact(ids[0]);
    BOOST_TEST(contact->get(SystemField::FirstName) == "Smith, Jr");
    BOOST_TEST(contact->get(SystemField::LastName) == "Say \"hi\"");
    BOOST_TEST(contact->custom.at("Lead Score") == "3");
}

BOOST_AUTO_TEST_CASE(a_bad_line_names_file_line_and_field_and_imports_nothing) {
    TempDir dir;
    Database database(dir.storeUri());
    database.migrate();
    ContactStore contacts(database);
    contacts.addAccount(1001, "Source");
    writeFile(dir.file("bad.jsonl"), "{\"firstname\": \"A\"}\n"
                                     "{\"firstname\": \"B\"}\n"
                                     "{\"firstname\": \"C\", \"dob\": \"1980-02-31\"}\n");
    std::string message = errorOf([&] { importContacts(database, 1001, dir.file("bad.jsonl")); });
    BOOST_TEST(message.find("bad.jsonl line 3") != std::string::npos, message);
    BOOST_TEST(message.find("'dob'") != std::string::npos, message);
    BOOST_TEST(contacts.countContacts(1001) == 0);
}

BOOST_AUTO_TEST_CASE(an_id_clash_names_the_line_and_imports_nothing) {
    TempDir dir;
    Database database(dir.storeUri());
    database.migrate();
    ContactStore contacts(database);
    contacts.addAccount(1001, "Source");
    writeFile(dir.file("one.jsonl"), "{\"id\": 7, \"firstname\": \"A\"}\n");
    importContacts(database, 1001, dir.file("one.jsonl"));
    writeFile(dir.file("two.jsonl"), "{\"id\": 8}\n{\"id\": 7, \"firstname\": \"B\"}\n");
    std::string message = errorOf([&] { importContacts(database, 1001, dir.file("two.jsonl")); });
    BOOST_TEST(message.find("two.jsonl line 2") != std::string::npos, message);
    BOOST_TEST(message.find("already in use") != std::string::npos, message);
    BOOST_TEST(contacts.countContacts(1001) == 1);
}

BOOST_AUTO_TEST_CASE(import_into_a_missing_account_is_refused) {
    TempDir dir;
    Database database(dir.storeUri());
    database.migrate();
    writeFile(dir.file("c.jsonl"), "{\"firstname\": \"A\"}\n");
    BOOST_CHECK_THROW(importContacts(database, 4242, dir.file("c.jsonl")), NotFound);
}

BOOST_AUTO_TEST_CASE(webhook_saved_whole_and_updated_by_title) {
    TempDir dir;
    Database database(dir.storeUri());
    database.migrate();
    WebhookStore webhooks(database);
    auto definition = dpp::mapping::parseWebhookDefinition(
        R"({"title": "T", "url": "https://x.example/post/", "port": 8443,
            "auth": {"username": "u", "password": "p"},
            "pairs": [{"key": "lasname", "field": "LASTNAME"},
                      {"key": "api_hash", "value": "s3cret", "secret": true}]})");
    BOOST_TEST(webhooks.save(definition));
    auto stored = webhooks.require(definition.id);
    BOOST_TEST(stored.pairs.size() == 2u);
    BOOST_TEST(stored.pairs[0].key == "lasname");
    BOOST_TEST(stored.pairs[1].value == "s3cret");
    BOOST_TEST(*stored.port == 8443);
    // An exported (masked) definition applied again keeps the stored secrets.
    auto exported = dpp::mapping::parseWebhookDefinition(dpp::mapping::webhookToJson(stored, true));
    BOOST_TEST(!webhooks.save(exported));
    auto again = webhooks.require(definition.id);
    BOOST_TEST(again.auth->password == "p");
    BOOST_TEST(again.pairs[1].value == "s3cret");
    // The same title without an id updates instead of duplicating.
    auto retitled = dpp::mapping::parseWebhookDefinition(
        R"({"title": "T", "url": "https://x.example/other/", "pairs": []})");
    BOOST_TEST(!webhooks.save(retitled));
    BOOST_TEST(webhooks.all().size() == 1u);
    BOOST_TEST(webhooks.require(definition.id).url == "https://x.example/other/");
}

BOOST_AUTO_TEST_CASE(data_source_tokens_are_40_hex_and_receive_is_idempotent) {
    TempDir dir;
    Database database(dir.storeUri());
    database.migrate();
    ContactStore(database).addAccount(2002, "Destination");
    DataSourceStore sources(database);
    DataSource source = sources.add(2002, "From 1001", std::nullopt);
    BOOST_TEST(source.token.size() == 40u);
    BOOST_TEST(source.token.find_first_not_of("0123456789abcdef") == std::string::npos);
    BOOST_TEST(sources.add(2002, "Other", std::nullopt).token != source.token);
    dpp::mapping::Contact contact;
    contact.set(SystemField::FirstName, "Mike");
    ReceivedPosts received(database);
    auto first = received.receive(source, contact, {"lasname"}, "dlv_1");
    dpp::mapping::Contact same;
    auto second = received.receive(source, same, {}, "dlv_1");
    BOOST_TEST(!first.duplicate);
    BOOST_TEST(second.duplicate);
    BOOST_TEST(second.contactId == first.contactId);
    BOOST_TEST(second.ignoredKeys == std::vector<std::string>{"lasname"});
    BOOST_TEST(ContactStore(database).countContacts(2002) == 1);
}

BOOST_AUTO_TEST_SUITE_END()
