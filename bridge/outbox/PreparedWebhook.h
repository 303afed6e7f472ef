#pragma once
// A stored webhook made ready to render for contacts of this store: compiled against the
// system tags, {CF:...}, the special tags ({EP_DATA}, {UPLOAD_DOC_IDS}) and the budget tags
// of its source account's catalog, with the renderers that read each contact's plan,
// documents and budget values from the store. Not synchronised: one per thread.
// The constructor throws InputError naming the webhook, the pair and the tag.
#include "bridge/store/ContactExtrasStore.h"
#include "bridge/store/DeliveryStore.h"
#include "mapping/CompiledWebhook.h"

#include <memory>

namespace dpp::bridge {

class PreparedWebhook {
public:
    PreparedWebhook(Database& database, const mapping::WebhookDefinition& definition);

    const mapping::CompiledWebhook& compiled() const { return *compiled_; }
    mapping::RenderedRequest render(const mapping::Contact& contact);
    // The delivery to queue for a contact; when the webhook carries __copydocs it also grants
    // the destination account access to the contact's documents.
    NewDelivery delivery(const mapping::Contact& contact, const std::string& origin);

    // The vocabulary a webhook of this account compiles against (for checks and previews).
    static mapping::TagVocabulary vocabularyFor(const budget::BudgetCatalog& sourceCatalog);

private:
    Database& database_;
    budget::BudgetCatalog catalog_;
    std::unique_ptr<mapping::CompiledWebhook> compiled_;
    bool copiesDocuments_ = false;
};

inline constexpr std::int64_t kDocumentGrantMs = 30LL * 24 * 3600 * 1000;

} // namespace dpp::bridge
