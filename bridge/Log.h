#pragma once
// One-line diagnostics on stderr with a UTC timestamp and a level. Thread-safe. Callers mask
// secrets before logging (mapping/Sensitive.h); nothing here can tell a secret from a name.
#include <string>

namespace dpp::bridge {

enum class LogLevel { Debug, Info, Warning, Error };

void setLogLevel(LogLevel level);
void log(LogLevel level, const std::string& message);
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
