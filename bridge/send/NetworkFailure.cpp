#include "bridge/send/NetworkFailure.h"

#include "bridge/send/GuardedSession.h"

#include <Poco/Exception.h>
#include <Poco/Net/SSLException.h>

#include <exception>

namespace dpp::bridge {

NetworkFailure classifyCurrentException() {
    try {
        throw;
    } catch (const DestinationRefused& error) {
        return {error.message(), false};
    } catch (const Poco::TimeoutException& error) {
        return {"timed out: " + error.displayText(), true};
    } catch (const Poco::Net::SSLException& error) {
        return {"TLS: " + error.displayText(), false};
    } catch (const Poco::Exception& error) {
        return {error.displayText(), true};
    } catch (const std::exception& error) {
        return {error.what(), true};
    } catch (...) {
        return {"unknown error", true};
    }
}

} // namespace dpp::bridge
