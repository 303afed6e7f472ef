#pragma once
// Sends one rendered webhook request over HTTP or HTTPS with POCO and judges the answer:
// explicit connect and response timeouts, HTTP Basic authentication, the Idempotency-Key and
// webhook-id headers, certificates verified (system store plus tls.ca_file, TLS 1.2 at
// least), redirects not followed, the destination policy applied after DNS resolution.
// Never throws for network or HTTP failures: they come back in the SendResult.
// Thread-safe: each send() uses its own session.
#include "bridge/Config.h"
#include "bridge/send/DestinationPolicy.h"
#include "mapping/CompiledWebhook.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dpp::bridge {

// The accounts a contact passed through, sent so that a receiver posting on can stop a loop.
inline constexpr const char* kHopsHeader = "X-Dppbridge-Hops";
// The source contact's change number when the request was rendered: a receiver that keeps
// one contact per sender keeps the newest version, whatever order posts arrive in.
inline constexpr const char* kChangeHeader = "X-Dppbridge-Change";

struct SendResult {
    int statusCode = 0;     // 0 when no response arrived
    bool delivered = false; // 2xx and the webhook's body rule
    bool retryable = false; // network error, timeout, 408, 429, 5xx
    std::string error;      // empty when delivered
    std::string responseExcerpt;
    std::chrono::milliseconds duration{0};
    std::optional<std::chrono::seconds> retryAfter;
};

// A request ready for the wire: what the outbox stores, plus the webhook's credentials and
// success rule as they are at send time.
struct OutgoingRequest {
    std::string method;
    std::string url; // absolute, with its query
    std::string contentType;
    std::string body;
    std::string idempotencyKey;
    std::string hops;              // X-Dppbridge-Hops: where the contact has been (loop detection)
    std::int64_t sourceChange = 0; // X-Dppbridge-Change when not 0
    std::optional<mapping::BasicAuth> auth;
    std::string successBodyContains;
};

// Idle keep-alive connections by destination ("scheme://host:port"), owned and used by one
// thread. A destination may have several: one per request a worker keeps in flight there.
class ConnectionCache {
public:
    // An idle connection to destination (the caller owns it until it gives it back), or none.
    std::unique_ptr<Poco::Net::HTTPClientSession> take(const std::string& destination);
    void giveBack(const std::string& destination,
                  std::unique_ptr<Poco::Net::HTTPClientSession> session);
    std::size_t open() const;

private:
    std::map<std::string, std::vector<std::unique_ptr<Poco::Net::HTTPClientSession>>> idle_;
};

// A request written on a connection whose answer has not been read yet (HttpSender::begin,
// then finish): a worker keeps several in flight without a thread each. The request it was
// begun with must outlive it. Movable, used by one thread.
class PendingSend {
public:
    PendingSend() = default;
    PendingSend(PendingSend&&) = default;
    PendingSend& operator=(PendingSend&&) = default;

private:
    friend class HttpSender;
    const OutgoingRequest* request_ = nullptr;
    mapping::UrlParts target_;
    std::string destination_;
    std::unique_ptr<Poco::Net::HTTPClientSession> session_;
    bool reused_ = false;   // the connection had carried a request before this one
    bool answered_ = false; // result_ is final: nothing was written, or the answer was read
    SendResult result_;
    std::chrono::steady_clock::time_point started_;
    std::chrono::steady_clock::time_point written_;
};

class HttpSender {
public:
    explicit HttpSender(const Config& config);

    // Sends over a connection from the cache (kept open for the next request to the same
    // destination) or, without a cache, over a connection of its own.
    SendResult send(const OutgoingRequest& request, ConnectionCache* connections);
    // send() in two steps: begin() writes the request, finish() reads and judges its answer,
    // waiting at most the response timeout from when the request was written. Between them
    // the caller may begin others (each takes its own connection). An idle kept-alive
    // connection the server had closed is retried once on a new one, as send() does.
    PendingSend begin(const OutgoingRequest& request, ConnectionCache* connections);
    SendResult finish(PendingSend& pending, ConnectionCache* connections);

    SendResult send(const mapping::CompiledWebhook& webhook,
                    const mapping::RenderedRequest& request, const std::string& idempotencyKey);

    // The request line and headers as they go on the wire, secrets masked; for previews.
    static std::string describe(const mapping::CompiledWebhook& webhook,
                                const mapping::RenderedRequest& request,
                                const std::string& idempotencyKey);

private:
    std::unique_ptr<Poco::Net::HTTPClientSession> connect(const mapping::UrlParts& target,
                                                          bool keepAlive);
    void writeRequest(Poco::Net::HTTPClientSession& session, const mapping::UrlParts& target,
                      const OutgoingRequest& request);
    bool readResponse(Poco::Net::HTTPClientSession& session, const OutgoingRequest& request,
                      SendResult& result);
    static void keepOrClose(PendingSend& pending, bool reusable, ConnectionCache* connections);

    std::chrono::milliseconds connectTimeout_;
    std::chrono::milliseconds responseTimeout_;
    std::size_t excerptBytes_;
    DestinationPolicy policy_;
    Poco::Net::Context::Ptr tlsContext_;
};

// The client TLS context for caFile, made once per process and shared (thread-safe): verifies
// peers against the system store and caFile.
Poco::Net::Context::Ptr makeClientTlsContext(const std::string& caFile);

} // namespace dpp::bridge
