#pragma once
// One contact record of a `contact import` file (.jsonl line, element of a .json array, or a CSV
// row) turned into a Contact: the pure part of the import. Reading files and storing contacts
// live in bridge/.
#include "mapping/Contact.h"

#include <Poco/JSON/Object.h>

#include <cstddef>
#include <istream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dpp::mapping {

// A record (or a CSV file's structure) that cannot be imported. what() is a complete sentence
// naming the field or column; field() is that name ("" when the problem is the record as a
// whole, e.g. a JSON syntax error or a wrong CSV column count). The caller adds the line.
class RecordError : public std::runtime_error {
public:
    RecordError(std::string field, std::string message);
    const std::string& field() const { return field_; }

private:
    std::string field_;
};

// A parsed record. contact.id (and its ID field) is set only when the record gives an id;
// contact.accountId and ACCTID are left for the importer to set.
struct ContactRecord {
    Contact contact;
    bool hasId = false;
    // The DPP-to-DPP parts, kept as given for specialparams/ and budget/ to read (this
    // library does not know their rules): "plan" (object), "documents" (array), "budget"
    // (object of budget field name to amount). Null when the record has none.
    Poco::JSON::Object::Ptr plan;
    Poco::JSON::Array::Ptr documents;
    Poco::JSON::Object::Ptr budget;
    Poco::JSON::Array::Ptr payments; // [{"id", "date", "amount", "status"}], read by bridge/
};

// Maps one JSON contact object: keys are the import names of the system fields ("firstname",
// ...) except the ones the store assigns (account_id, created), plus "id" (a positive integer or
// a string of digits) and "custom" (an object of custom field name to string or number). Field
// values are strings; numbers are accepted and kept as their text; null means empty. Values must
// be UTF-8; "dob" is YYYY-MM-DD, "email" has one '@' with text on both sides, "state" is two
// letters (stored upper-case). Empty custom values are not stored. Throws RecordError for the
// first problem found (keys are checked in the object's own order). Thread-safe.
ContactRecord parseContactJson(const Poco::JSON::Object& object);

// Parses the text of one JSON object and maps it as parseContactJson does. Text that is not
// UTF-8, not JSON, or not an object throws RecordError with field "". Thread-safe.
ContactRecord parseContactJsonText(std::string_view text);

// Reads RFC 4180 CSV rows from a stream: fields separated by ',', quoted fields with "" for a
// quote and line breaks inside quotes (kept as they are), records ending in CRLF, LF or CR, a
// UTF-8 byte order mark at the very start skipped. Lines that are completely empty are skipped.
// A quote inside an unquoted field, text after a closing quote, or a quote never closed throws
// RecordError (field "") naming the line. Not thread-safe; reads the stream it was given.
class CsvReader {
public:
    explicit CsvReader(std::istream& in);

    // Fills row with the next record's fields; false (row emptied) at the end of the input.
    bool next(std::vector<std::string>& row);

    // The 1-based line on which the record last returned by next() started (0 before any).
    std::size_t lineNumber() const { return recordLine_; }

private:
    int get();
    int peek();

    std::streambuf* buffer_;
    std::string pending_; // bytes read ahead (a partial byte order mark), served first
    std::size_t pendingAt_ = 0;
    std::size_t currentLine_ = 1;
    std::size_t recordLine_ = 0;
    bool started_ = false;
};

// Maps CSV rows to contacts by the header row. Each column is a system field's import name (as
// in JSON, "id" included, account_id and created refused) or "custom.<Name>" / "cf:<Name>" for a
// custom field. The constructor throws RecordError naming an unknown, empty, unsupported or
// duplicate column; map() applies the JSON rules to each cell (an empty cell is an empty value)
// and throws RecordError naming the column, or field "" for a wrong column count. Immutable
// after construction; map() is thread-safe.
class CsvContactMapper {
public:
    explicit CsvContactMapper(const std::vector<std::string>& header);

    ContactRecord map(const std::vector<std::string>& row) const;

private:
    struct Column {
        std::string name;                 // as in the header, for messages
        std::optional<SystemField> field; // a system field (Id included), or
        std::string customName;           // a custom field when field is empty
    };
    std::vector<Column> columns_;
};

} // namespace dpp::mapping
