#pragma once
// Answers posts to /post/<token>/: decodes a GET query string, a form post or a JSON post,
// maps keys verbatim to fields, stores the contact (once per Idempotency-Key) and answers
// 200 with "Success", the contact id and the keys it ignored. Bad input gets a 4xx with a
// message and stores nothing. One instance per request (POCO's handler model).
#include "bridge/Config.h"
#include "bridge/store/DataSourceStore.h"

#include <Poco/Net/HTTPRequestHandler.h>

namespace dpp::bridge {

struct ReceiveLimits {
    std::size_t maxBodyBytes = 1024 * 1024;
};

class DataSourceHandler : public Poco::Net::HTTPRequestHandler {
public:
    DataSourceHandler(const Config& config, Database& database, DataSourceStore& store,
                      ReceiveLimits limits, std::string token)
        : config_(config), database_(database), store_(store), limits_(limits),
          token_(std::move(token)) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override;

private:
    const Config& config_;
    Database& database_;
    DataSourceStore& store_;
    ReceiveLimits limits_;
    std::string token_;
};

} // namespace dpp::bridge
