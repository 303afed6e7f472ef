// `serve` receiving into data sources: a real BridgeServer on a loopback port chosen by the
// kernel, posted to with a real HTTP client.
#include "bridge/http/BridgeServer.h"
#include "bridge/store/ContactExtrasStore.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/DataSourceStore.h"
#include "bridge/store/DocumentCopyStore.h"
#include "support/PostClient.h"
#include "support/TempDir.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <boost/test/unit_test.hpp>

using namespace dpp::bridge;
using dpp::mapping::SystemField;
using dpp::testing::Answer;
using dpp::testing::sendRequest;
using dpp::testing::TempDir;

namespace {

struct ServerFixture {
    TempDir dir;
    Config config;
    std::unique_ptr<Database> database;
    std::unique_ptr<BridgeServer> server;
    DataSource source;

    ServerFixture() {
        config.maxBodyBytes = 4096;
        database = std::make_unique<Database>(dir.storeUri());
        database->migrate();
        ContactStore(*database).addAccount(2002, "Destination");
        source = DataSourceStore(*database).add(2002, "From 1001", std::nullopt);
        server = std::make_unique<BridgeServer>(config, *database, "127.0.0.1:0");
        server->start();
    }
    ~ServerFixture() { server->stop(); }

    Answer send(const std::string& method, const std::string& uri, const std::string& body = "",
                const std::string& contentType = "",
                const std::map<std::string, std::string>& headers = {}) {
        return sendRequest(server->port(), method, uri, body, contentType, headers);
    }
    Answer postForm(const std::string& body,
                    const std::map<std::string, std::string>& headers = {}) {
        return send("POST", source.postingPath(), body, "application/x-www-form-urlencoded",
                    headers);
    }
    std::int64_t contactIdOf(const Answer& answer) {
        Poco::JSON::Parser parser;
        return parser.parse(answer.body)
            .extract<Poco::JSON::Object::Ptr>()
            ->getValue<std::int64_t>("contact_id");
    }
    std::int64_t stored() { return ContactStore(*database).countContacts(2002); }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(datasource_server, ServerFixture)

BOOST_AUTO_TEST_CASE(form_post_is_stored_with_ignored_keys_reported) {
    Answer answer = postForm("firstname=Mike&lasname=Smith&cellphone=5555555555&state=CA&"
                             "phone=1&firstname=Michael");
    BOOST_TEST(answer.status == 200);
    BOOST_TEST(answer.body.find("Success") != std::string::npos);
    BOOST_TEST(answer.body.find("\"ignored_keys\": [\"lasname\", \"phone\"]") != std::string::npos,
               answer.body);
    auto contact = ContactStore(*database).contact(contactIdOf(answer));
    BOOST_REQUIRE(contact);
    BOOST_TEST(contact->accountId == 2002);
    BOOST_TEST(contact->get(SystemField::FirstName) == "Michael"); // the last value wins
    BOOST_TEST(contact->get(SystemField::LastName) == "");
    BOOST_TEST(contact->get(SystemField::CellPhone) == "5555555555");
}

BOOST_AUTO_TEST_CASE(get_query_string_and_json_post_are_taken) {
    Answer get = send("GET", source.postingPath() + "?firstname=Ana&lastname=Garc%C3%ADa%20%2B1");
    BOOST_TEST(get.status == 200);
    auto fromGet = ContactStore(*database).contact(contactIdOf(get));
    BOOST_TEST(fromGet->get(SystemField::LastName) == "García +1");
    Answer json =
        send("POST", source.postingPath(), R"({"firstname": "李", "zip": 94108, "email": "a@b.c"})",
             "application/json");
    BOOST_TEST(json.status == 200, json.body);
    auto fromJson = ContactStore(*database).contact(contactIdOf(json));
    BOOST_TEST(fromJson->get(SystemField::FirstName) == "李");
    BOOST_TEST(fromJson->get(SystemField::Zip) == "94108");
}

BOOST_AUTO_TEST_CASE(extra_mappings_apply_verbatim) {
    DataSourceStore(*database).map(source.id, "Phone Number", SystemField::HomePhone);
    Answer answer = postForm("Phone%20Number=3105550199&phone%20number=1");
    BOOST_TEST(answer.status == 200);
    auto contact = ContactStore(*database).contact(contactIdOf(answer));
    BOOST_TEST(contact->get(SystemField::HomePhone) == "3105550199");
    BOOST_TEST(answer.body.find("\"phone number\"") != std::string::npos, answer.body);
}

BOOST_AUTO_TEST_CASE(same_idempotency_key_gives_the_same_contact) {
    Answer first = postForm("firstname=Once", {{"Idempotency-Key", "dlv_abc"}});
    Answer second = postForm("firstname=Once", {{"Idempotency-Key", "dlv_abc"}});
    Answer viaWebhookId = postForm("firstname=Once", {{"webhook-id", "dlv_abc"}});
    BOOST_TEST(contactIdOf(first) == contactIdOf(second));
    BOOST_TEST(contactIdOf(first) == contactIdOf(viaWebhookId));
    BOOST_TEST(second.body.find("\"duplicate\": true") != std::string::npos);
    BOOST_TEST(stored() == 1);
    postForm("firstname=Twice", {{"Idempotency-Key", "dlv_other"}});
    BOOST_TEST(stored() == 2);
}

BOOST_AUTO_TEST_CASE(an_idempotency_key_too_long_or_not_utf8_is_400) {
    Answer tooLong = postForm("firstname=A", {{"Idempotency-Key", std::string(201, 'k')}});
    BOOST_TEST(tooLong.status == 400);
    BOOST_TEST(tooLong.body.find("Idempotency-Key") != std::string::npos, tooLong.body);
    BOOST_TEST(postForm("firstname=A", {{"Idempotency-Key", "\xff\xfe"}}).status == 400);
    BOOST_TEST(stored() == 0);
    BOOST_TEST(postForm("firstname=A", {{"Idempotency-Key", std::string(200, 'k')}}).status == 200);
}

BOOST_AUTO_TEST_CASE(unknown_token_is_404_and_stores_nothing) {
    Answer answer = send("POST", "/post/" + std::string(40, 'a') + "/", "firstname=x",
                         "application/x-www-form-urlencoded");
    BOOST_TEST(answer.status == 404);
    BOOST_TEST(send("GET", "/post/not-a-token/").status == 404);
    BOOST_TEST(send("GET", "/elsewhere").status == 404);
    BOOST_TEST(stored() == 0);
}

BOOST_AUTO_TEST_CASE(bad_bodies_get_4xx_with_a_message_and_store_nothing) {
    Answer badEscape = postForm("firstname=%zz");
    BOOST_TEST(badEscape.status == 400);
    BOOST_TEST(badEscape.body.find("firstname") != std::string::npos, badEscape.body);
    Answer badUtf8 = postForm("firstname=%C3%28");
    BOOST_TEST(badUtf8.status == 400);
    BOOST_TEST(badUtf8.body.find("UTF-8") != std::string::npos, badUtf8.body);
    Answer rawBadUtf8 = postForm("firstname=\xff\xfe");
    BOOST_TEST(rawBadUtf8.status == 400);
    Answer badJson = send("POST", source.postingPath(), "{\"firstname\": ", "application/json");
    BOOST_TEST(badJson.status == 400);
    Answer array = send("POST", source.postingPath(), "[1, 2]", "application/json");
    BOOST_TEST(array.status == 400);
    Answer xml = send("POST", source.postingPath(), "<lead/>", "text/xml");
    BOOST_TEST(xml.status == 415);
    Answer empty = postForm("");
    BOOST_TEST(empty.status == 400);
    Answer put = send("PUT", source.postingPath(), "firstname=x", "text/plain");
    BOOST_TEST(put.status == 405);
    BOOST_TEST(stored() == 0);
}

BOOST_AUTO_TEST_CASE(a_body_over_the_limit_is_413) {
    Answer answer = postForm("firstname=" + std::string(5000, 'x'));
    BOOST_TEST(answer.status == 413);
    BOOST_TEST(answer.body.find("4096") != std::string::npos, answer.body);
    BOOST_TEST(stored() == 0);
    // A body just under the limit is fine.
    BOOST_TEST(postForm("firstname=" + std::string(4000, 'x')).status == 200);
}

BOOST_AUTO_TEST_CASE(bad_special_parameters_and_budget_amounts_are_named_and_left_out) {
    dpp::budget::BudgetCatalog catalog;
    catalog.add("Rent", "BUDGET_RENT");
    catalog.add("Car Payment", "BUDGET_CAR");
    ContactExtrasStore(*database).addBudgetFields(2002, catalog);
    Answer answer = postForm("firstname=Kept&__plan_data=%7B%22v%22%3A1%7D&"
                             "__copydocs=1001-55-x&%7BBUDGET_RENT%7D=12OO.00&"
                             "%7BBUDGET_CAR%7D=310.07&unknown=1");
    BOOST_TEST(answer.status == 200, answer.body);
    BOOST_TEST(answer.body.find("__plan_data not applied") != std::string::npos, answer.body);
    BOOST_TEST(answer.body.find("__copydocs not applied") != std::string::npos, answer.body);
    BOOST_TEST(answer.body.find("BUDGET_RENT") != std::string::npos, answer.body);
    BOOST_TEST(answer.body.find("\"ignored_keys\": [\"unknown\"]") != std::string::npos,
               answer.body);
    std::int64_t id = contactIdOf(answer);
    ContactExtrasStore extras(*database);
    BOOST_TEST(!extras.plan(id));
    auto values = extras.budgetValues(id);
    BOOST_TEST(values.size() == 1u); // the good amount is kept, the bad one left out
    BOOST_TEST(values.at("BUDGET_CAR").toString() == "310.07");
    BOOST_TEST(ContactStore(*database).contact(id)->get(SystemField::FirstName) == "Kept");
}

BOOST_AUTO_TEST_CASE(copydocs_from_an_unknown_peer_is_named) {
    Answer answer = postForm("firstname=A&__copydocs=1001-55-12%2C13");
    BOOST_TEST(answer.status == 200);
    BOOST_TEST(answer.body.find("peers.1001.url") != std::string::npos, answer.body);
    BOOST_TEST(DocumentCopyStore(*database).forContact(contactIdOf(answer)).empty());
}

BOOST_AUTO_TEST_CASE(health_answers) {
    BOOST_TEST(send("GET", "/health").status == 200);
}

BOOST_AUTO_TEST_SUITE_END()
