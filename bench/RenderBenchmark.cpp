// Render benchmark (issue 6): a 25-pair form-encoded webhook carrying {EP_DATA} (a 36-payment
// plan), {UPLOAD_DOC_IDS}, a custom field, a secret and six budget tags, rendered for many
// distinct contacts on one core. Target: at least 200,000 contacts per second.
//
// The renderers are composed exactly as bridge/outbox/PreparedWebhook.cpp composes them (a
// SpecialTagRenderer over ExtrasByContactId, a BudgetTagRenderer over BudgetValuesByContactId,
// both behind an ExtensionRouter), with the contacts' extras loaded up front as a mass-post
// batch would load them; only the store is left out. The benchmark links the pure libraries.
//
// Besides Google Benchmark's own table, it prints
//   render digest: <hex>          FNV-1a of every rendered request of the first 2,000 contacts
//                                 (url, body, masked url, masked body): it must not change when
//                                 the libraries are optimised
//   RENDER contacts_per_second=N target=200000 met=yes|no
// which bench/run reads.
#include "budget/BudgetCatalog.h"
#include "budget/BudgetTags.h"
#include "mapping/CompiledWebhook.h"
#include "mapping/Encoding.h"
#include "mapping/ExtensionRouter.h"
#include "mapping/WebhookJson.h"
#include "specialparams/EnrollmentPlan.h"
#include "specialparams/SpecialTags.h"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace dpp;

constexpr double kTargetContactsPerSecond = 200000;
constexpr std::size_t kContacts = 10000;

// 25 pairs: 13 mapped fields, 3 Custom Values, a secret, a custom field, __plan_data,
// __copydocs and 6 budget tags (destination tag as key, source tag as value).
constexpr const char* kWebhookJson = R"json({
  "title": "Partner sync (bench)",
  "url": "http://127.0.0.1:8080/post/f16b3893c9cf77f6348fa42444979913a6dad41a/",
  "method": "POST", "format": "form", "mode": "background",
  "account": 1001, "destination_account": 2002,
  "success": {"body_contains": "Success"},
  "pairs": [
    {"key": "firstname", "field": "FIRSTNAME"},
    {"key": "lastname", "field": "LASTNAME"},
    {"key": "email", "field": "EMAIL"},
    {"key": "cellphone", "field": "CELLPHONE"},
    {"key": "homephone", "field": "HOMEPHONE"},
    {"key": "workphone", "field": "WORKPHONE"},
    {"key": "address1", "field": "ADDRESS1"},
    {"key": "address2", "field": "ADDRESS2"},
    {"key": "city", "field": "CITY"},
    {"key": "state", "field": "STATE"},
    {"key": "zip", "field": "ZIP"},
    {"key": "dob", "field": "DOB"},
    {"key": "ssn", "field": "SSN"},
    {"key": "campaign", "value": "{CAMPAIGN} (from {ACCTID})"},
    {"key": "externalid", "value": "1001-{ID}"},
    {"key": "api_hash", "value": "9f2c61", "secret": true},
    {"key": "Lead Score", "value": "{CF:Lead Score}"},
    {"key": "__plan_data", "value": "{EP_DATA}"},
    {"key": "__copydocs", "value": "{ACCTID}-{ID}-{UPLOAD_DOC_IDS}"},
    {"key": "{BUDGET_RENT}", "value": "{BF_1}"},
    {"key": "{BUDGET_CAR1}", "value": "{BF_2}"},
    {"key": "{BUDGET_ELECTRIC}", "value": "{BF_3}"},
    {"key": "{BUDGET_FOOD}", "value": "{BF_4}"},
    {"key": "{BUDGET_GYM}", "value": "{BF_5}"},
    {"key": "{BUDGET_PHONE}", "value": "{BF_6}"}
  ]
})json";

const char* const kFirstNames[] = {"Mike", "Anna", "José", "Li", "Fatima", "O'Neil", "Zoë", "Sam"};
const char* const kLastNames[] = {"Smith", "García", "Nguyen", "Müller", "Brown", "Khan"};
const char* const kCities[] = {"Santa Monica", "Austin", "New York", "Coeur d'Alene", "Miami"};
const char* const kStates[] = {"CA", "TX", "NY", "ID", "FL"};

std::string digits(std::uint64_t seed, int count) {
    std::string out;
    for (int i = 0; i < count; ++i) {
        out.push_back(static_cast<char>('0' + seed % 10));
        seed = seed / 10 + seed * 7 + 3;
    }
    return out;
}

// Everything one benchmark run renders, built once.
struct Fixture {
    budget::BudgetCatalog catalog;
    std::unique_ptr<mapping::CompiledWebhook> webhook;
    std::vector<mapping::Contact> contacts;
    specialparams::ExtrasByContactId extras;
    std::vector<specialparams::EnrollmentPlan> plans; // by contact index, for BM_PlanData36
    budget::BudgetValuesByContactId budgets;

    Fixture() {
        catalog.add("Rent", "BF_1");
        catalog.add("Car Payment 1", "BF_2");
        catalog.add("Utilities - Electric", "BF_3");
        catalog.add("Groceries", "BF_4");
        catalog.add("Gym", "BF_5");
        catalog.add("Phone", "BF_6");
        // As PreparedWebhook::vocabularyFor does.
        mapping::TagVocabulary vocabulary;
        specialparams::registerSpecialTags(vocabulary);
        budget::registerBudgetTags(catalog, vocabulary);
        webhook = std::make_unique<mapping::CompiledWebhook>(mapping::CompiledWebhook::compile(
            mapping::parseWebhookDefinition(kWebhookJson), vocabulary));
        if (webhook->definition().pairs.size() != 25)
            throw std::logic_error("the bench webhook must have 25 pairs");

        contacts.reserve(kContacts);
        for (std::size_t i = 0; i < kContacts; ++i) {
            const auto id = static_cast<std::int64_t>(100000 + i);
            mapping::Contact contact;
            contact.setIds(id, 1001);
            using F = mapping::SystemField;
            contact.set(F::FirstName, kFirstNames[i % 8]);
            contact.set(F::LastName, std::string(kLastNames[i % 6]) + "-" + std::to_string(i));
            contact.set(F::Email, "contact" + std::to_string(i) + "@example.com");
            contact.set(F::CellPhone, "555" + digits(i, 7));
            if (i % 3 == 0)
                contact.set(F::HomePhone, "310" + digits(i + 1, 7));
            contact.set(F::Address1, std::to_string(10 + i % 990) + " Ocean Ave");
            if (i % 4 == 0)
                contact.set(F::Address2, "Apt #" + std::to_string(i % 50));
            contact.set(F::City, kCities[i % 5]);
            contact.set(F::State, kStates[i % 5]);
            contact.set(F::Zip, digits(i + 7, 5));
            contact.set(F::Dob, "1980-04-" + std::string(i % 28 < 9 ? "0" : "") +
                                    std::to_string(i % 28 + 1));
            contact.set(F::Ssn,
                        digits(i + 11, 3) + "-" + digits(i + 13, 2) + "-" + digits(i + 17, 4));
            contact.set(F::Campaign, i % 2 ? "Fall mailer" : "Spring & Summer 50% off");
            contact.custom.emplace("Lead Score", std::to_string(i % 10));
            contact.custom.emplace("Source", "web");

            specialparams::EnrollmentPlan plan;
            plan.name = i % 5 == 0 ? "Standard 36 \"plus\"" : "Standard 36";
            plan.length = 36;
            plan.frequency = specialparams::PaymentFrequency::Monthly;
            const auto cents = static_cast<std::int64_t>(25000 + (i * 37) % 10000);
            plan.paymentAmount = mapping::Money::fromCents(cents);
            plan.firstPaymentDate = *mapping::Date::fromParts(2026, 12, 15);
            plan.fees.push_back({"Enrollment fee", mapping::Money::fromCents(4900)});
            if (i % 2)
                plan.fees.push_back({"Monthly service", mapping::Money::fromCents(1500)});
            for (int n = 1; n <= 36; ++n) {
                const int month = 12 + (n - 1); // from December 2026
                plan.payments.push_back(
                    {n,
                     *mapping::Date::fromParts(2026 + month / 12 - (month % 12 == 0 ? 1 : 0),
                                               month % 12 == 0 ? 12 : month % 12, 15),
                     mapping::Money::fromCents(cents)});
            }
            specialparams::validatePlan(plan);
            extras.setPlan(id, plan);
            plans.push_back(std::move(plan));
            if (i % 2 == 0)
                extras.setDocumentIds(id, {static_cast<std::int64_t>(3 * i + 1),
                                           static_cast<std::int64_t>(3 * i + 2)});

            budget::BudgetValues values;
            values.emplace("BF_1", mapping::Money::fromCents(120000 + static_cast<long>(i)));
            values.emplace("BF_2", mapping::Money::fromCents(35000));
            values.emplace("BF_3", mapping::Money::fromCents(8999));
            values.emplace("BF_4", mapping::Money::fromCents(60000 + static_cast<long>(i % 100)));
            if (i % 3)
                values.emplace("BF_5", mapping::Money::fromCents(2999));
            values.emplace("BF_6", mapping::Money::fromCents(7500));
            budgets.set(id, std::move(values));
            contacts.push_back(std::move(contact));
        }
    }

    // As renderWith() in bridge/outbox/PreparedWebhook.cpp does, for each contact of a page.
    mapping::RenderedRequest render(std::size_t index) const {
        specialparams::SpecialTagRenderer special(extras);
        budget::BudgetTagRenderer budgetTags(catalog, budgets);
        mapping::ExtensionRouter router;
        router.route(specialparams::kFirstSpecialTagId, specialparams::kLastSpecialTagId, special);
        router.route(budget::kFirstBudgetTagId, budget::kLastBudgetTagId, budgetTags);
        return webhook->render(mapping::RenderContext{contacts[index % kContacts], &router});
    }
};

const Fixture& fixture() {
    static const Fixture instance;
    return instance;
}

void fnv(std::uint64_t& hash, const std::string& text) {
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ULL;
    }
    hash ^= 0xFF; // separator
    hash *= 1099511628211ULL;
}

// Renders the first contacts once, checks the result decodes as expected and prints a digest
// of every byte rendered.
void checkAndDigest() {
    const Fixture& f = fixture();
    std::uint64_t hash = 14695981039346656037ULL;
    std::size_t bodyBytes = 0;
    for (std::size_t i = 0; i < 2000; ++i) {
        const mapping::RenderedRequest request = f.render(i);
        fnv(hash, request.method);
        fnv(hash, request.url);
        fnv(hash, request.contentType);
        fnv(hash, request.body);
        fnv(hash, request.maskedUrl);
        fnv(hash, request.maskedBody);
        bodyBytes += request.body.size();
        if (i == 0 || i == 1999) {
            const mapping::KeyValues pairs = mapping::decodeForm(request.body);
            if (pairs.size() != 25 || pairs[17].first != "__plan_data" ||
                !specialparams::parsePlanData(pairs[17].second) ||
                pairs[0].second != f.contacts[i].get(mapping::SystemField::FirstName))
                throw std::logic_error("the rendered body does not decode as expected");
        }
    }
    std::printf("render digest: %016llx (2000 contacts, %zu body bytes on average)\n",
                static_cast<unsigned long long>(hash), bodyBytes / 2000);
}

// The figure: whole requests (wire and masked) for distinct contacts, one after the other.
void BM_RenderWebhook25(benchmark::State& state) {
    const Fixture& f = fixture();
    std::size_t index = 0;
    std::size_t bytes = 0;
    for (auto _ : state) {
        mapping::RenderedRequest request = f.render(index++);
        bytes += request.body.size();
        benchmark::DoNotOptimize(request);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
// Run length and repetitions come from the command line (bench/run: --benchmark_min_time=2
// --benchmark_repetitions=3 for the figure, the median of the three is kept).
BENCHMARK(BM_RenderWebhook25);

// Parts, to see where the time goes.
void BM_RenderPairsOnly(benchmark::State& state) {
    const Fixture& f = fixture();
    std::vector<mapping::CompiledWebhook::RenderedPair> pairs;
    specialparams::SpecialTagRenderer special(f.extras);
    budget::BudgetTagRenderer budgetTags(f.catalog, f.budgets);
    mapping::ExtensionRouter router;
    router.route(specialparams::kFirstSpecialTagId, specialparams::kLastSpecialTagId, special);
    router.route(budget::kFirstBudgetTagId, budget::kLastBudgetTagId, budgetTags);
    std::size_t index = 0;
    for (auto _ : state) {
        f.webhook->renderPairs(mapping::RenderContext{f.contacts[index++ % kContacts], &router},
                               pairs);
        benchmark::DoNotOptimize(pairs);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_RenderPairsOnly);

void BM_PlanData36(benchmark::State& state) {
    const Fixture& f = fixture();
    std::string out;
    std::size_t index = 0;
    for (auto _ : state) {
        out.clear();
        specialparams::appendPlanData(f.plans[index++ % kContacts], out);
        benchmark::DoNotOptimize(out);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_PlanData36);

// Keeps the console table and remembers the figure's rate (the median of the repetitions).
class FigureReporter : public benchmark::ConsoleReporter {
public:
    FigureReporter() : ConsoleReporter(OO_Tabular) {} // no colours: bench/run keeps a log
    double contactsPerSecond = 0;
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const Run& run : runs) {
            if (run.benchmark_name().rfind("BM_RenderWebhook25", 0) != 0)
                continue;
            const auto it = run.counters.find("items_per_second");
            if (it == run.counters.end())
                continue;
            if (run.run_type == Run::RT_Aggregate && run.aggregate_name != "median")
                continue;
            contactsPerSecond = it->second.value;
        }
        ConsoleReporter::ReportRuns(runs);
    }
};

} // namespace

int main(int argc, char** argv) {
    try {
        checkAndDigest();
    } catch (const std::exception& error) {
        std::fprintf(stderr, "render benchmark: %s\n", error.what());
        return 1;
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 2;
    FigureReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    if (reporter.contactsPerSecond > 0)
        std::printf("RENDER contacts_per_second=%.0f target=%.0f met=%s\n",
                    reporter.contactsPerSecond, kTargetContactsPerSecond,
                    reporter.contactsPerSecond >= kTargetContactsPerSecond ? "yes" : "no");
    return 0;
}
