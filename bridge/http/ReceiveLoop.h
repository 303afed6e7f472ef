#pragma once
// One thread serving posts to data sources on many kept-alive connections (epoll): the posts
// that arrive together are stored in one group commit (PostIntake::storeAll) and answered
// together, so a post costs no hand-off between threads (bench/NOTES.md, 2026-11-29, night).
// server.receive_loops run side by side: the first accepts every connection and gives each to
// the loop holding the fewest (adopt).
// A loop serves only whole, plain requests to /post/<token>/ (RequestHead): a GET, or a POST
// whose head and body (at most 64 KiB) arrive within 50 ms. It reads nothing it does not
// answer (it peeks), so any other connection is handed over untouched, after the answers it
// already owes, to POCO's connection threads (handOver), which serve it as they always have:
// documents, admin, /health, chunked or large bodies, slow senders. Idle connections close
// after server.idle_timeout. start() and stop() are called from one thread; the handOver
// callback runs on the loop's thread.
#include "bridge/receive/PostIntake.h"

#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace dpp::bridge {

class ReceiveLoop {
public:
    using HandOver = std::function<void(const Poco::Net::StreamSocket&)>;

    // listeningSocket: a non-blocking listening socket this loop accepts on (the caller keeps
    // it open while the loop runs), or -1 for a loop that only serves what it adopts. At most
    // maxConnections are held; beyond them, new connections are handed over at once. Throws
    // std::system_error when epoll cannot start.
    ReceiveLoop(int listeningSocket, PostIntake& intake, HandOver handOver,
                std::chrono::milliseconds idleTimeout, std::size_t maxConnections);
    ~ReceiveLoop();
    ReceiveLoop(const ReceiveLoop&) = delete;
    ReceiveLoop& operator=(const ReceiveLoop&) = delete;

    // The loops the accepting loop shares connections with (itself among them); set before
    // start().
    void setSiblings(std::vector<ReceiveLoop*> siblings) { siblings_ = std::move(siblings); }
    // Takes a connection accepted by another loop. Thread-safe.
    void adopt(Poco::Net::StreamSocket socket);
    std::size_t connectionCount() const { return held_.load(std::memory_order_relaxed); }

    void start();
    // Stops accepting, answers the requests it has read, closes the connections it holds.
    void stop();

    static constexpr std::size_t kMostRequestBytes = 64 * 1024; // head and body
    static constexpr std::chrono::milliseconds kWaitForRest{50};
    // How long a round waits for the connections it answered last to post again (all of
    // them, or until this passes), so that their posts share one synced commit.
    static constexpr std::chrono::microseconds kLinger{300};

private:
    using Clock = std::chrono::steady_clock;
    struct Connection;
    struct Request;

    void run();
    void acceptAll(Clock::time_point now);
    void take(Poco::Net::StreamSocket socket, Clock::time_point now);
    void takeAdopted(Clock::time_point now);
    void readRequests(Connection& connection, std::vector<Request>& batch, Clock::time_point now);
    // One wait for events (at most timeout) and the requests they bring, into batch; false
    // when the loop cannot go on.
    bool collect(std::chrono::nanoseconds timeout, std::vector<Request>& batch);
    // Returns how many of the answered connections stay open.
    std::size_t answer(std::vector<Request>& batch);
    void flush(Connection& connection);
    void settle(Connection& connection); // hands over or closes what is due
    void close(int socket);
    void handOverNow(int socket);
    void handOverSlowSenders(Clock::time_point now);
    void sweep(Clock::time_point now); // idle connections, a paused listener
    void watch(int socket, bool listener);

    int listener_;
    PostIntake& intake_;
    HandOver handOver_;
    std::chrono::milliseconds idleTimeout_;
    std::size_t maxConnections_;
    int epoll_ = -1;
    int wake_ = -1;               // an eventfd: stop() writes it
    bool havePwait2_ = true;      // epoll_pwait2 (Linux 5.11): sub-millisecond waits
    bool listenerPaused_ = false; // out of file descriptors: accepting again at the next sweep
    std::atomic<bool> stopping_{false};
    std::atomic<std::size_t> held_{0};
    std::vector<ReceiveLoop*> siblings_;
    std::mutex adoptedMutex_;
    std::vector<Poco::Net::StreamSocket> adopted_; // guarded by adoptedMutex_
    std::vector<int> waitingForRest_;              // connections holding part of a request
    std::unordered_map<int, std::unique_ptr<Connection>> connections_;
    std::vector<int> readAgain_; // connections with requests left to read without a new event
    std::vector<int> readable_;  // collect()'s connections to read, swapped with readAgain_
    std::string peeked_;         // the bytes of one connection, kMostRequestBytes
    std::thread thread_;
};

} // namespace dpp::bridge
