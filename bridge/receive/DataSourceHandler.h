#pragma once
// Answers posts to /post/<token>/: decodes a GET query string, a form post or a JSON post,
// maps keys verbatim to fields, stores the contact (once per Idempotency-Key) and answers
// 200 with "Success", the contact id and the keys it ignored. Bad input gets a 4xx with a
// message and stores nothing: a body, key count, key or value past its bound (413/400), JSON
// nesting past server.max_json_depth (400), more posts per second than the data source may
// take (429 with Retry-After). One instance per request (POCO's handler model).
#include "bridge/Config.h"
#include "bridge/receive/DataSourceCache.h"
#include "bridge/receive/PostLimits.h"
#include "bridge/receive/PostRateLimiter.h"
#include "bridge/receive/ReceiveTally.h"
#include "bridge/store/DataSourceStore.h"

#include <Poco/Net/HTTPRequestHandler.h>

namespace dpp::bridge {

class DataSourceHandler : public Poco::Net::HTTPRequestHandler {
public:
    DataSourceHandler(const Config& config, DataSourceStore& store, DataSourceCache& sources,
                      const PostLimits& limits, PostRateLimiter& rates, ReceiveTally& tally,
                      std::string token)
        : config_(config), store_(store), sources_(sources), limits_(limits), rates_(rates),
          tally_(tally), token_(std::move(token)) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override;

private:
    const Config& config_;
    DataSourceStore& store_;
    DataSourceCache& sources_;
    const PostLimits& limits_;
    PostRateLimiter& rates_;
    ReceiveTally& tally_;
    std::string token_;
};

} // namespace dpp::bridge
