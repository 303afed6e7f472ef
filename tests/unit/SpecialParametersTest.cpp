// The article's special parameters __plan_data and __copydocs, typed exactly as shown.
#include "specialparams/SpecialParameters.h"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace dpp::specialparams;
using dpp::mapping::Finding;
using dpp::mapping::Severity;
using dpp::mapping::SystemField;
using dpp::mapping::WebhookDefinition;
using dpp::mapping::WebhookPair;

namespace {

WebhookPair valuePair(std::string key, std::string value) {
    WebhookPair pair;
    pair.key = std::move(key);
    pair.value = std::move(value);
    return pair;
}

WebhookDefinition webhookWith(std::vector<WebhookPair> pairs,
                              std::optional<std::int64_t> destinationAccount = 2002) {
    WebhookDefinition webhook;
    webhook.url = "https://client.debtpaypro.com/post/f16b3893c9cf77f6348fa42444979913a6dad41a/";
    webhook.pairs = std::move(pairs);
    webhook.destinationAccount = destinationAccount;
    return webhook;
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(special_parameters)

BOOST_AUTO_TEST_CASE(constants_are_the_articles) {
    BOOST_TEST(kPlanDataKey == "__plan_data");
    BOOST_TEST(kPlanDataValue == "{EP_DATA}");
    BOOST_TEST(kCopyDocsKey == "__copydocs");
    BOOST_TEST(kCopyDocsValue == "{ACCTID}-{ID}-{UPLOAD_DOC_IDS}");
}

BOOST_AUTO_TEST_CASE(only_exact_keys_are_special) {
    BOOST_TEST(isSpecialParameterKey("__plan_data"));
    BOOST_TEST(isSpecialParameterKey("__copydocs"));
    BOOST_TEST(!isSpecialParameterKey("__PLAN_DATA"));
    BOOST_TEST(!isSpecialParameterKey("_plan_data"));
    BOOST_TEST(!isSpecialParameterKey("__copydocs "));
    BOOST_TEST(!isSpecialParameterKey("firstname"));
    BOOST_TEST(!isSpecialParameterKey(""));
}

BOOST_AUTO_TEST_CASE(correct_special_parameters_have_no_findings) {
    const auto findings = checkSpecialParameters(webhookWith({
        valuePair("firstname", "{FIRSTNAME}"),
        valuePair("__plan_data", "{EP_DATA}"),
        valuePair("__copydocs", "{ACCTID}-{ID}-{UPLOAD_DOC_IDS}"),
    }));
    BOOST_TEST(findings.empty());
}

BOOST_AUTO_TEST_CASE(special_key_mapped_to_a_field_is_an_error) {
    WebhookPair mapped;
    mapped.key = "__plan_data";
    mapped.field = SystemField::Id;
    const auto findings = checkSpecialParameters(webhookWith({mapped}));
    BOOST_REQUIRE_EQUAL(findings.size(), 1u);
    BOOST_TEST((findings[0].severity == Severity::Error));
    BOOST_TEST(findings[0].pairIndex.value() == 0u);
    BOOST_TEST(findings[0].key == "__plan_data");
    BOOST_TEST(contains(findings[0].message, "pair 1 key '__plan_data' is mapped to the system "
                                             "field 'ID'"));
    BOOST_TEST(contains(findings[0].message, "'{EP_DATA}' exactly"));
}

BOOST_AUTO_TEST_CASE(special_value_must_be_exact) {
    const auto findings = checkSpecialParameters(webhookWith({
        valuePair("__plan_data", "{ep_data}"),
        valuePair("__copydocs", "{ACCTID}-{ID}"),
        valuePair("__plan_data", ""),
    }));
    BOOST_REQUIRE_EQUAL(findings.size(), 3u);
    BOOST_TEST((findings[0].severity == Severity::Error));
    BOOST_TEST(contains(findings[0].message, "pair 1 key '__plan_data' has the value "
                                             "'{ep_data}'; set it to the Custom Value "
                                             "'{EP_DATA}' exactly"));
    BOOST_TEST(findings[1].pairIndex.value() == 1u);
    BOOST_TEST(contains(findings[1].message, "'{ACCTID}-{ID}-{UPLOAD_DOC_IDS}'"));
    BOOST_TEST(findings[2].pairIndex.value() == 2u);
}

BOOST_AUTO_TEST_CASE(keys_near_a_special_key_are_errors_naming_the_exact_key) {
    const auto findings = checkSpecialParameters(webhookWith({
        valuePair("_plan_data", "{EP_DATA}"),
        valuePair("__plan_date", "{EP_DATA}"),
        valuePair("__PLAN_DATA", "{EP_DATA}"),
        valuePair("__copy_docs", "{ACCTID}-{ID}-{UPLOAD_DOC_IDS}"),
        valuePair("plan data", "{EP_DATA}"),
        valuePair("__copydoc", "{ACCTID}-{ID}-{UPLOAD_DOC_IDS}"),
    }));
    BOOST_REQUIRE_EQUAL(findings.size(), 6u);
    for (const Finding& finding : findings)
        BOOST_TEST((finding.severity == Severity::Error));
    BOOST_TEST(contains(findings[0].message, "pair 1 key '_plan_data' is not the special "
                                             "parameter '__plan_data'"));
    BOOST_TEST(contains(findings[0].message, "Use the key '__plan_data' exactly"));
    BOOST_TEST(contains(findings[1].message, "pair 2 key '__plan_date'"));
    BOOST_TEST(contains(findings[2].message, "pair 3 key '__PLAN_DATA'"));
    BOOST_TEST(contains(findings[3].message, "pair 4 key '__copy_docs'"));
    BOOST_TEST(contains(findings[3].message, "Use the key '__copydocs' exactly"));
    BOOST_TEST(contains(findings[4].message, "'__plan_data'"));
    BOOST_TEST(contains(findings[5].message, "'__copydocs'"));
}

BOOST_AUTO_TEST_CASE(misspelling_without_leading_underscore_is_only_a_warning) {
    // "plan_date" may be a real key of a non-DPP receiver.
    const auto findings = checkSpecialParameters(webhookWith({valuePair("plan_date", "x")}));
    BOOST_REQUIRE_EQUAL(findings.size(), 1u);
    BOOST_TEST((findings[0].severity == Severity::Warning));
    BOOST_TEST(contains(findings[0].message, "'__plan_data'"));
}

BOOST_AUTO_TEST_CASE(copydocs_needs_a_destination_account) {
    const auto findings = checkSpecialParameters(webhookWith(
        {valuePair("firstname", "x"), valuePair("__copydocs", "{ACCTID}-{ID}-{UPLOAD_DOC_IDS}")},
        std::nullopt));
    BOOST_REQUIRE_EQUAL(findings.size(), 1u);
    BOOST_TEST((findings[0].severity == Severity::Error));
    BOOST_TEST(findings[0].pairIndex.value() == 1u);
    BOOST_TEST(contains(findings[0].message, "pair 2 key '__copydocs'"));
    BOOST_TEST(contains(findings[0].message, "\"destination_account\""));

    // __plan_data alone does not need one.
    BOOST_TEST(
        checkSpecialParameters(webhookWith({valuePair("__plan_data", "{EP_DATA}")}, std::nullopt))
            .empty());
}

BOOST_AUTO_TEST_CASE(special_value_under_another_key_is_a_warning) {
    const auto findings = checkSpecialParameters(webhookWith({
        valuePair("plan", "{EP_DATA}"),
        valuePair("documents", "{ACCTID}-{ID}-{UPLOAD_DOC_IDS}"),
        valuePair("note", "{EP_DATA} and more"),
    }));
    BOOST_REQUIRE_EQUAL(findings.size(), 2u);
    BOOST_TEST((findings[0].severity == Severity::Warning));
    BOOST_TEST(contains(findings[0].message, "pair 1 key 'plan' carries '{EP_DATA}'"));
    BOOST_TEST(contains(findings[1].message, "under the key '__copydocs'"));
}

BOOST_AUTO_TEST_SUITE_END()
