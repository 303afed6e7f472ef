// datasource add|list|show|map, serve.
#include "bridge/InputError.h"
#include "bridge/Log.h"
#include "bridge/activation/MassPosts.h"
#include "bridge/cli/Commands.h"
#include "bridge/cli/Signals.h"
#include "bridge/documents/DocumentCopier.h"
#include "bridge/http/BridgeServer.h"
#include "bridge/outbox/DeliveryWorkers.h"
#include "bridge/store/DataSourceStore.h"
#include "bridge/views/RecordViews.h"
#include "mapping/Encoding.h"
#include "mapping/ReceiveKeyMap.h"
#include "specialparams/SpecialParameters.h"

#include <Poco/URI.h>

#include <fstream>
#include <ostream>

namespace dpp::bridge {

namespace {

void purgeOldDeliveries(Database& database, const Config& config, const Clock& clock) {
    try {
        std::int64_t purged =
            DeliveryStore(database).purgeFinishedBefore(clock.nowMs() - config.retention.count());
        if (purged > 0)
            logInfo("purged " + std::to_string(purged) + " finished deliveries older than " +
                    formatDuration(config.retention) + " (delivery.retention)");
    } catch (const std::exception& error) {
        logError("cannot purge old deliveries: " + std::string(error.what()));
    }
}

// --dedupe-on and --on-duplicate; nothing when neither is given. current: the data source's
// settings (set keeps its rules when only the action changes).
std::optional<DedupeSettings> dedupeFrom(const Arguments& arguments,
                                         const DedupeSettings* current) {
    if (arguments.has("no-dedupe")) {
        if (arguments.has("dedupe-on") || arguments.has("on-duplicate"))
            throw UsageError("--no-dedupe cannot go with --dedupe-on or --on-duplicate");
        return DedupeSettings{};
    }
    if (!arguments.has("dedupe-on") && !arguments.has("on-duplicate"))
        return std::nullopt;
    DedupeSettings settings;
    if (current)
        settings = *current;
    if (auto rules = arguments.value("dedupe-on")) {
        try {
            settings.rules = mapping::parseDedupeRules(*rules, "--dedupe-on");
        } catch (const mapping::DedupeRuleError& error) {
            throw UsageError(error.what());
        }
    }
    if (auto action = arguments.value("on-duplicate")) {
        if (!settings.enabled())
            throw UsageError("--on-duplicate " + *action +
                             " needs --dedupe-on RULES: without match rules nothing is a "
                             "duplicate");
        auto parsed = duplicateActionByName(*action);
        if (!parsed)
            throw UsageError("--on-duplicate '" + *action + "' is not reject, update or create");
        settings.action = *parsed;
    }
    return settings;
}

// --redirect URL: an absolute http(s) URL ("" with --no-redirect); nothing when not given.
std::optional<std::string> redirectFrom(const Arguments& arguments) {
    if (arguments.has("no-redirect")) {
        if (arguments.has("redirect"))
            throw UsageError("--no-redirect cannot go with --redirect");
        return std::string();
    }
    auto url = arguments.value("redirect");
    if (!url)
        return std::nullopt;
    bool fine = !url->empty();
    for (char c : *url)
        if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f)
            fine = false;
    if (fine) {
        try {
            Poco::URI uri(*url);
            fine =
                (uri.getScheme() == "http" || uri.getScheme() == "https") && !uri.getHost().empty();
        } catch (const Poco::Exception&) {
            fine = false;
        }
    }
    if (!fine)
        throw UsageError("--redirect '" + *url +
                         "' is not an absolute http(s) URL (e.g. https://example.com/thanks)");
    return url;
}

std::string dedupeText(const DataSource& source) {
    if (!source.dedupe.enabled())
        return "no de-dupe";
    return "de-dupe on " + mapping::dedupeRulesText(source.dedupe.rules) + ", " +
           std::string(duplicateActionName(source.dedupe.action)) + " duplicates";
}

int dataSourceAdd(const Arguments& arguments, CommandContext& context) {
    DataSourceStore store(context.database());
    std::int64_t account = arguments.requireInteger("account");
    std::string name = arguments.require("name");
    DedupeSettings dedupe = dedupeFrom(arguments, nullptr).value_or(DedupeSettings{});
    std::string redirect = redirectFrom(arguments).value_or("");
    DataSource source = store.add(account, name, arguments.integer("webhook"), dedupe, redirect);
    context.err() << "data source " << source.id << " '" << source.name << "' in account "
                  << source.accountId << " (" << dedupeText(source) << "); post to:\n";
    context.out() << source.postingPath() << "\n";
    return 0;
}

int dataSourceSet(const Arguments& arguments, CommandContext& context) {
    DataSourceStore store(context.database());
    std::int64_t id = parseId(arguments.requirePositional(0, "ID"), "data source ID");
    DataSource current = store.require(id);
    DataSourceChanges changes;
    changes.dedupe = dedupeFrom(arguments, &current.dedupe);
    changes.redirectUrl = redirectFrom(arguments);
    if (arguments.has("no-webhook")) {
        if (arguments.has("webhook"))
            throw UsageError("--no-webhook cannot go with --webhook");
        changes.webhookId = std::optional<std::int64_t>();
    } else if (arguments.has("webhook")) {
        changes.webhookId = std::optional<std::int64_t>(arguments.requireInteger("webhook"));
    }
    if (!changes.dedupe && !changes.redirectUrl && !changes.webhookId)
        throw UsageError("nothing to change; give --dedupe-on, --on-duplicate, --no-dedupe, "
                         "--webhook, --no-webhook, --redirect or --no-redirect");
    DataSource source = store.set(id, changes);
    if (arguments.has("json")) {
        context.out() << dataSourceJson(source) << "\n";
        return 0;
    }
    context.out() << "data source " << source.id << " '" << source.name
                  << "': " << dedupeText(source) << "; webhook "
                  << (source.webhookId ? std::to_string(*source.webhookId) : "none")
                  << "; redirect " << (source.redirectUrl.empty() ? "none" : source.redirectUrl)
                  << "\n";
    return 0;
}

int dataSourceList(const Arguments& arguments, CommandContext& context) {
    auto sources = DataSourceStore(context.database()).all();
    if (arguments.has("json")) {
        context.out() << "[";
        for (std::size_t i = 0; i < sources.size(); ++i)
            context.out() << (i ? ",\n  " : "\n  ") << dataSourceJson(sources[i]);
        context.out() << (sources.empty() ? "]\n" : "\n]\n");
        return 0;
    }
    for (const auto& source : sources)
        context.out() << source.id << "  account " << source.accountId << "  " << source.name
                      << "  " << source.postingPath() << "  " << dedupeText(source) << "\n";
    return 0;
}

int dataSourceShow(const Arguments& arguments, CommandContext& context) {
    DataSource source =
        DataSourceStore(context.database())
            .require(parseId(arguments.requirePositional(0, "ID"), "data source ID"));
    context.out() << dataSourceJson(source) << "\n";
    return 0;
}

int dataSourceMap(const Arguments& arguments, CommandContext& context) {
    DataSourceStore store(context.database());
    DataSource source =
        store.require(parseId(arguments.requirePositional(0, "ID"), "data source ID"));
    std::string key = arguments.require("key");
    if (key.empty())
        throw UsageError("--key must not be empty");
    if (specialparams::isSpecialParameterKey(key))
        throw InputError("'" + key +
                         "' is a special parameter: a data source applies it without a mapping, "
                         "and it must be left unmapped");
    if (arguments.has("remove")) {
        store.unmap(source.id, key);
        context.out() << "data source " << source.id << ": key '" << key << "' unmapped\n";
        return 0;
    }
    std::string fieldText = arguments.require("field");
    if (fieldText.size() > 3 && (fieldText.starts_with("CF:") || fieldText.starts_with("cf:"))) {
        std::string name = fieldText.substr(3);
        if (!mapping::isValidUtf8(name))
            throw InputError("--field '" + fieldText + "': a custom field's name must be UTF-8");
        store.mapCustom(source.id, key, name);
        context.out() << "data source " << source.id << ": key '" << key << "' -> {CF:" << name
                      << "}\n";
        return 0;
    }
    std::string tag = fieldText;
    if (tag.size() > 2 && tag.front() == '{' && tag.back() == '}')
        tag = tag.substr(1, tag.size() - 2);
    auto field = mapping::fieldByTag(tag);
    if (!field)
        field = mapping::fieldByImportName(fieldText);
    if (!field || !mapping::ReceiveKeyMap::isPostable(*field))
        throw InputError("--field '" + fieldText +
                         "' is not a system field a post can set (use a tag such as CELLPHONE, "
                         "or CF:Name for a custom field)");
    store.map(source.id, key, *field);
    context.out() << "data source " << source.id << ": key '" << key << "' -> {"
                  << mapping::info(*field).tag << "}\n";
    return 0;
}

int serve(const Arguments& arguments, CommandContext& context) {
    TerminationSignals signals; // before any thread starts
    const Config& config = context.config();
    std::string listen = arguments.value("listen").value_or(config.listen);
    BridgeServer server(config, context.database(), listen);
    SystemClock clock;
    DeliveryWorkers workers(config, context.database(), clock, "serve");
    workers.setIdleWork(requeueingExpiredPages(context.database()));
    DocumentCopier copier(config, context.database(), clock, "serve");
    server.start();
    workers.start(config.deliveryWorkers);
    copier.start(2);
    // The port file first: whoever waits for the log line may read the file at once.
    if (auto portFile = arguments.value("port-file")) {
        std::string temporary = *portFile + ".tmp";
        std::ofstream(temporary) << server.port() << "\n";
        std::rename(temporary.c_str(), portFile->c_str());
    }
    logInfo("dppbridge serving on http://" + parseListenAddress(listen).host().toString() + ":" +
            std::to_string(server.port()) + " with " + std::to_string(config.deliveryWorkers) +
            " delivery worker(s) (store " + config.storeUri + ")");
    const char* received = nullptr;
    while (!received) {
        purgeOldDeliveries(context.database(), config, clock);
        if (auto signal = signals.waitFor(std::chrono::hours(1)))
            received = *signal;
    }
    logInfo(std::string("received ") + received + ", stopping");
    server.stop();
    workers.stop();
    copier.stop();
    logInfo("stopped");
    return 0;
}

} // namespace

void addDataSourceCommands(std::vector<Command>& commands) {
    commands.push_back(
        {"datasource add",
         "datasource add --account N --name NAME [--webhook ID] [--dedupe-on "
         "RULES] [--on-duplicate reject|update|create] [--redirect URL]",
         "create a data source; prints its posting path",
         {{"account"}, {"name"}, {"webhook"}, {"dedupe-on"}, {"on-duplicate"}, {"redirect"}},
         dataSourceAdd});
    commands.push_back(
        {"datasource set",
         "datasource set ID [--dedupe-on RULES] [--on-duplicate reject|update|create] "
         "[--no-dedupe] [--webhook ID | --no-webhook] [--redirect URL | --no-redirect] [--json]",
         "change a data source's de-dupe, post-on webhook or web-form redirect",
         {{"dedupe-on"},
          {"on-duplicate"},
          {"no-dedupe", false},
          {"webhook"},
          {"no-webhook", false},
          {"redirect"},
          {"no-redirect", false},
          {"json", false}},
         dataSourceSet});
    commands.push_back({"datasource list",
                        "datasource list [--json]",
                        "data sources and their posting paths",
                        {{"json", false}},
                        dataSourceList});
    commands.push_back({"datasource show",
                        "datasource show ID [--json]",
                        "a data source with its mappings and settings (JSON)",
                        {{"json", false}},
                        dataSourceShow});
    commands.push_back({"datasource map",
                        "datasource map ID --key KEY (--field TAG|CF:Name | --remove)",
                        "map a posted key to a system or custom field, beyond the DPP defaults",
                        {{"key"}, {"field"}, {"remove", false}},
                        dataSourceMap});
}

void addServeCommands(std::vector<Command>& commands) {
    commands.push_back({"serve",
                        "serve [--listen HOST:PORT] [--port-file FILE]",
                        "receive posts into data sources until SIGTERM",
                        {{"listen"}, {"port-file"}},
                        serve});
}

} // namespace dpp::bridge
