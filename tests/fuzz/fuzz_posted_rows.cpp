// Fuzzes the reader of `contact import --datasource` files (mapping/PostedRows.h), which reads
// whatever file an operator was handed.
// Input: a first byte choosing the format (byte % 3: 0 Csv, 1 JsonLines, 2 JsonArray) and how
// the bytes arrive the second time (pieces of 1 to 16 bytes, sizes drawn from that byte), then
// the file's bytes. Every row is read, until next() gives false or throws.
//
// Expected: PostedRowError. Properties:
//   - nothing else escapes next();
//   - row lines (and the error's line) are >= 1 and never go down;
//   - every key and value of every row is UTF-8 (CSV: the reader checks header cells and
//     cells; JSON: decodeJsonObject never returns anything else), and no row repeats a key
//     (CSV refuses repeated header keys; in JSON the last of duplicate keys wins);
//   - CSV: each row's keys are the header's first keys, in order (so one row's keys are a
//     prefix of another's);
//   - next() gives false with the row emptied at the end;
//   - after an error, next() throws the same error again (twice);
//   - the same rows and the same error come out when the stream delivers the bytes in small
//     pieces: nothing depends on how the file's buffer fills.
#include "FuzzSupport.h"

#include "mapping/PostedRows.h"

#include <algorithm>
#include <istream>
#include <optional>
#include <sstream>
#include <streambuf>
#include <unordered_set>

using namespace dpp;
using namespace dpp::mapping;

namespace {

constexpr std::size_t kMaxRows = 10000;

// A stream buffer that hands out its bytes in pieces of 1..maxPiece bytes (sizes from a small
// deterministic generator), as a file or pipe read in short reads would.
class PiecewiseBuffer : public std::streambuf {
public:
    PiecewiseBuffer(std::string_view bytes, std::uint32_t seed, std::size_t maxPiece)
        : bytes_(bytes), state_(seed * 2654435761u + 1), maxPiece_(maxPiece) {}

protected:
    int_type underflow() override {
        if (gptr() < egptr())
            return traits_type::to_int_type(*gptr());
        if (at_ >= bytes_.size())
            return traits_type::eof();
        state_ = state_ * 1103515245u + 12345u;
        const std::size_t piece =
            std::min<std::size_t>(1 + (state_ >> 16) % maxPiece_, bytes_.size() - at_);
        char* start = bytes_.data() + at_;
        setg(start, start, start + piece);
        at_ += piece;
        return traits_type::to_int_type(*start);
    }

private:
    std::string bytes_;
    std::size_t at_ = 0;
    std::uint32_t state_;
    std::size_t maxPiece_;
};

struct Reading {
    std::vector<PostedRow> rows;
    std::optional<PostedRowError> error;
};

bool sameError(const PostedRowError& a, const PostedRowError& b) {
    return a.line() == b.line() && a.key() == b.key() && a.message() == b.message() &&
           std::string_view(a.what()) == b.what();
}

const char* formatName(PostedRowFormat format) {
    switch (format) {
    case PostedRowFormat::Csv:
        return "Csv";
    case PostedRowFormat::JsonLines:
        return "JsonLines";
    case PostedRowFormat::JsonArray:
        return "JsonArray";
    }
    return "?";
}

Reading readAll(std::istream& in, PostedRowFormat format, std::string_view input) {
    const std::string where = std::string(formatName(format)) + ": " + fuzz::printable(input);
    Reading reading;
    PostedRowReader reader(in, format);
    PostedRow row;
    try {
        for (;;) {
            if (reading.rows.size() >= kMaxRows)
                return reading;
            row.line = 12345;
            row.pairs.assign(1, {"stale", "row"});
            if (!reader.next(row)) {
                FUZZ_CHECK(row.pairs.empty(), "the end left the row filled: " + where);
                return reading;
            }
            reading.rows.push_back(row);
        }
    } catch (const PostedRowError& error) {
        reading.error = error;
    } catch (const std::exception& error) {
        fuzz::fail(__FILE__, __LINE__,
                   std::string("next() threw ") + typeid(error).name() + " (" + error.what() +
                       ") rather than PostedRowError; " + where);
    } catch (...) {
        fuzz::fail(__FILE__, __LINE__, "next() threw a non-std exception; " + where);
    }
    // Spent: the same error again, every time.
    for (int again = 0; again < 2; ++again) {
        bool same = false;
        std::string got = "no exception";
        try {
            reader.next(row);
        } catch (const PostedRowError& error) {
            same = sameError(error, *reading.error);
            got = error.what();
        } catch (const std::exception& error) {
            got = std::string(typeid(error).name()) + ": " + error.what();
        } catch (...) {
            got = "a non-std exception";
        }
        FUZZ_CHECK(same, "after '" + std::string(reading.error->what()) + "', next() gave " + got +
                             "; " + where);
    }
    return reading;
}

std::string describe(const Reading& reading) {
    std::string out = std::to_string(reading.rows.size()) + " rows";
    if (reading.error)
        out += " then '" + fuzz::printable(reading.error->what(), 120) + "'";
    out += ":";
    for (std::size_t r = 0; r < reading.rows.size() && r < 6; ++r) {
        out += "\n    line " + std::to_string(reading.rows[r].line) + ":";
        for (const auto& [key, value] : reading.rows[r].pairs)
            out += " [" + fuzz::printable(key, 30) + "=" + fuzz::printable(value, 30) + "]";
    }
    return out;
}

bool sameReading(const Reading& a, const Reading& b) {
    if (a.rows.size() != b.rows.size() || a.error.has_value() != b.error.has_value())
        return false;
    for (std::size_t r = 0; r < a.rows.size(); ++r)
        if (a.rows[r].line != b.rows[r].line || a.rows[r].pairs != b.rows[r].pairs)
            return false;
    return !a.error || sameError(*a.error, *b.error);
}

void checkRows(const Reading& reading, PostedRowFormat format, std::string_view input) {
    const std::string where = std::string(formatName(format)) + ": " + fuzz::printable(input);
    std::size_t lastLine = 1;
    const KeyValues* widest = nullptr; // the CSV row with the most keys so far
    for (const PostedRow& row : reading.rows) {
        FUZZ_CHECK(row.line >= lastLine, "row line " + std::to_string(row.line) + " after " +
                                             std::to_string(lastLine) + "; " + where);
        lastLine = row.line;
        std::unordered_set<std::string_view> keys;
        for (const auto& [key, value] : row.pairs) {
            FUZZ_CHECK(isValidUtf8(key),
                       "a key is not UTF-8: " + fuzz::printable(key) + "; " + where);
            FUZZ_CHECK(isValidUtf8(value), "the value of " + fuzz::printable(key) +
                                               " is not UTF-8: " + fuzz::printable(value) + "; " +
                                               where);
            FUZZ_CHECK(keys.insert(key).second, "line " + std::to_string(row.line) +
                                                    " repeats key " + fuzz::printable(key) + "; " +
                                                    where);
        }
        if (format == PostedRowFormat::Csv) {
            if (widest) {
                const std::size_t common = std::min(widest->size(), row.pairs.size());
                for (std::size_t i = 0; i < common; ++i)
                    FUZZ_CHECK((*widest)[i].first == row.pairs[i].first,
                               "CSV rows with different keys in column " + std::to_string(i + 1) +
                                   "; " + where);
            }
            if (!widest || widest->size() < row.pairs.size())
                widest = &row.pairs;
        }
    }
    if (reading.error)
        FUZZ_CHECK(reading.error->line() >= lastLine,
                   "error line " + std::to_string(reading.error->line()) + " after row line " +
                       std::to_string(lastLine) + ": " + reading.error->what() + "; " + where);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1)
        return 0;
    const auto format = static_cast<PostedRowFormat>(data[0] % 3);
    const std::size_t maxPiece = 1 + (data[0] / 3) % 16;
    const std::string_view file = fuzz::asText(data + 1, size - 1);

    std::istringstream whole{std::string(file)};
    const Reading reading = readAll(whole, format, file);
    checkRows(reading, format, file);

    PiecewiseBuffer buffer(file, data[0], maxPiece);
    std::istream pieces(&buffer);
    const Reading again = readAll(pieces, format, file);
    FUZZ_CHECK(sameReading(reading, again),
               std::string(formatName(format)) + " read whole: " + describe(reading) +
                   "\n  in pieces of up to " + std::to_string(maxPiece) +
                   " bytes: " + describe(again) + "\n  input: " + fuzz::printable(file));
    return 0;
}
