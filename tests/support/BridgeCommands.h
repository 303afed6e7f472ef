#pragma once
// Shorthands for end-to-end tests that run many dppbridge commands against one store: the
// global options plus a command, and a command that must succeed (the test stops otherwise,
// with the command's output). Boost.Test assertions; one test thread.
#include "support/Processes.h"

#include <boost/test/unit_test.hpp>

#include <initializer_list>
#include <string>
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

} // namespace dpp::testing
