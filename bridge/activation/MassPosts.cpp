#include "bridge/activation/MassPosts.h"

#include "bridge/Clock.h"
#include "bridge/InputError.h"
#include "bridge/Log.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/DeliveryStore.h"
#include "bridge/store/WebhookStore.h"

#include <charconv>
#include <map>

namespace dpp::bridge {

namespace {

std::string originOf(const Batch& batch) {
    return batch.kind == BatchKind::Nightly
               ? "nightly job " + batch.job + " (batch " + std::to_string(batch.id) + ")"
               : "masspost " + std::to_string(batch.id) + " by " + batch.createdBy;
}

std::string massPostKey(std::int64_t batchId, std::int64_t contactId) {
    return "mp_" + std::to_string(batchId) + "_" + std::to_string(contactId);
}

// A nightly run posts a contact's change once, whichever run posts it: the key is the job,
// the contact and its change number.
std::string nightlyKey(const Batch& batch, const mapping::Contact& contact) {
    return "nj_" + batch.job + "_" + std::to_string(contact.id) + "_" +
           std::to_string(contact.changeNumber);
}

// Reads ids separated by commas, spaces or line breaks into the batch's selection, 10,000 at
// a time; names the line of a bad one.
void addSelectedIds(Poco::Data::Session& session, std::int64_t batchId, std::istream& in) {
    std::vector<std::int64_t> contactIds;
    auto flush = [&] {
        BatchStore::addSelectedIds(session, batchId, std::move(contactIds));
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
            contactIds.push_back(id);
            if (contactIds.size() >= 10000)
                flush();
        }
    }
    flush();
}

} // namespace

Batch MassPosts::create(BatchKind kind, const std::string& job, std::int64_t webhookId,
                        ContactSelection selection, const std::string& createdBy,
                        std::istream* ids) {
    selection.selectedIds = ids != nullptr;
    Batch batch;
    batch.kind = kind;
    batch.job = job;
    batch.webhookId = webhookId;
    batch.accountId = selection.accountId;
    batch.selection = selection.toJson();
    batch.status = BatchStatus::Queueing;
    batch.createdBy = createdBy;
    batch.createdAt = batch.updatedAt = nowText();
    database_.write([&](Poco::Data::Session& session) {
        batch.id = BatchStore::insert(session, batch);
        if (ids) {
            addSelectedIds(session, batch.id, *ids);
            SelectedElsewhere strangers =
                BatchStore::selectedElsewhere(session, batch.id, batch.accountId, 10);
            if (strangers.count > 0) {
                std::string list;
                for (std::int64_t id : strangers.first)
                    list += (list.empty() ? "" : ", ") + std::to_string(id);
                throw InputError(std::to_string(strangers.count) + " selected id(s) are not " +
                                 "contacts of account " + std::to_string(batch.accountId) + ": " +
                                 list + (strangers.count > 10 ? ", ..." : "") +
                                 "; nothing was posted");
            }
        }
        batch.selected = ContactStore::count(session, selection.query(batch.id));
        BatchStore::setSelected(session, batch.id, batch.selected);
    });
    return batch;
}

std::int64_t MassPosts::count(const ContactSelection& selection, std::int64_t batchId) {
    std::int64_t result = 0;
    database_.read([&](Poco::Data::Session& session) {
        result = ContactStore::count(session, selection.query(batchId));
    });
    return result;
}

std::optional<mapping::Contact> MassPosts::contactAt(const ContactSelection& selection,
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

std::size_t MassPosts::queueNextPage(std::int64_t batchId, PreparedWebhook& webhook,
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
        auto batch = BatchStore::find(session, batchId);
        if (!batch || batch->status != BatchStatus::Queueing)
            return;
        ContactQuery query = ContactSelection::fromJson(batch->selection).query(batchId);
        auto contacts = ContactStore::select(session, query, batch->position, pageSize);
        std::string updatedAt = formatTime(nowMs);
        if (contacts.empty()) {
            BatchStore::markDelivering(session, batchId, updatedAt);
            return;
        }
        auto deliveries = webhook.deliveries(session, contacts, originOf(*batch), nowMs);
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
            // A change an earlier run delivered is counted; one it did not deliver is taken
            // into this run, and sent again when it had failed.
            delivery.idempotencyKey = nightlyKey(*batch, contacts[i]);
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
            LeasedPage page;
            page.batchId = batchId;
            page.firstContactId = contacts.front().id;
            page.lastContactId = position;
            page.contacts = static_cast<std::int64_t>(contacts.size());
            page.owner = lease->owner;
            page.leaseUntilMs = nowMs + lease->leaseMs;
            lease->pageId = BatchStore::leasePage(session, page);
        }
        BatchStore::advance(session, batchId, position, alreadyDelivered, updatedAt);
        queued = contacts.size();
    });
    return queued;
}

std::size_t MassPosts::requeueExpiredPages(std::int64_t nowMs) {
    BatchStore batches(database_);
    std::size_t queued = 0;
    for (std::int64_t batchId : batches.batchesWithExpiredPages(nowMs)) {
        auto batch = batches.find(batchId);
        if (!batch)
            continue;
        std::optional<PreparedWebhook> webhook;
        if (auto definition = WebhookStore(database_).find(batch->webhookId))
            webhook.emplace(database_, std::move(*definition));
        database_.write([&](Poco::Data::Session& session) {
            auto pages = BatchStore::expiredPages(session, batchId, nowMs);
            auto current = BatchStore::find(session, batchId);
            // A page whose batch or webhook is gone has nothing left to send.
            if (current && webhook) {
                ContactSelection selection = ContactSelection::fromJson(current->selection);
                std::string origin = originOf(*current);
                for (const LeasedPage& page : pages) {
                    auto contacts = ContactStore::select(
                        session, selection.query(batchId).idAtMost(page.lastContactId),
                        page.firstContactId - 1, static_cast<std::size_t>(-1) >> 1);
                    auto deliveries = webhook->deliveries(session, contacts, origin, nowMs);
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
            }
            for (const LeasedPage& page : pages)
                BatchStore::deletePage(session, page.id);
        });
    }
    return queued;
}

void MassPosts::cancel(std::int64_t id, const std::string& actor) {
    database_.write([&](Poco::Data::Session& session) {
        auto batch = BatchStore::find(session, id);
        if (!batch)
            throw NotFound("batch " + std::to_string(id) + " does not exist");
        if (batch->status == BatchStatus::Finished)
            throw InputError("batch " + std::to_string(id) + " has finished; nothing to cancel");
        std::string at = nowText();
        BatchStore::markCancelled(session, id, at);
        DeliveryStore::cancelQueuedOfBatch(session, id, "cancelled by " + actor, at);
    });
}

Batch MassPosts::resume(std::int64_t id, const std::string& actor) {
    database_.write([&](Poco::Data::Session& session) {
        auto batch = BatchStore::find(session, id);
        if (!batch)
            throw NotFound("batch " + std::to_string(id) + " does not exist");
        if (batch->status == BatchStatus::Finished)
            throw InputError("batch " + std::to_string(id) + " has finished; nothing to resume");
        std::string at = nowText();
        BatchStore::markQueueing(session, id, at);
        DeliveryStore::requeueCancelledOfBatch(session, id, SystemClock().nowMs(),
                                               "resumed by " + actor, at);
    });
    return BatchStore(database_).require(id);
}

Batch MassPosts::settle(const Batch& batch, const BatchProgress& progress) {
    if (batch.status != BatchStatus::Delivering || progress.pending != 0)
        return batch;
    BatchStore batches(database_);
    batches.markFinished(batch.id);
    return batches.require(batch.id);
}

std::function<void(std::int64_t nowMs)> requeueingExpiredPages(Database& database) {
    return [&database](std::int64_t nowMs) {
        try {
            if (std::size_t queued = MassPosts(database).requeueExpiredPages(nowMs))
                logInfo("delivery workers: queued again " + std::to_string(queued) +
                        " deliveries of mass post pages whose lease ran out");
        } catch (const std::exception& error) {
            logError("delivery workers: cannot queue again expired mass post pages: " +
                     std::string(error.what()));
        }
    };
}

} // namespace dpp::bridge
