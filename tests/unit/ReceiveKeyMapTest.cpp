// A receiving data source's key map: verbatim keys, DPP defaults, extra keys, ignored keys.
#include "mapping/ReceiveKeyMap.h"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace dpp::mapping;

namespace {

using Keys = std::vector<std::string>;

} // namespace

BOOST_AUTO_TEST_SUITE(receive_key_map)

BOOST_AUTO_TEST_CASE(default_dpp_keys_map_to_their_fields) {
    ReceiveKeyMap map;
    auto result = map.apply({{"firstname", "Mike"},
                             {"lastname", "Smith"},
                             {"email", "mike@example.com"},
                             {"homephone", "5550001"},
                             {"cellphone", "5555555555"},
                             {"workphone", "5550002"},
                             {"address1", "1 Main St"},
                             {"address2", "Apt 2"},
                             {"city", "Fresno"},
                             {"state", "CA"},
                             {"zip", "93650"},
                             {"dob", "1980-01-02"},
                             {"ssn", "123456789"},
                             {"campaign", "Radio"},
                             {"externalid", "X-9"}});
    const Contact& c = result.contact;
    BOOST_TEST(c.get(SystemField::FirstName) == "Mike");
    BOOST_TEST(c.get(SystemField::LastName) == "Smith");
    BOOST_TEST(c.get(SystemField::Email) == "mike@example.com");
    BOOST_TEST(c.get(SystemField::HomePhone) == "5550001");
    BOOST_TEST(c.get(SystemField::CellPhone) == "5555555555");
    BOOST_TEST(c.get(SystemField::WorkPhone) == "5550002");
    BOOST_TEST(c.get(SystemField::Address1) == "1 Main St");
    BOOST_TEST(c.get(SystemField::Address2) == "Apt 2");
    BOOST_TEST(c.get(SystemField::City) == "Fresno");
    BOOST_TEST(c.get(SystemField::State) == "CA");
    BOOST_TEST(c.get(SystemField::Zip) == "93650");
    BOOST_TEST(c.get(SystemField::Dob) == "1980-01-02");
    BOOST_TEST(c.get(SystemField::Ssn) == "123456789");
    BOOST_TEST(c.get(SystemField::Campaign) == "Radio");
    BOOST_TEST(c.get(SystemField::ExternalId) == "X-9");
    BOOST_TEST(result.ignoredKeys.empty());
    BOOST_TEST(result.unmapped.empty());
}

BOOST_AUTO_TEST_CASE(store_assigned_fields_have_no_default_key) {
    ReceiveKeyMap map;
    auto result = map.apply({{"id", "9"}, {"account_id", "1"}, {"created", "now"}});
    BOOST_TEST(result.contact.get(SystemField::Id) == "");
    BOOST_TEST(result.contact.get(SystemField::AccountId) == "");
    BOOST_TEST(result.contact.get(SystemField::Created) == "");
    BOOST_TEST(result.ignoredKeys == (Keys{"id", "account_id", "created"}));
}

BOOST_AUTO_TEST_CASE(keys_are_matched_verbatim) {
    ReceiveKeyMap map;
    auto result = map.apply({{"FirstName", "A"},
                             {"firstname ", "B"},
                             {" firstname", "C"},
                             {"first_name", "D"},
                             {"lasname", "E"},
                             {"firstname", "Mike"}});
    BOOST_TEST(result.contact.get(SystemField::FirstName) == "Mike");
    BOOST_TEST(result.contact.get(SystemField::LastName) == "");
    BOOST_TEST(result.ignoredKeys ==
               (Keys{"FirstName", "firstname ", " firstname", "first_name", "lasname"}));
}

BOOST_AUTO_TEST_CASE(extra_keys_map_and_can_override_defaults) {
    ReceiveKeyMap map({{"lasname", SystemField::LastName},
                       {"First Name", SystemField::FirstName},
                       {"email", SystemField::ExternalId},
                       {"status", SystemField::Status}});
    auto result = map.apply({{"lasname", "Smith"},
                             {"First Name", "Mike"},
                             {"email", "E-1"},
                             {"status", "Enrolled"},
                             {"firstname", "Michael"}});
    BOOST_TEST(result.contact.get(SystemField::LastName) == "Smith");
    // "First Name" and "firstname" both map to the first name; the later one wins.
    BOOST_TEST(result.contact.get(SystemField::FirstName) == "Michael");
    BOOST_TEST(result.contact.get(SystemField::ExternalId) == "E-1");
    BOOST_TEST(result.contact.get(SystemField::Email) == "");
    BOOST_TEST(result.contact.get(SystemField::Status) == "Enrolled");
    BOOST_TEST(result.ignoredKeys.empty());
}

BOOST_AUTO_TEST_CASE(duplicate_key_keeps_its_last_value) {
    ReceiveKeyMap map;
    auto result = map.apply({{"firstname", "One"}, {"firstname", "Two"}, {"firstname", ""}});
    BOOST_TEST(result.contact.get(SystemField::FirstName) == "");
    result = map.apply({{"firstname", "One"}, {"city", "X"}, {"firstname", "Two"}});
    BOOST_TEST(result.contact.get(SystemField::FirstName) == "Two");
    BOOST_TEST(result.contact.get(SystemField::City) == "X");
}

BOOST_AUTO_TEST_CASE(ignored_keys_are_listed_once_in_order) {
    ReceiveKeyMap map;
    auto result = map.apply({{"b", "1"},
                             {"firstname", "Mike"},
                             {"a", "2"},
                             {"b", "3"},
                             {"__plan_data", "{}"},
                             {"a", "4"},
                             {"{BUDGET_RENT}", "1200.00"}});
    BOOST_TEST(result.ignoredKeys == (Keys{"b", "a", "__plan_data", "{BUDGET_RENT}"}));
    // Every unmapped pair is kept, duplicates included, in the order posted.
    KeyValues expected{{"b", "1"}, {"a", "2"},
                       {"b", "3"}, {"__plan_data", "{}"},
                       {"a", "4"}, {"{BUDGET_RENT}", "1200.00"}};
    BOOST_TEST((result.unmapped == expected));
    BOOST_TEST(result.contact.get(SystemField::FirstName) == "Mike");
}

BOOST_AUTO_TEST_CASE(nothing_posted_gives_an_empty_contact) {
    ReceiveKeyMap map;
    auto result = map.apply({});
    for (const SystemFieldInfo& field : systemFields())
        BOOST_TEST(result.contact.get(field.field) == "");
    BOOST_TEST(result.contact.custom.empty());
    BOOST_TEST(result.ignoredKeys.empty());
}

BOOST_AUTO_TEST_CASE(postable_fields) {
    BOOST_TEST(!ReceiveKeyMap::isPostable(SystemField::Id));
    BOOST_TEST(!ReceiveKeyMap::isPostable(SystemField::AccountId));
    BOOST_TEST(!ReceiveKeyMap::isPostable(SystemField::Created));
    BOOST_TEST(ReceiveKeyMap::isPostable(SystemField::FirstName));
    BOOST_TEST(ReceiveKeyMap::isPostable(SystemField::Ssn));
    BOOST_TEST(ReceiveKeyMap::isPostable(SystemField::Status));
    BOOST_TEST(ReceiveKeyMap::isPostable(SystemField::AssignedTo));
}

BOOST_AUTO_TEST_CASE(utf8_values_are_kept_as_posted) {
    ReceiveKeyMap map;
    auto result = map.apply({{"firstname", "Zoë 🎉"}, {"city", " a+b&c=d "}});
    BOOST_TEST(result.contact.get(SystemField::FirstName) == "Zoë 🎉");
    BOOST_TEST(result.contact.get(SystemField::City) == " a+b&c=d ");
}

BOOST_AUTO_TEST_SUITE_END()
