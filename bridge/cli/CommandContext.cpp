#include "bridge/cli/CommandContext.h"

#include "bridge/InputError.h"
#include "bridge/outbox/PreparedWebhook.h"

#include <Poco/Exception.h>

#include <cstdlib>

namespace dpp::bridge {

const std::shared_ptr<const SecretBox>& CommandContext::secretBox() {
    if (!keyLookedUp_) {
        std::optional<SecretKey> key = SecretKey::fromEnvironmentOrFile(config_.secretKeyFile);
        if (key) {
            secretBox_ = std::make_shared<const SecretBox>(*key);
            secretKeySource_ = std::getenv(SecretKey::environmentVariable)
                                   ? std::string(SecretKey::environmentVariable)
                                   : "secrets.key_file " + config_.secretKeyFile;
        }
        keyLookedUp_ = true;
    }
    return secretBox_;
}

const std::string& CommandContext::secretKeySource() {
    secretBox();
    return secretKeySource_;
}

Database& CommandContext::database() {
    if (!database_) {
        std::shared_ptr<const SecretBox> box = secretBox(); // a bad key stops before the store
        try {
            database_ = std::make_unique<Database>(config_.storeUri);
            database_->setSecretBox(box);
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
