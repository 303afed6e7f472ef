#include "bridge/http/DataSourceHandler.h"

#include "bridge/http/ConnectionWatchdog.h"
#include "bridge/http/HttpReplies.h"
#include "bridge/receive/AcceptPreference.h"
#include "bridge/send/HttpSender.h"
#include "mapping/Encoding.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <chrono>

using Poco::Net::HTTPResponse;

namespace dpp::bridge {

namespace {

class BodyTooLarge : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

std::string readBody(Poco::Net::HTTPServerRequest& request, std::size_t limit) {
    std::string body;
    if (request.hasContentLength())
        body.reserve(static_cast<std::size_t>(request.getContentLength64()));
    std::istream& stream = request.stream();
    char buffer[16384];
    while (stream) {
        stream.read(buffer, sizeof(buffer));
        body.append(buffer, static_cast<std::size_t>(stream.gcount()));
        if (body.size() > limit)
            throw BodyTooLarge("the body is larger than " + std::to_string(limit) +
                               " bytes, the most this data source takes");
    }
    if (request.hasContentLength() &&
        body.size() != static_cast<std::size_t>(request.getContentLength64()))
        throw mapping::DecodeError("the body ended after " + std::to_string(body.size()) +
                                   " of the " + std::to_string(request.getContentLength64()) +
                                   " bytes its Content-Length announced");
    ConnectionWatchdog::requestArrived();
    return body;
}

} // namespace

void sendReply(Poco::Net::HTTPServerResponse& response, const PostReply& reply) {
    if (reply.close)
        response.setKeepAlive(false);
    if (reply.retryAfter)
        response.set("Retry-After", "1");
    if (reply.allowGetPost)
        response.set("Allow", "GET, POST");
    if (!reply.location.empty())
        response.set("Location", reply.location);
    replyJson(response, reply.status, reply.json);
}

void DataSourceHandler::handleRequest(Poco::Net::HTTPServerRequest& request,
                                      Poco::Net::HTTPServerResponse& response) {
    const std::string& method = request.getMethod();
    const std::int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count();
    PostIntake::Post post;
    intake_.admit(post, token_, method, nowMs);
    if (!post.reply && method == "POST" && request.hasContentLength())
        intake_.checkAnnouncedLength(post,
                                     static_cast<std::uint64_t>(request.getContentLength64()));
    std::string body;
    if (!post.reply && method == "POST") {
        try {
            body = readBody(request, intake_.limits().maxBodyBytes);
        } catch (const BodyTooLarge& error) {
            intake_.refuse(post, HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, error.what(), true,
                           true);
        } catch (const mapping::DecodeError& error) {
            intake_.refuse(post, HTTPResponse::HTTP_BAD_REQUEST,
                           std::string("malformed post: ") + error.what(), true);
        }
    }
    if (!post.reply)
        intake_.prepare(post, method, request.getURI(), request.getContentType(), body,
                        request.get("Idempotency-Key", request.get("webhook-id", "")),
                        request.get(kHopsHeader, ""));
    post.prefersHtml = prefersHtml(request.get("Accept", ""));
    post.sourceChange = sourceChangeOf(request.get(kChangeHeader, ""));
    if (!post.reply)
        intake_.storeAll({&post});
    sendReply(response, *post.reply);
}

} // namespace dpp::bridge
