#include "bridge/cli/CommandContext.h"

#include "bridge/InputError.h"
#include "bridge/outbox/PreparedWebhook.h"

#include <Poco/Exception.h>

namespace dpp::bridge {

Database& CommandContext::database() {
    if (!database_) {
        try {
            database_ = std::make_unique<Database>(config_.storeUri);
            database_->migrate();
        } catch (const Poco::Exception& error) {
            throw StoreError("store " + config_.storeUri + ": " + error.displayText());
        }
    }
    return *database_;
}

mapping::CompiledWebhook CommandContext::compile(const mapping::WebhookDefinition& definition) {
    try {
        budget::BudgetCatalog catalog;
        if (definition.account)
            catalog = ContactExtrasStore(database()).catalog(*definition.account);
        return mapping::CompiledWebhook::compile(definition,
                                                 PreparedWebhook::vocabularyFor(catalog));
    } catch (const mapping::DefinitionError& error) {
        throw InputError("webhook " +
                         (definition.id ? std::to_string(definition.id) + " " : std::string()) +
                         "'" + definition.title + "': " + error.what());
    }
}

} // namespace dpp::bridge
