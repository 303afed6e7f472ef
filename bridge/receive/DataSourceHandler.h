#pragma once
// Answers posts to /post/<token>/: decodes a GET query string, a form post or a JSON post,
// maps keys verbatim to fields, stores the contact (once per Idempotency-Key) and answers
// 200 with "Success", the contact id and the keys it ignored. Bad input gets a 4xx with a
// message and stores nothing. One instance per request (POCO's handler model).
#include "bridge/store/DataSourceStore.h"

#include <Poco/Net/HTTPRequestHandler.h>

namespace dpp::bridge {

struct ReceiveLimits {
    std::size_t maxBodyBytes = 1024 * 1024;
};

class DataSourceHandler : public Poco::Net::HTTPRequestHandler {
public:
    DataSourceHandler(DataSourceStore& store, ReceiveLimits limits, std::string token)
        : store_(store), limits_(limits), token_(std::move(token)) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override;

private:
    DataSourceStore& store_;
    ReceiveLimits limits_;
    std::string token_;
};

} // namespace dpp::bridge
