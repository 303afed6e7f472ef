// DPP to DPP with real processes: a contact with an enrollment plan, three documents (one over
// 5 MiB) and budget values goes from account 1001 to account 2002 and arrives identical. The
// source's document endpoint is down when the contact arrives; the copies complete once it
// is back. A stranger is refused by the document endpoint.
#include "support/BridgeCommands.h"
#include "support/TempDir.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <random>

using namespace dpp::testing;

namespace {

Poco::JSON::Object::Ptr contactJson(const std::vector<std::string>& globals,
                                    const std::string& id) {
    CommandResult shown = expectOk(with(globals, {"contact", "show", id, "--json", "--reveal"}));
    return Poco::JSON::Parser().parse(shown.out).extract<Poco::JSON::Object::Ptr>();
}

std::string stringify(const Poco::Dynamic::Var& value) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(value, out);
    return out.str();
}

int getStatus(int port, const std::string& path, const std::string& user,
              const std::string& password) {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    Poco::Net::HTTPRequest request("GET", path, Poco::Net::HTTPMessage::HTTP_1_1);
    Poco::Net::HTTPBasicCredentials(user, password).authenticate(request);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::string ignored;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), ignored);
    return response.getStatus();
}

} // namespace

BOOST_AUTO_TEST_SUITE(partner_transfer)

BOOST_AUTO_TEST_CASE(plan_documents_and_budget_arrive_identical) {
    TempDir dir;
    // The source's port is needed in the destination's configuration before the source
    // serves: reserve it by starting the source once, then stopping it (it is "down").
    std::ofstream(dir.file("source.properties"))
        << "store.uri = sqlite:" << dir.file("source/store.db") << "\n"
        << "network.allow_private_destinations = true\n"
        << "peers.2002.url = http://127.0.0.1:1\n"
        << "peers.2002.username = partner-1001-2002\n"
        << "peers.2002.password = s3cret-shared\n";
    std::vector<std::string> source{"--config", dir.file("source.properties")};
    expectOk(with(source, {"account", "add", "--id", "1001", "--name", "Source"}));
    int sourcePort = 0;
    {
        ServeProcess probe(source, dir.path(), "source-probe");
        sourcePort = probe.port();
    }
    std::ofstream(dir.file("destination.properties"))
        << "store.uri = sqlite:" << dir.file("destination/store.db") << "\n"
        << "network.allow_private_destinations = true\n"
        << "delivery.retry.schedule = 1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s\n"
        << "delivery.retry.jitter = 0\n"
        << "delivery.idle_poll = 200ms\n"
        << "peers.1001.url = http://127.0.0.1:" << sourcePort << "\n"
        << "peers.1001.username = partner-1001-2002\n"
        << "peers.1001.password = s3cret-shared\n";
    std::vector<std::string> destination{"--config", dir.file("destination.properties")};
    expectOk(with(destination, {"account", "add", "--id", "2002", "--name", "Destination"}));

    // Budget catalogs with different tags and slightly different names.
    std::ofstream(dir.file("source-budget.csv"))
        << "name,tag\nRent,BF_1\nCar Payment 1,BF_2\nUtilities - Electric,BF_3\nGym,BF_4\n";
    std::ofstream(dir.file("destination-budget.csv"))
        << "name,tag\nrent,BUDGET_RENT\nCar payment #1,BUDGET_CAR1\nUtilities: Electric,"
           "BUDGET_ELECTRIC\nPets,BUDGET_PETS\n";
    expectOk(
        with(source, {"budget", "import", "--account", "1001", dir.file("source-budget.csv")}));
    expectOk(with(destination,
                  {"budget", "import", "--account", "2002", dir.file("destination-budget.csv")}));

    // The contact: a 120-payment plan with odd amounts, three documents, budget values.
    std::filesystem::create_directories(dir.path() / "docs");
    std::mt19937 random(42);
    std::string large(5 * 1024 * 1024 + 321, '\0');
    for (char& byte : large)
        byte = static_cast<char>(random());
    std::ofstream(dir.file("docs/statement.bin"), std::ios::binary) << large;
    std::ofstream(dir.file("docs/hardship.pdf"), std::ios::binary) << "%PDF-1.4 hardship\n";
    std::ofstream(dir.file("docs/ID scan é.png"), std::ios::binary) << std::string(70'000, 'x');
    std::string payments;
    for (int n = 1; n <= 120; ++n) {
        int month = (n - 1) % 12 + 1, year = 2027 + (n - 1) / 12;
        char date[16];
        std::snprintf(date, sizeof date, "%04d-%02d-15", year, month);
        payments += std::string(n > 1 ? "," : "") + "{\"n\": " + std::to_string(n) +
                    ", \"date\": \"" + date + "\", \"amount\": \"" + (n == 1 ? "33.34" : "33.33") +
                    "\"}";
    }
    std::ofstream(dir.file("contact.jsonl"))
        << R"({"id": 55, "firstname": "Zoë", "lastname": "Núñez", "cellphone": "5555555555",)"
        << R"( "plan": {"name": "Plan 120 — “odd” cents 🐉", "length": 120, "frequency": "monthly",)"
        << R"( "payment_amount": "33.33", "first_payment_date": "2027-01-15",)"
        << R"( "fees": [{"name": "Enrollment fee", "amount": "49.99"}], "payments": [)" << payments
        << R"(]}, "budget": {"Rent": "1200.00", "Car Payment 1": "310.07",)"
        << R"( "Utilities - Electric": "0.01", "Gym": "45.00"},)"
        << R"( "documents": [{"id": 12, "name": "hardship.pdf", "content_type": "application/pdf",)"
        << R"( "path": "docs/hardship.pdf"}, {"id": 13, "content_type": "image/png",)"
        << R"( "path": "docs/ID scan é.png"}, {"id": 14, "name": "statement.bin",)"
        << R"( "path": "docs/statement.bin"}]})"
        << "\n";
    expectOk(with(source, {"contact", "import", "--account", "1001", dir.file("contact.jsonl")}));

    // Account 2002 serves its data source; account 1001 is down.
    std::string postingPath = trimmed(
        expectOk(with(destination, {"datasource", "add", "--account", "2002", "--name", "In"}))
            .out);
    ServeProcess destinationServer(destination, dir.path(), "destination");
    std::ofstream(dir.file("webhook.json"))
        << R"({"title": "To 2002", "url": "http://127.0.0.1:)" << destinationServer.port()
        << postingPath << R"(", "mode": "inline", "account": 1001, "destination_account": 2002,
               "success": {"body_contains": "Success"},
               "pairs": [{"key": "firstname", "field": "FIRSTNAME"},
                         {"key": "lastname", "field": "LASTNAME"},
                         {"key": "cellphone", "field": "CELLPHONE"},
                         {"key": "__plan_data", "value": "{EP_DATA}"},
                         {"key": "__copydocs", "value": "{ACCTID}-{ID}-{UPLOAD_DOC_IDS}"}]})";
    std::string webhook =
        trimmed(expectOk(with(source, {"webhook", "apply", dir.file("webhook.json")})).out);
    CommandResult translated =
        expectOk(with(source, {"budget", "translate", "--from", "1001", "--to-catalog",
                               dir.file("destination-budget.csv"), "--apply", webhook}));
    BOOST_TEST(translated.out.find("3 pair(s) added") != std::string::npos, translated.out);
    BOOST_TEST(translated.out.find("unmatched in account 1001: Gym") != std::string::npos);
    CommandResult check = runBridge(with(source, {"webhook", "check", webhook}));
    BOOST_TEST(check.status == 0, check.out);
    CommandResult sent =
        expectOk(with(source, {"execute", "--webhook", webhook, "--contact", "55", "--inline"}));
    BOOST_TEST(sent.out.find("delivered") != std::string::npos, sent.out);

    auto arrivedList =
        Poco::JSON::Parser()
            .parse(
                expectOk(with(destination, {"contact", "list", "--account", "2002", "--json"})).out)
            .extract<Poco::JSON::Array::Ptr>();
    BOOST_REQUIRE_EQUAL(arrivedList->size(), 1u);
    std::string copyId = std::to_string(arrivedList->getObject(0)->getValue<int>("id"));
    auto pending = contactJson(destination, copyId);
    BOOST_TEST(pending->getArray("document_copies")->size() == 3u);
    BOOST_TEST(pending->getArray("documents")->size() == 0u); // the source is down

    // The source comes back; each document is copied on its own.
    ServeProcess sourceServer(source, dir.path(), "source",
                              "127.0.0.1:" + std::to_string(sourcePort));
    Poco::JSON::Object::Ptr copy;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
        copy = contactJson(destination, copyId);
        if (copy->getArray("documents")->size() == 3u ||
            std::chrono::steady_clock::now() > deadline)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    auto original = contactJson(source, "55");
    BOOST_TEST(stringify(copy->get("plan")) == stringify(original->get("plan")));
    auto copiedDocuments = copy->getArray("documents");
    auto originalDocuments = original->getArray("documents");
    BOOST_REQUIRE_EQUAL(copiedDocuments->size(), 3u);
    // Each copy succeeds on its own, so local ids follow completion order: match by name.
    for (unsigned i = 0; i < 3; ++i) {
        auto a = originalDocuments->getObject(i);
        Poco::JSON::Object::Ptr b;
        for (unsigned j = 0; j < 3; ++j)
            if (copiedDocuments->getObject(j)->getValue<std::string>("name") ==
                a->getValue<std::string>("name"))
                b = copiedDocuments->getObject(j);
        BOOST_REQUIRE_MESSAGE(b, "document " << a->getValue<std::string>("name") << " copied");
        for (const char* field : {"content_type", "sha256"})
            BOOST_TEST(a->getValue<std::string>(field) == b->getValue<std::string>(field));
        BOOST_TEST(a->getValue<std::uint64_t>("size") == b->getValue<std::uint64_t>("size"));
    }
    auto budget = copy->getObject("budget");
    BOOST_TEST(budget->getValue<std::string>("rent") == "1200.00");
    BOOST_TEST(budget->getValue<std::string>("Car payment #1") == "310.07");
    BOOST_TEST(budget->getValue<std::string>("Utilities: Electric") == "0.01");
    BOOST_TEST(budget->size() == 3u);
    for (const char* field : {"firstname", "lastname", "cellphone"})
        BOOST_TEST(copy->getValue<std::string>(field) == original->getValue<std::string>(field));

    // A stranger, and the partner asking for a document it was not sent, are refused alike.
    std::string path = "/docs/1001/55/12";
    BOOST_TEST(getStatus(sourceServer.port(), path, "partner-1001-2002", "guess") == 401);
    BOOST_TEST(getStatus(sourceServer.port(), path, "stranger", "s3cret-shared") == 401);
    BOOST_TEST(getStatus(sourceServer.port(), "/docs/1001/55/999", "partner-1001-2002",
                         "s3cret-shared") == 404);
    BOOST_TEST(getStatus(sourceServer.port(), path, "partner-1001-2002", "s3cret-shared") == 200);
    BOOST_TEST(sourceServer.log().find("s3cret-shared") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
