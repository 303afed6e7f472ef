// The admin endpoints of `serve` (issue 7, "Access"): off without a token, 401 without the
// right bearer token, read-only, and a bad token file stops the server at start with a message
// naming the file. A real BridgeServer on a loopback port; the secrets flow that reads them
// end to end is in tests/e2e/SecretsAtRestTest.cpp.
#include "bridge/http/BridgeServer.h"
#include "bridge/store/ContactStore.h"
#include "support/TempDir.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

using namespace dpp::bridge;
using dpp::testing::TempDir;

namespace {

const std::string kToken = "0123456789abcdef0123456789abcdef-admin";

struct Answer {
    int status = 0;
    std::string body;
    std::string authenticate;
};

struct AdminFixture {
    TempDir dir;
    Config config;
    std::unique_ptr<Database> database;
    std::unique_ptr<BridgeServer> server;

    AdminFixture() {
        database = std::make_unique<Database>(dir.storeUri());
        database->migrate();
        ContactStore(*database).addAccount(2002, "Destination");
    }
    ~AdminFixture() {
        if (server)
            server->stop();
    }
    std::string writeTokenFile(const std::string& text, std::filesystem::perms mode) {
        std::string path = dir.file("admin.token");
        std::ofstream(path) << text;
        std::filesystem::permissions(path, mode);
        return path;
    }
    void start() {
        server = std::make_unique<BridgeServer>(config, *database, "127.0.0.1:0");
        server->start();
    }
    Answer request(const std::string& method, const std::string& path,
                   const std::string& authorization) {
        Poco::Net::HTTPClientSession session("127.0.0.1", server->port());
        Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        if (!authorization.empty())
            request.set("Authorization", authorization);
        if (method == "POST")
            request.setContentLength(0);
        session.sendRequest(request);
        Poco::Net::HTTPResponse response;
        Answer answer;
        Poco::StreamCopier::copyToString(session.receiveResponse(response), answer.body);
        answer.status = response.getStatus();
        answer.authenticate = response.get("WWW-Authenticate", "");
        return answer;
    }
};

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

constexpr auto kOwnerOnly =
    std::filesystem::perms::owner_read | std::filesystem::perms::owner_write;

} // namespace

BOOST_FIXTURE_TEST_SUITE(admin_endpoints, AdminFixture)

BOOST_AUTO_TEST_CASE(without_a_token_configured_the_endpoints_are_off) {
    start();
    Answer answer = request("GET", "/admin/status", "Bearer " + kToken);
    BOOST_TEST(answer.status == 404);
    BOOST_TEST(contains(answer.body, "server.admin_token_file"), answer.body);
}

BOOST_AUTO_TEST_CASE(only_the_right_bearer_token_opens_them_and_they_only_read) {
    config.adminTokenFile = writeTokenFile(kToken + "\n", kOwnerOnly);
    start();
    for (const std::string& authorization :
         {std::string(), std::string("Bearer"), "Bearer " + kToken.substr(1),
          "Bearer " + kToken + "x", "Basic " + kToken, "bearer" + kToken}) {
        Answer refused = request("GET", "/admin/status", authorization);
        BOOST_TEST_CONTEXT("Authorization: " << authorization) {
            BOOST_TEST(refused.status == 401);
            BOOST_TEST(contains(refused.authenticate, "Bearer"));
            BOOST_TEST(!contains(refused.body, kToken));
        }
    }
    Answer status = request("GET", "/admin/status", "Bearer " + kToken);
    BOOST_TEST(status.status == 200);
    BOOST_TEST(contains(status.body, "\"deliveries\": {}"), status.body);
    BOOST_TEST(contains(status.body, "\"destinations_paused\": 0"), status.body);
    Answer list = request("GET", "/admin/deliveries?status=dead&limit=5", "Bearer " + kToken);
    BOOST_TEST(list.status == 200);
    BOOST_TEST(list.body == "[]\n");
    BOOST_TEST(request("GET", "/admin/deliveries?status=lost", "Bearer " + kToken).status == 400);
    BOOST_TEST(request("GET", "/admin/deliveries?colour=red", "Bearer " + kToken).status == 400);
    BOOST_TEST(request("GET", "/admin/deliveries/42", "Bearer " + kToken).status == 404);
    BOOST_TEST(request("GET", "/admin/deliveries/x", "Bearer " + kToken).status == 400);
    BOOST_TEST(request("GET", "/admin/elsewhere", "Bearer " + kToken).status == 404);
    BOOST_TEST(request("POST", "/admin/deliveries/1", "Bearer " + kToken).status == 405);
    BOOST_TEST(request("GET", "/admin/destinations", "Bearer " + kToken).body == "[]\n");
}

BOOST_AUTO_TEST_CASE(a_bad_token_file_stops_the_server_at_start_naming_it) {
    auto messageOf = [&] {
        try {
            BridgeServer refused(config, *database, "127.0.0.1:0");
        } catch (const ConfigError& error) {
            return std::string(error.what());
        }
        return std::string("no error");
    };
    config.adminTokenFile = writeTokenFile(kToken, kOwnerOnly | std::filesystem::perms::group_read);
    std::string open = messageOf();
    BOOST_TEST(contains(open, "server.admin_token_file '" + config.adminTokenFile + "'"), open);
    BOOST_TEST(contains(open, "chmod 600"), open);
    std::filesystem::permissions(config.adminTokenFile, kOwnerOnly);
    std::ofstream(config.adminTokenFile) << "short";
    std::string tooShort = messageOf();
    BOOST_TEST(contains(tooShort, "32 to 512"), tooShort);
    BOOST_TEST(!contains(tooShort, "short\""), tooShort);
    config.adminTokenFile = dir.file("missing.token");
    BOOST_TEST(contains(messageOf(), "does not exist"));
}

BOOST_AUTO_TEST_SUITE_END()
