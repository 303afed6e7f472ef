#pragma once
// dppbridge's configuration: conf/dppbridge.properties (POCO Util properties format) plus
// command-line overrides. Everything is checked when loading: an unknown key, a bad duration
// or a bad number is a ConfigError naming the key, so mistakes surface at start, not at 2 a.m.
// A loaded Config is an immutable value; share it freely between threads.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace dpp::bridge {

class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct PeerConfig {
    std::string url;
    std::string username;
    std::string password;
};

struct Config {
    std::string sourceFile; // the file it came from, empty for defaults
    std::string storeUri = "sqlite:var/dppbridge.db";
    std::string listen = "127.0.0.1:8080";
    std::size_t serverThreads = 16;
    std::size_t serverMaxQueued = 512;
    // Threads serving posts to data sources on many connections each (bridge/http/ReceiveLoop.h);
    // 0: every connection has a thread of server.threads.
    std::size_t receiveLoops = 1;
    std::size_t maxBodyBytes = 1024 * 1024;
    // Bounds on what one post may hold and on how connections may behave (issue 7, "Limits").
    std::size_t maxKeys = 1000;             // key/value pairs in one post
    std::size_t maxKeyBytes = 256;          // one key
    std::size_t maxValueBytes = 256 * 1024; // one value (a __plan_data of 120 payments: ~12 KiB)
    std::size_t maxJsonDepth = 32;          // nesting of a JSON body
    std::size_t postsPerSecond = 20000;     // per data source; 0: no bound
    std::chrono::milliseconds idleTimeout{15000};     // a kept-alive connection waiting
    std::chrono::milliseconds readTimeout{10000};     // silence in the middle of a request
    std::chrono::milliseconds requestDeadline{30000}; // a whole request (headers and body)
    // The file holding the bearer token of the /admin/ endpoints (owner-only); empty: those
    // endpoints answer 404. DPPBRIDGE_ADMIN_TOKEN overrides it.
    std::string adminTokenFile;
    std::chrono::milliseconds connectTimeout{5000};
    std::chrono::milliseconds responseTimeout{30000};
    std::vector<std::chrono::milliseconds> retrySchedule; // after the first attempt
    std::size_t responseExcerptBytes = 2048;
    double retryJitter = 0.2;                 // +-20% around each scheduled wait
    std::size_t deliveryWorkers = 16;         // sending threads in serve, work and masspost
    std::size_t deliveryBatch = 64;           // deliveries claimed at a time
    std::size_t deliveryInFlight = 1;         // requests a worker keeps on the wire at once
    std::chrono::milliseconds idlePoll{2000}; // idle workers look for outside work
    std::chrono::milliseconds pauseAfter{5 * 60 * 1000};          // failing this long: pause
    std::chrono::milliseconds probeInterval{60 * 1000};           // then probe this often
    std::chrono::milliseconds retention{30LL * 24 * 3600 * 1000}; // finished deliveries kept
    // How long a claimed delivery stays with its worker; after it, another worker takes it
    // over (a crash loses nothing). Must exceed connect + response timeouts; 0 means
    // connect + response + 60s.
    std::chrono::milliseconds lease{0};
    std::chrono::milliseconds effectiveLease() const {
        return lease.count() > 0 ? lease
                                 : connectTimeout + responseTimeout + std::chrono::seconds(60);
    }
    std::string tlsCaFile;
    bool allowPrivateDestinations = false;
    std::map<std::int64_t, PeerConfig> peers;
    // The file holding the key that seals secrets at rest (a relative path is read against
    // the configuration file's folder); empty for none. DPPBRIDGE_SECRET_KEY overrides it.
    std::string secretKeyFile;

    // Reads a properties file; an empty path gives the defaults. Throws ConfigError.
    static Config load(const std::string& path);
    // Every key a configuration file may hold (peers.<account>.* aside), for messages.
    static const std::vector<std::string>& knownKeys();
};

// "250ms", "5s", "5m", "2h", "1d"; a bare number is seconds. Throws ConfigError naming what.
std::chrono::milliseconds parseDuration(const std::string& text, const std::string& what);
// A duration that must be longer than zero (timeouts). Throws ConfigError naming what.
std::chrono::milliseconds parsePositiveDuration(const std::string& text, const std::string& what);
// "5s,5m,30m" -> durations.
std::vector<std::chrono::milliseconds> parseDurationList(const std::string& text,
                                                         const std::string& what);
std::string formatDuration(std::chrono::milliseconds duration);

} // namespace dpp::bridge
