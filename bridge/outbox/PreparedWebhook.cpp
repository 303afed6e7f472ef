#include "bridge/outbox/PreparedWebhook.h"

#include "bridge/Clock.h"
#include "bridge/InputError.h"
#include "bridge/outbox/Enqueue.h"
#include "bridge/outbox/Hops.h"
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
    : database_(&database) {
    if (definition.account)
        catalog_ = ContactExtrasStore(database).catalog(*definition.account);
    compile(definition);
}

PreparedWebhook::PreparedWebhook(Poco::Data::Session& session,
                                 const mapping::WebhookDefinition& definition) {
    if (definition.account)
        catalog_ = ContactExtrasStore::catalog(session, *definition.account);
    compile(definition);
}

void PreparedWebhook::compile(const mapping::WebhookDefinition& definition) {
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

namespace {

mapping::RenderedRequest renderWith(const mapping::CompiledWebhook& compiled,
                                    const budget::BudgetCatalog& catalog,
                                    const mapping::Contact& contact,
                                    const specialparams::ExtrasByContactId& extras,
                                    const budget::BudgetValuesByContactId& budgets) {
    specialparams::SpecialTagRenderer special(extras);
    budget::BudgetTagRenderer budgetTags(catalog, budgets);
    mapping::ExtensionRouter router;
    router.route(specialparams::kFirstSpecialTagId, specialparams::kLastSpecialTagId, special);
    router.route(budget::kFirstBudgetTagId, budget::kLastBudgetTagId, budgetTags);
    return compiled.render(mapping::RenderContext{contact, &router});
}

} // namespace

mapping::RenderedRequest PreparedWebhook::render(Poco::Data::Session& session,
                                                 const mapping::Contact& contact) {
    specialparams::ExtrasByContactId extras;
    budget::BudgetValuesByContactId budgets;
    ContactExtrasStore::loadRenderExtras(session, {contact}, extras, budgets);
    return renderWith(*compiled_, catalog_, contact, extras, budgets);
}

mapping::RenderedRequest PreparedWebhook::render(const mapping::Contact& contact) {
    auto lease = database_->lease();
    return render(*lease, contact);
}

NewDelivery PreparedWebhook::deliveryWithExtras(Poco::Data::Session& session,
                                                const mapping::Contact& contact,
                                                const std::string& origin, std::int64_t nowMs,
                                                const specialparams::ExtrasByContactId& extras,
                                                const budget::BudgetValuesByContactId& budgets) {
    NewDelivery delivery = deliveryFor(
        *compiled_, contact.id, renderWith(*compiled_, catalog_, contact, extras, budgets), origin);
    delivery.hops = Hops::start(contact.accountId, contact.id).text();
    delivery.sourceChange = contact.changeNumber;
    if (copiesDocuments_) {
        delivery.grantDocumentIds = ContactExtrasStore::documentIds(session, contact.id);
        delivery.grantSourceAccount = contact.accountId;
        delivery.grantPeerAccount = *compiled_->definition().destinationAccount;
        delivery.grantExpiresAtMs = nowMs + kDocumentGrantMs;
    }
    return delivery;
}

NewDelivery PreparedWebhook::delivery(Poco::Data::Session& session, const mapping::Contact& contact,
                                      const std::string& origin, std::int64_t nowMs) {
    specialparams::ExtrasByContactId extras;
    budget::BudgetValuesByContactId budgets;
    ContactExtrasStore::loadRenderExtras(session, {contact}, extras, budgets);
    return deliveryWithExtras(session, contact, origin, nowMs, extras, budgets);
}

NewDelivery PreparedWebhook::delivery(const mapping::Contact& contact, const std::string& origin) {
    auto lease = database_->lease();
    return delivery(*lease, contact, origin, SystemClock().nowMs());
}

std::vector<NewDelivery> PreparedWebhook::deliveries(Poco::Data::Session& session,
                                                     const std::vector<mapping::Contact>& contacts,
                                                     const std::string& origin,
                                                     std::int64_t nowMs) {
    specialparams::ExtrasByContactId extras;
    budget::BudgetValuesByContactId budgets;
    ContactExtrasStore::loadRenderExtras(session, contacts, extras, budgets);
    std::vector<NewDelivery> result;
    result.reserve(contacts.size());
    for (const mapping::Contact& contact : contacts)
        result.push_back(deliveryWithExtras(session, contact, origin, nowMs, extras, budgets));
    return result;
}

} // namespace dpp::bridge
