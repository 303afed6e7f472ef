// The bounds of `serve` (issue 7, "Limits"): keys, key and value length, JSON depth, posts per
// second per data source, bodies shorter than announced, idle and slow connections. Each past
// its bound gets a 4xx with a message (or a closed connection) and stores nothing, and other
// clients are served meanwhile. A real BridgeServer on a kernel-chosen loopback port, real
// sockets.
#include "bridge/http/BridgeServer.h"
#include "bridge/receive/PostRateLimiter.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/DataSourceStore.h"
#include "support/BridgeCommands.h"
#include "support/PostClient.h"
#include "support/TempDir.h"

#include <Poco/Net/StreamSocket.h>

#include <boost/test/unit_test.hpp>

#include <chrono>

using namespace dpp::bridge;
using dpp::testing::Answer;
using dpp::testing::sendRequest;
using dpp::testing::TempDir;
using namespace std::chrono_literals;

namespace {

struct LimitsFixture {
    TempDir dir;
    Config config;
    std::unique_ptr<Database> database;
    std::unique_ptr<BridgeServer> server;
    DataSource source;
    DataSource other;

    LimitsFixture() {
        config.maxKeys = 5;
        config.maxKeyBytes = 16;
        config.maxValueBytes = 64;
        config.maxJsonDepth = 3;
        database = std::make_unique<Database>(dir.storeUri());
        database->migrate();
        ContactStore(*database).addAccount(2002, "Destination");
        source = DataSourceStore(*database).add(2002, "Limited", std::nullopt);
        other = DataSourceStore(*database).add(2002, "Other", std::nullopt);
    }
    ~LimitsFixture() {
        if (server)
            server->stop();
    }
    void start() {
        server = std::make_unique<BridgeServer>(config, *database, "127.0.0.1:0");
        server->start();
    }

    Answer post(const DataSource& to, const std::string& body,
                const std::string& contentType = "application/x-www-form-urlencoded") {
        return sendRequest(server->port(), "POST", to.postingPath(), body, contentType);
    }
    std::int64_t stored() { return ContactStore(*database).countContacts(2002); }

    Poco::Net::StreamSocket connect() {
        Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", server->port()));
        socket.setReceiveTimeout(Poco::Timespan(10, 0));
        return socket;
    }
};

// Everything the server writes until it closes the connection (or 10 s pass).
std::string readUntilClosed(Poco::Net::StreamSocket& socket) {
    std::string text;
    char buffer[4096];
    try {
        for (;;) {
            int got = socket.receiveBytes(buffer, sizeof(buffer));
            if (got <= 0)
                break;
            text.append(buffer, static_cast<std::size_t>(got));
        }
    } catch (const Poco::Exception&) {
        // reset by the server after its answer: what was read is the answer
    }
    return text;
}

double secondsSince(std::chrono::steady_clock::time_point started) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

// GET /health on a kept-alive session: its status, and whether the answer keeps it alive.
std::pair<int, bool> askHealth(Poco::Net::HTTPClientSession& session) {
    session.setKeepAlive(true);
    Poco::Net::HTTPRequest request("GET", "/health", Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(true);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::string ignored;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), ignored);
    return {response.getStatus(), response.getKeepAlive()};
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(receive_limits, LimitsFixture)

BOOST_AUTO_TEST_CASE(too_many_keys_too_long_keys_and_values_are_413_naming_the_bound) {
    start();
    Answer keys = post(source, "a=1&b=2&c=3&d=4&e=5&f=6");
    BOOST_TEST(keys.status == 413);
    BOOST_TEST(contains(keys.body, "6 keys"), keys.body);
    BOOST_TEST(contains(keys.body, "server.max_keys"), keys.body);
    Answer key = post(source, "firstname=A&averyveryverylongkeyname=1");
    BOOST_TEST(key.status == 413);
    BOOST_TEST(contains(key.body, "averyveryverylongkeyname"), key.body);
    BOOST_TEST(contains(key.body, "server.max_key_bytes"), key.body);
    Answer value = post(source, "firstname=" + std::string(65, 'x'));
    BOOST_TEST(value.status == 413);
    BOOST_TEST(contains(value.body, "'firstname'"), value.body);
    BOOST_TEST(contains(value.body, "server.max_value_bytes"), value.body);
    Answer query = post(source, "");
    BOOST_TEST(query.status == 400); // nothing at all
    BOOST_TEST(stored() == 0);
    // At the bounds exactly: taken.
    BOOST_TEST(post(source, "firstname=" + std::string(64, 'x') + "&b=2&c=3&d=4&e=5").status ==
               200);
    BOOST_TEST(stored() == 1);
}

BOOST_AUTO_TEST_CASE(json_nested_past_the_depth_bound_is_400) {
    start();
    Answer deep =
        post(source, R"({"firstname": "A", "x": {"y": {"z": {"w": 1}}}})", "application/json");
    BOOST_TEST(deep.status == 400);
    BOOST_TEST(contains(deep.body, "deeper than the limit of 3"), deep.body);
    // Thousands of levels: refused the same way, no stack exhaustion.
    Answer abyss = post(source, "{\"x\": " + std::string(100000, '[') + "]}", "application/json");
    BOOST_TEST(abyss.status == 400);
    BOOST_TEST(contains(abyss.body, "deeper than the limit of 3"), abyss.body);
    BOOST_TEST(stored() == 0);
    Answer shallow =
        post(source, R"({"firstname": "A", "x": {"y": {"z": 1}}})", "application/json");
    BOOST_TEST(shallow.status == 200, shallow.body);
}

BOOST_AUTO_TEST_CASE(posts_beyond_the_rate_are_429_and_other_sources_go_on) {
    config.postsPerSecond = 3;
    start();
    int taken = 0;
    Answer refused;
    for (int i = 0; i < 20 && refused.status == 0; ++i) {
        Answer answer = post(source, "firstname=Flood" + std::to_string(i));
        if (answer.status == 200)
            ++taken;
        else
            refused = answer;
    }
    BOOST_TEST(taken >= 3);
    BOOST_TEST(taken < 20);
    BOOST_TEST(refused.status == 429);
    BOOST_TEST(refused.headers["Retry-After"] == "1");
    BOOST_TEST(contains(refused.body, "server.posts_per_second"), refused.body);
    // The other data source has its own allowance.
    BOOST_TEST(post(other, "firstname=Other").status == 200);
    // The allowance comes back with time (a third of a second per post at 3/s).
    auto until = std::chrono::steady_clock::now() + 5s;
    int status = 0;
    while (status != 200 && std::chrono::steady_clock::now() < until)
        status = post(source, "firstname=Later").status;
    BOOST_TEST(status == 200);
}

BOOST_AUTO_TEST_CASE(the_rate_limiter_refills_one_second_of_posts_and_reports_refusals_sparingly) {
    PostRateLimiter limiter(2);
    BOOST_TEST(limiter.admit(7, 1000).admitted);
    BOOST_TEST(limiter.admit(7, 1000).admitted);
    PostRateLimiter::Admission refused = limiter.admit(7, 1000);
    BOOST_TEST(!refused.admitted);
    BOOST_TEST(refused.refusedToReport == 1u);
    BOOST_TEST(limiter.admit(7, 1100).refusedToReport == 0u); // refused, reported later
    BOOST_TEST(limiter.admit(8, 1100).admitted);              // another source
    BOOST_TEST(limiter.admit(7, 1600).admitted);              // half a second: one post back
    BOOST_TEST(!limiter.admit(7, 1600).admitted);
    BOOST_TEST(limiter.admit(7, 2000).admitted);              // 0.2 left + 0.8 back
    BOOST_TEST(limiter.admit(7, 2000).refusedToReport == 3u); // a second after the report
    BOOST_TEST(PostRateLimiter(0).admit(7, 0).admitted);      // 0: no bound
}

BOOST_AUTO_TEST_CASE(a_body_shorter_than_its_content_length_is_400_and_stores_nothing) {
    config.readTimeout = 5s;
    start();
    Poco::Net::StreamSocket socket = connect();
    std::string request = "POST " + source.postingPath() +
                          " HTTP/1.1\r\nHost: x\r\nContent-Type: "
                          "application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"
                          "firstname=Cut";
    socket.sendBytes(request.data(), static_cast<int>(request.size()));
    socket.shutdownSend();
    std::string answer = readUntilClosed(socket);
    BOOST_TEST(contains(answer, "400"), answer);
    BOOST_TEST(contains(answer, "13 of the 100 bytes"), answer);
    BOOST_TEST(stored() == 0);
}

BOOST_AUTO_TEST_CASE(a_trickling_client_is_answered_408_and_closed_while_others_are_served) {
    config.requestDeadline = 1s;
    config.readTimeout = 5s; // each byte arrives well within it: only the deadline can help
    config.serverThreads = 4;
    start();
    std::vector<Poco::Net::StreamSocket> slow;
    std::string head = "POST " + source.postingPath() +
                       " HTTP/1.1\r\nHost: x\r\nContent-Type: "
                       "application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n";
    for (int i = 0; i < 2; ++i) {
        slow.push_back(connect());
        slow.back().sendBytes(head.data(), static_cast<int>(head.size()));
    }
    // A header trickler too: never finishes its headers.
    slow.push_back(connect());
    slow.back().sendBytes("GET /health HTTP/1.1\r\nX-Slow: ", 30);

    auto started = std::chrono::steady_clock::now();
    Answer meanwhile = post(other, "firstname=Meanwhile");
    BOOST_TEST(meanwhile.status == 200);
    BOOST_TEST(secondsSince(started) < 1.0); // not held up by the slow ones

    // Trickle a byte every 100 ms: the server must close each within about its deadline.
    std::vector<bool> closed(slow.size(), false);
    std::vector<std::string> answers(slow.size());
    auto until = std::chrono::steady_clock::now() + 8s;
    while (std::chrono::steady_clock::now() < until &&
           std::find(closed.begin(), closed.end(), false) != closed.end()) {
        for (std::size_t i = 0; i < slow.size(); ++i) {
            if (closed[i])
                continue;
            try {
                slow[i].sendBytes("x", 1);
                if (slow[i].poll(Poco::Timespan(0, 30000), Poco::Net::Socket::SELECT_READ)) {
                    answers[i] = readUntilClosed(slow[i]);
                    closed[i] = true;
                }
            } catch (const Poco::Exception&) {
                closed[i] = true; // the server shut it: writing failed
            }
        }
    }
    double took = secondsSince(started);
    for (std::size_t i = 0; i < slow.size(); ++i) {
        BOOST_TEST_CONTEXT("slow client " << i << " answered " << answers[i]) {
            BOOST_TEST(closed[i]);
            BOOST_TEST((answers[i].empty() || contains(answers[i], "408")));
        }
    }
    BOOST_TEST(took < 5.0);
    BOOST_TEST(stored() == 1); // only the client that was not slow
}

BOOST_AUTO_TEST_CASE(an_idle_connection_is_closed_after_its_timeout) {
    config.readTimeout = 300ms;
    config.idleTimeout = 300ms;
    start();
    Poco::Net::StreamSocket silent = connect();
    auto started = std::chrono::steady_clock::now();
    readUntilClosed(silent); // returns when the server closes it
    BOOST_TEST(secondsSince(started) < 5.0);

    // A kept-alive connection that goes quiet after one request is closed too.
    Poco::Net::HTTPClientSession session("127.0.0.1", server->port());
    BOOST_TEST(askHealth(session).first == 200);
    Poco::Net::StreamSocket& kept = session.socket();
    started = std::chrono::steady_clock::now();
    kept.setReceiveTimeout(Poco::Timespan(10, 0));
    readUntilClosed(kept);
    BOOST_TEST(secondsSince(started) < 5.0);
}

// More kept-alive clients than server threads: the ones waiting are served within about a
// second, not after another client's idle timeout.
BOOST_FIXTURE_TEST_CASE(idle_kept_alive_connections_give_their_threads_to_waiting_ones,
                        LimitsFixture) {
    config.serverThreads = 2;
    config.idleTimeout = 60s;
    start();
    std::vector<std::unique_ptr<Poco::Net::HTTPClientSession>> idle;
    for (int i = 0; i < 2; ++i) {
        idle.push_back(std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", server->port()));
        BOOST_TEST(askHealth(*idle.back()).second);
    }
    auto started = std::chrono::steady_clock::now();
    BOOST_TEST(post(source, "firstname=Third&lastname=Client").status == 200);
    BOOST_TEST(secondsSince(started) < 5.0);
    BOOST_TEST(stored() == 1);
}

BOOST_FIXTURE_TEST_CASE(a_busy_kept_alive_connection_closes_after_its_answer_while_others_wait,
                        LimitsFixture) {
    config.serverThreads = 1;
    config.idleTimeout = 60s;
    start();
    Poco::Net::HTTPClientSession busy("127.0.0.1", server->port());
    BOOST_TEST(askHealth(busy).second); // nobody waits: kept alive
    // A second client connects and waits for the only thread (posts to data sources would
    // be served by a receive loop; /health goes to a thread).
    Poco::Net::StreamSocket waiting = connect();
    std::string request = "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    waiting.sendBytes(request.data(), static_cast<int>(request.size()));
    BOOST_REQUIRE(dpp::testing::eventually([&] { return server->queuedConnections() == 1; }, 5s));
    BOOST_TEST(!askHealth(busy).second); // answered with Connection: close
    std::string answer = readUntilClosed(waiting);
    BOOST_TEST(contains(answer, "HTTP/1.1 200"), answer);
}

BOOST_AUTO_TEST_SUITE_END()
