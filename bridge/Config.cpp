#include "bridge/Config.h"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <algorithm>
#include <charconv>
#include <filesystem>

namespace dpp::bridge {

namespace {

std::string trim(const std::string& text) {
    auto begin = text.find_first_not_of(" \t");
    if (begin == std::string::npos)
        return "";
    auto end = text.find_last_not_of(" \t");
    return text.substr(begin, end - begin + 1);
}

std::size_t parseCount(const std::string& text, const std::string& key, std::size_t minimum) {
    std::size_t value = 0;
    std::string trimmed = trim(text);
    auto [end, error] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), value);
    if (error != std::errc() || end != trimmed.data() + trimmed.size() || value < minimum)
        throw ConfigError(key + " must be a whole number of at least " + std::to_string(minimum) +
                          ", not '" + text + "'");
    return value;
}

double parseFraction(const std::string& text, const std::string& key) {
    std::string value = trim(text);
    double number = -1;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (error != std::errc() || end != value.data() + value.size() || number < 0 || number > 1)
        throw ConfigError(key + " must be a number from 0 to 1, not '" + text + "'");
    return number;
}

bool parseBoolean(const std::string& text, const std::string& key) {
    std::string value = trim(text);
    if (value == "true" || value == "yes" || value == "1")
        return true;
    if (value == "false" || value == "no" || value == "0")
        return false;
    throw ConfigError(key + " must be true or false, not '" + text + "'");
}

void readPeer(Config& config, const std::string& key, const std::string& value) {
    // peers.<account id>.<url|username|password>
    std::string rest = key.substr(6);
    auto dot = rest.find('.');
    std::string account = rest.substr(0, dot);
    std::string field = dot == std::string::npos ? "" : rest.substr(dot + 1);
    std::int64_t accountId = 0;
    auto [end, error] = std::from_chars(account.data(), account.data() + account.size(), accountId);
    if (error != std::errc() || end != account.data() + account.size() || accountId <= 0)
        throw ConfigError("unknown configuration key '" + key +
                          "': peers are written peers.<account id>.url|username|password");
    PeerConfig& peer = config.peers[accountId];
    if (field == "url")
        peer.url = value;
    else if (field == "username")
        peer.username = value;
    else if (field == "password")
        peer.password = value;
    else
        throw ConfigError("unknown configuration key '" + key +
                          "': a peer has url, username and password");
}

// A path named in a configuration file: relative ones are read against the file's folder, so
// that a configuration and its key file can move together.
std::string resolveBeside(const std::string& configPath, const std::string& value) {
    std::filesystem::path named(value);
    if (value.empty() || named.is_absolute())
        return value;
    std::filesystem::path folder = std::filesystem::path(configPath).parent_path();
    return folder.empty() ? value : (folder / named).string();
}

} // namespace

std::chrono::milliseconds parseDuration(const std::string& text, const std::string& what) {
    std::string value = trim(text);
    std::size_t digits = 0;
    while (digits < value.size() && std::isdigit(static_cast<unsigned char>(value[digits])))
        ++digits;
    if (digits == 0)
        throw ConfigError(what + ": '" + text +
                          "' is not a duration (examples: 250ms, 5s, 5m, 2h)");
    std::int64_t number = 0;
    std::from_chars(value.data(), value.data() + digits, number);
    std::string unit = value.substr(digits);
    std::int64_t factor = 0;
    if (unit == "ms")
        factor = 1;
    else if (unit == "s" || unit.empty())
        factor = 1000;
    else if (unit == "m")
        factor = 60 * 1000;
    else if (unit == "h")
        factor = 3600 * 1000;
    else if (unit == "d")
        factor = 24 * 3600 * 1000;
    else
        throw ConfigError(what + ": unknown unit '" + unit + "' in '" + text +
                          "' (use ms, s, m, h or d)");
    return std::chrono::milliseconds(number * factor);
}

std::chrono::milliseconds parsePositiveDuration(const std::string& text, const std::string& what) {
    std::chrono::milliseconds duration = parseDuration(text, what);
    if (duration.count() <= 0)
        throw ConfigError(what + ": '" + text + "' must be longer than zero");
    return duration;
}

std::vector<std::chrono::milliseconds> parseDurationList(const std::string& text,
                                                         const std::string& what) {
    std::vector<std::chrono::milliseconds> durations;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto comma = text.find(',', start);
        std::string item =
            text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!trim(item).empty())
            durations.push_back(parseDuration(item, what));
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return durations;
}

std::string formatDuration(std::chrono::milliseconds duration) {
    auto ms = duration.count();
    if (ms % (3600 * 1000) == 0 && ms != 0)
        return std::to_string(ms / (3600 * 1000)) + "h";
    if (ms % (60 * 1000) == 0 && ms != 0)
        return std::to_string(ms / (60 * 1000)) + "m";
    if (ms % 1000 == 0)
        return std::to_string(ms / 1000) + "s";
    return std::to_string(ms) + "ms";
}

const std::vector<std::string>& Config::knownKeys() {
    static const std::vector<std::string> keys{
        "store.uri",
        "server.listen",
        "server.threads",
        "server.max_queued",
        "server.receive_loops",
        "server.max_body_bytes",
        "server.max_keys",
        "server.max_key_bytes",
        "server.max_value_bytes",
        "server.max_json_depth",
        "server.posts_per_second",
        "server.idle_timeout",
        "server.read_timeout",
        "server.request_deadline",
        "server.admin_token_file",
        "delivery.timeout.connect",
        "delivery.timeout.response",
        "delivery.retry.schedule",
        "delivery.response_excerpt_bytes",
        "delivery.retry.jitter",
        "delivery.workers",
        "delivery.batch",
        "delivery.in_flight",
        "delivery.idle_poll",
        "delivery.pause_after",
        "delivery.probe_interval",
        "delivery.retention",
        "delivery.lease",
        "tls.ca_file",
        "network.allow_private_destinations",
        "secrets.key_file",
    };
    return keys;
}

Config Config::load(const std::string& path) {
    Config config;
    config.retrySchedule = parseDurationList("5s,5m,30m,2h,5h,10h,10h", "default schedule");
    if (path.empty())
        return config;
    if (!std::filesystem::exists(path))
        throw ConfigError("configuration file '" + path + "' does not exist");
    Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> file;
    try {
        file = new Poco::Util::PropertyFileConfiguration(path);
    } catch (const Poco::Exception& error) {
        throw ConfigError("cannot read configuration file '" + path + "': " + error.displayText());
    }
    config.sourceFile = path;
    std::vector<std::string> keys;
    std::vector<std::string> pending{""};
    while (!pending.empty()) {
        std::string prefix = pending.back();
        pending.pop_back();
        Poco::Util::AbstractConfiguration::Keys children;
        file->keys(prefix, children);
        for (const auto& child : children) {
            std::string full = prefix.empty() ? child : prefix + "." + child;
            if (file->has(full))
                keys.push_back(full);
            pending.push_back(full);
        }
    }
    std::sort(keys.begin(), keys.end());
    const auto& known = knownKeys();
    for (const auto& key : keys) {
        std::string value = trim(file->getRawString(key));
        std::string where = "'" + key + "' in " + path;
        if (key.rfind("peers.", 0) == 0) {
            readPeer(config, key, value);
            continue;
        }
        if (std::find(known.begin(), known.end(), key) == known.end())
            throw ConfigError("unknown configuration key " + where +
                              " (known keys: store.uri, "
                              "server.*, delivery.*, tls.ca_file, "
                              "network.allow_private_destinations, secrets.key_file, "
                              "peers.<account>.*)");
        if (key == "store.uri")
            config.storeUri = value;
        else if (key == "server.listen")
            config.listen = value;
        else if (key == "server.threads")
            config.serverThreads = parseCount(value, where, 1);
        else if (key == "server.max_queued")
            config.serverMaxQueued = parseCount(value, where, 1);
        else if (key == "server.receive_loops") {
            config.receiveLoops = parseCount(value, where, 0);
            if (config.receiveLoops > 64)
                throw ConfigError(where +
                                  " must be at most 64 (the machine's cores are "
                                  "enough), not '" +
                                  value + "'");
        } else if (key == "server.max_body_bytes")
            config.maxBodyBytes = parseCount(value, where, 1);
        else if (key == "server.max_keys")
            config.maxKeys = parseCount(value, where, 1);
        else if (key == "server.max_key_bytes")
            config.maxKeyBytes = parseCount(value, where, 1);
        else if (key == "server.max_value_bytes")
            config.maxValueBytes = parseCount(value, where, 1);
        else if (key == "server.max_json_depth")
            config.maxJsonDepth = parseCount(value, where, 1);
        else if (key == "server.posts_per_second")
            config.postsPerSecond = parseCount(value, where, 0);
        else if (key == "server.idle_timeout")
            config.idleTimeout = parsePositiveDuration(value, where);
        else if (key == "server.read_timeout")
            config.readTimeout = parsePositiveDuration(value, where);
        else if (key == "server.request_deadline")
            config.requestDeadline = parsePositiveDuration(value, where);
        else if (key == "server.admin_token_file")
            config.adminTokenFile = resolveBeside(path, value);
        else if (key == "delivery.timeout.connect")
            config.connectTimeout = parseDuration(value, where);
        else if (key == "delivery.timeout.response")
            config.responseTimeout = parseDuration(value, where);
        else if (key == "delivery.retry.schedule")
            config.retrySchedule = parseDurationList(value, where);
        else if (key == "delivery.response_excerpt_bytes")
            config.responseExcerptBytes = parseCount(value, where, 0);
        else if (key == "delivery.retry.jitter")
            config.retryJitter = parseFraction(value, where);
        else if (key == "delivery.workers")
            config.deliveryWorkers = parseCount(value, where, 1);
        else if (key == "delivery.batch")
            config.deliveryBatch = parseCount(value, where, 1);
        else if (key == "delivery.in_flight")
            config.deliveryInFlight = parseCount(value, where, 1);
        else if (key == "delivery.idle_poll")
            config.idlePoll = parseDuration(value, where);
        else if (key == "delivery.pause_after")
            config.pauseAfter = parseDuration(value, where);
        else if (key == "delivery.probe_interval")
            config.probeInterval = parseDuration(value, where);
        else if (key == "delivery.retention")
            config.retention = parseDuration(value, where);
        else if (key == "delivery.lease")
            config.lease = parseDuration(value, where);
        else if (key == "tls.ca_file")
            config.tlsCaFile = value;
        else if (key == "network.allow_private_destinations")
            config.allowPrivateDestinations = parseBoolean(value, where);
        else if (key == "secrets.key_file")
            config.secretKeyFile = resolveBeside(path, value);
    }
    if (!config.tlsCaFile.empty() && !std::filesystem::exists(config.tlsCaFile))
        throw ConfigError("tls.ca_file '" + config.tlsCaFile + "' in " + path + " does not exist");
    if (config.lease.count() > 0 && config.lease <= config.connectTimeout + config.responseTimeout)
        throw ConfigError("delivery.lease (" + formatDuration(config.lease) + ") in " + path +
                          " must be longer than delivery.timeout.connect + "
                          "delivery.timeout.response, or a slow attempt would be sent twice");
    for (const auto& [account, peer] : config.peers)
        if (peer.username.empty() != peer.password.empty())
            throw ConfigError("peers." + std::to_string(account) + " in " + path +
                              " needs both .username and .password (the partnership's shared "
                              "credentials)");
    return config;
}

} // namespace dpp::bridge
