#include "bridge/receive/DataSourceHandler.h"

#include "bridge/InputError.h"
#include "bridge/Log.h"
#include "bridge/http/ConnectionWatchdog.h"
#include "bridge/http/HttpReplies.h"
#include "bridge/receive/SpecialKeys.h"
#include "bridge/send/HttpSender.h"
#include "bridge/store/ContactExtrasStore.h"
#include "mapping/Encoding.h"
#include "mapping/ReceiveKeyMap.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/MediaType.h>
#include <Poco/URI.h>

using Poco::Net::HTTPResponse;

namespace dpp::bridge {

namespace {

class BodyTooLarge : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

std::string readBody(Poco::Net::HTTPServerRequest& request, std::size_t limit) {
    if (request.hasContentLength() &&
        request.getContentLength64() > static_cast<Poco::Int64>(limit))
        throw BodyTooLarge("the body is " + std::to_string(request.getContentLength64()) +
                           " bytes; this data source takes at most " + std::to_string(limit));
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

std::string tokenForLog(const std::string& token) {
    return token.substr(0, 6) + "…";
}

std::string postedOn(const ReceivedContact& received) {
    if (received.postedOnBy)
        return ", \"posted_on\": {\"delivery\": " + std::to_string(*received.postedOnBy) + "}";
    if (received.notPostedOn.empty())
        return "";
    std::string text = ", \"not_posted_on\": ";
    mapping::appendJsonString(received.notPostedOn, text);
    return text;
}

std::string jsonKeyList(const std::vector<std::string>& keys) {
    std::string out = "[";
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (i)
            out += ", ";
        mapping::appendJsonString(keys[i], out);
    }
    return out + "]";
}

} // namespace

void DataSourceHandler::handleRequest(Poco::Net::HTTPServerRequest& request,
                                      Poco::Net::HTTPServerResponse& response) {
    const std::string& method = request.getMethod();
    if (method != "GET" && method != "POST") {
        response.set("Allow", "GET, POST");
        replyError(response, HTTPResponse::HTTP_METHOD_NOT_ALLOWED,
                   "a data source takes GET query strings and POST bodies, not " + method);
        return;
    }
    const std::int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count();
    std::shared_ptr<const DataSourceCache::Entry> known = sources_.find(token_, nowMs);
    if (!known) {
        replyError(response, HTTPResponse::HTTP_NOT_FOUND, "no data source at this address");
        return;
    }
    const DataSource* source = &known->source;
    PostRateLimiter::Admission admission = rates_.admit(source->id, nowMs);
    if (!admission.admitted) {
        // The body stays unread: the connection closes after this answer.
        response.setKeepAlive(false);
        response.set("Retry-After", "1");
        tally_.refused();
        replyError(response, HTTPResponse::HTTP_TOO_MANY_REQUESTS,
                   "this data source takes at most " + std::to_string(rates_.rate()) +
                       " posts per second (server.posts_per_second); try again in a second");
        if (admission.refusedToReport > 0)
            logWarning("data source " + std::to_string(source->id) + " refused " +
                       std::to_string(admission.refusedToReport) +
                       " post(s) beyond server.posts_per_second (" + std::to_string(rates_.rate()) +
                       ")");
        return;
    }
    mapping::KeyValues posted;
    try {
        std::string uri = request.getURI();
        auto question = uri.find('?');
        if (question != std::string::npos)
            posted = mapping::decodeForm(std::string_view(uri).substr(question + 1));
        if (method == "POST") {
            std::string body = readBody(request, limits_.maxBodyBytes);
            std::string contentType = request.getContentType();
            std::string mediaType;
            if (!contentType.empty())
                mediaType = Poco::Net::MediaType(contentType).getType() + "/" +
                            Poco::Net::MediaType(contentType).getSubType();
            mapping::KeyValues fromBody;
            if (mediaType == "application/x-www-form-urlencoded" ||
                (mediaType.empty() && !body.empty() && body.front() != '{'))
                fromBody = mapping::decodeForm(body);
            else if (mediaType == "application/json" || (mediaType.empty() && !body.empty()))
                fromBody = mapping::decodeJsonObject(body, limits_.maxJsonDepth);
            else if (!body.empty()) {
                tally_.refused();
                replyError(response, HTTPResponse::HTTP_UNSUPPORTEDMEDIATYPE,
                           "Content-Type '" + contentType +
                               "' is not taken; post application/x-www-form-urlencoded or "
                               "application/json");
                return;
            }
            posted.insert(posted.end(), std::make_move_iterator(fromBody.begin()),
                          std::make_move_iterator(fromBody.end()));
        }
    } catch (const BodyTooLarge& error) {
        response.setKeepAlive(false);
        tally_.refused();
        replyError(response, HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, error.what());
        logWarning("post to data source " + std::to_string(source->id) +
                   " refused: " + error.what());
        return;
    } catch (const mapping::DecodeError& error) {
        tally_.refused();
        replyError(response, HTTPResponse::HTTP_BAD_REQUEST,
                   std::string("malformed post: ") + error.what());
        logWarning("post to data source " + std::to_string(source->id) +
                   " refused: " + error.what());
        return;
    }
    if (posted.empty()) {
        tally_.refused();
        replyError(response, HTTPResponse::HTTP_BAD_REQUEST, "the post carries no key/value pairs");
        return;
    }
    if (auto broken = postLimitBroken(posted, limits_)) {
        tally_.refused();
        replyError(response, HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, *broken);
        logWarning("post to data source " + std::to_string(source->id) + " refused: " + *broken);
        return;
    }
    mapping::ReceiveKeyMap::Result mapped = known->keyMap.apply(posted);
    std::string idempotencyKey = request.get("Idempotency-Key", request.get("webhook-id", ""));
    if (idempotencyKey.size() > 200 || !mapping::isValidUtf8(idempotencyKey)) {
        tally_.refused();
        replyError(response, HTTPResponse::HTTP_BAD_REQUEST,
                   "the Idempotency-Key header must be valid UTF-8 of at most 200 bytes");
        return;
    }
    ReceivedExtras extras = interpretUnmappedKeys(mapped.unmapped, known->catalog, config_);
    std::string hops = request.get(kHopsHeader, "");
    if (hops.size() > 1000)
        hops.clear(); // not a chain dppbridge would send; treated as none
    ReceivedContact received =
        store_.receive(*source, mapped.contact, extras.ignoredKeys, idempotencyKey, &extras, hops);
    std::string problems = "[";
    for (std::size_t i = 0; i < extras.problems.size(); ++i) {
        problems += i ? ", " : "";
        mapping::appendJsonString(extras.problems[i], problems);
        logWarning("data source " + std::to_string(source->id) + " contact " +
                   std::to_string(received.contactId) + ": " + extras.problems[i]);
    }
    problems += "]";
    std::string json =
        "{\"status\": \"Success\", \"contact_id\": " + std::to_string(received.contactId) +
        ", \"duplicate\": " + (received.duplicate ? "true" : "false") +
        ", \"ignored_keys\": " + jsonKeyList(received.ignoredKeys) +
        ", \"problems\": " + (received.duplicate ? "[]" : problems) + postedOn(received) + "}\n";
    replyJson(response, HTTPResponse::HTTP_OK, json);
    if (received.duplicate)
        tally_.repeated();
    else
        tally_.stored();
    if (logEnabled(LogLevel::Debug))
        logDebug("data source " + std::to_string(source->id) + " (" + tokenForLog(token_) + ") " +
                 (received.duplicate ? "repeated post for contact " : "stored contact ") +
                 std::to_string(received.contactId) +
                 (received.ignoredKeys.empty()
                      ? std::string()
                      : ", ignored keys: " + jsonKeyList(received.ignoredKeys)));
}

} // namespace dpp::bridge
