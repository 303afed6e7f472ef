// Field conditions (--when, --where): parsing FIELD=VALUE, the stored form, matching a contact.
#include "mapping/FieldCondition.h"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace dpp::mapping;

namespace {

// The message of the ConditionError that parsing throws, or "" when it does not throw.
std::string errorOf(const std::string& text, const std::string& flag = "where") {
    try {
        FieldCondition::parse(text, flag);
    } catch (const ConditionError& e) {
        return e.what();
    }
    return "";
}

} // namespace

BOOST_AUTO_TEST_SUITE(field_condition)

BOOST_AUTO_TEST_CASE(a_system_field_by_merge_tag_or_import_name) {
    FieldCondition byTag = FieldCondition::parse("STATUS=Returned", "when");
    BOOST_TEST((byTag.field == SystemField::Status));
    BOOST_TEST(byTag.value == "Returned");
    BOOST_TEST(byTag.fieldName() == "STATUS");
    BOOST_TEST(byTag.describe() == "STATUS = 'Returned'");
    FieldCondition byName = FieldCondition::parse("status=New=ish", "where");
    BOOST_TEST((byName.field == SystemField::Status));
    BOOST_TEST(byName.value == "New=ish");
}

BOOST_AUTO_TEST_CASE(a_custom_field_and_its_stored_form_parse_back) {
    FieldCondition custom = FieldCondition::parse("cf:Lead Score=7", "where");
    BOOST_TEST(!custom.field.has_value());
    BOOST_TEST(custom.customName == "Lead Score");
    BOOST_TEST(custom.fieldName() == "CF:Lead Score");
    FieldCondition again = FieldCondition::parse(custom.fieldName() + "=" + custom.value, "when");
    BOOST_TEST(again.customName == "Lead Score");
    BOOST_TEST(again.value == "7");
}

BOOST_AUTO_TEST_CASE(matches_compares_the_contacts_value_exactly) {
    Contact contact;
    contact.set(SystemField::Status, "Returned");
    contact.custom["Lead Score"] = "7";
    BOOST_TEST(FieldCondition::parse("STATUS=Returned", "when").matches(contact));
    BOOST_TEST(!FieldCondition::parse("STATUS=returned", "when").matches(contact));
    BOOST_TEST(FieldCondition::parse("CF:Lead Score=7", "when").matches(contact));
    BOOST_TEST(FieldCondition::parse("CF:Plan=", "when").matches(contact));
    BOOST_TEST(FieldCondition::parse("CF:Plan=x", "when").valueIn(contact) == "");
}

BOOST_AUTO_TEST_CASE(errors_name_the_flag_and_the_text) {
    BOOST_TEST(errorOf("STATUS") == "--where takes FIELD=VALUE (e.g. STATUS=Enrolled or "
                                    "'CF:Lead Score=7'), not 'STATUS'");
    BOOST_TEST(errorOf("=x", "when") == "--when takes FIELD=VALUE (e.g. STATUS=Enrolled or "
                                        "'CF:Lead Score=7'), not '=x'");
    BOOST_TEST(errorOf("CF:=7") == "--where: 'CF:' needs a custom field name, as in "
                                   "'CF:Lead Score=7'");
    BOOST_TEST(errorOf("colour=red", "status") ==
               "--status: unknown field 'colour'; use a system field (STATUS, CAMPAIGN, STATE, "
               "...) or CF:Name");
}

BOOST_AUTO_TEST_SUITE_END()
