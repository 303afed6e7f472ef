// Activation with real processes: a mass post of many contacts delivers each once with flat
// memory; a trigger fires once across a crash of serve; two instances whose data sources post
// to each other stop the loop; a nightly job exits 0 and posts only new changes the next time.
#include "support/BridgeCommands.h"
#include "support/RecordingServer.h"
#include "support/TempDir.h"

#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <set>

using namespace dpp::testing;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> configured(const TempDir& dir, const std::string& name,
                                    const std::string& extra = "") {
    std::ofstream(dir.file(name + ".properties"))
        << "store.uri = sqlite:" << dir.file(name + "/store.db") << "\n"
        << "network.allow_private_destinations = true\n"
        << "delivery.retry.schedule = 1s,1s,1s,1s,1s,1s,1s,1s,1s,1s\n"
        << "delivery.retry.jitter = 0\n"
        << "delivery.idle_poll = 100ms\n"
        << extra;
    return {"--config", dir.file(name + ".properties")};
}

void writeWebhook(const TempDir& dir, const std::string& file, const std::string& title,
                  const std::string& url, const std::string& extra = "") {
    std::ofstream(dir.file(file))
        << R"({"title": ")" << title << R"(", "url": ")" << url << R"(", )" << extra
        << R"("method": "POST", "format": "form", "success": {"body_contains": "Success"},
              "pairs": [{"key": "externalid", "field": "ID"},
                        {"key": "firstname", "field": "FIRSTNAME"},
                        {"key": "lastname", "field": "LASTNAME"}]})";
}

void writeContacts(const std::string& path, int first, int count) {
    std::ofstream out(path);
    for (int id = first; id < first + count; ++id)
        out << R"({"id": )" << id << R"(, "firstname": "First)" << id
            << R"(", "lastname": "Last", "cellphone": "5555555555", "state": "CA", )"
            << R"("email": "c)" << id << R"(@example.com", "status": "New"})"
            << "\n";
}

// The distinct contact ids (externalid) the receiver got, and how many requests in all.
std::set<std::string> receivedIds(const RecordingServer& receiver) {
    std::set<std::string> ids;
    for (const auto& request : receiver.requests()) {
        Poco::Net::HTMLForm form;
        form.read(request.body);
        ids.insert(form.get("externalid", ""));
    }
    return ids;
}

std::string postForm(int port, const std::string& path, const std::string& body) {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    Poco::Net::HTTPRequest request("POST", path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/x-www-form-urlencoded");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::string answer;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), answer);
    return answer;
}

#ifdef DPPBRIDGE_SANITIZED
constexpr int kManyContacts = 20'000; // the sanitizers make every step 5-10 times slower
#else
constexpr int kManyContacts = 100'000;
#endif

} // namespace

BOOST_AUTO_TEST_SUITE(activation_end_to_end)

BOOST_AUTO_TEST_CASE(a_mass_post_delivers_each_contact_once_with_flat_memory) {
    TempDir dir;
    RecordingServer receiver;
    receiver.setDefaultResponse(ScriptedResponse::ok("Success"));
    auto globals = configured(dir, "store", "delivery.workers = 8\n");
    expectOk(with(globals, {"account", "add", "--id", "1001", "--name", "Small"}));
    expectOk(with(globals, {"account", "add", "--id", "1002", "--name", "Large"}));
    writeContacts(dir.file("small.jsonl"), 1, kManyContacts / 10);
    writeContacts(dir.file("large.jsonl"), 1'000'000, kManyContacts);
    expectOk(with(globals, {"contact", "import", "--account", "1001", dir.file("small.jsonl")}));
    expectOk(with(globals, {"contact", "import", "--account", "1002", dir.file("large.jsonl")}));
    writeWebhook(dir, "hook.json", "Mass", receiver.url("/in"));
    expectOk(with(globals, {"webhook", "apply", dir.file("hook.json")}));

    MeasuredResult small = runBridgeMeasured(
        with(globals, {"masspost", "--webhook", "1", "--account", "1001", "--all", "--yes"}),
        dir.path());
    BOOST_REQUIRE_MESSAGE(small.status == 0, small.err);
    auto started = std::chrono::steady_clock::now();
    MeasuredResult large = runBridgeMeasured(
        with(globals, {"masspost", "--webhook", "1", "--account", "1002", "--all", "--yes"}),
        dir.path());
    auto seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    BOOST_REQUIRE_MESSAGE(large.status == 0, large.err);
    BOOST_TEST(large.out.find("delivered " + std::to_string(kManyContacts / 1000) + ",000,") !=
                   std::string::npos,
               large.out);
    std::size_t total = static_cast<std::size_t>(kManyContacts + kManyContacts / 10);
    BOOST_TEST(receiver.requestCount() == total);
    BOOST_TEST(receivedIds(receiver).size() == total);
    BOOST_TEST_MESSAGE("mass post of " << kManyContacts << " contacts: " << seconds << " s, "
                                       << kManyContacts / seconds << " contacts/s; peak RSS "
                                       << small.maxRssKilobytes / 1024 << " MB for "
                                       << kManyContacts / 10 << ", " << large.maxRssKilobytes / 1024
                                       << " MB for " << kManyContacts);
#ifndef DPPBRIDGE_SANITIZED
    // Ten times the contacts, about the same memory: nothing grows with the selection. (Not
    // under ASan, whose quarantine keeps up to 256 MB of freed memory resident.)
    BOOST_TEST(large.maxRssKilobytes < small.maxRssKilobytes + 24 * 1024);
#endif
}

BOOST_AUTO_TEST_CASE(a_trigger_fires_once_across_a_crash_of_serve) {
    TempDir dir;
    Poco::UInt16 port = 0;
    {
        RecordingServer probe; // reserve a port, then leave it closed: the receiver is down
        port = probe.port();
    }
    auto globals = configured(dir, "store");
    expectOk(with(globals, {"account", "add", "--id", "1001", "--name", "A"}));
    writeContacts(dir.file("one.jsonl"), 55, 1);
    expectOk(with(globals, {"contact", "import", "--account", "1001", dir.file("one.jsonl")}));
    writeWebhook(dir, "hook.json", "Dialer", "http://127.0.0.1:" + std::to_string(port) + "/in",
                 R"("account": 1001, )");
    expectOk(with(globals, {"webhook", "apply", dir.file("hook.json")}));
    expectOk(with(globals, {"trigger", "add", "--event", "contact.status_changed", "--webhook", "1",
                            "--when", "STATUS=Returned"}));
    {
        ServeProcess serve(globals, dir.path(), "serve-1");
        expectOk(with(globals, {"contact", "update", "55", "status=Returned"}));
        BOOST_REQUIRE(eventually(
            [&] {
                return serve.log().find("connection refused") != std::string::npos ||
                       serve.log().find("attempt 1") != std::string::npos;
            },
            10s));
        serve.kill();
    }
    RecordingServer receiver(port);
    receiver.setDefaultResponse(ScriptedResponse::ok("Success"));
    {
        ServeProcess serve(globals, dir.path(), "serve-2");
        BOOST_REQUIRE(receiver.waitForRequests(1, 20s));
        expectOk(with(globals, {"contact", "update", "55", "status=Returned"})); // no change
    }
    expectOk(with(globals, {"work", "--until-idle"}));
    auto requests = receiver.requests();
    std::set<std::string> keys;
    for (const auto& request : requests)
        keys.insert(request.header("Idempotency-Key").value_or(""));
    BOOST_TEST(keys.size() == 1u);
    CommandResult log = expectOk(with(globals, {"trigger", "log", "--json"}));
    BOOST_TEST(log.out.find("\"outcome\": \"queued\"") != std::string::npos, log.out);
    BOOST_TEST(log.out.find("},") == std::string::npos, "one firing only: " << log.out);
}

BOOST_AUTO_TEST_CASE(two_instances_posting_to_each_other_stop_the_loop) {
    TempDir dir;
    auto a = configured(dir, "a");
    auto b = configured(dir, "b");
    expectOk(with(a, {"account", "add", "--id", "1001", "--name", "A"}));
    expectOk(with(b, {"account", "add", "--id", "2002", "--name", "B"}));
    // Each side posts on what its data source receives, to the other side's data source.
    writeWebhook(dir, "a-hook.json", "To B", "http://127.0.0.1:1/later");
    writeWebhook(dir, "b-hook.json", "To A", "http://127.0.0.1:1/later");
    expectOk(with(a, {"webhook", "apply", dir.file("a-hook.json")}));
    expectOk(with(b, {"webhook", "apply", dir.file("b-hook.json")}));
    std::string pathA = trimmed(expectOk(with(a, {"datasource", "add", "--account", "1001",
                                                  "--name", "in", "--webhook", "1"}))
                                    .out);
    std::string pathB = trimmed(expectOk(with(b, {"datasource", "add", "--account", "2002",
                                                  "--name", "in", "--webhook", "1"}))
                                    .out);
    ServeProcess serveA(a, dir.path(), "serve-a");
    ServeProcess serveB(b, dir.path(), "serve-b");
    writeWebhook(dir, "a-hook.json", "To B",
                 "http://127.0.0.1:" + std::to_string(serveB.port()) + pathB);
    writeWebhook(dir, "b-hook.json", "To A",
                 "http://127.0.0.1:" + std::to_string(serveA.port()) + pathA);
    expectOk(with(a, {"webhook", "apply", dir.file("a-hook.json")}));
    expectOk(with(b, {"webhook", "apply", dir.file("b-hook.json")}));

    std::string answer = postForm(serveA.port(), pathA, "firstname=Loop&lastname=Test");
    BOOST_TEST(answer.find("\"posted_on\"") != std::string::npos, answer);
    // A -> B -> A, and there it stops: A does not post the contact on a second time.
    BOOST_REQUIRE(eventually(
        [&] { return serveA.log().find("posting it on again would loop") != std::string::npos; },
        15s));
    expectOk(with(a, {"work", "--until-idle"}));
    expectOk(with(b, {"work", "--until-idle"}));
    CommandResult inA = expectOk(with(a, {"contact", "list", "--account", "1001"}));
    CommandResult inB = expectOk(with(b, {"contact", "list", "--account", "2002"}));
    auto lines = [](const std::string& text) { return std::count(text.begin(), text.end(), '\n'); };
    BOOST_TEST(lines(inA.out) == 2); // the original and the copy that came back
    BOOST_TEST(lines(inB.out) == 1);
    CommandResult deliveriesA = expectOk(with(a, {"deliveries", "list", "--json"}));
    BOOST_TEST(std::count(deliveriesA.out.begin(), deliveriesA.out.end(), '{') == 1,
               deliveriesA.out);
}

// The article's "Next Record": --preview renders record K of the selection and posts nothing;
// filters narrow it; a selected id that is not the account's refuses the whole post.
BOOST_AUTO_TEST_CASE(a_mass_post_preview_steps_through_the_selection_and_posts_nothing) {
    TempDir dir;
    auto globals = configured(dir, "store");
    expectOk(with(globals, {"account", "add", "--id", "1001", "--name", "A"}));
    std::ofstream(dir.file("three.jsonl"))
        << R"({"id": 1, "firstname": "Ann", "lastname": "A", "status": "New"})"
        << "\n"
        << R"({"id": 2, "firstname": "Bob", "lastname": "B", "status": "Enrolled"})"
        << "\n"
        << R"({"id": 3, "firstname": "Cid", "lastname": "C", "status": "New"})"
        << "\n";
    expectOk(with(globals, {"contact", "import", "--account", "1001", dir.file("three.jsonl")}));
    writeWebhook(dir, "hook.json", "Preview", "http://127.0.0.1:9/in", R"("account": 1001, )");
    expectOk(with(globals, {"webhook", "apply", dir.file("hook.json")}));

    CommandResult second = expectOk(
        with(globals, {"masspost", "--webhook", "1", "--all", "--preview", "--record", "2"}));
    BOOST_TEST(second.out.find("record 2 of 3: contact 2") != std::string::npos, second.out);
    BOOST_TEST(second.out.find("firstname=Bob") != std::string::npos, second.out);
    BOOST_TEST(second.out.find("next record: add --record 3") != std::string::npos, second.out);
    CommandResult filtered =
        expectOk(with(globals, {"masspost", "--webhook", "1", "--all", "--status", "New",
                                "--preview", "--record", "2"}));
    BOOST_TEST(filtered.out.find("record 2 of 2: contact 3") != std::string::npos, filtered.out);
    CommandResult past = runBridge(
        with(globals, {"masspost", "--webhook", "1", "--all", "--preview", "--record", "4"}));
    BOOST_TEST(past.status == 2);
    BOOST_TEST(past.err.find("--record 4 is past the last of 3") != std::string::npos, past.err);
    CommandResult none = runBridge(with(globals, {"masspost", "--webhook", "1", "--all",
                                                  "--created-since", "2030-01-01", "--preview"}));
    BOOST_TEST(none.out.find("no contacts match") != std::string::npos, none.out + none.err);

    std::ofstream(dir.file("ids.txt")) << "3\n1 77\n";
    CommandResult stranger = runBridge(
        with(globals, {"masspost", "--webhook", "1", "--ids-file", dir.file("ids.txt"), "--yes"}));
    BOOST_TEST(stranger.status == 2);
    BOOST_TEST(stranger.err.find("77") != std::string::npos, stranger.err);
    BOOST_TEST(stranger.err.find("nothing was posted") != std::string::npos, stranger.err);
    // Nothing above queued anything.
    BOOST_TEST(expectOk(with(globals, {"deliveries", "list", "--json"})).out.find('{') ==
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_nightly_job_posts_what_changed_and_exits_zero) {
    TempDir dir;
    RecordingServer receiver;
    receiver.setDefaultResponse(ScriptedResponse::ok("Success"));
    auto globals = configured(dir, "store");
    expectOk(with(globals, {"account", "add", "--id", "1001", "--name", "A"}));
    writeContacts(dir.file("c.jsonl"), 1, 40);
    expectOk(with(globals, {"contact", "import", "--account", "1001", dir.file("c.jsonl")}));
    writeWebhook(dir, "hook.json", "Nightly", receiver.url("/in"), R"("account": 1001, )");
    expectOk(with(globals, {"webhook", "apply", dir.file("hook.json")}));
    CommandResult first =
        expectOk(with(globals, {"nightly", "run", "--job", "crm-sync", "--webhook", "1"}));
    BOOST_TEST(first.out.find("selected 40, delivered 40, failed 0, dead 0") != std::string::npos,
               first.out);
    expectOk(with(globals, {"contact", "update", "7", "status=Enrolled"}));
    CommandResult second =
        expectOk(with(globals, {"nightly", "run", "--job", "crm-sync", "--webhook", "1"}));
    BOOST_TEST(second.out.find("selected 1, delivered 1,") != std::string::npos, second.out);
    BOOST_TEST(receiver.requestCount() == 41u);
    // A receiver that refuses: exit 1, and the watermark stays for the next run.
    receiver.setDefaultResponse(ScriptedResponse::withStatus(422, "rejected"));
    expectOk(with(globals, {"contact", "update", "8", "status=Enrolled"}));
    CommandResult failing =
        runBridge(with(globals, {"nightly", "run", "--job", "crm-sync", "--webhook", "1"}));
    BOOST_TEST(failing.status == 1, failing.out << failing.err);
    receiver.setDefaultResponse(ScriptedResponse::ok("Success"));
    CommandResult retried =
        expectOk(with(globals, {"nightly", "run", "--job", "crm-sync", "--webhook", "1"}));
    BOOST_TEST(retried.out.find("selected 1, delivered 1,") != std::string::npos, retried.out);
}

BOOST_AUTO_TEST_SUITE_END()
