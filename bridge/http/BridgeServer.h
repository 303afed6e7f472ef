#pragma once
// The HTTP side of `serve`: receive loops (server.receive_loops) serving posts to data
// sources many connections per thread, and POCO's HTTP connections on a thread pool for
// everything else they hand over (or every connection, with no loops): /post/<token>/ to data
// sources, /docs/ to partners, /admin/ and /health.
// Connections the queue cannot hold are counted and logged, never dropped silently; a request
// that does not arrive within server.request_deadline is answered 408 and closed. start() and
// stop() are called from one thread; request handling runs on the pool.
#include "bridge/Config.h"
#include "bridge/receive/ReceiveTally.h"
#include "bridge/store/Database.h"

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerDispatcher.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace dpp::bridge {

class ConnectionWatchdog;
class ReceiveLoop;

class BridgeServer {
public:
    // Binds at once (port 0 picks a free port); throws InputError when it cannot.
    BridgeServer(const Config& config, Database& database, const std::string& listen);
    ~BridgeServer();

    void start();
    void stop(); // stops accepting, waits for running requests
    std::uint16_t port() const { return port_; }
    // Accepted connections waiting for a server thread (server.threads all busy).
    int queuedConnections() const;
    // Connections refused: all server threads busy and the queue full.
    int refusedConnections() const;

private:
    void watchRefusals();

    std::size_t maxQueued_;
    std::unique_ptr<Poco::ThreadPool> pool_;
    Poco::Net::ServerSocket socket_; // shares the listening socket with server_
    ReceiveTally tally_;
    std::unique_ptr<ConnectionWatchdog> watchdog_;
    Poco::Net::HTTPRequestHandlerFactory::Ptr router_;
    std::unique_ptr<Poco::Net::TCPServer> server_;         // with no receive loops
    Poco::Net::TCPServerDispatcher* dispatcher_ = nullptr; // with them: what they hand over
    std::vector<std::unique_ptr<ReceiveLoop>> loops_;
    std::uint16_t port_ = 0;
    std::thread watcher_;
    std::mutex mutex_;
    std::condition_variable stopping_;
    bool stopped_ = false;
};

// "HOST:PORT" or ":PORT" or "PORT" -> address; throws InputError naming the text.
Poco::Net::SocketAddress parseListenAddress(const std::string& listen);

} // namespace dpp::bridge
