#include "bridge/cli/Signals.h"

#include <cerrno>
#include <pthread.h>

namespace dpp::bridge {

TerminationSignals::TerminationSignals() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
}

const char* TerminationSignals::wait() {
    int received = 0;
    sigwait(&signals_, &received);
    return received == SIGTERM ? "SIGTERM" : "SIGINT";
}

std::optional<const char*> TerminationSignals::waitFor(std::chrono::milliseconds timeout) {
    timespec wait{static_cast<time_t>(timeout.count() / 1000),
                  static_cast<long>((timeout.count() % 1000) * 1'000'000)};
    int received = sigtimedwait(&signals_, nullptr, &wait);
    if (received < 0)
        return std::nullopt; // EAGAIN: the timeout passed (or EINTR)
    return received == SIGTERM ? "SIGTERM" : "SIGINT";
}

} // namespace dpp::bridge
