#include "bridge/http/BridgeServer.h"

#include "bridge/InputError.h"
#include "bridge/Log.h"
#include "bridge/http/AdminHandler.h"
#include "bridge/http/AdminToken.h"
#include "bridge/http/ConnectionWatchdog.h"
#include "bridge/http/DataSourceHandler.h"
#include "bridge/http/DocumentHandler.h"
#include "bridge/http/HttpReplies.h"
#include "bridge/http/ReceiveLoop.h"

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServerDispatcher.h>

#include <sys/resource.h>
#include <sys/socket.h>

using Poco::Net::HTTPResponse;

namespace dpp::bridge {

namespace {

class FixedReply : public Poco::Net::HTTPRequestHandler {
public:
    FixedReply(HTTPResponse::HTTPStatus status, std::string message)
        : status_(status), message_(std::move(message)) {}
    void handleRequest(Poco::Net::HTTPServerRequest&,
                       Poco::Net::HTTPServerResponse& response) override {
        if (status_ == HTTPResponse::HTTP_OK)
            replyJson(response, status_, "{\"status\": \"ok\"}\n");
        else
            replyError(response, status_, message_);
    }

private:
    HTTPResponse::HTTPStatus status_;
    std::string message_;
};

// Wraps every handler: a request without a body has arrived whole when its handler starts;
// after the answer, the connection's next request is watched again.
class WatchedHandler : public Poco::Net::HTTPRequestHandler {
public:
    explicit WatchedHandler(Poco::Net::HTTPRequestHandler* inner) : inner_(inner) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
        ConnectionWatchdog::requestStarted();
        if (!request.hasContentLength() && !request.getChunkedTransferEncoding())
            ConnectionWatchdog::requestArrived();
        // Kept-alive connections must not starve those waiting for a thread (a sender with
        // more connections than server.threads would otherwise wait for an idle timeout).
        if (ConnectionWatchdog::othersWaiting())
            response.setKeepAlive(false);
        inner_->handleRequest(request, response);
        ConnectionWatchdog::requestAnswered();
    }

private:
    std::unique_ptr<Poco::Net::HTTPRequestHandler> inner_;
};

// POCO's HTTP connection, watched by the server's ConnectionWatchdog while it lives.
class WatchedConnection : public Poco::Net::HTTPServerConnection {
public:
    WatchedConnection(const Poco::Net::StreamSocket& socket,
                      Poco::Net::HTTPServerParams::Ptr params,
                      Poco::Net::HTTPRequestHandlerFactory::Ptr factory,
                      ConnectionWatchdog& watchdog)
        : Poco::Net::HTTPServerConnection(socket, params, factory), watchdog_(watchdog) {}

    void run() override {
        ConnectionWatchdog::Scope watched(watchdog_, socket());
        Poco::Net::HTTPServerConnection::run();
    }

private:
    ConnectionWatchdog& watchdog_;
};

class WatchedConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
public:
    WatchedConnectionFactory(Poco::Net::HTTPServerParams::Ptr params,
                             Poco::Net::HTTPRequestHandlerFactory::Ptr factory,
                             ConnectionWatchdog& watchdog)
        : params_(std::move(params)), factory_(std::move(factory)), watchdog_(watchdog) {}

    Poco::Net::TCPServerConnection*
    createConnection(const Poco::Net::StreamSocket& socket) override {
        return new WatchedConnection(socket, params_, factory_, watchdog_);
    }

private:
    Poco::Net::HTTPServerParams::Ptr params_;
    Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
    ConnectionWatchdog& watchdog_;
};

class Router : public Poco::Net::HTTPRequestHandlerFactory {
public:
    Router(const Config& config, Database& database, ReceiveTally& tally)
        : config_(config), database_(database), tally_(tally), dataSources_(database),
          knownSources_(database, dataSources_), receivedPosts_(database),
          limits_(PostLimits::from(config)), rates_(config.postsPerSecond),
          intake_(config, receivedPosts_, knownSources_, limits_, rates_, tally),
          adminToken_(loadAdminToken(config)) {}

    Poco::Net::HTTPRequestHandler*
    createRequestHandler(const Poco::Net::HTTPServerRequest& request) override {
        return new WatchedHandler(route(request));
    }

    PostIntake& intake() { return intake_; }

    // What HTTPServer::stopAll(false) does: a kept-alive connection ends after its request.
    void endKeptAliveConnections() { serverStopped(this, false); }

private:
    Poco::Net::HTTPRequestHandler* route(const Poco::Net::HTTPServerRequest& request) {
        std::string_view uri = request.getURI();
        std::string_view path = uri.substr(0, uri.find('?'));
        if (path == "/health")
            return new FixedReply(HTTPResponse::HTTP_OK, "");
        if (path.starts_with("/post/")) {
            if (std::optional<std::string_view> token = dataSourceToken(uri))
                return new DataSourceHandler(intake_, std::string(*token));
            return new FixedReply(HTTPResponse::HTTP_NOT_FOUND, "no data source at this address");
        }
        if (path.starts_with("/docs/"))
            return new DocumentHandler(config_, database_, clock_);
        if (path == "/admin" || path.starts_with("/admin/"))
            return new AdminHandler(database_, adminToken_);
        return new FixedReply(HTTPResponse::HTTP_NOT_FOUND, "nothing at this address");
    }

    const Config& config_;
    Database& database_;
    ReceiveTally& tally_;
    SystemClock clock_;
    DataSourceStore dataSources_;
    DataSourceCache knownSources_;
    ReceivedPosts receivedPosts_;
    PostLimits limits_;
    PostRateLimiter rates_;
    PostIntake intake_;
    std::optional<std::string> adminToken_;
};

} // namespace

Poco::Net::SocketAddress parseListenAddress(const std::string& listen) {
    std::string text = listen;
    if (text.find(':') == std::string::npos)
        text = "127.0.0.1:" + text;
    else if (text.front() == ':')
        text = "0.0.0.0" + text;
    try {
        return Poco::Net::SocketAddress(text);
    } catch (const Poco::Exception& error) {
        throw InputError("listen address '" + listen +
                         "' is not HOST:PORT: " + error.displayText());
    }
}

BridgeServer::BridgeServer(const Config& config, Database& database, const std::string& listen)
    : maxQueued_(config.serverMaxQueued),
      watchdog_(std::make_unique<ConnectionWatchdog>(config.requestDeadline, config.idleTimeout)) {
    Poco::Net::ServerSocket socket;
    Poco::Net::SocketAddress address = parseListenAddress(listen);
    try {
        socket.bind(address, true);
        socket.listen(static_cast<int>(std::max<std::size_t>(config.serverMaxQueued, 64)));
    } catch (const Poco::Exception& error) {
        throw InputError("cannot listen on " + listen + ": " + error.displayText());
    }
    port_ = socket.address().port();
    socket_ = socket;
    int threads = static_cast<int>(config.serverThreads);
    pool_ = std::make_unique<Poco::ThreadPool>(std::min(2, threads), threads + 1);
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(threads);
    params->setMaxQueued(static_cast<int>(config.serverMaxQueued));
    params->setKeepAlive(true);
    params->setMaxKeepAliveRequests(10000);
    auto span = [](std::chrono::milliseconds ms) {
        return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
    };
    params->setKeepAliveTimeout(span(config.idleTimeout));
    params->setTimeout(span(config.readTimeout));
    router_ = new Router(config, database, tally_);
    Poco::Net::TCPServerConnectionFactory::Ptr connections =
        new WatchedConnectionFactory(params, router_, *watchdog_);
    if (config.receiveLoops == 0) {
        server_ = std::make_unique<Poco::Net::TCPServer>(connections, *pool_, socket, params);
        watchdog_->setQueueProbe([server = server_.get()] { return server->queuedConnections(); });
        return;
    }
    // The loops hold many connections each: a process's usual 1,024 files would not do.
    rlimit files{};
    if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = std::min<rlim_t>(files.rlim_max, 65536);
        ::setrlimit(RLIMIT_NOFILE, &files);
    }
    socket_.setBlocking(false); // the first loop accepts until the queue is empty
    dispatcher_ = new Poco::Net::TCPServerDispatcher(connections, *pool_, params);
    auto handOver = [dispatcher = dispatcher_](const Poco::Net::StreamSocket& handed) {
        dispatcher->enqueue(handed);
    };
    std::size_t perLoop = std::max<std::size_t>(
        1, (config.serverMaxQueued + config.receiveLoops - 1) / config.receiveLoops);
    PostIntake& intake = static_cast<Router&>(*router_).intake();
    std::vector<ReceiveLoop*> loops;
    for (std::size_t i = 0; i < config.receiveLoops; ++i) {
        loops_.push_back(std::make_unique<ReceiveLoop>(
            i == 0 ? socket_.impl()->sockfd() : -1, intake, handOver, config.idleTimeout, perLoop));
        loops.push_back(loops_.back().get());
    }
    loops_.front()->setSiblings(loops);
    watchdog_->setQueueProbe(
        [dispatcher = dispatcher_] { return dispatcher->queuedConnections(); });
}

BridgeServer::~BridgeServer() {
    stop();
    loops_.clear();
    if (dispatcher_)
        dispatcher_->release();
}

int BridgeServer::queuedConnections() const {
    return server_ ? server_->queuedConnections() : dispatcher_->queuedConnections();
}

int BridgeServer::refusedConnections() const {
    return server_ ? server_->refusedConnections() : dispatcher_->refusedConnections();
}

void BridgeServer::start() {
    watchdog_->start();
    if (server_)
        server_->start();
    for (auto& loop : loops_)
        loop->start();
    watcher_ = std::thread([this] { watchRefusals(); });
}

void BridgeServer::watchRefusals() {
    int reported = 0;
    auto lastTally = std::chrono::steady_clock::now();
    std::unique_lock lock(mutex_);
    while (!stopped_) {
        stopping_.wait_for(lock, std::chrono::seconds(1));
        if (std::chrono::steady_clock::now() - lastTally >= std::chrono::minutes(1) || stopped_) {
            lastTally = std::chrono::steady_clock::now();
            ReceiveTally::Counts counts = tally_.take();
            if (counts.stored + counts.repeated + counts.refused + counts.updated +
                    counts.rejected >
                0)
                logInfo("data sources: " + std::to_string(counts.stored) + " contact(s) stored, " +
                        (counts.updated ? std::to_string(counts.updated) + " updated, " : "") +
                        (counts.rejected
                             ? std::to_string(counts.rejected) + " rejected as duplicates, "
                             : "") +
                        std::to_string(counts.repeated) + " repeated post(s), " +
                        std::to_string(counts.refused) + " refused" +
                        (stopped_ ? " since the last report" : " in the last minute"));
        }
        int refused = refusedConnections();
        if (refused > reported) {
            logWarning(std::to_string(refused - reported) +
                       " connection(s) refused: all server threads busy and the queue full "
                       "(server.threads, server.max_queued=" +
                       std::to_string(maxQueued_) + ")");
            reported = refused;
        }
    }
}

void BridgeServer::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopped_)
            return;
        stopped_ = true;
    }
    stopping_.notify_all();
    if (watcher_.joinable())
        watcher_.join();
    for (auto& loop : loops_)
        loop->stop(); // no connection is accepted or handed over after this
    if (server_) {
        // POCO's acceptor polls every 250 ms; shutting the listening socket wakes it now.
        ::shutdown(socket_.impl()->sockfd(), SHUT_RDWR);
        server_->stop();
    }
    if (dispatcher_)
        dispatcher_->stop();
    static_cast<Router&>(*router_).endKeptAliveConnections();
    if (pool_)
        pool_->joinAll();
    watchdog_->stop();
}

} // namespace dpp::bridge
