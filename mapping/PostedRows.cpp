#include "mapping/PostedRows.h"

#include "mapping/ContactRecord.h"

#include <unordered_map>

namespace dpp::mapping {

namespace {

constexpr int kEnd = -1;
constexpr std::string_view kJsonShape = "a .json file is an array of rows or {\"contacts\": [...]}";

// Text quoted for a message: control characters shown as \xHH, long text cut at a character
// boundary. The text is UTF-8.
std::string quoted(std::string_view text) {
    constexpr std::size_t kLimit = 60;
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string result = "'";
    std::size_t i = 0;
    for (; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (result.size() >= kLimit && (c & 0xC0) != 0x80)
            break;
        if (c < 0x20 || c == 0x7F) {
            result += "\\x";
            result.push_back(kHex[c >> 4]);
            result.push_back(kHex[c & 0xF]);
        } else {
            result.push_back(static_cast<char>(c));
        }
    }
    if (i < text.size())
        result += "...";
    result.push_back('\'');
    return result;
}

std::string describe(std::size_t line, const std::string& key, const std::string& message) {
    return "line " + std::to_string(line) + (key.empty() ? "" : ", key " + quoted(key)) + ": " +
           message;
}

[[noreturn]] void fail(std::size_t line, const std::string& message) {
    throw PostedRowError(line, "", message);
}

// CsvReader's messages start with "line N: " (N being where the problem is); the row's line is
// given by the error itself, so N is kept only when it differs.
std::string csvProblem(std::string_view message, std::size_t rowLine) {
    constexpr std::string_view kPrefix = "line ";
    if (message.substr(0, kPrefix.size()) != kPrefix)
        return std::string(message);
    std::size_t end = kPrefix.size();
    std::size_t line = 0;
    while (end < message.size() && message[end] >= '0' && message[end] <= '9')
        line = line * 10 + static_cast<std::size_t>(message[end++] - '0');
    if (end == kPrefix.size() || message.substr(end, 2) != ": ")
        return std::string(message);
    std::string problem(message.substr(end + 2));
    if (line != rowLine)
        problem += " (line " + std::to_string(line) + ")";
    return problem;
}

bool isBlank(std::string_view text) {
    return text.find_first_not_of(" \t") == std::string_view::npos;
}

char lowerAscii(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

} // namespace

std::optional<PostedRowFormat> postedRowFormatFor(std::string_view extension) {
    if (!extension.empty() && extension.front() == '.')
        extension.remove_prefix(1);
    std::string lower;
    for (const char c : extension)
        lower.push_back(lowerAscii(c));
    if (lower == "csv")
        return PostedRowFormat::Csv;
    if (lower == "jsonl" || lower == "ndjson")
        return PostedRowFormat::JsonLines;
    if (lower == "json")
        return PostedRowFormat::JsonArray;
    return std::nullopt;
}

PostedRowError::PostedRowError(std::size_t line, std::string key, const std::string& message)
    : std::runtime_error(describe(line, key, message)), line_(line), key_(std::move(key)),
      message_(message) {}

PostedRowReader::PostedRowReader(std::istream& in, PostedRowFormat format, std::size_t maxJsonDepth)
    : buffer_(in.rdbuf()), format_(format), maxJsonDepth_(maxJsonDepth) {
    if (format_ == PostedRowFormat::Csv)
        csv_ = std::make_unique<CsvReader>(in);
}

PostedRowReader::~PostedRowReader() = default;

bool PostedRowReader::next(PostedRow& row) {
    if (error_)
        throw *error_;
    row.line = 0;
    row.pairs.clear();
    try {
        bool found = false;
        switch (format_) {
        case PostedRowFormat::Csv:
            found = nextCsv(row);
            break;
        case PostedRowFormat::JsonLines:
            found = nextJsonLine(row);
            break;
        case PostedRowFormat::JsonArray:
            found = nextArrayElement(row);
            break;
        }
        return found;
    } catch (const PostedRowError& error) {
        error_ = error;
        throw;
    }
}

// ---------------------------------------------------------------------------------------------
// CSV

namespace {

bool nextCsvRecord(CsvReader& reader, std::vector<std::string>& cells) {
    try {
        return reader.next(cells);
    } catch (const RecordError& error) {
        fail(reader.lineNumber(), csvProblem(error.what(), reader.lineNumber()));
    }
}

} // namespace

void PostedRowReader::readCsvHeader() {
    if (!nextCsvRecord(*csv_, header_))
        fail(1, "the CSV file is empty (it needs a header row)");
    const std::size_t line = csv_->lineNumber();
    std::unordered_map<std::string_view, std::size_t> columns;
    for (std::size_t i = 0; i < header_.size(); ++i) {
        const std::string& key = header_[i];
        const std::string position = "column " + std::to_string(i + 1) + " of the header";
        if (!isValidUtf8(key))
            fail(line, position + " is not valid UTF-8");
        if (isBlank(key))
            fail(line, position + " has no key");
        const auto [it, inserted] = columns.try_emplace(key, i + 1);
        if (!inserted)
            throw PostedRowError(line, key,
                                 position + " repeats column " + std::to_string(it->second));
    }
}

bool PostedRowReader::nextCsv(PostedRow& row) {
    if (!started_) {
        started_ = true;
        readCsvHeader();
    }
    if (!nextCsvRecord(*csv_, cells_))
        return false;
    const std::size_t line = csv_->lineNumber();
    if (cells_.size() > header_.size())
        fail(line, "the row has " + std::to_string(cells_.size()) + " cells but the header has " +
                       std::to_string(header_.size()));
    row.pairs.reserve(cells_.size());
    for (std::size_t i = 0; i < cells_.size(); ++i) {
        if (!isValidUtf8(cells_[i]))
            throw PostedRowError(line, header_[i], "the value is not valid UTF-8");
        row.pairs.emplace_back(header_[i], std::move(cells_[i]));
    }
    row.line = line;
    return true;
}

// ---------------------------------------------------------------------------------------------
// JSON: byte access with line counting

void PostedRowReader::skipByteOrderMark() {
    // Bytes of a partial mark are data: they go back in front of the text, so a broken mark
    // fails UTF-8 validation with the bytes as they are.
    const std::string_view bom = "\xEF\xBB\xBF";
    std::size_t matched = 0;
    while (matched < bom.size() && buffer_->sgetc() == static_cast<unsigned char>(bom[matched])) {
        buffer_->sbumpc();
        ++matched;
    }
    if (matched < bom.size())
        pending_.assign(bom.substr(0, matched));
}

int PostedRowReader::get() {
    int c;
    if (pendingAt_ < pending_.size()) {
        c = static_cast<unsigned char>(pending_[pendingAt_++]);
    } else {
        const auto next = buffer_->sbumpc();
        if (next == std::streambuf::traits_type::eof())
            return kEnd;
        c = next;
    }
    if (c == '\n')
        ++line_;
    return c;
}

int PostedRowReader::peek() {
    if (pendingAt_ < pending_.size())
        return static_cast<unsigned char>(pending_[pendingAt_]);
    const auto next = buffer_->sgetc();
    return next == std::streambuf::traits_type::eof() ? kEnd : next;
}

void PostedRowReader::skipJsonWhitespace() {
    for (int c = peek(); c == ' ' || c == '\t' || c == '\n' || c == '\r'; c = peek())
        get();
}

void PostedRowReader::decodeInto(PostedRow& row, std::size_t line) {
    try {
        row.pairs = decodeJsonObject(text_, maxJsonDepth_);
    } catch (const DecodeError& error) {
        fail(line, error.what());
    }
    row.line = line;
}

// ---------------------------------------------------------------------------------------------
// JSON lines

bool PostedRowReader::nextJsonLine(PostedRow& row) {
    if (!started_) {
        started_ = true;
        skipByteOrderMark();
    }
    while (peek() != kEnd) {
        const std::size_t line = line_;
        text_.clear();
        for (int c = get(); c != kEnd && c != '\n'; c = get())
            text_.push_back(static_cast<char>(c));
        if (!text_.empty() && text_.back() == '\r')
            text_.pop_back();
        if (isBlank(text_))
            continue;
        decodeInto(row, line);
        return true;
    }
    return false;
}

// ---------------------------------------------------------------------------------------------
// JSON array

void PostedRowReader::openJsonArray() {
    skipByteOrderMark();
    skipJsonWhitespace();
    const int c = get();
    if (c == '[') {
        arrayState_ = ArrayState::FirstElement;
        return;
    }
    if (c == kEnd)
        fail(line_, "the file is empty: " + std::string(kJsonShape));
    if (c != '{')
        fail(line_, std::string(kJsonShape) + "; this file starts with something else");
    wrapped_ = true;
    skipJsonWhitespace();
    if (peek() != '"')
        fail(line_, std::string(kJsonShape) + "; this object has no key \"contacts\"");
    // The key, as its JSON text: only short keys can be "contacts", however escaped.
    constexpr std::size_t kLongestKeyText = 64;
    const std::size_t keyLine = line_;
    std::string keyText(1, static_cast<char>(get()));
    for (bool escaped = false;;) {
        const int k = get();
        if (k == kEnd)
            fail(line_, "the input ends inside the top-level key");
        keyText.push_back(static_cast<char>(k));
        if (keyText.size() > kLongestKeyText || k == '\n')
            fail(keyLine, "the only key allowed at the top level is \"contacts\"");
        if (escaped)
            escaped = false;
        else if (k == '\\')
            escaped = true;
        else if (k == '"')
            break;
    }
    std::string key;
    try {
        KeyValues decoded = decodeJsonObject("{" + keyText + ":null}");
        key = decoded.front().first;
    } catch (const DecodeError&) {
        fail(keyLine, "the top-level key is not a valid JSON string");
    }
    if (key != "contacts")
        fail(keyLine, "the only key allowed at the top level is \"contacts\", not " + quoted(key));
    skipJsonWhitespace();
    if (get() != ':')
        fail(line_, "':' was expected after \"contacts\"");
    skipJsonWhitespace();
    if (get() != '[')
        fail(line_, "\"contacts\" must be an array of rows");
    arrayState_ = ArrayState::FirstElement;
}

void PostedRowReader::readElement() {
    const std::size_t rowLine = line_;
    text_.clear();
    std::string closers; // the brackets still open, innermost last
    bool inString = false;
    bool escaped = false;
    for (;;) {
        const std::size_t at = line_;
        const int c = get();
        if (c == kEnd)
            fail(rowLine, "the input ends inside this row (its object is never closed)");
        text_.push_back(static_cast<char>(c));
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            else if (c < 0x20)
                fail(rowLine, "invalid JSON on line " + std::to_string(at) +
                                  ": a control character must be escaped in a string (is a "
                                  "string not closed?)");
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            closers.push_back(c == '{' ? '}' : ']');
            if (closers.size() > maxJsonDepth_)
                fail(rowLine, "invalid JSON on line " + std::to_string(at) + ": the " +
                                  (closers.size() == 1 ? "object" : "value") +
                                  " nests deeper than the limit of " +
                                  std::to_string(maxJsonDepth_));
        } else if (c == '}' || c == ']') {
            if (closers.back() != c)
                fail(rowLine, "invalid JSON on line " + std::to_string(at) + ": '" +
                                  std::string(1, closers.back()) + "' was expected, not '" +
                                  std::string(1, static_cast<char>(c)) + "'");
            closers.pop_back();
            if (closers.empty())
                return;
        }
    }
}

void PostedRowReader::closeJsonArray() {
    if (wrapped_) {
        skipJsonWhitespace();
        const int c = get();
        if (c == ',')
            fail(line_, "the only key allowed at the top level is \"contacts\"");
        if (c == kEnd)
            fail(line_, "the input ends before the top-level object is closed");
        if (c != '}')
            fail(line_, "'}' was expected after the array");
    }
    skipJsonWhitespace();
    if (peek() != kEnd)
        fail(line_,
             std::string("unexpected text after the ") + (wrapped_ ? "top-level object" : "array"));
    arrayState_ = ArrayState::Done;
}

bool PostedRowReader::nextArrayElement(PostedRow& row) {
    if (arrayState_ == ArrayState::Start)
        openJsonArray();
    if (arrayState_ == ArrayState::Done)
        return false;
    skipJsonWhitespace();
    int c = peek();
    if (c == ']') {
        get();
        closeJsonArray();
        return false;
    }
    if (arrayState_ == ArrayState::AfterElement) {
        if (c == kEnd)
            fail(line_, "the input ends before the array is closed");
        if (c != ',')
            fail(line_, "',' or ']' was expected after element " + std::to_string(elements_));
        get();
        skipJsonWhitespace();
        c = peek();
        if (c == ']')
            fail(line_, "an element was expected after ',' (JSON has no trailing commas)");
    }
    if (c == kEnd)
        fail(line_, "the input ends before the array is closed");
    ++elements_;
    if (c != '{')
        fail(line_, "element " + std::to_string(elements_) + " of the array is not an object");
    const std::size_t line = line_;
    readElement();
    arrayState_ = ArrayState::AfterElement;
    decodeInto(row, line);
    return true;
}

} // namespace dpp::mapping
