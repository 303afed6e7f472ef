#pragma once
// One fetch of one document from a peer's document endpoint into a staging file: GET with
// HTTP Basic, no redirects followed, explicit timeouts, the destination policy checked after
// DNS; the body streamed through a fixed 64 KiB buffer into the file while SHA-256 is
// computed and bytes are counted; then size == Content-Length and the checksum ==
// X-Document-Sha256 are verified. On success the staging file holds exactly the verified
// bytes; on any failure it is removed. Never throws: failures come back in the result.
// Thread-safe: each call uses its own connection.
#include "bridge/send/DestinationPolicy.h"
#include "specialparams/CopyDocs.h"

#include <Poco/Net/Context.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace dpp::bridge {

struct FetchSettings {
    std::chrono::milliseconds connectTimeout{5000};
    std::chrono::milliseconds responseTimeout{30000}; // per read, not for the whole body
    const DestinationPolicy* policy = nullptr;        // required
    Poco::Net::Context::Ptr tlsContext;               // for https URLs
};

struct FetchRequest {
    std::string url; // absolute http(s) URL of the document
    std::string username;
    std::string password; // never logged nor put in an error
    std::filesystem::path stagingFile;
};

struct FetchResult {
    bool verified = false;  // the staging file holds the document
    bool retryable = false; // when not verified: worth trying again later
    int statusCode = 0;     // 0 when no response arrived
    std::string error;      // empty when verified
    std::optional<std::chrono::seconds> retryAfter;
    specialparams::UploadedDocument document; // when verified: name, type, size, sha256 (no id)
};

FetchResult fetchDocument(const FetchRequest& request, const FetchSettings& settings);

} // namespace dpp::bridge
