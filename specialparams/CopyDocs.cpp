// Uploaded documents and __copydocs (see CopyDocs.h for the accepted text).
#include "specialparams/CopyDocs.h"

#include <algorithm>
#include <charconv>
#include <unordered_set>

namespace dpp::specialparams {

namespace {

constexpr std::size_t kQuotedValueLimit = 60;

std::string quoted(std::string_view text) {
    if (text.size() <= kQuotedValueLimit)
        return "'" + std::string(text) + "'";
    return "'" + std::string(text.substr(0, kQuotedValueLimit)) + "...'";
}

// A positive decimal integer without sign or leading zero, or a CopyDocsError naming `what`.
std::int64_t parseId(std::string_view text, std::string_view what, std::string_view whole) {
    const std::string context = " in __copydocs " + quoted(whole);
    if (text.empty())
        throw CopyDocsError("the " + std::string(what) + " is missing" + context);
    for (char character : text)
        if (character < '0' || character > '9')
            throw CopyDocsError("the " + std::string(what) + " " + quoted(text) +
                                " is not a positive whole number" + context);
    if (text[0] == '0')
        throw CopyDocsError(
            "the " + std::string(what) + " " + quoted(text) +
            (text.size() == 1 ? " is not a positive whole number" : " has a leading zero") +
            context);
    std::int64_t value = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (result.ec != std::errc() || result.ptr != text.data() + text.size())
        throw CopyDocsError("the " + std::string(what) + " " + quoted(text) + " is too large" +
                            context);
    return value;
}

void appendInteger(std::int64_t value, std::string& out) {
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
}

} // namespace

bool isSha256Hex(std::string_view text) {
    return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char character) {
               return (character >= '0' && character <= '9') ||
                      (character >= 'a' && character <= 'f');
           });
}

void appendDocumentIds(std::span<const std::int64_t> documentIds, std::string& out) {
    for (std::size_t i = 0; i < documentIds.size(); ++i) {
        if (i > 0)
            out.push_back(',');
        appendInteger(documentIds[i], out);
    }
}

std::string renderDocumentIds(std::span<const std::int64_t> documentIds) {
    std::string out;
    appendDocumentIds(documentIds, out);
    return out;
}

std::string renderCopyDocs(const CopyDocsRequest& request) {
    std::string out;
    appendInteger(request.sourceAccount, out);
    out.push_back('-');
    appendInteger(request.sourceContact, out);
    out.push_back('-');
    appendDocumentIds(request.documentIds, out);
    return out;
}

CopyDocsRequest parseCopyDocs(std::string_view text) {
    const std::size_t firstDash = text.find('-');
    const std::size_t secondDash =
        firstDash == std::string_view::npos ? firstDash : text.find('-', firstDash + 1);
    if (secondDash == std::string_view::npos)
        throw CopyDocsError("__copydocs " + quoted(text) +
                            " is not ACCOUNT-CONTACT-DOCUMENT_IDS (two '-' are needed, as in "
                            "1001-55-12,13 or 1001-55- for no documents)");
    CopyDocsRequest request;
    request.sourceAccount = parseId(text.substr(0, firstDash), "source account", text);
    request.sourceContact =
        parseId(text.substr(firstDash + 1, secondDash - firstDash - 1), "source contact", text);
    const std::string_view documents = text.substr(secondDash + 1);
    if (documents.empty())
        return request;
    std::unordered_set<std::int64_t> seen;
    std::size_t begin = 0;
    while (true) {
        const std::size_t comma = documents.find(',', begin);
        const std::string_view item = documents.substr(
            begin, comma == std::string_view::npos ? std::string_view::npos : comma - begin);
        if (request.documentIds.size() == kMaxCopyDocuments)
            throw CopyDocsError("__copydocs names more than " + std::to_string(kMaxCopyDocuments) +
                                " documents");
        const std::string what = "document id #" + std::to_string(request.documentIds.size() + 1);
        const std::int64_t id = parseId(item, what, text);
        if (!seen.insert(id).second)
            throw CopyDocsError("document id " + std::to_string(id) +
                                " is named twice in __copydocs " + quoted(text));
        request.documentIds.push_back(id);
        if (comma == std::string_view::npos)
            break;
        begin = comma + 1;
    }
    return request;
}

} // namespace dpp::specialparams
