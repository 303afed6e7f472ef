// Unit tests for mapping/ContactRecord.h: JSON contact records, the CSV reader and the CSV
// header-to-contact mapper.
#include "mapping/ContactRecord.h"

#include <Poco/JSON/Object.h>

#include <boost/test/unit_test.hpp>

#include <sstream>
#include <string>
#include <vector>

using namespace dpp::mapping;

namespace {

using Row = std::vector<std::string>;

// The RecordError thrown by f; fails the test when f does not throw one.
template <typename F> RecordError recordErrorOf(F&& f) {
    try {
        f();
    } catch (const RecordError& error) {
        return error;
    }
    BOOST_FAIL("no RecordError was thrown");
    throw; // unreachable
}

bool contains(const std::string& text, std::string_view fragment) {
    return text.find(fragment) != std::string::npos;
}

std::vector<Row> readAll(const std::string& text) {
    std::istringstream in(text);
    CsvReader reader(in);
    std::vector<Row> rows;
    Row row;
    while (reader.next(row))
        rows.push_back(row);
    return rows;
}

} // namespace

BOOST_AUTO_TEST_SUITE(contact_record)

// ---- JSON records ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(json_record_maps_fields_custom_values_and_id) {
    const ContactRecord record = parseContactJsonText(
        R"({"id": 55, "firstname": "Mike", "lastname": "Smith", "cellphone": "5555555555",
            "email": "mike@example.com", "dob": "1980-02-29", "state": "ca",
            "custom": {"Lead Score": "7", "Rating": 4.5, "Visits": 12, "Empty": "", "None": null}})");
    BOOST_TEST(record.hasId);
    BOOST_TEST(record.contact.id == 55);
    BOOST_TEST(record.contact.get(SystemField::Id) == "55");
    BOOST_TEST(record.contact.accountId == 0);
    BOOST_TEST(record.contact.get(SystemField::FirstName) == "Mike");
    BOOST_TEST(record.contact.get(SystemField::LastName) == "Smith");
    BOOST_TEST(record.contact.get(SystemField::CellPhone) == "5555555555");
    BOOST_TEST(record.contact.get(SystemField::Email) == "mike@example.com");
    BOOST_TEST(record.contact.get(SystemField::Dob) == "1980-02-29");
    BOOST_TEST(record.contact.get(SystemField::State) == "CA");
    BOOST_TEST(record.contact.get(SystemField::City) == "");
    const std::map<std::string, std::string, std::less<>> expectedCustom = {
        {"Lead Score", "7"}, {"Rating", "4.5"}, {"Visits", "12"}};
    BOOST_TEST(record.contact.custom == expectedCustom);
}

BOOST_AUTO_TEST_CASE(json_record_without_id_leaves_it_to_the_store) {
    const ContactRecord record = parseContactJsonText(R"({"firstname": "Ann", "id": null})");
    BOOST_TEST(!record.hasId);
    BOOST_TEST(record.contact.id == 0);
    BOOST_TEST(record.contact.get(SystemField::Id) == "");
    BOOST_TEST(!parseContactJsonText("{}").hasId);
}

BOOST_AUTO_TEST_CASE(json_id_is_a_positive_integer_or_a_string_of_digits) {
    BOOST_TEST(parseContactJsonText(R"({"id": "123"})").contact.id == 123);
    BOOST_TEST(parseContactJsonText(R"({"id": 9223372036854775807})").contact.id ==
               9223372036854775807LL);
    for (const char* bad :
         {R"({"id": 0})", R"({"id": -3})", R"({"id": "0"})", R"({"id": "12a"})", R"({"id": " 12"})",
          R"({"id": ""})", R"({"id": "-5"})", R"({"id": 1.5})", R"({"id": true})", R"({"id": [1]})",
          R"({"id": "99999999999999999999"})"}) {
        const RecordError error = recordErrorOf([&] { parseContactJsonText(bad); });
        BOOST_TEST(error.field() == "id", bad);
        BOOST_TEST(contains(error.what(), "'id'"), error.what());
    }
}

BOOST_AUTO_TEST_CASE(json_numbers_become_text_and_null_is_empty) {
    const ContactRecord record = parseContactJsonText(
        R"({"zip": 90210, "homephone": 5551234567, "address2": null, "externalid": -7})");
    BOOST_TEST(record.contact.get(SystemField::Zip) == "90210");
    BOOST_TEST(record.contact.get(SystemField::HomePhone) == "5551234567");
    BOOST_TEST(record.contact.get(SystemField::Address2) == "");
    BOOST_TEST(record.contact.get(SystemField::ExternalId) == "-7");
}

BOOST_AUTO_TEST_CASE(json_field_values_must_be_strings_or_numbers) {
    for (const char* bad :
         {R"({"firstname": true})", R"({"firstname": ["a"]})", R"({"firstname": {"a": "b"}})"}) {
        const RecordError error = recordErrorOf([&] { parseContactJsonText(bad); });
        BOOST_TEST(error.field() == "firstname");
        BOOST_TEST(contains(error.what(), "'firstname'"), error.what());
    }
}

BOOST_AUTO_TEST_CASE(json_values_must_be_utf8) {
    Poco::JSON::Object object;
    object.set("lastname", std::string("Sm\xFFith"));
    RecordError error = recordErrorOf([&] { parseContactJson(object); });
    BOOST_TEST(error.field() == "lastname");
    BOOST_TEST(contains(error.what(), "field 'lastname' is not valid UTF-8"), error.what());

    Poco::JSON::Object::Ptr custom = new Poco::JSON::Object;
    custom->set("Note", std::string("\xED\xA0\x80"));
    Poco::JSON::Object withCustom;
    withCustom.set("custom", custom);
    error = recordErrorOf([&] { parseContactJson(withCustom); });
    BOOST_TEST(error.field() == "custom.Note");
    BOOST_TEST(contains(error.what(), "not valid UTF-8"), error.what());

    error = recordErrorOf([] { parseContactJsonText("{\"firstname\": \"\xC0\x80\"}"); });
    BOOST_TEST(error.field() == "");
    BOOST_TEST(contains(error.what(), "UTF-8"), error.what());
}

BOOST_AUTO_TEST_CASE(json_dob_must_be_a_real_date) {
    for (const char* good : {"1990-01-31", "2000-02-29", "1996-02-29", "1999-12-31"})
        BOOST_TEST(parseContactJsonText(std::string(R"({"dob": ")") + good + "\"}")
                       .contact.get(SystemField::Dob) == good);
    BOOST_TEST(parseContactJsonText(R"({"dob": ""})").contact.get(SystemField::Dob) == "");
    for (const char* bad :
         {"1900-02-29", "1999-02-29", "1990-04-31", "1990-13-01", "1990-00-10", "1990-01-00",
          "1990-1-01", "19900101", "01/02/1990", "0000-01-01", "1990-01-01T00:00", "199a-01-01"}) {
        const RecordError error =
            recordErrorOf([&] { parseContactJsonText(std::string(R"({"dob": ")") + bad + "\"}"); });
        BOOST_TEST(error.field() == "dob", bad);
        BOOST_TEST(contains(error.what(), "YYYY-MM-DD"), error.what());
    }
}

BOOST_AUTO_TEST_CASE(json_email_needs_exactly_one_at_with_text_around_it) {
    BOOST_TEST(parseContactJsonText(R"({"email": "a@b"})").contact.get(SystemField::Email) ==
               "a@b");
    BOOST_TEST(parseContactJsonText(R"({"email": ""})").contact.get(SystemField::Email) == "");
    for (const char* bad : {"ab", "@b", "a@", "a@b@c", "@"}) {
        const RecordError error = recordErrorOf(
            [&] { parseContactJsonText(std::string(R"({"email": ")") + bad + "\"}"); });
        BOOST_TEST(error.field() == "email", bad);
        BOOST_TEST(contains(error.what(), "'@'"), error.what());
    }
}

BOOST_AUTO_TEST_CASE(json_state_is_two_letters_stored_upper_case) {
    BOOST_TEST(parseContactJsonText(R"({"state": "tX"})").contact.get(SystemField::State) == "TX");
    BOOST_TEST(parseContactJsonText(R"({"state": ""})").contact.get(SystemField::State) == "");
    for (const char* bad : {"C", "CAL", "C1", "  ", "\\u00c9A"}) {
        const RecordError error = recordErrorOf(
            [&] { parseContactJsonText(std::string(R"({"state": ")") + bad + "\"}"); });
        BOOST_TEST(error.field() == "state", bad);
    }
}

BOOST_AUTO_TEST_CASE(json_fields_assigned_by_the_store_are_refused) {
    for (const char* key : {"account_id", "created"}) {
        const RecordError error =
            recordErrorOf([&] { parseContactJsonText(std::string("{\"") + key + "\": \"1\"}"); });
        BOOST_TEST(error.field() == key);
        BOOST_TEST(contains(error.what(), "assigned by the store"), error.what());
    }
}

BOOST_AUTO_TEST_CASE(json_payments_are_kept_for_the_importer) {
    const ContactRecord record =
        parseContactJsonText(R"({"payments": [{"id": 9, "status": "returned"}]})");
    BOOST_REQUIRE(record.payments);
    BOOST_TEST(record.payments->size() == 1u);
    const RecordError error = recordErrorOf([&] { parseContactJsonText(R"({"payments": {}})"); });
    BOOST_TEST(error.field() == "payments");
    BOOST_TEST(contains(error.what(), "must be a JSON array"), error.what());
}

BOOST_AUTO_TEST_CASE(json_plan_documents_and_budget_are_kept_for_their_libraries) {
    const ContactRecord record = parseContactJsonText(
        R"({"firstname": "A", "plan": {"name": "Standard 36"},
            "documents": [{"id": 12, "name": "hardship.pdf"}], "budget": {"Rent": "1200.00"}})");
    BOOST_REQUIRE(record.plan);
    BOOST_TEST(record.plan->getValue<std::string>("name") == "Standard 36");
    BOOST_REQUIRE(record.documents);
    BOOST_TEST(record.documents->size() == 1u);
    BOOST_REQUIRE(record.budget);
    BOOST_TEST(record.budget->getValue<std::string>("Rent") == "1200.00");
    const ContactRecord plain = parseContactJsonText(R"({"firstname": "B", "plan": null})");
    BOOST_TEST(!plain.plan);
    for (const char* bad : {R"({"plan": "x"})", R"({"budget": [1]})", R"({"documents": {}})"}) {
        const RecordError error = recordErrorOf([&] { parseContactJsonText(bad); });
        BOOST_TEST(contains(error.what(), "must be a JSON"), error.what());
    }
}

BOOST_AUTO_TEST_CASE(json_unknown_keys_are_named_with_a_suggestion) {
    RecordError error = recordErrorOf([] { parseContactJsonText(R"({"frstname": "Mike"})"); });
    BOOST_TEST(error.field() == "frstname");
    BOOST_TEST(error.what() == std::string("unknown field 'frstname' (did you mean 'firstname'?)"));

    error = recordErrorOf([] { parseContactJsonText(R"({"FirstName": "Mike"})"); });
    BOOST_TEST(contains(error.what(), "did you mean 'firstname'"), error.what());

    error = recordErrorOf([] { parseContactJsonText(R"({"lastnmae": "x"})"); }); // a swap
    BOOST_TEST(contains(error.what(), "did you mean 'lastname'"), error.what());

    error = recordErrorOf([] { parseContactJsonText(R"({"customs": {}})"); });
    BOOST_TEST(contains(error.what(), "did you mean 'custom'"), error.what());

    error = recordErrorOf([] { parseContactJsonText(R"({"favourite colour": "x"})"); });
    BOOST_TEST(error.what() == std::string("unknown field 'favourite colour'"));

    error = recordErrorOf([] { parseContactJsonText(R"({"x": "1"})"); });
    BOOST_TEST(error.what() == std::string("unknown field 'x'"));
}

BOOST_AUTO_TEST_CASE(json_errors_follow_the_order_of_the_keys_in_the_text) {
    const RecordError error =
        recordErrorOf([] { parseContactJsonText(R"({"zzz": 1, "aaa": 2})"); });
    BOOST_TEST(error.field() == "zzz");
}

BOOST_AUTO_TEST_CASE(json_custom_must_be_an_object_of_scalars) {
    RecordError error = recordErrorOf([] { parseContactJsonText(R"({"custom": "x"})"); });
    BOOST_TEST(error.field() == "custom");
    error = recordErrorOf([] { parseContactJsonText(R"({"custom": [1]})"); });
    BOOST_TEST(error.field() == "custom");
    error = recordErrorOf([] { parseContactJsonText(R"({"custom": {"Score": {"a": 1}}})"); });
    BOOST_TEST(error.field() == "custom.Score");
    error = recordErrorOf([] { parseContactJsonText(R"({"custom": {"": "x"}})"); });
    BOOST_TEST(contains(error.what(), "empty name"), error.what());
    BOOST_TEST(parseContactJsonText(R"({"custom": null})").contact.custom.empty());
}

BOOST_AUTO_TEST_CASE(json_text_that_is_not_an_object_fails_with_no_field) {
    for (const char* bad : {"", "{", "{\"firstname\": }", "[{\"firstname\": \"a\"}]", "\"text\"",
                            "{\"a\" 1}", "{} trailing"}) {
        const RecordError error = recordErrorOf([&] { parseContactJsonText(bad); });
        BOOST_TEST(error.field() == "", bad);
    }
}

// ---- CSV reader ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(csv_reads_plain_and_quoted_fields) {
    const auto rows = readAll("a,b,c\n1,\"two, with comma\",\"say \"\"hi\"\"\"\n,\"\",x\n");
    const std::vector<Row> expected = {
        {"a", "b", "c"}, {"1", "two, with comma", "say \"hi\""}, {"", "", "x"}};
    BOOST_TEST(rows == expected);
}

BOOST_AUTO_TEST_CASE(csv_accepts_crlf_lf_and_a_last_line_without_newline) {
    BOOST_TEST(readAll("a,b\r\n1,2\r\n") == (std::vector<Row>{{"a", "b"}, {"1", "2"}}));
    BOOST_TEST(readAll("a,b\n1,2") == (std::vector<Row>{{"a", "b"}, {"1", "2"}}));
    BOOST_TEST(readAll("a,b\r1,2\r") == (std::vector<Row>{{"a", "b"}, {"1", "2"}}));
    BOOST_TEST(readAll("a,\n") == (std::vector<Row>{{"a", ""}}));
}

BOOST_AUTO_TEST_CASE(csv_keeps_line_breaks_inside_quotes_and_counts_lines) {
    std::istringstream in("h1,h2\n\"line one\nline two\",x\r\n\"a\r\nb\",y\nlast,z\n");
    CsvReader reader(in);
    Row row;
    BOOST_TEST(reader.lineNumber() == 0u);
    BOOST_TEST(reader.next(row));
    BOOST_TEST(reader.lineNumber() == 1u);
    BOOST_TEST(reader.next(row));
    BOOST_TEST(row == (Row{"line one\nline two", "x"}));
    BOOST_TEST(reader.lineNumber() == 2u);
    BOOST_TEST(reader.next(row));
    BOOST_TEST(row == (Row{"a\r\nb", "y"}));
    BOOST_TEST(reader.lineNumber() == 4u);
    BOOST_TEST(reader.next(row));
    BOOST_TEST(row == (Row{"last", "z"}));
    BOOST_TEST(reader.lineNumber() == 6u);
    BOOST_TEST(!reader.next(row));
    BOOST_TEST(row.empty());
}

BOOST_AUTO_TEST_CASE(csv_skips_a_byte_order_mark_and_empty_lines) {
    BOOST_TEST(readAll("\xEF\xBB\xBFid,firstname\n\n7,Ann\r\n\r\n") ==
               (std::vector<Row>{{"id", "firstname"}, {"7", "Ann"}}));
    BOOST_TEST(readAll("\xEF\xBB\xBF\"quoted\"\n") == (std::vector<Row>{{"quoted"}}));
    BOOST_TEST(readAll("").empty());
    BOOST_TEST(readAll("\xEF\xBB\xBF").empty());
    BOOST_TEST(readAll("\n\r\n").empty());
    // A BOM is only skipped at the start of the input.
    BOOST_TEST(readAll("a\n\xEF\xBB\xBF"
                       "b\n") == (std::vector<Row>{{"a"},
                                                   {"\xEF\xBB\xBF"
                                                    "b"}}));
}

BOOST_AUTO_TEST_CASE(csv_keeps_the_bytes_of_a_partial_byte_order_mark) {
    // Found by fuzz_contact_csv: EF BB without BF used to vanish, hiding bytes that are not
    // UTF-8 from the validation that follows.
    BOOST_TEST(readAll("\xEF\xBB"
                       "firstname\nMike\n") == (std::vector<Row>{{"\xEF\xBB"
                                                                  "firstname"},
                                                                 {"Mike"}}));
    BOOST_CHECK_THROW(readAll("\xEF\"a\"\n"), RecordError); // a quote inside an unquoted field
}

BOOST_AUTO_TEST_CASE(csv_line_numbers_count_skipped_empty_lines) {
    std::istringstream in("a\n\n\nb\n");
    CsvReader reader(in);
    Row row;
    BOOST_TEST(reader.next(row));
    BOOST_TEST(reader.next(row));
    BOOST_TEST(row == Row{"b"});
    BOOST_TEST(reader.lineNumber() == 4u);
}

BOOST_AUTO_TEST_CASE(csv_unterminated_quote_names_the_line) {
    std::istringstream in("a,b\n1,2\n3,\"never\nclosed\n");
    CsvReader reader(in);
    Row row;
    BOOST_TEST(reader.next(row));
    BOOST_TEST(reader.next(row));
    const RecordError error = recordErrorOf([&] { reader.next(row); });
    BOOST_TEST(error.field() == "");
    BOOST_TEST(contains(error.what(), "line 3"), error.what());
    BOOST_TEST(contains(error.what(), "never closed"), error.what());
}

BOOST_AUTO_TEST_CASE(csv_stray_quotes_are_errors_naming_the_line) {
    std::istringstream afterQuote("ok\n\"abc\"def,x\n");
    CsvReader reader(afterQuote);
    Row row;
    BOOST_TEST(reader.next(row));
    RecordError error = recordErrorOf([&] { reader.next(row); });
    BOOST_TEST(contains(error.what(), "line 2"), error.what());

    std::istringstream insideUnquoted("ab\"c\n");
    CsvReader second(insideUnquoted);
    error = recordErrorOf([&] { second.next(row); });
    BOOST_TEST(contains(error.what(), "line 1"), error.what());
}

// ---- CSV mapper ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(csv_mapper_maps_system_and_custom_columns) {
    const CsvContactMapper mapper(
        {"id", "firstname", "state", "dob", "custom.Lead Score", "cf:Source", "zip"});
    ContactRecord record = mapper.map({"12", "Ann", "ny", "1970-06-30", "7", "", "02134"});
    BOOST_TEST(record.hasId);
    BOOST_TEST(record.contact.id == 12);
    BOOST_TEST(record.contact.get(SystemField::Id) == "12");
    BOOST_TEST(record.contact.get(SystemField::FirstName) == "Ann");
    BOOST_TEST(record.contact.get(SystemField::State) == "NY");
    BOOST_TEST(record.contact.get(SystemField::Zip) == "02134");
    BOOST_TEST(record.contact.custom.size() == 1u);
    BOOST_TEST(record.contact.custom.at("Lead Score") == "7");

    record = mapper.map({"", "Bob", "", "", "", "web", ""});
    BOOST_TEST(!record.hasId);
    BOOST_TEST(record.contact.id == 0);
    BOOST_TEST(record.contact.custom.at("Source") == "web");
}

BOOST_AUTO_TEST_CASE(csv_mapper_applies_the_field_rules_naming_the_column) {
    const CsvContactMapper mapper({"id", "email", "dob", "state", "cf:Note"});
    auto errorFor = [&](const Row& row) { return recordErrorOf([&] { mapper.map(row); }); };
    BOOST_TEST(errorFor({"x1", "", "", "", ""}).field() == "id");
    BOOST_TEST(errorFor({"0", "", "", "", ""}).field() == "id");
    BOOST_TEST(errorFor({"", "nobody", "", "", ""}).field() == "email");
    BOOST_TEST(errorFor({"", "", "1990-02-30", "", ""}).field() == "dob");
    BOOST_TEST(errorFor({"", "", "", "Cal", ""}).field() == "state");
    const RecordError utf8 = errorFor({"", "", "", "", "\xFF"});
    BOOST_TEST(utf8.field() == "cf:Note");
    BOOST_TEST(contains(utf8.what(), "not valid UTF-8"), utf8.what());
}

BOOST_AUTO_TEST_CASE(csv_mapper_rejects_a_wrong_column_count) {
    const CsvContactMapper mapper({"firstname", "lastname"});
    RecordError error = recordErrorOf([&] { mapper.map({"only one"}); });
    BOOST_TEST(error.field() == "");
    BOOST_TEST(contains(error.what(), "expected 2 columns"), error.what());
    BOOST_TEST(contains(error.what(), "found 1"), error.what());
    error = recordErrorOf([&] { mapper.map({"a", "b", "c"}); });
    BOOST_TEST(contains(error.what(), "found 3"), error.what());
}

BOOST_AUTO_TEST_CASE(csv_mapper_validates_the_header) {
    auto headerError = [](const Row& header) {
        return recordErrorOf([&] { CsvContactMapper mapper(header); });
    };
    RecordError error = headerError({"firstname", "frstname"});
    BOOST_TEST(error.field() == "frstname");
    BOOST_TEST(contains(error.what(), "unknown column 'frstname' (did you mean 'firstname'?)"),
               error.what());

    error = headerError({"firstname", "lastname", "firstname"});
    BOOST_TEST(error.field() == "firstname");
    BOOST_TEST(contains(error.what(), "duplicate column 'firstname'"), error.what());

    error = headerError({"custom.Lead Score", "cf:Lead Score"});
    BOOST_TEST(error.field() == "cf:Lead Score");
    BOOST_TEST(contains(error.what(), "column 1 'custom.Lead Score'"), error.what());

    error = headerError({"account_id"});
    BOOST_TEST(contains(error.what(), "assigned by the store"), error.what());
    error = headerError({"created"});
    BOOST_TEST(error.field() == "created");

    error = headerError({"firstname", ""});
    BOOST_TEST(contains(error.what(), "column 2"), error.what());

    error = headerError({"custom."});
    BOOST_TEST(error.field() == "custom.");
    error = headerError({"cf:"});
    BOOST_TEST(error.field() == "cf:");

    error = headerError({"budget"});
    BOOST_TEST(contains(error.what(), "imported from .jsonl or .json"), error.what());
    error = headerError({"budget.Rent"});
    BOOST_TEST(contains(error.what(), "imported from .jsonl or .json"), error.what());

    BOOST_CHECK_NO_THROW(CsvContactMapper({}));
    BOOST_CHECK_NO_THROW(CsvContactMapper({"custom.A", "cf:B", "custom.a"}));
}

BOOST_AUTO_TEST_CASE(csv_reader_and_mapper_together) {
    std::istringstream in("\xEF\xBB\xBF"
                          "firstname,lastname,custom.Notes\r\n"
                          "\"Jos\xC3\xA9\",\"O'Neil, Jr.\",\"line 1\r\nline 2\"\r\n");
    CsvReader reader(in);
    Row header;
    BOOST_TEST_REQUIRE(reader.next(header));
    const CsvContactMapper mapper(header);
    Row row;
    BOOST_TEST_REQUIRE(reader.next(row));
    const ContactRecord record = mapper.map(row);
    BOOST_TEST(record.contact.get(SystemField::FirstName) == "Jos\xC3\xA9");
    BOOST_TEST(record.contact.get(SystemField::LastName) == "O'Neil, Jr.");
    BOOST_TEST(record.contact.custom.at("Notes") == "line 1\r\nline 2");
    BOOST_TEST(!reader.next(row));
}

BOOST_AUTO_TEST_SUITE_END()
