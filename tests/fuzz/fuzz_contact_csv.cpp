// Fuzzes a .csv contacts import (mapping/ContactRecord.h): CsvReader, then CsvContactMapper
// with the first row as the header and every further row mapped to a contact.
// Input: the CSV file's bytes.
//
// Expected: RecordError. Properties:
//   - CsvReader agrees with a small reference reader written from the header's contract (RFC
//     4180, CRLF / LF / CR, empty lines skipped, only a whole UTF-8 BOM skipped at the start):
//     same rows, same record lines, and an error exactly where the reference has one;
//   - the rows read, written back with every cell quoted, read back the same;
//   - every mapped contact holds UTF-8 only, and its state is two upper-case letters.
#include "FuzzSupport.h"

#include "mapping/ContactRecord.h"

#include <sstream>

using namespace dpp;
using namespace dpp::mapping;

namespace {

constexpr std::size_t kMaxRows = 200;

struct Reading {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::size_t> lines; // the line each row starts on
    bool failed = false;
};

// The contract of CsvReader, written out plainly.
Reading referenceRead(std::string_view text) {
    Reading reading;
    std::size_t i = 0;
    std::size_t line = 1;
    if (text.starts_with("\xEF\xBB\xBF"))
        i = 3;
    auto lineBreakAt = [&](std::size_t at) -> std::size_t { // its length, 0 for none
        if (at < text.size() && text[at] == '\n')
            return 1;
        if (at < text.size() && text[at] == '\r')
            return at + 1 < text.size() && text[at + 1] == '\n' ? 2 : 1;
        return 0;
    };
    while (reading.rows.size() < kMaxRows) {
        while (std::size_t length = lineBreakAt(i)) {
            i += length;
            ++line;
        }
        if (i >= text.size())
            return reading;
        const std::size_t recordLine = line;
        std::vector<std::string> row;
        for (;;) {
            std::string field;
            if (i < text.size() && text[i] == '"') {
                ++i;
                for (;;) {
                    if (i >= text.size()) {
                        reading.failed = true; // never closed
                        return reading;
                    }
                    if (text[i] == '"') {
                        if (i + 1 < text.size() && text[i + 1] == '"') {
                            field.push_back('"');
                            i += 2;
                            continue;
                        }
                        ++i;
                        break;
                    }
                    if (std::size_t length = lineBreakAt(i)) {
                        field.append(text.substr(i, length));
                        i += length;
                        ++line;
                        continue;
                    }
                    field.push_back(text[i++]);
                }
                if (i < text.size() && text[i] != ',' && !lineBreakAt(i)) {
                    reading.failed = true; // text after the closing quote
                    return reading;
                }
            } else {
                while (i < text.size() && text[i] != ',' && !lineBreakAt(i)) {
                    if (text[i] == '"') {
                        reading.failed = true; // a quote inside an unquoted field
                        return reading;
                    }
                    field.push_back(text[i++]);
                }
            }
            row.push_back(std::move(field));
            if (i < text.size() && text[i] == ',') {
                ++i;
                continue;
            }
            if (std::size_t length = lineBreakAt(i)) {
                i += length;
                ++line;
            }
            break;
        }
        reading.rows.push_back(std::move(row));
        reading.lines.push_back(recordLine);
    }
    return reading;
}

Reading libraryRead(std::string_view text) {
    Reading reading;
    std::istringstream in{std::string(text)};
    CsvReader reader(in);
    std::vector<std::string> row;
    try {
        while (reading.rows.size() < kMaxRows && reader.next(row)) {
            reading.lines.push_back(reader.lineNumber());
            reading.rows.push_back(row);
        }
    } catch (const RecordError& error) {
        FUZZ_CHECK(error.field().empty(), "a CSV syntax error names a field");
        reading.failed = true;
    }
    return reading;
}

std::string describe(const Reading& reading) {
    std::string out = std::to_string(reading.rows.size()) + " rows" +
                      (reading.failed ? " then an error" : "") + ":";
    for (std::size_t r = 0; r < reading.rows.size() && r < 8; ++r) {
        out += "\n    line " + std::to_string(reading.lines[r]) + ":";
        for (const std::string& field : reading.rows[r])
            out += " [" + fuzz::printable(field, 40) + "]";
    }
    return out;
}

std::string quotedCsv(const std::vector<std::vector<std::string>>& rows) {
    std::string out;
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (i > 0)
                out.push_back(',');
            out.push_back('"');
            for (char c : row[i]) {
                out.push_back(c);
                if (c == '"')
                    out.push_back('"');
            }
            out.push_back('"');
        }
        out += "\n";
    }
    return out;
}

void checkContact(const ContactRecord& record) {
    for (const std::string& value : record.contact.fields)
        FUZZ_CHECK(isValidUtf8(value), "a field is not UTF-8: " + fuzz::printable(value));
    for (const auto& [name, value] : record.contact.custom)
        FUZZ_CHECK(isValidUtf8(name) && isValidUtf8(value) && !value.empty(),
                   "custom " + fuzz::printable(name));
    const std::string& state = record.contact.get(SystemField::State);
    FUZZ_CHECK(state.empty() || (state.size() == 2 && state[0] >= 'A' && state[0] <= 'Z' &&
                                 state[1] >= 'A' && state[1] <= 'Z'),
               "state " + fuzz::printable(state));
    if (record.hasId)
        FUZZ_CHECK(record.contact.id > 0 &&
                       record.contact.get(SystemField::Id) == std::to_string(record.contact.id),
                   "id");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fuzz::asText(data, size);
    const Reading library = libraryRead(input);
    const Reading reference = referenceRead(input);
    FUZZ_CHECK(library.rows == reference.rows && library.lines == reference.lines &&
                   library.failed == reference.failed,
               "CsvReader read " + describe(library) + "\n  the contract says " +
                   describe(reference));

    // What was read, written back quoted, reads back the same.
    if (!library.rows.empty()) {
        const Reading again = libraryRead(quotedCsv(library.rows));
        FUZZ_CHECK(!again.failed && again.rows == library.rows,
                   "quoted rows read back as " + describe(again));
    }

    if (library.rows.empty())
        return 0;
    std::optional<CsvContactMapper> mapper;
    try {
        mapper.emplace(library.rows[0]);
    } catch (const RecordError&) {
        return 0;
    }
    for (std::size_t r = 1; r < library.rows.size(); ++r) {
        try {
            checkContact(mapper->map(library.rows[r]));
        } catch (const RecordError&) {
        }
    }
    return 0;
}
