#include "bridge/http/DocumentHandler.h"

#include "bridge/Log.h"
#include "bridge/documents/DocumentHeaders.h"
#include "bridge/documents/PeerAuthentication.h"
#include "bridge/http/HttpReplies.h"
#include "bridge/store/ContactExtrasStore.h"
#include "bridge/store/DocumentGrantStore.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/StreamCopier.h>

#include <charconv>
#include <fstream>

using Poco::Net::HTTPResponse;

namespace dpp::bridge {

namespace {

constexpr std::size_t kStreamBufferBytes = 64 * 1024;
constexpr const char* kNotFoundMessage = "no document at this address";

std::optional<std::int64_t> positiveInteger(std::string_view text) {
    if (text.empty() || text.front() == '0')
        return std::nullopt;
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value <= 0)
        return std::nullopt;
    return value;
}

std::string describe(const std::optional<DocumentAddress>& address) {
    if (!address)
        return "a malformed document path";
    return "account " + std::to_string(address->account) + " contact " +
           std::to_string(address->contact) + " document " + std::to_string(address->document);
}

} // namespace

std::optional<DocumentAddress> parseDocumentPath(std::string_view path) {
    constexpr std::string_view prefix = "/docs/";
    if (!path.starts_with(prefix))
        return std::nullopt;
    path.remove_prefix(prefix.size());
    std::optional<std::int64_t> parts[3];
    for (int i = 0; i < 3; ++i) {
        std::size_t slash = path.find('/');
        bool last = i == 2;
        if (last != (slash == std::string_view::npos))
            return std::nullopt;
        parts[i] = positiveInteger(path.substr(0, slash));
        if (!parts[i])
            return std::nullopt;
        if (!last)
            path.remove_prefix(slash + 1);
    }
    return DocumentAddress{*parts[0], *parts[1], *parts[2]};
}

void DocumentHandler::handleRequest(Poco::Net::HTTPServerRequest& request,
                                    Poco::Net::HTTPServerResponse& response) {
    const std::string& method = request.getMethod();
    if (method != Poco::Net::HTTPRequest::HTTP_GET && method != Poco::Net::HTTPRequest::HTTP_HEAD) {
        response.set("Allow", "GET, HEAD");
        replyError(response, HTTPResponse::HTTP_METHOD_NOT_ALLOWED,
                   "the document endpoint answers GET and HEAD");
        return;
    }
    std::string_view uri = request.getURI();
    std::optional<DocumentAddress> address = parseDocumentPath(uri.substr(0, uri.find('?')));
    std::string client = request.clientAddress().host().toString();

    std::optional<std::int64_t> peer = authenticatePeer(config_, request);
    if (!peer) {
        logWarning("document endpoint: refused " + describe(address) + " to unauthenticated " +
                   client + " (401)");
        response.set("WWW-Authenticate", std::string("Basic realm=\"") + kDocumentsRealm + "\"");
        replyError(response, HTTPResponse::HTTP_UNAUTHORIZED, "authentication required");
        return;
    }
    std::string caller = "peer " + std::to_string(*peer);

    std::optional<StoredDocument> stored;
    std::string refusal;
    try {
        if (!address)
            refusal = "malformed path";
        else if (!(stored = ContactExtrasStore(database_).document(address->document)))
            refusal = "no such document";
        else if (stored->contactId != address->contact)
            refusal = "the document belongs to another contact";
        else if (!DocumentGrantStore(database_).isGranted(address->account, address->contact,
                                                          address->document, *peer, clock_.nowMs()))
            refusal = "no unexpired grant to this peer (or the contact is not the account's)";
    } catch (const std::exception& error) {
        logError("document endpoint: " + describe(address) + " for " + caller + ": " +
                 error.what());
        replyError(response, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "the store failed");
        return;
    }
    if (!refusal.empty()) {
        logWarning("document endpoint: refused " + describe(address) + " to " + caller + " (" +
                   client + "): " + refusal + " (404)");
        replyError(response, HTTPResponse::HTTP_NOT_FOUND, kNotFoundMessage);
        return;
    }

    std::ifstream file(stored->file, std::ios::binary);
    std::error_code sizeError;
    std::uintmax_t size = std::filesystem::file_size(stored->file, sizeError);
    if (!file || sizeError) {
        logError("document endpoint: " + describe(address) + " for " + caller + ": cannot read " +
                 stored->file.string());
        replyError(response, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR,
                   "the document's bytes cannot be read");
        return;
    }
    response.setStatusAndReason(HTTPResponse::HTTP_OK);
    response.setContentType(stored->document.contentType.empty() ? "application/octet-stream"
                                                                 : stored->document.contentType);
    response.setContentLength64(static_cast<Poco::UInt64>(size));
    response.set(kDocumentSha256Header, stored->document.sha256Hex);
    response.set(kDocumentNameHeader, encodeDocumentName(stored->document.name));
    response.set("Cache-Control", "no-store");
    try {
        std::ostream& out = response.send();
        if (method == Poco::Net::HTTPRequest::HTTP_GET)
            Poco::StreamCopier::copyStream(file, out, kStreamBufferBytes);
        logInfo("document endpoint: sent " + describe(address) + " to " + caller + " (" +
                std::to_string(size) + " bytes" +
                (method == Poco::Net::HTTPRequest::HTTP_HEAD ? ", headers only)" : ")"));
    } catch (const std::exception& error) {
        logWarning("document endpoint: " + describe(address) + " to " + caller +
                   " interrupted: " + error.what());
    }
}

} // namespace dpp::bridge
