#pragma once
// A loopback port that refuses connections and that no other process can take: a socket bound
// to it that never listens (connecting gets ECONNREFUSED). The suites run in parallel, so a
// port merely closed could be bound by another test's server meanwhile. release() frees it,
// for a server of the test's own to bind. Not copyable.
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/SocketImpl.h>
#include <Poco/Net/StreamSocket.h>

namespace dpp::testing {

class RefusingPort {
public:
    RefusingPort() {
        socket_.impl()->bind(Poco::Net::SocketAddress("127.0.0.1", 0));
        port_ = socket_.address().port();
    }
    RefusingPort(const RefusingPort&) = delete;
    RefusingPort& operator=(const RefusingPort&) = delete;

    Poco::UInt16 port() const { return port_; }
    void release() { socket_.close(); }
    ~RefusingPort() { release(); }

private:
    Poco::Net::StreamSocket socket_{Poco::Net::SocketAddress::IPv4};
    Poco::UInt16 port_ = 0;
};

} // namespace dpp::testing
