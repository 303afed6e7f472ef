#pragma once
// One HTTP request to a server on loopback and its whole answer, for tests of the data
// sources. A new connection per request; chunked sends the body with Transfer-Encoding:
// chunked (which the receive loops hand over to the request threads).
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <cstdint>
#include <map>
#include <string>

namespace dpp::testing {

struct Answer {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;

    Poco::JSON::Object::Ptr json() const {
        return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
    }
};

inline Answer sendRequest(std::uint16_t port, const std::string& method, const std::string& uri,
                          const std::string& body = "", const std::string& contentType = "",
                          const std::map<std::string, std::string>& headers = {},
                          bool chunked = false) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    Poco::Net::HTTPRequest request(method, uri, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!contentType.empty())
        request.setContentType(contentType);
    for (const auto& [name, value] : headers)
        request.set(name, value);
    if (chunked)
        request.setChunkedTransferEncoding(true);
    else if (method == "POST" || !body.empty())
        request.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Answer answer;
    answer.status = response.getStatus();
    for (const auto& [name, value] : response)
        answer.headers[name] = value;
    Poco::StreamCopier::copyToString(in, answer.body);
    return answer;
}

} // namespace dpp::testing
