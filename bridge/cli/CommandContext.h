#pragma once
// What every command gets: the loaded configuration, the store (opened and migrated on first
// use), the tag vocabulary webhooks compile against, and the output streams. One per process;
// used from the main thread (serve hands the Database to its own threads).
#include "bridge/Config.h"
#include "bridge/secrets/SecretBox.h"
#include "bridge/store/Database.h"
#include "mapping/CompiledWebhook.h"

#include <iosfwd>
#include <memory>

namespace dpp::bridge {

class CommandContext {
public:
    CommandContext(Config config, std::ostream& out, std::ostream& err)
        : config_(std::move(config)), out_(out), err_(err) {}

    const Config& config() const { return config_; }
    std::ostream& out() { return out_; }
    std::ostream& err() { return err_; }

    // Opens the store and applies pending migrations (init does it explicitly; every other
    // command does it at start-up so an upgraded binary never meets an old schema), and gives
    // it the secret key's box (Database::setSecretBox).
    Database& database();

    // The key that seals secrets at rest, looked up once per process: DPPBRIDGE_SECRET_KEY
    // when set, else secrets.key_file; null when neither is. Throws ConfigError naming the
    // variable or the file for a bad key.
    const std::shared_ptr<const SecretBox>& secretBox();
    // Where that key came from ("DPPBRIDGE_SECRET_KEY", "secrets.key_file /etc/..."), empty
    // for none.
    const std::string& secretKeySource();

    // Compiles against every tag a value may use: system fields, {CF:...}, the special tags
    // and the budget tags of the webhook's account. Throws InputError naming pair and tag.
    mapping::CompiledWebhook compile(const mapping::WebhookDefinition& definition);

private:
    Config config_;
    std::ostream& out_;
    std::ostream& err_;
    std::unique_ptr<Database> database_;
    bool keyLookedUp_ = false;
    std::shared_ptr<const SecretBox> secretBox_;
    std::string secretKeySource_;
};

} // namespace dpp::bridge
