#include "bridge/store/BatchStore.h"

#include "bridge/InputError.h"
#include "bridge/store/CachedStatement.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <algorithm>

using namespace Poco::Data::Keywords;

namespace dpp::bridge {

namespace {

constexpr BatchKind kKinds[] = {BatchKind::MassPost, BatchKind::Nightly};
constexpr BatchStatus kStatuses[] = {BatchStatus::Queueing, BatchStatus::Delivering,
                                     BatchStatus::Finished, BatchStatus::Cancelled};

const char* kBatchColumns =
    "SELECT id, kind, job, webhook_id, account_id, selection, status, position, selected, "
    "created_by, created_at, updated_at, finished_at FROM batches ";

std::vector<Batch> readBatches(Poco::Data::Statement& select) {
    select.execute();
    Poco::Data::RecordSet rows(select);
    std::vector<Batch> batches;
    for (std::size_t i = 0; i < rows.rowCount(); ++i) {
        Batch batch;
        batch.id = rows.value(0, i).convert<std::int64_t>();
        std::string kind = rows.value(1, i).convert<std::string>();
        auto knownKind = batchKindByName(kind);
        if (!knownKind)
            throw StoreError("batch " + std::to_string(batch.id) + " has an unknown kind '" + kind +
                             "'");
        batch.kind = *knownKind;
        batch.job = rows.value(2, i).convert<std::string>();
        batch.webhookId = rows.value(3, i).convert<std::int64_t>();
        batch.accountId = rows.value(4, i).convert<std::int64_t>();
        batch.selection = rows.value(5, i).convert<std::string>();
        std::string status = rows.value(6, i).convert<std::string>();
        auto knownStatus = batchStatusByName(status);
        if (!knownStatus)
            throw StoreError("batch " + std::to_string(batch.id) + " has an unknown status '" +
                             status + "'");
        batch.status = *knownStatus;
        batch.position = rows.value(7, i).convert<std::int64_t>();
        batch.selected = rows.value(8, i).convert<std::int64_t>();
        batch.createdBy = rows.value(9, i).convert<std::string>();
        batch.createdAt = rows.value(10, i).convert<std::string>();
        batch.updatedAt = rows.value(11, i).convert<std::string>();
        if (!rows.value(12, i).isEmpty())
            batch.finishedAt = rows.value(12, i).convert<std::string>();
        batches.push_back(std::move(batch));
    }
    return batches;
}

void setStatus(Poco::Data::Session& session, std::int64_t id, BatchStatus status,
               const std::string& at) {
    std::string name(batchStatusName(status));
    session << "UPDATE batches SET status = ?, updated_at = ? WHERE id = ?", use(name), bind(at),
        use(id), now;
}

// Deliveries of the batch's leased pages not written yet: each page's contacts less the
// deliveries of the batch among them (those sent and recorded, or queued for a paused
// destination).
std::int64_t unwrittenInPages(Poco::Data::Session& session, std::int64_t batchId) {
    CachedStatement pages(session,
                          "SELECT COALESCE(SUM(p.contacts - (SELECT COUNT(*) FROM deliveries d "
                          "WHERE d.batch_id = p.batch_id AND d.contact_id BETWEEN "
                          "p.first_contact_id AND p.last_contact_id)), 0) FROM batch_pages p "
                          "WHERE p.batch_id = ?");
    pages.bind(1, batchId);
    return pages.step() ? std::max<std::int64_t>(0, pages.integer(0)) : 0;
}

} // namespace

std::string_view batchKindName(BatchKind kind) {
    switch (kind) {
    case BatchKind::MassPost:
        return "masspost";
    case BatchKind::Nightly:
        return "nightly";
    }
    return "masspost";
}

std::optional<BatchKind> batchKindByName(std::string_view name) {
    for (BatchKind kind : kKinds)
        if (batchKindName(kind) == name)
            return kind;
    return std::nullopt;
}

std::string_view batchStatusName(BatchStatus status) {
    switch (status) {
    case BatchStatus::Queueing:
        return "queueing";
    case BatchStatus::Delivering:
        return "delivering";
    case BatchStatus::Finished:
        return "finished";
    case BatchStatus::Cancelled:
        return "cancelled";
    }
    return "queueing";
}

std::optional<BatchStatus> batchStatusByName(std::string_view name) {
    for (BatchStatus status : kStatuses)
        if (batchStatusName(status) == name)
            return status;
    return std::nullopt;
}

std::int64_t BatchStore::insert(Poco::Data::Session& session, const Batch& batch) {
    std::string kind(batchKindName(batch.kind));
    std::string status(batchStatusName(batch.status));
    std::int64_t id = 0;
    session << "INSERT INTO batches (kind, job, webhook_id, account_id, selection, status, "
               "created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
               "RETURNING id",
        use(kind), bind(batch.job), bind(batch.webhookId), bind(batch.accountId),
        bind(batch.selection), use(status), bind(batch.createdBy), bind(batch.createdAt),
        bind(batch.updatedAt), into(id), now;
    return id;
}

void BatchStore::addSelectedIds(Poco::Data::Session& session, std::int64_t batchId,
                                std::vector<std::int64_t> contactIds) {
    if (contactIds.empty())
        return;
    std::vector<std::int64_t> batchIds(contactIds.size(), batchId);
    session << "INSERT INTO batch_selection (batch_id, contact_id) VALUES (?, ?) "
               "ON CONFLICT DO NOTHING",
        use(batchIds), use(contactIds), now;
}

SelectedElsewhere BatchStore::selectedElsewhere(Poco::Data::Session& session, std::int64_t batchId,
                                                std::int64_t accountId, std::size_t show) {
    SelectedElsewhere result;
    const std::string elsewhere =
        "FROM batch_selection s WHERE s.batch_id = ? AND NOT EXISTS "
        "(SELECT 1 FROM contacts c WHERE c.id = s.contact_id AND c.account_id = ?)";
    session << "SELECT COUNT(*) " + elsewhere, use(batchId), use(accountId), into(result.count),
        now;
    if (result.count > 0)
        session << "SELECT s.contact_id " + elsewhere + " ORDER BY s.contact_id LIMIT ?",
            use(batchId), use(accountId), bind(static_cast<std::int64_t>(show)), into(result.first),
            now;
    return result;
}

void BatchStore::setSelected(Poco::Data::Session& session, std::int64_t batchId,
                             std::int64_t selected) {
    session << "UPDATE batches SET selected = ? WHERE id = ?", use(selected), use(batchId), now;
}

std::optional<Batch> BatchStore::find(Poco::Data::Session& session, std::int64_t id) {
    Poco::Data::Statement select(session);
    select << std::string(kBatchColumns) + "WHERE id = ?", bind(id);
    auto found = readBatches(select);
    if (found.empty())
        return std::nullopt;
    return found.front();
}

std::optional<Batch> BatchStore::find(std::int64_t id) {
    std::optional<Batch> result;
    database_.read([&](Poco::Data::Session& session) { result = find(session, id); });
    return result;
}

Batch BatchStore::require(std::int64_t id) {
    auto batch = find(id);
    if (!batch)
        throw NotFound("batch " + std::to_string(id) + " does not exist (see: masspost list)");
    return *batch;
}

std::vector<Batch> BatchStore::list(std::size_t limit) {
    std::vector<Batch> result;
    database_.read([&](Poco::Data::Session& session) {
        Poco::Data::Statement select(session);
        select << std::string(kBatchColumns) + "ORDER BY id DESC LIMIT ?", bind(limit);
        result = readBatches(select);
    });
    return result;
}

void BatchStore::advance(Poco::Data::Session& session, std::int64_t batchId, std::int64_t position,
                         std::int64_t alreadyDelivered, const std::string& at) {
    session << "UPDATE batches SET position = ?, already_delivered = already_delivered + ?, "
               "updated_at = ? WHERE id = ?",
        use(position), use(alreadyDelivered), bind(at), use(batchId), now;
}

void BatchStore::markDelivering(Poco::Data::Session& session, std::int64_t id,
                                const std::string& at) {
    setStatus(session, id, BatchStatus::Delivering, at);
}

void BatchStore::markCancelled(Poco::Data::Session& session, std::int64_t id,
                               const std::string& at) {
    setStatus(session, id, BatchStatus::Cancelled, at);
}

void BatchStore::markQueueing(Poco::Data::Session& session, std::int64_t id,
                              const std::string& at) {
    setStatus(session, id, BatchStatus::Queueing, at);
}

void BatchStore::markFinished(std::int64_t id) {
    database_.write([&](Poco::Data::Session& session) {
        std::string at = nowText();
        std::string finished(batchStatusName(BatchStatus::Finished));
        std::string cancelled(batchStatusName(BatchStatus::Cancelled));
        session << "UPDATE batches SET status = ?, finished_at = ?, updated_at = ? "
                   "WHERE id = ? AND status <> ?",
            use(finished), use(at), use(at), use(id), use(cancelled), now;
    });
}

std::int64_t BatchStore::leasePage(Poco::Data::Session& session, const LeasedPage& page) {
    CachedStatement lease(session, "INSERT INTO batch_pages (batch_id, first_contact_id, "
                                   "last_contact_id, contacts, lease_owner, lease_until_ms) "
                                   "VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
    lease.bind(1, page.batchId)
        .bind(2, page.firstContactId)
        .bind(3, page.lastContactId)
        .bind(4, page.contacts)
        .bind(5, page.owner)
        .bind(6, page.leaseUntilMs);
    if (!lease.step())
        throw StoreError("store: leasing a page returned no id");
    std::int64_t id = lease.integer(0);
    lease.run();
    return id;
}

std::vector<std::int64_t> BatchStore::batchesWithExpiredPages(std::int64_t nowMs) {
    std::vector<std::int64_t> batchIds;
    database_.read([&](Poco::Data::Session& session) {
        session << "SELECT DISTINCT batch_id FROM batch_pages WHERE lease_until_ms < ?",
            bind(nowMs), into(batchIds), now;
    });
    return batchIds;
}

std::vector<LeasedPage> BatchStore::expiredPages(Poco::Data::Session& session, std::int64_t batchId,
                                                 std::int64_t nowMs) {
    std::vector<std::int64_t> ids, firsts, lasts, counts, untils;
    std::vector<std::string> owners;
    session << "SELECT id, first_contact_id, last_contact_id, contacts, lease_owner, "
               "lease_until_ms FROM batch_pages WHERE batch_id = ? AND lease_until_ms < ?",
        bind(batchId), bind(nowMs), into(ids), into(firsts), into(lasts), into(counts),
        into(owners), into(untils), now;
    std::vector<LeasedPage> pages;
    for (std::size_t i = 0; i < ids.size(); ++i)
        pages.push_back({ids[i], batchId, firsts[i], lasts[i], counts[i], owners[i], untils[i]});
    return pages;
}

void BatchStore::deletePage(Poco::Data::Session& session, std::int64_t pageId) {
    session << "DELETE FROM batch_pages WHERE id = ?", bind(pageId), now;
}

void BatchStore::closePage(std::int64_t pageId, const std::string& owner) {
    database_.write([&](Poco::Data::Session& session) {
        CachedStatement closed(session, "DELETE FROM batch_pages WHERE id = ? AND lease_owner = ?");
        closed.bind(1, pageId).bind(2, owner).run();
    });
}

BatchProgress BatchStore::progress(const Batch& batch) {
    BatchProgress progress;
    progress.selected = batch.selected;
    database_.read([&](Poco::Data::Session& session) {
        std::vector<std::string> statuses;
        std::vector<std::int64_t> counts;
        std::int64_t id = batch.id;
        session << "SELECT status, COUNT(*) FROM deliveries WHERE batch_id = ? GROUP BY status",
            use(id), into(statuses), into(counts), now;
        for (std::size_t i = 0; i < statuses.size(); ++i) {
            progress.queuedSoFar += counts[i];
            if (statuses[i] == "delivered")
                progress.delivered = counts[i];
            else if (statuses[i] == "failed")
                progress.failed = counts[i];
            else if (statuses[i] == "dead")
                progress.dead = counts[i];
            else if (statuses[i] == "cancelled")
                progress.cancelled = counts[i];
            else
                progress.pending += counts[i];
        }
        session << "SELECT already_delivered FROM batches WHERE id = ?", use(id),
            into(progress.alreadyDelivered), now;
        std::int64_t onTheWire = unwrittenInPages(session, id);
        progress.queuedSoFar += onTheWire;
        progress.pending += onTheWire;
    });
    return progress;
}

std::int64_t BatchStore::pendingCount(std::int64_t batchId) {
    std::int64_t pending = 0;
    database_.read([&](Poco::Data::Session& session) {
        CachedStatement count(session, "SELECT COUNT(*) FROM deliveries WHERE batch_id = ? AND "
                                       "status IN ('queued', 'sending')");
        count.bind(1, batchId);
        if (count.step())
            pending = count.integer(0);
        count.reset();
        pending += unwrittenInPages(session, batchId);
    });
    return pending;
}

void BatchStore::discard(std::int64_t id) {
    database_.write([&](Poco::Data::Session& session) {
        int deliveries = 0;
        session << "SELECT COUNT(*) FROM deliveries WHERE batch_id = ?", use(id), into(deliveries),
            now;
        int pages = 0;
        session << "SELECT COUNT(*) FROM batch_pages WHERE batch_id = ?", use(id), into(pages), now;
        if (deliveries || pages)
            throw StoreError("batch " + std::to_string(id) + " has deliveries; it is kept");
        session << "DELETE FROM batch_selection WHERE batch_id = ?", use(id), now;
        session << "DELETE FROM batches WHERE id = ?", use(id), now;
    });
}

} // namespace dpp::bridge
