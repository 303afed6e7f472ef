// Activation against a real SQLite file and a real receiver on loopback: triggers fire once
// per event under concurrent changes, external events with a key fire once, payment events,
// mass posts deliver each contact once (also after cancel and resume), nightly runs post only
// what changed since the last successful run.
#include "bridge/InputError.h"
#include "bridge/activation/BatchRunner.h"
#include "bridge/activation/ContactActivity.h"
#include "bridge/activation/MassPosts.h"
#include "bridge/activation/NightlyJobs.h"
#include "bridge/outbox/DeliveryWorkers.h"
#include "bridge/store/BatchStore.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/TriggerStore.h"
#include "bridge/store/WebhookStore.h"
#include "mapping/WebhookJson.h"
#include "support/RecordingServer.h"
#include "support/TempDir.h"

#include <boost/test/unit_test.hpp>

#include <set>
#include <thread>

using namespace dpp::bridge;
using namespace std::chrono_literals;
using dpp::mapping::FieldCondition;
using dpp::mapping::SystemField;
using dpp::testing::RecordingServer;
using dpp::testing::ScriptedResponse;
using dpp::testing::TempDir;

namespace {

struct ActivationFixture {
    TempDir dir;
    Config config;
    std::unique_ptr<Database> database;
    RecordingServer receiver;
    std::int64_t webhookId = 0;

    ActivationFixture() {
        config.allowPrivateDestinations = true;
        config.connectTimeout = 2000ms;
        config.responseTimeout = 2000ms;
        config.retrySchedule = {1s};
        config.retryJitter = 0;
        config.deliveryWorkers = 4;
        database = std::make_unique<Database>(dir.storeUri());
        database->migrate();
        ContactStore(*database).addAccount(1001, "Source");
        receiver.setDefaultResponse(ScriptedResponse::ok("Success"));
        auto definition = dpp::mapping::parseWebhookDefinition(
            R"({"title": "T", "account": 1001, "url": ")" + receiver.url("/post/in/") +
            R"(", "success": {"body_contains": "Success"},
                "pairs": [{"key": "id", "field": "ID"}, {"key": "status", "field": "STATUS"}]})");
        WebhookStore(*database).save(definition);
        webhookId = definition.id;
    }

    std::vector<std::int64_t> addContacts(int count, const std::string& status = "New") {
        std::vector<std::int64_t> ids;
        database->write([&](Poco::Data::Session& session) {
            for (int i = 0; i < count; ++i) {
                dpp::mapping::Contact contact;
                contact.accountId = 1001;
                contact.set(SystemField::FirstName, "Contact " + std::to_string(i));
                contact.set(SystemField::Status, status);
                ids.push_back(ContactStore::insert(session, contact));
            }
        });
        return ids;
    }

    std::int64_t count(const std::string& sql) {
        std::int64_t result = 0;
        database->read([&](Poco::Data::Session& session) {
            session << sql, Poco::Data::Keywords::into(result), Poco::Data::Keywords::now;
        });
        return result;
    }

    // Contact ids the receiver got, with how many distinct Idempotency-Keys each came with.
    std::map<std::string, std::set<std::string>> receivedByContact() const {
        std::map<std::string, std::set<std::string>> byContact;
        for (const auto& request : receiver.requests()) {
            std::string body = request.body;
            std::string id = body.substr(3, body.find('&') - 3);
            byContact[id].insert(request.header("Idempotency-Key").value_or(""));
        }
        return byContact;
    }

    // A page lease as a mass post's workers would hold it.
    static MassPosts::PageLease pageLease(const std::string& owner, std::int64_t leaseMs) {
        MassPosts::PageLease lease;
        lease.owner = owner;
        lease.leaseMs = leaseMs;
        return lease;
    }

    // A first attempt answered 200 at nowMs.
    static AttemptResult deliveredAt(std::int64_t nowMs) {
        AttemptResult result;
        result.attempt.startedAt = formatTime(nowMs);
        result.attempt.statusCode = 200;
        result.attempt.outcome = result.status = "delivered";
        return result;
    }

    // A mass post of every contact of account 1001.
    Batch newMassPost(MassPosts& posts) {
        ContactSelection selection;
        selection.accountId = 1001;
        return posts.create(BatchKind::MassPost, "", webhookId, selection, "test");
    }

    BatchRunResult runBatch(std::int64_t batchId, std::size_t pageSize = 100) {
        SystemClock clock;
        BatchRunner runner(config, *database, clock);
        BatchRunOptions options;
        options.pageSize = pageSize;
        options.maxWait = 60s;
        options.reportEvery = 50ms;
        return runner.run(
            batchId, options,
            [](std::chrono::milliseconds wait) {
                std::this_thread::sleep_for(std::min(wait, std::chrono::milliseconds(20)));
                return false;
            },
            [](const Batch&, const BatchProgress&, std::int64_t, bool) {});
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(activation, ActivationFixture)

BOOST_AUTO_TEST_CASE(a_status_trigger_fires_once_per_change_under_concurrent_updates) {
    auto ids = addContacts(2);
    TriggerStore(*database).add("contact.status_changed", webhookId, std::nullopt, std::nullopt,
                                "test");
    constexpr int kThreads = 6, kUpdates = 20;
    std::vector<std::thread> threads;
    std::atomic<int> changed{0};
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < kUpdates; ++i) {
                Activity activity;
                // Two threads share each value, so some updates change nothing.
                ContactChanges changes = parseContactChanges(
                    {"status=S" + std::to_string(t / 2) + "-" + std::to_string(i)});
                auto update = updateContact(*database, ids[static_cast<std::size_t>(t % 2)],
                                            changes, "thread", activity);
                if (!update.changed.empty())
                    changed++;
            }
        });
    for (auto& thread : threads)
        thread.join();
    BOOST_TEST(changed.load() > 0);
    BOOST_TEST(count("SELECT COUNT(*) FROM deliveries") == changed.load());
    BOOST_TEST(count("SELECT COUNT(DISTINCT idempotency_key) FROM deliveries") == changed.load());
    BOOST_TEST(count("SELECT COUNT(*) FROM trigger_firings WHERE outcome = 'queued'") ==
               changed.load());
}

BOOST_AUTO_TEST_CASE(each_delivery_carries_the_contact_change_it_was_rendered_from) {
    auto ids = addContacts(1);
    TriggerStore(*database).add("contact.updated", webhookId, std::nullopt, std::nullopt, "test");
    std::vector<std::int64_t> changes;
    for (std::string status : {"Enrolled", "Graduated"}) {
        Activity activity;
        auto update = updateContact(*database, ids.front(),
                                    parseContactChanges({"status=" + status}), "test", activity);
        changes.push_back(update.after.changeNumber);
    }
    BOOST_TEST(changes[0] > 0);
    BOOST_TEST(changes[1] > changes[0]);
    DeliveryWorkers(config, *database, SystemClock(), "t").drain();
    std::map<std::string, std::string> changeByStatus;
    for (const auto& request : receiver.requests())
        changeByStatus[request.body.substr(request.body.find("status=") + 7)] =
            request.header("X-Dppbridge-Change").value_or("");
    BOOST_TEST(changeByStatus["Enrolled"] == std::to_string(changes[0]));
    BOOST_TEST(changeByStatus["Graduated"] == std::to_string(changes[1]));
}

BOOST_AUTO_TEST_CASE(a_condition_decides_and_the_log_says_why) {
    auto ids = addContacts(1);
    auto trigger =
        TriggerStore(*database).add("contact.updated", webhookId, std::nullopt,
                                    FieldCondition::parse("STATUS=Returned", "when"), "test");
    Activity activity;
    updateContact(*database, ids[0], parseContactChanges({"email=a@b.c"}), "t", activity);
    updateContact(*database, ids[0], parseContactChanges({"status=Returned"}), "t", activity);
    auto log = TriggerStore(*database).firings(trigger.id, std::nullopt, 10);
    BOOST_REQUIRE_EQUAL(log.size(), 2u);
    BOOST_TEST(log[0].outcome == "queued");
    BOOST_TEST(log[0].deliveryId.has_value());
    BOOST_TEST(log[1].outcome == "skipped: STATUS is 'New', not 'Returned'");
    BOOST_TEST(count("SELECT COUNT(*) FROM deliveries") == 1);
}

BOOST_AUTO_TEST_CASE(an_emitted_event_with_a_key_fires_once_even_when_emitted_concurrently) {
    auto ids = addContacts(1);
    TriggerStore(*database).add("custom.call_done", webhookId, std::nullopt, std::nullopt, "t");
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 5; ++i)
                emitEvent(*database, "custom.call_done", ids[0], "call-" + std::to_string(i), "t");
        });
    for (auto& thread : threads)
        thread.join();
    BOOST_TEST(count("SELECT COUNT(*) FROM events") == 5);
    BOOST_TEST(count("SELECT COUNT(*) FROM deliveries") == 5);
    BOOST_CHECK_THROW(emitEvent(*database, "contact.updatd", ids[0], "", "t"), InputError);
}

BOOST_AUTO_TEST_CASE(a_returned_payment_raises_payment_returned_once) {
    auto ids = addContacts(1);
    auto trigger =
        TriggerStore(*database).add("payment.returned", webhookId, std::nullopt, std::nullopt, "t");
    Activity activity;
    BOOST_CHECK_THROW(addPayment(*database, paymentFrom("2026-11-01", "1", "", "p"), "t", activity),
                      NotFound); // contact 0
    Payment payment = paymentFrom("2026-11-01", "312.50", "pending", "p");
    payment.contactId = ids[0];
    payment = addPayment(*database, payment, "t", activity);
    BOOST_TEST(activity.deliveriesQueued == 0u);
    setPaymentStatus(*database, payment.id, "returned", "t", activity);
    BOOST_TEST(activity.deliveriesQueued == 1u);
    setPaymentStatus(*database, payment.id, "nsf", "t", activity); // the same event: nothing new
    BOOST_TEST(activity.deliveriesQueued == 0u);
    auto log = TriggerStore(*database).firings(trigger.id, std::nullopt, 10);
    BOOST_REQUIRE_EQUAL(log.size(), 1u);
    BOOST_TEST(log[0].subject == "payment " + std::to_string(payment.id) + " pending -> returned");
    BOOST_CHECK_THROW(paymentStatus("bounced", "--status"), InputError);
}

BOOST_AUTO_TEST_CASE(a_mass_post_delivers_every_selected_contact_once) {
    auto ids = addContacts(1200);
    addContacts(50, "Dropped");
    MassPosts posts(*database);
    ContactSelection selection;
    selection.accountId = 1001;
    selection.where.push_back(FieldCondition::parse("status=New", "where"));
    Batch batch = posts.create(BatchKind::MassPost, "", webhookId, selection, "test");
    BOOST_TEST(batch.selected == 1200);
    BatchRunResult result = runBatch(batch.id);
    BOOST_TEST(result.succeeded());
    BOOST_TEST(result.progress.delivered == 1200);
    auto received = receivedByContact();
    BOOST_TEST(received.size() == 1200u);
    for (const auto& [contact, keys] : received)
        BOOST_TEST(keys.size() == 1u, "contact " << contact);
    BOOST_TEST(receiver.requestCount() == 1200u);
}

BOOST_AUTO_TEST_CASE(a_cancelled_mass_post_resumes_without_posting_anyone_twice) {
    auto ids = addContacts(600);
    MassPosts posts(*database);
    BatchStore batches(*database);
    ContactSelection selection;
    selection.accountId = 1001;
    std::istringstream chosen("1\n2,3\n" + std::to_string(ids[599]) + "\n");
    BOOST_CHECK_THROW(posts.create(BatchKind::MassPost, "", webhookId, selection, "t",
                                   std::make_unique<std::istringstream>("1,999999").get()),
                      InputError);
    Batch few = posts.create(BatchKind::MassPost, "", webhookId, selection, "t", &chosen);
    BOOST_TEST(few.selected == 4);

    Batch batch = posts.create(BatchKind::MassPost, "", webhookId, selection, "test");
    PreparedWebhook prepared(*database, WebhookStore(*database).require(webhookId));
    std::int64_t now = SystemClock().nowMs();
    BOOST_TEST(posts.queueNextPage(batch.id, prepared, 100, now) == 100u);
    BOOST_TEST(posts.queueNextPage(batch.id, prepared, 100, now) == 100u);
    posts.cancel(batch.id, "test");
    BOOST_TEST(posts.queueNextPage(batch.id, prepared, 100, now) == 0u);
    BOOST_TEST(batches.progress(batches.require(batch.id)).cancelled == 200);
    // Deliver what else is due: nothing of the cancelled batch goes out.
    DeliveryWorkers(config, *database, SystemClock(), "t").drain();
    BOOST_TEST(receiver.requestCount() == 0u);

    posts.resume(batch.id, "test");
    BatchRunResult result = runBatch(batch.id);
    BOOST_TEST(result.succeeded());
    BOOST_TEST(result.progress.delivered == 600);
    auto received = receivedByContact();
    BOOST_TEST(received.size() == 600u);
    BOOST_TEST(receiver.requestCount() == 600u);
    BOOST_CHECK_THROW(posts.resume(batch.id, "test"), InputError); // finished
}

BOOST_AUTO_TEST_CASE(a_mass_post_page_is_leased_to_its_workers_as_one_row_unless_paused) {
    addContacts(10);
    MassPosts posts(*database);
    BatchStore batches(*database);
    Batch batch = newMassPost(posts);
    PreparedWebhook prepared(*database, WebhookStore(*database).require(webhookId));
    std::int64_t now = SystemClock().nowMs();
    MassPosts::PageLease lease = pageLease("test/pages", 60000);
    BOOST_TEST(posts.queueNextPage(batch.id, prepared, 5, now, &lease) == 5u);
    BOOST_REQUIRE(lease.leased.size() == 5u);
    BOOST_TEST(lease.pageId != 0);
    // Nothing of it is in the outbox yet, so nothing can be claimed; the batch counts it.
    BOOST_TEST(count("SELECT count(*) FROM deliveries") == 0);
    BOOST_TEST(count("SELECT count(*) FROM batch_pages WHERE lease_owner = 'test/pages'") == 1);
    BOOST_TEST(DeliveryStore(*database).claim("other", 64, now, 60000).empty());
    BOOST_TEST(batches.pendingCount(batch.id) == 5);
    BOOST_TEST(batches.progress(batches.require(batch.id)).pending == 5);
    for (const NewDelivery& handed : lease.leased) {
        BOOST_TEST(handed.idempotencyKey ==
                   "mp_" + std::to_string(batch.id) + "_" + std::to_string(handed.contactId));
        BOOST_TEST(handed.batchId.value_or(0) == batch.id);
        BOOST_TEST(!handed.wireBody.empty());
    }

    // Written with their first attempts: the first three delivered, one to retry, one not
    // begun (queued); then the page is closed.
    std::vector<FirstAttempt> attempts;
    for (std::size_t i = 0; i < lease.leased.size(); ++i) {
        FirstAttempt first{&lease.leased[i], std::nullopt};
        if (i < 3) {
            first.result = deliveredAt(now);
        } else if (i == 3) {
            AttemptResult result = deliveredAt(now);
            result.attempt.statusCode = 503;
            result.attempt.outcome = "retryable";
            result.status = "queued";
            result.nextAttemptMs = now + 1000;
            result.attempt.error = "HTTP 503";
            result.destinationFailed = true;
            first.result = result;
        }
        attempts.push_back(first);
    }
    DeliveryStore deliveries(*database);
    auto ids = deliveries.recordFirstAttempts(attempts, now, PausePolicy{});
    BOOST_REQUIRE(ids.size() == 5u);
    for (std::int64_t id : ids)
        BOOST_TEST(id != 0);
    BOOST_TEST(
        count("SELECT count(*) FROM deliveries WHERE status = 'delivered' AND attempts = 1") == 3);
    BOOST_TEST(count("SELECT count(*) FROM deliveries WHERE status = 'queued' AND attempts = 1 "
                     "AND last_error = 'HTTP 503'") == 1);
    BOOST_TEST(count("SELECT count(*) FROM deliveries WHERE status = 'queued' AND attempts = 0") ==
               1);
    BOOST_TEST(count("SELECT count(*) FROM delivery_attempts") == 4);
    BOOST_TEST(count("SELECT count(*) FROM destinations") == 1); // the 503 counts
    auto stored = deliveries.find(ids.front());
    BOOST_REQUIRE(stored);
    BOOST_TEST(stored->body == lease.leased.front().maskedBody);
    BOOST_TEST(stored->origin == lease.leased.front().origin);
    // Written once: a second write of the same ones changes nothing.
    for (std::int64_t id : deliveries.recordFirstAttempts(attempts, now, PausePolicy{}))
        BOOST_TEST(id == 0);
    BOOST_TEST(count("SELECT count(*) FROM deliveries") == 5);
    BOOST_TEST(batches.pendingCount(batch.id) == 2); // the retry and the one not begun
    batches.closePage(lease.pageId, "someone else");
    BOOST_TEST(count("SELECT count(*) FROM batch_pages") == 1);
    batches.closePage(lease.pageId, "test/pages");
    BOOST_TEST(count("SELECT count(*) FROM batch_pages") == 0);

    // A paused destination: the next page is queued as usual, for the claims and their probes.
    std::string destination = lease.leased.front().destination;
    std::int64_t until = now + 60000;
    database->write([&](Poco::Data::Session& session) {
        session << "UPDATE destinations SET paused_until_ms = ? WHERE destination = ?",
            Poco::Data::Keywords::use(until), Poco::Data::Keywords::use(destination),
            Poco::Data::Keywords::now;
    });
    BOOST_TEST(posts.queueNextPage(batch.id, prepared, 5, now, &lease) == 5u);
    BOOST_TEST(lease.leased.empty());
    BOOST_TEST(lease.pageId == 0);
    BOOST_TEST(count("SELECT count(*) FROM deliveries WHERE status = 'queued'") == 7);
    BOOST_TEST(count("SELECT count(*) FROM batch_pages") == 0);
}

BOOST_AUTO_TEST_CASE(a_page_whose_lease_ran_out_is_queued_again_without_what_was_written) {
    addContacts(10);
    MassPosts posts(*database);
    BatchStore batches(*database);
    Batch batch = newMassPost(posts);
    PreparedWebhook prepared(*database, WebhookStore(*database).require(webhookId));
    std::int64_t now = SystemClock().nowMs();
    MassPosts::PageLease lease = pageLease("dead/pages", 1000);
    BOOST_TEST(posts.queueNextPage(batch.id, prepared, 6, now, &lease) == 6u);
    // Its process wrote two of them, then died.
    std::vector<FirstAttempt> attempts;
    for (std::size_t i = 0; i < 2; ++i)
        attempts.push_back({&lease.leased[i], deliveredAt(now)});
    DeliveryStore(*database).recordFirstAttempts(attempts, now, PausePolicy{});
    BOOST_TEST(batches.pendingCount(batch.id) == 4);
    BOOST_TEST(posts.requeueExpiredPages(now + 500) == 0u); // still leased
    BOOST_TEST(posts.requeueExpiredPages(now + 1001) == 4u);
    BOOST_TEST(count("SELECT count(*) FROM batch_pages") == 0);
    BOOST_TEST(count("SELECT count(*) FROM deliveries WHERE status = 'queued'") == 4);
    BOOST_TEST(batches.pendingCount(batch.id) == 4);
    BOOST_TEST(posts.requeueExpiredPages(now + 5000) == 0u);

    // The rest of the batch is queued as usual; every contact is sent once, with the key
    // its leased page had.
    BOOST_TEST(runBatch(batch.id).succeeded());
    auto received = receivedByContact();
    BOOST_TEST(received.size() == 8u); // the two written as delivered were not sent here
    for (const auto& [contact, keys] : received) {
        BOOST_TEST(keys.size() == 1u, "contact " << contact);
        BOOST_TEST(keys.begin()->rfind("mp_" + std::to_string(batch.id) + "_", 0) == 0);
    }
    BOOST_TEST(count("SELECT count(*) FROM deliveries WHERE status = 'delivered'") == 10);
}

BOOST_AUTO_TEST_CASE(a_cancelled_batch_s_expired_page_is_queued_cancelled) {
    addContacts(4);
    MassPosts posts(*database);
    BatchStore batches(*database);
    Batch batch = newMassPost(posts);
    PreparedWebhook prepared(*database, WebhookStore(*database).require(webhookId));
    std::int64_t now = SystemClock().nowMs();
    MassPosts::PageLease lease = pageLease("dead/pages", 1000);
    BOOST_TEST(posts.queueNextPage(batch.id, prepared, 10, now, &lease) == 4u);
    posts.cancel(batch.id, "test");
    BOOST_TEST(posts.requeueExpiredPages(now + 2000) == 4u);
    BOOST_TEST(count("SELECT count(*) FROM deliveries WHERE status = 'cancelled'") == 4);
    BOOST_TEST(batches.progress(batches.require(batch.id)).cancelled == 4);
}

BOOST_AUTO_TEST_CASE(handed_deliveries_nobody_began_are_queued_when_the_workers_stop) {
    addContacts(10);
    MassPosts posts(*database);
    Batch batch = newMassPost(posts);
    PreparedWebhook prepared(*database, WebhookStore(*database).require(webhookId));
    {
        SystemClock clock; // outlives the workers, who read it until they have stopped
        DeliveryWorkers workers(config, *database, clock, "handed"); // never started
        MassPosts::PageLease lease = pageLease(workers.leaseOwner(), workers.leaseMs());
        BOOST_TEST(posts.queueNextPage(batch.id, prepared, 100, SystemClock().nowMs(), &lease) ==
                   10u);
        workers.handOver(std::move(lease.leased), lease.pageId, std::chrono::steady_clock::now());
        BOOST_TEST(!workers.waitForRoom(10, 0ms)); // ten wait
        workers.stop();
        BOOST_TEST(workers.waitForRoom(1, 0ms));
    }
    BOOST_TEST(count("SELECT count(*) FROM deliveries WHERE status = 'queued'") == 10);
    BOOST_TEST(count("SELECT count(*) FROM batch_pages") == 0); // closed: all of it written
    // Due at once, and each sent once.
    BOOST_TEST(DeliveryWorkers(config, *database, SystemClock(), "t").drain().delivered == 10);
    auto received = receivedByContact();
    BOOST_TEST(received.size() == 10u);
    for (const auto& [contact, keys] : received)
        BOOST_TEST(keys.size() == 1u, "contact " << contact);
}

BOOST_AUTO_TEST_CASE(a_second_nightly_run_posts_only_the_new_changes) {
    auto ids = addContacts(300);
    NightlyJobs jobs(*database);
    ContactSelection selection;
    selection.accountId = 1001;
    Batch first = jobs.start("sync", webhookId, selection, "cron");
    BOOST_TEST(first.selected == 300);
    BOOST_TEST(runBatch(first.id).succeeded());
    jobs.succeeded("sync", BatchStore(*database).require(first.id));

    Activity activity;
    for (int i : {5, 17, 250})
        updateContact(*database, ids[static_cast<std::size_t>(i)],
                      parseContactChanges({"status=Enrolled"}), "t", activity);
    auto added = addContacts(2);
    Batch second = jobs.start("sync", webhookId, selection, "cron");
    BOOST_TEST(second.selected == 5);
    BOOST_TEST(runBatch(second.id).succeeded());
    jobs.succeeded("sync", BatchStore(*database).require(second.id));
    BOOST_TEST(receiver.requestCount() == 305u);

    Batch third = jobs.start("sync", webhookId, selection, "cron");
    BOOST_TEST(third.selected == 0);
    // Another job name has its own watermark: it posts everything.
    BOOST_TEST(jobs.start("other", webhookId, selection, "cron").selected == 302);
}

BOOST_AUTO_TEST_CASE(
    a_failed_nightly_run_keeps_its_watermark_and_the_rerun_posts_each_change_once) {
    addContacts(20);
    receiver.setDefaultResponse(ScriptedResponse::withStatus(400, "no"));
    NightlyJobs jobs(*database);
    ContactSelection selection;
    selection.accountId = 1001;
    Batch first = jobs.start("sync", webhookId, selection, "cron");
    BatchRunResult failed = runBatch(first.id);
    BOOST_TEST(!failed.succeeded());
    BOOST_TEST(failed.progress.failed == 20);
    receiver.setDefaultResponse(ScriptedResponse::ok("Success"));
    Batch again = jobs.start("sync", webhookId, selection, "cron");
    BOOST_TEST(again.selected == 20);
    BatchRunResult result = runBatch(again.id);
    BOOST_TEST(result.succeeded());
    BOOST_TEST(result.progress.delivered == 20);
    // The same deliveries went again (same keys): the receiver can drop repeats.
    auto received = receivedByContact();
    for (const auto& [contact, keys] : received)
        BOOST_TEST(keys.size() == 1u, "contact " << contact);
}

BOOST_AUTO_TEST_SUITE_END()
