// The article's "Double Check and Confirm": keys that the receiver will not recognise.
#include "mapping/KeyCheck.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>

using namespace dpp::mapping;

namespace {

WebhookPair fieldPair(std::string key, SystemField field) {
    WebhookPair pair;
    pair.key = std::move(key);
    pair.field = field;
    return pair;
}

WebhookPair valuePair(std::string key, std::string value) {
    WebhookPair pair;
    pair.key = std::move(key);
    pair.value = std::move(value);
    return pair;
}

WebhookDefinition webhookWith(std::vector<WebhookPair> pairs) {
    WebhookDefinition webhook;
    webhook.title = "Partner sync";
    webhook.url = "https://client.debtpaypro.com/post/f16b3893c9cf77f6348fa42444979913a6dad41a/";
    webhook.pairs = std::move(pairs);
    return webhook;
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

std::size_t countOf(const std::vector<Finding>& findings, Severity severity) {
    return static_cast<std::size_t>(
        std::count_if(findings.begin(), findings.end(),
                      [severity](const Finding& finding) { return finding.severity == severity; }));
}

const std::vector<std::string> kNoExpectedKeys;
const std::vector<std::string> kArticleKeys{"firstname", "lastname", "phone", "state"};

} // namespace

BOOST_AUTO_TEST_SUITE(key_check)

BOOST_AUTO_TEST_CASE(correct_article_webhook_has_no_findings) {
    const WebhookDefinition webhook = webhookWith({
        fieldPair("firstname", SystemField::FirstName),
        fieldPair("lastname", SystemField::LastName),
        fieldPair("phone", SystemField::CellPhone),
        fieldPair("state", SystemField::State),
    });
    BOOST_TEST(checkKeys(webhook, kArticleKeys).empty());
    BOOST_TEST(checkKeys(webhook, kNoExpectedKeys).empty());
    BOOST_TEST(!hasErrors(checkKeys(webhook, kArticleKeys)));
}

BOOST_AUTO_TEST_CASE(empty_and_blank_keys_are_errors) {
    const auto findings =
        checkKeys(webhookWith({fieldPair("", SystemField::FirstName), valuePair("  ", "x")}), {});
    BOOST_REQUIRE_EQUAL(findings.size(), 2u);
    BOOST_TEST((findings[0].severity == Severity::Error));
    BOOST_TEST(findings[0].pairIndex.value() == 0u);
    BOOST_TEST(contains(findings[0].message, "pair 1 has an empty key ''"));
    BOOST_TEST(findings[1].pairIndex.value() == 1u);
    BOOST_TEST(contains(findings[1].message, "pair 2 has an empty key '  '"));
    BOOST_TEST(contains(findings[1].message, "enter the key exactly"));
    BOOST_TEST(hasErrors(findings));
}

BOOST_AUTO_TEST_CASE(surrounding_whitespace_is_an_error) {
    const auto findings = checkKeys(webhookWith({fieldPair(" firstname", SystemField::FirstName),
                                                 fieldPair("state\t", SystemField::State)}),
                                    {});
    BOOST_REQUIRE_EQUAL(findings.size(), 2u);
    BOOST_TEST((findings[0].severity == Severity::Error));
    BOOST_TEST(findings[0].key == " firstname");
    BOOST_TEST(contains(findings[0].message, "pair 1 key ' firstname'"));
    BOOST_TEST(contains(findings[0].message, "keys are sent verbatim"));
    BOOST_TEST(contains(findings[1].message, "pair 2 key 'state\t'"));
}

BOOST_AUTO_TEST_CASE(inner_spaces_alone_are_not_whitespace_errors) {
    // "first name" with no expected keys: only the near-DPP-key warning, no error.
    const auto findings =
        checkKeys(webhookWith({fieldPair("first name", SystemField::FirstName)}), kNoExpectedKeys);
    BOOST_REQUIRE_EQUAL(findings.size(), 1u);
    BOOST_TEST((findings[0].severity == Severity::Warning));
}

BOOST_AUTO_TEST_CASE(duplicate_keys_are_errors_except_array_keys) {
    const auto findings = checkKeys(webhookWith({
                                        fieldPair("phone", SystemField::HomePhone),
                                        valuePair("tags[]", "a"),
                                        fieldPair("phone", SystemField::CellPhone),
                                        valuePair("tags[]", "b"),
                                        valuePair("Phone", "c"),
                                    }),
                                    kNoExpectedKeys);
    BOOST_REQUIRE_EQUAL(findings.size(), 1u);
    BOOST_TEST((findings[0].severity == Severity::Error));
    BOOST_TEST(findings[0].pairIndex.value() == 2u);
    BOOST_TEST(findings[0].key == "phone");
    BOOST_TEST(contains(findings[0].message, "pair 3 key 'phone' repeats pair 1"));
    BOOST_TEST(contains(findings[0].message, "'[]'"));
}

BOOST_AUTO_TEST_CASE(expect_keys_against_lasname_Firstname_and_first_name) {
    // --expect-keys firstname,lastname,phone,state
    const WebhookDefinition webhook = webhookWith({
        fieldPair("Firstname", SystemField::FirstName),
        fieldPair("lasname", SystemField::LastName),
        fieldPair("first name", SystemField::FirstName),
        fieldPair("phone", SystemField::CellPhone),
        fieldPair("state", SystemField::State),
    });
    const auto findings = checkKeys(webhook, kArticleKeys);
    BOOST_REQUIRE_EQUAL(findings.size(), 5u);
    BOOST_TEST(countOf(findings, Severity::Error) == 5u);

    BOOST_TEST(findings[0].pairIndex.value() == 0u);
    BOOST_TEST(findings[0].key == "Firstname");
    BOOST_TEST(findings[0].message ==
               "pair 1 key 'Firstname' differs from expected key 'firstname' (case); keys must "
               "be entered verbatim: change it to 'firstname'");

    BOOST_TEST(findings[1].pairIndex.value() == 1u);
    BOOST_TEST(contains(findings[1].message, "pair 2 key 'lasname' differs from expected key "
                                             "'lastname' (spelling); keys must be entered "
                                             "verbatim"));

    BOOST_TEST(findings[2].pairIndex.value() == 2u);
    BOOST_TEST(contains(findings[2].message, "pair 3 key 'first name' differs from expected key "
                                             "'firstname' (spacing)"));

    // Then the expected keys with no verbatim pair, in expected order.
    BOOST_TEST(!findings[3].pairIndex.has_value());
    BOOST_TEST(findings[3].key == "firstname");
    BOOST_TEST(contains(findings[3].message, "expected key 'firstname' has no pair"));
    BOOST_TEST(contains(findings[3].message, "pair 1 key 'Firstname' looks meant to be it"));
    BOOST_TEST(findings[4].key == "lastname");
    BOOST_TEST(contains(findings[4].message, "pair 2 key 'lasname'"));
    BOOST_TEST(hasErrors(findings));
}

BOOST_AUTO_TEST_CASE(expect_keys_missing_and_unexpected) {
    const WebhookDefinition webhook = webhookWith({
        fieldPair("firstname", SystemField::FirstName),
        fieldPair("lastname", SystemField::LastName),
        valuePair("api_hash", "9f2c61"),
    });
    const auto findings = checkKeys(webhook, kArticleKeys);
    BOOST_REQUIRE_EQUAL(findings.size(), 3u);
    BOOST_TEST((findings[0].severity == Severity::Warning));
    BOOST_TEST(findings[0].pairIndex.value() == 2u);
    BOOST_TEST(contains(findings[0].message, "pair 3 key 'api_hash' is not among the expected"));
    BOOST_TEST(contains(findings[0].message, "likely omit it"));
    BOOST_TEST((findings[1].severity == Severity::Error));
    BOOST_TEST(findings[1].key == "phone");
    BOOST_TEST(findings[1].message ==
               "expected key 'phone' has no pair; add a pair with the key 'phone' exactly");
    BOOST_TEST(findings[2].key == "state");
}

BOOST_AUTO_TEST_CASE(expected_keys_are_verbatim_and_only_exact_matches_count) {
    // The receiver asked for "First Name": "firstname" does not satisfy it.
    const std::vector<std::string> expected{"First Name"};
    const auto findings =
        checkKeys(webhookWith({fieldPair("firstname", SystemField::FirstName)}), expected);
    BOOST_REQUIRE_EQUAL(findings.size(), 2u);
    BOOST_TEST(contains(findings[0].message, "differs from expected key 'First Name' (case and "
                                             "spacing)"));
    BOOST_TEST(contains(findings[1].message, "expected key 'First Name' has no pair"));
    // And a verbatim typo in the instructions is satisfied by the same typo.
    const std::vector<std::string> withTypo{"lasname"};
    BOOST_TEST(
        checkKeys(webhookWith({fieldPair("lasname", SystemField::LastName)}), withTypo).empty());
}

BOOST_AUTO_TEST_CASE(short_keys_tolerate_one_edit_long_keys_two) {
    const std::vector<std::string> expected{"zip", "lastname"};
    const auto findings = checkKeys(
        webhookWith({fieldPair("zp", SystemField::Zip), fieldPair("zap", SystemField::Zip),
                     fieldPair("lstnme", SystemField::LastName),
                     fieldPair("lname", SystemField::LastName)}),
        expected);
    BOOST_REQUIRE_GE(findings.size(), 4u);
    BOOST_TEST((findings[0].severity == Severity::Warning)); // "zp": too short to be a typo
    BOOST_TEST((findings[1].severity == Severity::Error));   // "zap": one edit from "zip"
    BOOST_TEST(contains(findings[1].message, "'zip' (spelling)"));
    BOOST_TEST((findings[2].severity == Severity::Error));   // "lstnme": two edits
    BOOST_TEST((findings[3].severity == Severity::Warning)); // "lname": three edits
}

BOOST_AUTO_TEST_CASE(without_expected_keys_near_dpp_keys_are_warnings) {
    const auto findings = checkKeys(webhookWith({
                                        fieldPair("lasname", SystemField::LastName),
                                        fieldPair("Email", SystemField::Email),
                                        fieldPair("firstname", SystemField::FirstName),
                                        fieldPair("phone", SystemField::CellPhone),
                                        valuePair("api_hash", "9f2c61"),
                                        valuePair("{BUDGET_RENT}", "{BF_1}"),
                                    }),
                                    kNoExpectedKeys);
    BOOST_REQUIRE_EQUAL(findings.size(), 2u);
    BOOST_TEST(!hasErrors(findings));
    BOOST_TEST(findings[0].pairIndex.value() == 0u);
    BOOST_TEST(contains(findings[0].message, "pair 1 key 'lasname'"));
    BOOST_TEST(contains(findings[0].message, "may expect 'lastname'"));
    BOOST_TEST(contains(findings[0].message, "verbatim only if the posting instructions"));
    BOOST_TEST(findings[1].pairIndex.value() == 1u);
    BOOST_TEST(contains(findings[1].message, "'email' (case)"));
}

BOOST_AUTO_TEST_CASE(credentials_typed_as_pairs_point_to_auth) {
    const auto findings = checkKeys(webhookWith({
                                        valuePair("username", "partner"),
                                        valuePair("Password", "s3cret"),
                                        valuePair("auth_user-name", "x"),
                                        valuePair("pwd", "y"),
                                        valuePair("passport", "z"),
                                    }),
                                    kNoExpectedKeys);
    BOOST_REQUIRE_EQUAL(findings.size(), 4u);
    BOOST_TEST(countOf(findings, Severity::Warning) == 4u);
    BOOST_TEST(contains(findings[0].message, "pair 1 key 'username' looks like a credential"));
    BOOST_TEST(contains(findings[0].message, "\"auth\" (HTTP Basic"));
    BOOST_TEST(contains(findings[1].message, "pair 2 key 'Password'"));
    BOOST_TEST(findings[2].key == "auth_user-name");
    BOOST_TEST(findings[3].key == "pwd");
    BOOST_TEST(!contains(findings[1].message, "s3cret")); // values never echoed
}

BOOST_AUTO_TEST_CASE(credentials_duplicated_from_auth_are_errors) {
    WebhookDefinition webhook = webhookWith({
        valuePair("user", "partner"),
        valuePair("password", "s3cret"),
        valuePair("api_hash", "s3cret"),
        valuePair("source", "partner"),
        valuePair("login", "someone-else"),
        fieldPair("pass", SystemField::FirstName),
    });
    webhook.auth = BasicAuth{"partner", "s3cret"};
    const auto findings = checkKeys(webhook, kNoExpectedKeys);
    BOOST_REQUIRE_EQUAL(findings.size(), 5u);
    BOOST_TEST((findings[0].severity == Severity::Error));
    BOOST_TEST(contains(findings[0].message, "pair 1 key 'user' repeats the webhook's auth "
                                             "username"));
    BOOST_TEST((findings[1].severity == Severity::Error));
    BOOST_TEST(contains(findings[1].message, "auth password"));
    BOOST_TEST((findings[2].severity == Severity::Error)); // the password under any key
    BOOST_TEST(findings[2].key == "api_hash");
    // "source=partner" is fine: a username may be an ordinary value.
    BOOST_TEST((findings[3].severity == Severity::Warning));
    BOOST_TEST(findings[3].key == "login");
    BOOST_TEST((findings[4].severity == Severity::Warning));
    BOOST_TEST(findings[4].key == "pass");
    for (const Finding& finding : findings)
        BOOST_TEST(!contains(finding.message, "s3cret"));
}

BOOST_AUTO_TEST_CASE(special_parameters_are_left_to_specialparams) {
    const auto findings = checkKeys(webhookWith({
                                        valuePair("__plan_data", "{EP_DATA}"),
                                        valuePair("__plan_date", "{EP_DATA}"),
                                        valuePair("__copydocs", "wrong"),
                                    }),
                                    kNoExpectedKeys);
    BOOST_TEST(findings.empty());
}

BOOST_AUTO_TEST_CASE(has_errors_only_for_errors) {
    BOOST_TEST(!hasErrors({}));
    BOOST_TEST(!hasErrors({Finding{Severity::Warning, 0, "k", "m"}}));
    BOOST_TEST(hasErrors({Finding{Severity::Warning, 0, "k", "m"},
                          Finding{Severity::Error, std::nullopt, "k", "m"}}));
}

BOOST_AUTO_TEST_SUITE_END()
