// DPP to DPP kept in step, with real processes: account 1001 posts its contacts (fields, a
// custom field, an enrollment plan, documents) to account 2002's data source, which de-dupes
// on the sender's identity (the last hop of X-Dppbridge-Hops), then email, and updates its
// copy in place. A nightly job run again after a tenth of the contacts changed (email, status,
// a custom field, the plan, one new document) leaves one copy per source contact, each up to
// date, with every document copied exactly once; a run with nothing changed posts nothing. A
// contact.updated trigger keeps the copy in step one contact at a time.
#include "bridge/store/Database.h"
#include "support/BridgeCommands.h"
#include "support/TempDir.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

using namespace dpp::testing;
using namespace std::chrono_literals;
using namespace Poco::Data::Keywords;
using dpp::bridge::Database;

namespace {

#ifdef DPPBRIDGE_SANITIZED
constexpr int kContacts = 200; // the sanitizers make every step 5-10 times slower
#else
constexpr int kContacts = 1000;
#endif

Poco::JSON::Object::Ptr parseObject(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

Poco::JSON::Array::Ptr parseArray(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Array::Ptr>();
}

std::string stringify(const Poco::Dynamic::Var& value) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(value, out);
    return out.str();
}

std::string money(int cents) {
    char text[32];
    std::snprintf(text, sizeof text, "%d.%02d", cents / 100, cents % 100);
    return text;
}

// An import's "plan" object: two monthly payments of the amount from firstDate (YYYY-MM-15).
std::string planJson(const std::string& name, int cents, int year, int month) {
    char first[16], second[16];
    std::snprintf(first, sizeof first, "%04d-%02d-15", year, month);
    std::snprintf(second, sizeof second, "%04d-%02d-15", month == 12 ? year + 1 : year,
                  month % 12 + 1);
    std::string amount = money(cents);
    return R"({"name": ")" + name +
           R"(", "length": 2, "frequency": "monthly", "payment_amount": ")" + amount +
           R"(", "first_payment_date": ")" + first +
           R"(", "fees": [{"name": "Setup", "amount": "9.99"}], "payments": [{"n": 1, "date": ")" +
           first + R"(", "amount": ")" + amount + R"("}, {"n": 2, "date": ")" + second +
           R"(", "amount": ")" + amount + R"("}]})";
}

int documentsOf(int id) {
    return 1 + id % 2; // odd ids have two documents, even ids one
}

int documentsOfFirst(int count) {
    int total = 0;
    for (int id = 1; id <= count; ++id)
        total += documentsOf(id);
    return total;
}

// Contacts 1..count of account 1001, each with an email, status New, CF:Tier Silver, a plan
// and one or two small documents whose bytes no other document has.
void writeContacts(const TempDir& dir, int count) {
    std::filesystem::create_directories(dir.path() / "docs");
    std::ofstream out(dir.file("contacts.jsonl"));
    for (int id = 1; id <= count; ++id) {
        std::string documents;
        for (int n = 0; n < documentsOf(id); ++n) {
            std::string file = "docs/" + std::to_string(id) + "-" + std::to_string(n) + ".txt";
            std::ofstream(dir.file(file), std::ios::binary)
                << "contact " << id << ", document " << n << "\n"
                << std::string(static_cast<std::size_t>(100 + id % 37), 'a' + n);
            documents += std::string(n ? ", " : "") + R"({"name": "doc-)" + std::to_string(n) +
                         R"(.txt", "content_type": "text/plain", "path": ")" + file + R"("})";
        }
        out << R"({"id": )" << id << R"(, "firstname": "First)" << id << R"(", "lastname": "Last)"
            << id << R"(", "email": "c)" << id
            << R"(@example.com", "status": "New", "custom": {"Tier": "Silver"}, "plan": )"
            << planJson("Plan " + std::to_string(id), 10000 + id, 2026, 12) << R"(, "documents": [)"
            << documents << "]}\n";
    }
}

// Two instances on loopback, each with its own store: 1001 (the source, serving its
// document endpoint) and 2002, whose data source de-dupes on source,email and updates its
// copy; the webhook in the source's store posts 1001's contacts there.
struct Partnership {
    TempDir dir;
    std::vector<std::string> source{"--config", dir.file("source.properties")};
    std::vector<std::string> destination{"--config", dir.file("destination.properties")};
    std::unique_ptr<ServeProcess> sourceServer;
    std::unique_ptr<ServeProcess> destinationServer;
    std::string webhook;
    std::unique_ptr<Database> sourceStore;
    std::unique_ptr<Database> destinationStore;

    Partnership() {
        const std::string common = "network.allow_private_destinations = true\n"
                                   "delivery.retry.schedule = 1s,1s,1s,1s,1s,1s,1s,1s,1s,1s\n"
                                   "delivery.retry.jitter = 0\n"
                                   "delivery.idle_poll = 100ms\n";
        std::ofstream(dir.file("source.properties"))
            << "store.uri = sqlite:" << dir.file("source/store.db") << "\n"
            << common << "peers.2002.url = http://127.0.0.1:1\n"
            << "peers.2002.username = partner-1001-2002\n"
            << "peers.2002.password = s3cret-shared\n";
        expectOk(with(source, {"account", "add", "--id", "1001", "--name", "Source"}));
        sourceServer = std::make_unique<ServeProcess>(source, dir.path(), "source");
        std::ofstream(dir.file("destination.properties"))
            << "store.uri = sqlite:" << dir.file("destination/store.db") << "\n"
            << common << "peers.1001.url = http://127.0.0.1:" << sourceServer->port() << "\n"
            << "peers.1001.username = partner-1001-2002\n"
            << "peers.1001.password = s3cret-shared\n";
        expectOk(with(destination, {"account", "add", "--id", "2002", "--name", "Destination"}));
        std::string postingPath =
            trimmed(expectOk(with(destination,
                                  {"datasource", "add", "--account", "2002", "--name", "From 1001",
                                   "--dedupe-on", "source,email", "--on-duplicate", "update"}))
                        .out);
        auto sources =
            parseArray(expectOk(with(destination, {"datasource", "list", "--json"})).out);
        BOOST_REQUIRE_EQUAL(sources->size(), 1u);
        auto dataSource = sources->getObject(0);
        std::string dataSourceId = std::to_string(dataSource->getValue<int>("id"));
        BOOST_TEST(stringify(dataSource->get("dedupe")) ==
                   R"({"on_duplicate":"update","rules":["source","email"]})");
        expectOk(with(destination,
                      {"datasource", "map", dataSourceId, "--key", "status", "--field", "STATUS"}));
        expectOk(with(destination,
                      {"datasource", "map", dataSourceId, "--key", "tier", "--field", "CF:Tier"}));
        destinationServer = std::make_unique<ServeProcess>(destination, dir.path(), "destination");
        std::ofstream(dir.file("webhook.json"))
            << R"({"title": "Sync to 2002", "url": "http://127.0.0.1:)" << destinationServer->port()
            << postingPath << R"(", "method": "POST", "format": "form", "account": 1001,
                  "destination_account": 2002, "success": {"body_contains": "Success"},
                  "pairs": [{"key": "firstname", "field": "FIRSTNAME"},
                            {"key": "lastname", "field": "LASTNAME"},
                            {"key": "email", "field": "EMAIL"},
                            {"key": "status", "field": "STATUS"},
                            {"key": "tier", "value": "{CF:Tier}"},
                            {"key": "__plan_data", "value": "{EP_DATA}"},
                            {"key": "__copydocs", "value": "{ACCTID}-{ID}-{UPLOAD_DOC_IDS}"}]})";
        webhook =
            trimmed(expectOk(with(source, {"webhook", "apply", dir.file("webhook.json")})).out);
        sourceStore = std::make_unique<Database>("sqlite:" + dir.file("source/store.db"));
        destinationStore = std::make_unique<Database>("sqlite:" + dir.file("destination/store.db"));
    }

    void importContacts(int count) {
        writeContacts(dir, count);
        expectOk(
            with(source, {"contact", "import", "--account", "1001", dir.file("contacts.jsonl")}));
    }

    // The destination's contacts by first name (unique here), from `contact list --json`.
    std::map<std::string, Poco::JSON::Object::Ptr> copies() const {
        auto list = parseArray(
            expectOk(with(destination, {"contact", "list", "--account", "2002", "--json"})).out);
        std::map<std::string, Poco::JSON::Object::Ptr> byName;
        for (unsigned i = 0; i < list->size(); ++i) {
            auto contact = list->getObject(i);
            byName[contact->getValue<std::string>("firstname")] = contact;
        }
        BOOST_TEST(byName.size() == list->size(), list->size()
                                                      << " contacts at 2002 but " << byName.size()
                                                      << " first names: some repeat");
        return byName;
    }

    Poco::JSON::Object::Ptr show(const std::vector<std::string>& globals, int id) const {
        return parseObject(
            expectOk(with(globals, {"contact", "show", std::to_string(id), "--json"})).out);
    }
};

// Every document of an account's contacts, by the contact's first name: sha256 sorted.
std::map<std::string, std::vector<std::string>> documentsByName(Database& store, int account) {
    std::vector<std::string> names, hashes;
    store.read([&](Poco::Data::Session& session) {
        session << "SELECT c.firstname, d.sha256 FROM documents d JOIN contacts c ON "
                   "c.id = d.contact_id WHERE c.account_id = ? ORDER BY c.firstname, d.sha256",
            use(account), into(names), into(hashes), now;
    });
    std::map<std::string, std::vector<std::string>> byName;
    for (std::size_t i = 0; i < names.size(); ++i)
        byName[names[i]].push_back(hashes[i]);
    return byName;
}

struct CopyTally {
    int documents = 0; // documents held by the account's contacts
    int copies = 0;    // document copies queued by its data sources
    int done = 0;
    int failedOrDead = 0;
};

CopyTally copyTally(Database& store, int account) {
    CopyTally tally;
    store.read([&](Poco::Data::Session& session) {
        session << "SELECT COUNT(*) FROM documents d JOIN contacts c ON c.id = d.contact_id "
                   "WHERE c.account_id = ?",
            use(account), into(tally.documents), now;
        session << "SELECT COUNT(*), COALESCE(SUM(k.status = 'done'), 0), "
                   "COALESCE(SUM(k.status IN ('failed', 'dead')), 0) FROM document_copies k "
                   "JOIN contacts c ON c.id = k.contact_id WHERE c.account_id = ?",
            use(account), into(tally.copies), into(tally.done), into(tally.failedOrDead), now;
    });
    return tally;
}

// Waits until every queued document copy at 2002 is done and `documents` are held.
bool copiesSettle(Database& store, int documents) {
    return eventually(
        [&] {
            CopyTally tally = copyTally(store, 2002);
            return tally.failedOrDead > 0 ||
                   (tally.done == tally.copies && tally.documents == documents &&
                    tally.copies == documents);
        },
        30s, 100ms);
}

std::vector<std::string> sortedHashes(const Poco::JSON::Object::Ptr& contact) {
    std::vector<std::string> hashes;
    auto documents = contact->getArray("documents");
    for (unsigned i = 0; i < documents->size(); ++i)
        hashes.push_back(documents->getObject(i)->getValue<std::string>("sha256"));
    std::sort(hashes.begin(), hashes.end());
    return hashes;
}

// Changes source contact id the way a user would: a new document, a new plan, then the
// fields (email, status, CF:Tier), so that the contact's last change carries everything.
void changeContact(Partnership& partners, int id) {
    std::string name = std::to_string(id);
    std::string document = partners.dir.file("docs/" + name + "-new.txt");
    std::ofstream(document, std::ios::binary) << "contact " << id << ", a new document\n";
    CommandResult attached =
        expectOk(with(partners.source, {"contact", "attach", name, document, "--name",
                                        "new-" + name + ".txt", "--content-type", "text/plain"}));
    BOOST_TEST(attached.out.find("attached to contact " + name) != std::string::npos, attached.out);
    std::string plan = partners.dir.file("plan-" + name + ".json");
    std::ofstream(plan) << planJson("Plan " + name + " v2", 20000 + id, 2027, 3);
    CommandResult planned = expectOk(with(partners.source, {"contact", "plan", name, plan}));
    BOOST_TEST(planned.out.find("plan 'Plan " + name + " v2' set") != std::string::npos,
               planned.out);
    expectOk(with(partners.source, {"contact", "update", name, "email=new" + name + "@example.org",
                                    "status=Enrolled", "CF:Tier=Gold"}));
}

// The copy of changed source contact id (its id at 2002: copyId) holds what the source holds
// now: new email, status, CF:Tier, the new plan, its old documents and the new one once.
void checkChangedCopy(Partnership& partners, int id, int copyId) {
    auto original = partners.show(partners.source, id);
    auto copy = partners.show(partners.destination, copyId);
    std::string name = std::to_string(id);
    BOOST_TEST_CONTEXT("source contact " << id << ", its copy " << copyId) {
        BOOST_TEST(copy->getValue<std::string>("firstname") == "First" + name);
        BOOST_TEST(copy->getValue<std::string>("email") == "new" + name + "@example.org");
        BOOST_TEST(copy->getValue<std::string>("status") == "Enrolled");
        BOOST_TEST(stringify(copy->get("custom")) == R"({"Tier":"Gold"})");
        BOOST_TEST(stringify(copy->get("plan")) == stringify(original->get("plan")));
        BOOST_TEST(copy->getObject("plan")->getValue<std::string>("name") ==
                   "Plan " + name + " v2");
        auto hashes = sortedHashes(copy);
        BOOST_TEST(hashes.size() == static_cast<std::size_t>(documentsOf(id) + 1));
        BOOST_TEST(std::set<std::string>(hashes.begin(), hashes.end()).size() == hashes.size(),
                   "a document is held twice");
        BOOST_TEST(hashes == sortedHashes(original),
                   "the copy's documents differ from the source's");
        auto copiesOfDocuments = copy->getArray("document_copies");
        BOOST_TEST(copiesOfDocuments->size() == static_cast<std::size_t>(documentsOf(id) + 1));
        for (unsigned i = 0; i < copiesOfDocuments->size(); ++i)
            BOOST_TEST(copiesOfDocuments->getObject(i)->getValue<std::string>("status") == "done");
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(sync_end_to_end)

BOOST_AUTO_TEST_CASE(a_nightly_sync_keeps_one_contact_per_source_contact) {
    auto started = std::chrono::steady_clock::now();
    Partnership partners;
    partners.importContacts(kContacts);
    const int originalDocuments = documentsOfFirst(kContacts);
    auto nightly = [&] {
        CommandResult run =
            expectOk(with(partners.source, {"nightly", "run", "--job", "sync", "--webhook",
                                            partners.webhook, "--max-wait", "5m"}));
        BOOST_TEST_MESSAGE(trimmed(run.out));
        return run;
    };
    auto count = [](int n) {
        std::string digits = std::to_string(n);
        return digits.size() > 3
                   ? digits.substr(0, digits.size() - 3) + "," + digits.substr(digits.size() - 3)
                   : digits;
    };

    // First run: every contact arrives once, with its plan, and its documents are copied.
    CommandResult first = nightly();
    BOOST_TEST(first.out.find("selected " + count(kContacts) + ", delivered " + count(kContacts) +
                              ", failed 0, dead 0") != std::string::npos,
               first.out);
    auto copies = partners.copies();
    BOOST_REQUIRE_EQUAL(copies.size(), static_cast<std::size_t>(kContacts));
    BOOST_REQUIRE_MESSAGE(copiesSettle(*partners.destinationStore, originalDocuments),
                          "document copies after the first run: "
                              << copyTally(*partners.destinationStore, 2002).done << " done of "
                              << copyTally(*partners.destinationStore, 2002).copies);
    BOOST_TEST(copyTally(*partners.destinationStore, 2002).failedOrDead == 0);
    BOOST_TEST((documentsByName(*partners.destinationStore, 2002) ==
                documentsByName(*partners.sourceStore, 1001)));
    for (int id : {1, 2, kContacts}) {
        auto original = partners.show(partners.source, id);
        auto copy = partners.show(partners.destination,
                                  copies.at("First" + std::to_string(id))->getValue<int>("id"));
        for (const char* field : {"firstname", "lastname", "email", "status"})
            BOOST_TEST(copy->getValue<std::string>(field) ==
                       original->getValue<std::string>(field));
        BOOST_TEST(stringify(copy->get("custom")) == R"({"Tier":"Silver"})");
        BOOST_TEST(stringify(copy->get("plan")) == stringify(original->get("plan")));
        BOOST_TEST(sortedHashes(copy) == sortedHashes(original));
    }
    std::map<std::string, int> copyIds;
    for (const auto& [name, contact] : copies)
        copyIds[name] = contact->getValue<int>("id");

    // An unchanged sample, as 2002 holds it now.
    std::map<int, std::string> unchangedBefore;
    for (int id : {2, kContacts / 2, kContacts})
        unchangedBefore[id] =
            expectOk(with(partners.destination,
                          {"contact", "show",
                           std::to_string(copyIds.at("First" + std::to_string(id))), "--json"}))
                .out;

    // A tenth of the contacts change: a new document, a new plan, new fields.
    std::vector<int> changed;
    for (int id = 1; id <= kContacts; id += 10)
        changed.push_back(id);
    auto changing = std::chrono::steady_clock::now();
    for (int id : changed)
        changeContact(partners, id);
    BOOST_TEST_MESSAGE(
        changed.size()
        << " contacts changed in "
        << std::chrono::duration<double>(std::chrono::steady_clock::now() - changing).count()
        << " s");

    // Second run: only they are posted, each updates its copy in place.
    CommandResult second = nightly();
    const int changedCount = static_cast<int>(changed.size());
    BOOST_TEST(second.out.find("selected " + count(changedCount) + ", delivered " +
                               count(changedCount) + ", failed 0, dead 0") != std::string::npos,
               second.out);
    auto copiesAfter = partners.copies();
    BOOST_TEST(copiesAfter.size() == static_cast<std::size_t>(kContacts));
    for (const auto& [name, contact] : copiesAfter)
        BOOST_TEST(contact->getValue<int>("id") == copyIds[name], name << " has a new copy");
    BOOST_TEST_REQUIRE(copiesSettle(*partners.destinationStore, originalDocuments + changedCount),
                       "document copies after the second run: "
                           << copyTally(*partners.destinationStore, 2002).documents
                           << " documents, " << copyTally(*partners.destinationStore, 2002).done
                           << " copies done of "
                           << copyTally(*partners.destinationStore, 2002).copies << "; expected "
                           << originalDocuments + changedCount);
    for (int id : changed)
        checkChangedCopy(partners, id, copyIds.at("First" + std::to_string(id)));
    for (const auto& [id, before] : unchangedBefore)
        BOOST_TEST(
            expectOk(with(partners.destination,
                          {"contact", "show",
                           std::to_string(copyIds.at("First" + std::to_string(id))), "--json"}))
                    .out == before,
            "unchanged contact " << id << "'s copy changed");
    BOOST_TEST((documentsByName(*partners.destinationStore, 2002) ==
                documentsByName(*partners.sourceStore, 1001)));
    CopyTally tally = copyTally(*partners.destinationStore, 2002);
    BOOST_TEST(tally.documents == originalDocuments + changedCount);
    BOOST_TEST(tally.copies == originalDocuments + changedCount);
    BOOST_TEST(tally.done == tally.copies);

    // The data source answered that it updated the contact, naming what changed.
    auto deliveries = parseArray(
        expectOk(with(partners.source, {"deliveries", "list", "--contact", "1", "--json"})).out);
    BOOST_REQUIRE_EQUAL(deliveries->size(), 2u);
    int latest = std::max(deliveries->getObject(0)->getValue<int>("id"),
                          deliveries->getObject(1)->getValue<int>("id"));
    auto delivery = parseObject(
        expectOk(with(partners.source, {"deliveries", "show", std::to_string(latest), "--json"}))
            .out);
    auto attempts = delivery->getArray("attempt_log");
    BOOST_REQUIRE(attempts->size() >= 1u);
    std::string answer =
        attempts->getObject(attempts->size() - 1)->getValue<std::string>("response_excerpt");
    auto answered = parseObject(answer);
    BOOST_TEST(answered->getValue<std::string>("status") == "Success", answer);
    BOOST_TEST(answered->getValue<int>("contact_id") == copyIds.at("First1"), answer);
    BOOST_TEST(answered->optValue<bool>("updated", false), answer);
    std::set<std::string> changedParts;
    if (auto list = answered->getArray("changed"))
        for (unsigned i = 0; i < list->size(); ++i)
            changedParts.insert(list->getElement<std::string>(i));
    for (const char* part : {"email", "status", "CF:Tier", "plan", "documents"})
        BOOST_TEST(changedParts.count(part) == 1u, part << " not in " << answer);

    // Third run, nothing changed: nothing is posted and nothing moves.
    CommandResult third = nightly();
    BOOST_TEST(third.out.find("selected 0, delivered 0, failed 0, dead 0") != std::string::npos,
               third.out);
    BOOST_TEST(partners.copies().size() == static_cast<std::size_t>(kContacts));
    CopyTally still = copyTally(*partners.destinationStore, 2002);
    BOOST_TEST(still.documents == tally.documents);
    BOOST_TEST(still.copies == tally.copies);
    BOOST_TEST_MESSAGE(
        "nightly sync of "
        << kContacts << " contacts, " << changedCount << " changed: "
        << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()
        << " s");
}

BOOST_AUTO_TEST_CASE(a_contact_updated_trigger_keeps_the_copy_in_step) {
    constexpr int kFew = 20;
    Partnership partners;
    partners.importContacts(kFew);
    const int originalDocuments = documentsOfFirst(kFew);
    CommandResult posted = expectOk(
        with(partners.source, {"masspost", "--webhook", partners.webhook, "--all", "--yes"}));
    BOOST_TEST(posted.out.find("delivered " + std::to_string(kFew) + ",") != std::string::npos,
               posted.out);
    auto copies = partners.copies();
    BOOST_REQUIRE_EQUAL(copies.size(), static_cast<std::size_t>(kFew));
    BOOST_REQUIRE(copiesSettle(*partners.destinationStore, originalDocuments));
    std::map<std::string, int> copyIds;
    for (const auto& [name, contact] : copies)
        copyIds[name] = contact->getValue<int>("id");
    std::string unchangedBefore =
        expectOk(with(partners.destination,
                      {"contact", "show", std::to_string(copyIds.at("First2")), "--json"}))
            .out;

    expectOk(with(partners.source,
                  {"trigger", "add", "--event", "contact.updated", "--webhook", partners.webhook}));
    const std::vector<int> changed{3, 8, 17};
    for (int id : changed)
        changeContact(partners, id);

    // Each contact.updated (the plan, then the fields) made one delivery; serve sends them.
    auto firings = parseArray(expectOk(with(partners.source, {"trigger", "log", "--json"})).out);
    int triggered = 0;
    for (unsigned i = 0; i < firings->size(); ++i)
        triggered += firings->getObject(i)->isNull("delivery") ? 0 : 1;
    BOOST_TEST(triggered == static_cast<int>(2 * changed.size()), stringify(firings));
    auto delivered = [&] {
        return parseArray(
                   expectOk(with(partners.source, {"deliveries", "list", "--status", "delivered",
                                                   "--limit", "1000", "--json"}))
                       .out)
            ->size();
    };
    BOOST_REQUIRE_MESSAGE(
        eventually([&] { return delivered() == static_cast<std::size_t>(kFew + triggered); }, 20s,
                   100ms),
        "deliveries: " << expectOk(with(partners.source, {"deliveries", "list", "--json"})).out);
    BOOST_TEST(
        parseArray(expectOk(with(partners.source, {"deliveries", "list", "--json"})).out)->size() ==
        static_cast<std::size_t>(kFew + triggered));

    // The copies followed: same contacts, fields and plan updated, the new document once.
    BOOST_REQUIRE(copiesSettle(*partners.destinationStore,
                               originalDocuments + static_cast<int>(changed.size())));
    auto copiesAfter = partners.copies();
    BOOST_TEST(copiesAfter.size() == static_cast<std::size_t>(kFew));
    for (const auto& [name, contact] : copiesAfter)
        BOOST_TEST(contact->getValue<int>("id") == copyIds[name], name << " has a new copy");
    for (int id : changed)
        checkChangedCopy(partners, id, copyIds.at("First" + std::to_string(id)));
    BOOST_TEST(expectOk(with(partners.destination,
                             {"contact", "show", std::to_string(copyIds.at("First2")), "--json"}))
                   .out == unchangedBefore);
    BOOST_TEST((documentsByName(*partners.destinationStore, 2002) ==
                documentsByName(*partners.sourceStore, 1001)));
}

BOOST_AUTO_TEST_SUITE_END()
