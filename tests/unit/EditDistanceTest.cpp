// Edit distance and key normalisation used to tell keys that differ "only by case, spacing or
// spelling".
#include "mapping/EditDistance.h"

#include <boost/test/unit_test.hpp>

using namespace dpp::mapping;

BOOST_AUTO_TEST_SUITE(edit_distance)

BOOST_AUTO_TEST_CASE(distance_counts_single_edits) {
    BOOST_TEST(editDistance("", "") == 0u);
    BOOST_TEST(editDistance("", "abc") == 3u);
    BOOST_TEST(editDistance("abc", "") == 3u);
    BOOST_TEST(editDistance("lastname", "lastname") == 0u);
    BOOST_TEST(editDistance("lasname", "lastname") == 1u);  // deletion
    BOOST_TEST(editDistance("lastname", "lasname") == 1u);  // insertion
    BOOST_TEST(editDistance("lastnane", "lastname") == 1u); // substitution
    BOOST_TEST(editDistance("kitten", "sitting") == 3u);
    BOOST_TEST(editDistance("fname", "firstname") == 4u);
}

BOOST_AUTO_TEST_CASE(adjacent_transposition_costs_one) {
    BOOST_TEST(editDistance("ab", "ba") == 1u);
    BOOST_TEST(editDistance("fristname", "firstname") == 1u);
    BOOST_TEST(editDistance("stat", "stta") == 1u);
}

BOOST_AUTO_TEST_CASE(optimal_string_alignment_edits_no_substring_twice) {
    // Unrestricted Damerau-Levenshtein gives 2 ("ca" -> "ac" -> "abc"); OSA gives 3.
    BOOST_TEST(editDistance("ca", "abc") == 3u);
}

BOOST_AUTO_TEST_CASE(distance_is_symmetric) {
    BOOST_TEST(editDistance("__plan_date", "__plan_data") ==
               editDistance("__plan_data", "__plan_date"));
    BOOST_TEST(editDistance("phone", "homephone") == editDistance("homephone", "phone"));
}

BOOST_AUTO_TEST_CASE(normalized_key_drops_case_spacing_and_punctuation) {
    BOOST_TEST(normalizedKey("First Name") == "firstname");
    BOOST_TEST(normalizedKey("first_name") == "firstname");
    BOOST_TEST(normalizedKey("FIRST-NAME.") == "firstname");
    BOOST_TEST(normalizedKey("__plan_data") == "plandata");
    BOOST_TEST(normalizedKey("address1") == "address1");
    BOOST_TEST(normalizedKey("{BF_1}") == "{bf1}");
    BOOST_TEST(normalizedKey("").empty());
}

BOOST_AUTO_TEST_CASE(near_miss_reason_names_what_differs) {
    BOOST_TEST(!nearMissReason("firstname", "firstname").has_value());
    BOOST_TEST(nearMissReason("Firstname", "firstname").value() == "case");
    BOOST_TEST(nearMissReason("first name", "firstname").value() == "spacing");
    BOOST_TEST(nearMissReason("first_name", "firstname").value() == "punctuation");
    BOOST_TEST(nearMissReason("First_Name", "firstname").value() == "case and punctuation");
    BOOST_TEST(nearMissReason("First _Name", "firstname").value() ==
               "case and spacing and punctuation");
    BOOST_TEST(nearMissReason("lasname", "lastname").value() == "spelling");
    BOOST_TEST(nearMissReason("Lasname", "lastname").value() == "spelling");
}

BOOST_AUTO_TEST_CASE(spelling_tolerance_depends_on_length) {
    BOOST_TEST(isNearMiss("lstnme", "lastname"));  // 2 edits, long keys
    BOOST_TEST(!isNearMiss("lstnm", "lastname"));  // 3 edits
    BOOST_TEST(isNearMiss("zap", "zip"));          // 1 edit, 3 characters
    BOOST_TEST(isNearMiss("zpp", "zap"));          // 1 edit
    BOOST_TEST(!isNearMiss("dab", "zip"));         // 2 edits, 3 characters
    BOOST_TEST(!isNearMiss("ip", "zip"));          // two-letter keys are never misspellings
    BOOST_TEST(!isNearMiss("fname", "firstname")); // 4 edits
    BOOST_TEST(!isNearMiss("phone", "homephone"));
    BOOST_TEST(!isNearMiss("", "zip"));
    BOOST_TEST(!isNearMiss("___", "zip"));
}

BOOST_AUTO_TEST_SUITE_END()
