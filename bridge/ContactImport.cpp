#include "bridge/ContactImport.h"

#include "bridge/InputError.h"
#include "bridge/store/ContactStore.h"
#include "mapping/ContactRecord.h"

#include <Poco/JSON/Parser.h>

#include <fstream>
#include <sstream>

namespace dpp::bridge {

namespace {

struct NumberedRecord {
    std::size_t line;
    mapping::ContactRecord record;
};

std::string where(const std::filesystem::path& file, std::size_t line,
                  const mapping::RecordError& error) {
    return file.string() + " line " + std::to_string(line) +
           (error.field().empty() ? "" : ", field '" + error.field() + "'") + ": " + error.what();
}

std::vector<NumberedRecord> readJsonLines(const std::filesystem::path& file, std::istream& in) {
    std::vector<NumberedRecord> records;
    std::string text;
    std::size_t line = 0;
    while (std::getline(in, text)) {
        ++line;
        if (!text.empty() && text.back() == '\r')
            text.pop_back();
        if (text.find_first_not_of(" \t") == std::string::npos)
            continue;
        try {
            records.push_back({line, mapping::parseContactJsonText(text)});
        } catch (const mapping::RecordError& error) {
            throw InputError(where(file, line, error));
        }
    }
    return records;
}

// Line numbers for the elements of a JSON array: the line where each top-level element
// starts, found by a light scan that respects strings.
std::vector<std::size_t> elementLines(const std::string& text) {
    std::vector<std::size_t> lines;
    std::size_t line = 1;
    int depth = 0;
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\n')
            ++line;
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"')
            inString = true;
        else if (c == '{' || c == '[') {
            if (depth == 1 && c == '{')
                lines.push_back(line);
            ++depth;
        } else if (c == '}' || c == ']')
            --depth;
    }
    return lines;
}

std::vector<NumberedRecord> readJsonArray(const std::filesystem::path& file, std::istream& in) {
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string text = buffer.str();
    Poco::JSON::Array::Ptr array;
    try {
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var parsed = parser.parse(text);
        if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) {
            auto object = parsed.extract<Poco::JSON::Object::Ptr>();
            array = object->getArray("contacts");
        } else if (parsed.type() == typeid(Poco::JSON::Array::Ptr)) {
            array = parsed.extract<Poco::JSON::Array::Ptr>();
        }
    } catch (const Poco::Exception& error) {
        throw InputError(file.string() + ": not valid JSON: " + error.message());
    }
    if (!array)
        throw InputError(file.string() +
                         ": a .json import is an array of contacts or {\"contacts\": [...]}");
    std::vector<std::size_t> lines = elementLines(text);
    std::vector<NumberedRecord> records;
    for (std::size_t i = 0; i < array->size(); ++i) {
        std::size_t line = i < lines.size() ? lines[i] : 0;
        auto object = array->getObject(static_cast<unsigned>(i));
        try {
            if (!object)
                throw mapping::RecordError("", "contact " + std::to_string(i + 1) +
                                                   " of the array is not an object");
            records.push_back({line, mapping::parseContactJson(*object)});
        } catch (const mapping::RecordError& error) {
            throw InputError(where(file, line, error));
        }
    }
    return records;
}

std::vector<NumberedRecord> readCsv(const std::filesystem::path& file, std::istream& in) {
    std::vector<NumberedRecord> records;
    mapping::CsvReader reader(in);
    std::vector<std::string> row;
    try {
        if (!reader.next(row))
            throw InputError(file.string() + ": the CSV file is empty (it needs a header row)");
        mapping::CsvContactMapper mapper(row);
        while (reader.next(row))
            records.push_back({reader.lineNumber(), mapper.map(row)});
    } catch (const mapping::RecordError& error) {
        throw InputError(where(file, reader.lineNumber(), error));
    }
    return records;
}

} // namespace

ImportResult importContacts(Database& database, std::int64_t accountId,
                            const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw InputError("cannot read " + file.string());
    std::string extension = file.extension().string();
    std::vector<NumberedRecord> records;
    if (extension == ".jsonl" || extension == ".ndjson")
        records = readJsonLines(file, in);
    else if (extension == ".json")
        records = readJsonArray(file, in);
    else if (extension == ".csv")
        records = readCsv(file, in);
    else
        throw InputError(file.string() + ": unknown file type '" + extension +
                         "' (import takes .jsonl, .json or .csv)");
    ImportResult result;
    database.write([&](Poco::Data::Session& session) {
        if (!ContactStore::accountExists(session, accountId))
            throw NotFound("account " + std::to_string(accountId) +
                           " does not exist; create it with: dppbridge account add --id " +
                           std::to_string(accountId) + " --name NAME");
        for (NumberedRecord& numbered : records) {
            mapping::Contact& contact = numbered.record.contact;
            contact.accountId = accountId;
            if (!numbered.record.hasId)
                contact.id = 0;
            try {
                result.contactIds.push_back(ContactStore::insert(session, contact));
            } catch (const InputError& error) {
                throw InputError(file.string() + " line " + std::to_string(numbered.line) +
                                 ", field 'id': " + error.what());
            }
        }
    });
    return result;
}

} // namespace dpp::bridge
