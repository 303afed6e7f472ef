#include "bridge/receive/ReceivedPosts.h"

#include "bridge/Clock.h"
#include "bridge/InputError.h"
#include "bridge/Log.h"
#include "bridge/activation/EventNames.h"
#include "bridge/activation/EventRaiser.h"
#include "bridge/outbox/Hops.h"
#include "bridge/outbox/OutboxSignal.h"
#include "bridge/receive/ContactMerge.h"
#include "bridge/store/ContactExtrasStore.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/DedupeKeys.h"
#include "bridge/store/DocumentCopyStore.h"
#include "bridge/store/SourceChanges.h"
#include "bridge/store/WebhookStore.h"

namespace dpp::bridge {

namespace {

// The sender's identity for the `source` rule: the last hop of its X-Dppbridge-Hops.
std::string sourceIdentity(const Hops& hops) {
    if (hops.empty())
        return "";
    const Hop& last = hops.hops().back();
    return std::to_string(last.account) + ":" + std::to_string(last.contact);
}

// The post-on of a received contact through the data source's webhook, keyed by what
// happened: ds_<source>_<contact> for a stored contact, ..._c<change number> for an update.
void postOn(Poco::Data::Session& session, const DataSource& source, const mapping::Contact& contact,
            const Hops& chain, const std::string& keySuffix, std::int64_t nowMs,
            ReceivedContact& result) {
    if (!source.webhookId)
        return;
    std::string by = "data source " + std::to_string(source.id);
    try {
        auto definition = WebhookStore::load(session, *source.webhookId);
        if (!definition)
            throw NotFound("webhook " + std::to_string(*source.webhookId) + " no longer exists");
        PreparedWebhook webhook(session, *definition);
        if (auto loop = chain.loopReason(definition->destinationAccount)) {
            result.notPostedOn = *loop;
            return;
        }
        NewDelivery delivery = webhook.delivery(session, contact, by + " post-on", nowMs);
        delivery.idempotencyKey =
            "ds_" + std::to_string(source.id) + "_" + std::to_string(contact.id) + keySuffix;
        delivery.hops = chain.text();
        result.postedOnBy = DeliveryStore::insert(session, delivery, nowMs).id;
        ++result.deliveriesQueued;
    } catch (const InputError& error) {
        result.notPostedOn = error.what();
    }
}

// The events of a stored contact and its post-on.
void activateCreated(Poco::Data::Session& session, const DataSource& source,
                     const mapping::Contact& contact, const Hops& incoming,
                     ReceivedContact& result) {
    std::int64_t nowMs = SystemClock().nowMs();
    EventRaiser raiser(session, nowMs);
    Hops chain = incoming.then(source.accountId, contact.id);
    std::string by = "data source " + std::to_string(source.id);
    raiser.raise({std::string(kContactCreated), contact.id, by, by, "", chain}, &contact);
    raiser.raise({std::string(kDataSourceImported), contact.id, by, by, "", chain}, &contact);
    result.deliveriesQueued = raiser.deliveriesQueued();
    postOn(session, source, contact, chain, "", nowMs, result);
}

// The events of a contact a post brought up to date, and its post-on; nothing when nothing
// changed.
void activateUpdated(Poco::Data::Session& session, const DataSource& source,
                     const ContactMerge& merge, const Hops& incoming, ReceivedContact& result) {
    if (merge.changed.empty())
        return;
    std::int64_t nowMs = SystemClock().nowMs();
    const mapping::Contact& after = merge.update.after;
    EventRaiser raiser(session, nowMs);
    Hops chain = incoming.then(source.accountId, after.id);
    std::string by = "data source " + std::to_string(source.id);
    std::string changed;
    for (const std::string& name : merge.changed)
        changed += (changed.empty() ? "" : ", ") + name;
    raiser.raise({std::string(kContactUpdated), after.id, changed, by, "", chain}, &after);
    const std::string& before = merge.update.before.get(mapping::SystemField::Status);
    const std::string& now = after.get(mapping::SystemField::Status);
    if (before != now)
        raiser.raise({std::string(kContactStatusChanged), after.id,
                      "status " + before + " -> " + now, by, "", chain},
                     &after);
    result.deliveriesQueued = raiser.deliveriesQueued();
    postOn(session, source, after, chain, "_c" + std::to_string(after.changeNumber), nowMs, result);
}

} // namespace

void ReceivedPosts::storeIn(Poco::Data::Session& session, PostToStore& post) {
    const DataSource& source = *post.source;
    mapping::Contact& contact = *post.contact;
    ReceivedContact& result = post.result;
    result = ReceivedContact{};
    if (!post.idempotencyKey.empty()) {
        if (auto seen =
                DataSourceStore::findReceivedPost(session, source.id, post.idempotencyKey)) {
            result.contactId = seen->contactId;
            result.duplicate = true;
            result.ignoredKeys = std::move(seen->ignoredKeys);
            return;
        }
    }
    Hops incoming = Hops::parse(post.hops);
    // Only de-dupe needs the sender's identity.
    std::string identity = source.dedupe.enabled() ? sourceIdentity(incoming) : std::string();
    result.ignoredKeys = *post.ignoredKeys;
    contact.accountId = source.accountId;
    if (source.dedupe.enabled()) {
        DedupeMatch match =
            DedupeKeys::find(session, source.id, source.dedupe.rules, contact, identity);
        result.problems = std::move(match.problems);
        if (match.contactId) {
            result.duplicateOf = match.contactId;
            result.matchedRule = match.rule;
            switch (source.dedupe.action) {
            case DuplicateAction::Reject:
                result.match = MatchOutcome::Rejected;
                return; // nothing stored, not even the key: a later post is judged again
            case DuplicateAction::Update: {
                result.match = MatchOutcome::Updated;
                result.contactId = *match.contactId;
                bool versioned = !identity.empty() && post.sourceChange > 0;
                if (versioned) {
                    auto applied = SourceChanges::applied(session, source.id, identity);
                    if (applied && post.sourceChange < *applied) {
                        result.stale = true; // a newer version of the contact is here already
                        recordPost(session, post);
                        return;
                    }
                    SourceChanges::record(session, source.id, identity, post.sourceChange);
                }
                ContactMerge merge =
                    mergeReceivedContact(session, *match.contactId, contact, post.postedFields,
                                         post.extras, SystemClock().nowMs());
                result.changed = merge.changed;
                DedupeKeys::index(session, source.id, source.dedupe.rules, merge.update.after,
                                  identity, true);
                recordPost(session, post);
                activateUpdated(session, source, merge, incoming, result);
                return;
            }
            case DuplicateAction::Create:
                result.match = MatchOutcome::CreatedAsDuplicate;
                break;
            }
        }
    }
    contact.id = 0;
    result.contactId = ContactStore::insert(session, contact);
    if (result.duplicateOf)
        ContactStore::markDuplicate(session, result.contactId, *result.duplicateOf);
    if (const ReceivedExtras* extras = post.extras) {
        if (extras->plan)
            ContactExtrasStore::savePlan(session, result.contactId, *extras->plan);
        ContactExtrasStore::saveBudgetValues(session, result.contactId, extras->budget);
        if (extras->copyDocs)
            DocumentCopyStore::queue(session, result.contactId, *extras->copyDocs,
                                     SystemClock().nowMs());
    }
    // A duplicate leaves the match values to the contact it duplicates.
    if (source.dedupe.enabled() && !result.duplicateOf) {
        DedupeKeys::index(session, source.id, source.dedupe.rules, contact, identity, false);
        if (!identity.empty() && post.sourceChange > 0)
            SourceChanges::record(session, source.id, identity, post.sourceChange);
    }
    recordPost(session, post);
    activateCreated(session, source, contact, incoming, result);
}

void ReceivedPosts::recordPost(Poco::Data::Session& session, const PostToStore& post) {
    if (!post.idempotencyKey.empty())
        DataSourceStore::recordReceivedPost(session, post.source->id, post.idempotencyKey,
                                            {post.result.contactId, *post.ignoredKeys});
}

void ReceivedPosts::afterCommit(const PostToStore& post) {
    if (!post.result.notPostedOn.empty())
        logWarning("data source " + std::to_string(post.source->id) + " contact " +
                   std::to_string(post.result.contactId) +
                   " not posted on: " + post.result.notPostedOn);
}

ReceivedContact ReceivedPosts::receive(const DataSource& source, mapping::Contact& contact,
                                       const std::vector<std::string>& ignoredKeys,
                                       const std::string& idempotencyKey,
                                       const ReceivedExtras* extras, const std::string& hops) {
    std::vector<PostToStore> posts{PostToStore{
        &source, &contact, &ignoredKeys, idempotencyKey, extras, hops, nullptr, 0, {}, {}}};
    receiveAll(posts); // shares its transaction with concurrent posts (group commit)
    if (posts.front().error)
        std::rethrow_exception(posts.front().error);
    return std::move(posts.front().result);
}

void ReceivedPosts::receiveAll(std::vector<PostToStore>& posts) {
    std::vector<std::function<void(Poco::Data::Session&)>> works;
    works.reserve(posts.size());
    for (PostToStore& post : posts)
        works.emplace_back([this, &post](Poco::Data::Session& session) { storeIn(session, post); });
    std::vector<std::exception_ptr> errors = database_.writeAll(works);
    bool queued = false;
    for (std::size_t i = 0; i < posts.size(); ++i) {
        posts[i].error = errors[i];
        if (errors[i])
            continue;
        queued = queued || posts[i].result.deliveriesQueued > 0;
        afterCommit(posts[i]);
    }
    if (queued)
        OutboxSignal::notify();
}

} // namespace dpp::bridge
