// Statements compiled once per connection (bridge/store/CachedStatement.h) on a real SQLite
// file: values round-trip, a statement is reset for its next use, the same SQL borrowed twice
// at once works, and a mistake throws StoreError with SQLite's message.
#include "bridge/store/CachedStatement.h"
#include "support/TempDir.h"

#include <boost/test/unit_test.hpp>

using namespace dpp::bridge;
using dpp::testing::TempDir;

BOOST_AUTO_TEST_SUITE(cached_statement)

BOOST_AUTO_TEST_CASE(values_round_trip_and_statements_are_reused_and_nestable) {
    TempDir dir;
    Database database(dir.storeUri());
    database.write([](Poco::Data::Session& session) {
        CachedStatement(session, "CREATE TABLE t (n INTEGER, s TEXT, o INTEGER)").run();
        for (std::int64_t n = 1; n <= 3; ++n)
            CachedStatement(session, "INSERT INTO t VALUES (?, ?, ?)")
                .bind(1, n)
                .bind(2, std::string_view("caf\xC3\xA9\0x", 7)) // any bytes, NUL included
                .bind(3, n == 2 ? std::optional<std::int64_t>() : std::optional<std::int64_t>(n))
                .run();
    });
    database.read([](Poco::Data::Session& session) {
        CachedStatement outer(session, "SELECT n, s, o FROM t ORDER BY n");
        int rows = 0;
        while (outer.step()) {
            ++rows;
            BOOST_TEST(outer.text(1) == std::string("caf\xC3\xA9\0x", 7));
            BOOST_TEST(outer.isNull(2) == (outer.integer(0) == 2));
            BOOST_TEST(!outer.optionalInteger(2).has_value() == (outer.integer(0) == 2));
            // The same SQL while the first is borrowed: a twin of its own.
            CachedStatement inner(session, "SELECT n, s, o FROM t ORDER BY n");
            BOOST_TEST(inner.step());
            BOOST_TEST(inner.integer(0) == 1);
        }
        BOOST_TEST(rows == 3);
        // Borrowed again after both went back: starts from the first row.
        CachedStatement again(session, "SELECT n, s, o FROM t ORDER BY n");
        BOOST_TEST(again.step());
        BOOST_TEST(again.integer(0) == 1);
    });
}

BOOST_AUTO_TEST_CASE(mistakes_throw_store_errors_with_sqlites_message) {
    TempDir dir;
    Database database(dir.storeUri());
    database.read([](Poco::Data::Session& session) {
        try {
            CachedStatement(session, "SELECT x FROM nowhere");
            BOOST_FAIL("no error");
        } catch (const StoreError& error) {
            BOOST_TEST(std::string(error.what()).find("no such table: nowhere") !=
                           std::string::npos,
                       error.what());
        }
    });
}

BOOST_AUTO_TEST_SUITE_END()
