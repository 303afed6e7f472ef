// Webhook definition files (DESIGN section 4): parsing, structural errors that name their field,
// export and parse round trips, masked export and keepStoredSecrets().
#include "mapping/WebhookJson.h"
#include "mapping/CompiledWebhook.h"
#include "mapping/Sensitive.h"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace dpp::mapping;

namespace {

// The example file of DESIGN section 4, verbatim apart from the password.
const std::string kDesignExample = R"({
  "title": "Partner sync",
  "url": "https://client.debtpaypro.com/post/f16b3893c9cf77f6348fa42444979913a6dad41a/",
  "method": "POST", "format": "form", "mode": "background",
  "port": 443,
  "auth": {"username": "partner", "password": "s3cret pass"},
  "success": {"body_contains": "Success"},
  "pairs": [
    {"key": "firstname",   "field": "FIRSTNAME"},
    {"key": "api_hash",    "value": "9f2c61"},
    {"key": "__plan_data", "value": "{EP_DATA}"},
    {"key": "__copydocs",  "value": "{ACCTID}-{ID}-{UPLOAD_DOC_IDS}"},
    {"key": "{BUDGET_RENT}", "value": "{BF_1}"}
  ]
})";

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

// Parses a definition expecting it to be refused; returns the problems.
std::vector<std::string> problemsOf(const std::string& json) {
    try {
        parseWebhookDefinition(json);
    } catch (const DefinitionError& error) {
        BOOST_TEST(!error.problems().empty());
        for (const auto& problem : error.problems())
            BOOST_TEST(contains(error.what(), problem), error.what());
        return error.problems();
    }
    BOOST_FAIL("definition accepted: " + json);
    return {};
}

// One problem, containing every part given.
void expectOneProblem(const std::string& json, std::initializer_list<std::string_view> parts) {
    auto problems = problemsOf(json);
    BOOST_TEST_REQUIRE(problems.size() == 1u, json);
    for (std::string_view part : parts)
        BOOST_TEST(contains(problems[0], part), problems[0] << " lacks " << part);
}

// A minimal valid file with one extra top-level member (written as JSON text, with a comma).
std::string withTop(const std::string& member) {
    return R"({"title": "t", "url": "https://example.com/post/", )" + member +
           R"(, "pairs": [{"key": "firstname", "field": "FIRSTNAME"}]})";
}

std::string withPair(const std::string& pair) {
    return R"({"title": "t", "url": "https://example.com/post/", "pairs": [)"
           R"({"key": "ok", "value": "1"}, )" +
           pair + "]}";
}

WebhookPair fieldPair(std::string key, SystemField field) {
    WebhookPair pair;
    pair.key = std::move(key);
    pair.field = field;
    return pair;
}

WebhookPair valuePair(std::string key, std::string value, bool secret = false) {
    WebhookPair pair;
    pair.key = std::move(key);
    pair.value = std::move(value);
    pair.secret = secret;
    return pair;
}

WebhookDefinition everything() {
    WebhookDefinition webhook;
    webhook.id = 42;
    webhook.title = "Partner \"sync\" ✓";
    webhook.url = "https://client.debtpaypro.com/post/abc/?src=a%20b&x=1";
    webhook.method = HttpMethod::Get;
    webhook.format = BodyFormat::Json;
    webhook.mode = ExecutionMode::Inline;
    webhook.port = 8443;
    webhook.auth = BasicAuth{"partner", "p\\a\"ss\nword"};
    webhook.success.bodyContains = "Success";
    webhook.account = 1001;
    webhook.destinationAccount = 2002;
    webhook.pairs.push_back(fieldPair("firstname", SystemField::FirstName));
    webhook.pairs.push_back(fieldPair("lasname", SystemField::LastName));
    webhook.pairs.push_back(valuePair("api_hash", "9f2c61", true));
    webhook.pairs.push_back(valuePair("First Name", "{FIRSTNAME} {{x} 🎉"));
    webhook.pairs.push_back(valuePair("{BUDGET_RENT}", "{BF_1}"));
    WebhookPair sampled = valuePair("note", "");
    sampled.sample = "hello world";
    webhook.pairs.push_back(sampled);
    return webhook;
}

void expectEqual(const WebhookDefinition& a, const WebhookDefinition& b) {
    BOOST_TEST(a.id == b.id);
    BOOST_TEST(a.title == b.title);
    BOOST_TEST(a.url == b.url);
    BOOST_TEST((a.method == b.method));
    BOOST_TEST((a.format == b.format));
    BOOST_TEST((a.mode == b.mode));
    BOOST_TEST((a.port == b.port));
    BOOST_TEST(a.auth.has_value() == b.auth.has_value());
    if (a.auth && b.auth) {
        BOOST_TEST(a.auth->username == b.auth->username);
        BOOST_TEST(a.auth->password == b.auth->password);
    }
    BOOST_TEST(a.success.bodyContains == b.success.bodyContains);
    BOOST_TEST((a.account == b.account));
    BOOST_TEST((a.destinationAccount == b.destinationAccount));
    BOOST_TEST_REQUIRE(a.pairs.size() == b.pairs.size());
    for (std::size_t i = 0; i < a.pairs.size(); ++i) {
        BOOST_TEST_CONTEXT("pair " << i + 1) {
            BOOST_TEST(a.pairs[i].key == b.pairs[i].key);
            BOOST_TEST((a.pairs[i].field == b.pairs[i].field));
            BOOST_TEST(a.pairs[i].value == b.pairs[i].value);
            BOOST_TEST(a.pairs[i].secret == b.pairs[i].secret);
            BOOST_TEST(a.pairs[i].sample == b.pairs[i].sample);
        }
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(webhook_json)

BOOST_AUTO_TEST_CASE(design_example_parses) {
    WebhookDefinition webhook = parseWebhookDefinition(kDesignExample);
    BOOST_TEST(webhook.id == 0);
    BOOST_TEST(webhook.title == "Partner sync");
    BOOST_TEST(webhook.url ==
               "https://client.debtpaypro.com/post/f16b3893c9cf77f6348fa42444979913a6dad41a/");
    BOOST_TEST((webhook.method == HttpMethod::Post));
    BOOST_TEST((webhook.format == BodyFormat::Form));
    BOOST_TEST((webhook.mode == ExecutionMode::Background));
    BOOST_TEST((webhook.port == 443));
    BOOST_TEST_REQUIRE(webhook.auth.has_value());
    BOOST_TEST(webhook.auth->username == "partner");
    BOOST_TEST(webhook.auth->password == "s3cret pass");
    BOOST_TEST(webhook.success.bodyContains == "Success");
    BOOST_TEST(!webhook.account.has_value());
    BOOST_TEST(!webhook.destinationAccount.has_value());
    BOOST_TEST_REQUIRE(webhook.pairs.size() == 5u);
    BOOST_TEST(webhook.pairs[0].key == "firstname");
    BOOST_TEST((webhook.pairs[0].field == SystemField::FirstName));
    BOOST_TEST(webhook.pairs[0].value == "");
    BOOST_TEST(webhook.pairs[1].key == "api_hash");
    BOOST_TEST(!webhook.pairs[1].field.has_value());
    BOOST_TEST(webhook.pairs[1].value == "9f2c61");
    BOOST_TEST(!webhook.pairs[1].secret);
    BOOST_TEST(webhook.pairs[2].key == "__plan_data");
    BOOST_TEST(webhook.pairs[2].value == "{EP_DATA}");
    BOOST_TEST(webhook.pairs[3].key == "__copydocs");
    BOOST_TEST(webhook.pairs[3].value == "{ACCTID}-{ID}-{UPLOAD_DOC_IDS}");
    BOOST_TEST(webhook.pairs[4].key == "{BUDGET_RENT}");
    BOOST_TEST(webhook.pairs[4].value == "{BF_1}");
}

BOOST_AUTO_TEST_CASE(design_example_compiles_with_its_vocabulary) {
    WebhookDefinition webhook = parseWebhookDefinition(kDesignExample);
    TagVocabulary empty;
    try {
        CompiledWebhook::compile(webhook, empty);
        BOOST_FAIL("compiled without the extension tags");
    } catch (const DefinitionError& error) {
        // Each unknown tag is reported against its pair.
        BOOST_TEST_REQUIRE(error.problems().size() == 3u);
        BOOST_TEST(contains(error.problems()[0], "pair 3 '__plan_data'"));
        BOOST_TEST(contains(error.problems()[0], "{EP_DATA}"));
        BOOST_TEST(contains(error.problems()[1], "pair 4 '__copydocs'"));
        BOOST_TEST(contains(error.problems()[1], "{UPLOAD_DOC_IDS}"));
        BOOST_TEST(contains(error.problems()[2], "pair 5 '{BUDGET_RENT}'"));
        BOOST_TEST(contains(error.problems()[2], "{BF_1}"));
    }
    TagVocabulary vocabulary;
    vocabulary.add("EP_DATA", 1);
    vocabulary.add("UPLOAD_DOC_IDS", 2);
    vocabulary.add("BF_1", 3);
    CompiledWebhook compiled = CompiledWebhook::compile(webhook, vocabulary);
    BOOST_TEST(compiled.target().host == "client.debtpaypro.com");
    BOOST_TEST(compiled.target().port == 443);
}

BOOST_AUTO_TEST_CASE(defaults_when_optional_members_are_absent) {
    WebhookDefinition webhook =
        parseWebhookDefinition(R"({"title": "t", "url": "http://x.test/", "pairs": []})");
    BOOST_TEST((webhook.method == HttpMethod::Post));
    BOOST_TEST((webhook.format == BodyFormat::Form));
    BOOST_TEST((webhook.mode == ExecutionMode::Background));
    BOOST_TEST(!webhook.port.has_value());
    BOOST_TEST(!webhook.auth.has_value());
    BOOST_TEST(webhook.success.bodyContains == "");
    BOOST_TEST(webhook.pairs.empty());
}

BOOST_AUTO_TEST_CASE(enumerations_parse) {
    WebhookDefinition webhook =
        parseWebhookDefinition(withTop(R"("method": "GET", "format": "json", "mode": "inline")"));
    BOOST_TEST((webhook.method == HttpMethod::Get));
    BOOST_TEST((webhook.format == BodyFormat::Json));
    BOOST_TEST((webhook.mode == ExecutionMode::Inline));
    BOOST_TEST((parseHttpMethod("post") == HttpMethod::Post));
    BOOST_TEST(!parseHttpMethod("PUT").has_value());
    BOOST_TEST(!parseBodyFormat("JSON").has_value());
    BOOST_TEST(!parseExecutionMode("").has_value());
    BOOST_TEST(toString(HttpMethod::Get) == "GET");
    BOOST_TEST(toString(BodyFormat::Json) == "json");
    BOOST_TEST(toString(ExecutionMode::Inline) == "inline");
}

BOOST_AUTO_TEST_CASE(field_may_be_written_with_braces) {
    WebhookDefinition webhook =
        parseWebhookDefinition(withPair(R"({"key": "email", "field": "{EMAIL}"})"));
    BOOST_TEST_REQUIRE(webhook.pairs.size() == 2u);
    BOOST_TEST((webhook.pairs[1].field == SystemField::Email));
}

BOOST_AUTO_TEST_CASE(bad_method_names_the_field) {
    expectOneProblem(withTop(R"("method": "PUT")"), {"method", "'PUT'"});
    expectOneProblem(withTop(R"("method": 1)"), {"method must be a string"});
}

BOOST_AUTO_TEST_CASE(bad_format_names_the_field) {
    expectOneProblem(withTop(R"("format": "xml")"), {"format", "'xml'"});
}

BOOST_AUTO_TEST_CASE(bad_mode_names_the_field) {
    expectOneProblem(withTop(R"("mode": "later")"), {"mode", "'later'"});
}

BOOST_AUTO_TEST_CASE(port_out_of_range_names_the_field) {
    expectOneProblem(withTop(R"("port": 0)"), {"port must be between 1 and 65535, not 0"});
    expectOneProblem(withTop(R"("port": 70000)"), {"port must be between 1 and 65535, not 70000"});
    expectOneProblem(withTop(R"("port": -1)"), {"port", "-1"});
    expectOneProblem(withTop(R"("port": "443")"), {"port must be an integer"});
    expectOneProblem(withTop(R"("port": 44.3)"), {"port must be an integer"});
    BOOST_TEST((parseWebhookDefinition(withTop(R"("port": 1)")).port == 1));
    BOOST_TEST((parseWebhookDefinition(withTop(R"("port": 65535)")).port == 65535));
}

BOOST_AUTO_TEST_CASE(pair_with_both_field_and_value_names_the_pair) {
    expectOneProblem(withPair(R"({"key": "firstname", "field": "FIRSTNAME", "value": "x"})"),
                     {"pair 2 'firstname'", "both a field and a value"});
}

BOOST_AUTO_TEST_CASE(pair_with_neither_names_the_pair) {
    expectOneProblem(withPair(R"({"key": "lasname"})"), {"pair 2 'lasname'", "no field or value"});
}

BOOST_AUTO_TEST_CASE(pair_with_unknown_field_names_the_pair_and_field) {
    expectOneProblem(withPair(R"({"key": "nick", "field": "NICKNAME"})"),
                     {"pair 2 'nick'", "unknown system field 'NICKNAME'"});
    // Tags are matched exactly: the import name is not a tag.
    expectOneProblem(withPair(R"({"key": "fn", "field": "firstname"})"),
                     {"pair 2 'fn'", "'firstname'"});
}

BOOST_AUTO_TEST_CASE(pair_member_problems_name_the_member) {
    expectOneProblem(withPair(R"({"value": "x"})"), {"pairs[2].key is required"});
    expectOneProblem(withPair(R"({"key": 5, "value": "x"})"), {"pairs[2].key must be a string"});
    expectOneProblem(withPair(R"({"key": "k", "value": "x", "secret": "yes"})"),
                     {"pairs[2].secret must be true or false"});
    expectOneProblem(withPair(R"({"key": "k", "value": "x", "Value": "y"})"),
                     {"pairs[2].Value is not a known field"});
    expectOneProblem(withPair(R"("firstname")"), {"pairs[2] must be an object"});
}

BOOST_AUTO_TEST_CASE(unknown_top_level_key_names_it) {
    expectOneProblem(withTop(R"("methods": "POST")"), {"methods is not a known field"});
    expectOneProblem(withTop(R"("auth": {"username": "u", "pass": "p"})"),
                     {"auth.pass is not a known field"});
    expectOneProblem(withTop(R"("success": {"status": 200})"),
                     {"success.status is not a known field"});
}

BOOST_AUTO_TEST_CASE(non_object_documents_are_refused) {
    for (std::string text : {"[]", "\"title\"", "42", "null", "", "{", "{\"title\": }"}) {
        BOOST_TEST_CONTEXT("document: " << text) {
            auto problems = problemsOf(text);
            BOOST_TEST_REQUIRE(problems.size() == 1u);
            BOOST_TEST(contains(problems[0], "not a JSON object"), problems[0]);
        }
    }
    expectOneProblem("{\"title\": \"\xff\"}", {"not valid UTF-8"});
}

BOOST_AUTO_TEST_CASE(members_of_the_wrong_type_name_the_field) {
    expectOneProblem(withTop(R"("auth": "partner:pw")"), {"auth must be an object"});
    expectOneProblem(withTop(R"("success": "Success")"), {"success must be an object"});
    expectOneProblem(withTop(R"("account": "1001")"), {"account must be an integer"});
    expectOneProblem(R"({"title": "t", "url": "http://x.test/", "pairs": {}})",
                     {"pairs must be an array"});
    expectOneProblem(R"({"title": 7, "url": "http://x.test/", "pairs": []})",
                     {"title must be a string"});
}

BOOST_AUTO_TEST_CASE(auth_problems_name_the_field) {
    expectOneProblem(withTop(R"("auth": {"password": "p"})"), {"auth.username is required"});
    expectOneProblem(withTop(R"("auth": {"username": "a:b", "password": "p"})"),
                     {"auth.username", "':'"});
}

BOOST_AUTO_TEST_CASE(missing_required_members_are_all_reported) {
    auto problems = problemsOf(R"({"pairs": []})");
    BOOST_TEST_REQUIRE(problems.size() == 2u);
    BOOST_TEST(problems[0] == "title is required");
    BOOST_TEST(problems[1] == "url is required");

    problems = problemsOf(R"({"title": "t", "url": "http://x.test/"})");
    BOOST_TEST_REQUIRE(problems.size() == 1u);
    BOOST_TEST(contains(problems[0], "pairs is required"), problems[0]);
}

BOOST_AUTO_TEST_CASE(missing_pairs_is_reported_alongside_other_problems) {
    // The header promises every problem in one error.
    auto problems = problemsOf(R"({"url": "http://x.test/"})");
    BOOST_TEST_REQUIRE(problems.size() == 2u);
    BOOST_TEST(problems[0] == "title is required");
    BOOST_TEST(contains(problems[1], "pairs is required"), problems[1]);
}

BOOST_AUTO_TEST_CASE(every_problem_is_reported_at_once) {
    auto problems = problemsOf(R"({"title": "t", "url": "http://x.test/", "method": "PUT",
        "format": "xml", "mode": "now", "port": 0, "colour": "red",
        "pairs": [{"key": "a"}, {"key": "b", "field": "NOPE"}, {"key": "c", "field": "ID",
                   "value": "1"}]})");
    BOOST_TEST_REQUIRE(problems.size() == 8u);
    BOOST_TEST(contains(problems[0], "method"));
    BOOST_TEST(contains(problems[1], "format"));
    BOOST_TEST(contains(problems[2], "mode"));
    BOOST_TEST(contains(problems[3], "port"));
    BOOST_TEST(contains(problems[4], "pair 1 'a'"));
    BOOST_TEST(contains(problems[5], "pair 2 'b'"));
    BOOST_TEST(contains(problems[6], "pair 3 'c'"));
    BOOST_TEST(problems[7] == "colour is not a known field");
}

BOOST_AUTO_TEST_CASE(export_then_parse_round_trips_field_by_field) {
    WebhookDefinition original = everything();
    std::string json = webhookToJson(original, false);
    WebhookDefinition parsed = parseWebhookDefinition(json);
    expectEqual(parsed, original);
    // Exporting again gives the same text.
    BOOST_TEST(webhookToJson(parsed, false) == json);
}

BOOST_AUTO_TEST_CASE(design_example_round_trips) {
    WebhookDefinition original = parseWebhookDefinition(kDesignExample);
    expectEqual(parseWebhookDefinition(webhookToJson(original, false)), original);
}

BOOST_AUTO_TEST_CASE(minimal_definition_round_trips) {
    WebhookDefinition original;
    original.title = "t";
    original.url = "http://x.test/";
    std::string json = webhookToJson(original, false);
    BOOST_TEST(json == "{\n"
                       "  \"title\": \"t\",\n"
                       "  \"url\": \"http://x.test/\",\n"
                       "  \"method\": \"POST\",\n"
                       "  \"format\": \"form\",\n"
                       "  \"mode\": \"background\",\n"
                       "  \"pairs\": []\n"
                       "}\n");
    expectEqual(parseWebhookDefinition(json), original);
}

BOOST_AUTO_TEST_CASE(export_writes_keys_verbatim_and_fields_as_tags) {
    WebhookDefinition webhook;
    webhook.title = "t";
    webhook.url = "http://x.test/";
    webhook.pairs.push_back(fieldPair("lasname", SystemField::LastName));
    webhook.pairs.push_back(valuePair("{BUDGET_RENT}", "{BF_1}"));
    std::string json = webhookToJson(webhook, false);
    BOOST_TEST(contains(json, R"({"key": "lasname", "field": "LASTNAME"})"), json);
    BOOST_TEST(contains(json, R"({"key": "{BUDGET_RENT}", "value": "{BF_1}"})"), json);
}

BOOST_AUTO_TEST_CASE(masked_export_hides_password_and_secret_pairs) {
    WebhookDefinition original = everything();
    std::string masked = webhookToJson(original, true);
    BOOST_TEST(!contains(masked, "9f2c61"), masked);
    BOOST_TEST(!contains(masked, "ss\\nword"), masked);
    BOOST_TEST(contains(masked, R"("password": "****")"), masked);
    BOOST_TEST(contains(masked, R"({"key": "api_hash", "value": "****", "secret": true})"), masked);
    // Everything else is exported as it is.
    BOOST_TEST(contains(masked, R"("username": "partner")"), masked);
    BOOST_TEST(contains(masked, R"({"key": "firstname", "field": "FIRSTNAME"})"), masked);

    WebhookDefinition parsed = parseWebhookDefinition(masked);
    BOOST_TEST(parsed.auth->password == kSecretMask);
    BOOST_TEST(parsed.pairs[2].value == kSecretMask);
    BOOST_TEST(parsed.pairs[2].secret);
    BOOST_TEST(parsed.pairs[3].value == "{FIRSTNAME} {{x} 🎉");
}

BOOST_AUTO_TEST_CASE(keep_stored_secrets_restores_masked_values) {
    WebhookDefinition stored = everything();
    WebhookDefinition applied = parseWebhookDefinition(webhookToJson(stored, true));
    keepStoredSecrets(applied, stored);
    expectEqual(applied, stored);
}

BOOST_AUTO_TEST_CASE(keep_stored_secrets_keeps_new_values) {
    WebhookDefinition stored = everything();
    WebhookDefinition applied = everything();
    applied.auth->password = "new password";
    applied.pairs[2].value = "new-hash";
    keepStoredSecrets(applied, stored);
    BOOST_TEST(applied.auth->password == "new password");
    BOOST_TEST(applied.pairs[2].value == "new-hash");
}

BOOST_AUTO_TEST_CASE(keep_stored_secrets_matches_secret_pairs_by_key) {
    WebhookDefinition stored = everything();
    WebhookDefinition applied = everything();
    // The secret pair moved to the front; a non-secret "****" is taken literally.
    applied.pairs.insert(applied.pairs.begin(),
                         valuePair("api_hash", std::string(kSecretMask), true));
    applied.pairs.erase(applied.pairs.begin() + 3);
    applied.pairs.push_back(valuePair("stars", std::string(kSecretMask)));
    keepStoredSecrets(applied, stored);
    BOOST_TEST(applied.pairs[0].key == "api_hash");
    BOOST_TEST(applied.pairs[0].value == "9f2c61");
    BOOST_TEST(applied.pairs.back().value == "****");
}

BOOST_AUTO_TEST_CASE(keep_stored_secrets_with_two_secret_pairs_of_the_same_key) {
    WebhookDefinition stored;
    stored.title = "t";
    stored.url = "http://x.test/";
    stored.pairs.push_back(valuePair("token", "first", true));
    stored.pairs.push_back(valuePair("token", "second", true));
    WebhookDefinition applied = parseWebhookDefinition(webhookToJson(stored, true));
    keepStoredSecrets(applied, stored);
    BOOST_TEST(applied.pairs[0].value == "first");
    BOOST_TEST(applied.pairs[1].value == "second");
}

BOOST_AUTO_TEST_CASE(pairs_named_like_a_secret_are_masked_on_export_and_restored_on_apply) {
    WebhookDefinition stored;
    stored.title = "t";
    stored.url = "http://x.test/";
    stored.pairs.push_back(valuePair("password", "Hunter2Value")); // not marked, named like one
    stored.pairs.back().sample = "Hunter2Sample";
    stored.pairs.push_back(valuePair("api_key", "")); // empty: nothing to hide
    stored.pairs.push_back(valuePair("first", "kept"));
    std::string masked = webhookToJson(stored, true);
    BOOST_TEST(!contains(masked, "Hunter2"), masked);
    BOOST_TEST(contains(masked, R"({"key": "password", "value": "****", "sample": "****"})"),
               masked);
    BOOST_TEST(contains(masked, R"({"key": "api_key", "value": ""})"), masked);
    WebhookDefinition applied = parseWebhookDefinition(masked);
    keepStoredSecrets(applied, stored);
    expectEqual(applied, stored);
}

BOOST_AUTO_TEST_CASE(an_integer_past_the_64_bit_range_is_a_problem_not_a_crash) {
    // Found by fuzz_webhook_json: the value overflowed inside POCO's conversion.
    auto problems = problemsOf(
        R"({"title": "t", "url": "https://h/", "pairs": [], "id": 18446744073709551615})");
    BOOST_REQUIRE_EQUAL(problems.size(), 1u);
    BOOST_TEST(contains(problems.front(), "out of range"), problems.front());
}

BOOST_AUTO_TEST_SUITE_END()
