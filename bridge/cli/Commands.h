#pragma once
// The dppbridge command line: global options, then a command and its flags (DESIGN
// section 4). run() returns the exit status: 0 done, 1 the work ran but some of it failed,
// 2 bad usage, configuration or input (the message names the problem).
#include "bridge/cli/Arguments.h"
#include "bridge/cli/CommandContext.h"

#include <functional>
#include <string>
#include <vector>

namespace dpp::bridge {

struct Command {
    std::string name;  // "webhook apply"
    std::string usage; // "webhook apply FILE"
    std::string summary;
    std::vector<FlagSpec> flags;
    std::function<int(const Arguments&, CommandContext&)> run;
};

// Each group registers its commands; Commands.cpp collects them.
void addAccountCommands(std::vector<Command>& commands);
void addContactCommands(std::vector<Command>& commands);
void addBudgetCommands(std::vector<Command>& commands);
void addWebhookCommands(std::vector<Command>& commands);
void addDataSourceCommands(std::vector<Command>& commands);
void addDeliveryCommands(std::vector<Command>& commands);
void addServeCommands(std::vector<Command>& commands);
void addActivationCommands(std::vector<Command>& commands);
void addBatchCommands(std::vector<Command>& commands);
void addSecretsCommands(std::vector<Command>& commands);

int run(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err);

} // namespace dpp::bridge
