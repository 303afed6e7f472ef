#include "bridge/Log.h"

#include "bridge/Clock.h"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace dpp::bridge {

namespace {
std::atomic<LogLevel> threshold{LogLevel::Info};
std::mutex writing;

const char* name(LogLevel level) {
    switch (level) {
    case LogLevel::Debug:
        return "debug";
    case LogLevel::Info:
        return "info";
    case LogLevel::Warning:
        return "warning";
    case LogLevel::Error:
        return "error";
    }
    return "?";
}
} // namespace

void setLogLevel(LogLevel level) {
    threshold = level;
}

bool logEnabled(LogLevel level) {
    return level >= threshold.load();
}

std::optional<LogLevel> parseLogLevel(std::string_view text) {
    for (LogLevel level : {LogLevel::Debug, LogLevel::Info, LogLevel::Warning, LogLevel::Error})
        if (text == name(level))
            return level;
    return std::nullopt;
}

void log(LogLevel level, const std::string& message) {
    if (level < threshold.load())
        return;
    std::string line = nowText() + " " + name(level) + " " + message + "\n";
    std::lock_guard lock(writing);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

} // namespace dpp::bridge
