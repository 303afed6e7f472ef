#pragma once
// SIGINT and SIGTERM for long-running commands (serve, work): blocked in every thread from
// construction on, so that only wait() receives them. Construct before starting any thread.
#include <chrono>
#include <csignal>
#include <optional>

namespace dpp::bridge {

class TerminationSignals {
public:
    TerminationSignals();
    // Blocks until SIGINT or SIGTERM; returns its name.
    const char* wait();
    // Waits at most timeout; nothing when it passed without a signal.
    std::optional<const char*> waitFor(std::chrono::milliseconds timeout);

private:
    sigset_t signals_;
};

} // namespace dpp::bridge
