#include "bridge/send/DestinationPolicy.h"

namespace dpp::bridge {

std::optional<std::string> DestinationPolicy::refusal(const Poco::Net::IPAddress& address) const {
    std::string text = address.toString();
    if (address.family() == Poco::Net::IPAddress::IPv6 && address.isIPv4Mapped()) {
        // ::ffff:a.b.c.d reaches the IPv4 address a.b.c.d: judge that one too, or
        // [::ffff:169.254.169.254] would pass as an ordinary IPv6 address.
        const auto* bytes = static_cast<const unsigned char*>(address.addr());
        Poco::Net::IPAddress mapped(bytes + 12, 4);
        if (auto reason = refusal(mapped))
            return "destination " + text + " is the IPv4 address " + mapped.toString() + "; " +
                   *reason;
    }
    if (address.isLinkLocal() || text == "169.254.169.254" || text == "fd00:ec2::254")
        return "destination " + text + " is a link-local or cloud metadata address; never allowed";
    if (address.isMulticast() || address.isBroadcast())
        return "destination " + text + " is a multicast or broadcast address";
    if (allowPrivate_)
        return std::nullopt;
    bool uniqueLocal = address.family() == Poco::Net::IPAddress::IPv6 &&
                       (static_cast<const unsigned char*>(address.addr())[0] & 0xfe) == 0xfc;
    if (address.isLoopback() || address.isSiteLocal() || address.isWildcard() || uniqueLocal ||
        address.isIPv4Mapped())
        return "destination " + text +
               " is a loopback or private address; set network.allow_private_destinations=true "
               "to allow it";
    return std::nullopt;
}

} // namespace dpp::bridge
