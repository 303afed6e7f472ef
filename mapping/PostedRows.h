#pragma once
// The rows of a file read as posts to a data source (`contact import --datasource ID FILE`):
// each row is the key/value pairs a sender would post, keys kept verbatim (they are posted keys,
// not contact field names). Pure: reads a stream, knows nothing of data sources or contacts.
#include "mapping/Encoding.h"

#include <cstddef>
#include <istream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dpp::mapping {

class CsvReader;

enum class PostedRowFormat { Csv, JsonLines, JsonArray };

// ".csv" -> Csv, ".jsonl" and ".ndjson" -> JsonLines, ".json" -> JsonArray, ignoring ASCII case
// and with or without the leading dot (path::extension() gives it); nothing for anything else.
std::optional<PostedRowFormat> postedRowFormatFor(std::string_view extension);

struct PostedRow {
    std::size_t line = 0; // 1-based line where the row starts
    KeyValues pairs;      // in the order of the CSV header or the JSON object
};

// A file or row that cannot be read. line() is the 1-based line where the row starts (for a
// problem with the file's structure, the line where it was found); key() is the posted key the
// problem is about, "" when there is none. message() is the problem alone; what() is
// "line N: message" or "line N, key 'K': message".
class PostedRowError : public std::runtime_error {
public:
    PostedRowError(std::size_t line, std::string key, const std::string& message);
    std::size_t line() const { return line_; }
    const std::string& key() const { return key_; }
    const std::string& message() const { return message_; }

private:
    std::size_t line_;
    std::string key_;
    std::string message_;
};

// Reads posted rows from a stream, one row per next(), never holding more than one row: memory
// is bounded by the longest row, not by the file. A UTF-8 byte order mark at the very start is
// skipped in every format.
//
// Csv (RFC 4180, as CsvReader reads it): the first row is the header of posted keys, kept as
//   they are (case and spaces included); a blank header cell, a cell that is not UTF-8 or a
//   repeated key is an error, and so is a file without a header row. Each data row gives one
//   pair per cell in header order, empty cells included; cells missing at the end of a short row
//   are not posted; a row with more cells than the header, or a cell that is not UTF-8, is an
//   error. Empty lines are skipped.
// JsonLines: each line that is not blank is one JSON object, read by decodeJsonObject (strings
//   as they are, numbers and booleans as their text, null as "", nested values as compact JSON,
//   the last of duplicate keys wins). A '\r' ending a line is ignored.
// JsonArray: the file is `[ {...}, ... ]` or `{"contacts": [ {...}, ... ]}` (no other top-level
//   key); each element is an object read by decodeJsonObject, and the row's line is the line of
//   its '{'. The array is scanned element by element from the stream.
//
// next() throws PostedRowError for malformed input (a DecodeError becomes one with the row's
// line). After throwing, the reader is spent: every later next() throws the same error again.
// maxJsonDepth limits the nesting of each JSON row as decodeJsonObject's maxDepth does. Not
// thread-safe; reads the stream's buffer directly.
class PostedRowReader {
public:
    PostedRowReader(std::istream& in, PostedRowFormat format, std::size_t maxJsonDepth = 32);
    ~PostedRowReader();
    PostedRowReader(const PostedRowReader&) = delete;
    PostedRowReader& operator=(const PostedRowReader&) = delete;

    // Fills row with the next row; false (row emptied) at the end of the input.
    bool next(PostedRow& row);

private:
    enum class ArrayState { Start, FirstElement, AfterElement, Done };

    bool nextCsv(PostedRow& row);
    bool nextJsonLine(PostedRow& row);
    bool nextArrayElement(PostedRow& row);

    void readCsvHeader();
    void skipByteOrderMark();
    int get();
    int peek();
    void skipJsonWhitespace();
    void openJsonArray();
    void readElement();
    void closeJsonArray();
    void decodeInto(PostedRow& row, std::size_t line);

    std::streambuf* buffer_;
    PostedRowFormat format_;
    std::size_t maxJsonDepth_;
    std::optional<PostedRowError> error_;

    std::unique_ptr<CsvReader> csv_;
    std::vector<std::string> header_;
    std::vector<std::string> cells_;

    bool started_ = false;
    std::string pending_; // bytes of a partial byte order mark, read again first (JSON formats)
    std::size_t pendingAt_ = 0;
    std::size_t line_ = 1; // the line of the next byte to read (JSON formats)
    std::string text_;     // the current JSON row's text
    ArrayState arrayState_ = ArrayState::Start;
    bool wrapped_ = false; // {"contacts": [...]}
    std::size_t elements_ = 0;
};

} // namespace dpp::mapping
