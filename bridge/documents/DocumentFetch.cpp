#include "bridge/documents/DocumentFetch.h"

#include "bridge/Version.h"
#include "bridge/documents/DocumentHeaders.h"
#include "bridge/send/GuardedSession.h"
#include "bridge/send/NetworkFailure.h"
#include "mapping/CompiledWebhook.h"

#include <Poco/DigestEngine.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SSLException.h>
#include <Poco/SHA2Engine.h>

#include <charconv>
#include <fstream>
#include <memory>
#include <vector>

namespace dpp::bridge {

namespace {

constexpr std::size_t kBufferBytes = 64 * 1024;

// Removes the staging file unless the fetch was verified.
class StagingGuard {
public:
    explicit StagingGuard(std::filesystem::path file) : file_(std::move(file)) {}
    ~StagingGuard() {
        if (!keep_) {
            std::error_code ignored;
            std::filesystem::remove(file_, ignored);
        }
    }
    void keep() { keep_ = true; }

private:
    std::filesystem::path file_;
    bool keep_ = false;
};

bool isRetryableStatus(int status) {
    return status == 401 || status == 403 || status == 404 || status == 408 || status == 429 ||
           (status >= 500 && status <= 599);
}

std::optional<std::chrono::seconds> retryAfterOf(const Poco::Net::HTTPResponse& response) {
    const std::string value = response.get("Retry-After", "");
    long seconds = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (value.empty() || error != std::errc() || end != value.data() + value.size() || seconds < 0)
        return std::nullopt;
    return std::chrono::seconds(seconds);
}

Poco::Timespan toSpan(std::chrono::milliseconds ms) {
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

std::unique_ptr<Poco::Net::HTTPClientSession> openSession(const mapping::UrlParts& target,
                                                          const FetchSettings& settings) {
    std::unique_ptr<Poco::Net::HTTPClientSession> session =
        openGuardedSession(target, *settings.policy, settings.tlsContext);
    session->setTimeout(toSpan(settings.connectTimeout), toSpan(settings.responseTimeout),
                        toSpan(settings.responseTimeout));
    session->setKeepAlive(false);
    return session;
}

// Streams the body into the staging file, hashing and counting; fills result on failure.
void receiveBody(std::istream& body, const Poco::Net::HTTPResponse& response,
                 const FetchRequest& request, FetchResult& result) {
    result.retryable = true; // every failure below may go away on another attempt
    std::int64_t expected = response.getContentLength64();
    if (expected == Poco::Net::HTTPMessage::UNKNOWN_CONTENT_LENGTH) {
        result.error = "the document endpoint sent no Content-Length";
        return;
    }
    std::string announced = response.get(kDocumentSha256Header, "");
    if (!specialparams::isSha256Hex(announced)) {
        result.error =
            std::string("the document endpoint sent no valid ") + kDocumentSha256Header + " header";
        return;
    }
    std::error_code dirError;
    std::filesystem::create_directories(request.stagingFile.parent_path(), dirError);
    std::ofstream out(request.stagingFile, std::ios::binary | std::ios::trunc);
    if (dirError || !out) {
        result.error = "cannot write the staging file " + request.stagingFile.string();
        return;
    }
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    std::vector<char> buffer(kBufferBytes);
    std::uint64_t received = 0;
    while (body && received <= static_cast<std::uint64_t>(expected)) {
        body.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        auto got = static_cast<std::size_t>(body.gcount());
        sha.update(buffer.data(), static_cast<unsigned>(got));
        out.write(buffer.data(), static_cast<std::streamsize>(got));
        received += got;
    }
    out.close();
    if (!out) {
        result.error = "cannot write the staging file " + request.stagingFile.string();
        return;
    }
    if (received != static_cast<std::uint64_t>(expected)) {
        result.error = "received " + std::to_string(received) + " bytes, Content-Length said " +
                       std::to_string(expected);
        return;
    }
    std::string actual = Poco::DigestEngine::digestToHex(sha.digest());
    if (actual != announced) {
        result.error = "sha256 mismatch: the document endpoint announced " + announced +
                       ", the bytes received hash to " + actual;
        return;
    }
    result.retryable = false;
    result.verified = true;
    result.document.size = received;
    result.document.sha256Hex = actual;
    result.document.contentType = response.getContentType();
    result.document.name = decodeDocumentName(response.get(kDocumentNameHeader, ""));
}

void exchange(const FetchRequest& request, const FetchSettings& settings,
              const mapping::UrlParts& target, FetchResult& result) {
    auto session = openSession(target, settings);
    Poco::Net::HTTPRequest httpRequest(Poco::Net::HTTPRequest::HTTP_GET, target.pathAndQuery,
                                       Poco::Net::HTTPMessage::HTTP_1_1);
    httpRequest.setHost(target.host, static_cast<Poco::UInt16>(target.port));
    httpRequest.setKeepAlive(false);
    httpRequest.set("User-Agent", userAgent());
    if (!request.username.empty())
        Poco::Net::HTTPBasicCredentials(request.username, request.password)
            .authenticate(httpRequest);
    session->sendRequest(httpRequest);
    Poco::Net::HTTPResponse response;
    std::istream& body = session->receiveResponse(response);
    result.statusCode = static_cast<int>(response.getStatus());
    if (result.statusCode == 200) {
        receiveBody(body, response, request, result);
        return;
    }
    result.error = "HTTP " + std::to_string(result.statusCode) + " " + response.getReason();
    if (result.statusCode >= 300 && result.statusCode <= 399)
        result.error += " (redirect to '" + response.get("Location", "") + "' not followed)";
    result.retryable = isRetryableStatus(result.statusCode);
    if (result.statusCode == 429 || result.statusCode == 503)
        result.retryAfter = retryAfterOf(response);
}

} // namespace

FetchResult fetchDocument(const FetchRequest& request, const FetchSettings& settings) {
    FetchResult result;
    StagingGuard staging(request.stagingFile);
    mapping::UrlParts target;
    try {
        target = mapping::parseHttpUrl(request.url);
    } catch (const std::exception& error) {
        result.error = error.what();
        return result;
    }
    try {
        exchange(request, settings, target, result);
    } catch (...) {
        NetworkFailure failure = classifyCurrentException();
        result.error = std::move(failure.error);
        result.retryable = failure.retryable;
    }
    if (result.verified)
        staging.keep();
    return result;
}

} // namespace dpp::bridge
