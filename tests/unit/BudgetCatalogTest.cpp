// Budget catalogs: tags with or without braces, name keys, duplicates, the catalog CSV with
// errors naming the line, and budget values from a contacts import record.
#include "budget/BudgetCatalog.h"
#include "support/BudgetCatalogs.h"
#include "support/DomainPrinters.h"

#include <Poco/JSON/Parser.h>

#include <boost/test/unit_test.hpp>

#include <string>

using namespace dpp::budget;
using dpp::mapping::Money;

namespace {

std::string addError(BudgetCatalog& catalog, std::string_view name, std::string_view tag) {
    try {
        catalog.add(name, tag);
    } catch (const BudgetError& error) {
        return error.what();
    }
    BOOST_FAIL("add accepted '" + std::string(name) + "', '" + std::string(tag) + "'");
    return {};
}

std::string csvError(std::string_view csv) {
    try {
        parseBudgetCatalogCsv(csv);
    } catch (const BudgetError& error) {
        return error.what();
    }
    BOOST_FAIL("parseBudgetCatalogCsv accepted " + std::string(csv));
    return {};
}

Poco::JSON::Object::Ptr jsonObject(const std::string& text) {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string importError(const BudgetCatalog& catalog, const std::string& json) {
    try {
        budgetValuesFromImportJson(catalog, *jsonObject(json));
    } catch (const BudgetError& error) {
        return error.what();
    }
    BOOST_FAIL("budgetValuesFromImportJson accepted " + json);
    return {};
}

BudgetCatalog smallCatalog() {
    BudgetCatalog catalog;
    catalog.add("Rent", "BF_1");
    catalog.add("Car Payment 1", "{BF_2}");
    catalog.add("Utilities - Electric", "BUDGET_ELECTRIC");
    return catalog;
}

} // namespace

BOOST_AUTO_TEST_SUITE(budget_catalog)

BOOST_AUTO_TEST_CASE(tags_are_written_with_or_without_braces) {
    BOOST_TEST(bareBudgetTag("BF_1").value() == "BF_1");
    BOOST_TEST(bareBudgetTag("{BF_1}").value() == "BF_1");
    BOOST_TEST(bareBudgetTag("{BUDGET_RENT}").value() == "BUDGET_RENT");
    for (const char* bad : {"", "{}", "{BF_1", "BF_1}", "bf_1", "BF 1", "BF-1", "{{BF_1}}",
                            "{ BF_1}", "BF_1 ", "CF:Rent"})
        BOOST_TEST(!bareBudgetTag(bad).has_value(), "accepted '" << bad << "'");
    BOOST_TEST(bracedTag("BF_1") == "{BF_1}");
}

BOOST_AUTO_TEST_CASE(name_keys_ignore_case_spacing_and_punctuation) {
    BOOST_TEST(budgetNameKey("Rent / Mortgage") == "rentmortgage");
    BOOST_TEST(budgetNameKey("rent-mortgage") == "rentmortgage");
    BOOST_TEST(budgetNameKey("Utilities - Electric") == budgetNameKey("utilities: electric"));
    BOOST_TEST(budgetNameKey("Car Payment #1") == "carpayment1");
    BOOST_TEST(budgetNameKey("Net income (spouse)") == budgetNameKey("Net Income - Spouse"));
    BOOST_TEST(budgetNameKey("Loyer é") == "loyeré"); // non-ASCII kept as it is
    BOOST_TEST(budgetNameKey("家賃") == "家賃");
    BOOST_TEST(budgetNameKey(" - / ") == "");
    BOOST_TEST(budgetNameKey("Car Payment 1") != budgetNameKey("Car Payment 2"));
}

BOOST_AUTO_TEST_CASE(fields_are_kept_in_order_with_bare_tags_and_found_both_ways) {
    const BudgetCatalog catalog = smallCatalog();
    BOOST_REQUIRE(catalog.size() == 3u);
    BOOST_TEST(catalog.fields()[1] == (BudgetField{"Car Payment 1", "BF_2"}));
    BOOST_TEST(catalog.indexOfTag("BF_2").value() == 1u);
    BOOST_TEST(catalog.indexOfTag("{BF_2}").value() == 1u);
    BOOST_TEST(!catalog.indexOfTag("bf_2").has_value());
    BOOST_TEST(!catalog.indexOfTag("BF_9").has_value());
    BOOST_TEST(catalog.findByTag("{BUDGET_ELECTRIC}")->name == "Utilities - Electric");
    BOOST_TEST(catalog.indexOfName("Rent").value() == 0u);
    BOOST_TEST(catalog.indexOfName("utilities/electric").value() == 2u);
    BOOST_TEST(catalog.findByName("CAR-PAYMENT-1")->tag == "BF_2");
    BOOST_TEST(catalog.findByName("Car Payment 2") == nullptr);
    BOOST_TEST(catalog.findByName("") == nullptr);
}

BOOST_AUTO_TEST_CASE(names_are_trimmed_and_must_have_a_letter_or_digit) {
    BudgetCatalog catalog;
    catalog.add("  Rent\t", " BF_1 ");
    BOOST_TEST(catalog.fields()[0] == (BudgetField{"Rent", "BF_1"}));
    BOOST_TEST(addError(catalog, "", "BF_2").find("needs a name") != std::string::npos);
    BOOST_TEST(addError(catalog, "   ", "BF_2").find("needs a name") != std::string::npos);
    BOOST_TEST(addError(catalog, "- / -", "BF_2") ==
               "budget field name '- / -' has no letter or digit");
    BOOST_TEST(addError(catalog, std::string(201, 'x'), "BF_2").find("longer than 200 bytes") !=
               std::string::npos);
    BOOST_TEST(addError(catalog, "\xff\xfe", "BF_2") == "budget field name is not valid UTF-8");
    catalog.add("家賃 🏠", "BF_2");
    BOOST_TEST(catalog.findByName("家賃🏠")->tag == "BF_2");
}

BOOST_AUTO_TEST_CASE(bad_tags_are_refused_with_the_reason) {
    BudgetCatalog catalog;
    BOOST_TEST(addError(catalog, "Rent", "bf_1") ==
               "budget field 'Rent': tag 'bf_1' must be upper case: 'BF_1'");
    BOOST_TEST(addError(catalog, "Rent", "{BF 1}") ==
               "budget field 'Rent': tag '{BF 1}' is not a budget tag (A-Z, 0-9 and '_', "
               "optionally in braces: {BF_1})");
    BOOST_TEST(addError(catalog, "Rent", "").find("is not a budget tag") != std::string::npos);
    BOOST_TEST(addError(catalog, "Rent", "{BF_1").find("is not a budget tag") != std::string::npos);
    BOOST_TEST(addError(catalog, "Rent", "STATE") ==
               "budget field 'Rent': tag 'STATE' is a system merge tag ({STATE})");
    BOOST_TEST(addError(catalog, "Rent", "{ID}").find("system merge tag") != std::string::npos);
    BOOST_TEST(addError(catalog, "Rent", "EP_DATA") ==
               "budget field 'Rent': tag 'EP_DATA' is a special merge tag ({EP_DATA})");
    BOOST_TEST(addError(catalog, "Rent", "UPLOAD_DOC_IDS").find("special merge tag") !=
               std::string::npos);
    BOOST_TEST(addError(catalog, "Rent", std::string(65, 'A')).find("longer than 64") !=
               std::string::npos);
    BOOST_TEST(catalog.empty());
}

BOOST_AUTO_TEST_CASE(duplicate_tags_and_names_are_refused) {
    BudgetCatalog catalog = smallCatalog();
    BOOST_TEST(addError(catalog, "Mortgage", "{BF_1}") ==
               "budget field 'Mortgage': tag 'BF_1' is already the tag of 'Rent'");
    BOOST_TEST(addError(catalog, "RENT", "BF_9") ==
               "budget field 'RENT' is the same name as 'Rent' (names are compared ignoring "
               "case, spacing and punctuation)");
    BOOST_TEST(addError(catalog, "car-payment 1", "BF_9").find("same name as 'Car Payment 1'") !=
               std::string::npos);
    BOOST_TEST(catalog.size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_catalog_loads_from_csv) {
    const BudgetCatalog catalog = parseBudgetCatalogCsv("\xEF\xBB\xBFName , TAG\n"
                                                        "Rent,{BF_1}\n"
                                                        "\n"
                                                        "\"Cable, Satellite \"\"TV\"\"\", BF_2 \n"
                                                        "Car Payment 1,BF_3");
    BOOST_REQUIRE(catalog.size() == 3u);
    BOOST_TEST(catalog.fields()[0] == (BudgetField{"Rent", "BF_1"}));
    BOOST_TEST(catalog.fields()[1] == (BudgetField{"Cable, Satellite \"TV\"", "BF_2"}));
    BOOST_TEST(catalog.fields()[2] == (BudgetField{"Car Payment 1", "BF_3"}));
}

BOOST_AUTO_TEST_CASE(realistic_catalogs_load) {
    const BudgetCatalog source = parseBudgetCatalogCsv(dpp::testing::sourceBudgetCsv());
    const BudgetCatalog destination = parseBudgetCatalogCsv(dpp::testing::destinationBudgetCsv());
    BOOST_TEST(source.size() == 38u);
    BOOST_TEST(destination.size() == 36u);
    BOOST_TEST(source.fields().back() == (BudgetField{"Miscellaneous", "BF_38"}));
    BOOST_TEST(destination.fields()[32] == (BudgetField{"Net income, spouse", "BUDGET_INCOME_2"}));
    BOOST_TEST(destination.findByTag("{BUDGET_RENT}")->name == "rent");
}

BOOST_AUTO_TEST_CASE(csv_header_errors) {
    BOOST_TEST(csvError("") ==
               "the budget catalog CSV is empty; it needs a header line 'name,tag'");
    BOOST_TEST(csvError("\n\n") ==
               "the budget catalog CSV is empty; it needs a header line 'name,tag'");
    BOOST_TEST(csvError("Rent,BF_1\nMortgage,BF_2\n") ==
               "line 1: column 'Rent' is not 'name' or 'tag'; the header must be 'name,tag'");
    BOOST_TEST(csvError("name\nRent\n") ==
               "line 1: the header must name the columns 'name' and 'tag'");
    BOOST_TEST(csvError("name,tag,notes\n") ==
               "line 1: column 'notes' is not 'name' or 'tag'; the header must be 'name,tag'");
    BOOST_TEST(csvError("name,name\n") == "line 1: column 'name' appears twice in the header");
}

BOOST_AUTO_TEST_CASE(csv_row_errors_name_the_line) {
    BOOST_TEST(csvError("name,tag\nRent,BF_1\n\nMortgage\n") ==
               "line 4: 1 columns where the header has 2");
    BOOST_TEST(csvError("name,tag\nRent,BF_1\nMortgage,BF_2,x\n") ==
               "line 3: 3 columns where the header has 2");
    BOOST_TEST(csvError("name,tag\nRent,BF_1\nMortgage,BF_1\n") ==
               "line 3: budget field 'Mortgage': tag 'BF_1' is already the tag of 'Rent'");
    BOOST_TEST(csvError("name,tag\nRent,BF_1\nrent,BF_2\n")
                   .starts_with("line 3: budget field 'rent' is the same name as 'Rent'"));
    BOOST_TEST(csvError("name,tag\nRent,bf_1\n") ==
               "line 2: budget field 'Rent': tag 'bf_1' must be upper case: 'BF_1'");
    BOOST_TEST(csvError("name,tag\n,BF_1\n") == "line 2: a budget field needs a name (tag 'BF_1')");
    const std::string unclosed = csvError("name,tag\n\"Rent,BF_1\n");
    BOOST_TEST(unclosed.find("line 2") != std::string::npos, unclosed);
}

BOOST_AUTO_TEST_CASE(import_values_are_keyed_by_field_name) {
    const BudgetCatalog catalog = smallCatalog();
    const BudgetValues values = budgetValuesFromImportJson(
        catalog, *jsonObject(R"({"Rent": "1200.00", "car payment 1": 350.5,
                                 "Utilities - Electric": null})"));
    BOOST_REQUIRE(values.size() == 2u);
    BOOST_TEST(values.at("BF_1").toString() == "1200.00");
    BOOST_TEST(values.at("BF_2").toString() == "350.50");
    BOOST_TEST(!values.contains("BUDGET_ELECTRIC"));
    BOOST_TEST(budgetValuesFromImportJson(catalog, *jsonObject(R"({"Rent": ""})")).empty());
    BOOST_TEST(budgetValuesFromImportJson(catalog, *jsonObject(R"({"Rent": 1200})"))
                   .at("BF_1")
                   .toString() == "1200.00");
}

BOOST_AUTO_TEST_CASE(import_value_errors_name_the_field) {
    const BudgetCatalog catalog = smallCatalog();
    BOOST_TEST(importError(catalog, R"({"Rnet": "1.00"})") ==
               "budget.Rnet: the account has no budget field named 'Rnet'");
    BOOST_TEST(importError(catalog, R"({"Rent": "12OO.00"})") ==
               "budget.Rent: '12OO.00' is not an amount");
    BOOST_TEST(importError(catalog, R"({"Rent": "1200.001"})") ==
               "budget.Rent: '1200.001' is not an amount");
    BOOST_TEST(importError(catalog, R"({"Rent": true})") ==
               "budget.Rent: the amount must be a string such as \"1200.00\"");
    BOOST_TEST(importError(catalog, R"({"Rent": {"a": 1}})").starts_with("budget.Rent:"));
    const std::string twice = importError(catalog, R"({"Rent": "1.00", "rent": "2.00"})");
    BOOST_TEST(twice.find("are both the budget field 'Rent'") != std::string::npos, twice);
}

BOOST_AUTO_TEST_SUITE_END()
