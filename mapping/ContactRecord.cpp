#include "mapping/ContactRecord.h"

#include "mapping/Encoding.h"

#include <Poco/Exception.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <limits>

namespace dpp::mapping {

namespace {

constexpr std::string_view kCustomKey = "custom";
constexpr std::string_view kCustomColumnPrefix = "custom.";
constexpr std::string_view kCfColumnPrefix = "cf:";

// A name or value quoted for a message: control characters and bytes that are not UTF-8 are
// shown as \xHH, and long text is cut.
std::string quoted(std::string_view text) {
    constexpr std::size_t kLimit = 60;
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string result = "'";
    std::size_t i = 0;
    while (i < text.size() && result.size() < kLimit) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7F) {
            result.push_back(static_cast<char>(c));
            ++i;
            continue;
        }
        if (c >= 0xC0) {
            const std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            const std::string_view sequence = text.substr(i, length);
            if (sequence.size() == length && isValidUtf8(sequence)) {
                result.append(sequence);
                i += length;
                continue;
            }
        }
        result += "\\x";
        result.push_back(kHex[c >> 4]);
        result.push_back(kHex[c & 0xF]);
        ++i;
    }
    if (i < text.size())
        result += "...";
    result.push_back('\'');
    return result;
}

char lowerAscii(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Optimal string alignment distance (insertions, deletions, substitutions and swaps of two
// neighbours), ignoring ASCII case. Private to this file on purpose.
std::size_t editDistance(std::string_view a, std::string_view b) {
    const std::size_t rows = a.size() + 1;
    const std::size_t columns = b.size() + 1;
    std::vector<std::size_t> table(rows * columns);
    auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return table[i * columns + j]; };
    for (std::size_t i = 0; i < rows; ++i)
        at(i, 0) = i;
    for (std::size_t j = 0; j < columns; ++j)
        at(0, j) = j;
    for (std::size_t i = 1; i < rows; ++i) {
        for (std::size_t j = 1; j < columns; ++j) {
            const bool same = lowerAscii(a[i - 1]) == lowerAscii(b[j - 1]);
            at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + !same});
            if (i > 1 && j > 1 && lowerAscii(a[i - 1]) == lowerAscii(b[j - 2]) &&
                lowerAscii(a[i - 2]) == lowerAscii(b[j - 1]))
                at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
        }
    }
    return at(rows - 1, columns - 1);
}

// The names a record may use, for "did you mean" hints.
std::vector<std::string_view> knownNames(bool includeJsonOnlyKeys) {
    std::vector<std::string_view> names;
    for (const auto& field : systemFields())
        if (!field.assignedByStore || field.field == SystemField::Id)
            names.push_back(field.importName);
    if (includeJsonOnlyKeys) {
        for (std::string_view key :
             {kCustomKey, std::string_view("plan"), std::string_view("documents"),
              std::string_view("budget"), std::string_view("payments")})
            names.push_back(key);
    }
    return names;
}

// " (did you mean 'firstname'?)" when a known name is within two edits, else "".
std::string suggestionFor(std::string_view name, bool includeJsonOnlyKeys) {
    constexpr std::size_t kMaxDistance = 2;
    std::string_view best;
    std::size_t bestDistance = kMaxDistance + 1;
    for (const std::string_view candidate : knownNames(includeJsonOnlyKeys)) {
        const std::size_t lengthGap = candidate.size() > name.size()
                                          ? candidate.size() - name.size()
                                          : name.size() - candidate.size();
        if (lengthGap > kMaxDistance)
            continue;
        const std::size_t distance = editDistance(name, candidate);
        if (distance < bestDistance && distance < candidate.size()) {
            best = candidate;
            bestDistance = distance;
        }
    }
    if (best.empty())
        return {};
    return " (did you mean '" + std::string(best) + "'?)";
}

bool isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
}
bool isAsciiLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool isRealDate(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-')
        return false;
    for (const std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (!isAsciiDigit(text[i]))
            return false;
    auto number = [&](std::size_t from, std::size_t length) {
        int value = 0;
        for (std::size_t i = from; i < from + length; ++i)
            value = value * 10 + (text[i] - '0');
        return value;
    };
    const int year = number(0, 4);
    const int month = number(5, 2);
    const int day = number(8, 2);
    if (year < 1 || month < 1 || month > 12 || day < 1)
        return false;
    constexpr std::array<int, 12> kDaysInMonth = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    const int daysInMonth = month == 2 && leap ? 29 : kDaysInMonth[month - 1];
    return day <= daysInMonth;
}

bool isPlausibleEmail(std::string_view text) {
    const std::size_t at = text.find('@');
    return at != std::string_view::npos && at > 0 && at + 1 < text.size() &&
           text.find('@', at + 1) == std::string_view::npos;
}

void requireUtf8(const std::string& label, std::string_view value) {
    if (!isValidUtf8(value))
        throw RecordError(label, "field '" + label + "' is not valid UTF-8");
}

// A contact id from text: digits only, positive, fits in 64 bits.
std::int64_t parseIdText(const std::string& label, std::string_view text) {
    const bool digitsOnly = !text.empty() && std::all_of(text.begin(), text.end(),
                                                         [](char c) { return isAsciiDigit(c); });
    if (!digitsOnly)
        throw RecordError(label,
                          "field '" + label + "' must be a positive integer, got " + quoted(text));
    std::int64_t id = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (error != std::errc() || end != text.data() + text.size())
        throw RecordError(label, "field '" + label + "' is too large: " + quoted(text));
    if (id <= 0)
        throw RecordError(label,
                          "field '" + label + "' must be a positive integer, got " + quoted(text));
    return id;
}

void setId(ContactRecord& record, std::int64_t id) {
    record.contact.id = id;
    record.contact.set(SystemField::Id, std::to_string(id));
    record.hasId = true;
}

// Validates a value of an importable system field (not Id) and stores it.
void setSystemField(ContactRecord& record, SystemField field, const std::string& label,
                    std::string value) {
    requireUtf8(label, value);
    if (!value.empty()) {
        switch (field) {
        case SystemField::Dob:
            if (!isRealDate(value))
                throw RecordError(label, "field '" + label +
                                             "' must be a real date written YYYY-MM-DD, got " +
                                             quoted(value));
            break;
        case SystemField::Email:
            if (!isPlausibleEmail(value))
                throw RecordError(label, "field '" + label +
                                             "' must contain exactly one '@' with text on both "
                                             "sides, got " +
                                             quoted(value));
            break;
        case SystemField::State:
            if (value.size() != 2 || !isAsciiLetter(value[0]) || !isAsciiLetter(value[1]))
                throw RecordError(label, "field '" + label +
                                             "' must be a two-letter state code, got " +
                                             quoted(value));
            for (char& c : value)
                if (c >= 'a' && c <= 'z')
                    c = static_cast<char>(c - 'a' + 'A');
            break;
        default:
            break;
        }
    }
    record.contact.set(field, std::move(value));
}

void setCustomField(ContactRecord& record, const std::string& label, const std::string& name,
                    std::string value) {
    if (name.empty())
        throw RecordError(label, "custom field '" + label + "' has an empty name");
    if (!isValidUtf8(name))
        throw RecordError(label, "custom field name " + quoted(name) + " is not valid UTF-8");
    requireUtf8(label, value);
    if (!value.empty())
        record.contact.custom[name] = std::move(value);
}

// The text of a JSON scalar for a text field: strings as they are, numbers as their text,
// null as "". Anything else throws.
std::string jsonValueText(const std::string& label, const Poco::Dynamic::Var& value) {
    if (value.isEmpty())
        return {};
    if (value.isString())
        return value.extract<std::string>();
    if (value.isBoolean())
        throw RecordError(label, "field '" + label + "' must be a string, not true or false");
    if (value.isInteger())
        return value.convert<std::string>();
    if (value.isNumeric()) {
        const double number = value.convert<double>();
        std::array<char, 32> buffer{};
        const auto [end, error] =
            std::to_chars(buffer.data(), buffer.data() + buffer.size(), number);
        if (error != std::errc())
            throw RecordError(label, "field '" + label + "' holds a number that cannot be written");
        return std::string(buffer.data(), end);
    }
    throw RecordError(label, "field '" + label + "' must be a string or a number");
}

void applyJsonId(ContactRecord& record, const Poco::Dynamic::Var& value) {
    const std::string label = "id";
    if (value.isEmpty())
        return;
    if (value.isString()) {
        const std::string text = value.extract<std::string>();
        requireUtf8(label, text);
        setId(record, parseIdText(label, text));
        return;
    }
    if (value.isInteger() && !value.isBoolean()) {
        std::int64_t id = 0;
        try {
            id = value.convert<std::int64_t>();
        } catch (const Poco::Exception&) {
            throw RecordError(label, "field 'id' is too large: " + value.convert<std::string>());
        }
        if (id <= 0)
            throw RecordError(label,
                              "field 'id' must be a positive integer, got " + std::to_string(id));
        setId(record, id);
        return;
    }
    throw RecordError(label, "field 'id' must be a positive integer or a string of digits");
}

Poco::JSON::Object::Ptr objectOf(const Poco::Dynamic::Var& value) {
    if (value.type() == typeid(Poco::JSON::Object::Ptr))
        return value.extract<Poco::JSON::Object::Ptr>();
    if (value.type() == typeid(Poco::JSON::Object))
        return new Poco::JSON::Object(value.extract<Poco::JSON::Object>());
    return nullptr;
}

void applyJsonCustom(ContactRecord& record, const Poco::Dynamic::Var& value) {
    if (value.isEmpty())
        return;
    const Poco::JSON::Object::Ptr custom = objectOf(value);
    if (!custom)
        throw RecordError(std::string(kCustomKey),
                          "field 'custom' must be an object of custom field names to values");
    for (const std::string& name : custom->getNames()) {
        const std::string label = std::string(kCustomKey) + "." + name;
        setCustomField(record, label, name, jsonValueText(label, custom->get(name)));
    }
}

} // namespace

RecordError::RecordError(std::string field, std::string message)
    : std::runtime_error(std::move(message)), field_(std::move(field)) {}

ContactRecord parseContactJson(const Poco::JSON::Object& object) {
    ContactRecord record;
    for (const std::string& key : object.getNames()) {
        const Poco::Dynamic::Var value = object.get(key);
        if (key == "id") {
            applyJsonId(record, value);
            continue;
        }
        if (key == kCustomKey) {
            applyJsonCustom(record, value);
            continue;
        }
        if (key == "plan" || key == "budget") {
            if (value.isEmpty())
                continue;
            Poco::JSON::Object::Ptr part = objectOf(value);
            if (!part)
                throw RecordError(key, "field '" + key + "' must be a JSON object");
            (key == "plan" ? record.plan : record.budget) = part;
            continue;
        }
        if (key == "documents" || key == "payments") {
            if (value.isEmpty())
                continue;
            if (value.type() != typeid(Poco::JSON::Array::Ptr))
                throw RecordError(key, "field '" + key + "' must be a JSON array");
            (key == "documents" ? record.documents : record.payments) =
                value.extract<Poco::JSON::Array::Ptr>();
            continue;
        }
        if (!isValidUtf8(key))
            throw RecordError(key, "field name " + quoted(key) + " is not valid UTF-8");
        const std::optional<SystemField> field = fieldByImportName(key);
        if (!field)
            throw RecordError(key, "unknown field " + quoted(key) + suggestionFor(key, true));
        if (info(*field).assignedByStore)
            throw RecordError(key, "field '" + key +
                                       "' is assigned by the store and cannot be "
                                       "imported");
        setSystemField(record, *field, key, jsonValueText(key, value));
    }
    return record;
}

ContactRecord parseContactJsonText(std::string_view text) {
    if (!isValidUtf8(text))
        throw RecordError("", "the record is not valid UTF-8");
    Poco::Dynamic::Var parsed;
    try {
        Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
        parsed = parser.parse(std::string(text));
    } catch (const Poco::Exception& error) {
        throw RecordError("", "the record is not valid JSON: " + error.message());
    }
    const Poco::JSON::Object::Ptr object = objectOf(parsed);
    if (!object)
        throw RecordError("", "a contact record must be a JSON object");
    return parseContactJson(*object);
}

// ---------------------------------------------------------------------------------------------
// CSV

CsvReader::CsvReader(std::istream& in) : buffer_(in.rdbuf()) {}

int CsvReader::get() {
    if (pendingAt_ < pending_.size())
        return static_cast<unsigned char>(pending_[pendingAt_++]);
    const auto c = buffer_->sbumpc();
    return c == std::streambuf::traits_type::eof()
               ? -1
               : std::streambuf::traits_type::to_int_type(static_cast<char>(c));
}

int CsvReader::peek() {
    if (pendingAt_ < pending_.size())
        return static_cast<unsigned char>(pending_[pendingAt_]);
    const auto c = buffer_->sgetc();
    return c == std::streambuf::traits_type::eof()
               ? -1
               : std::streambuf::traits_type::to_int_type(static_cast<char>(c));
}

bool CsvReader::next(std::vector<std::string>& row) {
    constexpr int kEnd = -1;
    row.clear();
    if (!buffer_)
        return false;
    if (!started_) {
        started_ = true;
        // A byte order mark is only ever EF BB BF; anything else starting with EF is data
        // (which then fails UTF-8 validation with the bytes as they are).
        const char bom[] = "\xEF\xBB\xBF";
        for (int i = 0; i < 3 && buffer_->sgetc() == static_cast<unsigned char>(bom[i]); ++i)
            pending_ += static_cast<char>(buffer_->sbumpc());
        if (pending_ == bom)
            pending_.clear();
    }
    // Skip completely empty lines.
    for (;;) {
        const int c = peek();
        if (c == '\n') {
            get();
            ++currentLine_;
        } else if (c == '\r') {
            get();
            if (peek() == '\n')
                get();
            ++currentLine_;
        } else {
            break;
        }
    }
    if (peek() == kEnd)
        return false;

    recordLine_ = currentLine_;
    std::string field;
    for (;;) {
        field.clear();
        int c = peek();
        if (c == '"') {
            const std::size_t quoteLine = currentLine_;
            get();
            for (;;) {
                c = get();
                if (c == kEnd)
                    throw RecordError("", "line " + std::to_string(quoteLine) +
                                              ": a quoted field is never closed");
                if (c == '"') {
                    if (peek() != '"')
                        break;
                    get();
                } else if (c == '\n' || (c == '\r' && peek() != '\n')) {
                    ++currentLine_;
                }
                field.push_back(static_cast<char>(c));
            }
            c = peek();
            if (c != ',' && c != '\r' && c != '\n' && c != kEnd)
                throw RecordError("", "line " + std::to_string(currentLine_) +
                                          ": unexpected text after a closing quote (a quote "
                                          "inside a quoted field is written \"\")");
        } else {
            while ((c = peek()) != kEnd && c != ',' && c != '\r' && c != '\n') {
                if (c == '"')
                    throw RecordError("", "line " + std::to_string(currentLine_) +
                                              ": a quote inside an unquoted field (quote the "
                                              "field and write the quote as \"\")");
                field.push_back(static_cast<char>(get()));
            }
        }
        row.push_back(field);
        c = get();
        if (c == ',')
            continue;
        if (c == '\r') {
            if (peek() == '\n')
                get();
            ++currentLine_;
        } else if (c == '\n') {
            ++currentLine_;
        }
        return true;
    }
}

CsvContactMapper::CsvContactMapper(const std::vector<std::string>& header) {
    std::vector<std::string> identities; // per column: "system:<index>" or "custom:<name>"
    columns_.reserve(header.size());
    for (std::size_t i = 0; i < header.size(); ++i) {
        const std::string& name = header[i];
        const std::string position = "column " + std::to_string(i + 1);
        if (name.empty())
            throw RecordError(name, position + " of the header has no name");
        if (!isValidUtf8(name))
            throw RecordError(name, position + " name " + quoted(name) + " is not valid UTF-8");
        Column column{name, std::nullopt, {}};
        std::string identity;
        const std::string_view view = name;
        if (view.starts_with(kCustomColumnPrefix) || view.starts_with(kCfColumnPrefix)) {
            const std::size_t prefix = view.starts_with(kCustomColumnPrefix)
                                           ? kCustomColumnPrefix.size()
                                           : kCfColumnPrefix.size();
            column.customName = name.substr(prefix);
            if (column.customName.empty())
                throw RecordError(name, "column '" + name + "' does not name a custom field");
            identity = "custom:" + column.customName;
        } else if (name == "payments" || view.starts_with("budget.") || name == "budget" ||
                   name == "plan" || name == "documents") {
            throw RecordError(name, "column '" + name +
                                        "' is not taken by a CSV import: plans, documents, budget "
                                        "values and payments are imported from .jsonl or .json");
        } else {
            column.field = fieldByImportName(name);
            if (!column.field)
                throw RecordError(name, "unknown column " + quoted(name) +
                                            suggestionFor(name, false) +
                                            "; custom fields are written custom.<Name>");
            if (info(*column.field).assignedByStore && *column.field != SystemField::Id)
                throw RecordError(name, "column '" + name +
                                            "' is assigned by the store and cannot be imported");
            identity = "system:" + std::to_string(indexOf(*column.field));
        }
        const auto earlier = std::find(identities.begin(), identities.end(), identity);
        if (earlier != identities.end()) {
            const std::size_t earlierIndex = static_cast<std::size_t>(earlier - identities.begin());
            throw RecordError(name, "duplicate column '" + name + "' (the same field as column " +
                                        std::to_string(earlierIndex + 1) + " '" +
                                        columns_[earlierIndex].name + "')");
        }
        identities.push_back(std::move(identity));
        columns_.push_back(std::move(column));
    }
}

ContactRecord CsvContactMapper::map(const std::vector<std::string>& row) const {
    if (row.size() != columns_.size())
        throw RecordError("", "expected " + std::to_string(columns_.size()) +
                                  " columns as in the header, found " + std::to_string(row.size()));
    ContactRecord record;
    for (std::size_t i = 0; i < row.size(); ++i) {
        const Column& column = columns_[i];
        const std::string& cell = row[i];
        if (!column.field) {
            setCustomField(record, column.name, column.customName, cell);
        } else if (*column.field == SystemField::Id) {
            requireUtf8(column.name, cell);
            if (!cell.empty())
                setId(record, parseIdText(column.name, cell));
        } else {
            setSystemField(record, *column.field, column.name, cell);
        }
    }
    return record;
}

} // namespace dpp::mapping
