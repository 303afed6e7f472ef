// `contact import --datasource`: rows of a file as posts to a data source, against a real
// SQLite store. Keys verbatim through the data source's map, special parameters, de-dupe,
// post-on, the same file twice, and malformed files that change nothing.
#include "bridge/receive/DataSourceImport.h"
#include "bridge/InputError.h"
#include "bridge/store/ContactExtrasStore.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/DataSourceStore.h"
#include "bridge/store/DeliveryStore.h"
#include "bridge/store/WebhookStore.h"
#include "mapping/WebhookJson.h"
#include "support/TempDir.h"

#include <boost/test/unit_test.hpp>

#include <fstream>

using namespace dpp::bridge;
using dpp::mapping::SystemField;
using dpp::testing::TempDir;

namespace {

struct ImportFixture {
    TempDir dir;
    Config config;
    std::unique_ptr<Database> database;
    DataSource source;

    ImportFixture() {
        database = std::make_unique<Database>(dir.storeUri());
        database->migrate();
        ContactStore(*database).addAccount(2002, "Destination");
        dpp::budget::BudgetCatalog catalog;
        catalog.add("Rent", "BUDGET_RENT");
        ContactExtrasStore(*database).addBudgetFields(2002, catalog);
        auto definition = dpp::mapping::parseWebhookDefinition(
            R"({"title": "On", "account": 2002, "url": "http://192.0.2.1/post/x/",
                "pairs": [{"key": "email", "field": "EMAIL"}]})");
        WebhookStore(*database).save(definition);
        source = DataSourceStore(*database).add(
            2002, "Imports", definition.id,
            DedupeSettings{dpp::mapping::parseDedupeRules("email"), DuplicateAction::Update});
        DataSourceStore(*database).map(source.id, "Phone Number", SystemField::HomePhone);
    }

    std::filesystem::path write(const std::string& name, const std::string& text) {
        std::filesystem::path file = dir.file(name);
        std::ofstream(file, std::ios::binary) << text;
        return file;
    }
    DataSourceImportCounts import(const std::filesystem::path& file) {
        return importThroughDataSource(*database, config, source.id, file);
    }
    std::int64_t stored() { return ContactStore(*database).countContacts(2002); }
    std::size_t deliveries() {
        DeliveryFilter all;
        all.limit = 10000;
        return DeliveryStore(*database).list(all).size();
    }
    std::optional<dpp::mapping::Contact> byEmail(const std::string& email) {
        for (const auto& contact : ContactStore(*database).contacts(2002))
            if (contact.get(SystemField::Email) == email)
                return contact;
        return std::nullopt;
    }
};

const std::string kPlan = R"({"v":1,"name":"Standard 2","length":2,"frequency":"monthly",)"
                          R"("payment_amount":"100.00","first_payment_date":"2026-12-15",)"
                          R"("fees":[],"payments":[{"n":1,"date":"2026-12-15","amount":)"
                          R"("100.00"},{"n":2,"date":"2027-01-15","amount":"100.00"}]})";

} // namespace

BOOST_FIXTURE_TEST_SUITE(datasource_import, ImportFixture)

BOOST_AUTO_TEST_CASE(csv_rows_are_posts_with_keys_verbatim_de_dupe_and_post_on) {
    auto file = write("leads.csv", "firstname,lasname,email,Phone Number,{BUDGET_RENT},fax\n"
                                   "Mike,Smith,mike@example.com,3105550199,1200.00,1\n"
                                   "Ann,Lee,ann@example.com,,900.00,\n"
                                   "Michael,Smith,MIKE@example.com,3105550100,1250.00,\n"
                                   "Bo,Bad,bo@example.com,,12OO,\n");
    DataSourceImportCounts counts = import(file);
    BOOST_TEST(counts.rows == 4);
    BOOST_TEST(counts.created == 3);
    BOOST_TEST(counts.updated == 1);
    BOOST_TEST(counts.problems == 1); // Bo's budget amount
    BOOST_TEST(counts.ignoredKeys.at("lasname") == 4);
    BOOST_TEST(counts.ignoredKeys.at("fax") == 4);
    BOOST_TEST(counts.postedOn == 4); // one delivery per stored or updated contact
    BOOST_TEST(deliveries() == 4u);
    BOOST_TEST(stored() == 3);
    auto mike = byEmail("MIKE@example.com");
    BOOST_REQUIRE(mike);
    BOOST_TEST(mike->get(SystemField::FirstName) == "Michael");
    BOOST_TEST(mike->get(SystemField::HomePhone) == "3105550100");
    BOOST_TEST(mike->get(SystemField::LastName) == ""); // 'lasname' is not a key it knows
    BOOST_TEST(ContactExtrasStore(*database).budgetValues(mike->id).at("BUDGET_RENT").toString() ==
               "1250.00");
    BOOST_TEST(!ContactExtrasStore(*database)
                    .budgetValues(byEmail("bo@example.com")->id)
                    .count("BUDGET_RENT"));
}

BOOST_AUTO_TEST_CASE(the_same_file_twice_stores_nothing_the_second_time) {
    auto file = write("leads.jsonl", "{\"firstname\": \"Mike\", \"email\": \"mike@example.com\"}\n"
                                     "\n"
                                     "{\"firstname\": \"Ann\", \"email\": \"ann@example.com\"}\n");
    DataSourceImportCounts first = import(file);
    BOOST_TEST(first.created == 2);
    DataSourceImportCounts second = import(file);
    BOOST_TEST(second.rows == 2);
    BOOST_TEST(second.repeated == 2);
    BOOST_TEST(second.created == 0);
    BOOST_TEST(second.updated + second.unchanged == 0);
    BOOST_TEST(stored() == 2);
    BOOST_TEST(deliveries() == 2u);
}

BOOST_AUTO_TEST_CASE(a_json_array_carries_plans) {
    std::string plan = kPlan;
    std::string escaped;
    for (char c : plan)
        escaped += c == '"' ? std::string("\\\"") : std::string(1, c);
    auto file = write("leads.json", "{\"contacts\": [\n  {\"firstname\": \"Mike\",\n"
                                    "   \"email\": \"mike@example.com\",\n"
                                    "   \"__plan_data\": \"" +
                                        escaped + "\"},\n  {\"firstname\": \"Ann\"}\n]}\n");
    DataSourceImportCounts counts = import(file);
    BOOST_TEST(counts.created == 2);
    BOOST_TEST(counts.problems == 0);
    auto mike = byEmail("mike@example.com");
    BOOST_REQUIRE(mike);
    BOOST_TEST(ContactExtrasStore(*database).plan(mike->id)->name == "Standard 2");
}

BOOST_AUTO_TEST_CASE(a_malformed_file_names_file_line_and_key_and_changes_nothing) {
    auto tooMany = write("bad.csv", "firstname,email\nMike,mike@example.com\nAnn,a@b.c,extra\n");
    try {
        import(tooMany);
        BOOST_FAIL("a row with more cells than the header was taken");
    } catch (const InputError& error) {
        std::string message = error.what();
        BOOST_TEST(message.find("bad.csv line 3") != std::string::npos, message);
    }
    std::string longValue(config.maxValueBytes + 1, 'x');
    auto tooLong =
        write("long.jsonl", "{\"firstname\": \"Mike\"}\n{\"notes\": \"" + longValue + "\"}\n");
    try {
        import(tooLong);
        BOOST_FAIL("a value over server.max_value_bytes was taken");
    } catch (const InputError& error) {
        std::string message = error.what();
        BOOST_TEST(message.find("long.jsonl line 2, key 'notes'") != std::string::npos, message);
    }
    auto broken = write("broken.jsonl", "{\"firstname\": \"Mike\"}\n{\"firstname\": \n");
    BOOST_CHECK_THROW(import(broken), InputError);
    BOOST_CHECK_THROW(import(write("leads.txt", "firstname\nMike\n")), InputError);
    BOOST_TEST(stored() == 0);
    BOOST_TEST(deliveries() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
