// Unit tests for mapping/PostedRows.h: CSV, JSON lines and JSON array files read as posted rows.
#include "mapping/PostedRows.h"

#include <boost/test/unit_test.hpp>

#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

using namespace dpp::mapping;

namespace {

std::vector<PostedRow> readAll(const std::string& text, PostedRowFormat format,
                               std::size_t maxJsonDepth = 32) {
    std::istringstream in(text);
    PostedRowReader reader(in, format, maxJsonDepth);
    std::vector<PostedRow> rows;
    PostedRow row;
    while (reader.next(row))
        rows.push_back(row);
    return rows;
}

// The PostedRowError thrown while reading the whole text; fails the test when none is thrown.
PostedRowError errorOf(const std::string& text, PostedRowFormat format,
                       std::size_t maxJsonDepth = 32) {
    try {
        readAll(text, format, maxJsonDepth);
    } catch (const PostedRowError& error) {
        return error;
    }
    BOOST_FAIL("no PostedRowError was thrown for: " + text);
    throw; // unreachable
}

bool contains(const std::string& text, std::string_view fragment) {
    return text.find(fragment) != std::string::npos;
}

void checkError(const PostedRowError& error, std::size_t line, const std::string& key,
                std::string_view fragment) {
    BOOST_TEST(error.line() == line, error.what());
    BOOST_TEST(error.key() == key, error.what());
    BOOST_TEST(contains(error.message(), fragment), error.what());
    BOOST_TEST(contains(error.what(), "line " + std::to_string(line)), error.what());
}

// Generates `[ {...}, {...}, ... ]` with `count` elements, one element per underflow(), so the
// text never exists as a whole. Not seekable (std::streambuf's default).
class LazyArrayBuffer : public std::streambuf {
public:
    explicit LazyArrayBuffer(std::size_t count) : count_(count) {}
    std::size_t produced() const { return produced_; }

protected:
    int_type underflow() override {
        if (finished_)
            return traits_type::eof();
        chunk_.clear();
        if (produced_ == 0)
            chunk_ = "[\n";
        if (produced_ < count_) {
            const std::string n = std::to_string(produced_);
            chunk_ += "  {\"n\": " + n + ", \"note\": \"a } and a [ and \\\"" + n +
                      "\\\"\",\n   \"nested\": {\"x\": [1, \"]\"]}}";
            ++produced_;
            chunk_ += produced_ < count_ ? ",\n" : "\n]\n";
        }
        if (produced_ == count_)
            finished_ = true;
        setg(chunk_.data(), chunk_.data(), chunk_.data() + chunk_.size());
        return traits_type::to_int_type(chunk_[0]);
    }

private:
    std::size_t count_;
    std::size_t produced_ = 0;
    bool finished_ = false;
    std::string chunk_;
};

} // namespace

BOOST_AUTO_TEST_SUITE(posted_rows)

BOOST_AUTO_TEST_CASE(formats_follow_the_extension) {
    BOOST_TEST((postedRowFormatFor(".csv") == PostedRowFormat::Csv));
    BOOST_TEST((postedRowFormatFor(".CSV") == PostedRowFormat::Csv));
    BOOST_TEST((postedRowFormatFor("csv") == PostedRowFormat::Csv));
    BOOST_TEST((postedRowFormatFor(".jsonl") == PostedRowFormat::JsonLines));
    BOOST_TEST((postedRowFormatFor(".ndjson") == PostedRowFormat::JsonLines));
    BOOST_TEST((postedRowFormatFor(".json") == PostedRowFormat::JsonArray));
    BOOST_TEST(!postedRowFormatFor(".txt").has_value());
    BOOST_TEST(!postedRowFormatFor("").has_value());
    BOOST_TEST(!postedRowFormatFor(".").has_value());
}

BOOST_AUTO_TEST_CASE(csv_rows_are_pairs_in_header_order_with_keys_verbatim) {
    const std::string text = "\xEF\xBB\xBFlasname,Last Name,{BUDGET_RENT},__plan_data\r\n"
                             "Smith,Jones,1200.50,\"{\"\"a\"\":1}\"\r\n"
                             "\r\n"
                             ",Doe,,\n"
                             "\n"
                             "Lee,\"two\nlines\"\n"
                             "Kim\n";
    const auto rows = readAll(text, PostedRowFormat::Csv);
    BOOST_TEST_REQUIRE(rows.size() == 4u);

    BOOST_TEST(rows[0].line == 2u);
    const KeyValues first = {{"lasname", "Smith"},
                             {"Last Name", "Jones"},
                             {"{BUDGET_RENT}", "1200.50"},
                             {"__plan_data", "{\"a\":1}"}};
    BOOST_TEST((rows[0].pairs == first));

    BOOST_TEST(rows[1].line == 4u);
    const KeyValues empties = {
        {"lasname", ""}, {"Last Name", "Doe"}, {"{BUDGET_RENT}", ""}, {"__plan_data", ""}};
    BOOST_TEST((rows[1].pairs == empties));

    BOOST_TEST(rows[2].line == 6u);
    const KeyValues shortRow = {{"lasname", "Lee"}, {"Last Name", "two\nlines"}};
    BOOST_TEST((rows[2].pairs == shortRow));

    BOOST_TEST(rows[3].line == 8u);
    const KeyValues single = {{"lasname", "Kim"}};
    BOOST_TEST((rows[3].pairs == single));
}

BOOST_AUTO_TEST_CASE(csv_with_only_a_header_has_no_rows) {
    BOOST_TEST(readAll("a,b\n", PostedRowFormat::Csv).empty());
    BOOST_TEST(readAll("a,b", PostedRowFormat::Csv).empty());
}

BOOST_AUTO_TEST_CASE(csv_errors_name_the_line_and_key) {
    checkError(errorOf("", PostedRowFormat::Csv), 1, "", "it needs a header row");
    checkError(errorOf("\xEF\xBB\xBF\n\n", PostedRowFormat::Csv), 1, "", "it needs a header row");
    checkError(errorOf("a,,c\n1,2,3\n", PostedRowFormat::Csv), 1, "", "column 2 of the header");
    checkError(errorOf("a, \n", PostedRowFormat::Csv), 1, "", "column 2 of the header");
    checkError(errorOf("Last Name,b,Last Name\n", PostedRowFormat::Csv), 1, "Last Name",
               "column 3 of the header repeats column 1");
    // Keys are verbatim: case and spaces make different keys.
    BOOST_TEST(readAll("Name,name,name \nx,y,z\n", PostedRowFormat::Csv).size() == 1u);
    checkError(errorOf("a,\xFF\n", PostedRowFormat::Csv), 1, "", "not valid UTF-8");
    checkError(errorOf("a,b\n1,2\n\n1,2,3\n", PostedRowFormat::Csv), 4, "",
               "the row has 3 cells but the header has 2");
    checkError(errorOf("a,Last Name\n1,2\nx,\xC3\x28\n", PostedRowFormat::Csv), 3, "Last Name",
               "not valid UTF-8");
    checkError(errorOf("a,b\n1,\"open\n\n", PostedRowFormat::Csv), 2, "", "never closed");
    checkError(errorOf("a,b\n1,2\n3,x\"y\n", PostedRowFormat::Csv), 3, "",
               "a quote inside an unquoted field");
    const PostedRowError later = errorOf("a,b\n1,\"x\ny\"z\n", PostedRowFormat::Csv);
    checkError(later, 2, "", "unexpected text after a closing quote");
    BOOST_TEST(contains(later.message(), "(line 3)"), later.what());
}

BOOST_AUTO_TEST_CASE(json_lines_are_one_object_per_line) {
    const std::string text = "\xEF\xBB\xBF{\"lasname\": \"Smith\", \"Last Name\": \"Jones\"}\r\n"
                             "\r\n"
                             "   \n"
                             "{\"{BUDGET_RENT}\": 1200.50, \"ok\": true, \"gone\": null, "
                             "\"__plan_data\": {\"a\": [1, 2]}}\n"
                             "{}\n"
                             "{\"a\": \"x\", \"a\": \"y\"}";
    const auto rows = readAll(text, PostedRowFormat::JsonLines);
    BOOST_TEST_REQUIRE(rows.size() == 4u);
    BOOST_TEST(rows[0].line == 1u);
    const KeyValues first = {{"lasname", "Smith"}, {"Last Name", "Jones"}};
    BOOST_TEST((rows[0].pairs == first));
    BOOST_TEST(rows[1].line == 4u);
    const KeyValues second = {{"{BUDGET_RENT}", "1200.50"},
                              {"ok", "true"},
                              {"gone", ""},
                              {"__plan_data", "{\"a\":[1,2]}"}};
    BOOST_TEST((rows[1].pairs == second));
    BOOST_TEST(rows[2].line == 5u);
    BOOST_TEST(rows[2].pairs.empty());
    BOOST_TEST(rows[3].line == 6u);
    const KeyValues last = {{"a", "y"}};
    BOOST_TEST((rows[3].pairs == last));

    BOOST_TEST(readAll("", PostedRowFormat::JsonLines).empty());
    BOOST_TEST(readAll("\n \n\r\n", PostedRowFormat::JsonLines).empty());
}

BOOST_AUTO_TEST_CASE(json_line_errors_name_the_line) {
    checkError(errorOf("{\"a\": 1}\n\n{\"a\": }\n", PostedRowFormat::JsonLines), 3, "",
               "invalid JSON");
    checkError(errorOf("{\"a\": 1}\n[1, 2]\n", PostedRowFormat::JsonLines), 2, "",
               "a JSON object was expected");
    checkError(errorOf("{\"a\": 1} {\"b\": 2}\n", PostedRowFormat::JsonLines), 1, "",
               "unexpected text after the object");
    checkError(errorOf("\n{\"a\": \"\xFF\"}\n", PostedRowFormat::JsonLines), 2, "",
               "not valid UTF-8");
    checkError(errorOf("{\"a\": {\"b\": {}}}\n", PostedRowFormat::JsonLines, 2), 1, "",
               "nests deeper than the limit of 2");
}

BOOST_AUTO_TEST_CASE(json_array_elements_carry_the_line_where_they_start) {
    const std::string text = "\xEF\xBB\xBF[\n"
                             "  {\"lasname\": \"Smith\",\n"
                             "   \"Last Name\": \"a } b ] c { d [ e\"},\n"
                             "\n"
                             "  {\"{BUDGET_RENT}\": \"say \\\"}\\\" and \\\\\", \"n\": -1.5e3,\n"
                             "   \"__plan_data\": {\"s\": \"]}\", \"list\": [{}, []]}},"
                             " {\"x\": null}\n"
                             "]\n";
    const auto rows = readAll(text, PostedRowFormat::JsonArray);
    BOOST_TEST_REQUIRE(rows.size() == 3u);
    BOOST_TEST(rows[0].line == 2u);
    const KeyValues first = {{"lasname", "Smith"}, {"Last Name", "a } b ] c { d [ e"}};
    BOOST_TEST((rows[0].pairs == first));
    BOOST_TEST(rows[1].line == 5u);
    const KeyValues second = {{"{BUDGET_RENT}", "say \"}\" and \\"},
                              {"n", "-1.5e3"},
                              {"__plan_data", "{\"s\":\"]}\",\"list\":[{},[]]}"}};
    BOOST_TEST((rows[1].pairs == second));
    BOOST_TEST(rows[2].line == 6u);
    const KeyValues third = {{"x", ""}};
    BOOST_TEST((rows[2].pairs == third));

    BOOST_TEST(readAll("[]", PostedRowFormat::JsonArray).empty());
    BOOST_TEST(readAll(" [ \n ] \n", PostedRowFormat::JsonArray).empty());
}

BOOST_AUTO_TEST_CASE(json_array_may_be_wrapped_in_contacts) {
    const std::string text = "{\n"
                             "  \"contacts\" : [\n"
                             "    {\"a\": \"1\"},\n"
                             "    {\"a\": \"2\"}\n"
                             "  ]\n"
                             "}\n";
    const auto rows = readAll(text, PostedRowFormat::JsonArray);
    BOOST_TEST_REQUIRE(rows.size() == 2u);
    BOOST_TEST(rows[0].line == 3u);
    BOOST_TEST(rows[1].line == 4u);
    BOOST_TEST(rows[1].pairs.front().second == "2");
    BOOST_TEST(readAll("{\"contacts\":[]}", PostedRowFormat::JsonArray).empty());
    BOOST_TEST(readAll("{\"cont\\u0061cts\":[{}]}", PostedRowFormat::JsonArray).size() == 1u);
}

BOOST_AUTO_TEST_CASE(json_array_errors_name_the_line) {
    const auto json = PostedRowFormat::JsonArray;
    checkError(errorOf("", json), 1, "", "the file is empty");
    checkError(errorOf("\n\n  \n", json), 4, "", "the file is empty");
    checkError(errorOf("\n\"text\"", json), 2, "", "an array of rows");
    checkError(errorOf("42", json), 1, "", "an array of rows");
    checkError(errorOf("{}", json), 1, "", "no key \"contacts\"");
    checkError(errorOf("{\n\"rows\": []}", json), 2, "", "not 'rows'");
    checkError(errorOf("{\"contacts\": [{}], \"more\": 1}", json), 1, "",
               "the only key allowed at the top level is \"contacts\"");
    checkError(errorOf("{\"contacts\": {}}", json), 1, "", "must be an array");
    checkError(errorOf("{\"contacts\": []", json), 1, "", "the input ends before");
    checkError(errorOf("[\n{},\n\"x\"\n]", json), 3, "", "element 2 of the array is not an object");
    checkError(errorOf("[\n{},\n[]\n]", json), 3, "", "element 2 of the array is not an object");
    checkError(errorOf("[{}]\n\nx", json), 3, "", "unexpected text after the array");
    checkError(errorOf("[{}] []", json), 1, "", "unexpected text after the array");
    checkError(errorOf("{\"contacts\": []}\n}", json), 2, "",
               "unexpected text after the top-level object");
    checkError(errorOf("[\n{},\n", json), 3, "", "the input ends before the array is closed");
    checkError(errorOf("[\n{}\n", json), 3, "", "the input ends before the array is closed");
    checkError(errorOf("[\n{},\n{\"a\":\n \"b\"", json), 3, "", "never closed");
    checkError(errorOf("[\n{\"a\": \"b}]\n", json), 2, "", "line 2: a control character");
    checkError(errorOf("[{}\n{}]", json), 2, "", "',' or ']' was expected after element 1");
    checkError(errorOf("[{},\n]", json), 2, "", "no trailing commas");
    checkError(errorOf("[\n{\"a\": [1}\n]", json), 2, "", "']' was expected, not '}'");
    checkError(errorOf("[{},\n {\"a\":\n 01}]", json), 2, "", "invalid JSON at byte");
    checkError(errorOf("[\n{\"a\": \"\xC3\"}]", json), 2, "", "not valid UTF-8");
    checkError(errorOf("[\n{\"a\": {\"b\": {}}}]", json, 2), 2, "",
               "nests deeper than the limit of 2");
}

BOOST_AUTO_TEST_CASE(rows_before_an_error_are_read_and_the_error_sticks) {
    std::istringstream in("[{\"a\": \"1\"}, 7]");
    PostedRowReader reader(in, PostedRowFormat::JsonArray);
    PostedRow row;
    BOOST_TEST(reader.next(row));
    BOOST_TEST(row.pairs.front().second == "1");
    BOOST_CHECK_THROW(reader.next(row), PostedRowError);
    BOOST_CHECK_THROW(reader.next(row), PostedRowError);
    BOOST_TEST(row.pairs.empty());
}

BOOST_AUTO_TEST_CASE(what_names_the_line_and_the_key) {
    const PostedRowError withKey(7, "Last Name", "the value is not valid UTF-8");
    BOOST_TEST(std::string(withKey.what()) ==
               "line 7, key 'Last Name': the value is not valid UTF-8");
    const PostedRowError withoutKey(3, "", "the row has 3 cells but the header has 2");
    BOOST_TEST(std::string(withoutKey.what()) ==
               "line 3: the row has 3 cells but the header has 2");
}

BOOST_AUTO_TEST_CASE(a_json_array_is_read_element_by_element_from_the_stream) {
#ifdef DPPBRIDGE_SANITIZED
    constexpr std::size_t kCount = 20'000;
#else
    constexpr std::size_t kCount = 200'000;
#endif
    LazyArrayBuffer source(kCount);
    std::istream in(&source);
    PostedRowReader reader(in, PostedRowFormat::JsonArray);
    PostedRow row;
    std::size_t count = 0;
    bool aheadOfRows = false;
    bool linesRight = true;
    KeyValues lastPairs;
    while (reader.next(row)) {
        // The generator makes one element per request: reading beyond the element at hand
        // would show here.
        aheadOfRows = aheadOfRows || source.produced() > count + 1;
        linesRight = linesRight && row.line == 2 + 2 * count &&
                     row.pairs.front().second == std::to_string(count);
        if (++count == kCount)
            lastPairs = row.pairs;
    }
    BOOST_TEST(count == kCount);
    BOOST_TEST(!aheadOfRows);
    BOOST_TEST(linesRight);
    BOOST_TEST(source.produced() == kCount);
    const KeyValues last = {{"n", std::to_string(kCount - 1)},
                            {"note", "a } and a [ and \"" + std::to_string(kCount - 1) + "\""},
                            {"nested", "{\"x\":[1,\"]\"]}"}};
    BOOST_TEST((lastPairs == last));
    BOOST_TEST(row.pairs.empty());
}

BOOST_AUTO_TEST_SUITE_END()
