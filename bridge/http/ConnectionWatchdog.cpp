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

void ConnectionWatchdog::setQueueProbe(std::function<int()> queuedConnections) {
    queuedConnections_ = std::move(queuedConnections);
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
    if (!current.watchdog)
        return;
    ConnectionWatchdog& watchdog = *current.watchdog;
    watchdog.arm(current.ticket, watchdog.idleTimeout_ + watchdog.requestDeadline_, true);
}

void ConnectionWatchdog::requestStarted() {
    if (!current.watchdog)
        return;
    std::lock_guard lock(current.watchdog->mutex_);
    auto found = current.watchdog->watched_.find(current.ticket);
    if (found != current.watchdog->watched_.end())
        found->second.betweenRequests = false;
}

bool ConnectionWatchdog::othersWaiting() {
    // The probe is set before start() and never again: read without the lock.
    if (!current.watchdog || !current.watchdog->queuedConnections_)
        return false;
    return current.watchdog->queuedConnections_() > 0;
}

std::size_t ConnectionWatchdog::closedConnections() const {
    std::lock_guard lock(mutex_);
    return closed_;
}

void ConnectionWatchdog::yieldIdle(Clock::time_point now) {
    if (!queuedConnections_)
        return;
    bool idleOnes = false;
    for (const auto& [ticket, watched] : watched_)
        idleOnes =
            idleOnes || (watched.betweenRequests && now - watched.answeredAt >= kYieldAfterIdle);
    if (!idleOnes || queuedConnections_() <= 0)
        return;
    // An idle kept-alive connection may be closed at any time (RFC 9112, 9.6); its client
    // opens a new one for its next request and queues like everybody else.
    for (auto& [ticket, watched] : watched_) {
        if (!watched.betweenRequests || now - watched.answeredAt < kYieldAfterIdle)
            continue;
        ::shutdown(watched.socket.impl()->sockfd(), SHUT_RDWR);
        watched.betweenRequests = false;
        watched.armed = false;
    }
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
        watched_.emplace(ticket, Watched{socket, std::move(peer), Clock::now() + requestDeadline_,
                                         true, false, Clock::time_point{}});
    }
    if (requestDeadline_ < kLongestSleep) // else the watchdog's next round is soon enough
        changed_.notify_all();
    return ticket;
}

void ConnectionWatchdog::forget(std::uint64_t ticket) {
    std::lock_guard lock(mutex_);
    watched_.erase(ticket);
}

void ConnectionWatchdog::arm(std::uint64_t ticket, Clock::duration within, bool answered) {
    {
        std::lock_guard lock(mutex_);
        auto found = watched_.find(ticket);
        if (found == watched_.end())
            return;
        Clock::time_point now = Clock::now();
        found->second.deadline = now + within;
        found->second.armed = true;
        if (answered) {
            found->second.betweenRequests = true;
            found->second.answeredAt = now;
        }
    }
    // Every answer re-arms: waking the watchdog each time cost a context switch per request.
    if (within < kLongestSleep)
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
        Clock::time_point next = now + kLongestSleep;
        for (auto& [ticket, watched] : watched_) {
            if (!watched.armed)
                continue;
            if (watched.deadline <= now)
                closeLate(watched);
            else
                next = std::min(next, watched.deadline);
        }
        yieldIdle(now);
        changed_.wait_until(lock, next);
    }
}

} // namespace dpp::bridge
