#pragma once
// One-line diagnostics on stderr with a UTC timestamp and a level. Thread-safe. Callers mask
// secrets before logging (mapping/Sensitive.h); nothing here can tell a secret from a name.
#include <optional>
#include <string>
#include <string_view>

namespace dpp::bridge {

enum class LogLevel { Debug, Info, Warning, Error };

void setLogLevel(LogLevel level);
// Whether a message of this level would be written (to skip building one that would not).
bool logEnabled(LogLevel level);
// "debug", "info", "warning" or "error" (DPPBRIDGE_LOG_LEVEL); nothing for anything else.
std::optional<LogLevel> parseLogLevel(std::string_view text);
void log(LogLevel level, const std::string& message);
inline void logDebug(const std::string& message) {
    log(LogLevel::Debug, message);
}
inline void logInfo(const std::string& message) {
    log(LogLevel::Info, message);
}
inline void logWarning(const std::string& message) {
    log(LogLevel::Warning, message);
}
inline void logError(const std::string& message) {
    log(LogLevel::Error, message);
}

} // namespace dpp::bridge
