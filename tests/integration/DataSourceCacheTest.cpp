// The data sources a busy `serve` keeps per token (bridge/receive/DataSourceCache.h): the same
// entry while young, a change in the store seen once it is older than the bound, unknown
// tokens never kept. A real SQLite store; time is passed in.
#include "bridge/receive/DataSourceCache.h"
#include "bridge/store/ContactExtrasStore.h"
#include "bridge/store/ContactStore.h"
#include "support/TempDir.h"

#include <boost/test/unit_test.hpp>

using namespace dpp::bridge;
using dpp::mapping::SystemField;
using dpp::testing::TempDir;

BOOST_AUTO_TEST_SUITE(data_source_cache)

BOOST_AUTO_TEST_CASE(entries_are_kept_for_their_age_then_read_again) {
    TempDir dir;
    Database database(dir.storeUri());
    database.migrate();
    ContactStore(database).addAccount(2002, "Destination");
    DataSourceStore store(database);
    DataSource source = store.add(2002, "Partner", std::nullopt);
    DataSourceCache cache(database, store, 1000);

    auto first = cache.find(source.token, 10'000);
    BOOST_REQUIRE(first);
    BOOST_TEST(first->source.id == source.id);
    BOOST_TEST(first->source.mappings.empty());
    BOOST_TEST(first->catalog.size() == 0u);

    store.map(source.id, "Phone Number", SystemField::HomePhone);
    ContactExtrasStore(database).addBudgetField(2002, "Rent", "BUDGET_RENT");
    BOOST_TEST(cache.find(source.token, 10'999).get() == first.get()); // still young: kept
    auto later = cache.find(source.token, 11'000);
    BOOST_REQUIRE(later);
    BOOST_TEST(later.get() != first.get());
    BOOST_TEST(later->source.mappings.count("Phone Number") == 1u);
    BOOST_TEST(later->catalog.size() == 1u);

    BOOST_TEST(!cache.find(std::string(40, 'a'), 11'000)); // unknown: nothing, nothing kept
}

BOOST_AUTO_TEST_SUITE_END()
