#include "bridge/store/ContactStore.h"

#include "bridge/InputError.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

using namespace Poco::Data::Keywords;
using dpp::mapping::Contact;
using dpp::mapping::SystemField;

namespace dpp::bridge {

namespace {

// The system fields kept as columns of their own (all but ID, ACCTID and CREATED).
const std::vector<SystemField>& storedFields() {
    static const std::vector<SystemField> fields = [] {
        std::vector<SystemField> result;
        for (const auto& field : mapping::systemFields())
            if (!field.assignedByStore)
                result.push_back(field.field);
        return result;
    }();
    return fields;
}

std::string columnList() {
    std::string columns;
    for (SystemField field : storedFields()) {
        columns += ", ";
        columns += mapping::info(field).importName;
    }
    return columns;
}

void loadCustomFields(Poco::Data::Session& session, std::vector<Contact>& contacts) {
    if (contacts.empty())
        return;
    std::int64_t first = contacts.front().id;
    std::int64_t last = contacts.back().id;
    std::vector<std::int64_t> ids;
    std::vector<std::string> names;
    std::vector<std::string> values;
    session << "SELECT contact_id, name, value FROM contact_custom_fields "
               "WHERE contact_id BETWEEN ? AND ? ORDER BY contact_id",
        use(first), use(last), into(ids), into(names), into(values), now;
    std::size_t at = 0;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        while (at < contacts.size() && contacts[at].id < ids[i])
            ++at;
        if (at < contacts.size() && contacts[at].id == ids[i])
            contacts[at].custom[names[i]] = values[i];
    }
}

std::vector<Contact> selectContacts(Poco::Data::Session& session, const std::string& where,
                                    std::int64_t first, std::int64_t second, std::size_t limit) {
    Poco::Data::Statement select(session);
    std::size_t limitValue = limit;
    select << "SELECT id, account_id, created_at" + columnList() + " FROM contacts WHERE " + where +
                  " ORDER BY id LIMIT ?",
        use(first), use(second), use(limitValue);
    select.execute();
    Poco::Data::RecordSet rows(select);
    std::vector<Contact> contacts;
    contacts.reserve(rows.rowCount());
    const auto& fields = storedFields();
    for (std::size_t row = 0; row < rows.rowCount(); ++row) {
        Contact contact;
        contact.setIds(rows.value(0, row).convert<std::int64_t>(),
                       rows.value(1, row).convert<std::int64_t>());
        contact.set(SystemField::Created, rows.value(2, row).convert<std::string>());
        for (std::size_t i = 0; i < fields.size(); ++i)
            contact.set(fields[i], rows.value(i + 3, row).convert<std::string>());
        contacts.push_back(std::move(contact));
    }
    loadCustomFields(session, contacts);
    return contacts;
}

} // namespace

void ContactStore::addAccount(std::int64_t id, const std::string& name) {
    if (id <= 0)
        throw InputError("--id must be a positive account number, not " + std::to_string(id));
    if (name.empty())
        throw InputError("--name must not be empty");
    database_.write([&](Poco::Data::Session& session) {
        if (accountExists(session, id))
            throw InputError("account " + std::to_string(id) + " already exists");
        std::string createdAt = nowText();
        session << "INSERT INTO accounts (id, name, created_at) VALUES (?, ?, ?)", useRef(id),
            useRef(name), use(createdAt), now;
    });
}

std::optional<Account> ContactStore::account(std::int64_t id) {
    std::optional<Account> result;
    database_.read([&](Poco::Data::Session& session) {
        std::vector<std::string> names;
        session << "SELECT name FROM accounts WHERE id = ?", use(id), into(names), now;
        if (!names.empty())
            result = Account{id, names.front()};
    });
    return result;
}

std::vector<Account> ContactStore::accounts() {
    std::vector<Account> result;
    database_.read([&](Poco::Data::Session& session) {
        std::vector<std::int64_t> ids;
        std::vector<std::string> names;
        session << "SELECT id, name FROM accounts ORDER BY id", into(ids), into(names), now;
        for (std::size_t i = 0; i < ids.size(); ++i)
            result.push_back(Account{ids[i], names[i]});
    });
    return result;
}

void ContactStore::requireAccount(std::int64_t id) {
    if (!account(id))
        throw NotFound("account " + std::to_string(id) +
                       " does not exist; create it with: dppbridge account add --id " +
                       std::to_string(id) + " --name NAME");
}

bool ContactStore::accountExists(Poco::Data::Session& session, std::int64_t id) {
    int count = 0;
    session << "SELECT COUNT(*) FROM accounts WHERE id = ?", use(id), into(count), now;
    return count > 0;
}

bool ContactStore::contactExists(Poco::Data::Session& session, std::int64_t id) {
    int count = 0;
    session << "SELECT COUNT(*) FROM contacts WHERE id = ?", use(id), into(count), now;
    return count > 0;
}

std::int64_t ContactStore::insert(Poco::Data::Session& session, Contact& contact) {
    const auto& fields = storedFields();
    std::string placeholders;
    for (std::size_t i = 0; i < fields.size(); ++i)
        placeholders += ", ?";
    std::string createdAt = nowText();
    Poco::Data::Statement insert(session);
    std::int64_t accountId = contact.accountId;
    std::int64_t id = 0;
    if (contact.id != 0) {
        if (contactExists(session, contact.id))
            throw InputError("contact id " + std::to_string(contact.id) + " is already in use");
        id = contact.id;
        insert << "INSERT INTO contacts (id, account_id, created_at, updated_at" + columnList() +
                      ") VALUES (?, ?, ?, ?" + placeholders + ")",
            use(id);
    } else {
        insert << "INSERT INTO contacts (account_id, created_at, updated_at" + columnList() +
                      ") VALUES (?, ?, ?" + placeholders + ") RETURNING id",
            into(id);
    }
    insert, use(accountId), useRef(createdAt), useRef(createdAt);
    for (SystemField field : fields)
        insert, useRef(contact.fields[mapping::indexOf(field)]);
    insert.execute();
    contact.setIds(id, accountId);
    contact.set(SystemField::Created, createdAt);
    for (const auto& [name, value] : contact.custom)
        session << "INSERT INTO contact_custom_fields (contact_id, name, value) VALUES (?, ?, ?)",
            use(id), useRef(name), useRef(value), now;
    return id;
}

std::optional<Contact> ContactStore::contact(std::int64_t id) {
    std::optional<Contact> result;
    database_.read([&](Poco::Data::Session& session) {
        auto found = selectContacts(session, "id BETWEEN ? AND ?", id, id, 1);
        if (!found.empty())
            result = std::move(found.front());
    });
    return result;
}

std::vector<Contact> ContactStore::contacts(std::int64_t accountId, std::int64_t afterId,
                                            std::size_t limit) {
    std::vector<Contact> result;
    database_.read([&](Poco::Data::Session& session) {
        result = selectContacts(session, "account_id = ? AND id > ?", accountId, afterId, limit);
    });
    return result;
}

std::int64_t ContactStore::countContacts(std::int64_t accountId) {
    std::int64_t count = 0;
    database_.read([&](Poco::Data::Session& session) {
        session << "SELECT COUNT(*) FROM contacts WHERE account_id = ?", use(accountId),
            into(count), now;
    });
    return count;
}

} // namespace dpp::bridge
