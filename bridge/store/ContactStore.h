#pragma once
// Accounts and contacts in the store: create accounts, insert contacts (with custom fields)
// inside a caller's transaction, read them back. Thread-safe through Database.
// Throws InputError for what the user got wrong (unknown account, id clash), StoreError for
// what the database did.
#include "bridge/store/Database.h"
#include "mapping/Contact.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dpp::bridge {

struct Account {
    std::int64_t id = 0;
    std::string name;
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
    // Contacts of an account in id order, at most limit, with ids above afterId.
    std::vector<mapping::Contact> contacts(std::int64_t accountId, std::int64_t afterId = 0,
                                           std::size_t limit = 1000);
    std::int64_t countContacts(std::int64_t accountId);

private:
    Database& database_;
};

} // namespace dpp::bridge
