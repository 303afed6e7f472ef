// HttpSender against real HTTP and HTTPS servers on loopback ports chosen by the kernel: what
// arrives on the wire (DESIGN section 3), how answers are judged, timeouts, refused
// destinations and certificate checks.
#include "bridge/send/HttpSender.h"
#include "bridge/Config.h"
#include "bridge/Version.h"
#include "mapping/CompiledWebhook.h"
#include "mapping/Encoding.h"
#include "mapping/WebhookJson.h"
#include "support/RecordingServer.h"
#include "support/RefusingPort.h"
#include "support/TestCertificate.h"

#include <Poco/Base64Encoder.h>
#include <Poco/Net/ServerSocket.h>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <sstream>
#include <string>

using namespace dpp::bridge;
using namespace std::chrono_literals;
using dpp::mapping::CompiledWebhook;
using dpp::mapping::Contact;
using dpp::mapping::KeyValues;
using dpp::mapping::RenderContext;
using dpp::mapping::RenderedRequest;
using dpp::mapping::SystemField;
using dpp::mapping::TagVocabulary;
using dpp::testing::RecordedRequest;
using dpp::testing::RecordingServer;
using dpp::testing::RefusingPort;
using dpp::testing::ScriptedResponse;
using dpp::testing::TestCertificate;
using dpp::testing::TlsServerFiles;

namespace {

const std::string kPairs = R"([
    {"key": "first_name", "field": "FIRSTNAME"},
    {"key": "last_name", "field": "LASTNAME"},
    {"key": "email", "field": "EMAIL"},
    {"key": "score", "value": "{CF:Lead Score}"},
    {"key": "source", "value": "bridge"}
])";

// The pairs above for the contact of SenderFixture, form-encoded.
const std::string kFormBody = "first_name=Ann%20Marie&last_name=O%27Neil%20%26%20Sons"
                              "&email=ann%2Btest%40example.com&score=97%25&source=bridge";

// A webhook definition file; extra is inserted as more members ("\"method\": \"GET\", ").
std::string definition(const std::string& url, const std::string& extra = "",
                       const std::string& pairs = kPairs) {
    return R"({"title": "Test hook", "url": ")" + url + "\", " + extra + "\"pairs\": " + pairs +
           "}";
}

std::string base64(const std::string& text) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder << text;
    encoder.close();
    return out.str();
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// One certificate for every HTTPS test (openssl takes a moment); removed at exit.
const TestCertificate& sharedCertificate() {
    static TestCertificate certificate;
    return certificate;
}

TlsServerFiles tlsFiles() {
    return {sharedCertificate().certificateFile(), sharedCertificate().privateKeyFile()};
}

struct SenderFixture {
    RecordingServer server;
    Config config;
    Contact contact;

    SenderFixture() {
        config.allowPrivateDestinations = true;
        config.connectTimeout = 2s;
        config.responseTimeout = 2s;
        contact.setIds(42, 1001);
        contact.set(SystemField::FirstName, "Ann Marie");
        contact.set(SystemField::LastName, "O'Neil & Sons");
        contact.set(SystemField::Email, "ann+test@example.com");
        contact.custom["Lead Score"] = "97%";
    }

    static CompiledWebhook compile(const std::string& json) {
        TagVocabulary vocabulary;
        return CompiledWebhook::compile(dpp::mapping::parseWebhookDefinition(json), vocabulary);
    }
    RenderedRequest render(const CompiledWebhook& webhook) const {
        return webhook.render(RenderContext{contact});
    }
    SendResult send(const std::string& json, const std::string& key = "delivery-1") {
        CompiledWebhook webhook = compile(json);
        return HttpSender(config).send(webhook, render(webhook), key);
    }
    // The single request the server recorded.
    RecordedRequest only() const {
        auto requests = server.requests();
        BOOST_REQUIRE_EQUAL(requests.size(), 1u);
        return requests.front();
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(http_sender)

BOOST_FIXTURE_TEST_CASE(form_post_arrives_exactly_with_delivery_headers, SenderFixture) {
    server.script(ScriptedResponse::ok("thanks"));
    SendResult result = send(definition(server.url("/hook")), "3f1c-delivery-77");
    BOOST_TEST(result.delivered);
    BOOST_TEST(result.error.empty());
    BOOST_TEST(result.statusCode == 200);
    BOOST_TEST(result.responseExcerpt == "thanks");
    RecordedRequest request = only();
    BOOST_TEST(request.method == "POST");
    BOOST_TEST(request.uri == "/hook");
    BOOST_TEST(request.body == kFormBody);
    BOOST_TEST(request.header("Content-Type").value_or("") == "application/x-www-form-urlencoded");
    BOOST_TEST(request.header("Content-Length").value_or("") == std::to_string(kFormBody.size()));
    BOOST_TEST(request.header("Idempotency-Key").value_or("") == "3f1c-delivery-77");
    BOOST_TEST(request.header("webhook-id").value_or("") == "3f1c-delivery-77");
    BOOST_TEST(request.headerCount("Idempotency-Key") == 1u);
    BOOST_TEST(request.header("User-Agent").value_or("") == userAgent());
    BOOST_TEST(request.header("Host").value_or("") == "127.0.0.1:" + std::to_string(server.port()));
    BOOST_TEST(!request.header("Authorization"));
    BOOST_TEST(!request.header("Transfer-Encoding"));
}

BOOST_FIXTURE_TEST_CASE(the_same_key_is_sent_on_every_attempt, SenderFixture) {
    server.script(ScriptedResponse::withStatus(503));
    server.script(ScriptedResponse::ok());
    CompiledWebhook webhook = compile(definition(server.url("/hook")));
    HttpSender sender(config);
    BOOST_TEST(!sender.send(webhook, render(webhook), "same-key").delivered);
    BOOST_TEST(sender.send(webhook, render(webhook), "same-key").delivered);
    auto requests = server.requests();
    BOOST_REQUIRE_EQUAL(requests.size(), 2u);
    for (const auto& request : requests) {
        BOOST_TEST(request.header("Idempotency-Key").value_or("") == "same-key");
        BOOST_TEST(request.header("webhook-id").value_or("") == "same-key");
        BOOST_TEST(request.body == kFormBody);
    }
}

BOOST_FIXTURE_TEST_CASE(json_post_is_one_flat_object_in_definition_order, SenderFixture) {
    SendResult result = send(definition(server.url("/json"), R"("format": "json", )"));
    BOOST_TEST(result.delivered);
    RecordedRequest request = only();
    BOOST_TEST(request.method == "POST");
    BOOST_TEST(request.header("Content-Type").value_or("") == "application/json");
    BOOST_TEST(request.header("Content-Length").value_or("") ==
               std::to_string(request.body.size()));
    KeyValues expected = {{"first_name", "Ann Marie"},
                          {"last_name", "O'Neil & Sons"},
                          {"email", "ann+test@example.com"},
                          {"score", "97%"},
                          {"source", "bridge"}};
    BOOST_TEST((dpp::mapping::decodeJsonObject(request.body) == expected));
    BOOST_TEST(request.body.front() == '{');
    BOOST_TEST(contains(request.body, R"("first_name":"Ann Marie")"));
}

BOOST_FIXTURE_TEST_CASE(get_appends_pairs_after_the_urls_own_query, SenderFixture) {
    SendResult result =
        send(definition(server.url("/lead?list=7&tag=a%2Bb"), R"("method": "GET", )"));
    BOOST_TEST(result.delivered);
    RecordedRequest request = only();
    BOOST_TEST(request.method == "GET");
    BOOST_TEST(request.uri == "/lead?list=7&tag=a%2Bb&" + kFormBody);
    BOOST_TEST(request.body.empty());
    BOOST_TEST(!request.header("Content-Type"));
    BOOST_TEST(request.header("Idempotency-Key").value_or("") == "delivery-1");
}

BOOST_FIXTURE_TEST_CASE(get_without_a_query_starts_one, SenderFixture) {
    BOOST_TEST(send(definition(server.url("/lead"), R"("method": "GET", )")).delivered);
    BOOST_TEST(only().uri == "/lead?" + kFormBody);
}

BOOST_FIXTURE_TEST_CASE(path_escapes_reach_the_server_unchanged, SenderFixture) {
    BOOST_TEST(send(definition(server.url("/files/a%2Fb/it's(1)?q=%2F"))).delivered);
    BOOST_TEST(only().uri == "/files/a%2Fb/it's(1)?q=%2F");
}

BOOST_FIXTURE_TEST_CASE(basic_auth_goes_in_the_header_and_never_in_the_pairs, SenderFixture) {
    SendResult result = send(definition(
        server.url("/auth"), R"("auth": {"username": "bridge-user", "password": "p@ss:w0rd!"}, )"));
    BOOST_TEST(result.delivered);
    RecordedRequest request = only();
    BOOST_TEST(request.header("Authorization").value_or("") ==
               "Basic " + base64("bridge-user:p@ss:w0rd!"));
    BOOST_TEST(request.body == kFormBody);
    BOOST_TEST(!contains(request.body, "bridge-user"));
    BOOST_TEST(!contains(request.body, "w0rd"));
    BOOST_TEST(!contains(request.uri, "w0rd"));
}

BOOST_FIXTURE_TEST_CASE(basic_auth_on_get_stays_out_of_the_query, SenderFixture) {
    BOOST_TEST(
        send(definition(server.url("/auth"), R"("method": "GET", )"
                                             R"("auth": {"username": "u", "password": "pw123"}, )"))
            .delivered);
    RecordedRequest request = only();
    BOOST_TEST(request.header("Authorization").value_or("") == "Basic " + base64("u:pw123"));
    BOOST_TEST(!contains(request.uri, "pw123"));
}

BOOST_FIXTURE_TEST_CASE(port_override_reaches_the_server, SenderFixture) {
    std::string json = definition("http://127.0.0.1:1/override",
                                  "\"port\": " + std::to_string(server.port()) + ", ");
    SendResult result = send(json);
    BOOST_TEST(result.delivered, result.error);
    RecordedRequest request = only();
    BOOST_TEST(request.uri == "/override");
    BOOST_TEST(request.header("Host").value_or("") == "127.0.0.1:" + std::to_string(server.port()));
}

BOOST_FIXTURE_TEST_CASE(body_rule_decides_success_on_2xx, SenderFixture) {
    std::string json =
        definition(server.url("/dpp"), R"("success": {"body_contains": "Success"}, )");
    server.script(ScriptedResponse::ok("Result: Success, contact 9"));
    server.script(ScriptedResponse::ok("Error: duplicate contact"));
    SendResult accepted = send(json);
    BOOST_TEST(accepted.delivered);
    BOOST_TEST(accepted.error.empty());
    SendResult rejected = send(json);
    BOOST_TEST(!rejected.delivered);
    BOOST_TEST(!rejected.retryable);
    BOOST_TEST(rejected.statusCode == 200);
    BOOST_TEST(contains(rejected.error, "Success"), rejected.error);
    BOOST_TEST(rejected.responseExcerpt == "Error: duplicate contact");
    BOOST_TEST(server.requestCount() == 2u);
}

BOOST_FIXTURE_TEST_CASE(any_2xx_without_a_rule_is_delivered, SenderFixture) {
    server.script(ScriptedResponse::withStatus(201, "created"));
    server.script(ScriptedResponse::withStatus(204));
    BOOST_TEST(send(definition(server.url("/a"))).delivered);
    SendResult noContent = send(definition(server.url("/a")));
    BOOST_TEST(noContent.delivered);
    BOOST_TEST(noContent.statusCode == 204);
    BOOST_TEST(noContent.responseExcerpt.empty());
}

BOOST_FIXTURE_TEST_CASE(server_errors_and_throttling_are_retryable_with_retry_after,
                        SenderFixture) {
    for (int status : {500, 503, 429, 408}) {
        server.script(ScriptedResponse::withStatus(status, "busy").header("Retry-After", "17"));
        SendResult result = send(definition(server.url("/busy")));
        BOOST_TEST_CONTEXT("status " << status) {
            BOOST_TEST(!result.delivered);
            BOOST_TEST(result.retryable);
            BOOST_TEST(result.statusCode == status);
            BOOST_TEST(contains(result.error, std::to_string(status)), result.error);
            BOOST_REQUIRE(result.retryAfter.has_value());
            BOOST_TEST(result.retryAfter->count() == 17);
        }
    }
    BOOST_TEST(server.requestCount() == 4u);
}

BOOST_FIXTURE_TEST_CASE(retry_after_as_a_date_leaves_the_schedule_in_charge, SenderFixture) {
    server.script(
        ScriptedResponse::withStatus(503).header("Retry-After", "Wed, 21 Oct 2099 07:28:00 GMT"));
    SendResult result = send(definition(server.url("/busy")));
    BOOST_TEST(result.retryable);
    BOOST_TEST(!result.retryAfter.has_value());
}

BOOST_FIXTURE_TEST_CASE(client_errors_fail_at_once, SenderFixture) {
    for (int status : {400, 404}) {
        server.script(ScriptedResponse::withStatus(status, "no such list"));
        SendResult result = send(definition(server.url("/missing")));
        BOOST_TEST_CONTEXT("status " << status) {
            BOOST_TEST(!result.delivered);
            BOOST_TEST(!result.retryable);
            BOOST_TEST(result.statusCode == status);
            BOOST_TEST(contains(result.error, std::to_string(status)), result.error);
            BOOST_TEST(result.responseExcerpt == "no such list");
        }
    }
}

BOOST_FIXTURE_TEST_CASE(redirects_are_not_followed, SenderFixture) {
    server.script(ScriptedResponse::withStatus(302).header("Location", server.url("/elsewhere")));
    SendResult result = send(definition(server.url("/moved")));
    BOOST_TEST(!result.delivered);
    BOOST_TEST(!result.retryable);
    BOOST_TEST(result.statusCode == 302);
    BOOST_TEST(contains(result.error, "not followed"), result.error);
    BOOST_TEST(contains(result.error, "/elsewhere"), result.error);
    BOOST_TEST(only().uri == "/moved"); // send() is synchronous: a follow-up would be recorded
}

BOOST_FIXTURE_TEST_CASE(a_server_that_hangs_times_out_quickly_and_is_retryable, SenderFixture) {
    config.responseTimeout = 300ms;
    server.script(ScriptedResponse::hangFor(5s)); // woken when the server stops
    SendResult result = send(definition(server.url("/slow")));
    BOOST_TEST(!result.delivered);
    BOOST_TEST(result.retryable);
    BOOST_TEST(result.statusCode == 0);
    BOOST_TEST(!result.error.empty());
    BOOST_TEST(result.duration >= 250ms);
    BOOST_TEST(result.duration < 2000ms, "took " << result.duration.count() << " ms");
    BOOST_TEST(server.requestCount() == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_connection_closed_without_an_answer_is_retryable, SenderFixture) {
    server.script(ScriptedResponse::closeConnection());
    SendResult result = send(definition(server.url("/drop")));
    BOOST_TEST(!result.delivered);
    BOOST_TEST(result.retryable);
    BOOST_TEST(result.statusCode == 0);
    BOOST_TEST(!result.error.empty());
    BOOST_TEST(server.requestCount() == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_refused_connection_is_retryable, SenderFixture) {
    RefusingPort refusing;
    SendResult result =
        send(definition("http://127.0.0.1:" + std::to_string(refusing.port()) + "/x"));
    BOOST_TEST(!result.delivered);
    BOOST_TEST(result.retryable);
    BOOST_TEST(result.statusCode == 0);
    BOOST_TEST(!result.error.empty());
    BOOST_TEST(result.duration < 1000ms);
}

BOOST_FIXTURE_TEST_CASE(loopback_is_refused_unless_private_destinations_are_allowed,
                        SenderFixture) {
    config.allowPrivateDestinations = false;
    for (const std::string& url :
         {server.url("/private"),
          "http://localhost:" + std::to_string(server.port()) + "/private"}) {
        SendResult result = send(definition(url));
        BOOST_TEST_CONTEXT(url) {
            BOOST_TEST(!result.delivered);
            BOOST_TEST(!result.retryable);
            BOOST_TEST(result.statusCode == 0);
            BOOST_TEST(contains(result.error, "allow_private_destinations"), result.error);
        }
    }
    BOOST_TEST(server.requestCount() == 0u);
}

BOOST_FIXTURE_TEST_CASE(link_local_and_metadata_addresses_are_always_refused, SenderFixture) {
    config.connectTimeout = 300ms; // should the policy fail, do not wait long for the proof
    for (bool allowPrivate : {true, false}) {
        config.allowPrivateDestinations = allowPrivate;
        for (const std::string& url :
             {std::string("http://169.254.169.254/latest/meta-data/"),
              std::string("http://[::ffff:169.254.169.254]/latest/meta-data/"),
              std::string("http://[fe80::1]/")}) {
            SendResult result = send(definition(url));
            BOOST_TEST_CONTEXT(url << " allowPrivate=" << allowPrivate) {
                BOOST_TEST(!result.delivered);
                BOOST_TEST(!result.retryable);
                BOOST_TEST(result.statusCode == 0);
                BOOST_TEST(contains(result.error, "link-local"), result.error);
            }
        }
    }
}

BOOST_FIXTURE_TEST_CASE(response_excerpt_is_bounded, SenderFixture) {
    config.responseExcerptBytes = 16;
    std::string large(5000, 'x');
    server.script(ScriptedResponse::withStatus(500, large));
    SendResult result = send(definition(server.url("/big")));
    BOOST_TEST(result.responseExcerpt == std::string(16, 'x'));
}

BOOST_FIXTURE_TEST_CASE(body_rule_looks_beyond_the_excerpt, SenderFixture) {
    config.responseExcerptBytes = 16;
    server.script(ScriptedResponse::ok(std::string(20000, ' ') + "Success"));
    SendResult result =
        send(definition(server.url("/dpp"), R"("success": {"body_contains": "Success"}, )"));
    BOOST_TEST(result.delivered, result.error);
    BOOST_TEST(result.responseExcerpt.size() == 16u);
}

BOOST_AUTO_TEST_CASE(https_with_the_test_ca_is_delivered) {
    RecordingServer server(tlsFiles());
    SenderFixture fixture;
    fixture.config.tlsCaFile = sharedCertificate().certificateFile();
    for (std::string host : {"127.0.0.1", "localhost"}) {
        std::string url = "https://" + host + ":" + std::to_string(server.port()) + "/secure";
        SendResult result = fixture.send(definition(url));
        BOOST_TEST_CONTEXT(url) {
            BOOST_TEST(result.delivered, result.error);
            BOOST_TEST(result.statusCode == 200);
        }
    }
    auto requests = server.requests();
    BOOST_REQUIRE_EQUAL(requests.size(), 2u);
    BOOST_TEST(requests[0].body == kFormBody);
    BOOST_TEST(requests[0].header("Idempotency-Key").value_or("") == "delivery-1");
}

BOOST_AUTO_TEST_CASE(https_without_the_ca_is_refused_before_any_request) {
    RecordingServer server(tlsFiles());
    SenderFixture fixture;
    SendResult result = fixture.send(definition(server.url("/secure")));
    BOOST_TEST(!result.delivered);
    BOOST_TEST(result.statusCode == 0);
    BOOST_TEST((contains(result.error, "certificate") || contains(result.error, "TLS")),
               result.error);
    BOOST_TEST(server.requestCount() == 0u);
}

BOOST_AUTO_TEST_CASE(https_network_failures_are_retryable_like_plain_http) {
    RecordingServer server(tlsFiles());
    SenderFixture fixture;
    fixture.config.tlsCaFile = sharedCertificate().certificateFile();
    fixture.config.responseTimeout = 300ms;
    server.script(ScriptedResponse::closeConnection());
    server.script(ScriptedResponse::hangFor(5s));
    server.script(ScriptedResponse::withStatus(503));
    for (const char* what : {"closed without an answer", "hanging", "503"}) {
        SendResult result = fixture.send(definition(server.url("/secure")));
        BOOST_TEST_CONTEXT(what) {
            BOOST_TEST(!result.delivered);
            BOOST_TEST(result.retryable, result.error);
            BOOST_TEST(result.duration < 2000ms);
        }
    }
    BOOST_TEST(server.requestCount() == 3u);
}

BOOST_AUTO_TEST_CASE(a_plain_http_server_behind_an_https_url_fails_with_a_tls_message) {
    RecordingServer server; // answers a TLS hello with plain HTTP
    SenderFixture fixture;
    SendResult result =
        fixture.send(definition("https://127.0.0.1:" + std::to_string(server.port()) + "/"));
    BOOST_TEST(!result.delivered);
    BOOST_TEST(result.statusCode == 0);
    BOOST_TEST(contains(result.error, "TLS"), result.error);
}

BOOST_FIXTURE_TEST_CASE(a_kept_alive_connection_is_reused_and_replaced_when_dropped,
                        SenderFixture) {
    CompiledWebhook webhook = compile(definition(server.url("/hook")));
    RenderedRequest rendered = render(webhook);
    OutgoingRequest outgoing;
    outgoing.method = rendered.method;
    outgoing.url = rendered.url;
    outgoing.contentType = rendered.contentType;
    outgoing.body = rendered.body;
    outgoing.idempotencyKey = "kept-1";
    server.script(ScriptedResponse::ok());
    server.script(ScriptedResponse::ok());
    server.script(ScriptedResponse::closeConnection()); // as a server closing an idle one
    server.script(ScriptedResponse::ok());
    HttpSender sender(config);
    ConnectionCache cache;
    BOOST_TEST(sender.send(outgoing, &cache).delivered);
    BOOST_TEST(cache.open() == 1u);
    BOOST_TEST(sender.send(outgoing, &cache).delivered);
    SendResult afterDrop = sender.send(outgoing, &cache);
    BOOST_TEST(afterDrop.delivered, afterDrop.error);
    auto requests = server.requests();
    BOOST_REQUIRE_EQUAL(requests.size(), 4u);
    BOOST_TEST(requests[0].peer == requests[1].peer);
    BOOST_TEST(requests[1].peer == requests[2].peer);
    BOOST_TEST(requests[3].peer != requests[2].peer);
    for (const auto& request : requests) {
        BOOST_TEST(request.body == kFormBody);
        BOOST_TEST(request.header("Idempotency-Key").value_or("") == "kept-1");
    }
}

BOOST_FIXTURE_TEST_CASE(a_timeout_on_a_kept_alive_connection_is_not_resent, SenderFixture) {
    config.responseTimeout = 300ms;
    CompiledWebhook webhook = compile(definition(server.url("/hook")));
    RenderedRequest rendered = render(webhook);
    OutgoingRequest outgoing;
    outgoing.method = rendered.method;
    outgoing.url = rendered.url;
    outgoing.contentType = rendered.contentType;
    outgoing.body = rendered.body;
    outgoing.idempotencyKey = "slow-1";
    server.script(ScriptedResponse::ok());
    server.script(ScriptedResponse::hangFor(5s)); // a slow receiver, not a dropped connection
    HttpSender sender(config);
    ConnectionCache cache;
    BOOST_TEST(sender.send(outgoing, &cache).delivered);
    SendResult slow = sender.send(outgoing, &cache);
    BOOST_TEST(!slow.delivered);
    BOOST_TEST(slow.retryable);
    BOOST_TEST(slow.duration < 550ms, "took " << slow.duration.count() << " ms");
    // The schedule decides when to try again; the sender must not repeat it at once.
    BOOST_TEST(server.requestCount() == 2u);
}

BOOST_FIXTURE_TEST_CASE(describe_masks_authorization_and_secret_values, SenderFixture) {
    std::string pairs = R"([
        {"key": "first_name", "field": "FIRSTNAME"},
        {"key": "api_token", "value": "tok-123456789"},
        {"key": "pin_code", "value": "8642", "secret": true}
    ])";
    CompiledWebhook webhook = compile(
        definition(server.url("/hook?apikey=url-secret-1"),
                   R"("auth": {"username": "bridge-user", "password": "hunter2"}, )", pairs));
    RenderedRequest request = render(webhook);
    std::string text = HttpSender::describe(webhook, request, "key-9");
    BOOST_TEST(contains(text, "POST /hook?apikey="), text);
    BOOST_TEST(contains(text, "Host: 127.0.0.1:" + std::to_string(server.port()) + "\r\n"));
    BOOST_TEST(contains(text, "Authorization: Basic ****\r\n"), text);
    BOOST_TEST(contains(text, "Idempotency-Key: key-9\r\n"));
    BOOST_TEST(contains(text, "webhook-id: key-9\r\n"));
    BOOST_TEST(contains(text, std::string("User-Agent: ") + userAgent()));
    BOOST_TEST(contains(text, "Content-Length: " + std::to_string(request.body.size())));
    BOOST_TEST(contains(text, "first_name=Ann%20Marie"));
    for (const char* secret : {"hunter2", "bridge-user", "tok-123456789", "8642", "url-secret-1"})
        BOOST_TEST(!contains(text, secret), "describe() shows " << secret << ":\n" << text);
    BOOST_TEST(!contains(text, base64("bridge-user:hunter2")));

    // What describe() shows is what goes on the wire, secrets aside.
    BOOST_TEST(HttpSender(config).send(webhook, request, "key-9").delivered);
    RecordedRequest received = only();
    BOOST_TEST(received.header("Content-Length").value_or("") ==
               std::to_string(request.body.size()));
    BOOST_TEST(contains(received.body, "api_token=tok-123456789"));
    BOOST_TEST(contains(received.uri, "apikey=url-secret-1"));
}

BOOST_AUTO_TEST_SUITE_END()
