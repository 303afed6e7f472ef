#pragma once
// What a post to a data source goes through, whichever way it arrived (POCO's connection
// threads, or the receive loops that serve many connections each): admit() finds the data
// source and applies the post rate, prepare() decodes the body and checks the limits and
// keys, storeAll() stores prepared posts in one group commit, answer() builds the 200.
// Any step may refuse the post instead: its reply is then set and nothing is stored. A
// refusal is tallied and, when it points at a misbehaving sender, logged. Thread-safe: the
// intake is shared; each Post belongs to one thread.
#include "bridge/Config.h"
#include "bridge/receive/DataSourceCache.h"
#include "bridge/receive/PostLimits.h"
#include "bridge/receive/PostRateLimiter.h"
#include "bridge/receive/ReceiveTally.h"
#include "bridge/receive/ReceivedPosts.h"
#include "bridge/receive/SpecialKeys.h"

#include <Poco/Net/HTTPResponse.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dpp::bridge {

// An answer to a post, independent of how it is written on the wire.
struct PostReply {
    Poco::Net::HTTPResponse::HTTPStatus status = Poco::Net::HTTPResponse::HTTP_OK;
    std::string json;          // the whole body, a JSON object and a newline
    bool close = false;        // the connection closes after it
    bool retryAfter = false;   // Retry-After: 1 (429)
    bool allowGetPost = false; // Allow: GET, POST (405)
    std::string location;      // Location (303 to a web form's page)
};

class PostIntake {
public:
    PostIntake(const Config& config, ReceivedPosts& store, DataSourceCache& sources,
               const PostLimits& limits, PostRateLimiter& rates, ReceiveTally& tally)
        : config_(config), store_(store), sources_(sources), limits_(limits), rates_(rates),
          tally_(tally) {}

    // One post on its way through the steps.
    struct Post {
        std::optional<PostReply> reply; // set once refused or answered
        std::string token;              // of the address posted to (for the debug log)
        std::shared_ptr<const DataSourceCache::Entry> known;
        mapping::Contact contact;
        ReceivedExtras extras;
        std::string idempotencyKey;
        std::string hops;
        std::vector<mapping::SystemField> postedFields;
        bool prefersHtml = false;      // a browser's form: answered 303 to the redirect, if any
        std::int64_t sourceChange = 0; // X-Dppbridge-Change (sourceChangeOf)
        ReceivedContact received;
    };

    // The data source at token for this method at nowMs (steady milliseconds): 405 for a
    // method other than GET and POST, 404 for an unknown token, 429 past
    // server.posts_per_second (the connection closes).
    void admit(Post& post, std::string_view token, std::string_view method, std::int64_t nowMs);
    // The body a POST announces with Content-Length: 413 (closing) past server.max_body_bytes.
    void checkAnnouncedLength(Post& post, std::uint64_t contentLength);
    // Decodes the query string of uri and the body by its Content-Type (form or JSON; without
    // a type, JSON when it starts with '{'), checks the limits, maps the keys and interprets
    // the rest (plan, documents, budget tags): 400, 413 or 415 when the post cannot be taken.
    // idempotencyKey and hops are the headers' values ("" when absent).
    void prepare(Post& post, std::string_view method, std::string_view uri,
                 std::string_view contentType, std::string_view body, std::string idempotencyKey,
                 std::string hops);
    // The part of prepare() after decoding: the limits, the Idempotency-Key, the keys mapped
    // and the rest interpreted (an import's rows enter here).
    void prepareKeys(Post& post, mapping::KeyValues posted, std::string idempotencyKey,
                     std::string hops);
    // Stores every post not yet refused, in one group commit, and answers each: 200 with the
    // contact (303 to the data source's redirect for a browser), 409 when de-dupe rejected it
    // as a duplicate, or 500 when its storing failed (logged; the others are unaffected).
    void storeAll(const std::vector<Post*>& posts);

    const PostLimits& limits() const { return limits_; }

    // Refuses the post with status and message, tallied; logged as a warning when log is set.
    void refuse(Post& post, Poco::Net::HTTPResponse::HTTPStatus status, const std::string& message,
                bool log, bool close = false);

private:
    void answer(Post& post);

    const Config& config_;
    ReceivedPosts& store_;
    DataSourceCache& sources_;
    const PostLimits& limits_;
    PostRateLimiter& rates_;
    ReceiveTally& tally_;
};

// The token of a data source's address, /post/<token>/ (40 lower-case hex characters; the
// last slash optional, a query string allowed), or nothing for any other target.
std::optional<std::string_view> dataSourceToken(std::string_view target);

// The X-Dppbridge-Change header's number: 1 to 18 digits, else 0 (none; a header is not
// trusted input to fail a post on).
std::int64_t sourceChangeOf(std::string_view header);

// {"status": "Error", "error": message} and a newline.
std::string errorJson(const std::string& message);

} // namespace dpp::bridge
