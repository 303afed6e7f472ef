#pragma once
// Accounts and contacts in the store: create accounts, insert contacts (with custom fields)
// inside a caller's transaction, read them back. Thread-safe through Database.
// Throws InputError for what the user got wrong (unknown account, id clash), StoreError for
// what the database did.
#include "bridge/store/ContactQuery.h"
#include "bridge/store/Database.h"
#include "mapping/Contact.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dpp::bridge {

struct Account {
    std::int64_t id = 0;
    std::string name;
};

// Field assignments for `contact update`: system fields and custom fields (an empty custom
// value removes the field). Built and checked by parseContactChanges.
struct ContactChanges {
    std::vector<std::pair<mapping::SystemField, std::string>> fields;
    std::map<std::string, std::string> custom;
};

// "name=value" words: import names or merge tags of system fields, CF:Name for custom fields.
// Values are checked as an import checks them. Throws InputError naming the word.
ContactChanges parseContactChanges(const std::vector<std::string>& assignments);

struct ContactUpdate {
    mapping::Contact before;
    mapping::Contact after;
    std::vector<std::string> changed; // STATUS, CF:Lead Score, ...
};

class ContactStore {
public:
    explicit ContactStore(Database& database) : database_(database) {}

    void addAccount(std::int64_t id, const std::string& name);
    std::optional<Account> account(std::int64_t id);
    std::vector<Account> accounts();
    void requireAccount(std::int64_t id); // throws NotFound with the command to create it

    // Inserts a contact into the given account within the caller's transaction. Keeps
    // contact.id when it is not 0 (an id in use is an InputError); otherwise the store
    // assigns one. Sets contact.id, ACCTID and CREATED. Returns the id.
    static std::int64_t insert(Poco::Data::Session& session, mapping::Contact& contact);
    static bool contactExists(Poco::Data::Session& session, std::int64_t id);
    static bool accountExists(Poco::Data::Session& session, std::int64_t id);

    std::optional<mapping::Contact> contact(std::int64_t id);
    static std::optional<mapping::Contact> load(Poco::Data::Session& session, std::int64_t id);
    // Applies the changes that differ from what the contact holds; a contact that changed
    // takes the next change number (after.changeNumber). Throws NotFound.
    static ContactUpdate update(Poco::Data::Session& session, std::int64_t id,
                                const ContactChanges& changes);
    // Marks the contact changed (its payments or documents did): the next change number,
    // returned (0 when the contact does not exist).
    static std::int64_t touch(Poco::Data::Session& session, std::int64_t id);
    // Marks a contact a data source stored as a duplicate of another (on-duplicate create).
    static void markDuplicate(Poco::Data::Session& session, std::int64_t id,
                              std::int64_t duplicateOf);
    std::optional<std::int64_t> duplicateOf(std::int64_t id);
    // Contacts the query matches, in id order, ids above afterId, at most limit, skipping the
    // first offset; and how many it matches.
    static std::vector<mapping::Contact> select(Poco::Data::Session& session,
                                                const ContactQuery& query, std::int64_t afterId,
                                                std::size_t limit, std::size_t offset = 0);
    static std::int64_t count(Poco::Data::Session& session, const ContactQuery& query);
    // Contacts of an account in id order, at most limit, with ids above afterId.
    std::vector<mapping::Contact> contacts(std::int64_t accountId, std::int64_t afterId = 0,
                                           std::size_t limit = 1000);
    std::int64_t countContacts(std::int64_t accountId);

private:
    Database& database_;
};

} // namespace dpp::bridge
