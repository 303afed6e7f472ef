#pragma once
// Small helpers every handler uses to answer: a JSON body with its length, and an error in
// the shape {"status":"Error","error":"..."}. Stateless; thread-safe.
#include <Poco/Net/HTTPServerResponse.h>

#include <string>

namespace dpp::bridge {

void replyJson(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
               const std::string& json);
void replyError(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
                const std::string& message);

} // namespace dpp::bridge
