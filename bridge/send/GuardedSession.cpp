#include "bridge/send/GuardedSession.h"

#include <Poco/Net/HTTPSClientSession.h>

namespace dpp::bridge {

namespace {

void refuseIfBarred(const DestinationPolicy& policy, const std::string& host,
                    const Poco::Net::SocketAddress& address) {
    if (auto reason = policy.refusal(address.host())) {
        Poco::Net::IPAddress literal;
        bool named = !Poco::Net::IPAddress::tryParse(host, literal);
        throw DestinationRefused(named ? "host '" + host + "': " + *reason : *reason);
    }
}

class GuardedHttpSession : public Poco::Net::HTTPClientSession {
public:
    GuardedHttpSession(const std::string& host, Poco::UInt16 port, const DestinationPolicy& policy)
        : Poco::Net::HTTPClientSession(host, port), policy_(policy) {}

protected:
    void connect(const Poco::Net::SocketAddress& address) override {
        refuseIfBarred(policy_, getHost(), address);
        Poco::Net::HTTPClientSession::connect(address);
    }

public:
    void connectIfClosed() {
        if (!connected())
            reconnect();
    }

private:
    const DestinationPolicy& policy_;
};

class GuardedHttpsSession : public Poco::Net::HTTPSClientSession {
public:
    GuardedHttpsSession(const std::string& host, Poco::UInt16 port, Poco::Net::Context::Ptr context,
                        const DestinationPolicy& policy)
        : Poco::Net::HTTPSClientSession(host, port, std::move(context)), policy_(policy) {}

protected:
    void connect(const Poco::Net::SocketAddress& address) override {
        refuseIfBarred(policy_, getHost(), address);
        Poco::Net::HTTPSClientSession::connect(address);
    }

private:
    const DestinationPolicy& policy_;
};

} // namespace

void connectPlainSession(Poco::Net::HTTPClientSession& session) {
    auto* guarded = dynamic_cast<GuardedHttpSession*>(&session);
    if (!guarded)
        throw Poco::Net::NetException("not a plain http session of openGuardedSession");
    guarded->connectIfClosed();
}

std::unique_ptr<Poco::Net::HTTPClientSession>
openGuardedSession(const mapping::UrlParts& target, const DestinationPolicy& policy,
                   Poco::Net::Context::Ptr tlsContext) {
    auto port = static_cast<Poco::UInt16>(target.port);
    if (target.scheme == "https")
        return std::make_unique<GuardedHttpsSession>(target.host, port, std::move(tlsContext),
                                                     policy);
    return std::make_unique<GuardedHttpSession>(target.host, port, policy);
}

} // namespace dpp::bridge
