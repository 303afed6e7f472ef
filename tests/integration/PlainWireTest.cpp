// The plain-http exchange written and read on a socket directly (bridge/send/PlainWire.h),
// against a loopback server that answers with the bytes each case gives: framings, 100
// Continue, keep-alive or not, limits, and what POCO would throw for broken answers.
#include "bridge/send/PlainWire.h"

#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <boost/test/unit_test.hpp>

#include <future>
#include <string>

using namespace dpp::bridge;

namespace {

// Accepts one connection, reads one request (head and Content-Length body), answers with
// `answer` and closes the connection when `close` is set (else waits for the client to).
class OneAnswer {
public:
    OneAnswer(std::string answer, bool close) : server_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
        request_ = std::async(std::launch::async, [this, answer = std::move(answer), close] {
            Poco::Net::StreamSocket peer = server_.acceptConnection();
            std::string got;
            char buffer[4096];
            for (;;) {
                std::size_t head = got.find("\r\n\r\n");
                if (head != std::string::npos) {
                    std::size_t length = 0;
                    std::size_t at = got.find("Content-Length: ");
                    if (at != std::string::npos && at < head)
                        length = std::stoul(got.substr(at + 16));
                    if (got.size() >= head + 4 + length)
                        break;
                }
                int n = peer.receiveBytes(buffer, sizeof(buffer));
                if (n <= 0)
                    break;
                got.append(buffer, static_cast<std::size_t>(n));
            }
            peer.sendBytes(answer.data(), static_cast<int>(answer.size()));
            if (close) {
                peer.shutdownSend();
            } else {
                while (peer.receiveBytes(buffer, sizeof(buffer)) > 0) {
                }
            }
            return got;
        });
        client_.connect(Poco::Net::SocketAddress("127.0.0.1", server_.address().port()));
        client_.setReceiveTimeout(Poco::Timespan(5, 0));
    }
    ~OneAnswer() {
        client_.close();
        if (request_.valid())
            request_.wait();
    }
    Poco::Net::StreamSocket& client() { return client_; }
    std::string request() {
        client_.shutdownSend();
        return request_.get();
    }

private:
    Poco::Net::ServerSocket server_;
    Poco::Net::StreamSocket client_;
    std::future<std::string> request_;
};

wire::Answer exchange(OneAnswer& server, std::size_t limit = 1024) {
    wire::writeRequest(server.client(), "POST", "/in?x=1",
                       {{"Host", "example.com:8080"}, {"Content-Length", "3"}}, "a=b");
    return wire::readAnswer(server.client(), limit);
}

} // namespace

BOOST_AUTO_TEST_SUITE(plain_wire)

BOOST_AUTO_TEST_CASE(the_request_is_written_as_one_message) {
    OneAnswer server("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nSuccess", false);
    wire::Answer answer = exchange(server);
    BOOST_TEST(server.request() ==
               "POST /in?x=1 HTTP/1.1\r\nHost: example.com:8080\r\nContent-Length: 3\r\n\r\na=b");
    BOOST_TEST(answer.status == 200);
    BOOST_TEST(answer.reason == "OK");
    BOOST_TEST(answer.body == "Success");
    BOOST_TEST(answer.readToEnd);
    BOOST_TEST(answer.keepAlive);
}

BOOST_AUTO_TEST_CASE(chunked_bodies_with_extensions_and_trailers_are_read_whole) {
    OneAnswer server("HTTP/1.1 201 Created\r\ntransfer-encoding: Chunked\r\nRetry-After: 3\r\n\r\n"
                     "4;note=x\r\nSucc\r\n3\r\ness\r\n0\r\nTrailer: t\r\n\r\n",
                     false);
    wire::Answer answer = exchange(server);
    BOOST_TEST(answer.status == 201);
    BOOST_TEST(answer.body == "Success");
    BOOST_TEST(answer.readToEnd);
    BOOST_TEST(answer.keepAlive);
    BOOST_TEST(answer.header("retry-after").value_or("") == "3");
}

BOOST_AUTO_TEST_CASE(a_continue_is_skipped_and_the_final_answer_read) {
    OneAnswer server("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Busy Now\r\nContent-Length: 4\r\n"
                     "Connection: close\r\n\r\nbusy",
                     true);
    wire::Answer answer = exchange(server);
    BOOST_TEST(answer.status == 503);
    BOOST_TEST(answer.reason == "Busy Now");
    BOOST_TEST(answer.body == "busy");
    BOOST_TEST(!answer.keepAlive);
}

BOOST_AUTO_TEST_CASE(a_body_without_a_length_ends_with_the_connection) {
    OneAnswer server("HTTP/1.1 200 OK\r\n\r\nall of it", true);
    wire::Answer answer = exchange(server);
    BOOST_TEST(answer.body == "all of it");
    BOOST_TEST(answer.readToEnd);
    BOOST_TEST(!answer.keepAlive); // it carries nothing more
}

BOOST_AUTO_TEST_CASE(http_1_0_closes_unless_it_says_keep_alive) {
    {
        OneAnswer server("HTTP/1.0 204 No Content\r\n\r\n", true);
        wire::Answer answer = exchange(server);
        BOOST_TEST(answer.status == 204);
        BOOST_TEST(!answer.keepAlive);
    }
    OneAnswer server("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n",
                     false);
    BOOST_TEST(exchange(server).keepAlive);
}

BOOST_AUTO_TEST_CASE(a_body_over_the_limit_is_cut_and_the_connection_not_reused) {
    OneAnswer server("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", false);
    wire::Answer answer = exchange(server, 4);
    BOOST_TEST(answer.body == "0123");
    BOOST_TEST(!answer.readToEnd);
}

BOOST_AUTO_TEST_CASE(broken_answers_throw_as_poco_would) {
    {
        OneAnswer server("", true);
        BOOST_CHECK_THROW(exchange(server), Poco::Net::NoMessageException);
    }
    {
        OneAnswer server("SMTP ready\r\n\r\n", true);
        BOOST_CHECK_THROW(exchange(server), Poco::Net::MessageException);
    }
    {
        OneAnswer server("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", true);
        BOOST_CHECK_THROW(exchange(server), Poco::Net::MessageException);
    }
    {
        OneAnswer server("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", true);
        BOOST_CHECK_THROW(exchange(server), Poco::Net::MessageException);
    }
    OneAnswer server("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", true);
    BOOST_CHECK_THROW(exchange(server), Poco::Net::MessageException);
}

BOOST_AUTO_TEST_SUITE_END()
