// De-dupe on data sources: a real BridgeServer on a loopback port and a real SQLite store,
// posted to over HTTP. Reject, update in place and create-as-duplicate; the sender identity
// rule; rules that disagree; concurrent posts of one person; web-form redirects.
#include "bridge/http/BridgeServer.h"
#include "bridge/store/ContactExtrasStore.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/DataSourceStore.h"
#include "bridge/store/DeliveryStore.h"
#include "bridge/store/DocumentCopyStore.h"
#include "bridge/store/WebhookStore.h"
#include "mapping/WebhookJson.h"
#include "support/PostClient.h"
#include "support/TempDir.h"

#include <boost/test/unit_test.hpp>

#include <thread>

using namespace dpp::bridge;
using dpp::mapping::SystemField;
using dpp::testing::Answer;
using dpp::testing::sendRequest;
using dpp::testing::TempDir;

namespace {

const char* kForm = "application/x-www-form-urlencoded";

struct DedupeFixture {
    TempDir dir;
    Config config;
    std::unique_ptr<Database> database;
    std::unique_ptr<BridgeServer> server;
    DataSource source;
    std::int64_t webhookId = 0;

    DedupeFixture() {
        config.deliveryWorkers = 0;
        config.peers[1001] = {"http://127.0.0.1:1", "partner", "secret"};
        database = std::make_unique<Database>(dir.storeUri());
        database->migrate();
        ContactStore(*database).addAccount(2002, "Destination");
        auto definition = dpp::mapping::parseWebhookDefinition(
            R"({"title": "On", "account": 2002, "url": "http://192.0.2.1/post/x/",
                "pairs": [{"key": "email", "field": "EMAIL"}]})");
        WebhookStore(*database).save(definition);
        webhookId = definition.id;
        server = std::make_unique<BridgeServer>(config, *database, "127.0.0.1:0");
        server->start();
    }
    ~DedupeFixture() { server->stop(); }

    void useSource(const std::string& rules, DuplicateAction action, bool postOn = false) {
        DedupeSettings dedupe;
        dedupe.rules = dpp::mapping::parseDedupeRules(rules);
        dedupe.action = action;
        source = DataSourceStore(*database).add(
            2002, "From 1001", postOn ? std::optional<std::int64_t>(webhookId) : std::nullopt,
            dedupe);
        DataSourceStore(*database).map(source.id, "status", SystemField::Status);
        DataSourceStore(*database).mapCustom(source.id, "tier", "Tier");
    }

    Answer post(const std::string& body, const std::map<std::string, std::string>& headers = {},
                bool chunked = false) {
        return sendRequest(server->port(), "POST", source.postingPath(), body, kForm, headers,
                           chunked);
    }
    std::int64_t stored() { return ContactStore(*database).countContacts(2002); }
    dpp::mapping::Contact contact(std::int64_t id) {
        auto found = ContactStore(*database).contact(id);
        BOOST_REQUIRE(found);
        return *found;
    }
    std::size_t deliveries() {
        DeliveryFilter all;
        all.limit = 1000;
        return DeliveryStore(*database).list(all).size();
    }
};

std::string stringList(const Poco::JSON::Object::Ptr& object, const std::string& key) {
    std::string out;
    auto array = object->getArray(key);
    for (std::size_t i = 0; array && i < array->size(); ++i)
        out += (out.empty() ? "" : ",") + array->getElement<std::string>(static_cast<unsigned>(i));
    return out;
}

const std::string kPlan =
    R"({"v":1,"name":"Standard 2","length":2,"frequency":"monthly","payment_amount":"100.00",)"
    R"("first_payment_date":"2026-12-15","fees":[],"payments":[{"n":1,"date":"2026-12-15",)"
    R"("amount":"100.00"},{"n":2,"date":"2027-01-15","amount":"100.00"}]})";

std::string encoded(const std::string& text) {
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_')
            out += static_cast<char>(c);
        else {
            char hex[4];
            std::snprintf(hex, sizeof(hex), "%%%02X", c);
            out += hex;
        }
    }
    return out;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(dedupe, DedupeFixture)

BOOST_AUTO_TEST_CASE(reject_answers_409_naming_the_match_and_stores_nothing) {
    useSource("email", DuplicateAction::Reject);
    Answer first = post("firstname=Mike&email=mike%40example.com");
    BOOST_TEST(first.status == 200, first.body);
    std::int64_t id = first.json()->getValue<std::int64_t>("contact_id");
    // Case and spaces do not make another person.
    Answer second =
        post("firstname=Michael&email=%20MIKE%40Example.COM%20", {{"Idempotency-Key", "dlv_2"}});
    BOOST_TEST(second.status == 409, second.body);
    auto answer = second.json();
    BOOST_TEST(answer->getValue<std::string>("status") == "Duplicate");
    BOOST_TEST(answer->getValue<std::int64_t>("duplicate_of") == id);
    BOOST_TEST(answer->getValue<std::string>("rule") == "email");
    BOOST_TEST(stored() == 1);
    BOOST_TEST(contact(id).get(SystemField::FirstName) == "Mike");
    // Nothing was kept for the key either: the same post is judged again, and refused again.
    BOOST_TEST(
        post("firstname=Michael&email=mike%40example.com", {{"Idempotency-Key", "dlv_2"}}).status ==
        409);
    // An empty value never matches.
    BOOST_TEST(post("firstname=A&email=").status == 200);
    BOOST_TEST(post("firstname=B&email=").status == 200);
    BOOST_TEST(stored() == 3);
}

BOOST_AUTO_TEST_CASE(update_replaces_what_was_posted_and_keeps_the_rest) {
    useSource("email", DuplicateAction::Update, true);
    Answer first = post("firstname=Mike&lastname=Smith&email=mike%40example.com&cellphone=555&"
                        "status=New&tier=Silver");
    BOOST_TEST(first.status == 200, first.body);
    std::int64_t id = first.json()->getValue<std::int64_t>("contact_id");
    BOOST_TEST(deliveries() == 1u); // the post-on of the new contact
    Answer second = post("email=Mike%40Example.com&lastname=Smith-Jones&cellphone=&status=Enrolled&"
                         "tier=Gold&__plan_data=" +
                         encoded(kPlan));
    BOOST_TEST(second.status == 200, second.body);
    auto answer = second.json();
    BOOST_TEST(answer->getValue<std::int64_t>("contact_id") == id);
    BOOST_TEST(answer->getValue<bool>("updated"));
    BOOST_TEST(stringList(answer, "changed") == "email,lastname,cellphone,status,CF:Tier,plan");
    BOOST_TEST(answer->getValue<std::string>("matched_by") == "email");
    auto after = contact(id);
    BOOST_TEST(after.get(SystemField::FirstName) == "Mike"); // not posted: kept
    BOOST_TEST(after.get(SystemField::LastName) == "Smith-Jones");
    BOOST_TEST(after.get(SystemField::Email) == "Mike@Example.com");
    BOOST_TEST(after.get(SystemField::CellPhone) == ""); // posted empty: cleared
    BOOST_TEST(after.get(SystemField::Status) == "Enrolled");
    BOOST_TEST(after.custom.at("Tier") == "Gold");
    BOOST_TEST(ContactExtrasStore(*database).plan(id)->name == "Standard 2");
    BOOST_TEST(stored() == 1);
    BOOST_TEST(deliveries() == 2u); // the update was posted on too
    // The same values again: nothing changes, nothing is raised or posted on.
    Answer third = post("email=Mike%40Example.com&lastname=Smith-Jones&status=Enrolled&"
                        "__plan_data=" +
                        encoded(kPlan));
    BOOST_TEST(third.status == 200, third.body);
    BOOST_TEST(third.body.find("\"changed\": []") != std::string::npos, third.body);
    BOOST_TEST(deliveries() == 2u);
}

BOOST_AUTO_TEST_CASE(source_identity_matches_first_and_follows_a_changed_email) {
    useSource("source,email", DuplicateAction::Update);
    Answer first =
        post("firstname=Mike&email=old%40example.com", {{"X-Dppbridge-Hops", "1001:55"}});
    std::int64_t id = first.json()->getValue<std::int64_t>("contact_id");
    Answer changed =
        post("firstname=Mike&email=new%40example.com", {{"X-Dppbridge-Hops", "1001:55"}});
    BOOST_TEST(changed.json()->getValue<std::int64_t>("contact_id") == id, changed.body);
    BOOST_TEST(changed.json()->getValue<std::string>("matched_by") == "source");
    BOOST_TEST(contact(id).get(SystemField::Email) == "new@example.com");
    // The old address no longer belongs to the contact; the new one does.
    Answer other = post("firstname=Ann&email=old%40example.com");
    BOOST_TEST(other.json()->getValue<std::int64_t>("contact_id") != id);
    Answer byEmail = post("firstname=Mike&email=NEW%40example.com"); // no hops: next rule
    BOOST_TEST(byEmail.json()->getValue<std::int64_t>("contact_id") == id, byEmail.body);
    // Another sender's contact with its own identity is another person.
    Answer another =
        post("firstname=Zed&email=zed%40example.com", {{"X-Dppbridge-Hops", "1001:56"}});
    BOOST_TEST(another.json()->getValue<std::int64_t>("contact_id") != id);
    BOOST_TEST(stored() == 3);
}

BOOST_AUTO_TEST_CASE(a_post_older_than_the_change_applied_is_stale_and_changes_nothing) {
    useSource("source,email", DuplicateAction::Update);
    auto from55 = [](const std::string& change) {
        return std::map<std::string, std::string>{{"X-Dppbridge-Hops", "1001:55"},
                                                  {"X-Dppbridge-Change", change}};
    };
    std::int64_t id = post("firstname=Mike&email=v5%40example.com", from55("5"))
                          .json()
                          ->getValue<std::int64_t>("contact_id");
    Answer newer = post("firstname=Mike&email=v9%40example.com&status=Enrolled", from55("9"));
    BOOST_TEST(newer.json()->getValue<bool>("updated"), newer.body);
    // A retry of change 7, sent before change 9 but arriving after it (both paths).
    for (bool chunked : {false, true}) {
        Answer older =
            post("firstname=Mike&email=v7%40example.com&status=New", from55("7"), chunked);
        BOOST_TEST(older.status == 200, older.body);
        BOOST_TEST(older.json()->getValue<std::int64_t>("contact_id") == id);
        BOOST_TEST(!older.json()->getValue<bool>("updated"));
        BOOST_TEST(older.json()->getValue<bool>("stale"), older.body);
    }
    BOOST_TEST(contact(id).get(SystemField::Email) == "v9@example.com");
    BOOST_TEST(contact(id).get(SystemField::Status) == "Enrolled");
    // The same change again applies (nothing newer came), and a later one does.
    BOOST_TEST(!post("email=v9%40example.com", from55("9")).json()->has("stale"));
    post("email=v12%40example.com", from55("12"));
    BOOST_TEST(contact(id).get(SystemField::Email) == "v12@example.com");
    // Without a change number there is no order to keep: the post applies.
    post("email=plain%40example.com", {{"X-Dppbridge-Hops", "1001:55"}});
    BOOST_TEST(contact(id).get(SystemField::Email) == "plain@example.com");
    BOOST_TEST(stored() == 1);
}

BOOST_AUTO_TEST_CASE(rules_that_disagree_take_the_first_and_say_so) {
    useSource("source,email", DuplicateAction::Update);
    std::int64_t a = post("firstname=A&email=a%40example.com", {{"X-Dppbridge-Hops", "1001:1"}})
                         .json()
                         ->getValue<std::int64_t>("contact_id");
    std::int64_t b = post("firstname=B&email=b%40example.com", {{"X-Dppbridge-Hops", "1001:2"}})
                         .json()
                         ->getValue<std::int64_t>("contact_id");
    Answer both = post("firstname=A2&email=b%40example.com", {{"X-Dppbridge-Hops", "1001:1"}});
    BOOST_TEST(both.json()->getValue<std::int64_t>("contact_id") == a);
    BOOST_TEST(both.body.find("de-dupe rules disagree: 'source' matched contact " +
                              std::to_string(a) + ", 'email' matched contact " +
                              std::to_string(b)) != std::string::npos,
               both.body);
    BOOST_TEST(stored() == 2);
}

BOOST_AUTO_TEST_CASE(create_stores_a_new_contact_marked_duplicate_of_the_match) {
    useSource("lastname+dob", DuplicateAction::Create);
    std::int64_t first = post("firstname=Mike&lastname=Smith&dob=1980-04-12")
                             .json()
                             ->getValue<std::int64_t>("contact_id");
    Answer second = post("firstname=M&lastname=SMITH&dob=1980-04-12");
    BOOST_TEST(second.status == 200, second.body);
    std::int64_t id = second.json()->getValue<std::int64_t>("contact_id");
    BOOST_TEST(id != first);
    BOOST_TEST(second.json()->getValue<std::int64_t>("duplicate_of") == first);
    BOOST_TEST(ContactStore(*database).duplicateOf(id).value_or(0) == first);
    BOOST_TEST(!ContactStore(*database).duplicateOf(first));
    // A third one still points at the first: the duplicate does not take over its values.
    BOOST_TEST(
        post("lastname=Smith&dob=1980-04-12").json()->getValue<std::int64_t>("duplicate_of") ==
        first);
    // Half a combination is not a match.
    BOOST_TEST(!post("lastname=Smith").json()->has("duplicate_of"));
}

BOOST_AUTO_TEST_CASE(the_idempotency_key_is_judged_before_de_dupe) {
    useSource("email", DuplicateAction::Update);
    Answer first = post("email=a%40example.com&firstname=A", {{"Idempotency-Key", "k1"}});
    Answer update = post("email=a%40example.com&firstname=B", {{"Idempotency-Key", "k2"}});
    BOOST_TEST(update.json()->getValue<bool>("updated"));
    Answer again = post("email=a%40example.com&firstname=C", {{"Idempotency-Key", "k2"}});
    BOOST_TEST(again.json()->getValue<bool>("duplicate"), again.body);
    BOOST_TEST(!again.json()->has("updated"));
    BOOST_TEST(
        contact(first.json()->getValue<std::int64_t>("contact_id")).get(SystemField::FirstName) ==
        "B");
}

BOOST_AUTO_TEST_CASE(copydocs_on_update_queues_only_documents_not_copied_before) {
    useSource("email", DuplicateAction::Update);
    std::int64_t id = post("email=a%40example.com&__copydocs=1001-55-12%2C13")
                          .json()
                          ->getValue<std::int64_t>("contact_id");
    Answer again = post("email=a%40example.com&__copydocs=1001-55-12%2C13%2C14");
    BOOST_TEST(stringList(again.json(), "changed") == "documents", again.body);
    Answer same = post("email=a%40example.com&__copydocs=1001-55-12%2C13%2C14");
    BOOST_TEST(same.body.find("\"changed\": []") != std::string::npos, same.body);
    auto copies = DocumentCopyStore(*database).forContact(id);
    BOOST_TEST(copies.size() == 3u);
}

BOOST_AUTO_TEST_CASE(budget_values_are_replaced_tag_by_tag) {
    dpp::budget::BudgetCatalog catalog;
    catalog.add("Rent", "BUDGET_RENT");
    catalog.add("Car", "BUDGET_CAR");
    ContactExtrasStore(*database).addBudgetFields(2002, catalog);
    useSource("email", DuplicateAction::Update);
    std::int64_t id =
        post("email=a%40example.com&%7BBUDGET_RENT%7D=1200.00&%7BBUDGET_CAR%7D=300.00")
            .json()
            ->getValue<std::int64_t>("contact_id");
    Answer update = post("email=a%40example.com&%7BBUDGET_RENT%7D=1250.00");
    BOOST_TEST(stringList(update.json(), "changed") == "budget", update.body);
    auto values = ContactExtrasStore(*database).budgetValues(id);
    BOOST_TEST(values.at("BUDGET_RENT").toString() == "1250.00");
    BOOST_TEST(values.at("BUDGET_CAR").toString() == "300.00");
}

BOOST_AUTO_TEST_CASE(fifty_concurrent_posts_of_one_email_make_one_contact) {
    useSource("email", DuplicateAction::Reject);
    std::vector<int> statuses(50);
    std::vector<std::thread> threads;
    for (int i = 0; i < 50; ++i)
        threads.emplace_back([&, i] {
            // Half through the receive loop, half through the request threads (chunked).
            statuses[i] = post("firstname=Same" + std::to_string(i) + "&email=same%40example.com",
                               {}, i % 2 == 1)
                              .status;
        });
    for (auto& thread : threads)
        thread.join();
    BOOST_TEST(std::count(statuses.begin(), statuses.end(), 200) == 1);
    BOOST_TEST(std::count(statuses.begin(), statuses.end(), 409) == 49);
    BOOST_TEST(stored() == 1);
}

BOOST_AUTO_TEST_CASE(fifty_concurrent_updates_of_one_email_keep_one_contact) {
    useSource("email", DuplicateAction::Update);
    std::vector<std::int64_t> ids(50);
    std::vector<std::thread> threads;
    for (int i = 0; i < 50; ++i)
        threads.emplace_back([&, i] {
            Answer answer = post("firstname=Same&email=same%40example.com", {}, i % 2 == 1);
            ids[i] = answer.status == 200 ? answer.json()->getValue<std::int64_t>("contact_id") : 0;
        });
    for (auto& thread : threads)
        thread.join();
    BOOST_TEST(std::count(ids.begin(), ids.end(), ids.front()) == 50);
    BOOST_TEST(stored() == 1);
}

BOOST_AUTO_TEST_CASE(new_rules_index_the_contacts_stored_before) {
    source = DataSourceStore(*database).add(2002, "Plain", std::nullopt);
    std::int64_t id = post("firstname=Mike&email=mike%40example.com", {{"Idempotency-Key", "k1"}})
                          .json()
                          ->getValue<std::int64_t>("contact_id");
    BOOST_TEST(post("firstname=Mike&email=mike%40example.com").status == 200); // no de-dupe yet
    BOOST_TEST(stored() == 2);
    DataSourceChanges changes;
    changes.dedupe =
        DedupeSettings{dpp::mapping::parseDedupeRules("email"), DuplicateAction::Reject};
    DataSource changed = DataSourceStore(*database).set(source.id, changes);
    BOOST_TEST(changed.dedupe.enabled());
    // The server keeps a data source for up to 2 s; a new server reads it at once.
    server->stop();
    server = std::make_unique<BridgeServer>(config, *database, "127.0.0.1:0");
    server->start();
    Answer refused = post("email=MIKE%40example.com");
    BOOST_TEST(refused.status == 409, refused.body);
    BOOST_TEST(refused.json()->getValue<std::int64_t>("duplicate_of") == id);
}

BOOST_AUTO_TEST_CASE(a_browser_form_is_redirected_and_other_clients_get_json) {
    DedupeSettings none;
    source = DataSourceStore(*database).add(2002, "Landing page", std::nullopt, none,
                                            "https://partner.example/thanks?x=1");
    const std::string browser =
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8";
    for (bool chunked : {false, true}) {
        Answer form = post("firstname=Web&email=web%40example.com", {{"Accept", browser}}, chunked);
        BOOST_TEST(form.status == 303, form.body);
        BOOST_TEST(form.headers["Location"] == "https://partner.example/thanks?x=1");
        Answer api = post("firstname=Api", {{"Accept", "*/*"}}, chunked);
        BOOST_TEST(api.status == 200);
        BOOST_TEST(api.headers.count("Location") == 0u);
    }
    BOOST_TEST(stored() == 4);
    // Refusals keep their status: a form that cannot be stored is not sent to the thanks page.
    BOOST_TEST(
        sendRequest(server->port(), "POST", source.postingPath(), "", kForm, {{"Accept", browser}})
            .status == 400);
}

BOOST_AUTO_TEST_SUITE_END()
