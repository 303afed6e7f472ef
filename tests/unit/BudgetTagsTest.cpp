// Budget tags: the source account's tags render the contact's amounts in webhook values; the
// receiving account's tags, posted as keys, set budget values with amounts validated.
#include "budget/BudgetTags.h"
#include "mapping/Template.h"
#include "specialparams/SpecialTags.h"
#include "support/BudgetCatalogs.h"
#include "support/DomainPrinters.h"

#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>

using namespace dpp::budget;
using dpp::mapping::Contact;
using dpp::mapping::KeyValues;
using dpp::mapping::Money;
using dpp::mapping::RenderContext;
using dpp::mapping::TagVocabulary;
using dpp::mapping::Template;

namespace {

Money money(std::string_view text) {
    const auto amount = Money::parse(text);
    BOOST_REQUIRE_MESSAGE(amount.has_value(), "not an amount: " << text);
    return *amount;
}

Contact contact(std::int64_t id) {
    Contact result;
    result.setIds(id, 1001);
    return result;
}

BudgetCatalog sourceCatalog() {
    return parseBudgetCatalogCsv(dpp::testing::sourceBudgetCsv());
}

BudgetCatalog destinationCatalog() {
    return parseBudgetCatalogCsv(dpp::testing::destinationBudgetCsv());
}

} // namespace

BOOST_AUTO_TEST_SUITE(budget_tags)

BOOST_AUTO_TEST_CASE(source_tags_are_registered_by_catalog_position) {
    const BudgetCatalog catalog = sourceCatalog();
    TagVocabulary vocabulary;
    dpp::specialparams::registerSpecialTags(vocabulary);
    registerBudgetTags(catalog, vocabulary);
    BOOST_TEST(vocabulary.all().size() == 2u + 38u);
    BOOST_TEST(vocabulary.find("BF_1").value() == kFirstBudgetTagId);
    BOOST_TEST(vocabulary.find("BF_38").value() == kFirstBudgetTagId + 37);
    BOOST_TEST(isBudgetTagId(*vocabulary.find("BF_38")));
    BOOST_TEST(vocabulary.find("EP_DATA").value() == dpp::specialparams::kEpDataTagId);
    registerBudgetTags(catalog, vocabulary); // the same catalog again changes nothing
    BOOST_TEST(vocabulary.all().size() == 40u);
}

BOOST_AUTO_TEST_CASE(registering_a_tag_under_another_id_is_a_logic_error) {
    TagVocabulary vocabulary;
    vocabulary.add("BF_2", 7);
    BudgetCatalog catalog;
    catalog.add("Rent", "BF_1");
    catalog.add("Mortgage", "BF_2");
    BOOST_CHECK_THROW(registerBudgetTags(catalog, vocabulary), std::logic_error);
}

BOOST_AUTO_TEST_CASE(budget_tags_render_the_contacts_amounts) {
    const BudgetCatalog catalog = sourceCatalog();
    TagVocabulary vocabulary;
    registerBudgetTags(catalog, vocabulary);
    BudgetValuesByContactId values;
    values.set(55, {{"BF_1", money("1200")}, {"BF_3", money("350.5")}, {"BF_35", money("-0.01")}});
    const BudgetTagRenderer renderer(catalog, values);
    const Contact mike = contact(55);
    const RenderContext context{mike, &renderer};
    BOOST_TEST(Template::parse("{BF_1}", vocabulary).render(context) == "1200.00");
    BOOST_TEST(Template::parse("{BF_3}", vocabulary).render(context) == "350.50");
    BOOST_TEST(Template::parse("{BF_35}", vocabulary).render(context) == "-0.01");
    BOOST_TEST(Template::parse("{BF_2}", vocabulary).render(context) == ""); // no value
    BOOST_TEST(Template::parse("rent={BF_1};car={BF_3};x={BF_2}", vocabulary).render(context) ==
               "rent=1200.00;car=350.50;x=");
}

BOOST_AUTO_TEST_CASE(a_contact_without_budget_values_renders_empty) {
    const BudgetCatalog catalog = sourceCatalog();
    TagVocabulary vocabulary;
    registerBudgetTags(catalog, vocabulary);
    BudgetValuesByContactId values;
    values.set(55, {{"BF_1", money("1200")}});
    const BudgetTagRenderer renderer(catalog, values);
    const Contact stranger = contact(56);
    BOOST_TEST(Template::parse("{BF_1}", vocabulary).render(RenderContext{stranger, &renderer}) ==
               "");
}

BOOST_AUTO_TEST_CASE(tags_not_in_the_source_catalog_do_not_parse) {
    TagVocabulary vocabulary;
    registerBudgetTags(sourceCatalog(), vocabulary);
    BOOST_CHECK_THROW(Template::parse("{BUDGET_RENT}", vocabulary), dpp::mapping::TemplateError);
    BOOST_CHECK_THROW(Template::parse("{BF_39}", vocabulary), dpp::mapping::TemplateError);
}

BOOST_AUTO_TEST_CASE(an_id_outside_the_catalog_is_a_logic_error) {
    BudgetCatalog catalog;
    catalog.add("Rent", "BF_1");
    BudgetValuesByContactId values;
    const BudgetTagRenderer renderer(catalog, values);
    std::string out;
    BOOST_CHECK_THROW(renderer.appendExtension(kFirstBudgetTagId + 1, contact(1), out),
                      std::logic_error);
    BOOST_CHECK_THROW(renderer.appendExtension(1, contact(1), out), std::logic_error);
    BOOST_CHECK_NO_THROW(renderer.appendExtension(kFirstBudgetTagId, contact(1), out));
    BOOST_TEST(out == "");
}

BOOST_AUTO_TEST_CASE(braced_and_bare_receiving_tags_set_values) {
    const BudgetApplication applied =
        applyBudgetKeys(destinationCatalog(), KeyValues{{"{BUDGET_RENT}", "1200.00"},
                                                        {"BUDGET_CAR_1", "350.5"},
                                                        {"{BUDGET_INCOME_1}", "4,100.00"}});
    BOOST_TEST(applied.problems.empty());
    BOOST_TEST(applied.otherKeys.empty());
    BOOST_REQUIRE(applied.values.size() == 3u);
    BOOST_TEST(applied.values.at("BUDGET_RENT").toString() == "1200.00");
    BOOST_TEST(applied.values.at("BUDGET_CAR_1").toString() == "350.50");
    BOOST_TEST(applied.values.at("BUDGET_INCOME_1").toString() == "4100.00");
}

BOOST_AUTO_TEST_CASE(other_keys_pass_through_in_order) {
    const BudgetApplication applied =
        applyBudgetKeys(destinationCatalog(), KeyValues{{"lead_source", "radio"},
                                                        {"{budget_rent}", "1.00"},
                                                        {"{BUDGET_RENT} ", "2.00"},
                                                        {"{BF_1}", "3.00"},
                                                        {"{BUDGET_RENT}", "4.00"},
                                                        {"BUDGET RENT", "5.00"}});
    BOOST_TEST(applied.values.size() == 1u);
    BOOST_TEST(applied.values.at("BUDGET_RENT").toString() == "4.00");
    BOOST_TEST(applied.otherKeys == (KeyValues{{"lead_source", "radio"},
                                               {"{budget_rent}", "1.00"},
                                               {"{BUDGET_RENT} ", "2.00"},
                                               {"{BF_1}", "3.00"},
                                               {"BUDGET RENT", "5.00"}}));
}

BOOST_AUTO_TEST_CASE(an_amount_that_is_not_a_decimal_is_a_problem_naming_key_and_value) {
    const BudgetApplication applied =
        applyBudgetKeys(destinationCatalog(), KeyValues{{"{BUDGET_RENT}", "12OO.00"},
                                                        {"{BUDGET_MORTGAGE}", "1e3"},
                                                        {"{BUDGET_GAS}", " 80.00"},
                                                        {"{BUDGET_WATER}", "45.10"}});
    BOOST_REQUIRE(applied.problems.size() == 3u);
    BOOST_TEST(applied.problems[0].key == "{BUDGET_RENT}");
    BOOST_TEST(applied.problems[0].value == "12OO.00");
    BOOST_TEST(applied.problems[0].message ==
               "budget key '{BUDGET_RENT}' (rent): '12OO.00' is not an amount; write digits "
               "with at most two decimals, e.g. 1200.00");
    BOOST_TEST(applied.problems[1].key == "{BUDGET_MORTGAGE}");
    BOOST_TEST(applied.problems[2].value == " 80.00");
    // The good one is still set; the bad ones are not.
    BOOST_REQUIRE(applied.values.size() == 1u);
    BOOST_TEST(applied.values.at("BUDGET_WATER").toString() == "45.10");
}

BOOST_AUTO_TEST_CASE(an_empty_value_sets_nothing_and_is_listed) {
    const BudgetApplication applied = applyBudgetKeys(
        destinationCatalog(), KeyValues{{"{BUDGET_RENT}", ""}, {"BUDGET_FOOD", "410.00"}});
    BOOST_TEST(applied.values.size() == 1u);
    BOOST_TEST(applied.withoutValue == std::vector<std::string>({"{BUDGET_RENT}"}));
    BOOST_TEST(applied.problems.empty());
}

BOOST_AUTO_TEST_CASE(one_field_posted_twice) {
    BudgetApplication same = applyBudgetKeys(
        destinationCatalog(), KeyValues{{"{BUDGET_RENT}", "1200.00"}, {"BUDGET_RENT", "1200"}});
    BOOST_TEST(same.problems.empty());
    BOOST_TEST(same.values.at("BUDGET_RENT").toString() == "1200.00");
    BudgetApplication different =
        applyBudgetKeys(destinationCatalog(), KeyValues{{"{BUDGET_RENT}", "1200.00"},
                                                        {"BUDGET_RENT", "900.00"},
                                                        {"BUDGET_FOOD", "410.00"}});
    BOOST_REQUIRE(different.problems.size() == 1u);
    BOOST_TEST(different.problems[0].message ==
               "budget key 'BUDGET_RENT' (rent) posts '900.00' but '{BUDGET_RENT}' posted "
               "'1200.00' for the same field; neither is set");
    BOOST_TEST(!different.values.contains("BUDGET_RENT"));
    BOOST_TEST(different.values.at("BUDGET_FOOD").toString() == "410.00");
}

BOOST_AUTO_TEST_CASE(source_values_arrive_at_the_destination) {
    // The sender renders each pair "{DEST_TAG}" = "{SOURCE_TAG}"; the receiver applies them.
    const BudgetCatalog source = sourceCatalog();
    const BudgetCatalog destination = destinationCatalog();
    TagVocabulary vocabulary;
    registerBudgetTags(source, vocabulary);
    BudgetValuesByContactId values;
    values.set(
        55, {{"BF_1", money("1200.00")}, {"BF_13", money("410.25")}, {"BF_36", money("2,750.00")}});
    const BudgetTagRenderer renderer(source, values);
    const Contact mike = contact(55);
    const std::vector<std::pair<std::string, std::string>> webhookPairs = {
        {"{BUDGET_RENT}", "{BF_1}"},
        {"{BUDGET_FOOD}", "{BF_13}"},
        {"{BUDGET_INCOME_2}", "{BF_36}"},
        {"{BUDGET_MORTGAGE}", "{BF_2}"}};
    KeyValues posted;
    for (const auto& [key, value] : webhookPairs)
        posted.emplace_back(
            key, Template::parse(value, vocabulary).render(RenderContext{mike, &renderer}));
    BOOST_TEST(posted[0].second == "1200.00");
    BOOST_TEST(posted[3].second == "");
    const BudgetApplication applied = applyBudgetKeys(destination, posted);
    BOOST_TEST(applied.problems.empty());
    BOOST_TEST(applied.withoutValue == std::vector<std::string>({"{BUDGET_MORTGAGE}"}));
    BOOST_TEST(applied.values == (BudgetValues{{"BUDGET_RENT", money("1200.00")},
                                               {"BUDGET_FOOD", money("410.25")},
                                               {"BUDGET_INCOME_2", money("2750.00")}}));
}

BOOST_AUTO_TEST_SUITE_END()
