// Fuzzes the request-head reader of the receive loops (bridge/http/RequestHead.h) against
// POCO's own (Poco::Net::HTTPRequest::read, what the connection threads use): whatever the
// loops would serve themselves must read the same through POCO, or a post would be taken
// differently depending on which thread served it.
// Input: any bytes, read as the start of what a connection sent.
//
// Properties, when the head is Plain:
//   - it ends with the first CRLF CRLF, within the bound; the views lie inside the input;
//   - POCO reads the same method, target, Content-Length, Content-Type, Idempotency-Key,
//     webhook-id, X-Dppbridge-Hops, X-Dppbridge-Change, Accept and keep-alive from it, without an
//     exception;
//   - bytes after the head change nothing; any shorter prefix is Incomplete.
// When Incomplete: no CRLF CRLF yet and within the bound.
#include "FuzzSupport.h"

#include "bridge/http/RequestHead.h"

#include <Poco/Net/HTTPRequest.h>

#include <sstream>

using namespace dpp;
using bridge::parseRequestHead;
using bridge::RequestHead;

namespace {

bool inside(std::string_view part, std::string_view whole) {
    return part.empty() || (part.data() >= whole.data() &&
                            part.data() + part.size() <= whole.data() + whole.size());
}

void checkAgainstPoco(std::string_view input, const RequestHead& head) {
    std::istringstream stream{std::string(input.substr(0, head.headLength))};
    Poco::Net::HTTPRequest request;
    try {
        request.read(stream);
    } catch (const Poco::Exception& error) {
        FUZZ_CHECK(false, "POCO refuses a plain head (" + error.displayText() +
                              "): " + fuzz::printable(input));
    }
    FUZZ_CHECK(request.getMethod() == head.method, "method: " + fuzz::printable(input));
    FUZZ_CHECK(request.getURI() == head.target, "target: " + fuzz::printable(input));
    FUZZ_CHECK(request.getVersion() == "HTTP/1.1", "version: " + fuzz::printable(input));
    if (request.hasContentLength())
        FUZZ_CHECK(static_cast<std::uint64_t>(request.getContentLength64()) == head.contentLength,
                   "Content-Length: " + fuzz::printable(input));
    else
        FUZZ_CHECK(head.contentLength == 0, "no Content-Length: " + fuzz::printable(input));
    FUZZ_CHECK(request.get("Content-Type", "") == head.contentType,
               "Content-Type: " + fuzz::printable(input));
    FUZZ_CHECK(request.get("Idempotency-Key", "") == head.idempotencyKey &&
                   request.has("Idempotency-Key") == head.hasIdempotencyKey,
               "Idempotency-Key: " + fuzz::printable(input));
    FUZZ_CHECK(request.get("webhook-id", "") == head.webhookId,
               "webhook-id: " + fuzz::printable(input));
    FUZZ_CHECK(request.get("X-Dppbridge-Hops", "") == head.hops,
               "X-Dppbridge-Hops: " + fuzz::printable(input));
    FUZZ_CHECK(request.get("X-Dppbridge-Change", "") == head.change,
               "X-Dppbridge-Change: " + fuzz::printable(input));
    FUZZ_CHECK(request.get("Accept", "") == head.accept, "Accept: " + fuzz::printable(input));
    FUZZ_CHECK(request.getKeepAlive() == !head.close, "keep-alive: " + fuzz::printable(input));
    FUZZ_CHECK(!request.getChunkedTransferEncoding() && !request.has("Expect"),
               "a body shape the loops do not take: " + fuzz::printable(input));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fuzz::asText(data, size);
    RequestHead head;
    const RequestHead::Outcome outcome = parseRequestHead(input, head);
    const std::size_t end = input.find("\r\n\r\n");
    if (outcome == RequestHead::Outcome::Incomplete) {
        FUZZ_CHECK(end == std::string_view::npos && input.size() <= RequestHead::kMostHeadBytes,
                   "Incomplete with a whole head: " + fuzz::printable(input));
        return 0;
    }
    if (outcome != RequestHead::Outcome::Plain)
        return 0;
    FUZZ_CHECK(end != std::string_view::npos && head.headLength == end + 4 &&
                   head.headLength <= RequestHead::kMostHeadBytes,
               "head length: " + fuzz::printable(input));
    for (std::string_view view : {head.method, head.target, head.contentType, head.idempotencyKey,
                                  head.webhookId, head.hops})
        FUZZ_CHECK(inside(view, input.substr(0, head.headLength)),
                   "a view outside the head: " + fuzz::printable(input));
    checkAgainstPoco(input, head);

    RequestHead again;
    const std::string longer = std::string(input) + "GET / HTTP/1.1\r\n\r\n";
    FUZZ_CHECK(parseRequestHead(longer, again) == RequestHead::Outcome::Plain &&
                   again.headLength == head.headLength && again.target == head.target &&
                   again.contentLength == head.contentLength && again.close == head.close,
               "bytes after the head changed it: " + fuzz::printable(input));
    for (std::size_t cut : {head.headLength - 1, head.headLength / 2})
        FUZZ_CHECK(parseRequestHead(input.substr(0, cut), again) ==
                       RequestHead::Outcome::Incomplete,
                   "a prefix is not Incomplete: " + fuzz::printable(input.substr(0, cut)));
    return 0;
}
