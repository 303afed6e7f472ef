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

#include <map>
#include <memory>

#include <chrono>
#include <optional>
#include <string>

namespace dpp::bridge {

// The accounts a contact passed through, sent so that a receiver posting on can stop a loop.
inline constexpr const char* kHopsHeader = "X-Dppbridge-Hops";

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
    std::string hops; // X-Dppbridge-Hops: where the contact has been (loop detection)
    std::optional<mapping::BasicAuth> auth;
    std::string successBodyContains;
};

// Keep-alive connections by destination ("scheme://host:port"), owned and used by one thread.
class ConnectionCache {
public:
    std::unique_ptr<Poco::Net::HTTPClientSession>& slot(const std::string& destination) {
        return sessions_[destination];
    }
    std::size_t open() const {
        std::size_t count = 0;
        for (const auto& [destination, session] : sessions_)
            count += session != nullptr;
        return count;
    }

private:
    std::map<std::string, std::unique_ptr<Poco::Net::HTTPClientSession>> sessions_;
};

class HttpSender {
public:
    explicit HttpSender(const Config& config);

    // Sends over a connection from the cache (kept open for the next request to the same
    // destination) or, without a cache, over a connection of its own.
    SendResult send(const OutgoingRequest& request, ConnectionCache* connections);

    SendResult send(const mapping::CompiledWebhook& webhook,
                    const mapping::RenderedRequest& request, const std::string& idempotencyKey);

    // The request line and headers as they go on the wire, secrets masked; for previews.
    static std::string describe(const mapping::CompiledWebhook& webhook,
                                const mapping::RenderedRequest& request,
                                const std::string& idempotencyKey);

private:
    std::unique_ptr<Poco::Net::HTTPClientSession> connect(const mapping::UrlParts& target,
                                                          bool keepAlive);
    bool exchange(Poco::Net::HTTPClientSession& session, const mapping::UrlParts& target,
                  const OutgoingRequest& request, SendResult& result);

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
