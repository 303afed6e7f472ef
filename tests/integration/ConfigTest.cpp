// Loading the configuration file: every key is checked when loading, and a mistake is a
// ConfigError naming the key and the file, so it surfaces at start and not at 2 a.m.
#include "bridge/Config.h"
#include "support/TempDir.h"

#include <boost/test/unit_test.hpp>

#include <fstream>

using namespace dpp::bridge;
using dpp::testing::TempDir;
using namespace std::chrono_literals;

namespace {

struct ConfigFixture {
    TempDir dir;
    std::string write(const std::string& text) {
        std::string path = dir.file("bridge.properties");
        std::ofstream(path) << text;
        return path;
    }
    std::string errorOf(const std::string& text) {
        try {
            Config::load(write(text));
        } catch (const ConfigError& error) {
            return error.what();
        }
        return "no error";
    }
};

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(config, ConfigFixture)

BOOST_AUTO_TEST_CASE(the_limit_keys_are_read) {
    Config config = Config::load(write("server.max_body_bytes = 2048\n"
                                       "server.max_keys = 50\n"
                                       "server.max_key_bytes = 64\n"
                                       "server.max_value_bytes = 4096\n"
                                       "server.max_json_depth = 4\n"
                                       "server.posts_per_second = 0\n"
                                       "server.idle_timeout = 5s\n"
                                       "server.read_timeout = 2500ms\n"
                                       "server.request_deadline = 1m\n"
                                       "server.admin_token_file = admin.token\n"
                                       "server.receive_loops = 0\n"));
    BOOST_TEST(config.maxBodyBytes == 2048u);
    BOOST_TEST(config.maxKeys == 50u);
    BOOST_TEST(config.maxKeyBytes == 64u);
    BOOST_TEST(config.maxValueBytes == 4096u);
    BOOST_TEST(config.maxJsonDepth == 4u);
    BOOST_TEST(config.postsPerSecond == 0u);
    BOOST_TEST(config.idleTimeout.count() == 5000);
    BOOST_TEST(config.readTimeout.count() == 2500);
    BOOST_TEST(config.requestDeadline.count() == 60000);
    BOOST_TEST(config.adminTokenFile == dir.file("admin.token")); // beside the file
    BOOST_TEST(config.receiveLoops == 0u);
}

BOOST_AUTO_TEST_CASE(defaults_bound_everything) {
    Config config = Config::load("");
    BOOST_TEST(config.maxKeys == 1000u);
    BOOST_TEST(config.maxKeyBytes == 256u);
    BOOST_TEST(config.maxValueBytes == 256u * 1024u);
    BOOST_TEST(config.maxJsonDepth == 32u);
    BOOST_TEST(config.postsPerSecond == 20000u);
    BOOST_TEST(config.requestDeadline.count() == 30000);
    BOOST_TEST(config.adminTokenFile.empty());
    BOOST_TEST(config.receiveLoops == 1u);
}

BOOST_AUTO_TEST_CASE(mistakes_name_the_key_and_the_file) {
    std::string unknown = errorOf("server.max_keyz = 5\n");
    BOOST_TEST(contains(unknown, "'server.max_keyz'"), unknown);
    BOOST_TEST(contains(unknown, "bridge.properties"), unknown);
    std::string zero = errorOf("server.max_keys = 0\n");
    BOOST_TEST(contains(zero, "server.max_keys"), zero);
    std::string notNumber = errorOf("server.max_value_bytes = lots\n");
    BOOST_TEST(contains(notNumber, "server.max_value_bytes"), notNumber);
    std::string noTime = errorOf("server.request_deadline = 0s\n");
    BOOST_TEST(contains(noTime, "server.request_deadline"), noTime);
    BOOST_TEST(contains(noTime, "longer than zero"), noTime);
    std::string badUnit = errorOf("server.idle_timeout = 5 minutes\n");
    BOOST_TEST(contains(badUnit, "server.idle_timeout"), badUnit);
    std::string loops = errorOf("server.receive_loops = 65\n");
    BOOST_TEST(contains(loops, "server.receive_loops"), loops);
    BOOST_TEST(contains(loops, "at most 64"), loops);
    std::string lease = errorOf("delivery.lease = 10s\n");
    BOOST_TEST(contains(lease, "delivery.lease"), lease);
}

BOOST_AUTO_TEST_SUITE_END()
