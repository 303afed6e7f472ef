#include "bridge/http/BridgeServer.h"

#include "bridge/InputError.h"
#include "bridge/Log.h"
#include "bridge/documents/DocumentHandler.h"
#include "bridge/http/HttpReplies.h"
#include "bridge/receive/DataSourceHandler.h"

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>

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

bool isHexToken(std::string_view text) {
    if (text.size() != 40)
        return false;
    for (char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

class Router : public Poco::Net::HTTPRequestHandlerFactory {
public:
    Router(const Config& config, Database& database, ReceiveLimits limits)
        : config_(config), database_(database), dataSources_(database, true), limits_(limits) {}

    Poco::Net::HTTPRequestHandler*
    createRequestHandler(const Poco::Net::HTTPServerRequest& request) override {
        std::string_view uri = request.getURI();
        std::string_view path = uri.substr(0, uri.find('?'));
        if (path == "/health")
            return new FixedReply(HTTPResponse::HTTP_OK, "");
        if (path.starts_with("/post/")) {
            std::string_view token = path.substr(6);
            if (token.ends_with('/'))
                token.remove_suffix(1);
            if (isHexToken(token))
                return new DataSourceHandler(config_, database_, dataSources_, limits_,
                                             std::string(token));
            return new FixedReply(HTTPResponse::HTTP_NOT_FOUND, "no data source at this address");
        }
        if (path.starts_with("/docs/"))
            return new DocumentHandler(config_, database_, clock_);
        return new FixedReply(HTTPResponse::HTTP_NOT_FOUND, "nothing at this address");
    }

private:
    const Config& config_;
    Database& database_;
    SystemClock clock_;
    DataSourceStore dataSources_;
    ReceiveLimits limits_;
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
    : maxQueued_(config.serverMaxQueued) {
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
    params->setKeepAliveTimeout(Poco::Timespan(15, 0));
    params->setTimeout(Poco::Timespan(30, 0));
    ReceiveLimits limits{config.maxBodyBytes};
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Router(config, database, limits), *pool_,
                                                      socket, params);
}

BridgeServer::~BridgeServer() {
    stop();
}

void BridgeServer::start() {
    server_->start();
    watcher_ = std::thread([this] { watchRefusals(); });
}

void BridgeServer::watchRefusals() {
    int reported = 0;
    std::unique_lock lock(mutex_);
    while (!stopped_) {
        stopping_.wait_for(lock, std::chrono::seconds(1));
        int refused = server_->refusedConnections();
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
    if (server_) {
        // POCO's acceptor polls every 250 ms; shutting the listening socket wakes it now.
        ::shutdown(socket_.impl()->sockfd(), SHUT_RDWR);
        server_->stopAll(false);
    }
    if (pool_)
        pool_->joinAll();
}

} // namespace dpp::bridge
