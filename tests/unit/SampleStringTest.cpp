// The article's "Sample String": posting URL and key/value pairs separated, keys verbatim.
#include "mapping/SampleString.h"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace dpp::mapping;

namespace {

const std::string kArticleSample =
    "https://client.debtpaypro.com/post/f16b3893c9cf77f6348fa42444979913a6dad41a/"
    "?firstname=test&lasname=test&phone=5555555555&state=CA";
const std::string kArticlePostUrl =
    "https://client.debtpaypro.com/post/f16b3893c9cf77f6348fa42444979913a6dad41a/";

// The SampleError message for `sample`, or "" when it parses.
std::string errorFor(std::string_view sample) {
    try {
        parseSampleString(sample);
    } catch (const SampleError& error) {
        return error.what();
    }
    return "";
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(sample_string)

BOOST_AUTO_TEST_CASE(article_sample_string_is_split_into_url_and_pairs) {
    const ParsedSample sample = parseSampleString(kArticleSample);
    BOOST_TEST(sample.postUrl == kArticlePostUrl);
    BOOST_REQUIRE_EQUAL(sample.pairs.size(), 4u);

    BOOST_TEST(sample.pairs[0].key == "firstname");
    BOOST_TEST(sample.pairs[0].sampleValue == "test");
    BOOST_TEST((sample.pairs[0].suggestedField == SystemField::FirstName));
    BOOST_TEST(sample.pairs[0].note.empty());

    BOOST_TEST(sample.pairs[1].key == "lasname"); // the article's typo, kept verbatim
    BOOST_TEST(sample.pairs[1].sampleValue == "test");
    BOOST_TEST((sample.pairs[1].suggestedField == SystemField::LastName));
    BOOST_TEST(sample.pairs[1].note ==
               "key 'lasname' is close to the DPP key 'lastname'; kept verbatim as given");

    BOOST_TEST(sample.pairs[2].key == "phone");
    BOOST_TEST(sample.pairs[2].sampleValue == "5555555555");
    BOOST_TEST(!sample.pairs[2].suggestedField.has_value());
    BOOST_TEST(sample.pairs[2].note.empty());

    BOOST_TEST(sample.pairs[3].key == "state");
    BOOST_TEST(sample.pairs[3].sampleValue == "CA");
    BOOST_TEST((sample.pairs[3].suggestedField == SystemField::State));
}

BOOST_AUTO_TEST_CASE(surrounding_whitespace_is_trimmed) {
    const ParsedSample sample = parseSampleString("  \t" + kArticleSample + " \r\n");
    BOOST_TEST(sample.postUrl == kArticlePostUrl);
    BOOST_REQUIRE_EQUAL(sample.pairs.size(), 4u);
    BOOST_TEST(sample.pairs[3].sampleValue == "CA");
}

BOOST_AUTO_TEST_CASE(keys_and_values_are_percent_decoded_but_otherwise_verbatim) {
    const ParsedSample sample =
        parseSampleString("https://example.com/lead?first%20name=Mary%20Ann&a+b=c%2Bd%26e"
                          "&Email=x%40y.com&note=caf%C3%A9");
    BOOST_REQUIRE_EQUAL(sample.pairs.size(), 4u);
    BOOST_TEST(sample.pairs[0].key == "first name");
    BOOST_TEST(sample.pairs[0].sampleValue == "Mary Ann");
    BOOST_TEST((sample.pairs[0].suggestedField == SystemField::FirstName));
    BOOST_TEST(sample.pairs[0].note ==
               "key 'first name' is close to the DPP key 'firstname'; kept verbatim as given");
    BOOST_TEST(sample.pairs[1].key == "a b");
    BOOST_TEST(sample.pairs[1].sampleValue == "c+d&e");
    BOOST_TEST(!sample.pairs[1].suggestedField.has_value());
    BOOST_TEST(sample.pairs[2].key == "Email"); // case kept
    BOOST_TEST(sample.pairs[2].sampleValue == "x@y.com");
    BOOST_TEST((sample.pairs[2].suggestedField == SystemField::Email));
    BOOST_TEST(sample.pairs[3].sampleValue == "caf\xC3\xA9");
}

BOOST_AUTO_TEST_CASE(order_and_duplicates_are_kept_and_empty_segments_skipped) {
    const ParsedSample sample =
        parseSampleString("http://example.com/in?tag[]=a&&state=CA&tag[]=b&flag&state=NY&");
    BOOST_TEST(sample.postUrl == "http://example.com/in");
    BOOST_REQUIRE_EQUAL(sample.pairs.size(), 5u);
    BOOST_TEST(sample.pairs[0].key == "tag[]");
    BOOST_TEST(sample.pairs[1].key == "state");
    BOOST_TEST(sample.pairs[2].key == "tag[]");
    BOOST_TEST(sample.pairs[2].sampleValue == "b");
    BOOST_TEST(sample.pairs[3].key == "flag");
    BOOST_TEST(sample.pairs[3].sampleValue == "");
    BOOST_TEST(sample.pairs[4].key == "state");
    BOOST_TEST(sample.pairs[4].sampleValue == "NY");
}

BOOST_AUTO_TEST_CASE(value_may_contain_equals_signs) {
    const ParsedSample sample = parseSampleString("https://example.com/?token=abc==&x=1=2");
    BOOST_REQUIRE_EQUAL(sample.pairs.size(), 2u);
    BOOST_TEST(sample.pairs[0].sampleValue == "abc==");
    BOOST_TEST(sample.pairs[1].sampleValue == "1=2");
}

BOOST_AUTO_TEST_CASE(fragment_is_dropped) {
    const ParsedSample sample =
        parseSampleString("https://example.com:8443/post/abc/?firstname=test&state=CA#section");
    BOOST_TEST(sample.postUrl == "https://example.com:8443/post/abc/");
    BOOST_REQUIRE_EQUAL(sample.pairs.size(), 2u);
    BOOST_TEST(sample.pairs[1].key == "state");
    BOOST_TEST(sample.pairs[1].sampleValue == "CA"); // not "CA#section"
    BOOST_TEST(sample.pairs[1].note.empty());
}

BOOST_AUTO_TEST_CASE(pairs_lost_after_an_unencoded_hash_are_noted) {
    const ParsedSample sample = parseSampleString("https://example.com/?address1=Apt#4&state=CA");
    BOOST_REQUIRE_EQUAL(sample.pairs.size(), 1u);
    BOOST_TEST(sample.pairs[0].sampleValue == "Apt");
    BOOST_TEST(contains(sample.pairs[0].note, "'#4&state=CA'"));
    BOOST_TEST(contains(sample.pairs[0].note, "%23"));
}

BOOST_AUTO_TEST_CASE(missing_scheme_or_host_is_an_error) {
    const std::string noScheme = errorFor("client.debtpaypro.com/post/abc/?firstname=test");
    BOOST_TEST(contains(noScheme, "no scheme and host"));
    BOOST_TEST(contains(noScheme, "?key=value&"));
    BOOST_TEST(contains(errorFor("https:///post/abc/?firstname=test"), "no host"));
    BOOST_TEST(contains(errorFor("https://user@:443/?firstname=test"), "no host"));
    BOOST_TEST(contains(errorFor("?firstname=test"), "no scheme and host"));
}

BOOST_AUTO_TEST_CASE(scheme_other_than_http_or_https_is_an_error) {
    const std::string message = errorFor("ftp://example.com/post/?firstname=test");
    BOOST_TEST(contains(message, "'ftp'"));
    BOOST_TEST(contains(message, "http://"));
    BOOST_TEST(errorFor("HTTPS://example.com/?firstname=test").empty());
}

BOOST_AUTO_TEST_CASE(missing_query_or_pairs_is_an_error) {
    const std::string noQuestionMark = errorFor(kArticlePostUrl);
    BOOST_TEST(contains(noQuestionMark, "no '?'"));
    BOOST_TEST(contains(noQuestionMark, "?key=value&"));
    BOOST_TEST(contains(errorFor(kArticlePostUrl + "?"), "no key/value pairs"));
    BOOST_TEST(contains(errorFor(kArticlePostUrl + "?&&"), "?key=value&"));
    BOOST_TEST(contains(errorFor("https://example.com/#x?firstname=test"), "no '?'"));
    BOOST_TEST(contains(errorFor("   "), "empty"));
}

BOOST_AUTO_TEST_CASE(pair_without_key_or_with_bad_escape_is_an_error) {
    BOOST_TEST(contains(errorFor("https://example.com/?firstname=a&=test"), "pair 2"));
    BOOST_TEST(contains(errorFor("https://example.com/?firstname=a&=test"), "no key"));
    const std::string badEscape = errorFor("https://example.com/?first%2=a");
    BOOST_TEST(contains(badEscape, "pair 1 key 'first%2'"));
    BOOST_TEST(contains(errorFor("https://example.com/?a=%FF"), "pair 1 value"));
}

BOOST_AUTO_TEST_CASE(definition_from_article_sample) {
    const WebhookDefinition webhook = definitionFromSample(parseSampleString(kArticleSample), "");
    BOOST_TEST(webhook.title == "client.debtpaypro.com");
    BOOST_TEST(webhook.url == kArticlePostUrl);
    BOOST_TEST((webhook.method == HttpMethod::Post));
    BOOST_TEST((webhook.format == BodyFormat::Form));
    BOOST_TEST((webhook.mode == ExecutionMode::Background));
    BOOST_TEST(!webhook.auth.has_value());
    BOOST_REQUIRE_EQUAL(webhook.pairs.size(), 4u);

    BOOST_TEST(webhook.pairs[0].key == "firstname");
    BOOST_TEST((webhook.pairs[0].field == SystemField::FirstName));
    BOOST_TEST(webhook.pairs[0].sample == "test");
    BOOST_TEST(webhook.pairs[1].key == "lasname");
    BOOST_TEST((webhook.pairs[1].field == SystemField::LastName));
    BOOST_TEST(webhook.pairs[2].key == "phone");
    BOOST_TEST(!webhook.pairs[2].field.has_value()); // left for the user to map
    BOOST_TEST(webhook.pairs[2].value.empty());
    BOOST_TEST(webhook.pairs[2].sample == "5555555555");
    BOOST_TEST(webhook.pairs[3].key == "state");
    BOOST_TEST((webhook.pairs[3].field == SystemField::State));
    BOOST_TEST(webhook.pairs[3].sample == "CA");
}

BOOST_AUTO_TEST_CASE(definition_title_and_host_without_port_or_user) {
    const ParsedSample sample = parseSampleString("https://me@leads.example.com:8443/in?zip=1");
    BOOST_TEST(definitionFromSample(sample, "").title == "leads.example.com");
    BOOST_TEST(definitionFromSample(sample, "Partner sync").title == "Partner sync");
    BOOST_TEST(definitionFromSample(sample, "").url == "https://me@leads.example.com:8443/in");
}

BOOST_AUTO_TEST_SUITE_END()
