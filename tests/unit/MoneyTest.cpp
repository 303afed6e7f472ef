// Exact decimal money: the accepted and refused text, two-decimal output, exact arithmetic.
#include "mapping/Money.h"
#include "support/DomainPrinters.h"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

using dpp::mapping::Money;

namespace {

// The canonical text of a parsed amount, or "<refused>".
std::string canonical(std::string_view text) {
    const auto money = Money::parse(text);
    return money ? money->toString() : "<refused>";
}

} // namespace

BOOST_AUTO_TEST_SUITE(money)

BOOST_AUTO_TEST_CASE(plain_amounts_parse_to_cents) {
    BOOST_TEST(Money::parse("1200")->cents() == 120000);
    BOOST_TEST(Money::parse("1200.5")->cents() == 120050);
    BOOST_TEST(Money::parse("1200.50")->cents() == 120050);
    BOOST_TEST(Money::parse("-3.07")->cents() == -307);
    BOOST_TEST(Money::parse("0.00")->cents() == 0);
    BOOST_TEST(Money::parse("0.01")->cents() == 1);
    BOOST_TEST(Money::parse("999999.99")->cents() == 99999999);
    BOOST_TEST(Money::parse("007.10")->cents() == 710);
}

BOOST_AUTO_TEST_CASE(to_string_always_writes_two_decimals) {
    BOOST_TEST(canonical("1200") == "1200.00");
    BOOST_TEST(canonical("1200.5") == "1200.50");
    BOOST_TEST(canonical("-3.07") == "-3.07");
    BOOST_TEST(canonical("-0.05") == "-0.05");
    BOOST_TEST(canonical("-0.00") == "0.00");
    BOOST_TEST(canonical("0") == "0.00");
    BOOST_TEST(canonical("007.10") == "7.10");
    BOOST_TEST(Money::fromCents(5).toString() == "0.05");
    BOOST_TEST(Money::fromCents(-120000).toString() == "-1200.00");
}

BOOST_AUTO_TEST_CASE(extra_decimals_only_when_zeros) {
    BOOST_TEST(canonical("1.500") == "1.50");
    BOOST_TEST(canonical("1.50000000000000000000") == "1.50");
    BOOST_TEST(canonical("1.505") == "<refused>");
    BOOST_TEST(canonical("0.001") == "<refused>");
    BOOST_TEST(canonical("1.5000001") == "<refused>");
}

BOOST_AUTO_TEST_CASE(thousands_separators_only_in_unambiguous_groups) {
    BOOST_TEST(canonical("1,200.00") == "1200.00");
    BOOST_TEST(canonical("12,345,678.9") == "12345678.90");
    BOOST_TEST(canonical("-1,000.01") == "-1000.01");
    BOOST_TEST(canonical("1,200") == "<refused>");     // 1.2 with a decimal comma?
    BOOST_TEST(canonical("1200,00") == "<refused>");   // a decimal comma
    BOOST_TEST(canonical("1,20.00") == "<refused>");   // group of two
    BOOST_TEST(canonical("1,2345.00") == "<refused>"); // group of four
    BOOST_TEST(canonical("1234,567.00") == "<refused>");
    BOOST_TEST(canonical(",100.00") == "<refused>");
    BOOST_TEST(canonical("0,100.00") == "<refused>");
    BOOST_TEST(canonical("1,,200.00") == "<refused>");
    BOOST_TEST(canonical("1,200.") == "<refused>");
}

BOOST_AUTO_TEST_CASE(malformed_text_is_refused) {
    for (const char* text : {"",     "-",   "+5",  ".5",   "5.",  "-.5",  " 5",  "5 ", "1 200",
                             "1e3",  "1E3", "NaN", "nan",  "inf", "-inf", "--1", "1-", "1.2.3",
                             "0x10", "12a", "$12", "1.-5", "\t1", "1\n",  "١٢"})
        BOOST_TEST(!Money::parse(text).has_value(), "accepted '" << text << "'");
}

BOOST_AUTO_TEST_CASE(the_largest_amounts_parse_and_one_more_cent_overflows) {
    BOOST_TEST(canonical("92233720368547758.07") == "92233720368547758.07");
    BOOST_TEST(canonical("-92233720368547758.07") == "-92233720368547758.07");
    BOOST_TEST(canonical("92233720368547758.08") == "<refused>");
    BOOST_TEST(canonical("92233720368547759") == "<refused>");
    BOOST_TEST(canonical("99999999999999999999999999") == "<refused>");
    BOOST_TEST(canonical("92,233,720,368,547,758.07") == "92233720368547758.07");
}

BOOST_AUTO_TEST_CASE(the_smallest_int64_prints) {
    BOOST_TEST(Money::fromCents(std::numeric_limits<std::int64_t>::min()).toString() ==
               "-92233720368547758.08");
}

BOOST_AUTO_TEST_CASE(arithmetic_is_exact) {
    Money total;
    for (int i = 0; i < 10; ++i)
        total += *Money::parse("0.10");
    BOOST_TEST(total.toString() == "1.00");
    BOOST_TEST((*Money::parse("1200.00") - *Money::parse("0.01")).toString() == "1199.99");
    BOOST_TEST((*Money::parse("1.07") + *Money::parse("-3.07")).toString() == "-2.00");
    BOOST_TEST((-*Money::parse("3.07")).toString() == "-3.07");
    Money balance = *Money::parse("100.00");
    balance -= *Money::parse("33.33");
    balance -= *Money::parse("33.33");
    balance -= *Money::parse("33.34");
    BOOST_TEST(balance.isZero());
}

BOOST_AUTO_TEST_CASE(arithmetic_overflow_throws) {
    const Money largest = Money::fromCents(std::numeric_limits<std::int64_t>::max());
    const Money smallest = Money::fromCents(std::numeric_limits<std::int64_t>::min());
    BOOST_CHECK_THROW(largest + Money::fromCents(1), std::overflow_error);
    BOOST_CHECK_THROW(smallest - Money::fromCents(1), std::overflow_error);
    BOOST_CHECK_THROW(-smallest, std::overflow_error);
    BOOST_TEST((largest + Money::fromCents(-1)).cents() ==
               std::numeric_limits<std::int64_t>::max() - 1);
}

BOOST_AUTO_TEST_CASE(comparison_orders_by_value) {
    BOOST_TEST(*Money::parse("1200") == *Money::parse("1,200.00"));
    BOOST_TEST(*Money::parse("-0.01") < Money());
    BOOST_TEST(*Money::parse("10.00") > *Money::parse("9.99"));
    BOOST_TEST(Money::parse("-1")->isNegative());
    BOOST_TEST(!Money::parse("-0")->isNegative());
}

BOOST_AUTO_TEST_CASE(append_to_appends) {
    std::string out = "amount=";
    Money::fromCents(31250).appendTo(out);
    BOOST_TEST(out == "amount=312.50");
}

BOOST_AUTO_TEST_SUITE_END()
