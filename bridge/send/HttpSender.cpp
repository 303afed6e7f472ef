#include "bridge/send/HttpSender.h"

#include "bridge/Version.h"
#include "bridge/send/GuardedSession.h"
#include "bridge/send/NetworkFailure.h"
#include "bridge/send/PlainWire.h"

#include <Poco/Net/AcceptCertificateHandler.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>

#include <charconv>
#include <map>
#include <memory>
#include <mutex>

namespace dpp::bridge {

namespace {

constexpr std::size_t kBodyRuleLimit = 1024 * 1024; // read at most this much to match a rule

bool isRetryableStatus(int status) {
    return status == 408 || status == 429 || (status >= 500 && status <= 599);
}

std::optional<std::chrono::seconds> parseRetryAfter(const std::optional<std::string>& header) {
    if (!header)
        return std::nullopt;
    const std::string& value = *header;
    long seconds = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (error == std::errc() && end == value.data() + value.size() && seconds >= 0)
        return std::chrono::seconds(seconds);
    return std::nullopt; // HTTP-date form: the retry schedule applies
}

// The path and query exactly as rendered (CompiledWebhook keeps them as written, escaped for a
// request line). Poco::URI would decode and re-encode the path: "%2F" would become "/" and
// "'()" would be escaped, so the receiver would see another path.
std::string pathOf(const std::string& url) {
    std::size_t authority = url.find("://");
    std::size_t start =
        authority == std::string::npos ? 0 : url.find_first_of("/?#", authority + 3);
    if (start == std::string::npos)
        return "/";
    std::string path = url.substr(start, url.find('#', start) - start);
    if (path.empty() || path.front() != '/')
        path.insert(0, "/");
    return path;
}

Poco::Timespan timespan(std::chrono::steady_clock::duration duration) {
    return Poco::Timespan(std::chrono::duration_cast<std::chrono::microseconds>(duration).count());
}

std::string hostHeader(const mapping::UrlParts& target) {
    bool defaultPort = (target.scheme == "http" && target.port == 80) ||
                       (target.scheme == "https" && target.port == 443);
    std::string host =
        target.host.find(':') != std::string::npos ? "[" + target.host + "]" : target.host;
    return defaultPort ? host : host + ":" + std::to_string(target.port);
}

} // namespace

Poco::Net::Context::Ptr makeClientTlsContext(const std::string& caFile) {
    static std::once_flag installed;
    std::call_once(installed, [] {
        // Never ask a console what to do with a bad certificate: refuse it.
        Poco::SharedPtr<Poco::Net::InvalidCertificateHandler> reject =
            new Poco::Net::RejectCertificateHandler(false);
        Poco::Net::SSLManager::instance().initializeClient(nullptr, reject, nullptr);
    });
    // One per CA file per process: loading the system's CA certificates takes milliseconds
    // of CPU, and every delivery worker and document copier asks (an SSL_CTX is shared
    // safely between threads).
    static std::mutex madeMutex;
    static std::map<std::string, Poco::Net::Context::Ptr> made;
    std::lock_guard lock(madeMutex);
    if (auto found = made.find(caFile); found != made.end())
        return found->second;
    Poco::Net::Context::Ptr context = new Poco::Net::Context(
        Poco::Net::Context::TLS_CLIENT_USE, "", "", caFile, Poco::Net::Context::VERIFY_STRICT, 9,
        true, "ALL:!ADH:!LOW:!EXP:!MD5:!aNULL:@STRENGTH");
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    made.emplace(caFile, context);
    return context;
}

HttpSender::HttpSender(const Config& config)
    : connectTimeout_(config.connectTimeout), responseTimeout_(config.responseTimeout),
      excerptBytes_(config.responseExcerptBytes), policy_(config.allowPrivateDestinations),
      tlsContext_(makeClientTlsContext(config.tlsCaFile)) {}

std::string HttpSender::describe(const mapping::CompiledWebhook& webhook,
                                 const mapping::RenderedRequest& request,
                                 const std::string& idempotencyKey) {
    const auto& definition = webhook.definition();
    std::string out = request.method + " " + pathOf(request.maskedUrl) + " HTTP/1.1\r\n";
    out += "Host: " + hostHeader(webhook.target()) + "\r\n";
    out += std::string("User-Agent: ") + userAgent() + "\r\n";
    if (definition.auth)
        out += "Authorization: Basic ****\r\n";
    out += "Idempotency-Key: " + idempotencyKey + "\r\n";
    out += "webhook-id: " + idempotencyKey + "\r\n";
    if (request.method == "POST") {
        out += "Content-Type: " + request.contentType + "\r\n";
        out += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
    }
    out += "\r\n";
    out += request.maskedBody;
    return out;
}

SendResult HttpSender::send(const mapping::CompiledWebhook& webhook,
                            const mapping::RenderedRequest& request,
                            const std::string& idempotencyKey) {
    OutgoingRequest outgoing;
    outgoing.method = request.method;
    outgoing.url = request.url;
    outgoing.contentType = request.contentType;
    outgoing.body = request.body;
    outgoing.idempotencyKey = idempotencyKey;
    outgoing.auth = webhook.definition().auth;
    outgoing.successBodyContains = webhook.definition().success.bodyContains;
    return send(outgoing, nullptr);
}

std::unique_ptr<Poco::Net::HTTPClientSession> HttpSender::connect(const mapping::UrlParts& target,
                                                                  bool keepAlive) {
    // The destination policy is applied to the resolved address when the session connects.
    std::unique_ptr<Poco::Net::HTTPClientSession> session =
        openGuardedSession(target, policy_, tlsContext_);
    session->setTimeout(timespan(connectTimeout_), timespan(responseTimeout_),
                        timespan(responseTimeout_));
    session->setKeepAlive(keepAlive);
    return session;
}

std::unique_ptr<Poco::Net::HTTPClientSession>
ConnectionCache::take(const std::string& destination) {
    auto found = idle_.find(destination);
    if (found == idle_.end() || found->second.empty())
        return nullptr;
    std::unique_ptr<Poco::Net::HTTPClientSession> session = std::move(found->second.back());
    found->second.pop_back();
    return session;
}

void ConnectionCache::giveBack(const std::string& destination,
                               std::unique_ptr<Poco::Net::HTTPClientSession> session) {
    idle_[destination].push_back(std::move(session));
}

std::size_t ConnectionCache::open() const {
    std::size_t count = 0;
    for (const auto& [destination, sessions] : idle_)
        count += sessions.size();
    return count;
}

// Writes one request on an open session: on a plain connection's socket directly
// (bridge/send/PlainWire.h), through POCO's request objects over TLS.
void HttpSender::writeRequest(Poco::Net::HTTPClientSession& session,
                              const mapping::UrlParts& target, const OutgoingRequest& request) {
    if (!session.secure()) {
        connectPlainSession(session);
        std::vector<wire::Header> headers;
        headers.reserve(10);
        headers.push_back({"Host", hostHeader(target)}); // plain http: the port unless 80
        headers.push_back({"Connection", session.getKeepAlive() ? "Keep-Alive" : "Close"});
        headers.push_back({"User-Agent", userAgent()});
        headers.push_back({"Idempotency-Key", request.idempotencyKey});
        headers.push_back({"webhook-id", request.idempotencyKey});
        if (!request.hops.empty())
            headers.push_back({kHopsHeader, request.hops});
        if (request.sourceChange > 0)
            headers.push_back({kChangeHeader, std::to_string(request.sourceChange)});
        if (request.auth) {
            Poco::Net::HTTPRequest credentials;
            Poco::Net::HTTPBasicCredentials(request.auth->username, request.auth->password)
                .authenticate(credentials);
            headers.push_back({"Authorization", credentials.get("Authorization")});
        }
        if (request.method == "POST") {
            headers.push_back({"Content-Type", request.contentType});
            headers.push_back({"Content-Length", std::to_string(request.body.size())});
        }
        wire::writeRequest(session.socket(), request.method, pathOf(request.url), headers,
                           request.method == "POST" ? std::string_view(request.body)
                                                    : std::string_view());
        return;
    }
    Poco::Net::HTTPRequest httpRequest(request.method, pathOf(request.url),
                                       Poco::Net::HTTPMessage::HTTP_1_1);
    httpRequest.setHost(target.host, static_cast<Poco::UInt16>(target.port));
    httpRequest.setKeepAlive(session.getKeepAlive());
    httpRequest.set("User-Agent", userAgent());
    httpRequest.set("Idempotency-Key", request.idempotencyKey);
    httpRequest.set("webhook-id", request.idempotencyKey);
    if (!request.hops.empty())
        httpRequest.set(kHopsHeader, request.hops);
    if (request.sourceChange > 0)
        httpRequest.set(kChangeHeader, std::to_string(request.sourceChange));
    if (request.auth)
        Poco::Net::HTTPBasicCredentials(request.auth->username, request.auth->password)
            .authenticate(httpRequest);
    if (request.method == "POST") {
        httpRequest.setContentType(request.contentType);
        httpRequest.setContentLength(static_cast<std::streamsize>(request.body.size()));
    }
    std::ostream& body = session.sendRequest(httpRequest);
    body.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));
    body.flush();
}

// Reads and judges the answer to the request written last on session. Reads the body to its
// end (up to the limit) so that a keep-alive connection can carry the next request; says
// whether it still can.
bool HttpSender::readResponse(Poco::Net::HTTPClientSession& session, const OutgoingRequest& request,
                              SendResult& result) {
    const std::string& rule = request.successBodyContains;
    std::size_t limit = rule.empty() ? excerptBytes_ : std::max(excerptBytes_, kBodyRuleLimit);
    std::string text, reason, location;
    bool readToEnd = false, keepAlive = false;
    if (!session.secure()) {
        wire::Answer answer = wire::readAnswer(session.socket(), limit, request.method == "HEAD");
        result.statusCode = answer.status;
        text = std::move(answer.body);
        reason = std::move(answer.reason);
        location = answer.header("Location").value_or("");
        result.retryAfter = parseRetryAfter(answer.header("Retry-After"));
        readToEnd = answer.readToEnd;
        keepAlive = answer.keepAlive;
    } else {
        Poco::Net::HTTPResponse response;
        std::istream& answer = session.receiveResponse(response);
        result.statusCode = static_cast<int>(response.getStatus());
        char buffer[8192];
        while (text.size() < limit && answer) {
            answer.read(buffer, static_cast<std::streamsize>(
                                    std::min(sizeof(buffer), limit - text.size())));
            text.append(buffer, static_cast<std::size_t>(answer.gcount()));
        }
        readToEnd = !answer || answer.peek() == std::char_traits<char>::eof();
        reason = response.getReason();
        location = response.get("Location", "");
        if (response.has("Retry-After"))
            result.retryAfter = parseRetryAfter(response.get("Retry-After"));
        keepAlive = response.getKeepAlive();
    }
    result.responseExcerpt = text.substr(0, excerptBytes_);
    bool success2xx = result.statusCode >= 200 && result.statusCode <= 299;
    if (success2xx && (rule.empty() || text.find(rule) != std::string::npos)) {
        result.delivered = true;
    } else if (success2xx) {
        result.error = "HTTP " + std::to_string(result.statusCode) +
                       " but the response does not contain '" + rule + "'";
    } else if (result.statusCode >= 300 && result.statusCode <= 399) {
        result.error = "HTTP " + std::to_string(result.statusCode) + " redirect to '" + location +
                       "' not followed";
    } else {
        result.error = "HTTP " + std::to_string(result.statusCode) + " " + reason;
        result.retryable = isRetryableStatus(result.statusCode);
    }
    return readToEnd && keepAlive;
}

PendingSend HttpSender::begin(const OutgoingRequest& request, ConnectionCache* connections) {
    PendingSend pending;
    pending.request_ = &request;
    pending.started_ = std::chrono::steady_clock::now();
    try {
        pending.target_ = mapping::parseHttpUrl(request.url);
    } catch (const mapping::DefinitionError& error) {
        pending.result_.error = error.what();
        pending.answered_ = true;
        return pending;
    }
    const mapping::UrlParts& target = pending.target_;
    pending.destination_ = target.scheme + "://" + target.host + ":" + std::to_string(target.port);
    std::unique_ptr<Poco::Net::HTTPClientSession>& session = pending.session_;
    try {
        if (connections)
            session = connections->take(pending.destination_);
        pending.reused_ = session != nullptr;
        for (int round = 0;; ++round) {
            if (!session)
                session = connect(target, connections != nullptr);
            try {
                writeRequest(*session, target, request);
                pending.written_ = std::chrono::steady_clock::now();
                return pending;
            } catch (const Poco::TimeoutException&) {
                session.reset();
                throw;
            } catch (const Poco::Exception&) {
                session.reset();
                // A kept-alive connection the server closed while idle: once more on a new one.
                if (!pending.reused_ || round == 1)
                    throw;
                pending.reused_ = false;
            }
        }
    } catch (...) {
        NetworkFailure failure = classifyCurrentException();
        pending.result_.error = std::move(failure.error);
        pending.result_.retryable = failure.retryable;
        pending.answered_ = true;
    }
    return pending;
}

// After an answer: the connection goes back to the cache for the next request when the answer
// left it usable, else it is closed.
void HttpSender::keepOrClose(PendingSend& pending, bool reusable, ConnectionCache* connections) {
    if (reusable && connections)
        connections->giveBack(pending.destination_, std::move(pending.session_));
    pending.session_.reset();
}

SendResult HttpSender::finish(PendingSend& pending, ConnectionCache* connections) {
    SendResult& result = pending.result_;
    std::unique_ptr<Poco::Net::HTTPClientSession>& session = pending.session_;
    if (!pending.answered_) {
        const OutgoingRequest& request = *pending.request_;
        try {
            try {
                // Begun behind others whose answers were read first: the response timeout
                // counts from the write, so a hung request ahead cannot stretch this one's.
                auto waited = std::chrono::steady_clock::now() - pending.written_;
                bool shortened = waited > std::chrono::seconds(1);
                if (shortened)
                    session->socket().setReceiveTimeout(
                        timespan(std::max<std::chrono::steady_clock::duration>(
                            responseTimeout_ - waited, std::chrono::milliseconds(1))));
                bool reusable = readResponse(*session, request, result);
                if (shortened && reusable)
                    session->socket().setReceiveTimeout(timespan(responseTimeout_));
                keepOrClose(pending, reusable, connections);
            } catch (const Poco::TimeoutException&) {
                // A slow receiver, not a closed idle connection: it may be processing the
                // request, so sending it again at once would only double the wait.
                session.reset();
                throw;
            } catch (const Poco::Exception&) {
                session.reset();
                // An idle keep-alive connection the server closed fails on first use: try
                // once more on a new connection. A fresh connection's failure is real.
                if (!pending.reused_ || result.statusCode != 0)
                    throw;
                session = connect(pending.target_, connections != nullptr);
                writeRequest(*session, pending.target_, request);
                keepOrClose(pending, readResponse(*session, request, result), connections);
            }
        } catch (...) {
            session.reset();
            NetworkFailure failure = classifyCurrentException();
            result.error = std::move(failure.error);
            result.retryable = failure.retryable;
        }
        pending.answered_ = true;
    }
    result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - pending.started_);
    return std::move(result);
}

SendResult HttpSender::send(const OutgoingRequest& request, ConnectionCache* connections) {
    PendingSend pending = begin(request, connections);
    return finish(pending, connections);
}

} // namespace dpp::bridge
