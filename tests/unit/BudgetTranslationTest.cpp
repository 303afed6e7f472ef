// `budget translate`: pairs destination tag (key) to source tag (value) by field name,
// ignoring case, spacing and punctuation; unmatched fields of both sides; `--apply` never
// duplicates a pair.
#include "budget/BudgetTranslation.h"
#include "support/BudgetCatalogs.h"
#include "support/DomainPrinters.h"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace dpp::budget;
using dpp::mapping::SystemField;
using dpp::mapping::WebhookDefinition;
using dpp::mapping::WebhookPair;

namespace {

BudgetCatalog sourceCatalog() {
    return parseBudgetCatalogCsv(dpp::testing::sourceBudgetCsv());
}

BudgetCatalog destinationCatalog() {
    return parseBudgetCatalogCsv(dpp::testing::destinationBudgetCsv());
}

std::vector<std::string> namesOf(const std::vector<BudgetField>& fields) {
    std::vector<std::string> names;
    for (const BudgetField& field : fields)
        names.push_back(field.name);
    return names;
}

WebhookPair valuePair(std::string key, std::string value) {
    WebhookPair pair;
    pair.key = std::move(key);
    pair.value = std::move(value);
    return pair;
}

} // namespace

BOOST_AUTO_TEST_SUITE(budget_translation)

BOOST_AUTO_TEST_CASE(realistic_catalogs_pair_by_name) {
    const Translation translation = translate(sourceCatalog(), destinationCatalog());
    BOOST_TEST(translation.pairs.size() == 31u);
    BOOST_TEST(translation.pairs[0] == (TagPair{"{BUDGET_RENT}", "{BF_1}", "rent", "Rent"}));
    BOOST_TEST(translation.pairs[2] ==
               (TagPair{"{BUDGET_CAR_1}", "{BF_3}", "Car payment #1", "Car Payment 1"}));
    BOOST_TEST(translation.pairs[3] ==
               (TagPair{"{BUDGET_CAR_2}", "{BF_4}", "car_payment_2", "Car Payment 2"}));
    BOOST_TEST(translation.pairs[5] == (TagPair{"{BUDGET_ELECTRIC}", "{BF_6}",
                                                "Utilities: Electric", "Utilities - Electric"}));
    BOOST_TEST(translation.pairs[10] ==
               (TagPair{"{BUDGET_TV}", "{BF_12}", "Cable/Satellite TV", "Cable / Satellite TV"}));
    BOOST_TEST(translation.pairs.back() ==
               (TagPair{"{BUDGET_OTHER_INCOME}", "{BF_37}", "Other income", "Other Income"}));
    // Some that only match once case, spacing and punctuation are ignored.
    const auto hasPair = [&](const std::string& key, const std::string& value) {
        for (const TagPair& pair : translation.pairs)
            if (pair.key == key)
                return pair.value == value;
        return false;
    };
    BOOST_TEST(hasPair("{BUDGET_CHILDCARE}", "{BF_22}"));
    BOOST_TEST(hasPair("{BUDGET_LAUNDRY}", "{BF_28}"));
    BOOST_TEST(hasPair("{BUDGET_MEDICAL}", "{BF_20}"));
    BOOST_TEST(hasPair("{BUDGET_INCOME_1}", "{BF_35}"));
    BOOST_TEST(hasPair("{BUDGET_INCOME_2}", "{BF_36}"));
}

BOOST_AUTO_TEST_CASE(pairs_follow_the_destination_catalog_order) {
    const BudgetCatalog destination = destinationCatalog();
    const Translation translation = translate(sourceCatalog(), destination);
    std::size_t previous = 0;
    for (const TagPair& pair : translation.pairs) {
        const std::size_t index = destination.indexOfTag(pair.key).value();
        BOOST_TEST(index >= previous);
        previous = index;
    }
}

BOOST_AUTO_TEST_CASE(unmatched_fields_of_both_sides_are_listed_in_catalog_order) {
    const Translation translation = translate(sourceCatalog(), destinationCatalog());
    BOOST_TEST(namesOf(translation.unmatchedDestination) ==
               std::vector<std::string>(
                   {"Home Phone", "Restaurants", "Charitable Donations", "Misc", "HOA Dues"}));
    BOOST_TEST(
        namesOf(translation.unmatchedSource) ==
        std::vector<std::string>({"Phone", "Dining Out", "Public Transportation", "School Tuition",
                                  "Gym Membership", "Charity / Donations", "Miscellaneous"}));
    BOOST_TEST(translation.unmatchedDestination[0].tag == "BUDGET_HOME_PHONE");
    BOOST_TEST(translation.unmatchedSource[0].tag == "BF_9");
    // Every field is either paired or listed, on both sides.
    BOOST_TEST(translation.pairs.size() + translation.unmatchedSource.size() == 38u);
    BOOST_TEST(translation.pairs.size() + translation.unmatchedDestination.size() == 36u);
}

BOOST_AUTO_TEST_CASE(the_other_direction_swaps_keys_and_values) {
    const Translation forward = translate(sourceCatalog(), destinationCatalog());
    const Translation backward = translate(destinationCatalog(), sourceCatalog());
    BOOST_TEST(backward.pairs.size() == forward.pairs.size());
    BOOST_TEST(backward.pairs[0] == (TagPair{"{BF_1}", "{BUDGET_RENT}", "Rent", "rent"}));
    BOOST_TEST(namesOf(backward.unmatchedDestination) == namesOf(forward.unmatchedSource));
}

BOOST_AUTO_TEST_CASE(translation_is_deterministic) {
    const Translation first = translate(sourceCatalog(), destinationCatalog());
    const Translation second = translate(sourceCatalog(), destinationCatalog());
    BOOST_TEST(first.pairs == second.pairs);
    BOOST_TEST(first.unmatchedSource == second.unmatchedSource);
    BOOST_TEST(first.unmatchedDestination == second.unmatchedDestination);
}

BOOST_AUTO_TEST_CASE(empty_catalogs) {
    const Translation none = translate(BudgetCatalog(), BudgetCatalog());
    BOOST_TEST(none.pairs.empty());
    BOOST_TEST(none.unmatchedSource.empty());
    const Translation toEmpty = translate(sourceCatalog(), BudgetCatalog());
    BOOST_TEST(toEmpty.pairs.empty());
    BOOST_TEST(toEmpty.unmatchedSource.size() == 38u);
}

BOOST_AUTO_TEST_CASE(unicode_names_match_exactly_outside_ascii) {
    BudgetCatalog from;
    from.add("Loyer / Hypothèque", "BF_1");
    from.add("家賃", "BF_2");
    BudgetCatalog to;
    to.add("loyer-hypothèque", "LOYER");
    to.add("家賃 (月)", "YACHIN");
    const Translation translation = translate(from, to);
    BOOST_REQUIRE(translation.pairs.size() == 1u);
    BOOST_TEST(translation.pairs[0] ==
               (TagPair{"{LOYER}", "{BF_1}", "loyer-hypothèque", "Loyer / Hypothèque"}));
    BOOST_TEST(namesOf(translation.unmatchedDestination) ==
               std::vector<std::string>({"家賃 (月)"}));
}

BOOST_AUTO_TEST_CASE(apply_adds_pairs_after_the_existing_ones_and_never_duplicates) {
    const Translation translation = translate(sourceCatalog(), destinationCatalog());
    WebhookDefinition webhook;
    WebhookPair firstname;
    firstname.key = "firstname";
    firstname.field = SystemField::FirstName;
    webhook.pairs = {firstname, valuePair("{BUDGET_RENT}", "{BF_1}")};
    const ApplyOutcome first = applyTranslation(translation, webhook);
    BOOST_TEST(first.added.size() == 30u);
    BOOST_TEST(first.alreadyPresent == std::vector<TagPair>({translation.pairs[0]}));
    BOOST_TEST(first.conflicting.empty());
    BOOST_REQUIRE(webhook.pairs.size() == 32u);
    BOOST_TEST(webhook.pairs[0].key == "firstname");
    BOOST_TEST(webhook.pairs[2].key == "{BUDGET_MORTGAGE}");
    BOOST_TEST(webhook.pairs[2].value == "{BF_2}");
    BOOST_TEST(!webhook.pairs[2].field.has_value());
    const ApplyOutcome again = applyTranslation(translation, webhook);
    BOOST_TEST(again.added.empty());
    BOOST_TEST(again.alreadyPresent.size() == 31u);
    BOOST_TEST(webhook.pairs.size() == 32u);
}

BOOST_AUTO_TEST_CASE(apply_reports_a_key_already_sent_with_something_else) {
    const Translation translation = translate(sourceCatalog(), destinationCatalog());
    WebhookDefinition webhook;
    WebhookPair mapped;
    mapped.key = "{BUDGET_FOOD}";
    mapped.field = SystemField::City;
    webhook.pairs = {valuePair("{BUDGET_RENT}", "{BF_2}"), mapped};
    const ApplyOutcome outcome = applyTranslation(translation, webhook);
    BOOST_REQUIRE(outcome.conflicting.size() == 2u);
    BOOST_TEST(outcome.conflicting[0].key == "{BUDGET_RENT}");
    BOOST_TEST(outcome.conflicting[1].key == "{BUDGET_FOOD}");
    BOOST_TEST(outcome.added.size() == 29u);
    BOOST_TEST(webhook.pairs[0].value == "{BF_2}"); // left as the user wrote it
    BOOST_TEST(webhook.pairs.size() == 31u);
}

BOOST_AUTO_TEST_SUITE_END()
