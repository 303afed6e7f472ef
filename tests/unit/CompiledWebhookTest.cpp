// A webhook compiled for sending: URL checks, port override, and what a receiver sees for
// GET, form and JSON (DESIGN section 3), with the masked twins used in logs and previews.
#include "mapping/CompiledWebhook.h"
#include "mapping/Encoding.h"
#include "mapping/Sensitive.h"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace dpp::mapping;

namespace {

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
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

WebhookDefinition webhook(std::string url, std::vector<WebhookPair> pairs,
                          HttpMethod method = HttpMethod::Post,
                          BodyFormat format = BodyFormat::Form) {
    WebhookDefinition definition;
    definition.title = "Partner sync";
    definition.url = std::move(url);
    definition.method = method;
    definition.format = format;
    definition.pairs = std::move(pairs);
    return definition;
}

Contact mike() {
    Contact contact;
    contact.setIds(55, 1001);
    contact.set(SystemField::FirstName, "Mike");
    contact.set(SystemField::LastName, "Smith");
    contact.set(SystemField::Email, "mike+test@example.com");
    contact.set(SystemField::Ssn, "123456789");
    contact.custom["Lead Score"] = "7";
    contact.custom["Bank Account"] = "000123456789";
    return contact;
}

CompiledWebhook compile(const WebhookDefinition& definition) {
    TagVocabulary vocabulary;
    return CompiledWebhook::compile(definition, vocabulary);
}

RenderedRequest render(const WebhookDefinition& definition, const Contact& contact = mike()) {
    return compile(definition).render(RenderContext{contact});
}

std::vector<std::string> compileProblems(const WebhookDefinition& definition,
                                         const TagVocabulary& vocabulary = {}) {
    try {
        CompiledWebhook::compile(definition, vocabulary);
    } catch (const DefinitionError& error) {
        return error.problems();
    }
    BOOST_FAIL("compiled: " + definition.url);
    return {};
}

std::vector<std::string> urlProblems(const std::string& url) {
    try {
        parseHttpUrl(url);
    } catch (const DefinitionError& error) {
        return error.problems();
    }
    BOOST_FAIL("accepted url: " + url);
    return {};
}

std::string valueOf(const KeyValues& pairs, const std::string& key) {
    for (const auto& [k, v] : pairs)
        if (k == key)
            return v;
    BOOST_FAIL("no key " + key);
    return {};
}

} // namespace

BOOST_AUTO_TEST_SUITE(compiled_webhook)

BOOST_AUTO_TEST_CASE(url_parts) {
    UrlParts parts = parseHttpUrl("https://client.debtpaypro.com/post/abc/");
    BOOST_TEST(parts.scheme == "https");
    BOOST_TEST(parts.host == "client.debtpaypro.com");
    BOOST_TEST(parts.port == 443);
    BOOST_TEST(parts.pathAndQuery == "/post/abc/");

    parts = parseHttpUrl("http://example.com:8080?a=1#top");
    BOOST_TEST(parts.scheme == "http");
    BOOST_TEST(parts.port == 8080);
    BOOST_TEST(parts.pathAndQuery == "/?a=1");

    BOOST_TEST(parseHttpUrl("http://example.com").pathAndQuery == "/");
    BOOST_TEST(parseHttpUrl("http://[::1]:9000/p").host == "::1");
}

BOOST_AUTO_TEST_CASE(url_path_and_query_are_kept_as_written) {
    // An escaped slash is a different path from a slash; the receiver must see it unchanged.
    BOOST_TEST(parseHttpUrl("https://h.test/a%2Fb/c,d?x=%2C,y").pathAndQuery ==
               "/a%2Fb/c,d?x=%2C,y");
}

BOOST_AUTO_TEST_CASE(url_with_other_scheme_is_refused) {
    auto problems = urlProblems("ftp://example.com/post/");
    BOOST_TEST_REQUIRE(problems.size() == 1u);
    BOOST_TEST(problems[0] ==
               "url must start with http:// or https://, not 'ftp://example.com/post/'");
    BOOST_TEST(!urlProblems("example.com/post/").empty());
}

BOOST_AUTO_TEST_CASE(url_without_host_is_refused) {
    auto problems = urlProblems("http://");
    BOOST_TEST_REQUIRE(problems.size() == 1u);
    BOOST_TEST(problems[0] == "url 'http://' has no host");
    problems = urlProblems("https:///post/");
    BOOST_TEST_REQUIRE(problems.size() == 1u);
    BOOST_TEST(contains(problems[0], "has no host"));
}

BOOST_AUTO_TEST_CASE(url_with_credentials_is_refused) {
    auto problems = urlProblems("https://partner:pw@example.com/post/");
    BOOST_TEST_REQUIRE(problems.size() == 1u);
    BOOST_TEST(contains(problems[0], "must not carry credentials"));
    BOOST_TEST(contains(problems[0], "\"auth\""));
    // The message does not repeat the password.
    BOOST_TEST(!contains(problems[0], "pw"));
}

BOOST_AUTO_TEST_CASE(compile_reports_every_problem) {
    WebhookDefinition definition = webhook("ftp://example.com/", {});
    definition.title = "";
    definition.auth = BasicAuth{"", "pw"};
    definition.pairs.push_back(valuePair("", "x"));
    definition.pairs.push_back(valuePair("nick", "{NICKNAME}"));
    definition.pairs.push_back(fieldPair("firstname", SystemField::FirstName));
    auto problems = compileProblems(definition);
    BOOST_TEST_REQUIRE(problems.size() == 5u);
    BOOST_TEST(problems[0] == "title is required");
    BOOST_TEST(contains(problems[1], "http:// or https://"));
    BOOST_TEST(problems[2] == "auth.username is required when auth is given");
    BOOST_TEST(problems[3] == "pair 1 has an empty key");
    BOOST_TEST(problems[4] == "pair 2 'nick': unknown merge tag '{NICKNAME}' at position 0");
}

BOOST_AUTO_TEST_CASE(compile_refuses_bad_port_override) {
    WebhookDefinition definition = webhook("https://example.com/", {});
    definition.port = 0;
    auto problems = compileProblems(definition);
    BOOST_TEST_REQUIRE(problems.size() == 1u);
    BOOST_TEST(contains(problems[0], "port"));
    definition.port = 70000;
    BOOST_TEST(compileProblems(definition).size() == 1u);
}

BOOST_AUTO_TEST_CASE(port_override_is_reflected_in_the_url) {
    WebhookDefinition definition =
        webhook("https://client.debtpaypro.com/post/abc/", {valuePair("a", "1")});
    definition.port = 8443;
    CompiledWebhook compiled = compile(definition);
    BOOST_TEST(compiled.target().port == 8443);
    RenderedRequest request = compiled.render(RenderContext{mike()});
    BOOST_TEST(request.url == "https://client.debtpaypro.com:8443/post/abc/");
    BOOST_TEST(request.maskedUrl == "https://client.debtpaypro.com:8443/post/abc/");

    // An override to the scheme's default port drops the URL's own port.
    definition.url = "http://example.com:8080/p";
    definition.port = 80;
    BOOST_TEST(render(definition).url == "http://example.com/p");
    // Without an override the URL's own port is kept.
    definition.port.reset();
    BOOST_TEST(render(definition).url == "http://example.com:8080/p");
    // A port equal to the scheme's default is not written.
    definition.url = "https://example.com:443/p";
    BOOST_TEST(render(definition).url == "https://example.com/p");
    // IPv6 hosts keep their brackets.
    definition.url = "http://[::1]/p";
    definition.port = 9000;
    BOOST_TEST(render(definition).url == "http://[::1]:9000/p");
}

BOOST_AUTO_TEST_CASE(get_appends_pairs_to_the_query_string) {
    WebhookDefinition definition = webhook("https://example.com/post/",
                                           {fieldPair("firstname", SystemField::FirstName),
                                            fieldPair("lasname", SystemField::LastName)},
                                           HttpMethod::Get);
    RenderedRequest request = render(definition);
    BOOST_TEST(request.method == "GET");
    BOOST_TEST(request.url == "https://example.com/post/?firstname=Mike&lasname=Smith");
    BOOST_TEST(request.maskedUrl == request.url);
    BOOST_TEST(request.contentType == "");
    BOOST_TEST(request.body == "");
    BOOST_TEST(request.maskedBody == "");
}

BOOST_AUTO_TEST_CASE(get_appends_after_an_existing_query_and_drops_the_fragment) {
    WebhookDefinition definition = webhook("https://example.com/post/?a=1#frag",
                                           {fieldPair("firstname", SystemField::FirstName),
                                            valuePair("First Name", "{FIRSTNAME} & co")},
                                           HttpMethod::Get);
    BOOST_TEST(render(definition).url ==
               "https://example.com/post/?a=1&firstname=Mike&First%20Name=Mike%20%26%20co");
}

BOOST_AUTO_TEST_CASE(get_ignores_the_body_format) {
    WebhookDefinition definition =
        webhook("http://example.com/p", {valuePair("a", "1")}, HttpMethod::Get, BodyFormat::Json);
    RenderedRequest request = render(definition);
    BOOST_TEST(request.url == "http://example.com/p?a=1");
    BOOST_TEST(request.contentType == "");
    BOOST_TEST(request.body == "");
}

BOOST_AUTO_TEST_CASE(get_without_pairs_leaves_the_url) {
    WebhookDefinition definition = webhook("http://example.com/p?a=1", {}, HttpMethod::Get);
    BOOST_TEST(render(definition).url == "http://example.com/p?a=1");
}

BOOST_AUTO_TEST_CASE(form_body_in_definition_order_with_verbatim_keys) {
    WebhookDefinition definition =
        webhook("https://example.com/post/",
                {fieldPair("lasname", SystemField::LastName),
                 valuePair("First Name", "{FIRSTNAME}"), valuePair("{BUDGET_RENT}", "1200.00"),
                 fieldPair("email", SystemField::Email), valuePair("score", "{CF:Lead Score}/10")});
    RenderedRequest request = render(definition);
    BOOST_TEST(request.method == "POST");
    BOOST_TEST(request.url == "https://example.com/post/");
    BOOST_TEST(request.contentType == "application/x-www-form-urlencoded");
    BOOST_TEST(request.body == "lasname=Smith&First%20Name=Mike&%7BBUDGET_RENT%7D=1200.00&"
                               "email=mike%2Btest%40example.com&score=7%2F10");
    BOOST_TEST(request.maskedBody == request.body);
    KeyValues decoded = decodeForm(request.body);
    BOOST_TEST_REQUIRE(decoded.size() == 5u);
    BOOST_TEST(decoded[0].first == "lasname");
    BOOST_TEST(decoded[1].first == "First Name");
    BOOST_TEST(decoded[2].first == "{BUDGET_RENT}");
    BOOST_TEST(decoded[3].second == "mike+test@example.com");
}

BOOST_AUTO_TEST_CASE(a_key_is_never_expanded_even_with_a_vocabulary) {
    TagVocabulary vocabulary;
    vocabulary.add("BUDGET_RENT", 1);
    WebhookDefinition definition =
        webhook("https://example.com/post/", {valuePair("{BUDGET_RENT}", "x")});
    RenderedRequest request =
        CompiledWebhook::compile(definition, vocabulary).render(RenderContext{mike()});
    BOOST_TEST(request.body == "%7BBUDGET_RENT%7D=x");
}

BOOST_AUTO_TEST_CASE(json_body_preserves_order) {
    WebhookDefinition definition =
        webhook("https://example.com/post/",
                {fieldPair("zeta", SystemField::LastName), valuePair("alpha", "{FIRSTNAME} \"M\""),
                 valuePair("{BUDGET_RENT}", "1200.00"), fieldPair("mid", SystemField::City)},
                HttpMethod::Post, BodyFormat::Json);
    RenderedRequest request = render(definition);
    BOOST_TEST(request.contentType == "application/json");
    BOOST_TEST(request.body ==
               R"({"zeta":"Smith","alpha":"Mike \"M\"","{BUDGET_RENT}":"1200.00","mid":""})");
    BOOST_TEST(request.maskedBody == request.body);
    KeyValues decoded = decodeJsonObject(request.body);
    BOOST_TEST_REQUIRE(decoded.size() == 4u);
    BOOST_TEST(decoded[0].first == "zeta");
    BOOST_TEST(decoded[3].first == "mid");
}

BOOST_AUTO_TEST_CASE(secret_pairs_are_masked_in_the_masked_body_only) {
    WebhookDefinition definition = webhook(
        "https://example.com/post/",
        {fieldPair("firstname", SystemField::FirstName), valuePair("key", "12345678901", true),
         valuePair("pw", "hunter2", true), valuePair("empty", "", true)},
        HttpMethod::Post, BodyFormat::Json);
    RenderedRequest request = render(definition);
    BOOST_TEST(request.body ==
               R"({"firstname":"Mike","key":"12345678901","pw":"hunter2","empty":""})");
    BOOST_TEST(request.maskedBody == R"({"firstname":"Mike","key":"****","pw":"****","empty":""})");

    definition.format = BodyFormat::Form;
    request = render(definition);
    BOOST_TEST(request.body == "firstname=Mike&key=12345678901&pw=hunter2&empty=");
    KeyValues masked = decodeForm(request.maskedBody);
    BOOST_TEST(valueOf(masked, "firstname") == "Mike");
    BOOST_TEST(valueOf(masked, "key") == "****");
    BOOST_TEST(valueOf(masked, "pw") == "****");
    BOOST_TEST(!contains(request.maskedBody, "hunter2"));

    definition.method = HttpMethod::Get;
    request = render(definition);
    BOOST_TEST(contains(request.url, "pw=hunter2"));
    BOOST_TEST(!contains(request.maskedUrl, "hunter2"));
    BOOST_TEST(!contains(request.maskedUrl, "12345678901"));
}

BOOST_AUTO_TEST_CASE(ssn_keeps_its_last_four_digits) {
    WebhookDefinition definition =
        webhook("https://example.com/post/",
                {fieldPair("ssn", SystemField::Ssn), valuePair("social", "{SSN}"),
                 valuePair("bank", "{CF:Bank Account}")},
                HttpMethod::Post, BodyFormat::Json);
    RenderedRequest request = render(definition);
    BOOST_TEST(request.body == R"({"ssn":"123456789","social":"123456789","bank":"000123456789"})");
    BOOST_TEST(request.maskedBody ==
               R"({"ssn":"*****6789","social":"*****6789","bank":"********6789"})");

    definition.format = BodyFormat::Form;
    KeyValues masked = decodeForm(render(definition).maskedBody);
    BOOST_TEST(valueOf(masked, "ssn") == "*****6789");
    BOOST_TEST(valueOf(masked, "social") == "*****6789");

    // The same in a GET query, whatever the key is called.
    definition.method = HttpMethod::Get;
    RenderedRequest get = render(definition);
    BOOST_TEST(get.url ==
               "https://example.com/post/?ssn=123456789&social=123456789&bank=000123456789");
    std::string query = get.maskedUrl.substr(get.maskedUrl.find('?') + 1);
    masked = decodeForm(query);
    BOOST_TEST(valueOf(masked, "ssn") == "*****6789");
    BOOST_TEST(valueOf(masked, "social") == "*****6789");
    BOOST_TEST(valueOf(masked, "bank") == "********6789");
}

BOOST_AUTO_TEST_CASE(secret_named_keys_are_masked) {
    WebhookDefinition definition =
        webhook("https://example.com/post/",
                {valuePair("api_hash", "9f2c61"), valuePair("password", "correct horse"),
                 valuePair("Api-Key", "abc"), fieldPair("firstname", SystemField::FirstName)},
                HttpMethod::Post, BodyFormat::Json);
    RenderedRequest request = render(definition);
    BOOST_TEST(request.body == R"({"api_hash":"9f2c61","password":"correct horse","Api-Key":"abc",)"
                               R"("firstname":"Mike"})");
    BOOST_TEST(request.maskedBody ==
               R"({"api_hash":"****","password":"****","Api-Key":"****","firstname":"Mike"})");
}

BOOST_AUTO_TEST_CASE(secret_named_keys_do_not_show_their_length_or_last_digits) {
    // Passwords and keys take the fixed mask: no length, no trailing digits, however numeric.
    WebhookDefinition definition =
        webhook("https://example.com/post/",
                {valuePair("password", "20240917"), valuePair("api_hash", "9f2c61aa77331100"),
                 valuePair("token", "{CF:Lead Score}12345678")},
                HttpMethod::Post, BodyFormat::Json);
    BOOST_TEST(render(definition).maskedBody ==
               R"({"password":"****","api_hash":"****","token":"****"})");
}

BOOST_AUTO_TEST_CASE(custom_fields_with_secret_names_are_masked) {
    Contact contact = mike();
    contact.custom["Portal Password"] = "hunter2";
    WebhookDefinition definition =
        webhook("https://example.com/post/", {valuePair("login", "{CF:Portal Password}")},
                HttpMethod::Post, BodyFormat::Json);
    RenderedRequest request = render(definition, contact);
    BOOST_TEST(request.body == R"({"login":"hunter2"})");
    BOOST_TEST(request.maskedBody == R"({"login":"****"})");
}

BOOST_AUTO_TEST_CASE(url_query_secrets_are_masked_in_masked_url_only) {
    WebhookDefinition definition =
        webhook("https://example.com/post/?api_key=abc&src=web#x", {valuePair("a", "1")});
    RenderedRequest request = render(definition);
    BOOST_TEST(request.url == "https://example.com/post/?api_key=abc&src=web");
    BOOST_TEST(request.maskedUrl == "https://example.com/post/?api_key=****&src=web");

    definition.method = HttpMethod::Get;
    request = render(definition);
    BOOST_TEST(request.url == "https://example.com/post/?api_key=abc&src=web&a=1");
    BOOST_TEST(request.maskedUrl == "https://example.com/post/?api_key=****&src=web&a=1");

    // Keys are compared decoded.
    definition.url = "https://example.com/post/?api%5Fkey=abc";
    definition.method = HttpMethod::Post;
    request = render(definition);
    BOOST_TEST(request.url == "https://example.com/post/?api%5Fkey=abc");
    BOOST_TEST(request.maskedUrl == "https://example.com/post/?api%5Fkey=****");
}

BOOST_AUTO_TEST_CASE(render_pairs_lists_values_with_sensitivity) {
    WebhookDefinition definition =
        webhook("https://example.com/post/",
                {fieldPair("firstname", SystemField::FirstName), valuePair("api_hash", "9f2c61"),
                 fieldPair("x", SystemField::Ssn), valuePair("k", "v", true)});
    CompiledWebhook compiled = compile(definition);
    std::vector<CompiledWebhook::RenderedPair> pairs;
    compiled.renderPairs(RenderContext{mike()}, pairs);
    BOOST_TEST_REQUIRE(pairs.size() == 4u);
    BOOST_TEST(*pairs[0].key == "firstname");
    BOOST_TEST(pairs[0].value == "Mike");
    BOOST_TEST(!pairs[0].sensitive);
    BOOST_TEST(*pairs[1].key == "api_hash");
    BOOST_TEST(pairs[1].value == "9f2c61");
    BOOST_TEST(pairs[1].sensitive);
    BOOST_TEST(pairs[2].value == "123456789");
    BOOST_TEST(pairs[2].sensitive);
    BOOST_TEST(pairs[3].sensitive);
    // The vector is reused: a second render replaces, never appends.
    compiled.renderPairs(RenderContext{mike()}, pairs);
    BOOST_TEST(pairs.size() == 4u);
}

BOOST_AUTO_TEST_CASE(one_compiled_webhook_renders_many_contacts) {
    TagVocabulary vocabulary;
    vocabulary.add("EP_DATA", 4);
    WebhookDefinition definition =
        webhook("https://example.com/post/",
                {fieldPair("id", SystemField::Id), valuePair("__plan_data", "{EP_DATA}")},
                HttpMethod::Post, BodyFormat::Json);
    CompiledWebhook compiled = CompiledWebhook::compile(definition, vocabulary);
    struct Plan : ExtensionRenderer {
        void appendExtension(std::uint32_t id, const Contact& contact,
                             std::string& out) const override {
            out += "plan" + std::to_string(id) + "-" + std::to_string(contact.id);
        }
    } plan;
    for (int i = 1; i <= 3; ++i) {
        Contact contact;
        contact.setIds(i, 1001);
        BOOST_TEST(compiled.render(RenderContext{contact, &plan}).body ==
                   "{\"id\":\"" + std::to_string(i) + "\",\"__plan_data\":\"plan4-" +
                       std::to_string(i) + "\"}");
    }
    BOOST_TEST(compiled.definition().title == "Partner sync");
}

BOOST_AUTO_TEST_SUITE_END()
