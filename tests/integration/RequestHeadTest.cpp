// The receive loops' request-head reader (bridge/http/RequestHead.h): the plain shape of a
// post is read with its headers; a head not yet whole is Incomplete; every shape the loops
// leave to POCO's threads is Unusual. (tests/fuzz/fuzz_request_head.cpp compares it with
// POCO's reader on any bytes.)
#include "bridge/http/RequestHead.h"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace dpp::bridge;
using Outcome = RequestHead::Outcome;

namespace {

Outcome parse(const std::string& bytes) {
    RequestHead head;
    return parseRequestHead(bytes, head);
}

} // namespace

BOOST_AUTO_TEST_SUITE(request_head)

BOOST_AUTO_TEST_CASE(a_plain_post_is_read_with_the_headers_a_data_source_uses) {
    std::string bytes = "POST /post/abc/?x=1 HTTP/1.1\r\nHost: h\r\ncontent-TYPE:  "
                        "application/json \r\nIdempotency-Key: k-1\r\nwebhook-id: w\r\n"
                        "X-Dppbridge-Hops: 1001:5\r\nX-Dppbridge-Change: 42\r\n"
                        "Accept: text/html\r\nContent-Length: 11\r\n"
                        "Connection: Close\r\n\r\n{\"a\": \"b\"}\nNEXT";
    RequestHead head;
    BOOST_TEST(static_cast<int>(parseRequestHead(bytes, head)) == static_cast<int>(Outcome::Plain));
    BOOST_TEST(head.method == "POST");
    BOOST_TEST(head.target == "/post/abc/?x=1");
    BOOST_TEST(head.contentType == "application/json");
    BOOST_TEST(head.idempotencyKey == "k-1");
    BOOST_TEST(head.webhookId == "w");
    BOOST_TEST(head.hops == "1001:5");
    BOOST_TEST(head.change == "42");
    BOOST_TEST(head.accept == "text/html");
    BOOST_TEST(head.contentLength == 11u);
    BOOST_TEST(head.close);
    BOOST_TEST(bytes.substr(head.headLength, 11) == "{\"a\": \"b\"}\n");
}

BOOST_AUTO_TEST_CASE(a_head_without_its_blank_line_is_incomplete_until_past_the_bound) {
    BOOST_TEST(static_cast<int>(parse("POST /post/a HTTP/1.1\r\nContent-Length: 3\r\n")) ==
               static_cast<int>(Outcome::Incomplete));
    BOOST_TEST(static_cast<int>(parse("")) == static_cast<int>(Outcome::Incomplete));
    std::string huge = "GET /" + std::string(RequestHead::kMostHeadBytes, 'a');
    BOOST_TEST(static_cast<int>(parse(huge)) == static_cast<int>(Outcome::Unusual));
}

BOOST_AUTO_TEST_CASE(shapes_left_to_the_threads_are_unusual) {
    const char* unusual[] = {
        "POST /a HTTP/1.0\r\n\r\n",
        "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST /a HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n",
        "GET /a HTTP/1.1\r\nUpgrade: websocket\r\n\r\n",
        "GET /a HTTP/1.1\r\nConnection: Upgrade\r\n\r\n",
        "POST /a HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
        "POST /a HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
        "POST /a HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n",
        "POST /a HTTP/1.1\r\nIdempotency-Key: a\r\nIdempotency-Key: b\r\n\r\n",
        "POST /a HTTP/1.1\r\nX: folded\r\n  more\r\n\r\n",
        "POST /a HTTP/1.1\r\nBad Name: x\r\n\r\n",
        "POST /a HTTP/1.1\r\nX: a\nY: b\r\n\r\n",
        "POST /a HTTP/1.1\r\nIdempotency-Key: =?UTF-8?Q?k?=\r\n\r\n",
        "POST /a HTTP/1.1\r\nIdempotency-Key: a\x0b\r\n\r\n",
        "post /a HTTP/1.1\r\n\r\n",
        "POST a HTTP/1.1\r\n\r\n",
        "POST /a b HTTP/1.1\r\n\r\n",
        "POST  /a HTTP/1.1\r\n\r\n",
        "\r\nPOST /a HTTP/1.1\r\n\r\n",
    };
    for (const char* bytes : unusual)
        BOOST_TEST(static_cast<int>(parse(bytes)) == static_cast<int>(Outcome::Unusual), bytes);
    std::string manyHeaders = "GET /a HTTP/1.1\r\n";
    for (std::size_t i = 0; i <= RequestHead::kMostHeaders; ++i)
        manyHeaders += "X" + std::to_string(i) + ": y\r\n";
    BOOST_TEST(static_cast<int>(parse(manyHeaders + "\r\n")) == static_cast<int>(Outcome::Unusual));
}

BOOST_AUTO_TEST_SUITE_END()
