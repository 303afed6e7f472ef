#include "bridge/documents/DocumentCopier.h"

#include "bridge/Log.h"
#include "bridge/activation/EventNames.h"
#include "bridge/activation/EventRaiser.h"
#include "bridge/documents/DocumentFetch.h"
#include "bridge/outbox/OutboxSignal.h"
#include "bridge/send/HttpSender.h"
#include "bridge/store/ContactExtrasStore.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/DocumentCopyStore.h"

#include <algorithm>
#include <random>
#include <unistd.h>

namespace dpp::bridge {

namespace {

// A fetch of a large file may outlast the HTTP timeouts (they bound each read, not the
// whole body), so copies are leased for longer than deliveries.
constexpr std::int64_t kExtraLeaseMs = 10 * 60 * 1000;
constexpr std::size_t kClaimBatch = 4;

std::string documentUrl(const std::string& base, const ClaimedCopy& copy) {
    std::string url = base;
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    return url + "/docs/" + std::to_string(copy.sourceAccount) + "/" +
           std::to_string(copy.sourceContact) + "/" + std::to_string(copy.sourceDocument);
}

std::string describe(const ClaimedCopy& copy) {
    return "document copy " + std::to_string(copy.id) + " (account " +
           std::to_string(copy.sourceAccount) + " contact " + std::to_string(copy.sourceContact) +
           " document " + std::to_string(copy.sourceDocument) + " to contact " +
           std::to_string(copy.contactId) + ")";
}

void moveFile(const std::filesystem::path& from, const std::filesystem::path& to) {
    std::error_code error;
    std::filesystem::create_directories(to.parent_path(), error);
    if (!error)
        std::filesystem::rename(from, to, error);
    if (error)
        throw StoreError("cannot move " + from.string() + " to " + to.string() + ": " +
                         error.message());
}

// Attaches the fetched document if owner still holds the copy's lease, in one transaction:
// inserts the document row (the store assigns the id), moves stagedFile to its place under
// the store's folder, marks the copy done, touches the contact and raises document.uploaded
// (its deliveries are queued in the same transaction, the outbox woken after the commit).
// A document whose bytes (by SHA-256) the contact already holds is not attached twice: the
// copy points at that document and the staged file is removed. Returns the document id, or
// nothing when the lease was lost (the staged file is then left to the caller). Throws
// StoreError / POCO Data exceptions, with the staged file back in place.
std::optional<std::int64_t> attachCopy(Database& database, const ClaimedCopy& copy,
                                       const std::string& owner,
                                       specialparams::UploadedDocument document,
                                       const std::filesystem::path& stagedFile,
                                       std::int64_t nowMs) {
    std::optional<std::int64_t> documentId;
    std::optional<std::filesystem::path> movedTo;
    std::size_t queued = 0;
    bool alreadyAttached = false;
    try {
        database.write([&](Poco::Data::Session& session) {
            if (!DocumentCopyStore::holdsLease(session, copy.id, owner))
                return;
            // The same bytes already attached to the contact (sent again under another id, or
            // copied before an update): the copy points at that document, nothing is added.
            if (auto same = ContactExtrasStore::documentWithSha256(session, copy.contactId,
                                                                   document.sha256Hex)) {
                DocumentCopyStore::markDone(session, copy.id, *same, nowMs);
                documentId = same;
                alreadyAttached = true;
                return;
            }
            document.id = 0; // the store assigns the local id
            std::int64_t id =
                ContactExtrasStore::insertDocument(session, copy.contactId, document, stagedFile);
            std::filesystem::path target =
                ContactExtrasStore(database).documentPath(copy.contactId, id);
            moveFile(stagedFile, target);
            movedTo = target;
            ContactExtrasStore::setDocumentFile(session, id, target);
            DocumentCopyStore::markDone(session, copy.id, id, nowMs);
            ContactStore::touch(session, copy.contactId);
            EventRaiser raiser(session, nowMs);
            raiser.raise({std::string(kDocumentUploaded),
                          copy.contactId,
                          "document " + std::to_string(id) + " (copied from " +
                              std::to_string(copy.sourceAccount) + "-" +
                              std::to_string(copy.sourceContact) + "-" +
                              std::to_string(copy.sourceDocument) + ")",
                          owner,
                          "",
                          {}});
            queued = raiser.deliveriesQueued();
            documentId = id;
        });
    } catch (...) {
        // Rolled back: give the bytes back to the caller, who removes the staged file.
        if (movedTo) {
            std::error_code ignored;
            std::filesystem::rename(*movedTo, stagedFile, ignored);
        }
        throw;
    }
    if (alreadyAttached) {
        std::error_code ignored;
        std::filesystem::remove(stagedFile, ignored);
    }
    if (queued)
        OutboxSignal::notify();
    return documentId;
}

} // namespace

// One worker's private state: its id (the lease owner) and its random source for jitter and
// staging names. Used by one thread.
class DocumentCopier::Worker {
public:
    Worker(DocumentCopier& owner, std::string id)
        : owner_(owner), id_(std::move(id)), random_(std::random_device{}()) {}

    const std::string& id() const { return id_; }

    std::vector<ClaimedCopy> claim() {
        return DocumentCopyStore(owner_.database_)
            .claim(id_, kClaimBatch, owner_.clock_.nowMs(), owner_.leaseMs_);
    }

    // Fetches and attaches one copy, or records why not. Returns the copy's new status, or
    // nothing when the lease was lost.
    std::optional<DocumentCopyStatus> copy(const ClaimedCopy& copy) {
        const Config& config = owner_.config_;
        auto peer = config.peers.find(copy.sourceAccount);
        if (peer == config.peers.end() || peer->second.url.empty()) {
            std::string key = "peers." + std::to_string(copy.sourceAccount);
            return record(copy, false, std::nullopt,
                          "unknown peer: no " + key + ".url in the configuration (set " + key +
                              ".url, " + key + ".username and " + key + ".password)");
        }
        FetchRequest request;
        request.url = documentUrl(peer->second.url, copy);
        request.username = peer->second.username;
        request.password = peer->second.password;
        request.stagingFile =
            ContactExtrasStore(owner_.database_)
                .stagingPath("copy-" + std::to_string(copy.id) + "-" + std::to_string(random_()));
        FetchSettings settings{config.connectTimeout, config.responseTimeout,
                               &owner_.destinationPolicy_, owner_.tlsContext_};
        FetchResult fetched = fetchDocument(request, settings);
        if (!fetched.verified) {
            std::string error = fetched.error;
            if (fetched.statusCode == 401)
                error += " (check peers." + std::to_string(copy.sourceAccount) +
                         ".username/.password on both sides)";
            return record(copy, fetched.retryable, fetched.retryAfter, error);
        }
        return attach(copy, std::move(fetched), request.stagingFile);
    }

private:
    std::optional<DocumentCopyStatus> attach(const ClaimedCopy& copy, FetchResult fetched,
                                             const std::filesystem::path& staged) {
        if (fetched.document.name.empty())
            fetched.document.name = "document-" + std::to_string(copy.sourceDocument);
        if (fetched.document.contentType.empty())
            fetched.document.contentType = "application/octet-stream";
        std::optional<std::int64_t> documentId;
        try {
            documentId = attachCopy(owner_.database_, copy, id_, fetched.document, staged,
                                    owner_.clock_.nowMs());
        } catch (const std::exception& error) {
            std::error_code ignored;
            std::filesystem::remove(staged, ignored);
            return record(copy, true, std::nullopt,
                          std::string("cannot attach the document: ") + error.what());
        }
        if (!documentId) {
            std::error_code ignored;
            std::filesystem::remove(staged, ignored);
            logWarning(describe(copy) + ": lease lost to another worker; this copy was dropped");
            return std::nullopt;
        }
        logInfo(describe(copy) + ": done as document " + std::to_string(*documentId) + " (" +
                std::to_string(fetched.document.size) + " bytes, sha256 " +
                fetched.document.sha256Hex + ")");
        return DocumentCopyStatus::Done;
    }

    std::optional<DocumentCopyStatus> record(const ClaimedCopy& copy, bool retryable,
                                             std::optional<std::chrono::seconds> retryAfter,
                                             const std::string& error) {
        std::int64_t now = owner_.clock_.nowMs();
        std::optional<std::int64_t> next;
        DocumentCopyStatus status = DocumentCopyStatus::Failed;
        if (retryable) {
            std::uniform_real_distribution<double> unit(0.0, 1.0);
            next =
                owner_.retryPolicy_.nextAttempt(copy.attempts + 1, now, retryAfter, unit(random_));
            status = next ? DocumentCopyStatus::Queued : DocumentCopyStatus::Dead;
        }
        bool recorded = DocumentCopyStore(owner_.database_)
                            .recordFailure(copy.id, id_, status, next, error, now);
        if (!recorded) {
            logWarning(describe(copy) + ": lease lost to another worker; result dropped");
            return std::nullopt;
        }
        logWarning(describe(copy) + " attempt " + std::to_string(copy.attempts + 1) + ": " +
                   std::string(documentCopyStatusName(status)) +
                   (next ? " (next at " + formatTime(*next) + ")" : "") + ": " + error);
        return status;
    }

    DocumentCopier& owner_;
    std::string id_;
    std::mt19937_64 random_;
};

DocumentCopier::DocumentCopier(const Config& config, Database& database, const Clock& clock,
                               std::string name)
    : config_(config), database_(database), clock_(clock), name_(std::move(name)),
      retryPolicy_(config.retrySchedule, config.retryJitter),
      destinationPolicy_(config.allowPrivateDestinations),
      tlsContext_(makeClientTlsContext(config.tlsCaFile)),
      leaseMs_(config.effectiveLease().count() + kExtraLeaseMs) {}

DocumentCopier::~DocumentCopier() {
    stop();
}

std::string DocumentCopier::workerId(const std::string& suffix) const {
    return name_ + "/" + std::to_string(::getpid()) + "/copier/" + suffix;
}

void DocumentCopier::start(std::size_t threads) {
    threads_.start(threads, [this](std::size_t index) { run(index); });
}

void DocumentCopier::stop() {
    threads_.stop();
}

void DocumentCopier::wake() {
    threads_.wake();
}

void DocumentCopier::run(std::size_t index) {
    Worker worker(*this, workerId(std::to_string(index)));
    for (;;) {
        std::uint64_t seenSignals = threads_.wakeCount();
        if (threads_.stopping())
            return;
        std::vector<ClaimedCopy> claimed;
        try {
            claimed = worker.claim();
        } catch (const std::exception& error) {
            logError("document copier " + worker.id() + ": cannot claim: " + error.what());
        }
        for (const ClaimedCopy& copy : claimed) {
            bool stopping = threads_.stopping();
            try {
                if (stopping)
                    DocumentCopyStore(database_).release(copy.id, worker.id(), clock_.nowMs());
                else
                    worker.copy(copy);
            } catch (const std::exception& error) {
                // The lease expires and a worker tries again.
                logError(describe(copy) + ": " + error.what());
            }
        }
        if (!claimed.empty())
            continue;
        std::int64_t wait = config_.idlePoll.count();
        try {
            if (auto due = DocumentCopyStore(database_).nextDueMs())
                wait = std::clamp<std::int64_t>(*due - clock_.nowMs(), 1, wait);
        } catch (const std::exception& error) {
            logError("document copier " + worker.id() + ": " + error.what());
        }
        threads_.sleep(std::chrono::milliseconds(wait), seenSignals);
    }
}

CopySummary DocumentCopier::drainUntilIdle() {
    Worker worker(*this, workerId("drain"));
    CopySummary summary;
    for (;;) {
        auto claimed = worker.claim();
        if (claimed.empty())
            break;
        for (const ClaimedCopy& copy : claimed) {
            std::optional<DocumentCopyStatus> status;
            try {
                status = worker.copy(copy);
            } catch (const std::exception& error) {
                logError(describe(copy) + ": " + error.what());
            }
            if (!status)
                continue;
            switch (*status) {
            case DocumentCopyStatus::Done:
                ++summary.done;
                break;
            case DocumentCopyStatus::Failed:
                ++summary.failed;
                break;
            case DocumentCopyStatus::Dead:
                ++summary.dead;
                break;
            case DocumentCopyStatus::Queued: // retried later
            case DocumentCopyStatus::Fetching:
                ++summary.retrying;
                break;
            }
        }
    }
    summary.pending = DocumentCopyStore(database_).pendingCount();
    return summary;
}

} // namespace dpp::bridge
