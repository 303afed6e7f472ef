#include "bridge/outbox/PreparedWebhook.h"

#include "bridge/Clock.h"
#include "bridge/InputError.h"
#include "bridge/outbox/Enqueue.h"
#include "budget/BudgetTags.h"
#include "mapping/ExtensionRouter.h"
#include "specialparams/SpecialParameters.h"
#include "specialparams/SpecialTags.h"

namespace dpp::bridge {

mapping::TagVocabulary PreparedWebhook::vocabularyFor(const budget::BudgetCatalog& sourceCatalog) {
    mapping::TagVocabulary vocabulary;
    specialparams::registerSpecialTags(vocabulary);
    budget::registerBudgetTags(sourceCatalog, vocabulary);
    return vocabulary;
}

PreparedWebhook::PreparedWebhook(Database& database, const mapping::WebhookDefinition& definition)
    : database_(database) {
    if (definition.account)
        catalog_ = ContactExtrasStore(database).catalog(*definition.account);
    try {
        compiled_ = std::make_unique<mapping::CompiledWebhook>(
            mapping::CompiledWebhook::compile(definition, vocabularyFor(catalog_)));
    } catch (const mapping::DefinitionError& error) {
        throw InputError("webhook " +
                         (definition.id ? std::to_string(definition.id) + " " : std::string()) +
                         "'" + definition.title + "': " + error.what());
    }
    for (const auto& pair : definition.pairs)
        if (pair.key == specialparams::kCopyDocsKey)
            copiesDocuments_ = definition.destinationAccount.has_value();
}

mapping::RenderedRequest PreparedWebhook::render(const mapping::Contact& contact) {
    specialparams::ExtrasByContactId extras;
    budget::BudgetValuesByContactId budgets;
    ContactExtrasStore(database_).loadRenderExtras({contact}, extras, budgets);
    specialparams::SpecialTagRenderer special(extras);
    budget::BudgetTagRenderer budgetTags(catalog_, budgets);
    mapping::ExtensionRouter router;
    router.route(specialparams::kFirstSpecialTagId, specialparams::kLastSpecialTagId, special);
    router.route(budget::kFirstBudgetTagId, budget::kLastBudgetTagId, budgetTags);
    return compiled_->render(mapping::RenderContext{contact, &router});
}

NewDelivery PreparedWebhook::delivery(const mapping::Contact& contact, const std::string& origin) {
    NewDelivery delivery = deliveryFor(*compiled_, contact.id, render(contact), origin);
    if (copiesDocuments_) {
        for (const auto& stored : ContactExtrasStore(database_).documents(contact.id))
            delivery.grantDocumentIds.push_back(stored.document.id);
        delivery.grantSourceAccount = contact.accountId;
        delivery.grantPeerAccount = *compiled_->definition().destinationAccount;
        delivery.grantExpiresAtMs = SystemClock().nowMs() + kDocumentGrantMs;
    }
    return delivery;
}

} // namespace dpp::bridge
