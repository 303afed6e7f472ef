// Secrets at rest (issue 7, item 5), end to end with real processes: a key file, a webhook with
// a Basic-auth password and a secret pair value, a contact with an SSN and a bank account
// number; deliveries sent by `serve` and inline to a RecordingServer, which must receive the
// real values. Then every command's output, the serve log and every file under the store's
// folder are searched for the secrets in clear, and outputs and logs for the SSN and the bank
// number: none may appear. A store sealed with one key refuses to send with another key or
// with none; a store without a key keeps working in clear and is sealed from when a key is
// configured.
#include "support/BridgeCommands.h"
#include "support/Processes.h"
#include "support/RecordingServer.h"
#include "support/TempDir.h"

#include <Poco/Base64Encoder.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

using namespace dpp::testing;
using namespace std::chrono_literals;

namespace {

// Unreserved characters only: the same text raw, percent-encoded and in JSON.
const std::string kUser = "bridge-user";
const std::string kPassword = "Pw7c1fSecretPass";
const std::string kApiHash = "ah9d3eSecretHash";
const std::string kSsn = "123-45-6789";
const std::string kBankNumber = "987650004321";

std::string base64(const std::string& text) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << text;
    encoder.close();
    return out.str();
}

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// GET on serve's admin endpoints with a bearer token: status and body.
std::pair<int, std::string> adminGet(int port, const std::string& path, const std::string& token) {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    Poco::Net::HTTPRequest request("GET", path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty())
        request.set("Authorization", "Bearer " + token);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
    return {static_cast<int>(response.getStatus()), body};
}

struct SecretsFixture {
    TempDir dir;
    RecordingServer receiver;
    std::vector<std::string> outputs; // what every command printed, stdout and stderr

    SecretsFixture() {
        std::filesystem::create_directories(dir.path() / "conf");
        std::ofstream(dir.file("contacts.jsonl"))
            << R"({"id": 55, "firstname": "Mike", "lastname": "Smith", "ssn": ")" << kSsn
            << R"(", "state": "CA", "custom": {"Bank Account Number": ")" << kBankNumber
            << R"(", "Lead Score": "7"}})"
            << "\n";
    }

    // A configuration in conf/ whose key file (relative: read beside it) may be empty.
    std::vector<std::string> configure(const std::string& name, const std::string& keyFile,
                                       const std::string& adminTokenFile = "") {
        std::ofstream config(dir.file("conf/" + name + ".properties"));
        config << "store.uri = sqlite:" << dir.file("store/dppbridge.db") << "\n"
               << "network.allow_private_destinations = true\n"
               << "delivery.idle_poll = 100ms\n"
               << "delivery.retry.schedule = 1s,1s,1s\n"
               << "delivery.retry.jitter = 0\n";
        if (!keyFile.empty())
            config << "secrets.key_file = " << keyFile << "\n";
        if (!adminTokenFile.empty())
            config << "server.admin_token_file = " << adminTokenFile << "\n";
        return {"--config", dir.file("conf/" + name + ".properties")};
    }

    std::string generateKey(const std::string& name) {
        CommandResult made =
            expect(0, {}, {"secrets", "generate-key", "--output", dir.file("conf/" + name)});
        std::string keyId = trimmed(made.out);
        BOOST_TEST(keyId.size() == 8u, made.out);
        return keyId;
    }

    CommandResult run(const std::vector<std::string>& globals,
                      const std::vector<std::string>& command) {
        std::vector<std::string> arguments = globals;
        arguments.insert(arguments.end(), command.begin(), command.end());
        CommandResult result = runBridge(arguments);
        outputs.push_back(result.out + result.err);
        return result;
    }
    CommandResult expect(int status, const std::vector<std::string>& globals,
                         const std::vector<std::string>& command) {
        CommandResult result = run(globals, command);
        BOOST_REQUIRE_MESSAGE(result.status == status,
                              "dppbridge " << command.front() << " " << command.at(1) << " exited "
                                           << result.status << ", not " << status << ": "
                                           << result.err << result.out);
        return result;
    }

    std::string writeWebhook(const std::string& title) {
        std::string file = dir.file(title + ".json");
        std::ofstream(file)
            << R"({"title": ")" << title << R"(", "url": ")" << receiver.url("/hook")
            << R"(", "method": "POST", "format": "form", "mode": "background", "account": 1001,
               "auth": {"username": ")"
            << kUser << R"(", "password": ")" << kPassword << R"("},
               "pairs": [{"key": "firstname", "field": "FIRSTNAME"},
                         {"key": "ssn", "field": "SSN"},
                         {"key": "bank_account", "value": "{CF:Bank Account Number}"},
                         {"key": "api_hash", "value": ")"
            << kApiHash << R"(", "secret": true}]})";
        return file;
    }
    std::string applyWebhook(const std::vector<std::string>& globals,
                             const std::string& title = "Partner") {
        return trimmed(expect(0, globals, {"webhook", "apply", writeWebhook(title)}).out);
    }

    void setUpAccount(const std::vector<std::string>& globals) {
        expect(0, globals, {"account", "add", "--id", "1001", "--name", "Source"});
        expect(0, globals, {"contact", "import", "--account", "1001", dir.file("contacts.jsonl")});
    }

    std::string deliveryJson(const std::vector<std::string>& globals, const std::string& id) {
        return expect(0, globals, {"deliveries", "show", id, "--json"}).out;
    }

    // The receiver got the real values: the credentials, the secret pair, the SSN and the
    // bank number.
    void checkReceived(const RecordedRequest& request) {
        BOOST_TEST(request.header("Authorization").value_or("") ==
                   "Basic " + base64(kUser + ":" + kPassword));
        BOOST_TEST(contains(request.body, "api_hash=" + kApiHash), request.body);
        BOOST_TEST(contains(request.body, "ssn=" + kSsn), request.body);
        BOOST_TEST(contains(request.body, "bank_account=" + kBankNumber), request.body);
    }
};

// Every regular file under folder, with its path.
std::vector<std::pair<std::string, std::string>> filesUnder(const std::filesystem::path& folder) {
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(folder))
        if (entry.is_regular_file())
            files.emplace_back(entry.path().string(), readFile(entry.path()));
    return files;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(secrets_at_rest, SecretsFixture)

BOOST_AUTO_TEST_CASE(a_full_flow_leaves_no_secret_in_clear) {
    std::string keyId = generateKey("secret.key");
    std::string keyFile = dir.file("conf/secret.key");
    struct stat status {};
    BOOST_REQUIRE(::stat(keyFile.c_str(), &status) == 0);
    BOOST_TEST((status.st_mode & 0777) == 0600u);
    std::string keyText = trimmed(readFile(keyFile));
    BOOST_TEST(keyText.size() == 64u);
    // An existing key file is never replaced.
    CommandResult again = expect(2, {}, {"secrets", "generate-key", "--output", keyFile});
    BOOST_TEST(contains(again.err, "already exists"), again.err);
    BOOST_TEST(trimmed(readFile(keyFile)) == keyText);

    generateKey("admin.token"); // 64 hex digits: a good bearer token for the admin endpoints
    std::string adminToken = trimmed(readFile(dir.file("conf/admin.token")));
    // Relative paths: read beside the configuration.
    auto globals = configure("bridge", "secret.key", "admin.token");
    setUpAccount(globals);
    std::string webhook = applyWebhook(globals);
    CommandResult status1 = expect(0, globals, {"secrets", "status"});
    BOOST_TEST(contains(status1.out, "key in use: " + keyId), status1.out);
    BOOST_TEST(contains(status1.out, "webhook passwords: 1 sealed, 0 in clear"), status1.out);
    BOOST_TEST(contains(status1.out, "secret pair values: 2 sealed, 0 in clear"), status1.out);

    // A delivery sent in the background by serve.
    auto server = std::make_unique<ServeProcess>(globals, dir.path(), "serve");
    std::string first =
        trimmed(expect(0, globals, {"execute", "--webhook", webhook, "--contact", "55"}).out);
    BOOST_REQUIRE(receiver.waitForRequests(1, 20s));
    checkReceived(receiver.requests().at(0));
    BOOST_TEST(eventually(
        [&] { return contains(deliveryJson(globals, first), "\"status\": \"delivered\""); }, 20s));

    // A delivery sent inline to a receiver that refuses it and echoes the secrets back.
    std::string credentials = base64(kUser + ":" + kPassword);
    receiver.script(ScriptedResponse::withStatus(400, "rejected: Authorization: Basic " +
                                                          credentials + " password=" + kPassword +
                                                          " api_hash=" + kApiHash));
    CommandResult failing =
        expect(1, globals, {"execute", "--webhook", webhook, "--contact", "55", "--inline"});
    BOOST_TEST(contains(failing.out, "failed"), failing.out);
    BOOST_TEST(contains(failing.out, "HTTP 400"), failing.out);
    BOOST_TEST(contains(failing.out, "Basic ****"), failing.out);
    BOOST_REQUIRE_EQUAL(receiver.requestCount(), 2u);
    checkReceived(receiver.requests().at(1));
    std::string second = "2";

    // Everything that shows a webhook, a delivery or a contact.
    CommandResult preview = expect(0, globals, {"webhook", "preview", webhook, "--contact", "55"});
    BOOST_TEST(contains(preview.out, "Authorization: Basic ****"), preview.out);
    BOOST_TEST(contains(preview.out, "api_hash=****"), preview.out);
    BOOST_TEST(contains(preview.out, "6789"), preview.out);
    CommandResult shown = expect(0, globals, {"deliveries", "show", second});
    BOOST_TEST(contains(shown.out, "HTTP 400"), shown.out);
    expect(0, globals, {"deliveries", "show", first, "--json"});
    expect(0, globals, {"deliveries", "show", second, "--json"});
    expect(0, globals, {"deliveries", "list", "--json"});
    expect(0, globals, {"deliveries", "list"});
    expect(0, globals, {"webhook", "show", webhook});
    expect(0, globals, {"webhook", "show", webhook, "--json"});
    expect(0, globals, {"webhook", "list", "--json"});
    expect(0, globals, {"webhook", "export", webhook});
    expect(0, globals, {"webhook", "export", webhook, "--output", dir.file("exported.json")});
    outputs.push_back(readFile(dir.file("exported.json")));
    run(globals, {"webhook", "check", webhook});
    CommandResult listed = expect(0, globals, {"contact", "list", "--account", "1001"});
    BOOST_TEST(contains(listed.out, "Mike"), listed.out);
    expect(0, globals, {"contact", "list", "--account", "1001", "--json"});
    expect(0, globals, {"contact", "show", "55"});
    expect(0, globals, {"contact", "show", "55", "--json"});
    CommandResult masspost =
        run(globals, {"masspost", "--webhook", webhook, "--ids", "55", "--preview"});
    BOOST_TEST(masspost.status == 0, masspost.err);
    // The admin endpoints of serve show deliveries as the CLI does: masked.
    BOOST_TEST(adminGet(server->port(), "/admin/deliveries", "").first == 401);
    BOOST_TEST(adminGet(server->port(), "/admin/deliveries", keyText).first == 401);
    for (const std::string& path : {std::string("/admin/status"), std::string("/admin/deliveries"),
                                    "/admin/deliveries/" + first, "/admin/deliveries/" + second,
                                    std::string("/admin/destinations")}) {
        auto [code, body] = adminGet(server->port(), path, adminToken);
        BOOST_TEST(code == 200, path << ": " << body);
        outputs.push_back(body);
    }
    BOOST_TEST(contains(outputs.back(), "["), outputs.back());
    CommandResult status2 = expect(0, globals, {"secrets", "status", "--json"});
    BOOST_TEST(contains(status2.out, "\"key_id\": \"" + keyId + "\""), status2.out);
    BOOST_TEST(contains(status2.out, "\"delivery_requests\": {\"sealed\": 2, \"clear\": 0}"),
               status2.out);
    BOOST_TEST(server->stop() == 0);
    outputs.push_back(server->log());
    BOOST_TEST(contains(server->log(), "serving on"), server->log());

    // Outputs and logs: no secret, no key, no SSN, no bank number.
    for (const std::string& output : outputs)
        for (const std::string& forbidden : {kPassword, kApiHash, credentials, keyText, kSsn,
                                             std::string("123456789"), kBankNumber, adminToken})
            BOOST_TEST(!contains(output, forbidden), "'" << forbidden << "' in: " << output);

    // The store's files: no secret and no key (the contact's SSN is data, kept in its table).
    bool sealedSeen = false;
    auto files = filesUnder(dir.path() / "store");
    BOOST_TEST(files.size() >= 1u);
    for (const auto& [path, bytes] : files) {
        for (const std::string& forbidden : {kPassword, kApiHash, credentials, keyText, adminToken})
            BOOST_TEST(!contains(bytes, forbidden), "'" << forbidden << "' in " << path);
        sealedSeen = sealedSeen || contains(bytes, "enc:v1:" + keyId + ":");
    }
    BOOST_TEST(sealedSeen);
}

BOOST_AUTO_TEST_CASE(a_store_sealed_with_one_key_sends_nothing_with_another) {
    std::string keyA = generateKey("a.key");
    std::string keyB = generateKey("b.key");
    auto withA = configure("a", "a.key");
    auto withB = configure("b", dir.file("conf/b.key")); // absolute works too
    auto withNone = configure("none", "");
    setUpAccount(withA);
    std::string webhook = applyWebhook(withA);
    std::string delivery =
        trimmed(expect(0, withA, {"execute", "--webhook", webhook, "--contact", "55"}).out);

    // Another key: the worker refuses, names the delivery and both keys, sends nothing.
    CommandResult drained = expect(1, withB, {"work", "--until-idle"});
    std::string said = drained.out + drained.err;
    BOOST_TEST(contains(said, "delivery " + delivery), said);
    BOOST_TEST(contains(said, "sealed with key " + keyA), said);
    BOOST_TEST(contains(said, "the key in use is " + keyB), said);
    BOOST_TEST(contains(said, "nothing was sent"), said);
    BOOST_TEST(receiver.requestCount() == 0u);
    // The record says so too, readable with any key (it holds the masked request only).
    CommandResult shown = expect(0, withB, {"deliveries", "show", delivery});
    BOOST_TEST(contains(shown.out, "sealed with key " + keyA), shown.out);
    // The webhook's password cannot be opened either: a clear error, exit 2, nothing sent.
    CommandResult show = expect(2, withB, {"webhook", "show", webhook});
    BOOST_TEST(contains(show.err, "webhook " + webhook + " auth.password"), show.err);
    BOOST_TEST(contains(show.err, keyA), show.err);
    BOOST_TEST(contains(show.err, keyB), show.err);
    CommandResult inlineSend =
        expect(2, withB, {"execute", "--webhook", webhook, "--contact", "55", "--inline"});
    BOOST_TEST(contains(inlineSend.err, keyA), inlineSend.err);
    BOOST_TEST(receiver.requestCount() == 0u);

    // No key at all: the same refusal, and no secret may be written in clear into a store
    // that holds sealed ones.
    expect(0, withNone, {"replay", delivery});
    CommandResult noKey = expect(1, withNone, {"work", "--until-idle"});
    BOOST_TEST(contains(noKey.out + noKey.err, "no secret key is configured"),
               noKey.out + noKey.err);
    BOOST_TEST(receiver.requestCount() == 0u);
    CommandResult update = run(withNone, {"webhook", "apply", writeWebhook("Partner")});
    BOOST_TEST(update.status == 2);
    BOOST_TEST(contains(update.err, "sealed with key " + keyA), update.err);
    CommandResult clearWrite = run(withNone, {"webhook", "apply", writeWebhook("Other")});
    BOOST_TEST(clearWrite.status == 2);
    BOOST_TEST(contains(clearWrite.err, "cannot store webhook"), clearWrite.err);
    BOOST_TEST(contains(clearWrite.err, "in clear"), clearWrite.err);
    BOOST_TEST(contains(clearWrite.err, "sealed with key " + keyA), clearWrite.err);
    BOOST_TEST(contains(clearWrite.err, "secrets.key_file"), clearWrite.err);
    BOOST_TEST(trimmed(expect(0, withA, {"webhook", "list"}).out).find("Other") ==
               std::string::npos);

    // The right key again: it goes out, with the real values.
    expect(0, withA, {"replay", delivery});
    expect(0, withA, {"work", "--until-idle"});
    BOOST_REQUIRE_EQUAL(receiver.requestCount(), 1u);
    checkReceived(receiver.requests().at(0));

    for (const std::string& output : outputs)
        for (const std::string& forbidden : {kPassword, kApiHash, kSsn, kBankNumber})
            BOOST_TEST(!contains(output, forbidden), "'" << forbidden << "' in: " << output);
}

BOOST_AUTO_TEST_CASE(without_a_key_secrets_stay_in_clear_until_one_is_configured) {
    auto withNone = configure("none", "");
    setUpAccount(withNone);
    std::string webhook = applyWebhook(withNone);
    std::string warned = outputs.back();
    BOOST_TEST(contains(warned, "stored in clear"), warned);
    BOOST_TEST(contains(warned, "secrets.key_file"), warned);
    BOOST_TEST(!contains(warned, kPassword), warned);
    CommandResult clear = expect(0, withNone, {"secrets", "status"});
    BOOST_TEST(contains(clear.out, "key in use: none"), clear.out);
    BOOST_TEST(contains(clear.out, "webhook passwords: 0 sealed, 1 in clear"), clear.out);
    expect(0, withNone, {"execute", "--webhook", webhook, "--contact", "55"});

    // A key from now on: the clear rows still work, new writes are sealed.
    std::string keyId = generateKey("secret.key");
    auto withKey = configure("key", "secret.key");
    expect(0, withKey, {"work", "--until-idle"});
    BOOST_REQUIRE_EQUAL(receiver.requestCount(), 1u);
    checkReceived(receiver.requests().at(0));
    applyWebhook(withKey); // the same title: an update, sealed now
    expect(0, withKey, {"execute", "--webhook", webhook, "--contact", "55"});
    CommandResult sealed = expect(0, withKey, {"secrets", "status"});
    BOOST_TEST(contains(sealed.out, "key in use: " + keyId), sealed.out);
    BOOST_TEST(contains(sealed.out, "webhook passwords: 1 sealed, 0 in clear"), sealed.out);
    BOOST_TEST(contains(sealed.out, "secret pair values: 2 sealed, 0 in clear"), sealed.out);
    BOOST_TEST(contains(sealed.out, "delivery requests: 1 sealed, 1 in clear"), sealed.out);
    expect(0, withKey, {"work", "--until-idle"});
    BOOST_REQUIRE_EQUAL(receiver.requestCount(), 2u);
    checkReceived(receiver.requests().at(1));
}

BOOST_AUTO_TEST_SUITE_END()
