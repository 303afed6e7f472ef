#pragma once
// How an exception thrown while talking HTTP(S) to a peer is reported and whether trying
// again may help: timeouts and network errors are retryable, TLS failures (a refused
// certificate, a plain server behind https) are not. Call from inside a catch block.
#include <string>

namespace dpp::bridge {

struct NetworkFailure {
    std::string error;
    bool retryable = false;
};

// Rethrows the exception being handled and classifies it.
NetworkFailure classifyCurrentException();

} // namespace dpp::bridge
