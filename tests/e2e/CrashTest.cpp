// Crash safety of the outbox: `serve` is SIGKILLed again and again while it sends 1,000
// queued deliveries into a dppbridge receiver. After a last restart every contact must be
// stored exactly once and no delivery may be left queued, in flight or failed.
#include "bridge/Clock.h"
#include "bridge/outbox/Enqueue.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/WebhookStore.h"
#include "support/BridgeCommands.h"
#include "support/TempDir.h"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <random>
#include <set>

using namespace dpp::testing;
using namespace dpp::bridge;
using namespace Poco::Data::Keywords;

namespace {

constexpr int kContacts = 1000;
constexpr int kKills = 6;

std::vector<std::string> configFor(const TempDir& dir, const std::string& side) {
    std::ofstream(dir.file(side + ".properties"))
        << "store.uri = sqlite:" << dir.file(side + "/store.db") << "\n"
        << "network.allow_private_destinations = true\n"
        << "delivery.timeout.connect = 1s\n"
        << "delivery.timeout.response = 2s\n"
        << "delivery.lease = 4s\n"
        << "delivery.retry.schedule = 1s,1s,1s,1s,1s,1s,1s,1s,1s,1s\n"
        << "delivery.idle_poll = 200ms\n"
        << "delivery.workers = 4\n";
    return {"--config", dir.file(side + ".properties")};
}

} // namespace

BOOST_AUTO_TEST_SUITE(crash_safety)

BOOST_AUTO_TEST_CASE(sigkilled_serve_loses_nothing_and_doubles_nothing) {
    TempDir dir;
    auto source = configFor(dir, "source");
    auto destination = configFor(dir, "destination");
    expectOk(with(source, {"account", "add", "--id", "1001", "--name", "Source"}));
    expectOk(with(destination, {"account", "add", "--id", "2002", "--name", "Destination"}));
    std::string path = trimmed(
        expectOk(with(destination, {"datasource", "add", "--account", "2002", "--name", "In"}))
            .out);
    {
        std::ofstream contacts(dir.file("contacts.jsonl"));
        for (int i = 1; i <= kContacts; ++i)
            contacts << "{\"id\": " << i << ", \"firstname\": \"Contact " << i
                     << "\", \"lastname\": \"Crash & Test = " << i << "%\"}\n";
    }
    expectOk(with(source, {"contact", "import", "--account", "1001", dir.file("contacts.jsonl")}));
    ServeProcess receiver(destination, dir.path(), "destination");
    std::ofstream(dir.file("webhook.json"))
        << R"({"title": "To 2002", "url": "http://127.0.0.1:)" << receiver.port() << path
        << R"(", "success": {"body_contains": "Success"},
              "pairs": [{"key": "firstname", "field": "FIRSTNAME"},
                        {"key": "lastname", "field": "LASTNAME"}]})";
    std::int64_t webhookId = std::stoll(
        trimmed(expectOk(with(source, {"webhook", "apply", dir.file("webhook.json")})).out));

    // Queue one delivery per contact, in one transaction.
    Database sourceStore("sqlite:" + dir.file("source/store.db"));
    {
        auto compiled =
            dpp::mapping::CompiledWebhook::compile(*WebhookStore(sourceStore).find(webhookId), {});
        std::vector<NewDelivery> queued;
        for (const auto& contact : ContactStore(sourceStore).contacts(1001, 0, kContacts))
            queued.push_back(renderDelivery(compiled, contact, "crash test"));
        BOOST_REQUIRE_EQUAL(queued.size(), std::size_t(kContacts));
        DeliveryStore(sourceStore).enqueueAll(queued, SystemClock().nowMs());
    }

    unsigned seed = std::random_device{}();
    BOOST_TEST_MESSAGE("crash test seed " << seed);
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> lifetimeMs(80, 500);
    for (int kill = 0; kill < kKills; ++kill) {
        ServeProcess sender(source, dir.path(), "source-" + std::to_string(kill));
        std::this_thread::sleep_for(std::chrono::milliseconds(lifetimeMs(random)));
        sender.kill();
    }
    std::int64_t pendingAfterKills = DeliveryStore(sourceStore).pendingCount();
    BOOST_TEST_MESSAGE(pendingAfterKills << " deliveries pending after " << kKills << " kills");

    // A last, undisturbed run delivers the rest, including what the killed ones had leased.
    ServeProcess sender(source, dir.path(), "source-final");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (DeliveryStore(sourceStore).pendingCount() > 0 &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    BOOST_TEST(sender.stop() == 0);
    BOOST_TEST(receiver.stop() == 0);

    DeliveryFilter delivered;
    delivered.status = "delivered";
    delivered.limit = kContacts * 2;
    BOOST_TEST(DeliveryStore(sourceStore).list(delivered).size() == std::size_t(kContacts));
    BOOST_TEST(DeliveryStore(sourceStore).pendingCount() == 0);

    Database destinationStore("sqlite:" + dir.file("destination/store.db"));
    BOOST_TEST(ContactStore(destinationStore).countContacts(2002) == kContacts);
    std::vector<std::string> names;
    destinationStore.read([&](Poco::Data::Session& session) {
        session << "SELECT firstname FROM contacts WHERE account_id = 2002", into(names), now;
    });
    std::set<std::string> distinct(names.begin(), names.end());
    BOOST_TEST(distinct.size() == std::size_t(kContacts)); // each once, none twice
    BOOST_TEST(distinct.count("Contact 1") == 1u);
    BOOST_TEST(distinct.count("Contact 1000") == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
