// Crash safety at scale (issue 7, item 1): a mass post of 3,000 contacts from one dppbridge
// store (account 1001) into another's data source (account 2002, a `serve` of its own) while
// the sender's `serve` is SIGKILLed at random moments, 20 times, and started again each time.
// A last undisturbed `serve` finishes the batch. Then the receiver must hold every contact
// exactly once (none lost, none stored twice: it keeps one contact per Idempotency-Key) and the
// sender must have every delivery delivered and none queued, in flight, failed or dead.
// Everything is observed through the CLI, as an operator would.
#include "support/BridgeCommands.h"
#include "support/Processes.h"
#include "support/TempDir.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <fstream>
#include <random>
#include <set>
#include <thread>

using namespace dpp::testing;
using namespace std::chrono_literals;

namespace {

#ifdef DPPBRIDGE_SANITIZED
constexpr int kContacts = 2000; // the sanitizers make every step several times slower
#else
constexpr int kContacts = 3000;
#endif
constexpr int kKills = 20;

// The sender's HTTP timeouts are short and its lease just above them, so that what a killed
// serve had claimed is claimed again within seconds rather than after the default minute.
std::vector<std::string> configured(const TempDir& dir, const std::string& name) {
    std::ofstream(dir.file(name + ".properties"))
        << "store.uri = sqlite:" << dir.file(name + "/store.db") << "\n"
        << "network.allow_private_destinations = true\n"
        << "delivery.timeout.connect = 1s\n"
        << "delivery.timeout.response = 2s\n"
        << "delivery.lease = 3500ms\n"
        << "delivery.retry.schedule = " // a slow answer under load is retried, never dead
        << "1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s\n"
        << "delivery.retry.jitter = 0\n"
        << "delivery.idle_poll = 100ms\n"
        << "delivery.workers = 4\n";
    return {"--config", dir.file(name + ".properties")};
}

Poco::JSON::Array::Ptr jsonArray(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Array::Ptr>();
}

// The sender's deliveries with this status (all of them: the limit is above the batch).
Poco::JSON::Array::Ptr deliveriesWithStatus(const std::vector<std::string>& globals,
                                            const std::string& status) {
    return jsonArray(expectOk(with(globals, {"deliveries", "list", "--status", status, "--limit",
                                             std::to_string(kContacts * 2), "--json"}))
                         .out);
}

bool anyWithStatus(const std::vector<std::string>& globals, const std::string& status) {
    return jsonArray(expectOk(with(globals, {"deliveries", "list", "--status", status, "--limit",
                                             "1", "--json"}))
                         .out)
               ->size() > 0;
}

// Accounts 1001 (the sender, with kContacts contacts whose names carry &, = and %) and 2002
// (the receiver, with a data source); returns the data source's path.
std::string addAccountsAndContacts(const TempDir& dir, const std::vector<std::string>& sender,
                                   const std::vector<std::string>& receiving) {
    expectOk(with(sender, {"account", "add", "--id", "1001", "--name", "Sender"}));
    expectOk(with(receiving, {"account", "add", "--id", "2002", "--name", "Receiver"}));
    std::string path = trimmed(
        expectOk(with(receiving, {"datasource", "add", "--account", "2002", "--name", "In"})).out);
    {
        std::ofstream contacts(dir.file("contacts.jsonl"));
        for (int id = 1; id <= kContacts; ++id)
            contacts << R"({"id": )" << id << R"(, "firstname": "Contact )" << id
                     << R"(", "lastname": "Crash & Test = )" << id << R"(%", "state": "CA"})"
                     << "\n";
    }
    expectOk(with(sender, {"contact", "import", "--account", "1001", dir.file("contacts.jsonl")}));
    return path;
}

// Webhook 1 of the sender: its contacts to the receiver's data source at port and path.
void applyWebhook(const TempDir& dir, const std::vector<std::string>& sender, int port,
                  const std::string& path) {
    std::ofstream(dir.file("webhook.json"))
        << R"({"title": "To 2002", "account": 1001, "url": "http://127.0.0.1:)" << port << path
        << R"(", "method": "POST", "format": "form",
              "success": {"body_contains": "Success"},
              "pairs": [{"key": "externalid", "field": "ID"},
                        {"key": "firstname", "field": "FIRSTNAME"},
                        {"key": "lastname", "field": "LASTNAME"}]})";
    expectOk(with(sender, {"webhook", "apply", dir.file("webhook.json")}));
}

} // namespace

BOOST_AUTO_TEST_SUITE(mass_post_crash)

BOOST_AUTO_TEST_CASE(a_mass_post_survives_twenty_sigkills_without_loss_or_doubles) {
    auto started = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    };
    TempDir dir;
    auto sender = configured(dir, "sender");
    auto receiving = configured(dir, "receiver");
    std::string path = addAccountsAndContacts(dir, sender, receiving);
    ServeProcess receiver(receiving, dir.path(), "receiver");
    applyWebhook(dir, sender, receiver.port(), path);
    // Queued, not sent: --no-wait returns once every page is in the outbox.
    CommandResult queued =
        expectOk(with(sender, {"masspost", "--webhook", "1", "--all", "--yes", "--no-wait"}));
    BOOST_TEST_MESSAGE("queued in " << elapsed() << " s: " << trimmed(queued.out));
    BOOST_REQUIRE_EQUAL(deliveriesWithStatus(sender, "queued")->size(), std::size_t(kContacts));

    unsigned seed = std::random_device{}();
    BOOST_TEST_MESSAGE("mass post crash test seed " << seed);
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> lifetimeMs(50, 400);
    for (int kill = 0; kill < kKills; ++kill) {
        ServeProcess serve(sender, dir.path(), "sender-" + std::to_string(kill));
        std::this_thread::sleep_for(std::chrono::milliseconds(lifetimeMs(random)));
        serve.kill();
    }
    auto delivered = deliveriesWithStatus(sender, "delivered")->size();
    auto inFlight = deliveriesWithStatus(sender, "sending")->size();
    BOOST_TEST_MESSAGE(delivered << " of " << kContacts << " delivered and " << inFlight
                                 << " left in flight by killed workers after " << kKills
                                 << " SIGKILLs, " << elapsed() << " s");
    // The kills interrupted the post (on any machine seen so far, by far), so that the last
    // serve has leases to take over and most of the batch to send.
    BOOST_WARN(delivered < std::size_t(kContacts));

    // A last, undisturbed serve sends the rest, including what the killed ones had leased
    // (claimed again once delivery.lease has passed).
    {
        ServeProcess serve(sender, dir.path(), "sender-final");
        auto deadline = std::chrono::steady_clock::now() + 120s;
        while ((anyWithStatus(sender, "queued") || anyWithStatus(sender, "sending")) &&
               std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(250ms);
        BOOST_TEST(serve.stop() == 0, serve.log());
    }
    BOOST_TEST(receiver.stop() == 0, receiver.log());
    BOOST_TEST_MESSAGE("everything settled after " << elapsed() << " s");

    // Sender: every delivery delivered, one per contact; nothing queued, in flight or lost.
    for (const char* status : {"queued", "sending", "failed", "dead", "cancelled"})
        BOOST_TEST(deliveriesWithStatus(sender, status)->size() == 0u, status);
    auto all = deliveriesWithStatus(sender, "delivered");
    BOOST_TEST(all->size() == std::size_t(kContacts));
    std::set<std::int64_t> deliveredContacts;
    for (std::size_t i = 0; i < all->size(); ++i)
        deliveredContacts.insert(
            all->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("contact_id"));
    BOOST_TEST(deliveredContacts.size() == std::size_t(kContacts));

    // Receiver: every contact exactly once. Its externalid is the sender's contact id.
    auto stored = jsonArray(
        expectOk(with(receiving, {"contact", "list", "--account", "2002", "--json"})).out);
    BOOST_TEST(stored->size() == std::size_t(kContacts)); // none stored twice
    std::set<int> externalIds;
    std::size_t intact = 0;
    for (std::size_t i = 0; i < stored->size(); ++i) {
        auto contact = stored->getObject(static_cast<unsigned>(i));
        std::string externalId = contact->getValue<std::string>("externalid");
        int id = std::stoi(externalId);
        externalIds.insert(id);
        intact +=
            contact->getValue<std::string>("firstname") == "Contact " + externalId &&
            contact->getValue<std::string>("lastname") == "Crash & Test = " + externalId + "%";
    }
    BOOST_TEST(externalIds.size() == std::size_t(kContacts)); // none lost
    BOOST_TEST(*externalIds.begin() == 1);
    BOOST_TEST(*externalIds.rbegin() == kContacts);
    BOOST_TEST(intact == std::size_t(kContacts)); // and each arrived whole

    CommandResult batch = expectOk(with(sender, {"masspost", "status", "1"}));
    BOOST_TEST(batch.out.find("failed 0, dead 0") != std::string::npos, batch.out);
    // Posted with --no-wait: the batch settles as finished when next read.
    BOOST_TEST(batch.out.find("  finished  ") != std::string::npos, batch.out);
    BOOST_TEST_MESSAGE("mass post crash test: " << elapsed() << " s in all; "
                                                << trimmed(batch.out));
}

// The mass post itself killed: its pages were leased to its own workers and handed to them in
// memory, so what it had on the wire is only a page row and its lease. `masspost resume`,
// killed too a few times, then left to finish, queues what the dead ones' pages had not written
// once their leases run out: every contact arrives once, with the key of its batch.
BOOST_AUTO_TEST_CASE(a_mass_post_killed_mid_page_is_finished_by_resume_without_loss_or_doubles) {
    TempDir dir;
    auto sender = configured(dir, "sender");
    auto receiving = configured(dir, "receiver");
    constexpr int kPosted = kContacts;
    std::string path = addAccountsAndContacts(dir, sender, receiving);
    ServeProcess receiver(receiving, dir.path(), "receiver");
    applyWebhook(dir, sender, receiver.port(), path);

    unsigned seed = std::random_device{}();
    BOOST_TEST_MESSAGE("mass post kill test seed " << seed);
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> lifetimeMs(80, 300);
    for (int kill = 0; kill < 4; ++kill) {
        std::vector<std::string> words =
            kill == 0 ? with(sender,
                             {"masspost", "--webhook", "1", "--all", "--yes", "--page-size", "50"})
                      : with(sender, {"masspost", "resume", "1"});
        Poco::ProcessHandle post = Poco::Process::launch(DPPBRIDGE_EXECUTABLE, words);
        std::this_thread::sleep_for(std::chrono::milliseconds(lifetimeMs(random)));
        // A slow start (the sanitizers) must not be killed before its batch exists.
        auto deadline = std::chrono::steady_clock::now() + 30s;
        while (kill == 0 && runBridge(with(sender, {"masspost", "status", "1"})).status != 0 &&
               Poco::Process::isRunning(post) && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(20ms);
        Poco::Process::kill(post);
        post.wait();
    }
    auto left = expectOk(with(sender, {"masspost", "status", "1"})).out;
    BOOST_TEST_MESSAGE("after the kills: " << trimmed(left));

    // On a fast machine a run may have finished the post before its kill.
    BOOST_WARN(left.find("  finished  ") == std::string::npos);
    if (left.find("  finished  ") == std::string::npos) {
        CommandResult finished =
            runBridge(with(sender, {"masspost", "resume", "1", "--max-wait", "60s"}));
        BOOST_TEST(finished.status == 0, finished.out << finished.err);
    }
    BOOST_TEST(receiver.stop() == 0, receiver.log());

    auto all = deliveriesWithStatus(sender, "delivered");
    BOOST_TEST(all->size() == std::size_t(kPosted));
    for (const char* status : {"queued", "sending", "failed", "dead", "cancelled"})
        BOOST_TEST(deliveriesWithStatus(sender, status)->size() == 0u, status);
    auto stored = jsonArray(
        expectOk(with(receiving, {"contact", "list", "--account", "2002", "--json"})).out);
    BOOST_TEST(stored->size() == std::size_t(kPosted)); // none stored twice
    std::set<std::string> externalIds;
    for (std::size_t i = 0; i < stored->size(); ++i)
        externalIds.insert(
            stored->getObject(static_cast<unsigned>(i))->getValue<std::string>("externalid"));
    BOOST_TEST(externalIds.size() == std::size_t(kPosted)); // none lost
    CommandResult batch = expectOk(with(sender, {"masspost", "status", "1"}));
    BOOST_TEST(batch.out.find("  finished  ") != std::string::npos, batch.out);
}

BOOST_AUTO_TEST_SUITE_END()
