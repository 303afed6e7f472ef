#include "bridge/activation/BatchStore.h"

#include "bridge/store/CachedStatement.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/WebhookStore.h"

#include <map>

#include "bridge/Clock.h"
#include "bridge/InputError.h"
#include "bridge/Log.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>

#include <charconv>

using namespace Poco::Data::Keywords;

namespace dpp::bridge {

namespace {

constexpr BatchKind kKinds[] = {BatchKind::MassPost, BatchKind::Nightly};
constexpr BatchStatus kStatuses[] = {BatchStatus::Queueing, BatchStatus::Delivering,
                                     BatchStatus::Finished, BatchStatus::Cancelled};

const char* kBatchColumns = "SELECT id, kind, job, webhook_id, selection, status, position, "
                            "selected, created_by, created_at, updated_at, finished_at "
                            "FROM batches ";

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
        batch.selection = ContactSelection::fromJson(rows.value(4, i).convert<std::string>());
        std::string status = rows.value(5, i).convert<std::string>();
        auto knownStatus = batchStatusByName(status);
        if (!knownStatus)
            throw StoreError("batch " + std::to_string(batch.id) + " has an unknown status '" +
                             status + "'");
        batch.status = *knownStatus;
        batch.position = rows.value(6, i).convert<std::int64_t>();
        batch.selected = rows.value(7, i).convert<std::int64_t>();
        batch.createdBy = rows.value(8, i).convert<std::string>();
        batch.createdAt = rows.value(9, i).convert<std::string>();
        batch.updatedAt = rows.value(10, i).convert<std::string>();
        if (!rows.value(11, i).isEmpty())
            batch.finishedAt = rows.value(11, i).convert<std::string>();
        batches.push_back(std::move(batch));
    }
    return batches;
}

std::optional<Batch> loadBatch(Poco::Data::Session& session, std::int64_t id) {
    Poco::Data::Statement select(session);
    select << std::string(kBatchColumns) + "WHERE id = ?", bind(id);
    auto found = readBatches(select);
    if (found.empty())
        return std::nullopt;
    return found.front();
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

std::string originOf(const Batch& batch) {
    return batch.kind == BatchKind::Nightly
               ? "nightly job " + batch.job + " (batch " + std::to_string(batch.id) + ")"
               : "masspost " + std::to_string(batch.id) + " by " + batch.createdBy;
}

std::string massPostKey(std::int64_t batchId, std::int64_t contactId) {
    return "mp_" + std::to_string(batchId) + "_" + std::to_string(contactId);
}

std::int64_t countIn(Poco::Data::Session& session, const ContactSelection& selection,
                     std::int64_t batchId) {
    return ContactStore::count(session, selection.query(batchId));
}

// Reads ids separated by commas, spaces or line breaks; names the line of a bad one.
void insertSelectedIds(Poco::Data::Session& session, std::int64_t batchId, std::istream& in) {
    std::vector<std::int64_t> batchIds, contactIds;
    auto flush = [&] {
        if (contactIds.empty())
            return;
        session << "INSERT INTO batch_selection (batch_id, contact_id) VALUES (?, ?) "
                   "ON CONFLICT DO NOTHING",
            use(batchIds), use(contactIds), now;
        batchIds.clear();
        contactIds.clear();
    };
    std::string line;
    std::size_t lineNumber = 0;
    while (std::getline(in, line)) {
        ++lineNumber;
        std::size_t at = 0;
        while (at < line.size()) {
            std::size_t end = line.find_first_of(", \t\r", at);
            if (end == std::string::npos)
                end = line.size();
            std::string_view word(line.data() + at, end - at);
            at = end + 1;
            if (word.empty())
                continue;
            std::int64_t id = 0;
            auto [stop, error] = std::from_chars(word.data(), word.data() + word.size(), id);
            if (error != std::errc() || stop != word.data() + word.size() || id <= 0)
                throw InputError("line " + std::to_string(lineNumber) + ": '" + std::string(word) +
                                 "' is not a contact id");
            batchIds.push_back(batchId);
            contactIds.push_back(id);
            if (contactIds.size() >= 10000)
                flush();
        }
    }
    flush();
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

Batch BatchStore::create(BatchKind kind, const std::string& job, std::int64_t webhookId,
                         ContactSelection selection, const std::string& createdBy,
                         std::istream* ids) {
    Batch batch;
    batch.kind = kind;
    batch.job = job;
    batch.webhookId = webhookId;
    selection.selectedIds = ids != nullptr;
    batch.selection = selection;
    batch.status = BatchStatus::Queueing;
    batch.createdBy = createdBy;
    batch.createdAt = batch.updatedAt = nowText();
    database_.write([&](Poco::Data::Session& session) {
        std::string json = batch.selection.toJson();
        std::string kindName(batchKindName(batch.kind));
        std::string statusName(batchStatusName(batch.status));
        session << "INSERT INTO batches (kind, job, webhook_id, account_id, selection, status, "
                   "created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                   "RETURNING id",
            use(kindName), useRef(batch.job), use(batch.webhookId), use(batch.selection.accountId),
            use(json), use(statusName), useRef(batch.createdBy), useRef(batch.createdAt),
            useRef(batch.updatedAt), into(batch.id), now;
        if (ids) {
            insertSelectedIds(session, batch.id, *ids);
            std::vector<std::int64_t> strangers;
            std::int64_t strangerCount = 0;
            std::int64_t account = batch.selection.accountId;
            const char* missing = "FROM batch_selection s WHERE s.batch_id = ? AND NOT EXISTS "
                                  "(SELECT 1 FROM contacts c WHERE c.id = s.contact_id AND "
                                  "c.account_id = ?)";
            session << std::string("SELECT COUNT(*) ") + missing, use(batch.id), use(account),
                into(strangerCount), now;
            if (strangerCount > 0) {
                session << std::string("SELECT s.contact_id ") + missing +
                               " ORDER BY s.contact_id LIMIT 10",
                    use(batch.id), use(account), into(strangers), now;
                std::string list;
                for (std::int64_t id : strangers)
                    list += (list.empty() ? "" : ", ") + std::to_string(id);
                throw InputError(std::to_string(strangerCount) + " selected id(s) are not " +
                                 "contacts of account " + std::to_string(account) + ": " + list +
                                 (strangerCount > 10 ? ", ..." : "") + "; nothing was posted");
            }
        }
        batch.selected = countIn(session, batch.selection, batch.id);
        session << "UPDATE batches SET selected = ? WHERE id = ?", use(batch.selected),
            use(batch.id), now;
    });
    return batch;
}

std::optional<Batch> BatchStore::find(std::int64_t id) {
    std::optional<Batch> result;
    database_.read([&](Poco::Data::Session& session) { result = loadBatch(session, id); });
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

std::int64_t BatchStore::count(const ContactSelection& selection, std::int64_t batchId) {
    std::int64_t result = 0;
    database_.read(
        [&](Poco::Data::Session& session) { result = countIn(session, selection, batchId); });
    return result;
}

std::optional<mapping::Contact> BatchStore::contactAt(const ContactSelection& selection,
                                                      std::int64_t position, std::int64_t batchId) {
    std::optional<mapping::Contact> result;
    if (position < 1)
        return result;
    database_.read([&](Poco::Data::Session& session) {
        auto found = ContactStore::select(session, selection.query(batchId), 0, 1,
                                          static_cast<std::size_t>(position - 1));
        if (!found.empty())
            result = std::move(found.front());
    });
    return result;
}

std::size_t BatchStore::queueNextPage(std::int64_t batchId, PreparedWebhook& webhook,
                                      std::size_t pageSize, std::int64_t nowMs, PageLease* lease) {
    std::size_t queued = 0;
    database_.write([&](Poco::Data::Session& session) {
        if (lease) {
            lease->leased.clear();
            lease->pageId = 0;
        }
        std::map<std::string, bool> paused; // by destination, for this page
        auto leasing = [&](const std::string& destination) {
            auto known = paused.find(destination);
            if (known == paused.end())
                known =
                    paused
                        .emplace(destination, DeliveryStore::isPaused(session, destination, nowMs))
                        .first;
            return !known->second;
        };
        auto batch = loadBatch(session, batchId);
        if (!batch || batch->status != BatchStatus::Queueing)
            return;
        auto contacts = ContactStore::select(session, batch->selection.query(batchId),
                                             batch->position, pageSize);
        std::string updatedAt = formatTime(nowMs);
        if (contacts.empty()) {
            session << "UPDATE batches SET status = 'delivering', updated_at = ? WHERE id = ?",
                use(updatedAt), use(batchId), now;
            return;
        }
        std::string origin = originOf(*batch);
        auto deliveries = webhook.deliveries(session, contacts, origin, nowMs);
        std::int64_t alreadyDelivered = 0;
        for (std::size_t i = 0; i < contacts.size(); ++i) {
            NewDelivery& delivery = deliveries[i];
            delivery.batchId = batchId;
            if (batch->kind == BatchKind::MassPost) {
                delivery.idempotencyKey = massPostKey(batchId, contacts[i].id);
                if (lease && leasing(delivery.destination))
                    lease->leased.push_back(std::move(delivery));
                else
                    DeliveryStore::insert(session, delivery, nowMs);
                continue;
            }
            // A nightly run posts a contact's change once, whichever run posts it: the key is
            // the job, the contact and its change number.
            std::int64_t change = contacts[i].changeNumber;
            delivery.idempotencyKey = "nj_" + batch->job + "_" + std::to_string(contacts[i].id) +
                                      "_" + std::to_string(change);
            // One an earlier run delivered is counted; one it did not deliver is taken into
            // this run, and sent again when it had failed.
            auto earlier = DeliveryStore::findByKey(session, delivery.idempotencyKey);
            if (!earlier)
                DeliveryStore::insert(session, delivery, nowMs);
            else if (earlier->status == "delivered")
                ++alreadyDelivered;
            else
                DeliveryStore::takeIntoBatch(session, earlier->id, batchId, nowMs, updatedAt);
        }
        std::int64_t position = contacts.back().id;
        if (lease && !lease->leased.empty()) {
            CachedStatement page(session, "INSERT INTO batch_pages (batch_id, first_contact_id, "
                                          "last_contact_id, contacts, lease_owner, lease_until_ms) "
                                          "VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
            page.bind(1, batchId)
                .bind(2, contacts.front().id)
                .bind(3, position)
                .bind(4, static_cast<std::int64_t>(contacts.size()))
                .bind(5, lease->owner)
                .bind(6, nowMs + lease->leaseMs);
            if (!page.step())
                throw StoreError("store: leasing a page returned no id");
            lease->pageId = page.integer(0);
            page.run();
        }
        session << "UPDATE batches SET position = ?, already_delivered = already_delivered + ?, "
                   "updated_at = ? WHERE id = ?",
            use(position), use(alreadyDelivered), use(updatedAt), use(batchId), now;
        queued = contacts.size();
    });
    return queued;
}

std::size_t BatchStore::requeueExpiredPages(std::int64_t nowMs) {
    std::vector<std::int64_t> batchIds;
    database_.read([&](Poco::Data::Session& session) {
        session << "SELECT DISTINCT batch_id FROM batch_pages WHERE lease_until_ms < ?",
            bind(nowMs), into(batchIds), now;
    });
    std::size_t queued = 0;
    for (std::int64_t batchId : batchIds) {
        auto batch = find(batchId);
        if (!batch)
            continue;
        std::optional<PreparedWebhook> webhook;
        if (auto definition = WebhookStore(database_).find(batch->webhookId))
            webhook.emplace(database_, std::move(*definition));
        database_.write([&](Poco::Data::Session& session) {
            std::vector<std::int64_t> pageIds, firsts, lasts;
            session << "SELECT id, first_contact_id, last_contact_id FROM batch_pages "
                       "WHERE batch_id = ? AND lease_until_ms < ?",
                bind(batchId), bind(nowMs), into(pageIds), into(firsts), into(lasts), now;
            auto current = loadBatch(session, batchId);
            for (std::size_t p = 0; p < pageIds.size() && current && webhook; ++p) {
                auto contacts = ContactStore::select(
                    session, current->selection.query(batchId).idAtMost(lasts[p]), firsts[p] - 1,
                    static_cast<std::size_t>(-1) >> 1);
                auto deliveries = webhook->deliveries(session, contacts, originOf(*current), nowMs);
                for (std::size_t i = 0; i < contacts.size(); ++i) {
                    NewDelivery& delivery = deliveries[i];
                    delivery.batchId = batchId;
                    delivery.idempotencyKey = massPostKey(batchId, contacts[i].id);
                    DeliveryRecord record = DeliveryStore::insertOnce(session, delivery, nowMs);
                    if (!record.id)
                        continue;
                    ++queued;
                    if (current->status == BatchStatus::Cancelled)
                        DeliveryStore::cancel(session, record.id, "cancelled with its batch");
                }
            }
            // A page whose batch or webhook is gone has nothing left to send.
            for (std::int64_t pageId : pageIds)
                session << "DELETE FROM batch_pages WHERE id = ?", bind(pageId), now;
        });
    }
    return queued;
}

void BatchStore::cancel(std::int64_t id, const std::string& actor) {
    database_.write([&](Poco::Data::Session& session) {
        auto batch = loadBatch(session, id);
        if (!batch)
            throw NotFound("batch " + std::to_string(id) + " does not exist");
        if (batch->status == BatchStatus::Finished)
            throw InputError("batch " + std::to_string(id) + " has finished; nothing to cancel");
        std::string updatedAt = nowText();
        std::string by = "cancelled by " + actor;
        session << "UPDATE batches SET status = 'cancelled', updated_at = ? WHERE id = ?",
            use(updatedAt), use(id), now;
        DeliveryStore::cancelQueuedOfBatch(session, id, by, updatedAt);
    });
}

Batch BatchStore::resume(std::int64_t id, const std::string& actor) {
    database_.write([&](Poco::Data::Session& session) {
        auto batch = loadBatch(session, id);
        if (!batch)
            throw NotFound("batch " + std::to_string(id) + " does not exist");
        if (batch->status == BatchStatus::Finished)
            throw InputError("batch " + std::to_string(id) + " has finished; nothing to resume");
        std::string updatedAt = nowText();
        std::int64_t nowMs = SystemClock().nowMs();
        std::string by = "resumed by " + actor;
        session << "UPDATE batches SET status = 'queueing', updated_at = ? WHERE id = ?",
            use(updatedAt), use(id), now;
        DeliveryStore::requeueCancelledOfBatch(session, id, nowMs, by, updatedAt);
    });
    return require(id);
}

void BatchStore::markFinished(std::int64_t id) {
    database_.write([&](Poco::Data::Session& session) {
        std::string at = nowText();
        session << "UPDATE batches SET status = 'finished', finished_at = ?, updated_at = ? "
                   "WHERE id = ? AND status <> 'cancelled'",
            use(at), use(at), use(id), now;
    });
}

Batch BatchStore::settle(const Batch& batch, const BatchProgress& progress) {
    if (batch.status != BatchStatus::Delivering || progress.pending != 0)
        return batch;
    markFinished(batch.id);
    return require(batch.id);
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

std::function<void(std::int64_t nowMs)> requeueingExpiredPages(Database& database) {
    return [&database](std::int64_t nowMs) {
        try {
            if (std::size_t queued = BatchStore(database).requeueExpiredPages(nowMs))
                logInfo("delivery workers: queued again " + std::to_string(queued) +
                        " deliveries of mass post pages whose lease ran out");
        } catch (const std::exception& error) {
            logError("delivery workers: cannot queue again expired mass post pages: " +
                     std::string(error.what()));
        }
    };
}

} // namespace dpp::bridge
