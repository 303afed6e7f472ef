// Document copies between two stores, end to end on loopback: a real BridgeServer serves the
// source account's documents at /docs/...; the destination's DocumentCopier fetches them.
// Grants, 401 for strangers, one 404 for every refusal, expired grants, an endpoint that is
// down at first, a checksum mismatch, an unknown peer. Time moves through a ManualClock.
#include "bridge/documents/DocumentCopier.h"
#include "bridge/documents/DocumentHeaders.h"
#include "bridge/documents/PeerAuthentication.h"
#include "bridge/http/BridgeServer.h"
#include "bridge/http/DocumentHandler.h"
#include "bridge/store/ContactExtrasStore.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/DocumentCopyStore.h"
#include "bridge/store/DocumentGrantStore.h"
#include "support/TempDir.h"

#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <ostream>
#include <random>

namespace dpp::bridge {

// How Boost.Test prints a copy's status in failure messages (found by ADL).
inline std::ostream& boost_test_print_type(std::ostream& out, DocumentCopyStatus status) {
    return out << documentCopyStatusName(status);
}

} // namespace dpp::bridge

using namespace dpp::bridge;
using namespace std::chrono_literals;
using dpp::specialparams::CopyDocsRequest;
using dpp::specialparams::UploadedDocument;
using dpp::testing::TempDir;

namespace {

constexpr std::int64_t kSource = 1001;
constexpr std::int64_t kDestination = 2002;
const std::string kUser = "partner-1001-2002";
const std::string kPassword = "s3cret-shared";

struct Answer {
    int status = 0;
    std::string body;
    std::string wwwAuthenticate;
    std::string sha256;
    std::string name;
    std::string contentType;
    std::int64_t contentLength = -1;
};

std::int64_t systemNowMs() {
    return SystemClock().nowMs();
}

std::string randomBytes(std::size_t size) {
    std::mt19937_64 random(20260101);
    std::string bytes(size, '\0');
    for (char& c : bytes)
        c = static_cast<char>(random() & 0xFF);
    return bytes;
}

struct DocumentsFixture {
    TempDir dir;
    Config sourceConfig;
    Config destinationConfig;
    std::unique_ptr<Database> source;
    std::unique_ptr<Database> destination;
    ManualClock clock;
    std::unique_ptr<BridgeServer> server;
    std::uint16_t port = 0;
    std::int64_t sourceContact = 0;
    std::int64_t newContact = 0;
    std::vector<std::int64_t> documentIds{12, 13, 20};

    DocumentsFixture() {
        sourceConfig.peers[kDestination] = {"http://peer.invalid", kUser, kPassword};
        destinationConfig.allowPrivateDestinations = true;
        destinationConfig.connectTimeout = 500ms;
        destinationConfig.responseTimeout = 3s;
        destinationConfig.retrySchedule = {5s, 1min};
        destinationConfig.retryJitter = 0;
        destinationConfig.peers[kSource] = {"", kUser, kPassword};

        source = std::make_unique<Database>(dir.storeUri("source/store.db"));
        source->migrate();
        ContactStore(*source).addAccount(kSource, "Source");
        destination = std::make_unique<Database>(dir.storeUri("destination/store.db"));
        destination->migrate();
        ContactStore(*destination).addAccount(kDestination, "Destination");

        sourceContact = insertContact(*source, kSource, "Mike");
        newContact = insertContact(*destination, kDestination, "Mike");
        addDocument(12, "hardship.pdf", "application/pdf", "%PDF-1.4 hardship letter\n");
        addDocument(13, "Lettre d’accord – été 2026.txt", "text/plain; charset=utf-8",
                    "J'accepte les conditions.\n");
        addDocument(20, "bank statement (big).bin", "application/octet-stream",
                    randomBytes(5 * 1024 * 1024 + 123));
        startServer(0);
    }

    static std::int64_t insertContact(Database& database, std::int64_t account,
                                      const std::string& name) {
        dpp::mapping::Contact contact;
        contact.accountId = account;
        contact.set(dpp::mapping::SystemField::FirstName, name);
        database.write(
            [&](Poco::Data::Session& session) { ContactStore::insert(session, contact); });
        return contact.id;
    }

    void addDocument(std::int64_t id, const std::string& name, const std::string& type,
                     const std::string& bytes) {
        auto file = ContactExtrasStore(*source).documentPath(sourceContact, id);
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << bytes;
        auto [size, sha] = fileSizeAndSha256(file);
        UploadedDocument document{id, name, type, size, sha};
        source->write([&](Poco::Data::Session& session) {
            ContactExtrasStore::insertDocument(session, sourceContact, document, file);
        });
    }

    void startServer(std::uint16_t wanted) {
        server = std::make_unique<BridgeServer>(sourceConfig, *source,
                                                "127.0.0.1:" + std::to_string(wanted));
        server->start();
        port = server->port();
        destinationConfig.peers[kSource].url = "http://127.0.0.1:" + std::to_string(port);
    }
    void stopServer() { server.reset(); }

    void grant(const std::vector<std::int64_t>& ids, std::int64_t expiresAtMs) {
        source->write([&](Poco::Data::Session& session) {
            DocumentGrantStore::grant(session, kSource, sourceContact, ids, kDestination, 7,
                                      expiresAtMs, systemNowMs());
        });
    }
    void grantAll() { grant(documentIds, systemNowMs() + 3600 * 1000); }

    void queueCopies() {
        destination->write([&](Poco::Data::Session& session) {
            DocumentCopyStore::queue(session, newContact,
                                     CopyDocsRequest{kSource, sourceContact, documentIds},
                                     clock.nowMs());
        });
    }

    CopySummary drain() {
        return DocumentCopier(destinationConfig, *destination, clock, "test").drainUntilIdle();
    }
    std::vector<DocumentCopyRecord> copies() {
        return DocumentCopyStore(*destination).forContact(newContact);
    }
    DocumentCopyRecord copyOf(std::int64_t sourceDocument) {
        for (const auto& copy : copies())
            if (copy.sourceDocument == sourceDocument)
                return copy;
        BOOST_FAIL("no copy of document " << sourceDocument);
        return {};
    }
    std::string docPath(std::int64_t document, std::int64_t account = kSource,
                        std::int64_t contact = 0) const {
        return "/docs/" + std::to_string(account) + "/" +
               std::to_string(contact ? contact : sourceContact) + "/" + std::to_string(document);
    }

    Answer request(const std::string& path, std::optional<std::pair<std::string, std::string>> auth,
                   const std::string& method = "GET", const std::string& rawAuthorization = "") {
        Poco::Net::HTTPClientSession session("127.0.0.1", port);
        session.setTimeout(Poco::Timespan(5, 0));
        Poco::Net::HTTPRequest httpRequest(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        if (auth)
            Poco::Net::HTTPBasicCredentials(auth->first, auth->second).authenticate(httpRequest);
        if (!rawAuthorization.empty())
            httpRequest.set("Authorization", rawAuthorization);
        session.sendRequest(httpRequest);
        Poco::Net::HTTPResponse response;
        std::istream& body = session.receiveResponse(response);
        Answer answer;
        answer.status = static_cast<int>(response.getStatus());
        Poco::StreamCopier::copyToString(body, answer.body);
        answer.wwwAuthenticate = response.get("WWW-Authenticate", "");
        answer.sha256 = response.get(kDocumentSha256Header, "");
        answer.name = response.get(kDocumentNameHeader, "");
        answer.contentType = response.getContentType();
        answer.contentLength = response.getContentLength64();
        return answer;
    }
    Answer asPeer(const std::string& path, const std::string& method = "GET") {
        return request(path, std::make_pair(kUser, kPassword), method);
    }

    std::size_t stagingFiles() {
        auto staging = ContactExtrasStore(*destination).stagingPath("x").parent_path();
        if (!std::filesystem::exists(staging))
            return 0;
        return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(staging),
                                                      std::filesystem::directory_iterator()));
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(documents, DocumentsFixture)

BOOST_AUTO_TEST_CASE(copies_every_document_with_identical_bytes_and_metadata) {
    grantAll();
    queueCopies();
    BOOST_TEST(copies().size() == 3u);
    BOOST_TEST(copies().front().status == DocumentCopyStatus::Queued);
    CopySummary summary = drain();
    BOOST_TEST(summary.done == 3);
    BOOST_TEST(summary.pending == 0);
    auto originals = ContactExtrasStore(*source).documents(sourceContact);
    auto copied = ContactExtrasStore(*destination).documents(newContact);
    BOOST_REQUIRE(copied.size() == 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        const auto& original = originals[i].document;
        const auto& copy = copied[i].document;
        BOOST_TEST(copy.name == original.name);
        BOOST_TEST(copy.contentType == original.contentType);
        BOOST_TEST(copy.size == original.size);
        BOOST_TEST(copy.sha256Hex == original.sha256Hex);
        auto [size, sha] = fileSizeAndSha256(copied[i].file);
        BOOST_TEST(size == original.size);
        BOOST_TEST(sha == original.sha256Hex);
        BOOST_TEST(copied[i].file ==
                   ContactExtrasStore(*destination).documentPath(newContact, copy.id));
    }
    BOOST_TEST(copied.back().document.size > 5u * 1024 * 1024);
    for (const auto& copy : copies()) {
        BOOST_TEST(copy.status == DocumentCopyStatus::Done);
        BOOST_TEST(copy.attempts == 1);
        BOOST_TEST(copy.lastError.empty());
        BOOST_TEST(!copy.nextAttemptMs);
        BOOST_REQUIRE(copy.documentId);
    }
    BOOST_TEST(stagingFiles() == 0u);
    BOOST_TEST(drain().done == 0); // nothing is copied twice
}

BOOST_AUTO_TEST_CASE(granted_document_is_served_with_its_checksum_and_name) {
    grantAll();
    auto original = *ContactExtrasStore(*source).document(13);
    Answer answer = asPeer(docPath(13));
    BOOST_TEST(answer.status == 200);
    BOOST_TEST(answer.body == "J'accepte les conditions.\n");
    BOOST_TEST(answer.sha256 == original.document.sha256Hex);
    BOOST_TEST(answer.contentType == "text/plain; charset=utf-8");
    BOOST_TEST(decodeDocumentName(answer.name) == original.document.name);
    Answer head = asPeer(docPath(20), "HEAD");
    BOOST_TEST(head.status == 200);
    BOOST_TEST(head.contentLength == 5 * 1024 * 1024 + 123);
    BOOST_TEST(head.body.empty());
}

BOOST_AUTO_TEST_CASE(stranger_is_refused_with_401_even_for_a_granted_document) {
    grantAll();
    const std::string challenge = "Basic realm=\"dppbridge documents\"";
    for (const auto& answer :
         {request(docPath(12), std::make_pair(kUser, std::string("wrong"))),
          request(docPath(12), std::make_pair(std::string("stranger"), kPassword)),
          request(docPath(12), std::nullopt),
          request(docPath(12), std::nullopt, "GET", "Bearer abc"),
          request(docPath(999), std::make_pair(kUser, std::string("wrong")))}) {
        BOOST_TEST(answer.status == 401);
        BOOST_TEST(answer.wwwAuthenticate == challenge);
        BOOST_TEST(answer.body.find("hardship") == std::string::npos);
    }
    // The copier with the wrong password retries and says what to check.
    destinationConfig.peers[kSource].password = "wrong";
    queueCopies();
    BOOST_TEST(drain().retrying == 3);
    BOOST_TEST(copyOf(12).lastError.find("401") != std::string::npos);
    BOOST_TEST(copyOf(12).lastError.find("wrong") == std::string::npos); // no secret
}

BOOST_AUTO_TEST_CASE(peer_without_grant_gets_the_same_404_as_for_a_missing_document) {
    grant({12}, systemNowMs() + 3600 * 1000);
    BOOST_TEST(asPeer(docPath(12)).status == 200);
    Answer notGranted = asPeer(docPath(13));
    BOOST_TEST(notGranted.status == 404);
    for (const auto& answer :
         {asPeer(docPath(999)), asPeer(docPath(12, kSource, sourceContact + 100)),
          asPeer(docPath(12, kDestination)), asPeer("/docs/1001/x/12"), asPeer("/docs/"),
          asPeer(docPath(12) + "/"), asPeer("/docs/1001/1/012")}) {
        BOOST_TEST(answer.status == 404);
        BOOST_TEST(answer.body == notGranted.body);
        BOOST_TEST(answer.sha256.empty());
    }
}

BOOST_AUTO_TEST_CASE(expired_grant_is_refused) {
    grant(documentIds, systemNowMs() - 1000);
    Answer expired = asPeer(docPath(12));
    BOOST_TEST(expired.status == 404);
    BOOST_TEST(expired.body == asPeer(docPath(999)).body);
    queueCopies();
    BOOST_TEST(drain().retrying == 3);
    BOOST_TEST(copyOf(12).lastError.find("404") != std::string::npos);
    BOOST_TEST(ContactExtrasStore(*destination).documents(newContact).empty());
}

BOOST_AUTO_TEST_CASE(endpoint_down_at_first_then_copies_complete_after_it_comes_back) {
    grantAll();
    std::uint16_t sourcePort = port;
    stopServer();
    queueCopies();
    BOOST_TEST(drain().retrying == 3);
    for (const auto& copy : copies()) {
        BOOST_TEST(copy.status == DocumentCopyStatus::Queued);
        BOOST_TEST(copy.attempts == 1);
        BOOST_TEST(*copy.nextAttemptMs == clock.nowMs() + 5000);
        BOOST_TEST(!copy.lastError.empty());
    }
    BOOST_TEST(*DocumentCopyStore(*destination).nextDueMs() == clock.nowMs() + 5000);
    BOOST_TEST(drain().retrying == 0); // not due yet: nothing fetched
    clock.advance(5s);
    BOOST_TEST(drain().retrying == 3);
    BOOST_TEST(copyOf(20).attempts == 2);
    BOOST_TEST(*copyOf(20).nextAttemptMs == clock.nowMs() + 60'000);

    startServer(sourcePort);
    clock.advance(1min);
    CopySummary summary = drain();
    BOOST_TEST(summary.done == 3);
    for (const auto& copy : copies()) {
        BOOST_TEST(copy.status == DocumentCopyStatus::Done);
        BOOST_TEST(copy.attempts == 3);
    }
    BOOST_TEST(ContactExtrasStore(*destination).documents(newContact).size() == 3u);
}

BOOST_AUTO_TEST_CASE(document_changed_after_the_grant_is_not_accepted) {
    grantAll();
    auto changed = ContactExtrasStore(*source).documentPath(sourceContact, 13);
    {
        std::fstream file(changed, std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(0);
        file.put('X'); // same size, other bytes
    }
    queueCopies();
    CopySummary summary = drain();
    BOOST_TEST(summary.done == 2);
    BOOST_TEST(summary.retrying == 1);
    BOOST_TEST(copyOf(13).status == DocumentCopyStatus::Queued);
    BOOST_TEST(copyOf(13).lastError.find("sha256 mismatch") != std::string::npos);
    BOOST_TEST(!copyOf(13).documentId);
    BOOST_TEST(ContactExtrasStore(*destination).documents(newContact).size() == 2u);
    BOOST_TEST(stagingFiles() == 0u);
    clock.advance(5s);
    drain();
    clock.advance(1min);
    BOOST_TEST(drain().dead == 1);
    BOOST_TEST(copyOf(13).status == DocumentCopyStatus::Dead);
    BOOST_TEST(copyOf(13).attempts == 3);
    BOOST_TEST(DocumentCopyStore(*destination).pendingCount() == 0);
}

BOOST_AUTO_TEST_CASE(unknown_peer_fails_at_once_naming_the_configuration_key) {
    grantAll();
    destinationConfig.peers.clear();
    queueCopies();
    CopySummary summary = drain();
    BOOST_TEST(summary.failed == 3);
    for (const auto& copy : copies()) {
        BOOST_TEST(copy.status == DocumentCopyStatus::Failed);
        BOOST_TEST(copy.lastError.find("peers.1001.url") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(queueing_the_same_request_twice_queues_each_document_once) {
    queueCopies();
    queueCopies();
    BOOST_TEST(copies().size() == 3u);
}

BOOST_AUTO_TEST_CASE(grants_only_documents_of_that_contact_of_that_account) {
    std::size_t granted = 0;
    source->write([&](Poco::Data::Session& session) {
        granted =
            DocumentGrantStore::grant(session, kSource, sourceContact, {12, 999}, kDestination,
                                      std::nullopt, systemNowMs() + 60'000, systemNowMs());
        granted +=
            DocumentGrantStore::grant(session, kDestination, sourceContact, {13}, kDestination,
                                      std::nullopt, systemNowMs() + 60'000, systemNowMs());
    });
    BOOST_TEST(granted == 1u);
    auto now = systemNowMs();
    DocumentGrantStore grants(*source);
    BOOST_TEST(grants.isGranted(kSource, sourceContact, 12, kDestination, now));
    BOOST_TEST(!grants.isGranted(kSource, sourceContact, 12, 3003, now));
    BOOST_TEST(!grants.isGranted(kSource, sourceContact, 13, kDestination, now));
    BOOST_TEST(!grants.isGranted(kSource, sourceContact, 12, kDestination, now + 120'000));
}

BOOST_AUTO_TEST_CASE(background_workers_start_and_stop_cleanly) {
    grantAll();
    queueCopies();
    DocumentCopier copier(destinationConfig, *destination, clock, "bg");
    copier.start(2);
    copier.wake();
    copier.stop(); // what a worker had claimed but not begun is given back
    drain();
    for (const auto& copy : copies())
        BOOST_TEST(copy.status == DocumentCopyStatus::Done);
    BOOST_TEST(ContactExtrasStore(*destination).documents(newContact).size() == 3u);
}

BOOST_AUTO_TEST_CASE(paths_names_and_credentials_helpers) {
    auto address = parseDocumentPath("/docs/1001/55/12");
    BOOST_REQUIRE(address);
    BOOST_TEST(address->account == 1001);
    BOOST_TEST(address->contact == 55);
    BOOST_TEST(address->document == 12);
    for (const char* bad :
         {"/docs/1001/55", "/docs/1001/55/12/", "/docs/1001/55/-1", "/docs/1001/55/0",
          "/docs/1001//12", "/doc/1001/55/12", "/docs/1001/55/99999999999999999999"})
        BOOST_TEST(!parseDocumentPath(bad), bad);
    std::string name = "Lettre d’accord – été 100%+&=.pdf";
    BOOST_TEST(decodeDocumentName(encodeDocumentName(name)) == name);
    BOOST_TEST(encodeDocumentName("a b.pdf") == "a%20b.pdf");
    BOOST_TEST(constantTimeEquals("secret", "secret"));
    BOOST_TEST(!constantTimeEquals("secret", "secreT"));
    BOOST_TEST(!constantTimeEquals("secret", "secret2"));
    Config config;
    config.peers[5] = {"", "u", "p"};
    config.peers[6] = {"", "", ""};
    BOOST_TEST(*authenticatePeer(config, "u", "p") == 5);
    BOOST_TEST(!authenticatePeer(config, "u", "x"));
    BOOST_TEST(!authenticatePeer(config, "", "")); // an unconfigured peer never matches
}

BOOST_AUTO_TEST_SUITE_END()
