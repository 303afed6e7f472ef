// Fuzzes the __copydocs special parameter (specialparams/CopyDocs.h).
// Input: the __copydocs value as posted ("1001-55-12,13").
//
// Expected: CopyDocsError. Properties:
//   - the accepted text is canonical: renderCopyDocs(parseCopyDocs(x)) == x;
//   - ids are positive, the document ids unique and at most kMaxCopyDocuments;
//   - parseCopyDocs(renderCopyDocs(r)) == r, and {UPLOAD_DOC_IDS} is the third part;
//   - isSha256Hex accepts exactly 64 lower-case hex digits.
#include "FuzzSupport.h"

#include "specialparams/CopyDocs.h"

#include <algorithm>
#include <set>

using namespace dpp;
using namespace dpp::specialparams;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fuzz::asText(data, size);

    const bool sha = input.size() == 64 && std::all_of(input.begin(), input.end(), [](char c) {
                         return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                     });
    FUZZ_CHECK(isSha256Hex(input) == sha, fuzz::printable(input));

    CopyDocsRequest request;
    try {
        request = parseCopyDocs(input);
    } catch (const CopyDocsError& error) {
        // A '\0' in the value is copied into the message as it is and cuts what() short
        // (corpus/copydocs/nul-in-value.bin); the message is checked only without one.
        if (input.find('\0') == std::string_view::npos)
            FUZZ_CHECK(std::string_view(error.what()).find("__copydocs") != std::string_view::npos,
                       "the message does not name __copydocs: " + std::string(error.what()));
        return 0;
    }
    FUZZ_CHECK(request.sourceAccount > 0 && request.sourceContact > 0, fuzz::printable(input));
    FUZZ_CHECK(request.documentIds.size() <= kMaxCopyDocuments, "too many documents accepted");
    std::set<std::int64_t> unique;
    for (const std::int64_t id : request.documentIds) {
        FUZZ_CHECK(id > 0, "document id " + std::to_string(id));
        FUZZ_CHECK(unique.insert(id).second, "document id " + std::to_string(id) + " twice");
    }

    const std::string rendered = renderCopyDocs(request);
    FUZZ_CHECK(rendered == input, "accepted text is not canonical: " + fuzz::printable(input) +
                                      " renders as " + fuzz::printable(rendered));
    const CopyDocsRequest back = fuzz::mustNotThrow("parseCopyDocs(renderCopyDocs(r))",
                                                    [&] { return parseCopyDocs(rendered); });
    FUZZ_CHECK(back == request, "round trip changed the request");
    const std::string ids = renderDocumentIds(request.documentIds);
    FUZZ_CHECK(rendered.ends_with("-" + ids), "{UPLOAD_DOC_IDS} is not the third part");
    std::string appended = "x";
    appendDocumentIds(request.documentIds, appended);
    FUZZ_CHECK(appended == "x" + ids, "appendDocumentIds differs from renderDocumentIds");
    return 0;
}
