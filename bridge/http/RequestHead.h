#pragma once
// Reads one HTTP/1.1 request head from the bytes a connection has received so far, for the
// receive loops (bridge/http/ReceiveLoop.h). It recognises only the plain shape they serve
// themselves: a request line "METHOD /target HTTP/1.1", headers of "Name: value" lines ended
// by CRLF, a Content-Length or no body, and at most "Connection: close" or "keep-alive".
// Anything else (chunked or expected bodies, upgrades, folded or repeated headers that
// matter, HTTP/1.0, bare LF, control characters or encoded words in values, heads past the
// bounds) is Unusual: the loop leaves the
// connection to POCO's HTTP server, which answers it as it always has. Pure and
// allocation-free: the views point into the bytes given.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace dpp::bridge {

struct RequestHead {
    enum class Outcome {
        Incomplete, // the blank line ending the head has not arrived yet
        Plain,      // parsed; the fields below are set
        Unusual,    // not a shape the loops serve
    };
    std::string_view method;
    std::string_view target;    // as sent: path and query string
    std::size_t headLength = 0; // through the blank line
    std::uint64_t contentLength = 0;
    bool close = false; // Connection: close
    std::string_view contentType;
    std::string_view idempotencyKey; // Idempotency-Key
    bool hasIdempotencyKey = false;  // present, even empty
    std::string_view webhookId;      // webhook-id (Standard Webhooks)
    std::string_view hops;           // X-Dppbridge-Hops
    std::string_view accept;         // Accept (a browser's form is redirected)
    std::string_view change;         // X-Dppbridge-Change

    static constexpr std::size_t kMostHeadBytes = 16 * 1024;
    static constexpr std::size_t kMostHeaders = 100;
    static constexpr std::size_t kMostMethodBytes = 32; // POCO's bounds
    static constexpr std::size_t kMostNameBytes = 256;
    static constexpr std::size_t kMostValueBytes = 8192;
};

// Reads the head at the start of bytes.
RequestHead::Outcome parseRequestHead(std::string_view bytes, RequestHead& head);

} // namespace dpp::bridge
