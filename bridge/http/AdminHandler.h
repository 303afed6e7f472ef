#pragma once
// The read-only admin endpoints of `serve`, for monitoring and for support at 2 a.m.; each
// needs "Authorization: Bearer <admin token>" (server.admin_token_file or
// DPPBRIDGE_ADMIN_TOKEN), and without a configured token they answer 404:
//   GET /admin/status              outbox counts by status, paused destinations, version
//   GET /admin/deliveries[?status=S&webhook=ID&contact=ID&batch=ID&limit=N]
//   GET /admin/deliveries/<id>     one delivery, its request (secrets masked) and attempts
//   GET /admin/destinations        destinations failing now and which are paused
// Answers the JSON `deliveries list|show|destinations --json` prints. One instance per request.
#include "bridge/store/Database.h"

#include <Poco/Net/HTTPRequestHandler.h>

#include <optional>
#include <string>

namespace dpp::bridge {

class AdminHandler : public Poco::Net::HTTPRequestHandler {
public:
    AdminHandler(Database& database, const std::optional<std::string>& token)
        : database_(database), token_(token) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override;

private:
    Database& database_;
    const std::optional<std::string>& token_;
};

} // namespace dpp::bridge
