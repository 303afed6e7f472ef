// The durable outbox against a real HTTP receiver on loopback: retries on the schedule (time
// moved by hand through a ManualClock, never waited for), Retry-After, timeouts, keep-alive
// connections, destination pauses, leases after a crash, replays.
#include "bridge/outbox/DeliveryWorkers.h"
#include "bridge/outbox/Enqueue.h"
#include "bridge/outbox/RetryPolicy.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/WebhookStore.h"
#include "mapping/WebhookJson.h"
#include "support/RecordingServer.h"
#include "support/TempDir.h"

#include <boost/test/unit_test.hpp>

#include <future>
#include <set>

using namespace dpp::bridge;
using namespace std::chrono_literals;
using dpp::testing::RecordingServer;
using dpp::testing::ScriptedResponse;
using dpp::testing::TempDir;

namespace {

struct OutboxFixture {
    TempDir dir;
    Config config;
    std::unique_ptr<Database> database;
    ManualClock clock;
    RecordingServer receiver;
    std::optional<dpp::mapping::CompiledWebhook> webhook;
    std::vector<dpp::mapping::Contact> contacts;

    OutboxFixture() {
        config.allowPrivateDestinations = true;
        config.connectTimeout = 500ms;
        config.responseTimeout = 400ms;
        config.retrySchedule = {5s, 5min, 30min};
        config.retryJitter = 0;
        config.pauseAfter = 10min;
        config.probeInterval = 1min;
        database = std::make_unique<Database>(dir.storeUri());
        database->migrate();
        ContactStore(*database).addAccount(1001, "Source");
        database->write([&](Poco::Data::Session& session) {
            for (int i = 0; i < 3; ++i) {
                dpp::mapping::Contact contact;
                contact.accountId = 1001;
                contact.set(dpp::mapping::SystemField::FirstName, "Contact " + std::to_string(i));
                ContactStore::insert(session, contact);
                contacts.push_back(contact);
            }
        });
        receiver.setDefaultResponse(ScriptedResponse::ok("Success"));
        auto definition = dpp::mapping::parseWebhookDefinition(
            R"({"title": "T", "url": ")" + receiver.url("/post/in/") +
            R"(", "success": {"body_contains": "Success"},
                "pairs": [{"key": "firstname", "field": "FIRSTNAME"}]})");
        WebhookStore(*database).save(definition);
        webhook = dpp::mapping::CompiledWebhook::compile(definition, {});
    }

    std::int64_t enqueue(std::size_t contact = 0) {
        return DeliveryStore(*database)
            .enqueue(renderDelivery(*webhook, contacts.at(contact), "test"), clock.nowMs())
            .id;
    }
    DrainSummary drain() { return DeliveryWorkers(config, *database, clock, "test").drain(); }
    DeliveryRecord delivery(std::int64_t id) { return *DeliveryStore(*database).find(id); }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(outbox, OutboxFixture)

BOOST_AUTO_TEST_CASE(retry_policy_follows_the_schedule_with_bounded_jitter) {
    RetryPolicy policy({5s, 5min}, 0.2);
    BOOST_TEST(*policy.nextAttempt(1, 1000, std::nullopt, 0.5) == 1000 + 5000);
    BOOST_TEST(*policy.nextAttempt(1, 1000, std::nullopt, 0.0) == 1000 + 4000);
    BOOST_TEST(*policy.nextAttempt(1, 1000, std::nullopt, 0.999999) <= 1000 + 6000);
    BOOST_TEST(*policy.nextAttempt(2, 0, std::nullopt, 0.5) == 300'000);
    BOOST_TEST(!policy.nextAttempt(3, 0, std::nullopt, 0.5)); // dead
    BOOST_TEST(*policy.nextAttempt(1, 0, std::chrono::seconds(120), 0.0) == 120'000);
    BOOST_TEST(*policy.nextAttempt(1, 0, std::chrono::seconds(10'000'000), 0.0) ==
               24LL * 3600 * 1000); // Retry-After capped at a day
}

BOOST_AUTO_TEST_CASE(a_drain_counts_deliveries_by_their_last_outcome_not_attempts) {
    config.retrySchedule = {0ms, 0ms}; // due again at once: retried within the same drain
    receiver.script(ScriptedResponse::withStatus(503, "busy"));
    receiver.script(ScriptedResponse::withStatus(503, "busy"));
    std::int64_t id = enqueue();
    DrainSummary summary = drain();
    BOOST_TEST(receiver.requestCount() == 3u);
    BOOST_TEST(delivery(id).status == "delivered");
    BOOST_TEST(summary.delivered == 1);
    BOOST_TEST(summary.retrying == 0);
    BOOST_TEST(summary.dead == 0);
}

BOOST_AUTO_TEST_CASE(fails_twice_then_succeeds_on_schedule_with_one_idempotency_key) {
    receiver.script(ScriptedResponse::withStatus(500, "oops"));
    receiver.script(ScriptedResponse::withStatus(503, "busy"));
    std::int64_t id = enqueue();
    DrainSummary first = drain();
    BOOST_TEST(first.retrying == 1);
    BOOST_TEST(delivery(id).status == "queued");
    BOOST_TEST(*delivery(id).nextAttemptMs == clock.nowMs() + 5000);
    BOOST_TEST(drain().retrying == 0); // not due yet: nothing sent
    BOOST_TEST(receiver.requestCount() == 1u);
    clock.advance(5s);
    BOOST_TEST(drain().retrying == 1);
    BOOST_TEST(*delivery(id).nextAttemptMs == clock.nowMs() + 300'000);
    clock.advance(5min);
    BOOST_TEST(drain().delivered == 1);
    auto record = delivery(id);
    BOOST_TEST(record.status == "delivered");
    BOOST_TEST(record.attempts == 3);
    auto requests = receiver.requests();
    BOOST_REQUIRE(requests.size() == 3u);
    for (const auto& request : requests)
        BOOST_TEST(*request.header("Idempotency-Key") == record.idempotencyKey);
    auto attempts = DeliveryStore(*database).attempts(id);
    BOOST_REQUIRE(attempts.size() == 3u);
    BOOST_TEST(attempts[0].statusCode == 500);
    BOOST_TEST(attempts[0].responseExcerpt == "oops");
    BOOST_TEST(attempts[1].statusCode == 503);
    BOOST_TEST(attempts[2].outcome == "delivered");
}

BOOST_AUTO_TEST_CASE(exhausted_retries_make_the_delivery_dead) {
    receiver.setDefaultResponse(ScriptedResponse::withStatus(502));
    std::int64_t id = enqueue();
    drain();
    for (auto wait : {5s, 300s, 1800s}) {
        clock.advance(wait);
        drain();
    }
    BOOST_TEST(delivery(id).status == "dead");
    BOOST_TEST(delivery(id).attempts == 4);
    clock.advance(24h);
    drain();
    BOOST_TEST(receiver.requestCount() == 4u);
}

BOOST_AUTO_TEST_CASE(a_4xx_fails_at_once_without_retry) {
    receiver.script(ScriptedResponse::withStatus(422, "bad lead"));
    std::int64_t id = enqueue();
    BOOST_TEST(drain().failed == 1);
    BOOST_TEST(delivery(id).status == "failed");
    BOOST_TEST(!delivery(id).nextAttemptMs);
}

BOOST_AUTO_TEST_CASE(retry_after_is_honoured_on_429) {
    receiver.script(ScriptedResponse::withStatus(429).header("Retry-After", "120"));
    std::int64_t id = enqueue();
    drain();
    BOOST_TEST(*delivery(id).nextAttemptMs == clock.nowMs() + 120'000);
    clock.advance(119s);
    drain();
    BOOST_TEST(receiver.requestCount() == 1u);
    clock.advance(1s);
    BOOST_TEST(drain().delivered == 1);
}

BOOST_AUTO_TEST_CASE(a_receiver_hanging_past_the_timeout_is_retried) {
    receiver.script(ScriptedResponse::hangFor(1500ms));
    std::int64_t id = enqueue();
    BOOST_TEST(drain().retrying == 1);
    auto attempts = DeliveryStore(*database).attempts(id);
    BOOST_REQUIRE(attempts.size() == 1u);
    BOOST_TEST(attempts[0].outcome == "retryable");
    BOOST_TEST(attempts[0].error.find("imeout") != std::string::npos, attempts[0].error);
    BOOST_TEST(attempts[0].durationMs < 1400);
    clock.advance(5s);
    BOOST_TEST(drain().delivered == 1);
}

BOOST_AUTO_TEST_CASE(keep_alive_connections_are_reused_and_a_closed_one_is_replaced) {
    for (std::size_t i = 0; i < 3; ++i)
        enqueue(i);
    BOOST_TEST(drain().delivered == 3);
    auto requests = receiver.requests();
    BOOST_REQUIRE(requests.size() == 3u);
    BOOST_TEST(requests[0].peer == requests[2].peer); // one connection for all three
    // The receiver drops its side of idle connections: the next send must still succeed.
    receiver.script(ScriptedResponse::closeConnection());
    enqueue(0);
    DrainSummary again = drain();
    BOOST_TEST(again.delivered + again.retrying == 1);
    clock.advance(5s);
    drain();
    BOOST_TEST(DeliveryStore(*database).pendingCount() == 0);
}

BOOST_AUTO_TEST_CASE(a_receiver_that_is_down_then_back_gets_everything) {
    Poco::UInt16 port = receiver.port();
    receiver.stop(); // down: connections refused
    std::int64_t id = enqueue();
    BOOST_TEST(drain().retrying == 1);
    BOOST_TEST(delivery(id).lastError.find("onnection refused") != std::string::npos,
               delivery(id).lastError);
    RecordingServer back(port);
    back.setDefaultResponse(ScriptedResponse::ok("Success"));
    clock.advance(5s);
    BOOST_TEST(drain().delivered == 1);
    BOOST_TEST(back.requestCount() == 1u);
}

BOOST_AUTO_TEST_CASE(a_destination_failing_continuously_is_paused_then_probed) {
    receiver.setDefaultResponse(ScriptedResponse::withStatus(500));
    config.retrySchedule = {1min, 1min, 1min, 1min, 1min, 1min, 1min,
                            1min, 1min, 1min, 1min, 1min, 1min};
    config.pauseAfter = 3min;
    enqueue(0);
    for (int minute = 0; minute < 3; ++minute) {
        drain();
        clock.advance(1min);
    }
    drain(); // failing since 3 minutes: paused now
    auto destinations = DeliveryStore(*database).destinations();
    BOOST_REQUIRE(destinations.size() == 1u);
    BOOST_TEST(destinations[0].pausedUntilMs.has_value());
    BOOST_TEST(destinations[0].consecutiveFailures == 4);
    std::size_t before = receiver.requestCount();
    enqueue(1); // new work for the paused destination waits
    BOOST_TEST(drain().delivered + drain().retrying == 0);
    BOOST_TEST(receiver.requestCount() == before);
    // After the probe interval the receiver has recovered: the probe succeeds, the pause ends.
    receiver.setDefaultResponse(ScriptedResponse::ok("Success"));
    clock.advance(1min);
    BOOST_TEST(drain().delivered == 2);
    BOOST_TEST(DeliveryStore(*database).destinations().empty());
}

BOOST_AUTO_TEST_CASE(a_lease_left_by_a_crashed_worker_is_claimed_again) {
    std::int64_t id = enqueue();
    DeliveryStore store(*database);
    auto claimed = store.claim("crashed-worker", 10, clock.nowMs(), 60'000);
    BOOST_REQUIRE(claimed.size() == 1u);
    BOOST_TEST(delivery(id).status == "sending");
    BOOST_TEST(drain().delivered == 0); // leased: nobody else takes it
    clock.advance(61s);
    BOOST_TEST(drain().delivered == 1);
    // The crashed worker's late answer is dropped, not recorded over the delivery.
    AttemptResult late;
    late.status = "failed";
    late.attempt.outcome = "failed";
    BOOST_TEST(!store.finish(id, "crashed-worker", late, clock.nowMs(), PausePolicy{}));
    BOOST_TEST(delivery(id).status == "delivered");
    BOOST_TEST(delivery(id).attempts == 1);
}

BOOST_AUTO_TEST_CASE(replay_resends_the_recorded_request_and_logs_who_asked) {
    std::int64_t id = enqueue();
    drain();
    DeliveryStore(*database).requeue(id, clock.nowMs(), "support:alice", "after the fix");
    BOOST_TEST(drain().delivered == 1);
    auto requests = receiver.requests();
    BOOST_REQUIRE(requests.size() == 2u);
    BOOST_TEST(requests[0].body == requests[1].body);
    BOOST_TEST(*requests[0].header("Idempotency-Key") == *requests[1].header("Idempotency-Key"));
    BOOST_TEST(delivery(id).attempts == 2);
    auto events = DeliveryStore(*database).events(id);
    BOOST_REQUIRE(events.size() == 1u);
    BOOST_TEST(events[0].actor == "support:alice");
    BOOST_TEST(events[0].detail.find("was delivered") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(deliveries_whose_turn_comes_too_late_in_the_lease_are_given_back_unsent) {
    // 300 ms from the claim to the last start of an attempt (lease - connect - response
    // timeouts); each answer takes 350 ms: one attempt per claim, the rest given back.
    config.lease = 1200ms;
    ScriptedResponse slow = ScriptedResponse::hangFor(350ms);
    slow.body = "Success";
    receiver.setDefaultResponse(slow);
    std::vector<std::int64_t> ids{enqueue(0), enqueue(1), enqueue(2)};
    DrainSummary summary = drain();
    BOOST_TEST(summary.delivered == 3);
    BOOST_TEST(receiver.requestCount() == 3u); // each sent once
    std::size_t givenBack = 0;
    for (std::int64_t id : ids) {
        BOOST_TEST(delivery(id).status == "delivered");
        for (const auto& event : DeliveryStore(*database).events(id))
            givenBack +=
                event.action == "released" && event.detail.find("too late") != std::string::npos;
    }
    BOOST_TEST(givenBack >= 2u);
}

BOOST_AUTO_TEST_CASE(a_worker_keeps_delivery_in_flight_requests_on_the_wire_at_once) {
    config.deliveryInFlight = 4;
    config.responseTimeout = 10s;
    receiver.setDefaultResponse(ScriptedResponse::heldUntilReleased("Success"));
    for (int i = 0; i < 6; ++i)
        enqueue(static_cast<std::size_t>(i) % contacts.size());
    auto draining = std::async(std::launch::async, [this] { return drain(); });
    // Four requests arrive while none has been answered: one worker, four connections. With
    // one request in flight the fifth second would never come and this fails.
    bool fourAtOnce = receiver.waitForRequests(4, 5s);
    receiver.release();
    BOOST_REQUIRE(fourAtOnce);
    DrainSummary summary = draining.get();
    BOOST_TEST(summary.delivered == 6);
    auto requests = receiver.requests();
    BOOST_REQUIRE(requests.size() == 6u);
    std::set<std::string> peers;
    for (const auto& request : requests)
        peers.insert(request.peer);
    BOOST_TEST(peers.size() == 4u); // the fifth and sixth reuse kept-alive connections
    std::set<std::string> keys;
    for (const auto& request : requests)
        keys.insert(request.header("Idempotency-Key").value_or(""));
    BOOST_TEST(keys.size() == 6u); // each delivery sent once
}

BOOST_AUTO_TEST_CASE(a_request_in_flight_behind_a_hung_one_waits_its_own_timeout_only) {
    // Two in flight, both hanging past the 1.5 s response timeout: the second's wait counts
    // from its own write, so it ends with the first rather than 1.5 s after it.
    config.deliveryInFlight = 2;
    config.responseTimeout = 1500ms;
    receiver.setDefaultResponse(ScriptedResponse::hangFor(4s));
    std::int64_t first = enqueue(0);
    std::int64_t second = enqueue(1);
    BOOST_TEST(drain().retrying == 2);
    auto firstAttempts = DeliveryStore(*database).attempts(first);
    auto secondAttempts = DeliveryStore(*database).attempts(second);
    BOOST_REQUIRE(firstAttempts.size() == 1u);
    BOOST_REQUIRE(secondAttempts.size() == 1u);
    BOOST_TEST(secondAttempts[0].error.find("imeout") != std::string::npos,
               secondAttempts[0].error);
    BOOST_TEST(secondAttempts[0].durationMs < 2600, secondAttempts[0].durationMs << " ms");
}

BOOST_AUTO_TEST_CASE(background_workers_send_what_is_queued_and_stop) {
    SystemClock realClock;
    DeliveryWorkers workers(config, *database, realClock, "bg");
    workers.start(2);
    for (int round = 0; round < 10; ++round)
        for (std::size_t i = 0; i < 3; ++i)
            DeliveryStore(*database).enqueue(renderDelivery(*webhook, contacts[i], "test"),
                                             realClock.nowMs());
    workers.wake();
    BOOST_TEST(receiver.waitForRequests(30, 10s));
    workers.stop();
    DeliveryFilter delivered;
    delivered.status = "delivered";
    delivered.limit = 100;
    BOOST_TEST(DeliveryStore(*database).list(delivered).size() == 30u);
    BOOST_TEST(DeliveryStore(*database).pendingCount() == 0);
}

BOOST_AUTO_TEST_CASE(stopping_finishes_the_attempt_in_flight_and_releases_the_rest) {
    receiver.setDefaultResponse(ScriptedResponse::hangFor(200ms));
    SystemClock realClock;
    for (int i = 0; i < 8; ++i)
        DeliveryStore(*database).enqueue(renderDelivery(*webhook, contacts[0], "test"),
                                         realClock.nowMs());
    DeliveryWorkers workers(config, *database, realClock, "stopping");
    workers.start(1);
    BOOST_REQUIRE(receiver.waitForRequests(1, 5s)); // one attempt is in flight
    auto started = std::chrono::steady_clock::now();
    workers.stop();
    // Bounded by the response timeout (generously: sanitizer builds are slow).
    auto stoppedIn = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    BOOST_TEST(stoppedIn.count() < (config.responseTimeout + 5s).count());
    DeliveryFilter sending;
    sending.status = "sending";
    BOOST_TEST(DeliveryStore(*database).list(sending).empty()); // nothing left leased
    DeliveryFilter queued;
    queued.status = "queued";
    BOOST_TEST(DeliveryStore(*database).list(queued).size() >= 6u);
    BOOST_TEST(receiver.requestCount() <= 2u);
}

BOOST_AUTO_TEST_SUITE_END()
