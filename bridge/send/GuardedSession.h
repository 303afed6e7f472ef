#pragma once
// HTTP(S) client sessions that apply the destination policy to the very address they connect
// to, after DNS resolution and at connect time (also on a keep-alive reconnect), so a name that
// resolves differently between a check and the connect (DNS rebinding) cannot slip through.
// A refused address throws DestinationRefused before any byte is sent. Owned by one thread.
#include "bridge/send/DestinationPolicy.h"
#include "mapping/CompiledWebhook.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/NetException.h>

#include <memory>

namespace dpp::bridge {

// The policy refused the address a connection was about to reach; never worth a retry.
class DestinationRefused : public Poco::Net::NetException {
public:
    explicit DestinationRefused(const std::string& reason) : Poco::Net::NetException(reason) {}
    const char* name() const noexcept override { return "Destination refused"; }
    const char* className() const noexcept override { return "DestinationRefused"; }
    Poco::Exception* clone() const override { return new DestinationRefused(*this); }
    void rethrow() const override { throw *this; }
};

// A session for target's scheme, host and port; policy must outlive it. tlsContext is used
// for https targets.
std::unique_ptr<Poco::Net::HTTPClientSession>
openGuardedSession(const mapping::UrlParts& target, const DestinationPolicy& policy,
                   Poco::Net::Context::Ptr tlsContext);

// Connects a plain http session from openGuardedSession that is not connected (as its
// sendRequest would: through the policy), for requests written on its socket directly.
void connectPlainSession(Poco::Net::HTTPClientSession& session);

} // namespace dpp::bridge
