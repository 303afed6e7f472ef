#include "bridge/http/HttpReplies.h"

#include "mapping/Encoding.h"

namespace dpp::bridge {

void replyJson(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
               const std::string& json) {
    response.setStatusAndReason(status);
    response.setContentType("application/json; charset=utf-8");
    response.setContentLength(static_cast<std::streamsize>(json.size()));
    response.send().write(json.data(), static_cast<std::streamsize>(json.size()));
}

void replyError(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
                const std::string& message) {
    std::string json = "{\"status\": \"Error\", \"error\": ";
    mapping::appendJsonString(message, json);
    json += "}\n";
    replyJson(response, status, json);
}

} // namespace dpp::bridge
