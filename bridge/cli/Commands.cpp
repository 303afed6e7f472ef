#include "bridge/cli/Commands.h"

#include "bridge/Log.h"
#include "bridge/Version.h"

#include <Poco/Exception.h>

#include <cstdlib>
#include <iostream>

namespace dpp::bridge {

namespace {

std::vector<Command> allCommands() {
    std::vector<Command> commands;
    commands.push_back({"init",
                        "init",
                        "create or migrate the store",
                        {},
                        [](const Arguments&, CommandContext& context) {
                            Database database(context.config().storeUri);
                            int applied = database.migrate();
                            context.out() << "store " << context.config().storeUri
                                          << " is at schema version " << database.schemaVersion()
                                          << " (" << applied << " migration(s) applied)\n";
                            return 0;
                        }});
    addAccountCommands(commands);
    addContactCommands(commands);
    addBudgetCommands(commands);
    addWebhookCommands(commands);
    addDataSourceCommands(commands);
    addDeliveryCommands(commands);
    addActivationCommands(commands);
    addBatchCommands(commands);
    addServeCommands(commands);
    addSecretsCommands(commands);
    return commands;
}

void printHelp(std::ostream& out, const std::vector<Command>& commands) {
    out << "usage: dppbridge [--config FILE] [--store URI] COMMAND ...\n\ncommands:\n";
    for (const auto& command : commands) {
        std::string usage = "  " + command.usage;
        if (usage.size() < 58)
            usage.resize(58, ' ');
        else
            usage += "\n" + std::string(58, ' ');
        out << usage << command.summary << "\n";
    }
    out << "\nexit status: 0 done, 1 some of the work failed, 2 bad usage, configuration or "
           "input\n";
}

} // namespace

int run(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err) {
    std::vector<Command> commands = allCommands();
    std::string configPath;
    if (const char* fromEnvironment = std::getenv("DPPBRIDGE_CONFIG"))
        configPath = fromEnvironment;
    std::optional<std::string> storeUri;
    std::size_t at = 0;
    try {
        if (const char* level = std::getenv("DPPBRIDGE_LOG_LEVEL")) {
            auto parsed = parseLogLevel(level);
            if (!parsed)
                throw UsageError(std::string("DPPBRIDGE_LOG_LEVEL is debug, info, warning or "
                                             "error, not '") +
                                 level + "'");
            setLogLevel(*parsed);
        }
        for (; at < arguments.size(); ++at) {
            const std::string& word = arguments[at];
            if (word == "--help" || word == "-h" || word == "help") {
                printHelp(out, commands);
                return 0;
            }
            if (word == "--version") {
                out << "dppbridge " << version() << "\n";
                return 0;
            }
            if (word == "--config" || word == "--store") {
                if (at + 1 >= arguments.size())
                    throw UsageError(word + " needs a value");
                (word == "--config" ? configPath : storeUri.emplace()) = arguments[++at];
                continue;
            }
            if (word.rfind("--config=", 0) == 0) {
                configPath = word.substr(9);
                continue;
            }
            if (word.rfind("--store=", 0) == 0) {
                storeUri = word.substr(8);
                continue;
            }
            break;
        }
        if (at >= arguments.size()) {
            printHelp(err, commands);
            return 2;
        }
        const Command* chosen = nullptr;
        std::size_t words = 0;
        for (const auto& command : commands) {
            std::size_t count = command.name.find(' ') == std::string::npos ? 1 : 2;
            std::string candidate = arguments[at];
            if (count == 2 && at + 1 < arguments.size())
                candidate += " " + arguments[at + 1];
            if (candidate == command.name && count > words) {
                chosen = &command;
                words = count;
            }
        }
        if (!chosen) {
            std::string known;
            for (const auto& command : commands)
                if (command.name.rfind(arguments[at] + " ", 0) == 0)
                    known += "\n  dppbridge " + command.usage;
            throw UsageError(
                "unknown command '" + arguments[at] +
                (at + 1 < arguments.size() ? " " + arguments[at + 1] : "") + "'" +
                (known.empty() ? " (see dppbridge --help)" : "; did you mean:" + known));
        }
        std::vector<std::string> rest(arguments.begin() + static_cast<long>(at + words),
                                      arguments.end());
        for (const auto& token : rest)
            if (token == "--help") {
                out << "usage: dppbridge " << chosen->usage << "\n" << chosen->summary << "\n";
                return 0;
            }
        Arguments parsed(rest, chosen->flags, "dppbridge " + chosen->usage);
        Config config = Config::load(configPath);
        if (storeUri)
            config.storeUri = *storeUri;
        CommandContext context(std::move(config), out, err);
        return chosen->run(parsed, context);
    } catch (const InputError& error) {
        err << "dppbridge: " << error.what() << "\n";
        return 2;
    } catch (const ConfigError& error) {
        err << "dppbridge: configuration: " << error.what() << "\n";
        return 2;
    } catch (const StoreError& error) {
        err << "dppbridge: " << error.what() << "\n";
        return 2;
    } catch (const Poco::Exception& error) {
        err << "dppbridge: " << error.displayText() << "\n";
        return 1;
    } catch (const std::exception& error) {
        err << "dppbridge: " << error.what() << "\n";
        return 1;
    }
}

} // namespace dpp::bridge
