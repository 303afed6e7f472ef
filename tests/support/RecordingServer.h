#pragma once
// A real HTTP or HTTPS server on 127.0.0.1 at a port chosen by the kernel, for integration
// tests of clients. It records every request it handles (method, URI, headers, body) and
// answers each with the next scripted response: a status, a body and headers, optionally
// after hanging for a while, by closing the connection without any answer, or by resetting it
// (a TCP RST, as a crashing peer or a middlebox dropping state would). Tests wait for
// requests with waitForRequests(), which blocks on a condition variable, never in a sleep.
// Connections are kept alive when the client asks for it (RecordedRequest::peer tells which
// requests shared one).
// Thread-safe: requests are handled on the server's own thread pool while the test reads.
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/ThreadPool.h>

#include <sys/socket.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dpp::testing {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct RecordedRequest {
    std::string method;
    std::string uri;  // the request target as received: path and query
    std::string peer; // the client's address and port: equal for requests on one connection
    HeaderList headers;
    std::string body;
    std::chrono::steady_clock::time_point receivedAt; // when the request was read in full

    // The first header with this name (case-insensitive), or nothing.
    std::optional<std::string> header(const std::string& name) const {
        for (const auto& [key, value] : headers)
            if (Poco::icompare(key, name) == 0)
                return value;
        return std::nullopt;
    }
    std::size_t headerCount(const std::string& name) const {
        std::size_t count = 0;
        for (const auto& entry : headers)
            count += Poco::icompare(entry.first, name) == 0 ? 1 : 0;
        return count;
    }
};

struct ScriptedResponse {
    int status = 200;
    std::string body;
    HeaderList headers;                // added to the response, e.g. Retry-After
    std::chrono::milliseconds hang{0}; // wait this long after reading the request
    bool held = false;                 // wait for release() (at most 30 s) before answering
    bool closeWithoutAnswer = false;   // shut the connection down instead of answering
    bool resetWithoutAnswer = false;   // abort the connection (RST) instead of answering

    static ScriptedResponse ok(std::string body = "OK") { return withStatus(200, std::move(body)); }
    static ScriptedResponse withStatus(int status, std::string body = "") {
        ScriptedResponse response;
        response.status = status;
        response.body = std::move(body);
        return response;
    }
    static ScriptedResponse hangFor(std::chrono::milliseconds duration) {
        ScriptedResponse response;
        response.hang = duration;
        return response;
    }
    // Answered (200, body) once the test calls RecordingServer::release().
    static ScriptedResponse heldUntilReleased(std::string body = "OK") {
        ScriptedResponse response = ok(std::move(body));
        response.held = true;
        return response;
    }
    static ScriptedResponse closeConnection() {
        ScriptedResponse response;
        response.closeWithoutAnswer = true;
        return response;
    }
    static ScriptedResponse resetConnection() {
        ScriptedResponse response;
        response.resetWithoutAnswer = true;
        return response;
    }
    ScriptedResponse& header(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }
};

struct TlsServerFiles {
    std::string certificateFile;
    std::string privateKeyFile;
};

class RecordingServer {
public:
    // Plain HTTP.
    RecordingServer() { start(Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0))); }
    // Plain HTTP on a given port: a receiver that was down comes back where it was.
    explicit RecordingServer(Poco::UInt16 port) {
        Poco::Net::ServerSocket socket;
        socket.bind(Poco::Net::SocketAddress("127.0.0.1", port), true);
        socket.listen(64);
        start(socket);
    }
    // HTTPS with the given PEM certificate and unencrypted key; TLS 1.2 at least.
    explicit RecordingServer(const TlsServerFiles& tls) : https_(true) {
        Poco::Net::Context::Ptr context = new Poco::Net::Context(
            Poco::Net::Context::TLS_SERVER_USE, tls.privateKeyFile, tls.certificateFile, "",
            Poco::Net::Context::VERIFY_NONE, 9, false, "ALL:!ADH:!LOW:!EXP:!MD5:!aNULL:@STRENGTH");
        context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
        start(Poco::Net::SecureServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0), 64, context));
    }
    ~RecordingServer() { stop(); }
    RecordingServer(const RecordingServer&) = delete;
    RecordingServer& operator=(const RecordingServer&) = delete;

    Poco::UInt16 port() const { return port_; }
    // "http://127.0.0.1:<port>" followed by pathAndQuery.
    std::string url(const std::string& pathAndQuery = "/") const {
        return std::string(https_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) +
               pathAndQuery;
    }

    // Queues the answer to the next request not answered yet; without one, the default.
    void script(ScriptedResponse response) {
        std::lock_guard lock(state_->mutex);
        state_->scripted.push_back(std::move(response));
    }
    void setDefaultResponse(ScriptedResponse response) {
        std::lock_guard lock(state_->mutex);
        state_->fallback = std::move(response);
    }

    std::vector<RecordedRequest> requests() const {
        std::lock_guard lock(state_->mutex);
        return state_->recorded;
    }
    std::size_t requestCount() const {
        std::lock_guard lock(state_->mutex);
        return state_->recorded.size();
    }
    // True once at least count requests were recorded; false when timeout passes first.
    bool waitForRequests(std::size_t count, std::chrono::milliseconds timeout) const {
        std::unique_lock lock(state_->mutex);
        return state_->changed.wait_for(lock, timeout,
                                        [&] { return state_->recorded.size() >= count; });
    }

    // Answers the requests held by heldUntilReleased(), and those held later at once.
    void release() {
        {
            std::lock_guard lock(state_->mutex);
            state_->released = true;
        }
        state_->changed.notify_all();
    }

    // Stops accepting, wakes hanging handlers, aborts open connections and waits for every
    // handler to return. Called by the destructor; idempotent.
    void stop() {
        if (!server_)
            return;
        {
            std::lock_guard lock(state_->mutex);
            state_->stopping = true;
        }
        state_->changed.notify_all();
        // The acceptor polls its socket every 250 ms; shutting the listening socket down wakes
        // it at once, so that stopping takes microseconds rather than a quarter second.
        ::shutdown(socket_.impl()->sockfd(), SHUT_RDWR);
        server_->stopAll(true);
        pool_.joinAll();
        server_.reset();
    }

private:
    struct State {
        std::mutex mutex;
        std::condition_variable changed;
        std::vector<RecordedRequest> recorded;
        std::deque<ScriptedResponse> scripted;
        ScriptedResponse fallback = ScriptedResponse::ok();
        bool stopping = false;
        bool released = false;
    };

    class Handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit Handler(std::shared_ptr<State> state) : state_(std::move(state)) {}

        void handleRequest(Poco::Net::HTTPServerRequest& request,
                           Poco::Net::HTTPServerResponse& response) override {
            RecordedRequest recorded;
            recorded.method = request.getMethod();
            recorded.uri = request.getURI();
            recorded.peer = request.clientAddress().toString();
            for (const auto& [name, value] : request)
                recorded.headers.emplace_back(name, value);
            Poco::StreamCopier::copyToString(request.stream(), recorded.body);
            recorded.receivedAt = std::chrono::steady_clock::now();
            ScriptedResponse answer;
            {
                std::unique_lock lock(state_->mutex);
                state_->recorded.push_back(std::move(recorded));
                if (!state_->scripted.empty()) {
                    answer = std::move(state_->scripted.front());
                    state_->scripted.pop_front();
                } else {
                    answer = state_->fallback;
                }
                state_->changed.notify_all();
                if (answer.hang.count() > 0)
                    state_->changed.wait_for(lock, answer.hang, [&] { return state_->stopping; });
                if (answer.held)
                    state_->changed.wait_for(lock, std::chrono::seconds(30),
                                             [&] { return state_->stopping || state_->released; });
                if (state_->stopping)
                    answer.closeWithoutAnswer = true;
            }
            if (answer.resetWithoutAnswer && !answer.closeWithoutAnswer) {
                // SO_LINGER with a zero timeout makes close() send RST instead of FIN.
                response.setKeepAlive(false);
                try {
                    auto& socket = static_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket();
                    socket.setLinger(true, 0);
                    socket.close();
                } catch (const Poco::Exception&) {
                    // already gone: the client hung up first
                }
                return;
            }
            if (answer.closeWithoutAnswer) {
                response.setKeepAlive(false);
                try {
                    static_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket().shutdown();
                } catch (const Poco::Exception&) {
                    // already gone: the client hung up first
                }
                return;
            }
            response.setStatusAndReason(
                static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
            for (const auto& [name, value] : answer.headers)
                response.set(name, value);
            response.setContentLength(static_cast<std::streamsize>(answer.body.size()));
            response.send() << answer.body;
        }

    private:
        std::shared_ptr<State> state_;
    };

    class Factory : public Poco::Net::HTTPRequestHandlerFactory {
    public:
        explicit Factory(std::shared_ptr<State> state) : state_(std::move(state)) {}
        Poco::Net::HTTPRequestHandler*
        createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
            return new Handler(state_);
        }

    private:
        std::shared_ptr<State> state_;
    };

    void start(const Poco::Net::ServerSocket& socket) {
        socket_ = socket;
        port_ = socket.address().port();
        Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(16);
        params->setMaxQueued(32);
        params->setKeepAlive(true); // when the client asks for it
        params->setTimeout(Poco::Timespan(5, 0));
        server_ =
            std::make_unique<Poco::Net::HTTPServer>(new Factory(state_), pool_, socket, params);
        server_->start();
    }

    bool https_ = false;
    Poco::UInt16 port_ = 0;
    std::shared_ptr<State> state_ = std::make_shared<State>();
    Poco::ThreadPool pool_{2, 32};
    Poco::Net::ServerSocket socket_; // shares the listening socket with server_
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

} // namespace dpp::testing
