// account add|list, contact import|list|show.
#include "bridge/InputError.h"
#include "bridge/activation/ContactImport.h"
#include "bridge/cli/Commands.h"
#include "bridge/receive/DataSourceImport.h"
#include "bridge/store/ContactExtrasStore.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/DocumentCopyStore.h"
#include "bridge/store/PaymentStore.h"
#include "bridge/views/RecordViews.h"

#include <chrono>
#include <ostream>

#include <unistd.h>

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

// Rows done of the file, on stderr: a bar redrawn in place on a terminal, nothing otherwise
// beyond the summary (a batch job's log gets one line, not a line per chunk).
class ImportProgressBar {
public:
    explicit ImportProgressBar(std::ostream& err)
        : err_(err), terminal_(::isatty(STDERR_FILENO)),
          started_(std::chrono::steady_clock::now()) {}

    void operator()(std::int64_t done, std::int64_t total) {
        if (!terminal_ || total <= 0)
            return;
        auto now = std::chrono::steady_clock::now();
        if (done < total && now - drawn_ < std::chrono::milliseconds(100))
            return;
        drawn_ = now;
        double seconds = std::chrono::duration<double>(now - started_).count() + 1e-9;
        int filled = static_cast<int>(30 * done / total);
        err_ << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
             << std::string(static_cast<std::size_t>(30 - filled), ' ') << "] "
             << withThousands(done) << "/" << withThousands(total) << " rows, "
             << withThousands(static_cast<std::int64_t>(done / seconds)) << "/s   "
             << (done >= total ? "\n" : "") << std::flush;
    }

private:
    std::ostream& err_;
    bool terminal_;
    std::chrono::steady_clock::time_point started_;
    std::chrono::steady_clock::time_point drawn_{};
};

int importThroughDataSource(const Arguments& arguments, CommandContext& context,
                            const std::string& file) {
    if (arguments.has("account"))
        throw UsageError("--account and --datasource cannot go together: the data source "
                         "names its account");
    std::int64_t id = parseId(arguments.require("datasource"), "--datasource");
    ImportProgressBar bar(context.err());
    DataSourceImportCounts counts =
        importThroughDataSource(context.database(), context.config(), id, file,
                                [&](std::int64_t done, std::int64_t total) { bar(done, total); });
    if (arguments.has("json")) {
        context.out() << "{\"rows\": " << counts.rows << ", \"created\": " << counts.created
                      << ", \"duplicates_created\": " << counts.duplicates
                      << ", \"updated\": " << counts.updated
                      << ", \"unchanged\": " << counts.unchanged
                      << ", \"rejected_duplicates\": " << counts.rejected
                      << ", \"already_imported\": " << counts.repeated
                      << ", \"failed\": " << counts.failed << ", \"problems\": " << counts.problems
                      << ", \"posted_on\": " << counts.postedOn << ", \"ignored_keys\": {";
        bool first = true;
        for (const auto& [key, rows] : counts.ignoredKeys) {
            context.out() << (first ? "" : ", ") << quoteJson(key) << ": " << rows;
            first = false;
        }
        context.out() << "}}\n";
    } else {
        context.out() << "data source " << id << ": " << withThousands(counts.rows)
                      << " row(s): created " << withThousands(counts.created);
        if (counts.duplicates)
            context.out() << " (" << withThousands(counts.duplicates) << " marked duplicate)";
        context.out() << ", updated " << withThousands(counts.updated) << ", unchanged "
                      << withThousands(counts.unchanged) << ", rejected as duplicates "
                      << withThousands(counts.rejected) << ", already imported "
                      << withThousands(counts.repeated) << ", failed "
                      << withThousands(counts.failed) << "\n";
        if (counts.postedOn)
            context.out() << "  posted on: " << withThousands(counts.postedOn)
                          << " delivery(ies) queued\n";
        if (counts.problems)
            context.out() << "  " << withThousands(counts.problems)
                          << " part(s) left out (bad __plan_data, __copydocs or budget amounts; "
                             "the log names each)\n";
        if (!counts.ignoredKeys.empty()) {
            context.out() << "  ignored keys:";
            for (const auto& [key, rows] : counts.ignoredKeys)
                context.out() << " '" << key << "' (" << withThousands(rows) << ")";
            context.out() << "\n";
        }
    }
    return counts.failed > 0 ? 1 : 0;
}

int contactImport(const Arguments& arguments, CommandContext& context) {
    std::string file = arguments.requirePositional(0, "FILE");
    if (arguments.has("datasource"))
        return importThroughDataSource(arguments, context, file);
    std::int64_t account = arguments.requireInteger("account");
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
    auto duplicateOf = ContactStore(context.database()).duplicateOf(contact.id);
    std::string out = ", \"duplicate_of\": ";
    out += duplicateOf ? std::to_string(*duplicateOf) : "null";
    out += ", \"plan\": ";
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
    auto copies = DocumentCopyStore(context.database()).forContact(contact.id);
    for (std::size_t i = 0; i < copies.size(); ++i) {
        const auto& copy = copies[i];
        out += (i ? ", " : "") + std::string("{\"source\": ") +
               quoteJson(std::to_string(copy.sourceAccount) + "-" +
                         std::to_string(copy.sourceContact) + "-" +
                         std::to_string(copy.sourceDocument)) +
               ", \"status\": " + quoteJson(documentCopyStatusName(copy.status)) +
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
    if (auto duplicateOf = store.duplicateOf(id))
        context.out() << "  duplicate of  contact " << *duplicateOf
                      << " (stored as a duplicate by its data source)\n";
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
    for (const auto& copy : DocumentCopyStore(context.database()).forContact(id))
        if (copy.status != DocumentCopyStatus::Done)
            context.out() << "  copy          document " << copy.sourceDocument << " of "
                          << copy.sourceAccount << "-" << copy.sourceContact << ": "
                          << documentCopyStatusName(copy.status) << " after " << copy.attempts
                          << " attempt(s)" << (copy.lastError.empty() ? "" : ", " + copy.lastError)
                          << "\n";
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
                        "contact import (--account N | --datasource ID [--json]) FILE",
                        "import a .jsonl, .json or .csv file in one transaction, or as posts "
                        "to a data source (de-dupe, special parameters, post-on)",
                        {{"account"}, {"datasource"}, {"json", false}},
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
