// budget add|import|list|translate.
#include "bridge/InputError.h"
#include "bridge/cli/Commands.h"
#include "bridge/store/ContactExtrasStore.h"
#include "bridge/store/WebhookStore.h"
#include "bridge/views/RecordViews.h"
#include "budget/BudgetTranslation.h"

#include <fstream>
#include <ostream>
#include <sstream>

namespace dpp::bridge {

namespace {

budget::BudgetCatalog catalogFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError("cannot read " + path);
    std::stringstream text;
    text << in.rdbuf();
    try {
        return budget::parseBudgetCatalogCsv(text.str());
    } catch (const budget::BudgetError& error) {
        throw InputError(path + ": " + error.what());
    }
}

int budgetAdd(const Arguments& arguments, CommandContext& context) {
    std::int64_t account = arguments.requireInteger("account");
    std::string name = arguments.require("name");
    std::string tag = arguments.require("tag");
    ContactExtrasStore(context.database()).addBudgetField(account, name, tag);
    context.out() << "account " << account << ": budget field '" << name << "' added\n";
    return 0;
}

int budgetImport(const Arguments& arguments, CommandContext& context) {
    std::int64_t account = arguments.requireInteger("account");
    std::string path = arguments.requirePositional(0, "FILE");
    budget::BudgetCatalog catalog = catalogFile(path);
    ContactExtrasStore(context.database()).addBudgetFields(account, catalog);
    context.out() << "account " << account << ": " << catalog.size()
                  << " budget field(s) added from " << path << "\n";
    return 0;
}

int budgetList(const Arguments& arguments, CommandContext& context) {
    std::int64_t account = arguments.requireInteger("account");
    budget::BudgetCatalog catalog = ContactExtrasStore(context.database()).catalog(account);
    if (arguments.has("json")) {
        context.out() << "[";
        for (std::size_t i = 0; i < catalog.size(); ++i)
            context.out() << (i ? ", " : "") << "{\"name\": " << quoteJson(catalog.fields()[i].name)
                          << ", \"tag\": " << quoteJson(catalog.fields()[i].tag) << "}";
        context.out() << "]\n";
        return 0;
    }
    for (const auto& field : catalog.fields())
        context.out() << "{" << field.tag << "}  " << field.name << "\n";
    return 0;
}

int budgetTranslate(const Arguments& arguments, CommandContext& context) {
    ContactExtrasStore extras(context.database());
    std::int64_t from = arguments.requireInteger("from");
    budget::BudgetCatalog source = extras.catalog(from);
    budget::BudgetCatalog destination;
    std::string destinationName;
    if (auto file = arguments.value("to-catalog")) {
        destination = catalogFile(*file);
        destinationName = *file;
    } else {
        std::int64_t to = arguments.requireInteger("to");
        destination = extras.catalog(to);
        destinationName = "account " + std::to_string(to);
    }
    if (source.empty())
        throw InputError("account " + std::to_string(from) + " has no budget fields");
    if (destination.empty())
        throw InputError(destinationName + " has no budget fields");
    budget::Translation translation = budget::translate(source, destination);
    context.out() << translation.pairs.size() << " pair(s): key = destination tag ("
                  << destinationName << "), value = source tag (account " << from << ")\n";
    for (const auto& pair : translation.pairs)
        context.out() << "  " << pair.key << " = " << pair.value << "    (" << pair.destinationName
                      << ")\n";
    for (const auto& field : translation.unmatchedDestination)
        context.out() << "  unmatched in " << destinationName << ": " << field.name << " {"
                      << field.tag << "}\n";
    for (const auto& field : translation.unmatchedSource)
        context.out() << "  unmatched in account " << from << ": " << field.name << " {"
                      << field.tag << "}\n";
    if (auto webhookId = arguments.integer("apply")) {
        WebhookStore webhooks(context.database());
        mapping::WebhookDefinition webhook = webhooks.require(*webhookId);
        budget::ApplyOutcome outcome = budget::applyTranslation(translation, webhook);
        if (!webhook.account)
            webhook.account = from;
        context.compile(webhook);
        webhooks.save(webhook);
        context.out() << "webhook " << webhook.id << ": " << outcome.added.size()
                      << " pair(s) added, " << outcome.alreadyPresent.size() << " already there, "
                      << outcome.conflicting.size()
                      << " left alone (the key is already sent with another value)\n";
        for (const auto& pair : outcome.conflicting)
            context.out() << "  conflict: " << pair.key << " is already in the webhook\n";
    }
    return 0;
}

} // namespace

void addBudgetCommands(std::vector<Command>& commands) {
    commands.push_back({"budget add",
                        "budget add --account N --name NAME --tag TAG",
                        "add a budget field to an account's catalog",
                        {{"account"}, {"name"}, {"tag"}},
                        budgetAdd});
    commands.push_back({"budget import",
                        "budget import --account N FILE.csv",
                        "add a whole catalog from CSV (name,tag), all or none",
                        {{"account"}},
                        budgetImport});
    commands.push_back({"budget list",
                        "budget list --account N [--json]",
                        "an account's budget fields and tags",
                        {{"account"}, {"json", false}},
                        budgetList});
    commands.push_back({"budget translate",
                        "budget translate --from N (--to M | --to-catalog FILE.csv) "
                        "[--apply WEBHOOK]",
                        "pair destination tags with source tags by field name; --apply adds "
                        "the pairs to a webhook (never twice)",
                        {{"from"}, {"to"}, {"to-catalog"}, {"apply"}},
                        budgetTranslate});
}

} // namespace dpp::bridge
