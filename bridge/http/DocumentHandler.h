#pragma once
// The document endpoint: GET (and HEAD) /docs/<account>/<contact>/<document>, answered only
// to an authenticated partner (HTTP Basic with peers.<id>.username/password) holding an
// unexpired grant for that very document (DocumentGrantStore). Everyone else gets
//   401 + WWW-Authenticate: Basic realm="dppbridge documents"   bad or missing credentials
//   404 with one fixed body whatever the reason (no grant, expired, unknown document, contact
//       or account, malformed path), so nobody learns whether a document exists.
// A granted document is sent with Content-Type, Content-Length, X-Document-Sha256 (the
// checksum recorded at upload) and X-Document-Name (percent-encoded UTF-8), the body streamed
// from the file through a fixed buffer: memory does not grow with the file's size.
// Every refusal is logged (account, contact, document, peer or "unauthenticated"), never a
// credential. One handler per request (POCO's model); the Config, Database and Clock it
// refers to must outlive it. Never throws to POCO: failures become answers and log lines.
#include "bridge/Clock.h"
#include "bridge/Config.h"
#include "bridge/store/Database.h"

#include <Poco/Net/HTTPRequestHandler.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace dpp::bridge {

struct DocumentAddress {
    std::int64_t account = 0;
    std::int64_t contact = 0;
    std::int64_t document = 0;
};

// "/docs/1001/55/12" -> {1001, 55, 12}; nothing unless it is exactly three positive decimal
// integers (no sign, no leading zero, no query or trailing slash).
std::optional<DocumentAddress> parseDocumentPath(std::string_view path);

class DocumentHandler : public Poco::Net::HTTPRequestHandler {
public:
    DocumentHandler(const Config& config, Database& database, const Clock& clock)
        : config_(config), database_(database), clock_(clock) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override;

private:
    const Config& config_;
    Database& database_;
    const Clock& clock_;
};

} // namespace dpp::bridge
