// Faults on the wire (issue 7, item 2): a `dppbridge serve` sends a mass post to receivers
// that are down, slow past the response timeout, reset connections, answer 5xx storms or 429,
// and everything is delivered once the receiver recovers, with each failed attempt recorded
// for what it was. While a destination fails and nothing is due the process sleeps (its CPU
// time is read from /proc), and retrying thousands of deliveries keeps memory bounded.
// Retry schedules are 1 s without jitter, so each case takes a few seconds; the tests wait on
// requests arriving and on the CLI's view of the outbox, with generous deadlines.
#include "support/BridgeCommands.h"
#include "support/Processes.h"
#include "support/RecordingServer.h"
#include "support/RefusingPort.h"
#include "support/TempDir.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/String.h>

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <thread>

using namespace dpp::testing;
using namespace std::chrono_literals;

namespace {

#ifdef DPPBRIDGE_SANITIZED
constexpr int kManyDeliveries = 500;
constexpr long kRssLimitMegabytes = 400; // ASan's shadow memory and quarantine
#else
constexpr int kManyDeliveries = 2000;
constexpr long kRssLimitMegabytes = 100;
#endif

using Settings = std::map<std::string, std::string>;

std::string everySecond(int times) {
    std::string schedule;
    for (int i = 0; i < times; ++i)
        schedule += i ? ",1s" : "1s";
    return schedule;
}

bool contains(const std::string& text, const std::string& part) {
    return Poco::toLower(text).find(Poco::toLower(part)) != std::string::npos;
}

// A port nobody listens on: taken from the kernel, then closed again.
struct Delivery {
    std::int64_t id = 0;
    std::int64_t contactId = 0;
    std::string key;
    std::string status;
    int attempts = 0;
    std::string lastError;
};

struct Attempt {
    int statusCode = 0;
    std::string outcome;
    std::string error;
    std::int64_t durationMs = 0;
    std::string responseExcerpt;
};

// One store with account 1001, `contacts` contacts and webhook 1 posting them as a form to
// url, and a mass post of all of them queued (not sent) in its outbox.
class Outbox {
public:
    Outbox(int contacts, const std::string& url, const Settings& overrides = {}) {
        Settings settings{
            {"store.uri", "sqlite:" + dir_.file("store/store.db")},
            {"network.allow_private_destinations", "true"},
            {"delivery.timeout.connect", "500ms"},
            {"delivery.timeout.response", "1s"},
            {"delivery.retry.schedule", everySecond(20)},
            {"delivery.retry.jitter", "0"},
            {"delivery.idle_poll", "100ms"},
            {"delivery.workers", "2"},
        };
        for (const auto& [key, value] : overrides)
            settings[key] = value;
        {
            std::ofstream properties(dir_.file("sender.properties"));
            for (const auto& [key, value] : settings)
                properties << key << " = " << value << "\n";
        }
        globals_ = {"--config", dir_.file("sender.properties")};
        expectOk(with(globals_, {"account", "add", "--id", "1001", "--name", "Sender"}));
        {
            std::ofstream out(dir_.file("contacts.jsonl"));
            for (int id = 1; id <= contacts; ++id)
                out << R"({"id": )" << id << R"(, "firstname": "First)" << id
                    << R"(", "lastname": "Last & = %", "state": "CA"})"
                    << "\n";
        }
        expectOk(with(globals_,
                      {"contact", "import", "--account", "1001", dir_.file("contacts.jsonl")}));
        std::ofstream(dir_.file("hook.json"))
            << R"({"title": "Partner", "account": 1001, "url": ")" << url
            << R"(", "method": "POST", "format": "form", "success": {"body_contains": "Success"},
                  "pairs": [{"key": "externalid", "field": "ID"},
                            {"key": "firstname", "field": "FIRSTNAME"},
                            {"key": "lastname", "field": "LASTNAME"}]})";
        expectOk(with(globals_, {"webhook", "apply", dir_.file("hook.json")}));
        expectOk(with(globals_, {"masspost", "--webhook", "1", "--all", "--yes", "--no-wait"}));
        contacts_ = contacts;
    }

    const std::vector<std::string>& globals() const { return globals_; }
    const TempDir& dir() const { return dir_; }

    std::vector<Delivery> deliveries() const {
        auto list =
            Poco::JSON::Parser()
                .parse(expectOk(with(globals_, {"deliveries", "list", "--limit",
                                                std::to_string(contacts_ * 2 + 10), "--json"}))
                           .out)
                .extract<Poco::JSON::Array::Ptr>();
        std::vector<Delivery> result;
        for (std::size_t i = 0; i < list->size(); ++i) {
            auto object = list->getObject(static_cast<unsigned>(i));
            Delivery delivery;
            delivery.id = object->getValue<std::int64_t>("id");
            delivery.contactId = object->getValue<std::int64_t>("contact_id");
            delivery.key = object->getValue<std::string>("idempotency_key");
            delivery.status = object->getValue<std::string>("status");
            delivery.attempts = object->getValue<int>("attempts");
            delivery.lastError = object->getValue<std::string>("last_error");
            result.push_back(std::move(delivery));
        }
        return result;
    }
    std::size_t countWithStatus(const std::string& status) const {
        auto all = deliveries();
        return static_cast<std::size_t>(std::count_if(
            all.begin(), all.end(), [&](const Delivery& d) { return d.status == status; }));
    }
    bool allDelivered() const { return countWithStatus("delivered") == std::size_t(contacts_); }
    // True once every delivery has had at least `attempts` attempts.
    bool everyAttempted(int attempts) const {
        auto all = deliveries();
        return all.size() == std::size_t(contacts_) &&
               std::all_of(all.begin(), all.end(),
                           [&](const Delivery& d) { return d.attempts >= attempts; });
    }

    std::vector<Attempt> attempts(std::int64_t deliveryId) const {
        auto shown = Poco::JSON::Parser()
                         .parse(expectOk(with(globals_, {"deliveries", "show",
                                                         std::to_string(deliveryId), "--json"}))
                                    .out)
                         .extract<Poco::JSON::Object::Ptr>();
        auto log = shown->getArray("attempt_log");
        std::vector<Attempt> result;
        for (std::size_t i = 0; i < log->size(); ++i) {
            auto object = log->getObject(static_cast<unsigned>(i));
            Attempt attempt;
            attempt.statusCode = object->getValue<int>("status_code");
            attempt.outcome = object->getValue<std::string>("outcome");
            attempt.error = object->getValue<std::string>("error");
            attempt.durationMs = object->getValue<std::int64_t>("duration_ms");
            attempt.responseExcerpt = object->getValue<std::string>("response_excerpt");
            result.push_back(std::move(attempt));
        }
        return result;
    }

private:
    TempDir dir_;
    std::vector<std::string> globals_;
    int contacts_ = 0;
};

// The requests the receiver got, grouped by Idempotency-Key.
std::map<std::string, std::vector<RecordedRequest>> byKey(const RecordingServer& receiver) {
    std::map<std::string, std::vector<RecordedRequest>> keys;
    for (const auto& request : receiver.requests())
        keys[request.header("Idempotency-Key").value_or("")].push_back(request);
    return keys;
}

std::set<std::string> externalIds(const RecordingServer& receiver) {
    std::set<std::string> ids;
    for (const auto& request : receiver.requests()) {
        Poco::Net::HTMLForm form;
        form.read(request.body);
        ids.insert(form.get("externalid", ""));
    }
    return ids;
}

std::set<std::string> idsUpTo(int count) {
    std::set<std::string> ids;
    for (int id = 1; id <= count; ++id)
        ids.insert(std::to_string(id));
    return ids;
}

// The `serve` child of this test process started with --port-file <folder>/<name>.port.
pid_t servePid(const TempDir& dir, const std::string& name) {
    std::string needle = dir.file(name + ".port");
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        std::string pid = entry.path().filename().string();
        if (pid.find_first_not_of("0123456789") != std::string::npos)
            continue;
        std::ifstream stat(entry.path() / "stat");
        std::string line;
        std::getline(stat, line);
        auto close = line.rfind(')');
        if (close == std::string::npos)
            continue;
        std::istringstream fields(line.substr(close + 2));
        std::string state;
        pid_t parent = 0;
        fields >> state >> parent;
        if (parent != ::getpid())
            continue;
        std::ifstream cmdline(entry.path() / "cmdline");
        std::string arguments(std::istreambuf_iterator<char>(cmdline), {});
        if (arguments.find(needle) != std::string::npos)
            return static_cast<pid_t>(std::stol(pid));
    }
    return 0;
}

// User plus system CPU time of a process so far, all threads, in seconds.
double cpuSeconds(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    std::istringstream fields(line.substr(line.rfind(')') + 2));
    std::vector<std::string> values{std::istream_iterator<std::string>(fields), {}};
    // Fields 14 (utime) and 15 (stime) of proc(5); values[0] is field 3 (state).
    double ticks = std::stod(values.at(11)) + std::stod(values.at(12));
    return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// The share of one core the process used over the next `window`.
double cpuShare(pid_t pid, std::chrono::milliseconds window) {
    double before = cpuSeconds(pid);
    auto started = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(window);
    double after = cpuSeconds(pid);
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return (after - before) / wall;
}

std::string describe(const std::vector<Attempt>& attempts) {
    std::string text;
    for (const auto& attempt : attempts)
        text += "[" + attempt.outcome + " " + std::to_string(attempt.statusCode) + " " +
                std::to_string(attempt.durationMs) + " ms " + attempt.error + "] ";
    return text;
}

} // namespace

BOOST_AUTO_TEST_SUITE(outbox_faults)

BOOST_AUTO_TEST_CASE(a_receiver_that_was_down_gets_everything_once_it_is_back) {
    constexpr int kCount = 5;
    RefusingPort down;
    Poco::UInt16 port = down.port();
    Outbox outbox(kCount, "http://127.0.0.1:" + std::to_string(port) + "/in");
    ServeProcess sender(outbox.globals(), outbox.dir().path(), "sender");
    // Every delivery fails against the closed port at least once, and stays queued.
    BOOST_REQUIRE(eventually([&] { return outbox.everyAttempted(1); }, 30s));
    BOOST_TEST(outbox.countWithStatus("queued") + outbox.countWithStatus("sending") ==
               std::size_t(kCount));

    down.release();
    RecordingServer receiver(port); // back, where it was
    receiver.setDefaultResponse(ScriptedResponse::ok(R"({"status": "Success"})"));
    BOOST_REQUIRE(receiver.waitForRequests(kCount, 30s));
    BOOST_REQUIRE(eventually([&] { return outbox.allDelivered(); }, 30s));
    BOOST_TEST(sender.stop() == 0);

    // Refused attempts never reached it: one request per contact, each with its own key.
    BOOST_TEST(receiver.requestCount() == std::size_t(kCount));
    BOOST_TEST(byKey(receiver).size() == std::size_t(kCount));
    BOOST_TEST(externalIds(receiver) == idsUpTo(kCount));
    for (const auto& delivery : outbox.deliveries()) {
        auto attempts = outbox.attempts(delivery.id);
        BOOST_REQUIRE_MESSAGE(attempts.size() >= 2u, describe(attempts));
        for (std::size_t i = 0; i + 1 < attempts.size(); ++i) {
            BOOST_TEST(attempts[i].outcome == "retryable", describe(attempts));
            BOOST_TEST(attempts[i].statusCode == 0);
            BOOST_TEST(contains(attempts[i].error, "refused"), describe(attempts));
        }
        BOOST_TEST(attempts.back().outcome == "delivered", describe(attempts));
        BOOST_TEST(attempts.back().statusCode == 200);
    }
}

BOOST_AUTO_TEST_CASE(a_receiver_slower_than_the_response_timeout_is_retried_until_it_answers) {
    constexpr int kCount = 3;
    RecordingServer receiver;
    receiver.setDefaultResponse(ScriptedResponse::ok(R"({"status": "Success"})"));
    for (int i = 0; i < kCount; ++i)
        receiver.script(ScriptedResponse::hangFor(3s)); // far past the 500 ms timeout
    Outbox outbox(kCount, receiver.url("/in"), {{"delivery.timeout.response", "500ms"}});
    ServeProcess sender(outbox.globals(), outbox.dir().path(), "sender");
    BOOST_REQUIRE(receiver.waitForRequests(2 * kCount, 30s));
    BOOST_REQUIRE(eventually([&] { return outbox.allDelivered(); }, 30s));
    BOOST_TEST(sender.stop() == 0);

    // Each contact was sent twice, both times with its delivery's key: the timed-out attempt
    // (which the receiver did get) and the one that was answered.
    auto keys = byKey(receiver);
    BOOST_TEST(keys.size() == std::size_t(kCount));
    for (const auto& [key, requests] : keys)
        BOOST_TEST(requests.size() == 2u, key);
    BOOST_TEST(externalIds(receiver) == idsUpTo(kCount));
    for (const auto& delivery : outbox.deliveries()) {
        auto attempts = outbox.attempts(delivery.id);
        BOOST_REQUIRE_MESSAGE(attempts.size() == 2u, describe(attempts));
        BOOST_TEST(attempts[0].outcome == "retryable", describe(attempts));
        BOOST_TEST(attempts[0].statusCode == 0);
        BOOST_TEST(contains(attempts[0].error, "timed out"), describe(attempts));
        BOOST_TEST(attempts[0].durationMs >= 450, describe(attempts)); // the timeout, not less
        BOOST_TEST(attempts[0].durationMs < 2500, describe(attempts)); // nor the whole hang
        BOOST_TEST(attempts[1].outcome == "delivered", describe(attempts));
    }
}

BOOST_AUTO_TEST_CASE(connections_reset_or_closed_without_an_answer_are_retried) {
    constexpr int kCount = 4;
    RecordingServer receiver;
    receiver.setDefaultResponse(ScriptedResponse::ok(R"({"status": "Success"})"));
    receiver.script(ScriptedResponse::resetConnection());
    receiver.script(ScriptedResponse::closeConnection());
    receiver.script(ScriptedResponse::resetConnection());
    receiver.script(ScriptedResponse::resetConnection());
    Outbox outbox(kCount, receiver.url("/in"));
    ServeProcess sender(outbox.globals(), outbox.dir().path(), "sender");
    BOOST_REQUIRE(receiver.waitForRequests(2 * kCount, 30s));
    BOOST_REQUIRE(eventually([&] { return outbox.allDelivered(); }, 30s));
    BOOST_TEST(sender.stop() == 0);

    BOOST_TEST(byKey(receiver).size() == std::size_t(kCount));
    BOOST_TEST(externalIds(receiver) == idsUpTo(kCount));
    int failed = 0, resets = 0;
    for (const auto& delivery : outbox.deliveries()) {
        auto attempts = outbox.attempts(delivery.id);
        BOOST_REQUIRE_MESSAGE(!attempts.empty(), delivery.id);
        BOOST_TEST(attempts.back().outcome == "delivered", describe(attempts));
        for (std::size_t i = 0; i + 1 < attempts.size(); ++i) {
            BOOST_TEST(attempts[i].outcome == "retryable", describe(attempts));
            BOOST_TEST(attempts[i].statusCode == 0, describe(attempts));
            BOOST_TEST(!attempts[i].error.empty(), describe(attempts));
            resets += contains(attempts[i].error, "reset");
            ++failed;
        }
        BOOST_TEST_MESSAGE("delivery " << delivery.id << ": " << describe(attempts));
    }
    // Each cut connection was a fresh one, so each cost exactly one attempt.
    BOOST_TEST(failed == 4);
    BOOST_TEST(resets == 3); // the RSTs are reported as resets, the closed one otherwise
}

BOOST_AUTO_TEST_CASE(a_storm_of_5xx_answers_ends_in_delivery_once_the_receiver_recovers) {
    constexpr int kCount = 4;
    const std::vector<int> storm{500, 502, 503, 503, 504, 503, 500, 502, 503, 503, 504, 503};
    RecordingServer receiver;
    receiver.setDefaultResponse(ScriptedResponse::ok(R"({"status": "Success"})"));
    for (std::size_t i = 0; i < storm.size(); ++i) {
        auto answer = ScriptedResponse::withStatus(storm[i], "<html>overloaded</html>");
        if (storm[i] == 503 && i % 2 == 0)
            answer.header("Retry-After", "1");
        receiver.script(answer);
    }
    Outbox outbox(kCount, receiver.url("/in"));
    ServeProcess sender(outbox.globals(), outbox.dir().path(), "sender");
    BOOST_REQUIRE(receiver.waitForRequests(storm.size() + kCount, 60s));
    BOOST_REQUIRE(eventually([&] { return outbox.allDelivered(); }, 30s));
    BOOST_TEST(sender.stop() == 0);

    // Nothing beyond the storm and one success per contact; every answer recorded as it was.
    BOOST_TEST(receiver.requestCount() == storm.size() + kCount);
    BOOST_TEST(byKey(receiver).size() == std::size_t(kCount));
    BOOST_TEST(externalIds(receiver) == idsUpTo(kCount));
    std::multiset<int> recorded;
    for (const auto& delivery : outbox.deliveries()) {
        auto attempts = outbox.attempts(delivery.id);
        BOOST_REQUIRE_MESSAGE(!attempts.empty(), delivery.id);
        BOOST_TEST(attempts.back().outcome == "delivered", describe(attempts));
        for (std::size_t i = 0; i + 1 < attempts.size(); ++i) {
            BOOST_TEST(attempts[i].outcome == "retryable", describe(attempts));
            BOOST_TEST(contains(attempts[i].responseExcerpt, "overloaded"), describe(attempts));
            recorded.insert(attempts[i].statusCode);
        }
    }
    BOOST_TEST(recorded == std::multiset<int>(storm.begin(), storm.end()));
}

BOOST_AUTO_TEST_CASE(retry_after_on_429_replaces_the_schedule) {
    RecordingServer receiver;
    receiver.setDefaultResponse(ScriptedResponse::ok(R"({"status": "Success"})"));
    receiver.script(ScriptedResponse::withStatus(429, "slow down").header("Retry-After", "3"));
    receiver.script(ScriptedResponse::withStatus(429, "slow down")); // no header: the schedule
    Outbox outbox(1, receiver.url("/in"));
    ServeProcess sender(outbox.globals(), outbox.dir().path(), "sender");
    BOOST_REQUIRE(receiver.waitForRequests(3, 30s));
    BOOST_REQUIRE(eventually([&] { return outbox.allDelivered(); }, 30s));
    BOOST_TEST(sender.stop() == 0);

    auto requests = receiver.requests();
    BOOST_REQUIRE_EQUAL(requests.size(), 3u);
    auto gap = [&](std::size_t i) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(requests[i].receivedAt -
                                                                     requests[i - 1].receivedAt)
            .count();
    };
    BOOST_TEST_MESSAGE("429 with Retry-After: 3 -> next request after "
                       << gap(1) << " ms; 429 without -> after " << gap(2) << " ms (schedule 1s)");
    BOOST_TEST(gap(1) >= 2950); // not before the Retry-After (the schedule says 1 s)
    BOOST_TEST(gap(1) < 8000);  // and not much later either
    BOOST_TEST(gap(2) >= 950);  // without it, the schedule
    for (const auto& request : requests)
        BOOST_TEST(request.header("Idempotency-Key").value_or("") ==
                   requests.front().header("Idempotency-Key").value_or("-"));
    auto attempts = outbox.attempts(outbox.deliveries().front().id);
    BOOST_REQUIRE_EQUAL(attempts.size(), 3u);
    BOOST_TEST(attempts[0].statusCode == 429);
    BOOST_TEST(attempts[0].outcome == "retryable");
    BOOST_TEST(attempts[1].statusCode == 429);
    BOOST_TEST(attempts[2].outcome == "delivered");
}

BOOST_AUTO_TEST_CASE(serve_sleeps_while_a_failing_destination_has_nothing_due) {
    constexpr int kCount = 20;
    RecordingServer receiver;
    receiver.setDefaultResponse(ScriptedResponse::withStatus(503, "down for maintenance"));
    // After the first failure the next attempt is a minute away: nothing is due meanwhile.
    Outbox outbox(kCount, receiver.url("/in"),
                  {{"delivery.retry.schedule", "1m"},
                   {"delivery.workers", "4"},
                   {"delivery.idle_poll", "500ms"}});
    ServeProcess sender(outbox.globals(), outbox.dir().path(), "sender");
    pid_t pid = servePid(outbox.dir(), "sender");
    BOOST_REQUIRE(pid > 0);
    BOOST_REQUIRE(receiver.waitForRequests(kCount, 30s));
    BOOST_REQUIRE(eventually([&] { return outbox.everyAttempted(1); }, 30s));
    std::this_thread::sleep_for(200ms); // let the workers settle into their sleep
    double share = cpuShare(pid, 3s);
    BOOST_TEST_MESSAGE("serve used " << share * 100 << "% of a core while nothing was due");
    BOOST_TEST(share < 0.05);
    BOOST_TEST(receiver.requestCount() == std::size_t(kCount)); // and sent nothing early
    BOOST_TEST(sender.stop() == 0);
}

BOOST_AUTO_TEST_CASE(serve_sleeps_while_a_paused_destination_waits_for_its_probe) {
    constexpr int kCount = 5;
    RecordingServer receiver;
    receiver.setDefaultResponse(ScriptedResponse::withStatus(503, "down for maintenance"));
    // Failing for a second pauses the destination for a minute; the deliveries' own retries
    // (every 300 ms) come due during the pause, but must wait for the probe.
    Outbox outbox(kCount, receiver.url("/in"),
                  {{"delivery.retry.schedule",
                    "300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms"},
                   {"delivery.idle_poll", "500ms"},
                   {"delivery.pause_after", "1s"},
                   {"delivery.probe_interval", "1m"}});
    ServeProcess sender(outbox.globals(), outbox.dir().path(), "sender");
    pid_t pid = servePid(outbox.dir(), "sender");
    BOOST_REQUIRE(pid > 0);
    BOOST_REQUIRE(eventually(
        [&] {
            auto out =
                expectOk(with(outbox.globals(), {"deliveries", "destinations", "--json"})).out;
            return out.find("\"paused_until\": \"") != std::string::npos;
        },
        30s));
    std::this_thread::sleep_for(500ms); // every queued retry is due by now
    std::size_t requestsWhenPaused = receiver.requestCount();
    double share = cpuShare(pid, 3s);
    BOOST_TEST_MESSAGE("serve used " << share * 100
                                     << "% of a core while its only destination was paused");
    BOOST_TEST(receiver.requestCount() == requestsWhenPaused); // the pause holds
    BOOST_TEST(outbox.countWithStatus("queued") == std::size_t(kCount));
    // Found by this test: nextDueMs counted paused work (and past pauses) as due.
    BOOST_TEST(share < 0.05);
    BOOST_TEST(sender.stop() == 0);
}

BOOST_AUTO_TEST_CASE(serve_sleeps_once_a_paused_destination_has_nothing_left_to_send) {
    constexpr int kCount = 3;
    RecordingServer receiver;
    receiver.setDefaultResponse(ScriptedResponse::withStatus(503, "gone"));
    // Four attempts, a pause after half a second of failures, probes every second: the
    // deliveries die within a few seconds, and the destination stays on record as failing.
    Outbox outbox(kCount, receiver.url("/in"),
                  {{"delivery.retry.schedule", "300ms,300ms,300ms"},
                   {"delivery.idle_poll", "500ms"},
                   {"delivery.pause_after", "500ms"},
                   {"delivery.probe_interval", "1s"}});
    ServeProcess sender(outbox.globals(), outbox.dir().path(), "sender");
    pid_t pid = servePid(outbox.dir(), "sender");
    BOOST_REQUIRE(pid > 0);
    BOOST_REQUIRE(eventually([&] { return outbox.countWithStatus("dead") == kCount; }, 30s));
    // Let the last pause run out: from then on nothing at all is due, ever.
    BOOST_REQUIRE(eventually(
        [&] {
            return expectOk(with(outbox.globals(), {"deliveries", "destinations", "--json"}))
                       .out.find("\"paused_until\": null") != std::string::npos;
        },
        30s));
    std::this_thread::sleep_for(200ms);
    double share = cpuShare(pid, 3s);
    BOOST_TEST_MESSAGE("serve used " << share * 100
                                     << "% of a core with an empty outbox after a pause");
    // Found by this test: nextDueMs counted paused work (and past pauses) as due.
    BOOST_TEST(share < 0.05);
    BOOST_TEST(sender.stop() == 0);
}

BOOST_AUTO_TEST_CASE(retrying_thousands_of_deliveries_keeps_memory_bounded) {
    RecordingServer receiver;
    // A failing receiver with a sizeable error page: only an excerpt of it may be kept.
    receiver.setDefaultResponse(ScriptedResponse::withStatus(503, std::string(16 * 1024, 'x')));
    Outbox outbox(kManyDeliveries, receiver.url("/in"),
                  {{"delivery.retry.schedule", "1s"}, {"delivery.workers", "4"}});
    auto started = std::chrono::steady_clock::now();
    MeasuredResult work =
        runBridgeMeasured(with(outbox.globals(), {"work", "--until-idle"}), outbox.dir().path());
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    BOOST_TEST_MESSAGE("work --until-idle: "
                       << kManyDeliveries << " failing deliveries, " << receiver.requestCount()
                       << " requests in " << seconds << " s, peak RSS "
                       << work.maxRssKilobytes / 1024 << " MB; " << trimmed(work.out));
    BOOST_TEST(work.status == 1, work.err.substr(0, 2000)); // the work ran, none succeeded
    BOOST_TEST(receiver.requestCount() >= std::size_t(kManyDeliveries));
    BOOST_TEST(work.maxRssKilobytes < kRssLimitMegabytes * 1024);

    auto all = outbox.deliveries();
    BOOST_TEST(all.size() == std::size_t(kManyDeliveries));
    BOOST_TEST(std::all_of(all.begin(), all.end(), [](const Delivery& d) {
        return d.attempts >= 1 && (d.status == "queued" || d.status == "dead");
    }));
    auto attempts = outbox.attempts(all.front().id);
    BOOST_REQUIRE(!attempts.empty());
    BOOST_TEST(attempts.front().statusCode == 503);
    BOOST_TEST(attempts.front().responseExcerpt.size() <= 2048u); // bounded, not the whole page
}

BOOST_AUTO_TEST_SUITE_END()
