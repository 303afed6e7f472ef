#pragma once
// Which addresses dppbridge may post to. Link-local and cloud metadata addresses are always
// refused; loopback, private and unspecified ranges only when
// network.allow_private_destinations is true. Applied to the resolved address at connect
// time by GuardedSession. Pure; thread-safe.
#include <Poco/Net/IPAddress.h>

#include <optional>
#include <string>

namespace dpp::bridge {

class DestinationPolicy {
public:
    explicit DestinationPolicy(bool allowPrivate) : allowPrivate_(allowPrivate) {}

    // Why an address is refused, or nothing when it is allowed.
    std::optional<std::string> refusal(const Poco::Net::IPAddress& address) const;

private:
    bool allowPrivate_;
};

} // namespace dpp::bridge
