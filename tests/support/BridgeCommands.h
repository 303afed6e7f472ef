#pragma once
// Shorthands for end-to-end tests that run many dppbridge commands against one store: the
// global options plus a command, a command that must succeed (the test stops otherwise, with
// the command's output), and waiting for a condition that another process makes true.
// Boost.Test assertions; one test thread.
#include "support/Processes.h"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <functional>
#include <initializer_list>
#include <string>
#include <thread>
#include <vector>

namespace dpp::testing {

inline std::vector<std::string> with(std::vector<std::string> globals,
                                     std::initializer_list<std::string> command) {
    globals.insert(globals.end(), command);
    return globals;
}

inline CommandResult expectOk(const std::vector<std::string>& arguments) {
    CommandResult result = runBridge(arguments);
    BOOST_REQUIRE_MESSAGE(result.status == 0,
                          "dppbridge exited " << result.status << ": " << result.err << result.out);
    return result;
}

// Polls condition until it holds or timeout passes (what another process does has no event
// to wait on here); its last answer.
inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds every = std::chrono::milliseconds(50)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition())
            return true;
        std::this_thread::sleep_for(every);
    }
    return condition();
}

} // namespace dpp::testing
