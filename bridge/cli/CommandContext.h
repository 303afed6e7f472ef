#pragma once
// What every command gets: the loaded configuration, the store (opened and migrated on first
// use), the tag vocabulary webhooks compile against, and the output streams. One per process;
// used from the main thread (serve hands the Database to its own threads).
#include "bridge/Config.h"
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
    // command does it at start-up so an upgraded binary never meets an old schema).
    Database& database();

    // Compiles against every tag a value may use: system fields, {CF:...}, the special tags
    // and the budget tags of the webhook's account. Throws InputError naming pair and tag.
    mapping::CompiledWebhook compile(const mapping::WebhookDefinition& definition);

private:
    Config config_;
    std::ostream& out_;
    std::ostream& err_;
    std::unique_ptr<Database> database_;
};

} // namespace dpp::bridge
