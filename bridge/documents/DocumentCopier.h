#pragma once
// The workers that copy documents named in received __copydocs values. Each claims due
// copies (DocumentCopyStore) under a lease, fetches each one from its source account's
// document endpoint, peers.<source account>.url + /docs/<account>/<contact>/<document>, with
// HTTP Basic peers.<source account>.username/password (HTTPS verified against the system store
// and tls.ca_file; the destination policy applied after DNS), streams the body to a staging
// file through a fixed buffer while hashing it (memory stays flat whatever the size), checks
// size == Content-Length and SHA-256 == X-Document-Sha256, then attaches the document to the
// new contact in one transaction. Each document succeeds, fails and retries on its own, on
// delivery.retry.schedule with its jitter:
//   retried   network errors, timeouts, 401, 403, 404, 408, 429 (Retry-After), 5xx, a short
//             or long body, a checksum mismatch, a local I/O error; 'dead' once the schedule
//             is used up. 401/403/404 are retried because the usual cause is a credential or
//             grant fixed on one side a little later; the schedule bounds the cost.
//   failed    at once: no peers.<account>.url configured (the message names the key), a URL
//             that does not parse, a refused destination, a TLS failure, another 3xx or 4xx.
// Idle workers sleep until the next due time, wake(), or delivery.idle_poll.
// start()/stop()/wake() may be called from any thread; drainUntilIdle() runs in the caller's
// thread. Config, Database and Clock must outlive the copier. The constructor throws when the
// TLS context cannot be built (a bad tls.ca_file); workers never throw, they log.
#include "bridge/Clock.h"
#include "bridge/Config.h"
#include "bridge/outbox/RetryPolicy.h"
#include "bridge/outbox/WorkerThreads.h"
#include "bridge/send/DestinationPolicy.h"
#include "bridge/store/Database.h"

#include <Poco/Net/Context.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace dpp::bridge {

struct CopySummary {
    std::int64_t done = 0;
    std::int64_t failed = 0;   // not retryable
    std::int64_t dead = 0;     // retries used up
    std::int64_t retrying = 0; // attempts that failed and were queued again
    std::int64_t pending = 0;  // still queued or fetching when drainUntilIdle() returned
};

class DocumentCopier {
public:
    DocumentCopier(const Config& config, Database& database, const Clock& clock, std::string name);
    ~DocumentCopier();
    DocumentCopier(const DocumentCopier&) = delete;
    DocumentCopier& operator=(const DocumentCopier&) = delete;

    void start(std::size_t threads);
    // Stops claiming, lets in-flight fetches end (bounded by the HTTP timeouts) and gives back
    // what was claimed but not begun. Returns when every worker has ended.
    void stop();
    void wake();

    // Copies everything due now in this thread, repeatedly, until nothing is due.
    CopySummary drainUntilIdle();

private:
    class Worker;
    void run(std::size_t index);
    std::string workerId(const std::string& suffix) const;

    const Config& config_;
    Database& database_;
    const Clock& clock_;
    std::string name_;
    RetryPolicy retryPolicy_;
    DestinationPolicy destinationPolicy_;
    Poco::Net::Context::Ptr tlsContext_;
    std::int64_t leaseMs_;

    WorkerThreads threads_;
};

} // namespace dpp::bridge
