// Calendar dates written YYYY-MM-DD: real dates only, ordering, formatting.
#include "mapping/Date.h"
#include "support/DomainPrinters.h"

#include <boost/test/unit_test.hpp>

using dpp::mapping::Date;

BOOST_AUTO_TEST_SUITE(date)

BOOST_AUTO_TEST_CASE(real_dates_parse_and_print_back) {
    for (const char* text :
         {"2026-12-15", "1900-01-01", "9999-12-31", "2024-02-29", "2000-02-29", "2026-04-30"}) {
        const auto date = Date::parse(text);
        BOOST_REQUIRE_MESSAGE(date.has_value(), text);
        BOOST_TEST(date->toString() == text);
    }
    const auto date = Date::parse("2026-12-15");
    BOOST_TEST(date->year() == 2026);
    BOOST_TEST(date->month() == 12);
    BOOST_TEST(date->day() == 15);
}

BOOST_AUTO_TEST_CASE(impossible_or_malformed_dates_are_refused) {
    for (const char* text :
         {"", "2023-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-01-00",
          "2026-1-5", "26-01-05", "2026/01/05", "2026-01-05T00:00", " 2026-01-05", "2026-01-5 ",
          "1899-12-31", "+026-01-05", "2026-0a-05", "15/12/2026"})
        BOOST_TEST(!Date::parse(text).has_value(), "accepted '" << text << "'");
}

BOOST_AUTO_TEST_CASE(dates_order_by_calendar) {
    BOOST_TEST(*Date::parse("2026-12-15") < *Date::parse("2027-01-01"));
    BOOST_TEST(*Date::parse("2026-02-28") < *Date::parse("2026-03-01"));
    BOOST_TEST(*Date::parse("2026-03-01") == *Date::fromParts(2026, 3, 1));
    BOOST_TEST(!Date::fromParts(2026, 2, 29).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
