#include "bridge/activation/ContactImport.h"

#include "bridge/Clock.h"
#include "bridge/InputError.h"
#include "bridge/activation/EventNames.h"
#include "bridge/activation/EventRaiser.h"
#include "bridge/outbox/OutboxSignal.h"
#include "bridge/store/ContactExtrasStore.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/PaymentStore.h"
#include "mapping/ContactRecord.h"

#include "bridge/store/DataSourceStore.h"

#include <Poco/JSON/Parser.h>

#include <fstream>
#include <map>
#include <sstream>

using namespace Poco::Data::Keywords;

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

namespace {

// The DPP-to-DPP parts of one record, read with their libraries' rules.
struct RecordExtras {
    std::optional<specialparams::EnrollmentPlan> plan;
    budget::BudgetValues budget;
    struct Document {
        specialparams::UploadedDocument document;
        std::filesystem::path source;
    };
    std::vector<Document> documents;
    std::vector<Payment> payments;
};

std::string textOf(const Poco::JSON::Object& object, const std::string& key,
                   const std::string& field) {
    if (!object.has(key) || object.isNull(key))
        return "";
    Poco::Dynamic::Var value = object.get(key);
    if (!value.isString())
        throw InputError("field '" + field + "." + key + "' must be a string");
    return value.extract<std::string>();
}

RecordExtras readExtras(const mapping::ContactRecord& record, const budget::BudgetCatalog& catalog,
                        const std::filesystem::path& folder) {
    RecordExtras extras;
    if (record.plan) {
        try {
            extras.plan = specialparams::planFromImportJson(*record.plan);
        } catch (const specialparams::PlanDataError& error) {
            throw InputError("field 'plan" + (error.field().empty() ? "" : "." + error.field()) +
                             "': " + error.what());
        }
    }
    if (record.budget) {
        if (catalog.empty() && record.budget->size() > 0)
            throw InputError("field 'budget': the account has no budget fields yet (add them "
                             "with budget add or budget import)");
        try {
            extras.budget = budget::budgetValuesFromImportJson(catalog, *record.budget);
        } catch (const budget::BudgetError& error) {
            throw InputError(std::string("field 'budget': ") + error.what());
        }
    }
    if (record.documents) {
        for (std::size_t i = 0; i < record.documents->size(); ++i) {
            std::string field = "documents[" + std::to_string(i + 1) + "]";
            auto object = record.documents->getObject(static_cast<unsigned>(i));
            if (!object)
                throw InputError("field '" + field + "' must be an object");
            RecordExtras::Document entry;
            if (object->has("id")) {
                Poco::Dynamic::Var id = object->get("id");
                if (!id.isInteger() || id.convert<std::int64_t>() <= 0)
                    throw InputError("field '" + field + ".id' must be a positive integer");
                entry.document.id = id.convert<std::int64_t>();
            }
            entry.document.name = textOf(*object, "name", field);
            entry.document.contentType = textOf(*object, "content_type", field);
            std::string path = textOf(*object, "path", field);
            if (path.empty())
                throw InputError("field '" + field +
                                 ".path' is required: the file to attach, "
                                 "relative to the import file");
            entry.source = std::filesystem::path(path).is_absolute() ? std::filesystem::path(path)
                                                                     : folder / path;
            if (!std::filesystem::is_regular_file(entry.source))
                throw InputError("field '" + field + ".path': no file at " + entry.source.string());
            if (entry.document.name.empty())
                entry.document.name = entry.source.filename().string();
            if (entry.document.contentType.empty())
                entry.document.contentType = "application/octet-stream";
            extras.documents.push_back(std::move(entry));
        }
    }
    if (record.payments) {
        for (std::size_t i = 0; i < record.payments->size(); ++i) {
            std::string field = "payments[" + std::to_string(i + 1) + "]";
            auto object = record.payments->getObject(static_cast<unsigned>(i));
            if (!object)
                throw InputError("field '" + field + "' must be an object");
            Payment payment =
                paymentFrom(textOf(*object, "date", field), textOf(*object, "amount", field),
                            textOf(*object, "status", field), field);
            if (object->has("id")) {
                Poco::Dynamic::Var id = object->get("id");
                if (!id.isInteger() || id.convert<std::int64_t>() <= 0)
                    throw InputError("field '" + field + ".id' must be a positive integer");
                payment.id = id.convert<std::int64_t>();
            }
            extras.payments.push_back(std::move(payment));
        }
    }
    return extras;
}

// contact.created, then one document.uploaded per document and the payment events of payments
// imported as returned, NSF or cleared.
void raiseImportEvents(EventRaiser& raiser, const mapping::Contact& contact,
                       const RecordExtras& extras) {
    raiser.raise({std::string(kContactCreated), contact.id, "", "import", "", {}}, &contact);
    for (const auto& entry : extras.documents)
        raiser.raise({std::string(kDocumentUploaded),
                      contact.id,
                      "document " + std::to_string(entry.document.id),
                      "import",
                      "",
                      {}},
                     &contact);
    for (const Payment& payment : extras.payments) {
        std::string event = paymentEventFor(payment.status);
        if (!event.empty())
            raiser.raise(
                {event, contact.id, "payment " + std::to_string(payment.id), "import", "", {}},
                &contact);
    }
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
    ContactExtrasStore extrasStore(database);
    std::vector<std::filesystem::path> copiedFiles; // removed again if the import fails
    try {
        database.write([&](Poco::Data::Session& session) {
            if (!ContactStore::accountExists(session, accountId))
                throw NotFound("account " + std::to_string(accountId) +
                               " does not exist; create it with: dppbridge account add --id " +
                               std::to_string(accountId) + " --name NAME");
            budget::BudgetCatalog catalog = ContactExtrasStore::catalog(session, accountId);
            EventRaiser raiser(session, SystemClock().nowMs());
            std::filesystem::path folder = std::filesystem::absolute(file).parent_path();
            for (NumberedRecord& numbered : records) {
                std::string where = file.string() + " line " + std::to_string(numbered.line);
                mapping::Contact& contact = numbered.record.contact;
                contact.accountId = accountId;
                if (!numbered.record.hasId)
                    contact.id = 0;
                RecordExtras extras;
                try {
                    extras = readExtras(numbered.record, catalog, folder);
                } catch (const InputError& error) {
                    throw InputError(where + ", " + error.what());
                }
                try {
                    result.contactIds.push_back(ContactStore::insert(session, contact));
                } catch (const InputError& error) {
                    throw InputError(where + ", field 'id': " + error.what());
                }
                if (extras.plan)
                    ContactExtrasStore::savePlan(session, contact.id, *extras.plan);
                ContactExtrasStore::saveBudgetValues(session, contact.id, extras.budget);
                for (auto& entry : extras.documents) {
                    auto [size, sha] = fileSizeAndSha256(entry.source);
                    entry.document.size = size;
                    entry.document.sha256Hex = sha;
                    std::filesystem::path staged =
                        extrasStore.stagingPath("import-" + randomHexToken(8));
                    std::filesystem::create_directories(staged.parent_path());
                    std::filesystem::copy_file(entry.source, staged);
                    copiedFiles.push_back(staged);
                    try {
                        ContactExtrasStore::insertDocument(session, contact.id, entry.document,
                                                           staged);
                    } catch (const InputError& error) {
                        throw InputError(where + ", field 'documents': " + error.what());
                    }
                    std::filesystem::path final =
                        extrasStore.documentPath(contact.id, entry.document.id);
                    std::filesystem::create_directories(final.parent_path());
                    std::filesystem::rename(staged, final);
                    copiedFiles.back() = final;
                    ContactExtrasStore::setDocumentFile(session, entry.document.id, final);
                }
                for (Payment& payment : extras.payments) {
                    payment.contactId = contact.id;
                    try {
                        PaymentStore::insert(session, payment);
                    } catch (const InputError& error) {
                        throw InputError(where + ", field 'payments': " + error.what());
                    }
                }
                raiseImportEvents(raiser, contact, extras);
            }
            result.deliveriesQueued = raiser.deliveriesQueued();
        });
    } catch (...) {
        for (const auto& copied : copiedFiles) {
            std::error_code ignored;
            std::filesystem::remove(copied, ignored);
        }
        throw;
    }
    if (result.deliveriesQueued)
        OutboxSignal::notify();
    return result;
}

} // namespace dpp::bridge
