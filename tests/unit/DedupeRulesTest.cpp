// De-dupe rules: parsing the rule list, canonical text, normalised match values.
#include "mapping/DedupeRules.h"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace dpp::mapping;

namespace {

using Rules = std::vector<DedupeRule>;
using F = SystemField;

DedupeRule source() {
    return DedupeRule{true, {}};
}

DedupeRule fields(std::vector<SystemField> f) {
    return DedupeRule{false, std::move(f)};
}

// The message of the DedupeRuleError that parsing throws, or "" when it does not throw.
std::string errorOf(std::string_view text, std::string_view flag = "--dedupe-on") {
    try {
        parseDedupeRules(text, flag);
    } catch (const DedupeRuleError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

const std::string kAccepted =
    "use source or one of: firstname, lastname, email, homephone, cellphone, workphone, "
    "address1, address2, city, state, zip, dob, ssn, status, campaign, externalid, "
    "assigned_to";

} // namespace

BOOST_AUTO_TEST_SUITE(dedupe_rules)

BOOST_AUTO_TEST_CASE(rules_keep_their_order) {
    BOOST_TEST((parseDedupeRules("source,email,lastname+dob") ==
                Rules{source(), fields({F::Email}), fields({F::LastName, F::Dob})}));
    BOOST_TEST((parseDedupeRules("lastname+dob,email,source") ==
                Rules{fields({F::LastName, F::Dob}), fields({F::Email}), source()}));
}

BOOST_AUTO_TEST_CASE(combinations_keep_their_field_order) {
    BOOST_TEST(
        (parseDedupeRules("dob+lastname+zip") == Rules{fields({F::Dob, F::LastName, F::Zip})}));
}

BOOST_AUTO_TEST_CASE(every_postable_field_is_accepted_by_import_name) {
    for (const auto& f : systemFields()) {
        if (f.assignedByStore)
            continue;
        BOOST_TEST((parseDedupeRules(f.importName) == Rules{fields({f.field})}), f.importName);
    }
}

BOOST_AUTO_TEST_CASE(names_are_case_insensitive_and_trimmed) {
    BOOST_TEST((parseDedupeRules(" Source , EMAIL ,\tLastName + DOB ") ==
                Rules{source(), fields({F::Email}), fields({F::LastName, F::Dob})}));
    BOOST_TEST((parseDedupeRules("Assigned_To") == Rules{fields({F::AssignedTo})}));
}

BOOST_AUTO_TEST_CASE(merge_tags_are_accepted) {
    BOOST_TEST((parseDedupeRules("{EMAIL},{LASTNAME}+DOB,{ assigned_to }") ==
                Rules{fields({F::Email}), fields({F::LastName, F::Dob}), fields({F::AssignedTo})}));
}

BOOST_AUTO_TEST_CASE(canonical_text_uses_lower_case_import_names) {
    auto rules = parseDedupeRules(" SOURCE, {EMAIL} ,LastName+Dob");
    BOOST_TEST(rules[0].text() == "source");
    BOOST_TEST(rules[1].text() == "email");
    BOOST_TEST(rules[2].text() == "lastname+dob");
    BOOST_TEST(dedupeRulesText(rules) == "source,email,lastname+dob");
    BOOST_TEST(dedupeRulesText({}) == "");
}

BOOST_AUTO_TEST_CASE(text_round_trips) {
    for (std::string_view text :
         {"source", "email", "source,email,lastname+dob", "{SSN},cellphone+{ZIP},Source",
          "assigned_to+status+campaign+externalid", "dob+lastname"}) {
        auto rules = parseDedupeRules(text);
        BOOST_TEST((parseDedupeRules(dedupeRulesText(rules)) == rules), text);
        BOOST_TEST(dedupeRulesText(parseDedupeRules(dedupeRulesText(rules))) ==
                   dedupeRulesText(rules));
    }
}

BOOST_AUTO_TEST_CASE(an_empty_list_is_refused) {
    BOOST_TEST(errorOf("") == "--dedupe-on '': no rules given; " + kAccepted);
    BOOST_TEST(errorOf("   ") == "--dedupe-on '   ': no rules given; " + kAccepted);
}

BOOST_AUTO_TEST_CASE(an_empty_rule_is_refused) {
    BOOST_TEST(errorOf("email,,dob") == "--dedupe-on 'email,,dob': rule 2 is empty");
    BOOST_TEST(errorOf("email, ") == "--dedupe-on 'email, ': rule 2 is empty (trailing comma)");
    BOOST_TEST(errorOf(",email") == "--dedupe-on ',email': rule 1 is empty");
    BOOST_TEST(errorOf(",") == "--dedupe-on ',': rule 1 is empty");
}

BOOST_AUTO_TEST_CASE(an_empty_field_is_refused) {
    BOOST_TEST(errorOf("email+") == "--dedupe-on 'email+': rule 'email+' has an empty field");
    BOOST_TEST(errorOf("source,+dob") ==
               "--dedupe-on 'source,+dob': rule '+dob' has an empty field");
    BOOST_TEST(errorOf("lastname++dob") ==
               "--dedupe-on 'lastname++dob': rule 'lastname++dob' has an empty field");
}

BOOST_AUTO_TEST_CASE(an_unknown_field_is_refused_with_the_accepted_names) {
    BOOST_TEST(errorOf("email,foo") ==
               "--dedupe-on 'email,foo': unknown field 'foo'; " + kAccepted);
    BOOST_TEST(contains(errorOf("lastname+birthday"), "unknown field 'birthday'"));
    BOOST_TEST(contains(errorOf("{CF:Plan}"), "unknown field '{CF:Plan}'"));
    BOOST_TEST(contains(errorOf("{EMAIL"), "unknown field '{EMAIL'"));
    BOOST_TEST(contains(errorOf("first name"), "unknown field 'first name'"));
}

BOOST_AUTO_TEST_CASE(store_assigned_fields_are_refused) {
    for (std::string_view name :
         {"id", "ID", "{ID}", "acctid", "{ACCTID}", "account_id", "created", "CREATED"}) {
        auto message = errorOf(std::string("email+") + std::string(name));
        BOOST_TEST(contains(message, "field '" + std::string(name) +
                                         "' is assigned by the store and cannot be matched on"),
                   message);
        BOOST_TEST(contains(message, kAccepted), message);
    }
}

BOOST_AUTO_TEST_CASE(source_cannot_be_combined) {
    BOOST_TEST(errorOf("source+email") ==
               "--dedupe-on 'source+email': rule 'source+email' combines source with fields; "
               "source is a rule of its own");
    BOOST_TEST(contains(errorOf("email+Source"), "rule 'email+Source' combines source"));
    BOOST_TEST(contains(errorOf("source+"), "rule 'source+' has an empty field"));
}

BOOST_AUTO_TEST_CASE(a_field_twice_in_one_rule_is_refused) {
    BOOST_TEST(errorOf("lastname+dob+LASTNAME") ==
               "--dedupe-on 'lastname+dob+LASTNAME': field 'LASTNAME' appears twice in rule "
               "'lastname+dob+LASTNAME'");
    BOOST_TEST(contains(errorOf("email+{EMAIL}"), "field '{EMAIL}' appears twice"));
}

BOOST_AUTO_TEST_CASE(a_rule_twice_is_refused) {
    BOOST_TEST(errorOf("email,dob,Email") ==
               "--dedupe-on 'email,dob,Email': rule 'Email' repeats rule 'email'");
    BOOST_TEST(errorOf("source,SOURCE") ==
               "--dedupe-on 'source,SOURCE': rule 'SOURCE' repeats rule 'source'");
    BOOST_TEST(errorOf("lastname+dob,dob+lastname") ==
               "--dedupe-on 'lastname+dob,dob+lastname': rule 'dob+lastname' repeats rule "
               "'lastname+dob'");
    BOOST_TEST(errorOf("lastname,lastname+dob") == "");
}

BOOST_AUTO_TEST_CASE(the_caller_names_the_flag) {
    BOOST_TEST(errorOf("foo", "dedupe_on") == "dedupe_on 'foo': unknown field 'foo'; " + kAccepted);
    BOOST_CHECK_THROW(parseDedupeRules(""), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(email_is_trimmed_and_case_folded) {
    BOOST_TEST(normalizedMatchValue(F::Email, "  Mike.Smith@Example.COM ") ==
               "mike.smith@example.com");
    BOOST_TEST(normalizedMatchValue(F::Email, "\tA B@x.com\n") == "a b@x.com");
}

BOOST_AUTO_TEST_CASE(phones_and_ssn_keep_only_digits) {
    BOOST_TEST(normalizedMatchValue(F::HomePhone, "(555) 555-1234") == "5555551234");
    BOOST_TEST(normalizedMatchValue(F::CellPhone, "+1 555.555.1234 ext") == "15555551234");
    BOOST_TEST(normalizedMatchValue(F::WorkPhone, " 555 0002 ") == "5550002");
    BOOST_TEST(normalizedMatchValue(F::Ssn, "123-45-6789") == "123456789");
    BOOST_TEST(normalizedMatchValue(F::Ssn, "n/a") == "");
}

BOOST_AUTO_TEST_CASE(other_fields_are_trimmed_collapsed_and_case_folded) {
    BOOST_TEST(normalizedMatchValue(F::LastName, "  Van   der\tBerg \n") == "van der berg");
    BOOST_TEST(normalizedMatchValue(F::Address1, "1 MAIN  St.") == "1 main st.");
    BOOST_TEST(normalizedMatchValue(F::Dob, " 1980-01-02 ") == "1980-01-02");
    BOOST_TEST(normalizedMatchValue(F::FirstName, "Jos\xC3\xA9") == "jos\xC3\xA9");
    BOOST_TEST(normalizedMatchValue(F::City, " \t ") == "");
    BOOST_TEST(normalizedMatchValue(F::City, "") == "");
}

BOOST_AUTO_TEST_CASE(an_empty_value_never_matches) {
    Contact contact;
    contact.set(F::LastName, "Smith");
    contact.set(F::Dob, "   ");
    contact.set(F::HomePhone, "--");
    BOOST_TEST(!matchValue(fields({F::Email}), contact, std::nullopt));
    BOOST_TEST(!matchValue(fields({F::LastName, F::Dob}), contact, std::nullopt));
    BOOST_TEST(!matchValue(fields({F::HomePhone}), contact, std::nullopt));
    BOOST_TEST(!matchValue(fields({}), contact, std::nullopt));
}

BOOST_AUTO_TEST_CASE(a_combination_joins_normalised_values) {
    Contact contact;
    contact.set(F::LastName, " SMITH ");
    contact.set(F::Dob, "1980-01-02");
    contact.set(F::CellPhone, "(555) 555-1234");
    BOOST_TEST(*matchValue(fields({F::LastName, F::Dob}), contact, std::nullopt) == "smith\x1f"
                                                                                    "1980-01-02");
    BOOST_TEST(*matchValue(fields({F::Dob, F::LastName, F::CellPhone}), contact, "1001:55") ==
               "1980-01-02\x1fsmith\x1f"
               "5555551234");
    BOOST_TEST(*matchValue(fields({F::LastName}), contact, std::nullopt) == "smith");
}

BOOST_AUTO_TEST_CASE(equal_contacts_match_whatever_their_spelling) {
    Contact a;
    a.set(F::Email, "Mike@Example.com");
    a.set(F::HomePhone, "555-555-1234");
    Contact b;
    b.set(F::Email, " mike@example.COM");
    b.set(F::HomePhone, "(555) 555 1234");
    auto rule = fields({F::Email, F::HomePhone});
    BOOST_TEST(*matchValue(rule, a, std::nullopt) == *matchValue(rule, b, std::nullopt));
}

BOOST_AUTO_TEST_CASE(source_uses_the_sending_contacts_identity) {
    Contact contact;
    contact.set(F::Email, "mike@example.com");
    BOOST_TEST(*matchValue(source(), contact, "1001:55") == "1001:55");
    BOOST_TEST(!matchValue(source(), contact, std::nullopt));
    BOOST_TEST(!matchValue(source(), contact, ""));
}

BOOST_AUTO_TEST_SUITE_END()
