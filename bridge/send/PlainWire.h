#pragma once
// One HTTP/1.1 exchange on a plain (http://) connection, written and read on its socket
// directly: the request head and body as one buffer and one send, the answer parsed from what
// recv returns, without POCO's message and stream objects (a sixth of a mass post's CPU went
// to them: bench/NOTES.md, 2026-12-06, evening). The POCO session is only the connection, connected
// through the destination policy with its timeouts; a session used here is never given to
// POCO's sendRequest. Network failures throw POCO's exceptions, as POCO's own reads would
// (TimeoutException, NetException, NoMessageException, MessageException). One thread.
#include <Poco/Net/StreamSocket.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dpp::bridge::wire {

struct Header {
    std::string name;
    std::string value;
};

// Writes the request line, the headers, a blank line and the body in one buffer.
void writeRequest(Poco::Net::StreamSocket& socket, std::string_view method, std::string_view path,
                  const std::vector<Header>& headers, std::string_view body);

struct Answer {
    int status = 0;
    std::string reason;
    std::vector<Header> headers; // as received (the last answer's, after any 100 Continue)
    std::string body;            // at most the limit
    bool readToEnd = false;      // the whole body was read: the connection can carry more
    bool keepAlive = false;      // the server keeps the connection open

    // The first header of that name (case-insensitive), or nothing.
    std::optional<std::string> header(std::string_view name) const;
};

// Reads one answer: its head, then its body (by Content-Length, chunked, or to the end of the
// connection) up to limit bytes. noBody: the answer to a HEAD request.
Answer readAnswer(Poco::Net::StreamSocket& socket, std::size_t limit, bool noBody = false);
// The same from any source of bytes: receive(buffer, size) returns how many it put there, 0 at
// the end (for the fuzzer, tests/fuzz/fuzz_answer.cpp).
using Receive = std::function<int(char* buffer, int size)>;
Answer readAnswer(const Receive& receive, std::size_t limit, bool noBody = false);

} // namespace dpp::bridge::wire
