// account add|list, contact import|list|show.
#include "bridge/ContactImport.h"
#include "bridge/InputError.h"
#include "bridge/cli/Commands.h"
#include "bridge/cli/Output.h"
#include "bridge/store/ContactStore.h"

#include <ostream>

namespace dpp::bridge {

namespace {

int accountAdd(const Arguments& arguments, CommandContext& context) {
    ContactStore store(context.database());
    std::int64_t id = arguments.requireInteger("id");
    store.addAccount(id, arguments.require("name"));
    context.out() << "account " << id << " created\n";
    return 0;
}

int accountList(const Arguments& arguments, CommandContext& context) {
    ContactStore store(context.database());
    auto accounts = store.accounts();
    if (arguments.has("json")) {
        context.out() << "[";
        for (std::size_t i = 0; i < accounts.size(); ++i)
            context.out() << (i ? ", " : "") << "{\"id\": " << accounts[i].id
                          << ", \"name\": " << quoteJson(accounts[i].name)
                          << ", \"contacts\": " << store.countContacts(accounts[i].id) << "}";
        context.out() << "]\n";
        return 0;
    }
    for (const auto& account : accounts)
        context.out() << account.id << "  " << account.name << "  ("
                      << store.countContacts(account.id) << " contacts)\n";
    return 0;
}

int contactImport(const Arguments& arguments, CommandContext& context) {
    std::int64_t account = arguments.requireInteger("account");
    std::string file = arguments.requirePositional(0, "FILE");
    ImportResult result = importContacts(context.database(), account, file);
    context.out() << "imported " << result.contactIds.size() << " contact(s) into account "
                  << account << "\n";
    return 0;
}

int contactList(const Arguments& arguments, CommandContext& context) {
    ContactStore store(context.database());
    std::int64_t account = arguments.requireInteger("account");
    store.requireAccount(account);
    bool json = arguments.has("json");
    if (json)
        context.out() << "[";
    std::int64_t after = 0;
    bool first = true;
    for (;;) {
        auto page = store.contacts(account, after, 500);
        if (page.empty())
            break;
        for (const auto& contact : page) {
            if (json)
                context.out() << (first ? "\n  " : ",\n  ") << contactJson(contact, false);
            else
                context.out() << contactRow(contact) << "\n";
            first = false;
        }
        after = page.back().id;
    }
    if (json)
        context.out() << (first ? "]\n" : "\n]\n");
    return 0;
}

int contactShow(const Arguments& arguments, CommandContext& context) {
    ContactStore store(context.database());
    std::int64_t id = parseId(arguments.requirePositional(0, "ID"), "contact ID");
    auto contact = store.contact(id);
    if (!contact)
        throw NotFound("contact " + std::to_string(id) + " does not exist");
    bool reveal = arguments.has("reveal");
    if (arguments.has("json"))
        context.out() << contactJson(*contact, reveal) << "\n";
    else
        context.out() << contactText(*contact, reveal);
    return 0;
}

} // namespace

void addAccountCommands(std::vector<Command>& commands) {
    commands.push_back({"account add",
                        "account add --id N --name NAME",
                        "create an account",
                        {{"id"}, {"name"}},
                        accountAdd});
    commands.push_back({"account list",
                        "account list [--json]",
                        "accounts and their sizes",
                        {{"json", false}},
                        accountList});
}

void addContactCommands(std::vector<Command>& commands) {
    commands.push_back({"contact import",
                        "contact import --account N FILE",
                        "import a .jsonl, .json or .csv file in one transaction",
                        {{"account"}},
                        contactImport});
    commands.push_back({"contact list",
                        "contact list --account N [--json]",
                        "the account's contacts (SSN masked)",
                        {{"account"}, {"json", false}},
                        contactList});
    commands.push_back({"contact show",
                        "contact show ID [--json] [--reveal]",
                        "everything a contact holds (--reveal shows secrets unmasked)",
                        {{"json", false}, {"reveal", false}},
                        contactShow});
}

} // namespace dpp::bridge
