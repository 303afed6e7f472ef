#include "bridge/http/ConnectionWatchdog.h"

#include "bridge/Config.h"
#include "bridge/Log.h"

#include <sys/socket.h>

namespace dpp::bridge {

namespace {

struct CurrentConnection {
    ConnectionWatchdog* watchdog = nullptr;
    std::uint64_t ticket = 0;
};
thread_local CurrentConnection current;

} // namespace

ConnectionWatchdog::ConnectionWatchdog(std::chrono::milliseconds requestDeadline,
                                       std::chrono::milliseconds idleTimeout)
    : requestDeadline_(requestDeadline), idleTimeout_(idleTimeout) {}

ConnectionWatchdog::~ConnectionWatchdog() {
    stop();
}

void ConnectionWatchdog::start() {
    std::lock_guard lock(mutex_);
    if (!thread_.joinable())
        thread_ = std::thread([this] { run(); });
}

void ConnectionWatchdog::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

ConnectionWatchdog::Scope::Scope(ConnectionWatchdog& watchdog, Poco::Net::StreamSocket& socket)
    : watchdog_(watchdog), ticket_(watchdog.watch(socket)) {
    current = {&watchdog_, ticket_};
}

ConnectionWatchdog::Scope::~Scope() {
    current = {};
    watchdog_.forget(ticket_);
}

void ConnectionWatchdog::requestArrived() {
    if (current.watchdog)
        current.watchdog->disarm(current.ticket);
}

void ConnectionWatchdog::requestAnswered() {
    if (current.watchdog)
        current.watchdog->arm(current.ticket,
                              current.watchdog->idleTimeout_ + current.watchdog->requestDeadline_);
}

std::size_t ConnectionWatchdog::closedConnections() const {
    std::lock_guard lock(mutex_);
    return closed_;
}

std::uint64_t ConnectionWatchdog::watch(Poco::Net::StreamSocket& socket) {
    std::string peer;
    try {
        peer = socket.peerAddress().toString();
    } catch (const Poco::Exception&) {
        peer = "a client";
    }
    std::uint64_t ticket;
    {
        std::lock_guard lock(mutex_);
        ticket = nextTicket_++;
        watched_.emplace(ticket, Watched{socket, std::move(peer), Clock::now() + requestDeadline_});
    }
    changed_.notify_all();
    return ticket;
}

void ConnectionWatchdog::forget(std::uint64_t ticket) {
    std::lock_guard lock(mutex_);
    watched_.erase(ticket);
}

void ConnectionWatchdog::arm(std::uint64_t ticket, Clock::duration within) {
    {
        std::lock_guard lock(mutex_);
        auto found = watched_.find(ticket);
        if (found == watched_.end())
            return;
        found->second.deadline = Clock::now() + within;
        found->second.armed = true;
    }
    changed_.notify_all();
}

void ConnectionWatchdog::disarm(std::uint64_t ticket) {
    std::lock_guard lock(mutex_);
    auto found = watched_.find(ticket);
    if (found != watched_.end())
        found->second.armed = false;
}

void ConnectionWatchdog::closeLate(Watched& watched) {
    static const std::string answer = [] {
        std::string body = "{\"status\": \"Error\", \"error\": \"the request did not arrive whole "
                           "within the time allowed (server.request_deadline)\"}\n";
        return "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
               "Content-Type: application/json\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body;
    }();
    int fd = watched.socket.impl()->sockfd();
    // Best effort, never blocking: the client may not be reading at all.
    [[maybe_unused]] auto sent =
        ::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::shutdown(fd, SHUT_RDWR);
    watched.armed = false;
    ++closed_;
    logWarning("closed the connection from " + watched.peer +
               ": its request did not arrive whole within server.request_deadline (" +
               formatDuration(requestDeadline_) + ")");
}

void ConnectionWatchdog::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        Clock::time_point now = Clock::now();
        Clock::time_point next = now + std::chrono::seconds(1);
        for (auto& [ticket, watched] : watched_) {
            if (!watched.armed)
                continue;
            if (watched.deadline <= now)
                closeLate(watched);
            else
                next = std::min(next, watched.deadline);
        }
        changed_.wait_until(lock, next);
    }
}

} // namespace dpp::bridge
