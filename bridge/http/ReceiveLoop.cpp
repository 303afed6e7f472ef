#include "bridge/http/ReceiveLoop.h"

#include "bridge/receive/AcceptPreference.h"

#include "bridge/Log.h"
#include "bridge/http/RequestHead.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Net/StreamSocketImpl.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>
#include <system_error>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace dpp::bridge {

using namespace std::chrono_literals;

namespace {

constexpr std::uint64_t kListenerTag = ~std::uint64_t{0};
constexpr std::uint64_t kWakeTag = ~std::uint64_t{0} - 1;
constexpr std::chrono::seconds kSweepEvery{1};

// The Date header's value, formatted once a second.
class HttpDate {
public:
    const std::string& now() {
        std::time_t second = std::time(nullptr);
        if (second != second_) {
            second_ = second;
            text_ = Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(second),
                                                    Poco::DateTimeFormat::HTTP_FORMAT);
        }
        return text_;
    }

private:
    std::time_t second_ = 0;
    std::string text_;
};

// The same bytes POCO's HTTPServerResponse writes for a reply (bridge/http/HttpReplies.cpp).
void appendResponse(std::string& out, const PostReply& reply, bool close, HttpDate& date) {
    out += "HTTP/1.1 ";
    out += std::to_string(static_cast<int>(reply.status));
    out += ' ';
    out += Poco::Net::HTTPResponse::getReasonForStatus(reply.status);
    out += "\r\nDate: ";
    out += date.now();
    out += close ? "\r\nConnection: Close" : "\r\nConnection: Keep-Alive";
    if (reply.retryAfter)
        out += "\r\nRetry-After: 1";
    if (reply.allowGetPost)
        out += "\r\nAllow: GET, POST";
    if (!reply.location.empty()) {
        out += "\r\nLocation: ";
        out += reply.location;
    }
    out += "\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ";
    out += std::to_string(reply.json.size());
    out += "\r\n\r\n";
    out += reply.json;
}

std::int64_t steadyMs(std::chrono::steady_clock::time_point at) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

} // namespace

struct ReceiveLoop::Connection {
    Poco::Net::StreamSocket socket;
    std::string output; // answers not yet written
    std::size_t written = 0;
    bool blocked = false;             // the last write could not finish: waiting for EPOLLOUT
    bool closeWhenWritten = false;    // after the answers owed
    bool handOverWhenWritten = false; // after the answers owed
    bool inBatch = false;             // a request of it waits in this round's batch
    bool peerDone = false;            // the peer shut its side: no event will follow
    Clock::time_point lastActivity;
    std::optional<Clock::time_point> partialSince; // part of a request waits for the rest
};

struct ReceiveLoop::Request {
    int socket = -1;
    bool close = false;
    std::string method, target, token, contentType, body, idempotencyKey, hops;
    bool prefersHtml = false;
    std::int64_t sourceChange = 0;
    PostIntake::Post post;
};

ReceiveLoop::ReceiveLoop(int listeningSocket, PostIntake& intake, HandOver handOver,
                         std::chrono::milliseconds idleTimeout, std::size_t maxConnections)
    : listener_(listeningSocket), intake_(intake), handOver_(std::move(handOver)),
      idleTimeout_(idleTimeout), maxConnections_(maxConnections) {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0)
        throw std::system_error(errno, std::generic_category(), "epoll_create1");
    wake_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_ < 0) {
        int error = errno;
        ::close(epoll_);
        throw std::system_error(error, std::generic_category(), "eventfd");
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = kWakeTag;
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &event);
    if (listener_ >= 0) {
        event.data.u64 = kListenerTag;
        ::epoll_ctl(epoll_, EPOLL_CTL_ADD, listener_, &event);
    }
    peeked_.resize(kMostRequestBytes);
}

ReceiveLoop::~ReceiveLoop() {
    stop();
    connections_.clear();
    ::close(wake_);
    ::close(epoll_);
}

void ReceiveLoop::start() {
    thread_ = std::thread([this] { run(); });
}

void ReceiveLoop::stop() {
    stopping_ = true;
    std::uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(wake_, &one, sizeof(one));
    if (thread_.joinable())
        thread_.join();
}

void ReceiveLoop::adopt(Poco::Net::StreamSocket socket) {
    held_.fetch_add(1, std::memory_order_relaxed); // counted at once, so the next goes elsewhere
    {
        std::lock_guard lock(adoptedMutex_);
        adopted_.push_back(std::move(socket));
    }
    std::uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(wake_, &one, sizeof(one));
}

void ReceiveLoop::run() {
    std::vector<Request> batch;
    Clock::time_point nextSweep = Clock::now() + kSweepEvery;
    std::size_t expectedBack = 0; // answered last round on connections kept alive
    while (!stopping_) {
        std::chrono::nanoseconds timeout{0};
        if (readAgain_.empty()) {
            timeout =
                std::clamp<std::chrono::nanoseconds>(nextSweep - Clock::now() + 1ms, 0ms, 1000ms);
            if (!waitingForRest_.empty())
                timeout = std::min<std::chrono::nanoseconds>(timeout, 10ms);
        }
        batch.clear();
        if (!collect(timeout, batch))
            break;
        // Group commit: the connections answered last round are about to post again; waiting
        // a little for them puts their posts in this round's transaction rather than in a
        // second synced commit (bench/NOTES.md, 2026-11-29, night).
        Clock::time_point lingerUntil = Clock::now() + kLinger;
        while (!batch.empty() && batch.size() < expectedBack && !stopping_) {
            auto left = lingerUntil - Clock::now();
            if (left <= 0ns || !collect(left, batch))
                break;
        }
        if (!batch.empty())
            expectedBack = answer(batch);
        Clock::time_point now = Clock::now();
        if (!waitingForRest_.empty())
            handOverSlowSenders(now);
        if (now >= nextSweep) {
            sweep(now);
            nextSweep = now + kSweepEvery;
        }
    }
    std::vector<int> open;
    for (const auto& [socket, connection] : connections_)
        open.push_back(socket);
    for (int socket : open)
        close(socket);
    std::lock_guard lock(adoptedMutex_);
    adopted_.clear();
}

bool ReceiveLoop::collect(std::chrono::nanoseconds timeout, std::vector<Request>& batch) {
    epoll_event events[256];
    timespec wait{static_cast<time_t>(timeout.count() / 1000000000),
                  static_cast<long>(timeout.count() % 1000000000)};
    int count = -1;
    errno = ENOSYS;
    if (havePwait2_)
        count = ::epoll_pwait2(epoll_, events, 256, &wait, nullptr);
    if (count < 0 && errno == ENOSYS) { // a kernel before 5.11: milliseconds, rounded up
        havePwait2_ = false;
        auto ms = std::chrono::ceil<std::chrono::milliseconds>(timeout).count();
        count = ::epoll_wait(epoll_, events, 256, static_cast<int>(ms));
    }
    if (count < 0 && errno != EINTR) {
        logError(std::string("receive loop: epoll_pwait2 failed: ") + std::strerror(errno));
        return false;
    }
    Clock::time_point now = Clock::now();
    std::vector<int>& readable = readable_; // kept between calls, as readAgain_: no allocation
    readable.clear();
    readable.swap(readAgain_);
    for (int i = 0; i < count; ++i) {
        std::uint64_t tag = events[i].data.u64;
        if (tag == kWakeTag) {
            std::uint64_t value;
            [[maybe_unused]] auto got = ::read(wake_, &value, sizeof(value));
            takeAdopted(now);
            continue;
        }
        if (tag == kListenerTag) {
            acceptAll(now);
            continue;
        }
        int socket = static_cast<int>(tag);
        auto found = connections_.find(socket);
        if (found == connections_.end())
            continue;
        if ((events[i].events & EPOLLOUT) && found->second->blocked) {
            flush(*found->second);
            if (!connections_.count(socket))
                continue;
        }
        if (events[i].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
            found->second->peerDone = true;
        if (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
            readable.push_back(socket);
    }
    std::sort(readable.begin(), readable.end());
    readable.erase(std::unique(readable.begin(), readable.end()), readable.end());
    for (int socket : readable) {
        auto found = connections_.find(socket);
        if (found == connections_.end())
            continue;
        Connection& connection = *found->second;
        if (connection.inBatch) {
            readAgain_.push_back(socket); // one request per connection and round
            continue;
        }
        if (connection.blocked || connection.closeWhenWritten || connection.handOverWhenWritten)
            continue; // read again once its answers are written (flush)
        readRequests(connection, batch, now);
    }
    return true;
}

void ReceiveLoop::acceptAll(Clock::time_point now) {
    for (;;) {
        int socket = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (socket < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                // Accepting again at the next sweep; until then the connections wait in the
                // kernel's queue (server.max_queued).
                logWarning(std::string("receive loop: cannot accept a connection: ") +
                           std::strerror(errno) + "; accepting again in a second");
                ::epoll_ctl(epoll_, EPOLL_CTL_DEL, listener_, nullptr);
                listenerPaused_ = true;
            }
            return;
        }
        int yes = 1;
        ::setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
        Poco::Net::StreamSocket accepted(new Poco::Net::StreamSocketImpl(socket));
        ReceiveLoop* least = this;
        for (ReceiveLoop* sibling : siblings_)
            if (sibling->connectionCount() < least->connectionCount())
                least = sibling;
        if (least->connectionCount() >= maxConnections_)
            handOver_(accepted); // POCO's threads and queue take it, or refuse it counted
        else if (least == this) {
            held_.fetch_add(1, std::memory_order_relaxed);
            take(std::move(accepted), now);
        } else
            least->adopt(std::move(accepted));
    }
}

void ReceiveLoop::takeAdopted(Clock::time_point now) {
    std::vector<Poco::Net::StreamSocket> adopted;
    {
        std::lock_guard lock(adoptedMutex_);
        adopted.swap(adopted_);
    }
    for (Poco::Net::StreamSocket& socket : adopted)
        take(std::move(socket), now);
}

// Holds an accepted socket (already counted in held_).
void ReceiveLoop::take(Poco::Net::StreamSocket socket, Clock::time_point now) {
    int handle = socket.impl()->sockfd();
    auto connection = std::make_unique<Connection>();
    connection->socket = std::move(socket);
    connection->lastActivity = now;
    connections_[handle] = std::move(connection);
    epoll_event event{};
    event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    event.data.u64 = static_cast<std::uint64_t>(handle);
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, handle, &event) != 0)
        close(handle);
}

void ReceiveLoop::readRequests(Connection& connection, std::vector<Request>& batch,
                               Clock::time_point now) {
    int socket = connection.socket.impl()->sockfd();
    ssize_t got = ::recv(socket, peeked_.data(), peeked_.size(), MSG_PEEK | MSG_DONTWAIT);
    if (got == 0) { // the peer is done sending; nothing is owed
        close(socket);
        return;
    }
    if (got < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            close(socket);
        return;
    }
    auto size = static_cast<std::size_t>(got);
    std::string_view bytes(peeked_.data(), size);
    RequestHead head;
    RequestHead::Outcome outcome = parseRequestHead(bytes, head);
    std::optional<std::string_view> token;
    if (outcome == RequestHead::Outcome::Plain)
        token = dataSourceToken(head.target);
    bool plainPost = outcome == RequestHead::Outcome::Plain && token &&
                     (head.method == "POST" || (head.method == "GET" && head.contentLength == 0)) &&
                     head.contentLength <= intake_.limits().maxBodyBytes &&
                     head.headLength + head.contentLength <= kMostRequestBytes;
    if (outcome == RequestHead::Outcome::Incomplete && size < kMostRequestBytes) {
        if (!connection.partialSince) {
            connection.partialSince = now;
            waitingForRest_.push_back(socket);
        }
        return;
    }
    if (!plainPost) {
        handOverNow(socket);
        return;
    }
    std::size_t total = head.headLength + static_cast<std::size_t>(head.contentLength);
    if (total > size) {
        if (!connection.partialSince) {
            connection.partialSince = now;
            waitingForRest_.push_back(socket);
        }
        return;
    }
    Request request;
    request.socket = socket;
    request.close = head.close;
    request.method = head.method;
    request.target = head.target;
    request.token = *token;
    request.contentType = head.contentType;
    request.body = bytes.substr(head.headLength, static_cast<std::size_t>(head.contentLength));
    // As POCO's handler reads it: Idempotency-Key when present, even empty, else webhook-id.
    request.idempotencyKey = head.hasIdempotencyKey ? head.idempotencyKey : head.webhookId;
    request.hops = head.hops;
    request.prefersHtml = prefersHtml(head.accept);
    request.sourceChange = sourceChangeOf(head.change);
    // The request is read now that it will be answered.
    if (::recv(socket, peeked_.data(), total, MSG_DONTWAIT) != static_cast<ssize_t>(total)) {
        close(socket);
        return;
    }
    connection.partialSince.reset();
    connection.lastActivity = now;
    if (head.close)
        connection.closeWhenWritten = true;
    else if (size > total)
        readAgain_.push_back(socket); // a pipelined request behind it: read in the next round
    connection.inBatch = true;
    batch.push_back(std::move(request));
}

std::size_t ReceiveLoop::answer(std::vector<Request>& batch) {
    std::int64_t nowMs = steadyMs(Clock::now());
    std::vector<PostIntake::Post*> posts;
    posts.reserve(batch.size());
    for (Request& request : batch) {
        PostIntake::Post& post = request.post;
        intake_.admit(post, request.token, request.method, nowMs);
        post.prefersHtml = request.prefersHtml;
        post.sourceChange = request.sourceChange;
        if (!post.reply)
            intake_.prepare(post, request.method, request.target, request.contentType, request.body,
                            std::move(request.idempotencyKey), std::move(request.hops));
        posts.push_back(&post);
    }
    intake_.storeAll(posts);
    static thread_local HttpDate date;
    for (Request& request : batch) {
        auto found = connections_.find(request.socket);
        if (found == connections_.end())
            continue;
        Connection& connection = *found->second;
        const PostReply& reply = *request.post.reply;
        bool close = request.close || reply.close;
        appendResponse(connection.output, reply, close, date);
        if (close)
            connection.closeWhenWritten = true;
    }
    std::size_t keptAlive = 0;
    for (Request& request : batch)
        if (auto found = connections_.find(request.socket); found != connections_.end()) {
            found->second->inBatch = false;
            keptAlive += found->second->closeWhenWritten ? 0 : 1;
            if (found->second->peerDone)
                readAgain_.push_back(request.socket); // what is left, or the end: then closed
            if (!found->second->output.empty() && !found->second->blocked)
                flush(*found->second);
        }
    return keptAlive;
}

void ReceiveLoop::flush(Connection& connection) {
    int socket = connection.socket.impl()->sockfd();
    while (connection.written < connection.output.size()) {
        ssize_t sent =
            ::send(socket, connection.output.data() + connection.written,
                   connection.output.size() - connection.written, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                connection.blocked = true; // EPOLLOUT calls again
                return;
            }
            close(socket);
            return;
        }
        connection.written += static_cast<std::size_t>(sent);
    }
    connection.output.clear();
    connection.written = 0;
    if (connection.blocked) {
        connection.blocked = false;
        readAgain_.push_back(socket); // requests that came meanwhile raised no new event
    }
    settle(connection);
}

void ReceiveLoop::settle(Connection& connection) {
    if (!connection.output.empty())
        return;
    int socket = connection.socket.impl()->sockfd();
    if (connection.closeWhenWritten)
        close(socket);
    else if (connection.handOverWhenWritten)
        handOverNow(socket);
}

void ReceiveLoop::close(int socket) {
    auto found = connections_.find(socket);
    if (found == connections_.end())
        return;
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, socket, nullptr);
    connections_.erase(found); // closes the socket (its last reference)
    held_.fetch_sub(1, std::memory_order_relaxed);
}

void ReceiveLoop::handOverNow(int socket) {
    auto found = connections_.find(socket);
    if (found == connections_.end())
        return;
    Connection& connection = *found->second;
    if (!connection.output.empty()) {
        connection.handOverWhenWritten = true; // after the answers it is owed
        return;
    }
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, socket, nullptr);
    Poco::Net::StreamSocket handed = connection.socket;
    connections_.erase(found);
    held_.fetch_sub(1, std::memory_order_relaxed);
    handOver_(handed);
}

void ReceiveLoop::handOverSlowSenders(Clock::time_point now) {
    // Part of a request waiting longer than kWaitForRest: a slow sender, served by a
    // connection thread under the watchdog's deadline.
    std::vector<int> waiting;
    waiting.swap(waitingForRest_);
    for (int socket : waiting) {
        auto found = connections_.find(socket);
        if (found == connections_.end() || !found->second->partialSince)
            continue;
        if (now - *found->second->partialSince >= kWaitForRest)
            handOverNow(socket);
        else
            waitingForRest_.push_back(socket);
    }
}

void ReceiveLoop::sweep(Clock::time_point now) {
    if (listenerPaused_) {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.u64 = kListenerTag;
        if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, listener_, &event) == 0)
            listenerPaused_ = false;
    }
    std::vector<int> idle;
    for (const auto& [socket, connection] : connections_)
        // Idle, or not reading its answers (the output waits): closed.
        if (!connection->partialSince && now - connection->lastActivity >= idleTimeout_)
            idle.push_back(socket);
    for (int socket : idle)
        close(socket);
}

} // namespace dpp::bridge
