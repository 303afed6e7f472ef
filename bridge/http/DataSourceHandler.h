#pragma once
// Answers posts to /post/<token>/ on POCO's connection threads: reads the request's body
// within server.max_body_bytes and takes it through the PostIntake (decoding, limits, one
// stored contact per Idempotency-Key, the answer). One instance per request (POCO's handler
// model). The receive loops (bridge/http/ReceiveLoop.h) take the same steps for the posts
// they serve themselves.
#include "bridge/receive/PostIntake.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace dpp::bridge {

class DataSourceHandler : public Poco::Net::HTTPRequestHandler {
public:
    DataSourceHandler(PostIntake& intake, std::string token)
        : intake_(intake), token_(std::move(token)) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override;

private:
    PostIntake& intake_;
    std::string token_;
};

// Writes reply on a POCO response (its status, headers and body).
void sendReply(Poco::Net::HTTPServerResponse& response, const PostReply& reply);

} // namespace dpp::bridge
