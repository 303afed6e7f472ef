#include "bridge/store/DocumentCopyStore.h"

#include "bridge/Clock.h"
#include "bridge/store/RowValues.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>

#include <stdexcept>

using namespace Poco::Data::Keywords;

namespace dpp::bridge {

namespace {

constexpr DocumentCopyStatus kStatuses[] = {DocumentCopyStatus::Queued,
                                            DocumentCopyStatus::Fetching, DocumentCopyStatus::Done,
                                            DocumentCopyStatus::Failed, DocumentCopyStatus::Dead};

const char* kCopyColumns =
    "SELECT id, contact_id, source_account, source_contact, source_document, status, "
    "attempts, next_attempt_ms, last_error, document_id, created_at, updated_at "
    "FROM document_copies ";

DocumentCopyStatus storedStatus(const std::string& text) {
    if (auto status = documentCopyStatusByName(text))
        return *status;
    throw StoreError("store: unknown document copy status '" + text + "'");
}

std::vector<DocumentCopyRecord> readCopies(Poco::Data::Statement& select) {
    select.execute();
    Poco::Data::RecordSet rows(select);
    std::vector<DocumentCopyRecord> records;
    records.reserve(rows.rowCount());
    for (std::size_t i = 0; i < rows.rowCount(); ++i) {
        DocumentCopyRecord record;
        record.id = rows.value(0, i).convert<std::int64_t>();
        record.contactId = rows.value(1, i).convert<std::int64_t>();
        record.sourceAccount = rows.value(2, i).convert<std::int64_t>();
        record.sourceContact = rows.value(3, i).convert<std::int64_t>();
        record.sourceDocument = rows.value(4, i).convert<std::int64_t>();
        record.status = storedStatus(rows.value(5, i).convert<std::string>());
        record.attempts = rows.value(6, i).convert<int>();
        record.nextAttemptMs = optionalInteger(rows.value(7, i));
        record.lastError = rows.value(8, i).convert<std::string>();
        record.documentId = optionalInteger(rows.value(9, i));
        record.createdAt = rows.value(10, i).convert<std::string>();
        record.updatedAt = rows.value(11, i).convert<std::string>();
        records.push_back(std::move(record));
    }
    return records;
}

} // namespace

std::string_view documentCopyStatusName(DocumentCopyStatus status) {
    switch (status) {
    case DocumentCopyStatus::Queued:
        return "queued";
    case DocumentCopyStatus::Fetching:
        return "fetching";
    case DocumentCopyStatus::Done:
        return "done";
    case DocumentCopyStatus::Failed:
        return "failed";
    case DocumentCopyStatus::Dead:
        return "dead";
    }
    return "queued";
}

std::optional<DocumentCopyStatus> documentCopyStatusByName(std::string_view name) {
    for (DocumentCopyStatus status : kStatuses)
        if (documentCopyStatusName(status) == name)
            return status;
    return std::nullopt;
}

std::size_t DocumentCopyStore::queue(Poco::Data::Session& session, std::int64_t newContactId,
                                     const specialparams::CopyDocsRequest& request,
                                     std::int64_t nowMs) {
    std::string createdAt = formatTime(nowMs);
    std::int64_t contact = newContactId;
    std::int64_t sourceAccount = request.sourceAccount;
    std::int64_t sourceContact = request.sourceContact;
    std::int64_t due = nowMs;
    std::size_t queued = 0;
    for (std::int64_t documentId : request.documentIds) {
        std::int64_t sourceDocument = documentId;
        Poco::Data::Statement insert(session);
        insert << "INSERT INTO document_copies (contact_id, source_account, source_contact, "
                  "source_document, status, attempts, next_attempt_ms, created_at, updated_at) "
                  "VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, ?) "
                  "ON CONFLICT (contact_id, source_account, source_document) DO NOTHING",
            use(contact), use(sourceAccount), use(sourceContact), use(sourceDocument), use(due),
            use(createdAt), use(createdAt);
        queued += insert.execute();
    }
    return queued;
}

bool DocumentCopyStore::holdsLease(Poco::Data::Session& session, std::int64_t id,
                                   const std::string& owner) {
    int held = 0;
    session << "SELECT COUNT(*) FROM document_copies WHERE id = ? AND status = 'fetching' "
               "AND lease_owner = ?",
        use(id), bind(owner), into(held), now;
    return held > 0;
}

void DocumentCopyStore::markDone(Poco::Data::Session& session, std::int64_t id,
                                 std::int64_t documentId, std::int64_t nowMs) {
    std::string updatedAt = formatTime(nowMs);
    session << "UPDATE document_copies SET status = 'done', attempts = attempts + 1, "
               "document_id = ?, next_attempt_ms = NULL, lease_owner = NULL, "
               "lease_until_ms = NULL, last_error = '', updated_at = ? WHERE id = ?",
        use(documentId), use(updatedAt), use(id), now;
}

std::vector<ClaimedCopy> DocumentCopyStore::claim(const std::string& owner, std::size_t limit,
                                                  std::int64_t nowMs, std::int64_t leaseMs) {
    std::vector<ClaimedCopy> claimed;
    database_.write([&](Poco::Data::Session& session) {
        Poco::Data::Statement select(session);
        std::int64_t current = nowMs;
        std::size_t count = limit;
        select << "SELECT id, contact_id, source_account, source_contact, source_document, "
                  "attempts FROM document_copies "
                  "WHERE (status = 'queued' AND next_attempt_ms <= ?) "
                  "OR (status = 'fetching' AND lease_until_ms < ?) "
                  "ORDER BY next_attempt_ms, id LIMIT ?",
            use(current), use(current), use(count);
        select.execute();
        Poco::Data::RecordSet rows(select);
        for (std::size_t i = 0; i < rows.rowCount(); ++i) {
            ClaimedCopy copy;
            copy.id = rows.value(0, i).convert<std::int64_t>();
            copy.contactId = rows.value(1, i).convert<std::int64_t>();
            copy.sourceAccount = rows.value(2, i).convert<std::int64_t>();
            copy.sourceContact = rows.value(3, i).convert<std::int64_t>();
            copy.sourceDocument = rows.value(4, i).convert<std::int64_t>();
            copy.attempts = rows.value(5, i).convert<int>();
            claimed.push_back(copy);
        }
        std::int64_t leaseUntil = nowMs + leaseMs;
        std::string updatedAt = formatTime(nowMs);
        for (const ClaimedCopy& copy : claimed)
            session << "UPDATE document_copies SET status = 'fetching', lease_owner = ?, "
                       "lease_until_ms = ?, updated_at = ? WHERE id = ?",
                bind(owner), use(leaseUntil), use(updatedAt), bind(copy.id), now;
    });
    return claimed;
}

bool DocumentCopyStore::recordFailure(std::int64_t id, const std::string& owner,
                                      DocumentCopyStatus status,
                                      std::optional<std::int64_t> nextAttemptMs,
                                      const std::string& error, std::int64_t nowMs) {
    if (status != DocumentCopyStatus::Queued && status != DocumentCopyStatus::Failed &&
        status != DocumentCopyStatus::Dead)
        throw std::invalid_argument("a failed document copy is queued, failed or dead, not " +
                                    std::string(documentCopyStatusName(status)));
    bool recorded = false;
    database_.write([&](Poco::Data::Session& session) {
        if (!holdsLease(session, id, owner))
            return;
        Poco::Nullable<std::int64_t> next;
        if (nextAttemptMs)
            next = *nextAttemptMs;
        std::string stored(documentCopyStatusName(status));
        std::string updatedAt = formatTime(nowMs);
        session << "UPDATE document_copies SET status = ?, attempts = attempts + 1, "
                   "next_attempt_ms = ?, lease_owner = NULL, lease_until_ms = NULL, "
                   "last_error = ?, updated_at = ? WHERE id = ?",
            use(stored), use(next), bind(error), use(updatedAt), use(id), now;
        recorded = true;
    });
    return recorded;
}

void DocumentCopyStore::release(std::int64_t id, const std::string& owner, std::int64_t nowMs) {
    database_.write([&](Poco::Data::Session& session) {
        std::string updatedAt = formatTime(nowMs);
        std::int64_t due = nowMs;
        session << "UPDATE document_copies SET status = 'queued', next_attempt_ms = ?, "
                   "lease_owner = NULL, lease_until_ms = NULL, updated_at = ? "
                   "WHERE id = ? AND status = 'fetching' AND lease_owner = ?",
            use(due), use(updatedAt), use(id), bind(owner), now;
    });
}

std::vector<DocumentCopyRecord> DocumentCopyStore::forContact(std::int64_t contactId) {
    std::vector<DocumentCopyRecord> result;
    database_.read([&](Poco::Data::Session& session) {
        Poco::Data::Statement select(session);
        select << std::string(kCopyColumns) + "WHERE contact_id = ? ORDER BY id", use(contactId);
        result = readCopies(select);
    });
    return result;
}

std::optional<DocumentCopyRecord> DocumentCopyStore::find(std::int64_t id) {
    std::optional<DocumentCopyRecord> result;
    database_.read([&](Poco::Data::Session& session) {
        Poco::Data::Statement select(session);
        select << std::string(kCopyColumns) + "WHERE id = ?", use(id);
        auto records = readCopies(select);
        if (!records.empty())
            result = std::move(records.front());
    });
    return result;
}

std::optional<std::int64_t> DocumentCopyStore::nextDueMs() {
    std::optional<std::int64_t> due;
    database_.read([&](Poco::Data::Session& session) {
        Poco::Nullable<std::int64_t> queued, lease;
        session << "SELECT MIN(next_attempt_ms) FROM document_copies WHERE status = 'queued'",
            into(queued), now;
        session << "SELECT MIN(lease_until_ms) FROM document_copies WHERE status = 'fetching'",
            into(lease), now;
        for (const auto* candidate : {&queued, &lease})
            if (!candidate->isNull() && (!due || candidate->value() < *due))
                due = candidate->value();
    });
    return due;
}

std::int64_t DocumentCopyStore::pendingCount() {
    std::int64_t count = 0;
    database_.read([&](Poco::Data::Session& session) {
        session << "SELECT COUNT(*) FROM document_copies WHERE status IN ('queued', 'fetching')",
            into(count), now;
    });
    return count;
}

} // namespace dpp::bridge
