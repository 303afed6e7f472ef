// {UPLOAD_DOC_IDS} and __copydocs: rendering in the given order, parsing with errors that
// name the problem, and the uploaded-document model.
#include "specialparams/CopyDocs.h"
#include "support/DomainPrinters.h"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <string>
#include <vector>

using namespace dpp::specialparams;

namespace {

std::string copyDocsError(std::string_view text) {
    try {
        parseCopyDocs(text);
    } catch (const CopyDocsError& error) {
        return error.what();
    }
    BOOST_FAIL("parseCopyDocs accepted '" + std::string(text) + "'");
    return {};
}

void expectError(std::string_view text, std::string_view part) {
    const std::string message = copyDocsError(text);
    BOOST_TEST(message.find(part) != std::string::npos,
               "for '" << text << "': " << message << " (expected '" << part << "')");
}

} // namespace

BOOST_AUTO_TEST_SUITE(copy_docs)

BOOST_AUTO_TEST_CASE(document_ids_render_comma_separated_in_the_given_order) {
    const std::vector<std::int64_t> ids = {12, 13, 20};
    BOOST_TEST(renderDocumentIds(ids) == "12,13,20");
    const std::vector<std::int64_t> unordered = {20, 12};
    BOOST_TEST(renderDocumentIds(unordered) == "20,12");
    BOOST_TEST(renderDocumentIds({}) == "");
    const std::vector<std::int64_t> large = {9223372036854775807};
    BOOST_TEST(renderDocumentIds(large) == "9223372036854775807");
    std::string out = "1001-55-";
    appendDocumentIds(ids, out);
    BOOST_TEST(out == "1001-55-12,13,20");
}

BOOST_AUTO_TEST_CASE(a_request_parses_into_its_three_parts) {
    const CopyDocsRequest request = parseCopyDocs("1001-55-12,13,20");
    BOOST_TEST(request.sourceAccount == 1001);
    BOOST_TEST(request.sourceContact == 55);
    BOOST_TEST(request.documentIds == std::vector<std::int64_t>({12, 13, 20}));
    BOOST_TEST(parseCopyDocs("1001-55-20,12").documentIds == std::vector<std::int64_t>({20, 12}));
    BOOST_TEST(parseCopyDocs("1-1-1").documentIds == std::vector<std::int64_t>({1}));
}

BOOST_AUTO_TEST_CASE(no_documents_is_a_valid_request) {
    const CopyDocsRequest request = parseCopyDocs("1001-55-");
    BOOST_TEST(request.sourceAccount == 1001);
    BOOST_TEST(request.sourceContact == 55);
    BOOST_TEST(request.documentIds.empty());
    BOOST_TEST(renderCopyDocs(request) == "1001-55-");
}

BOOST_AUTO_TEST_CASE(render_and_parse_round_trip) {
    CopyDocsRequest request{2002, 9223372036854775807, {}};
    for (std::int64_t id = 1; id <= 1000; ++id)
        request.documentIds.push_back(id * 7919);
    const std::string text = renderCopyDocs(request);
    BOOST_TEST(text.starts_with("2002-9223372036854775807-7919,15838,"));
    BOOST_TEST(parseCopyDocs(text) == request);
}

BOOST_AUTO_TEST_CASE(missing_parts_are_named) {
    expectError("1001-55", "two '-' are needed");
    expectError("1001", "two '-' are needed");
    expectError("", "two '-' are needed");
    expectError("-55-12", "the source account is missing");
    expectError("1001--12", "the source contact is missing");
    expectError("--", "the source account is missing");
}

BOOST_AUTO_TEST_CASE(non_numbers_and_negatives_are_refused) {
    expectError("abc-55-1", "the source account 'abc' is not a positive whole number");
    expectError("1001-5x-1", "the source contact '5x' is not a positive whole number");
    expectError("1001-55-1,x2", "the document id #2 'x2' is not a positive whole number");
    expectError("1001-55--3", "the document id #1 '-3' is not a positive whole number");
    expectError("1001-55-1-2", "the document id #1 '1-2' is not a positive whole number");
    expectError("1001-55-+3", "'+3' is not a positive whole number");
    expectError("0-55-1", "the source account '0' is not a positive whole number");
    expectError("1001-55-0", "the document id #1 '0' is not a positive whole number");
    expectError("1001-055-1", "the source contact '055' has a leading zero");
    expectError("1001-55-1.5", "'1.5' is not a positive whole number");
}

BOOST_AUTO_TEST_CASE(spaces_and_empty_items_are_refused) {
    expectError("1001-55-1, 2", "the document id #2 ' 2' is not a positive whole number");
    expectError(" 1001-55-1", "the source account ' 1001'");
    expectError("1001-55-1,", "the document id #2 is missing");
    expectError("1001-55-,1", "the document id #1 is missing");
    expectError("1001-55-1,,2", "the document id #2 is missing");
    expectError("1001-55-1\n", "'1\n' is not a positive whole number");
}

BOOST_AUTO_TEST_CASE(overflow_duplicates_and_too_many_ids_are_refused) {
    expectError("9223372036854775808-55-1",
                "the source account '9223372036854775808' is too large");
    expectError("1001-55-99999999999999999999", "is too large");
    expectError("1001-55-12,13,12", "document id 12 is named twice");
    std::string many = "1001-55-";
    for (int id = 1; id <= 1001; ++id)
        many += (id > 1 ? "," : "") + std::to_string(id);
    expectError(many, "more than 1000 documents");
    many.resize(many.rfind(','));
    BOOST_TEST(parseCopyDocs(many).documentIds.size() == 1000u);
}

BOOST_AUTO_TEST_CASE(errors_quote_the_whole_value_and_cut_long_ones) {
    BOOST_TEST(copyDocsError("abc-55-1") ==
               "the source account 'abc' is not a positive whole number in __copydocs "
               "'abc-55-1'");
    const std::string message = copyDocsError("x-1-" + std::string(200, '1'));
    BOOST_TEST(message.find("...'") != std::string::npos, message);
    BOOST_TEST(message.size() < 200u);
}

BOOST_AUTO_TEST_CASE(sha256_hex_is_64_lower_case_hex_digits) {
    const std::string emptyFileDigest =
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    BOOST_TEST(isSha256Hex(emptyFileDigest));
    std::string upper = emptyFileDigest;
    upper[0] = 'E';
    BOOST_TEST(!isSha256Hex(upper));
    BOOST_TEST(!isSha256Hex(emptyFileDigest.substr(1)));
    BOOST_TEST(!isSha256Hex(emptyFileDigest + "0"));
    BOOST_TEST(!isSha256Hex(std::string(63, '0') + "g"));
    BOOST_TEST(!isSha256Hex(""));
}

BOOST_AUTO_TEST_CASE(uploaded_documents_compare_field_by_field) {
    UploadedDocument document{12, "hardship.pdf", "application/pdf", 5u << 20,
                              std::string(64, 'a')};
    UploadedDocument copy = document;
    BOOST_TEST((copy == document));
    copy.sha256Hex[63] = 'b';
    BOOST_TEST(!(copy == document));
}

BOOST_AUTO_TEST_SUITE_END()
