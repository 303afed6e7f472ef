// datasource add|list|show|map, serve.
#include "bridge/InputError.h"
#include "bridge/Log.h"
#include "bridge/cli/Commands.h"
#include "bridge/cli/Output.h"
#include "bridge/cli/Signals.h"
#include "bridge/documents/DocumentCopier.h"
#include "bridge/http/BridgeServer.h"
#include "bridge/outbox/DeliveryWorkers.h"
#include "bridge/store/DataSourceStore.h"
#include "mapping/ReceiveKeyMap.h"
#include "specialparams/SpecialParameters.h"

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

int dataSourceAdd(const Arguments& arguments, CommandContext& context) {
    DataSourceStore store(context.database());
    DataSource source = store.add(arguments.requireInteger("account"), arguments.require("name"),
                                  arguments.integer("webhook"));
    context.err() << "data source " << source.id << " '" << source.name << "' in account "
                  << source.accountId << "; post to:\n";
    context.out() << source.postingPath() << "\n";
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
                      << "  " << source.postingPath() << "\n";
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
    std::string tag = fieldText;
    if (tag.size() > 2 && tag.front() == '{' && tag.back() == '}')
        tag = tag.substr(1, tag.size() - 2);
    auto field = mapping::fieldByTag(tag);
    if (!field)
        field = mapping::fieldByImportName(fieldText);
    if (!field || !mapping::ReceiveKeyMap::isPostable(*field))
        throw InputError("--field '" + fieldText +
                         "' is not a system field a post can set (use a tag such as CELLPHONE)");
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
    commands.push_back({"datasource add",
                        "datasource add --account N --name NAME [--webhook ID]",
                        "create a data source; prints its posting path",
                        {{"account"}, {"name"}, {"webhook"}},
                        dataSourceAdd});
    commands.push_back({"datasource list",
                        "datasource list [--json]",
                        "data sources and their posting paths",
                        {{"json", false}},
                        dataSourceList});
    commands.push_back(
        {"datasource show", "datasource show ID", "a data source (JSON)", {}, dataSourceShow});
    commands.push_back({"datasource map",
                        "datasource map ID --key KEY (--field TAG | --remove)",
                        "map a posted key to a system field, beyond the DPP defaults",
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
