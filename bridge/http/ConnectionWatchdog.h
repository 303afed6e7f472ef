#pragma once
// Bounds how long a client may take to send a request (server.request_deadline), so a client
// trickling its headers or body a byte at a time cannot hold a server thread: past the
// deadline the watchdog answers 408 on the socket, shuts it down, and logs it. A connection is
// watched while its request is being read; handlers mark when the request has arrived whole
// (requestArrived) and the connection re-arms after each answer for the next request
// (idle timeout + deadline). It also keeps kept-alive connections from starving new ones: while
// connections wait for a server thread, an answer closes its connection (othersWaiting) and a
// connection idle for a second between requests is closed. Thread-safe; one watchdog thread
// per server.
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace dpp::bridge {

class ConnectionWatchdog {
public:
    using Clock = std::chrono::steady_clock;

    ConnectionWatchdog(std::chrono::milliseconds requestDeadline,
                       std::chrono::milliseconds idleTimeout);
    ~ConnectionWatchdog();
    ConnectionWatchdog(const ConnectionWatchdog&) = delete;
    ConnectionWatchdog& operator=(const ConnectionWatchdog&) = delete;

    // How many accepted connections wait for a server thread (TCPServer::queuedConnections).
    // Set once, before start() (read without a lock afterwards).
    void setQueueProbe(std::function<int()> queuedConnections);
    void start();
    void stop();

    // The connection a server thread serves, watched for as long as the scope lives; the
    // socket must outlive the scope.
    class Scope {
    public:
        Scope(ConnectionWatchdog& watchdog, Poco::Net::StreamSocket& socket);
        ~Scope();
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;

    private:
        ConnectionWatchdog& watchdog_;
        std::uint64_t ticket_;
    };

    // Called on the serving thread: the current request has been read whole (not watched
    // while it is handled), and the current request has been answered (the next one must
    // arrive within idle timeout + deadline). No-ops on a thread without a Scope.
    static void requestArrived();
    static void requestAnswered();
    // Called on the serving thread when a request's headers have been read: the connection
    // is no longer idle between requests.
    static void requestStarted();
    // Whether connections wait for a server thread: the current answer should then close its
    // connection so that its thread serves the next one. False on a thread without a Scope.
    static bool othersWaiting();

    std::size_t closedConnections() const;

private:
    struct Watched {
        Poco::Net::StreamSocket socket;
        std::string peer;
        Clock::time_point deadline;
        bool armed = true;
        bool betweenRequests = false; // answered, the next request not yet begun
        Clock::time_point answeredAt;
    };
    static constexpr std::chrono::seconds kYieldAfterIdle{1};
    static constexpr std::chrono::seconds kLongestSleep{1}; // between two rounds of the watchdog

    std::uint64_t watch(Poco::Net::StreamSocket& socket);
    void forget(std::uint64_t ticket);
    void arm(std::uint64_t ticket, Clock::duration within, bool answered);
    void disarm(std::uint64_t ticket);
    void run();
    void closeLate(Watched& watched);
    void yieldIdle(Clock::time_point now);

    std::chrono::milliseconds requestDeadline_;
    std::chrono::milliseconds idleTimeout_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::uint64_t, Watched> watched_;
    std::uint64_t nextTicket_ = 1;
    std::size_t closed_ = 0;
    std::function<int()> queuedConnections_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace dpp::bridge
