// account add|list, contact import|list|show.
#include "bridge/ContactImport.h"
#include "bridge/InputError.h"
#include "bridge/cli/Commands.h"
#include "bridge/cli/Output.h"
#include "bridge/documents/DocumentCopies.h"
#include "bridge/store/ContactExtrasStore.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/PaymentStore.h"

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

// The plan, documents (with their copy status on a receiving account), and budget values.
std::string contactExtrasJson(CommandContext& context, const mapping::Contact& contact) {
    ContactExtrasStore extras(context.database());
    std::string out = ", \"plan\": ";
    auto plan = extras.plan(contact.id);
    out += plan ? specialparams::planToImportJson(*plan) : "null";
    out += ", \"documents\": [";
    auto documents = extras.documents(contact.id);
    for (std::size_t i = 0; i < documents.size(); ++i) {
        const auto& document = documents[i].document;
        out += (i ? ", " : "") + std::string("{\"id\": ") + std::to_string(document.id) +
               ", \"name\": " + quoteJson(document.name) +
               ", \"content_type\": " + quoteJson(document.contentType) +
               ", \"size\": " + std::to_string(document.size) +
               ", \"sha256\": " + quoteJson(document.sha256Hex) + "}";
    }
    out += "], \"document_copies\": [";
    auto copies = DocumentCopies(context.database()).forContact(contact.id);
    for (std::size_t i = 0; i < copies.size(); ++i) {
        const auto& copy = copies[i];
        out += (i ? ", " : "") + std::string("{\"source\": ") +
               quoteJson(std::to_string(copy.sourceAccount) + "-" +
                         std::to_string(copy.sourceContact) + "-" +
                         std::to_string(copy.sourceDocument)) +
               ", \"status\": " + quoteJson(copy.status) +
               ", \"attempts\": " + std::to_string(copy.attempts) + ", \"document_id\": " +
               (copy.documentId ? std::to_string(*copy.documentId) : "null") +
               ", \"last_error\": " + quoteJson(copy.lastError) + "}";
    }
    out += "], \"payments\": [";
    auto payments = PaymentStore(context.database()).forContact(contact.id);
    for (std::size_t i = 0; i < payments.size(); ++i)
        out += (i ? ", " : "") + std::string("{\"id\": ") + std::to_string(payments[i].id) +
               ", \"date\": " + quoteJson(payments[i].date) +
               ", \"amount\": " + quoteJson(payments[i].amount.toString()) +
               ", \"status\": " + quoteJson(payments[i].status) + "}";
    out += "], \"budget\": {";
    auto catalog = extras.catalog(contact.accountId);
    bool first = true;
    for (const auto& [tag, amount] : extras.budgetValues(contact.id)) {
        const auto* field = catalog.findByTag(tag);
        out += (first ? "" : ", ") + quoteJson(field ? field->name : tag) + ": " +
               quoteJson(amount.toString());
        first = false;
    }
    return out + "}";
}

int contactShow(const Arguments& arguments, CommandContext& context) {
    ContactStore store(context.database());
    std::int64_t id = parseId(arguments.requirePositional(0, "ID"), "contact ID");
    auto contact = store.contact(id);
    if (!contact)
        throw NotFound("contact " + std::to_string(id) + " does not exist");
    bool reveal = arguments.has("reveal");
    if (arguments.has("json")) {
        std::string json = contactJson(*contact, reveal);
        json.pop_back(); // the closing brace: the extras follow
        context.out() << json << contactExtrasJson(context, *contact) << "}\n";
        return 0;
    }
    context.out() << contactText(*contact, reveal);
    ContactExtrasStore extras(context.database());
    if (auto plan = extras.plan(id))
        context.out() << "  plan          " << plan->name << ": " << plan->length << " x "
                      << plan->paymentAmount.toString() << " "
                      << specialparams::toString(plan->frequency) << " from "
                      << plan->firstPaymentDate.toString() << "\n";
    for (const auto& stored : extras.documents(id))
        context.out() << "  document      " << stored.document.id << " " << stored.document.name
                      << " (" << stored.document.size << " bytes, sha256 "
                      << stored.document.sha256Hex.substr(0, 12) << "…)\n";
    for (const auto& copy : DocumentCopies(context.database()).forContact(id))
        if (copy.status != "done")
            context.out() << "  copy          document " << copy.sourceDocument << " of "
                          << copy.sourceAccount << "-" << copy.sourceContact << ": " << copy.status
                          << " after " << copy.attempts << " attempt(s)"
                          << (copy.lastError.empty() ? "" : ", " + copy.lastError) << "\n";
    for (const auto& payment : PaymentStore(context.database()).forContact(id))
        context.out() << "  payment       " << payment.id << " " << payment.date << " "
                      << payment.amount.toString() << " " << payment.status << "\n";
    auto catalog = extras.catalog(contact->accountId);
    for (const auto& [tag, amount] : extras.budgetValues(id)) {
        const auto* field = catalog.findByTag(tag);
        context.out() << "  budget        " << (field ? field->name : tag) << " {" << tag
                      << "} = " << amount.toString() << "\n";
    }
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
