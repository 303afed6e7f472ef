// Whether an Accept header asks for HTML rather than JSON (bridge/receive/AcceptPreference.h).
#include "bridge/receive/AcceptPreference.h"

#include <boost/test/unit_test.hpp>

#include <string_view>

using dpp::bridge::prefersHtml;

BOOST_AUTO_TEST_SUITE(accept_preference)

BOOST_AUTO_TEST_CASE(browsers_prefer_html) {
    BOOST_TEST(prefersHtml("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
                           "image/webp,*/*;q=0.8"));
    BOOST_TEST(prefersHtml("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
    BOOST_TEST(prefersHtml("application/xhtml+xml"));
    BOOST_TEST(prefersHtml("text/html"));
}

BOOST_AUTO_TEST_CASE(curl_an_empty_header_and_json_clients_do_not) {
    BOOST_TEST(!prefersHtml("*/*"));
    BOOST_TEST(!prefersHtml(""));
    BOOST_TEST(!prefersHtml("   "));
    BOOST_TEST(!prefersHtml("application/json"));
    BOOST_TEST(!prefersHtml("application/json, text/plain, */*"));
    BOOST_TEST(!prefersHtml("text/*"));
}

BOOST_AUTO_TEST_CASE(json_wins_when_ranked_higher) {
    BOOST_TEST(!prefersHtml("application/json, text/html;q=0.5"));
    BOOST_TEST(!prefersHtml("text/html;q=0.5, application/json;q=0.6"));
    BOOST_TEST(prefersHtml("application/json;q=0.5, text/html"));
}

BOOST_AUTO_TEST_CASE(html_wins_a_tie_with_json) {
    BOOST_TEST(prefersHtml("application/json, text/html"));
    BOOST_TEST(prefersHtml("text/html;q=0.5, application/json;q=0.5"));
}

BOOST_AUTO_TEST_CASE(html_must_beat_the_wildcard_when_json_is_not_named) {
    BOOST_TEST(!prefersHtml("text/html;q=0.8, */*"));
    BOOST_TEST(!prefersHtml("text/html;q=0.8, */*;q=0.8"));
    BOOST_TEST(prefersHtml("text/html;q=0.9, */*;q=0.8"));
    BOOST_TEST(!prefersHtml("text/html;q=0.5, application/*"));
    BOOST_TEST(prefersHtml("text/html, application/*;q=0.5, */*"));
}

BOOST_AUTO_TEST_CASE(a_q_of_zero_refuses_html) {
    BOOST_TEST(!prefersHtml("text/html;q=0"));
    BOOST_TEST(!prefersHtml("text/html;q=0.000, application/xhtml+xml;q=0"));
    BOOST_TEST(prefersHtml("text/html;q=0, application/xhtml+xml;q=0.1"));
}

BOOST_AUTO_TEST_CASE(the_highest_html_q_counts) {
    BOOST_TEST(prefersHtml("text/html;q=0.2, application/xhtml+xml;q=0.9, application/json;q=0.8"));
    BOOST_TEST(
        !prefersHtml("text/html;q=0.2, application/xhtml+xml;q=0.7, application/json;q=0.8"));
}

BOOST_AUTO_TEST_CASE(parameters_whitespace_and_case_are_tolerated) {
    BOOST_TEST(prefersHtml("  TEXT/HTML ; charset=utf-8 ; Q = 0.9 , Application/JSON;q=0.8"));
    BOOST_TEST(!prefersHtml("Text/Html;level=1;q=0.4,\tAPPLICATION/JSON"));
    BOOST_TEST(prefersHtml("text/html;q=\"0.9\", */*;q=0.1"));
    BOOST_TEST(prefersHtml(",, text/html ,,"));
}

BOOST_AUTO_TEST_CASE(malformed_q_values_never_throw) {
    BOOST_TEST(prefersHtml("text/html;q=abc, */*;q=0.5"));      // as if absent: 1
    BOOST_TEST(prefersHtml("text/html;q=, */*;q=0.5"));         // as if absent: 1
    BOOST_TEST(prefersHtml("text/html;q, */*;q=0.5"));          // not a q parameter
    BOOST_TEST(!prefersHtml("text/html;q=-0.5"));               // clamped to 0
    BOOST_TEST(prefersHtml("text/html;q=7, application/json")); // clamped to 1
    BOOST_TEST(prefersHtml("text/html;q=1e-9, */*;q=0.5"));     // not a number: 1
    BOOST_TEST(prefersHtml("text/html;q=.5, */*;q=0.4"));
    BOOST_TEST(!prefersHtml("text/html;q=0.5;q=0")); // the last q counts
    for (std::string_view header : {";", ";;q=", "=", "/", "text/html;=;", "\"", ";q=\"",
                                    "text/html;q=\"", "*/*;q=nan", "text/html;q=inf"})
        BOOST_CHECK_NO_THROW(prefersHtml(header));
}

BOOST_AUTO_TEST_CASE(a_q_with_hundreds_of_decimals_is_read_as_its_value) {
    std::string zeros(400, '0');
    BOOST_TEST(!prefersHtml("text/html;q=0." + zeros + "1, application/json;q=0.5"));
    // Not a number (two points): counts as 1.
    BOOST_TEST(prefersHtml("text/html;q=0." + zeros + ".5, application/json;q=0.9"));
}

BOOST_AUTO_TEST_SUITE_END()
