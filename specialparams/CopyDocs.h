#pragma once
// Uploaded documents and the __copydocs special parameter:
//   {UPLOAD_DOC_IDS}  the contact's document ids, comma-separated, in the order given (the
//                     store gives them in upload order, i.e. ascending id): "12,13,20"; "" when
//                     the contact has no documents.
//   __copydocs        {ACCTID}-{ID}-{UPLOAD_DOC_IDS}: "1001-55-12,13,20"; "1001-55-" is a
//                     well-formed request for no documents.
// Plain value types and pure functions; thread-safe. Rendering never throws (but for
// std::bad_alloc); parseCopyDocs throws CopyDocsError naming the part that is wrong.
//
// What parseCopyDocs accepts: exactly three parts separated by '-'; the account, the contact
// and each document id a positive decimal integer (no sign, no leading zero, no spaces, at most
// 2^63-1); document ids separated by single commas, no empty item, no repeated id, at most
// kMaxCopyDocuments ids. The order of the ids is kept.
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dpp::specialparams {

// A document uploaded to a contact. The bytes live in the store's folder, not here.
struct UploadedDocument {
    std::int64_t id = 0;
    std::string name;        // file name as uploaded: "hardship.pdf"
    std::string contentType; // "application/pdf"
    std::uint64_t size = 0;  // bytes
    std::string sha256Hex;   // 64 lower-case hex digits
    bool operator==(const UploadedDocument&) const = default;
};

// True for exactly 64 lower-case hex digits (how sha256Hex is written and compared).
bool isSha256Hex(std::string_view text);

class CopyDocsError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct CopyDocsRequest {
    std::int64_t sourceAccount = 0;
    std::int64_t sourceContact = 0;
    std::vector<std::int64_t> documentIds; // empty: the contact had no documents
    bool operator==(const CopyDocsRequest&) const = default;
};

inline constexpr std::size_t kMaxCopyDocuments = 1000;

// {UPLOAD_DOC_IDS}: appends "12,13,20" (nothing for no ids) without any other allocation.
void appendDocumentIds(std::span<const std::int64_t> documentIds, std::string& out);
std::string renderDocumentIds(std::span<const std::int64_t> documentIds);

// The whole __copydocs value for a request: "1001-55-12,13,20".
std::string renderCopyDocs(const CopyDocsRequest& request);

CopyDocsRequest parseCopyDocs(std::string_view text);

} // namespace dpp::specialparams
