#include "bridge/receive/PostIntake.h"

#include "bridge/Log.h"
#include "mapping/Encoding.h"
#include "mapping/ReceiveKeyMap.h"

#include <Poco/Net/MediaType.h>

using Poco::Net::HTTPResponse;

namespace dpp::bridge {

namespace {

std::string tokenForLog(std::string_view token) {
    return std::string(token.substr(0, 6)) + "…";
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

std::string mediaTypeOf(std::string_view contentType) {
    if (contentType.empty())
        return "";
    Poco::Net::MediaType type{std::string(contentType)};
    return type.getType() + "/" + type.getSubType();
}

} // namespace

std::optional<std::string_view> dataSourceToken(std::string_view target) {
    std::string_view path = target.substr(0, target.find('?'));
    if (!path.starts_with("/post/"))
        return std::nullopt;
    std::string_view token = path.substr(6);
    if (token.ends_with('/'))
        token.remove_suffix(1);
    if (token.size() != 40)
        return std::nullopt;
    for (char c : token)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return std::nullopt;
    return token;
}

std::int64_t sourceChangeOf(std::string_view header) {
    if (header.empty() || header.size() > 18)
        return 0;
    std::int64_t change = 0;
    for (char c : header) {
        if (c < '0' || c > '9')
            return 0;
        change = change * 10 + (c - '0');
    }
    return change;
}

std::string errorJson(const std::string& message) {
    std::string json = "{\"status\": \"Error\", \"error\": ";
    mapping::appendJsonString(message, json);
    json += "}\n";
    return json;
}

void PostIntake::refuse(Post& post, HTTPResponse::HTTPStatus status, const std::string& message,
                        bool log, bool close) {
    tally_.refused();
    post.reply = PostReply{status, errorJson(message), close, false, false, ""};
    if (log && post.known)
        logWarning("post to data source " + std::to_string(post.known->source.id) +
                   " refused: " + message);
}

void PostIntake::admit(Post& post, std::string_view token, std::string_view method,
                       std::int64_t nowMs) {
    if (method != "GET" && method != "POST") {
        post.reply = PostReply{HTTPResponse::HTTP_METHOD_NOT_ALLOWED,
                               errorJson("a data source takes GET query strings and POST "
                                         "bodies, not " +
                                         std::string(method)),
                               false,
                               false,
                               true,
                               ""};
        return;
    }
    post.token = token;
    post.known = sources_.find(post.token, nowMs);
    if (!post.known) {
        post.reply = PostReply{HTTPResponse::HTTP_NOT_FOUND,
                               errorJson("no data source at this address"),
                               false,
                               false,
                               false,
                               ""};
        return;
    }
    std::int64_t source = post.known->source.id;
    PostRateLimiter::Admission admission = rates_.admit(source, nowMs);
    if (admission.admitted)
        return;
    // The body stays unread on a connection thread: the connection closes after this answer.
    refuse(post, HTTPResponse::HTTP_TOO_MANY_REQUESTS,
           "this data source takes at most " + std::to_string(rates_.rate()) +
               " posts per second (server.posts_per_second); try again in a second",
           false, true);
    post.reply->retryAfter = true;
    if (admission.refusedToReport > 0)
        logWarning("data source " + std::to_string(source) + " refused " +
                   std::to_string(admission.refusedToReport) +
                   " post(s) beyond server.posts_per_second (" + std::to_string(rates_.rate()) +
                   ")");
}

void PostIntake::checkAnnouncedLength(Post& post, std::uint64_t contentLength) {
    if (contentLength > limits_.maxBodyBytes)
        refuse(post, HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE,
               "the body is " + std::to_string(contentLength) +
                   " bytes; this data source takes at most " + std::to_string(limits_.maxBodyBytes),
               true, true);
}

void PostIntake::prepare(Post& post, std::string_view method, std::string_view uri,
                         std::string_view contentType, std::string_view body,
                         std::string idempotencyKey, std::string hops) {
    mapping::KeyValues posted;
    try {
        auto question = uri.find('?');
        if (question != std::string_view::npos)
            posted = mapping::decodeForm(uri.substr(question + 1));
        if (method == "POST") {
            std::string mediaType = mediaTypeOf(contentType);
            mapping::KeyValues fromBody;
            if (mediaType == "application/x-www-form-urlencoded" ||
                (mediaType.empty() && !body.empty() && body.front() != '{'))
                fromBody = mapping::decodeForm(body);
            else if (mediaType == "application/json" || (mediaType.empty() && !body.empty()))
                fromBody = mapping::decodeJsonObject(body, limits_.maxJsonDepth);
            else if (!body.empty()) {
                refuse(post, HTTPResponse::HTTP_UNSUPPORTEDMEDIATYPE,
                       "Content-Type '" + std::string(contentType) +
                           "' is not taken; post application/x-www-form-urlencoded or "
                           "application/json",
                       false);
                return;
            }
            posted.insert(posted.end(), std::make_move_iterator(fromBody.begin()),
                          std::make_move_iterator(fromBody.end()));
        }
    } catch (const mapping::DecodeError& error) {
        refuse(post, HTTPResponse::HTTP_BAD_REQUEST, std::string("malformed post: ") + error.what(),
               false);
        logWarning("post to data source " + std::to_string(post.known->source.id) +
                   " refused: " + error.what());
        return;
    }
    prepareKeys(post, std::move(posted), std::move(idempotencyKey), std::move(hops));
}

void PostIntake::prepareKeys(Post& post, mapping::KeyValues posted, std::string idempotencyKey,
                             std::string hops) {
    if (posted.empty()) {
        refuse(post, HTTPResponse::HTTP_BAD_REQUEST, "the post carries no key/value pairs", false);
        return;
    }
    if (auto broken = postLimitBroken(posted, limits_)) {
        refuse(post, HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, *broken, true);
        return;
    }
    if (idempotencyKey.size() > 200 || !mapping::isValidUtf8(idempotencyKey)) {
        refuse(post, HTTPResponse::HTTP_BAD_REQUEST,
               "the Idempotency-Key header must be valid UTF-8 of at most 200 bytes", false);
        return;
    }
    mapping::ReceiveKeyMap::Result mapped = post.known->keyMap.apply(posted);
    post.contact = std::move(mapped.contact);
    post.postedFields = std::move(mapped.postedFields);
    post.extras = interpretUnmappedKeys(mapped.unmapped, post.known->catalog, config_);
    post.idempotencyKey = std::move(idempotencyKey);
    if (hops.size() > 1000)
        hops.clear(); // not a chain dppbridge would send; treated as none
    post.hops = std::move(hops);
}

void PostIntake::storeAll(const std::vector<Post*>& posts) {
    std::vector<ReceivedPosts::PostToStore> toStore;
    std::vector<Post*> stored;
    for (Post* post : posts) {
        if (post->reply)
            continue;
        ReceivedPosts::PostToStore entry;
        entry.source = &post->known->source;
        entry.contact = &post->contact;
        entry.ignoredKeys = &post->extras.ignoredKeys;
        entry.idempotencyKey = std::move(post->idempotencyKey); // not needed after storing
        entry.extras = &post->extras;
        entry.hops = std::move(post->hops);
        entry.postedFields = &post->postedFields;
        entry.sourceChange = post->sourceChange;
        toStore.push_back(std::move(entry));
        stored.push_back(post);
    }
    if (toStore.empty())
        return;
    store_.receiveAll(toStore);
    for (std::size_t i = 0; i < stored.size(); ++i) {
        Post& post = *stored[i];
        if (toStore[i].error) {
            std::string why;
            try {
                std::rethrow_exception(toStore[i].error);
            } catch (const std::exception& error) {
                why = error.what();
            } catch (...) {
                why = "an unknown error";
            }
            logError("data source " + std::to_string(post.known->source.id) +
                     ": a contact could not be stored: " + why);
            tally_.refused();
            post.reply = PostReply{HTTPResponse::HTTP_INTERNAL_SERVER_ERROR,
                                   errorJson("the contact could not be stored; nothing was kept "
                                             "(the server's log says why)"),
                                   true,
                                   false,
                                   false,
                                   ""};
            continue;
        }
        post.received = std::move(toStore[i].result);
        answer(post);
    }
}

void PostIntake::answer(Post& post) {
    const ReceivedContact& received = post.received;
    std::int64_t source = post.known->source.id;
    std::string problems = "[";
    std::size_t count = 0;
    auto addProblem = [&](const std::string& problem) {
        problems += count++ ? ", " : "";
        mapping::appendJsonString(problem, problems);
        logWarning("data source " + std::to_string(source) + " contact " +
                   std::to_string(received.contactId) + ": " + problem);
    };
    if (!received.duplicate) {
        for (const std::string& problem : received.problems)
            addProblem(problem);
        if (received.match != MatchOutcome::Rejected)
            for (const std::string& problem : post.extras.problems)
                addProblem(problem);
    }
    problems += "]";
    if (received.match == MatchOutcome::Rejected) {
        tally_.rejectedDuplicate();
        std::string json = "{\"status\": \"Duplicate\", \"duplicate_of\": " +
                           std::to_string(*received.duplicateOf) + ", \"rule\": ";
        mapping::appendJsonString(received.matchedRule, json);
        json += ", \"error\": ";
        mapping::appendJsonString("a contact matching this one by '" + received.matchedRule +
                                      "' exists (contact " + std::to_string(*received.duplicateOf) +
                                      "); this data source rejects duplicates",
                                  json);
        json += ", \"ignored_keys\": " + jsonKeyList(received.ignoredKeys) +
                ", \"problems\": " + problems + "}\n";
        post.reply =
            PostReply{HTTPResponse::HTTP_CONFLICT, std::move(json), false, false, false, ""};
        if (logEnabled(LogLevel::Debug))
            logDebug("data source " + std::to_string(source) + " rejected a duplicate of contact " +
                     std::to_string(*received.duplicateOf) + " (" + received.matchedRule + ")");
        return;
    }
    std::string json =
        "{\"status\": \"Success\", \"contact_id\": " + std::to_string(received.contactId) +
        ", \"duplicate\": " + (received.duplicate ? "true" : "false");
    if (received.match == MatchOutcome::Updated) {
        json += std::string(", \"updated\": ") + (received.stale ? "false" : "true") +
                ", \"changed\": " + jsonKeyList(received.changed) + ", \"matched_by\": ";
        mapping::appendJsonString(received.matchedRule, json);
        if (received.stale)
            json += ", \"stale\": true";
    }
    if (received.match == MatchOutcome::CreatedAsDuplicate)
        json += ", \"duplicate_of\": " + std::to_string(*received.duplicateOf);
    json += ", \"ignored_keys\": " + jsonKeyList(received.ignoredKeys) +
            ", \"problems\": " + problems + postedOn(received) + "}\n";
    post.reply = PostReply{HTTPResponse::HTTP_OK, std::move(json), false, false, false, ""};
    const std::string& redirect = post.known->source.redirectUrl;
    if (post.prefersHtml && !redirect.empty()) {
        post.reply->status = HTTPResponse::HTTP_SEE_OTHER;
        post.reply->location = redirect;
    }
    if (received.duplicate)
        tally_.repeated();
    else if (received.match == MatchOutcome::Updated)
        tally_.updated();
    else
        tally_.stored();
    if (logEnabled(LogLevel::Debug))
        logDebug("data source " + std::to_string(source) + " (" + tokenForLog(post.token) + ") " +
                 (received.duplicate                        ? "repeated post for contact "
                  : received.match == MatchOutcome::Updated ? "updated contact "
                                                            : "stored contact ") +
                 std::to_string(received.contactId) +
                 (received.ignoredKeys.empty()
                      ? std::string()
                      : ", ignored keys: " + jsonKeyList(received.ignoredKeys)));
}

} // namespace dpp::bridge
