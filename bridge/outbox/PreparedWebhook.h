#pragma once
// A stored webhook made ready to render for contacts of this store: compiled against the
// system tags, {CF:...}, the special tags ({EP_DATA}, {UPLOAD_DOC_IDS}) and the budget tags
// of its source account's catalog, with the renderers that read each contact's plan,
// documents and budget values from the store. Not synchronised: one per thread.
// The constructors throw InputError naming the webhook, the pair and the tag.
// Methods taking a session read through it (inside the caller's transaction, so they see
// what that transaction wrote); the others lease a session of their own.
#include "bridge/store/ContactExtrasStore.h"
#include "bridge/store/DeliveryStore.h"
#include "mapping/CompiledWebhook.h"

#include <memory>

namespace dpp::bridge {

class PreparedWebhook {
public:
    PreparedWebhook(Database& database, const mapping::WebhookDefinition& definition);
    PreparedWebhook(Poco::Data::Session& session, const mapping::WebhookDefinition& definition);

    const mapping::CompiledWebhook& compiled() const { return *compiled_; }
    const mapping::WebhookDefinition& definition() const { return compiled_->definition(); }
    mapping::RenderedRequest render(const mapping::Contact& contact);
    mapping::RenderedRequest render(Poco::Data::Session& session, const mapping::Contact& contact);
    // The delivery to queue for a contact; when the webhook carries __copydocs it also grants
    // the destination account access to the contact's documents.
    NewDelivery delivery(const mapping::Contact& contact, const std::string& origin);
    NewDelivery delivery(Poco::Data::Session& session, const mapping::Contact& contact,
                         const std::string& origin, std::int64_t nowMs);

    // Many contacts of one page (sorted by id), their extras read in three queries. The
    // deliveries come back in the contacts' order.
    std::vector<NewDelivery> deliveries(Poco::Data::Session& session,
                                        const std::vector<mapping::Contact>& contacts,
                                        const std::string& origin, std::int64_t nowMs);

    // The vocabulary a webhook of this account compiles against (for checks and previews).
    static mapping::TagVocabulary vocabularyFor(const budget::BudgetCatalog& sourceCatalog);

private:
    void compile(const mapping::WebhookDefinition& definition);
    NewDelivery deliveryWithExtras(Poco::Data::Session& session, const mapping::Contact& contact,
                                   const std::string& origin, std::int64_t nowMs,
                                   const specialparams::ExtrasByContactId& extras,
                                   const budget::BudgetValuesByContactId& budgets);

    Database* database_ = nullptr;
    budget::BudgetCatalog catalog_;
    std::unique_ptr<mapping::CompiledWebhook> compiled_;
    bool copiesDocuments_ = false;
};

inline constexpr std::int64_t kDocumentGrantMs = 30LL * 24 * 3600 * 1000;

} // namespace dpp::bridge
