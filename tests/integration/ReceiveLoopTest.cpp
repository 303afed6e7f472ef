// The receive loop of `serve` (bridge/http/ReceiveLoop.h): posts to data sources served many
// connections per thread. It answers byte for byte as POCO's connection threads do, keeps
// pipelined answers in order, waits briefly for a request sent in parts, hands every other
// request (and slow senders) over to the threads untouched, serves more kept-alive
// connections than server.threads, and closes idle ones. A real BridgeServer on a loopback
// port, real sockets, a real SQLite file.
#include "bridge/http/BridgeServer.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/DataSourceStore.h"
#include "support/TempDir.h"

#include <Poco/Net/StreamSocket.h>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <thread>

using namespace dpp::bridge;
using dpp::testing::TempDir;
using namespace std::chrono_literals;

namespace {

struct Instance {
    TempDir dir;
    Config config;
    std::unique_ptr<Database> database;
    std::unique_ptr<BridgeServer> server;
    DataSource source;

    explicit Instance(std::size_t receiveLoops) {
        config.receiveLoops = receiveLoops;
        config.maxKeys = 5;
        database = std::make_unique<Database>(dir.storeUri());
        database->migrate();
        ContactStore(*database).addAccount(2002, "Destination");
        DedupeSettings byEmail{dpp::mapping::parseDedupeRules("email"), DuplicateAction::Reject};
        source = DataSourceStore(*database).add(2002, "Loop", std::nullopt, byEmail,
                                                "https://partner.example/thanks");
    }
    ~Instance() {
        if (server)
            server->stop();
    }
    void start() {
        server = std::make_unique<BridgeServer>(config, *database, "127.0.0.1:0");
        server->start();
    }
    Poco::Net::StreamSocket connect() {
        Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", server->port()));
        socket.setReceiveTimeout(Poco::Timespan(10, 0));
        return socket;
    }
    std::int64_t stored() { return ContactStore(*database).countContacts(2002); }
};

void send(Poco::Net::StreamSocket& socket, const std::string& bytes) {
    socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
}

std::string formPost(const std::string& path, const std::string& body,
                     const std::string& headers = "") {
    return "POST " + path + " HTTP/1.1\r\nHost: test\r\n" + headers +
           "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Reads one whole answer (head and Content-Length body) from socket; bytes read beyond it stay
// in pending for the next call. Empty when the connection closes first.
std::string readAnswer(Poco::Net::StreamSocket& socket, std::string& pending) {
    char buffer[4096];
    for (;;) {
        std::size_t headEnd = pending.find("\r\n\r\n");
        if (headEnd != std::string::npos) {
            std::size_t length = 0;
            std::size_t at = pending.find("Content-Length: ");
            if (at != std::string::npos && at < headEnd)
                length = std::stoul(pending.substr(at + 16));
            if (pending.size() >= headEnd + 4 + length) {
                std::string answer = pending.substr(0, headEnd + 4 + length);
                pending.erase(0, answer.size());
                return answer;
            }
        }
        int got = 0;
        try {
            got = socket.receiveBytes(buffer, sizeof(buffer));
        } catch (const Poco::Exception&) {
            got = 0;
        }
        if (got <= 0)
            return "";
        pending.append(buffer, static_cast<std::size_t>(got));
    }
}

std::string readAnswer(Poco::Net::StreamSocket& socket) {
    std::string pending;
    return readAnswer(socket, pending);
}

// Whether the server has closed socket (reads nothing more within 5 s).
bool closedByServer(Poco::Net::StreamSocket& socket) {
    socket.setReceiveTimeout(Poco::Timespan(5, 0));
    char byte;
    try {
        return socket.receiveBytes(&byte, 1) == 0;
    } catch (const Poco::Exception&) {
        return true; // reset
    }
}

std::string withoutDate(std::string answer) {
    std::size_t at = answer.find("\r\nDate: ");
    if (at != std::string::npos)
        answer.erase(at, answer.find("\r\n", at + 2) - at);
    return answer;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(receive_loop)

BOOST_AUTO_TEST_CASE(the_loop_answers_byte_for_byte_as_the_connection_threads) {
    Instance looped(1), threaded(0);
    looped.start();
    threaded.start();
    // The same path in both: the data sources' tokens differ, so each gets its own.
    auto requests = [](const DataSource& source) {
        std::string path = source.postingPath();
        std::string unknown = "/post/" + std::string(40, 'a') + "/";
        return std::vector<std::string>{
            formPost(path, "firstname=Ann&lastname=Lee&color=red", "Idempotency-Key: k1\r\n"),
            formPost(path, "firstname=Ann&lastname=Lee&color=red", "Idempotency-Key: k1\r\n"),
            formPost(path, "firstname=Bo", "webhook-id: w1\r\nConnection: keep-alive\r\n"),
            "POST " + path + " HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: " +
                "22\r\n\r\n{\"firstname\": \"Json\"}\n",
            "GET " + path.substr(0, path.size() - 1) + "?firstname=Query&x=1 HTTP/1.1\r\n\r\n",
            formPost(unknown, "firstname=Nobody"),
            formPost(path, "firstname=%zz"),
            formPost(path, "a=1&b=2&c=3&d=4&e=5&f=6"),
            formPost(path, ""),
            "POST " + path +
                " HTTP/1.1\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc",
            formPost(path, "firstname=Key", "Idempotency-Key: " + std::string(201, 'k') + "\r\n"),
            formPost(path, "firstname=Dup&email=dup%40example.com"),
            formPost(path, "firstname=Dup2&email=DUP%40example.com"),           // 409
            formPost(path, "firstname=Web", "Accept: text/html,*/*;q=0.8\r\n"), // 303
            formPost(path, "firstname=Closing", "Connection: close\r\n"),
        };
    };
    std::vector<std::string> fromLoop = requests(looped.source);
    std::vector<std::string> fromThreads = requests(threaded.source);
    for (std::size_t i = 0; i < fromLoop.size(); ++i) {
        Poco::Net::StreamSocket toLoop = looped.connect();
        Poco::Net::StreamSocket toThreads = threaded.connect();
        send(toLoop, fromLoop[i]);
        send(toThreads, fromThreads[i]);
        std::string loopAnswer = withoutDate(readAnswer(toLoop));
        std::string threadAnswer = withoutDate(readAnswer(toThreads));
        BOOST_TEST(!loopAnswer.empty(), "request " << i);
        BOOST_TEST(loopAnswer == threadAnswer, "request " << i);
    }
    BOOST_TEST(looped.stored() == threaded.stored());
    BOOST_TEST(looped.stored() == 7); // k1 once, Bo, Json, Query, Dup, Web, Closing
}

BOOST_AUTO_TEST_CASE(posts_beyond_the_rate_are_429_and_close_as_with_threads) {
    Instance looped(1);
    looped.config.postsPerSecond = 2;
    looped.start();
    Poco::Net::StreamSocket socket = looped.connect();
    std::string pending;
    for (int i = 0; i < 2; ++i) {
        send(socket, formPost(looped.source.postingPath(), "firstname=R" + std::to_string(i)));
        BOOST_TEST(contains(readAnswer(socket, pending), "HTTP/1.1 200 OK"));
    }
    send(socket, formPost(looped.source.postingPath(), "firstname=Third"));
    std::string refused = readAnswer(socket, pending);
    BOOST_TEST(contains(refused, "HTTP/1.1 429 Too Many Requests\r\n"), refused);
    BOOST_TEST(contains(refused, "\r\nConnection: Close\r\nRetry-After: 1\r\n"), refused);
    BOOST_TEST(closedByServer(socket));
    BOOST_TEST(looped.stored() == 2);
}

BOOST_AUTO_TEST_CASE(pipelined_posts_are_each_stored_once_and_answered_in_order) {
    Instance looped(1);
    looped.start();
    Poco::Net::StreamSocket socket = looped.connect();
    std::string burst;
    for (int i = 0; i < 20; ++i)
        burst += formPost(looped.source.postingPath(), "firstname=P" + std::to_string(i),
                          "Idempotency-Key: p" + std::to_string(i) + "\r\n");
    send(socket, burst);
    std::string pending;
    for (int i = 0; i < 20; ++i) {
        std::string answer = readAnswer(socket, pending);
        BOOST_TEST(contains(answer, "\"contact_id\": " + std::to_string(i + 1) + ","), answer);
    }
    BOOST_TEST(looped.stored() == 20);
}

BOOST_AUTO_TEST_CASE(a_request_sent_in_parts_is_answered_whether_the_rest_comes_soon_or_late) {
    Instance looped(1);
    looped.start();
    std::string request = formPost(looped.source.postingPath(), "firstname=Parts&lastname=Two");
    std::size_t split = request.find("\r\n\r\n") + 4;
    for (auto pause : {5ms, 300ms}) { // within the loop's wait, and past it (a thread serves)
        Poco::Net::StreamSocket socket = looped.connect();
        send(socket, request.substr(0, split));
        std::this_thread::sleep_for(pause); // the gap between a client's two writes
        send(socket, request.substr(split));
        std::string answer = readAnswer(socket);
        BOOST_TEST(contains(answer, "HTTP/1.1 200 OK"), answer);
        // The connection goes on serving posts after it.
        send(socket, formPost(looped.source.postingPath(), "firstname=After"));
        BOOST_TEST(contains(readAnswer(socket), "HTTP/1.1 200 OK"));
    }
    BOOST_TEST(looped.stored() == 4);
}

BOOST_AUTO_TEST_CASE(other_requests_are_handed_over_after_the_answers_owed) {
    Instance looped(1);
    looped.start();
    Poco::Net::StreamSocket socket = looped.connect();
    // A post and a health check in one write: the post is answered by the loop, then the
    // connection goes to a thread, which answers the health check and the post after it.
    send(socket, formPost(looped.source.postingPath(), "firstname=First") +
                     "GET /health HTTP/1.1\r\nHost: test\r\n\r\n");
    std::string pending;
    BOOST_TEST(contains(readAnswer(socket, pending), "\"contact_id\": 1,"));
    BOOST_TEST(contains(readAnswer(socket, pending), "{\"status\": \"ok\"}"));
    send(socket, formPost(looped.source.postingPath(), "firstname=Second"));
    BOOST_TEST(contains(readAnswer(socket, pending), "\"contact_id\": 2,"));
    // Chunked bodies are the threads' too.
    Poco::Net::StreamSocket chunked = looped.connect();
    send(chunked, "POST " + looped.source.postingPath() +
                      " HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                      "Transfer-Encoding: chunked\r\n\r\nd\r\nfirstname=Chu\r\n0\r\n\r\n");
    BOOST_TEST(contains(readAnswer(chunked), "\"contact_id\": 3,"));
    BOOST_TEST(looped.stored() == 3);
}

BOOST_AUTO_TEST_CASE(more_kept_alive_connections_than_server_threads_are_all_served) {
    Instance looped(1);
    looped.config.serverThreads = 2;
    looped.start();
    std::vector<Poco::Net::StreamSocket> sockets;
    for (int i = 0; i < 40; ++i)
        sockets.push_back(looped.connect());
    for (int round = 0; round < 2; ++round) {
        for (std::size_t i = 0; i < sockets.size(); ++i)
            send(sockets[i],
                 formPost(looped.source.postingPath(),
                          "firstname=C" + std::to_string(i) + "r" + std::to_string(round)));
        for (auto& socket : sockets)
            BOOST_TEST(contains(readAnswer(socket), "HTTP/1.1 200 OK\r\n"));
    }
    BOOST_TEST(looped.stored() == 80);
}

BOOST_AUTO_TEST_CASE(an_idle_connection_of_the_loop_is_closed_after_the_idle_timeout) {
    Instance looped(1);
    looped.config.idleTimeout = 300ms;
    looped.start();
    Poco::Net::StreamSocket socket = looped.connect();
    send(socket, formPost(looped.source.postingPath(), "firstname=Idle"));
    BOOST_TEST(contains(readAnswer(socket), "HTTP/1.1 200 OK"));
    auto started = std::chrono::steady_clock::now();
    BOOST_TEST(closedByServer(socket));
    bool soon = std::chrono::steady_clock::now() - started < 4s;
    BOOST_TEST(soon);
}

BOOST_AUTO_TEST_CASE(a_client_that_shuts_its_side_after_posting_gets_its_answers_and_the_end) {
    Instance looped(1);
    looped.start();
    Poco::Net::StreamSocket socket = looped.connect();
    send(socket, formPost(looped.source.postingPath(), "firstname=One") +
                     formPost(looped.source.postingPath(), "firstname=Two"));
    socket.shutdownSend();
    std::string pending;
    BOOST_TEST(contains(readAnswer(socket, pending), "\"contact_id\": 1,"));
    BOOST_TEST(contains(readAnswer(socket, pending), "\"contact_id\": 2,"));
    auto started = std::chrono::steady_clock::now();
    BOOST_TEST(closedByServer(socket));
    bool soon = std::chrono::steady_clock::now() - started < 2s; // not the 15 s idle timeout
    BOOST_TEST(soon);
}

BOOST_AUTO_TEST_CASE(several_loops_share_the_connections) {
    Instance looped(3);
    looped.start();
    std::vector<Poco::Net::StreamSocket> sockets;
    for (int i = 0; i < 9; ++i)
        sockets.push_back(looped.connect());
    for (std::size_t i = 0; i < sockets.size(); ++i)
        send(sockets[i], formPost(looped.source.postingPath(), "firstname=S" + std::to_string(i)));
    for (auto& socket : sockets)
        BOOST_TEST(contains(readAnswer(socket), "HTTP/1.1 200 OK\r\n"));
    BOOST_TEST(looped.stored() == 9);
}

BOOST_AUTO_TEST_SUITE_END()
