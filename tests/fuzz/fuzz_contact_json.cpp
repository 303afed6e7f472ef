// Fuzzes one line of a .jsonl contacts import (mapping/ContactRecord.h: parseContactJsonText),
// with the record's "plan" (specialparams::planFromImportJson) and "budget"
// (budget::budgetValuesFromImportJson against the demo's catalog of account 1001).
// Input: one JSON line, as in conf/demo/contacts.jsonl.
//
// Expected: RecordError, PlanDataError, BudgetError. Properties:
//   - every stored value is UTF-8; "state" is two upper-case letters; "dob" is YYYY-MM-DD;
//     "email" has one '@'; no empty custom value is kept; ID agrees with id when given;
//   - the contact written back as a JSON line reads back the same;
//   - the contact written as a CSV file (header + one row, every cell quoted) reads back the
//     same through CsvReader and CsvContactMapper;
//   - budget values are keyed by the catalog's tags.
#include "FuzzSupport.h"

#include "budget/BudgetCatalog.h"
#include "mapping/ContactRecord.h"
#include "specialparams/EnrollmentPlan.h"

#include <algorithm>
#include <sstream>

using namespace dpp;
using namespace dpp::mapping;

namespace {

bool sameContact(const ContactRecord& a, const ContactRecord& b) {
    return a.hasId == b.hasId && a.contact.id == b.contact.id &&
           a.contact.fields == b.contact.fields && a.contact.custom == b.contact.custom;
}

std::string asJsonLine(const ContactRecord& record) {
    std::string out = "{";
    bool first = true;
    auto member = [&](std::string_view key) {
        if (!first)
            out.push_back(',');
        first = false;
        appendJsonString(key, out);
        out.push_back(':');
    };
    if (record.hasId) {
        member("id");
        out += std::to_string(record.contact.id);
    }
    for (const SystemFieldInfo& field : systemFields()) {
        const std::string& value = record.contact.get(field.field);
        if (field.assignedByStore || value.empty())
            continue;
        member(field.importName);
        appendJsonString(value, out);
    }
    if (!record.contact.custom.empty()) {
        member("custom");
        out.push_back('{');
        bool firstCustom = true;
        for (const auto& [name, value] : record.contact.custom) {
            if (!firstCustom)
                out.push_back(',');
            firstCustom = false;
            appendJsonString(name, out);
            out.push_back(':');
            appendJsonString(value, out);
        }
        out.push_back('}');
    }
    out.push_back('}');
    return out;
}

void appendCsvCell(std::string_view cell, std::string& out) {
    out.push_back('"');
    for (char c : cell) {
        out.push_back(c);
        if (c == '"')
            out.push_back('"');
    }
    out.push_back('"');
}

std::string asCsv(const ContactRecord& record) {
    std::vector<std::string> header;
    std::vector<std::string> row;
    if (record.hasId) {
        header.emplace_back("id");
        row.push_back(std::to_string(record.contact.id));
    }
    for (const SystemFieldInfo& field : systemFields()) {
        const std::string& value = record.contact.get(field.field);
        if (field.assignedByStore || value.empty())
            continue;
        header.emplace_back(field.importName);
        row.push_back(value);
    }
    for (const auto& [name, value] : record.contact.custom) {
        header.push_back("custom." + name);
        row.push_back(value);
    }
    std::string out;
    for (const auto* line : {&header, &row}) {
        for (std::size_t i = 0; i < line->size(); ++i) {
            if (i > 0)
                out.push_back(',');
            appendCsvCell((*line)[i], out);
        }
        out += "\r\n";
    }
    return out;
}

void checkRecord(const ContactRecord& record) {
    const Contact& contact = record.contact;
    for (std::size_t i = 0; i < contact.fields.size(); ++i)
        FUZZ_CHECK(isValidUtf8(contact.fields[i]), "field " + std::to_string(i) + " is not UTF-8");
    for (const auto& [name, value] : contact.custom) {
        FUZZ_CHECK(!name.empty() && isValidUtf8(name), "custom name " + fuzz::printable(name));
        FUZZ_CHECK(!value.empty() && isValidUtf8(value), "custom value " + fuzz::printable(value));
    }
    const std::string& state = contact.get(SystemField::State);
    FUZZ_CHECK(state.empty() || (state.size() == 2 && state[0] >= 'A' && state[0] <= 'Z' &&
                                 state[1] >= 'A' && state[1] <= 'Z'),
               "state " + fuzz::printable(state));
    const std::string& dob = contact.get(SystemField::Dob);
    FUZZ_CHECK(dob.empty() || (dob.size() == 10 && dob[4] == '-' && dob[7] == '-'),
               "dob " + fuzz::printable(dob));
    const std::string& email = contact.get(SystemField::Email);
    FUZZ_CHECK(email.empty() ||
                   (email.find('@') != std::string::npos && email.find('@') == email.rfind('@')),
               "email " + fuzz::printable(email));
    if (record.hasId) {
        FUZZ_CHECK(contact.id > 0, "id " + std::to_string(contact.id));
        FUZZ_CHECK(contact.get(SystemField::Id) == std::to_string(contact.id), "ID field differs");
    } else {
        FUZZ_CHECK(contact.id == 0 && contact.get(SystemField::Id).empty(), "id without hasId");
    }
    FUZZ_CHECK(contact.get(SystemField::AccountId).empty() &&
                   contact.get(SystemField::Created).empty(),
               "a record set a field the store assigns");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fuzz::asText(data, size);
    ContactRecord record;
    try {
        record = parseContactJsonText(input);
    } catch (const RecordError&) {
        return 0;
    }
    checkRecord(record);

    const std::string line = asJsonLine(record);
    const ContactRecord again = fuzz::mustNotThrow("parseContactJsonText(written back)",
                                                   [&] { return parseContactJsonText(line); });
    FUZZ_CHECK(sameContact(record, again), "JSON line round trip: " + fuzz::printable(line));

    const std::string csv = asCsv(record);
    const bool hasColumns = record.hasId || !record.contact.custom.empty() ||
                            std::any_of(record.contact.fields.begin(), record.contact.fields.end(),
                                        [](const std::string& value) { return !value.empty(); });
    if (hasColumns) {
        const ContactRecord fromCsv = fuzz::mustNotThrow("CSV import of the same contact", [&] {
            std::istringstream in(csv);
            CsvReader reader(in);
            std::vector<std::string> header;
            std::vector<std::string> row;
            if (!reader.next(header) || !reader.next(row))
                throw std::runtime_error("the CSV has no header or no row");
            const CsvContactMapper mapper(header);
            return mapper.map(row);
        });
        FUZZ_CHECK(sameContact(record, fromCsv), "CSV import differs: " + fuzz::printable(csv));
    }

    if (record.plan) {
        try {
            const specialparams::EnrollmentPlan plan =
                specialparams::planFromImportJson(*record.plan);
            fuzz::mustNotThrow("validatePlan", [&] { specialparams::validatePlan(plan); });
        } catch (const specialparams::PlanDataError&) {
        }
    }
    if (record.budget) {
        try {
            const budget::BudgetValues values =
                budget::budgetValuesFromImportJson(fuzz::demoCatalog(), *record.budget);
            for (const auto& [tag, amount] : values)
                FUZZ_CHECK(fuzz::demoCatalog().findByTag(tag) != nullptr, "budget tag " + tag);
        } catch (const budget::BudgetError&) {
        }
    }
    return 0;
}
