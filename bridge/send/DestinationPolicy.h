#pragma once
// Which addresses dppbridge may post to. Link-local and cloud metadata addresses are always
// refused; loopback, private and unspecified ranges only when
// network.allow_private_destinations is true. Checked on the resolved addresses.
// Pure apart from DNS resolution in check(); thread-safe.
#include <Poco/Net/IPAddress.h>

#include <optional>
#include <string>

namespace dpp::bridge {

class DestinationPolicy {
public:
    explicit DestinationPolicy(bool allowPrivate) : allowPrivate_(allowPrivate) {}

    // Why an address is refused, or nothing when it is allowed.
    std::optional<std::string> refusal(const Poco::Net::IPAddress& address) const;
    // Resolves host and checks every address; the reason for the first refused one.
    std::optional<std::string> check(const std::string& host) const;

private:
    bool allowPrivate_;
};

} // namespace dpp::bridge
