// End to end with real processes: two `dppbridge serve` instances on loopback, each with its
// own SQLite store, acting as accounts 1001 and 2002; contacts go from one to the other
// through a webhook and a data source, and arrive identical, once each.
#include "support/Processes.h"
#include "support/TempDir.h"

#include <Poco/JSON/Parser.h>

#include <boost/test/unit_test.hpp>

#include <fstream>

using namespace dpp::testing;

namespace {

struct TwoAccounts {
    TempDir dir;
    std::vector<std::string> source;
    std::vector<std::string> destination;
    std::unique_ptr<ServeProcess> sourceServer;
    std::unique_ptr<ServeProcess> destinationServer;
    std::string postingPath;

    TwoAccounts() {
        for (std::string side : {"source", "destination"}) {
            std::ofstream(dir.file(side + ".properties"))
                << "store.uri = sqlite:" << dir.file(side + "/store.db") << "\n"
                << "network.allow_private_destinations = true\n"
                << "delivery.timeout.response = 10s\n";
        }
        source = {"--config", dir.file("source.properties")};
        destination = {"--config", dir.file("destination.properties")};
        expectOk(source, {"init"});
        expectOk(source, {"account", "add", "--id", "1001", "--name", "Source"});
        expectOk(destination, {"account", "add", "--id", "2002", "--name", "Destination"});
        postingPath = trimmed(
            expectOk(destination, {"datasource", "add", "--account", "2002", "--name", "In"}).out);
        destinationServer = std::make_unique<ServeProcess>(destination, dir.path(), "destination");
        sourceServer = std::make_unique<ServeProcess>(source, dir.path(), "source");
    }

    CommandResult run(const std::vector<std::string>& globals,
                      const std::vector<std::string>& command) {
        std::vector<std::string> arguments = globals;
        arguments.insert(arguments.end(), command.begin(), command.end());
        return runBridge(arguments);
    }
    CommandResult expectOk(const std::vector<std::string>& globals,
                           const std::vector<std::string>& command) {
        CommandResult result = run(globals, command);
        BOOST_REQUIRE_MESSAGE(result.status == 0, "dppbridge " << command.front() << " exited "
                                                               << result.status << ": "
                                                               << result.err << result.out);
        return result;
    }

    std::string applyWebhook(const std::string& extraPairs = "",
                             const std::string& mode = "inline") {
        std::ofstream(dir.file("webhook.json"))
            << R"({"title": "To 2002", "url": "http://127.0.0.1:)" << destinationServer->port()
            << postingPath << R"(", "method": "POST",
               "format": "form", "mode": ")"
            << mode << R"(", "success": {"body_contains": "Success"},
               "pairs": [{"key": "firstname", "field": "FIRSTNAME"},
                         {"key": "lastname", "field": "LASTNAME"},
                         {"key": "email", "field": "EMAIL"},
                         {"key": "cellphone", "field": "CELLPHONE"},
                         {"key": "city", "field": "CITY"},
                         {"key": "state", "field": "STATE"},
                         {"key": "zip", "field": "ZIP"},
                         {"key": "dob", "field": "DOB"},
                         {"key": "ssn", "field": "SSN"},
                         {"key": "lasname", "value": "{LASTNAME}"},
                         {"key": "api_hash", "value": "9f2c61-secret", "secret": true})"
            << extraPairs << "]}";
        return trimmed(expectOk(source, {"webhook", "apply", dir.file("webhook.json")}).out);
    }

    Poco::JSON::Object::Ptr showContact(const std::vector<std::string>& globals,
                                        const std::string& id) {
        CommandResult shown = expectOk(globals, {"contact", "show", id, "--json", "--reveal"});
        return Poco::JSON::Parser().parse(shown.out).extract<Poco::JSON::Object::Ptr>();
    }
    Poco::JSON::Array::Ptr listContacts(const std::vector<std::string>& globals,
                                        const std::string& account) {
        CommandResult listed =
            expectOk(globals, {"contact", "list", "--account", account, "--json"});
        return Poco::JSON::Parser().parse(listed.out).extract<Poco::JSON::Array::Ptr>();
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(transfer, TwoAccounts)

BOOST_AUTO_TEST_CASE(contacts_arrive_identical_once_each) {
    std::ofstream(dir.file("contacts.jsonl"))
        << R"({"id": 55, "firstname": "Mike", "lastname": "Smith", "cellphone": "5555555555", "email": "mike@example.com", "city": "Santa Monica", "state": "CA", "zip": "90401", "dob": "1980-04-12", "ssn": "123-45-6789"})"
        << "\n"
        << R"({"id": 56, "firstname": "Zoë & Co", "lastname": "O'Brien = 100% + more", "city": "Los Ángeles", "state": "CA"})"
        << "\n"
        << R"({"id": 57, "firstname": "李", "lastname": "小龙 🐉", "email": "a+b@example.com"})"
        << "\n";
    expectOk(source, {"contact", "import", "--account", "1001", dir.file("contacts.jsonl")});
    std::string webhook = applyWebhook();
    for (std::string id : {"55", "56", "57"}) {
        CommandResult sent =
            expectOk(source, {"execute", "--webhook", webhook, "--contact", id, "--inline"});
        BOOST_TEST(sent.out.find("delivered") != std::string::npos, sent.out);
    }
    auto arrived = listContacts(destination, "2002");
    BOOST_REQUIRE_EQUAL(arrived->size(), 3u);
    const char* fields[] = {"firstname", "lastname", "email", "cellphone", "city",
                            "state",     "zip",      "dob",   "ssn"};
    for (unsigned i = 0; i < 3; ++i) {
        std::string sentId = std::to_string(55 + i);
        auto original = showContact(source, sentId);
        auto copy =
            showContact(destination, std::to_string(arrived->getObject(i)->getValue<int>("id")));
        BOOST_TEST(copy->getValue<int>("account_id") == 2002);
        for (const char* field : fields)
            BOOST_TEST(copy->getValue<std::string>(field) == original->getValue<std::string>(field),
                       "contact " << sentId << " field " << field);
    }
    // The delivery log holds the request with the secrets masked, and the receiver's answer.
    CommandResult log = expectOk(source, {"deliveries", "show", "1", "--json"});
    BOOST_TEST(log.out.find("9f2c61-secret") == std::string::npos);
    BOOST_TEST(log.out.find("123-45-6789") == std::string::npos);
    BOOST_TEST(log.out.find("*****6789") != std::string::npos, log.out);
    BOOST_TEST(log.out.find("Success") != std::string::npos);
    BOOST_TEST(log.out.find("\\\"lasname\\\"") != std::string::npos, log.out); // ignored key
    // Nothing secret in the destination's log either.
    BOOST_TEST(destinationServer->log().find("9f2c61-secret") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_rejecting_receiver_fails_the_execute_with_exit_1) {
    std::ofstream(dir.file("c.jsonl")) << R"({"id": 1, "firstname": "A"})"
                                       << "\n";
    expectOk(source, {"contact", "import", "--account", "1001", dir.file("c.jsonl")});
    std::ofstream(dir.file("bad.json"))
        << R"({"title": "Nowhere", "url": "http://127.0.0.1:)" << destinationServer->port()
        << R"(/post/0000000000000000000000000000000000000000/", "mode": "inline",
              "pairs": [{"key": "firstname", "field": "FIRSTNAME"}]})";
    std::string webhook = trimmed(expectOk(source, {"webhook", "apply", dir.file("bad.json")}).out);
    CommandResult sent =
        run(source, {"execute", "--webhook", webhook, "--contact", "1", "--inline"});
    BOOST_TEST(sent.status == 1);
    BOOST_TEST(sent.out.find("HTTP 404") != std::string::npos, sent.out);
    CommandResult failed = expectOk(source, {"deliveries", "list", "--status", "failed", "--json"});
    BOOST_TEST(failed.out.find("\"status\": \"failed\"") != std::string::npos, failed.out);
    BOOST_TEST(listContacts(destination, "2002")->size() == 0u);
}

BOOST_AUTO_TEST_CASE(background_execute_is_queued_then_sent_and_can_be_replayed) {
    std::ofstream(dir.file("c.jsonl")) << R"({"id": 7, "firstname": "Queued", "lastname": "Q"})"
                                       << "\n";
    expectOk(source, {"contact", "import", "--account", "1001", dir.file("c.jsonl")});
    std::string webhook = applyWebhook("", "background");
    sourceServer->stop(); // nobody sends in the background: the queue is ours to drain
    CommandResult queued = run(source, {"execute", "--webhook", webhook, "--contact", "7"});
    BOOST_TEST(queued.status == 0, queued.err);
    std::string id = trimmed(queued.out);
    BOOST_TEST(expectOk(source, {"deliveries", "show", id}).out.find("queued") !=
               std::string::npos);
    CommandResult drained = expectOk(source, {"work", "--until-idle"});
    BOOST_TEST(drained.out.find("delivered 1,") != std::string::npos, drained.out);
    BOOST_TEST(listContacts(destination, "2002")->size() == 1u);
    // A replay sends the same request with the same key: the receiver keeps one contact.
    CommandResult replayed = run(source, {"replay", id, "--by", "support:bob"});
    BOOST_TEST(replayed.status == 0, replayed.err);
    expectOk(source, {"work", "--until-idle"});
    BOOST_TEST(listContacts(destination, "2002")->size() == 1u);
    CommandResult shown = expectOk(source, {"deliveries", "show", id, "--json"});
    BOOST_TEST(shown.out.find("\"attempts\": 2") != std::string::npos, shown.out);
    BOOST_TEST(shown.out.find("support:bob") != std::string::npos, shown.out);
    BOOST_TEST(shown.out.find("\"duplicate\\\": true") != std::string::npos, shown.out);
    // A rerender is a new delivery with a new key, linked to the old one.
    CommandResult rerendered = run(source, {"replay", "--rerender", id, "--by", "support:bob"});
    BOOST_TEST(rerendered.out.find("rendered again as delivery") != std::string::npos);
    expectOk(source, {"work", "--until-idle"});
    BOOST_TEST(listContacts(destination, "2002")->size() == 2u);
    // Bulk replay needs --yes when nobody can answer the question.
    CommandResult bulk = run(source, {"replay", "--status", "failed"});
    BOOST_TEST(bulk.status == 0);
    BOOST_TEST(bulk.err.find("0 failed deliveries match") != std::string::npos, bulk.err);
}

BOOST_AUTO_TEST_CASE(serve_stops_cleanly_on_sigterm) {
    BOOST_TEST(destinationServer->stop() == 0);
    BOOST_TEST(destinationServer->log().find("stopped") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
