#include "bridge/store/ContactStore.h"

#include "bridge/InputError.h"
#include "bridge/store/CachedStatement.h"
#include "mapping/ContactRecord.h"
#include "mapping/Encoding.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

using namespace Poco::Data::Keywords;
using dpp::mapping::Contact;
using dpp::mapping::SystemField;

namespace dpp::bridge {

namespace {

// The next number of the change sequence (writers are serialised, so it follows commit order).
const std::string kNextChange = "(SELECT COALESCE(MAX(change_seq), 0) + 1 FROM contacts)";

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

// Rows of "SELECT id, account_id, created_at, <stored fields>, change_seq": a compiled statement
// read column by column (a mass post reads every contact here; POCO's RecordSet converted each cell
// through a Dynamic::Var, 13 % of the outbox's work, bench/NOTES.md 2026-11-29, evening).
std::vector<Contact> readContacts(CachedStatement& select) {
    std::vector<Contact> contacts;
    const auto& fields = storedFields();
    while (select.step()) {
        Contact contact;
        contact.setIds(select.integer(0), select.integer(1));
        contact.set(SystemField::Created, select.text(2));
        for (std::size_t i = 0; i < fields.size(); ++i)
            contact.set(fields[i], select.text(static_cast<int>(i) + 3));
        contact.changeNumber = select.integer(static_cast<int>(fields.size()) + 3);
        contacts.push_back(std::move(contact));
    }
    return contacts;
}

std::vector<Contact> selectContacts(Poco::Data::Session& session, const std::string& where,
                                    std::int64_t first, std::int64_t second, std::size_t limit) {
    CachedStatement select(session, "SELECT id, account_id, created_at" + columnList() +
                                        ", change_seq FROM contacts WHERE " + where +
                                        " ORDER BY id LIMIT ?");
    select.bind(1, first).bind(2, second).bind(3, static_cast<std::int64_t>(limit));
    std::vector<Contact> contacts = readContacts(select);
    loadCustomFields(session, contacts);
    return contacts;
}

} // namespace

ContactChanges parseContactChanges(const std::vector<std::string>& assignments) {
    ContactChanges changes;
    Poco::JSON::Object fields;
    Poco::JSON::Object::Ptr custom = new Poco::JSON::Object;
    for (const std::string& assignment : assignments) {
        std::size_t equals = assignment.find('=');
        if (equals == std::string::npos || equals == 0)
            throw InputError("'" + assignment +
                             "' is not FIELD=VALUE (e.g. status=Enrolled or 'CF:Lead Score=9')");
        std::string name = assignment.substr(0, equals);
        std::string value = assignment.substr(equals + 1);
        if (name.size() > 3 && (name.compare(0, 3, "CF:") == 0 || name.compare(0, 3, "cf:") == 0)) {
            changes.custom[name.substr(3)] = value;
            continue;
        }
        auto field = mapping::fieldByImportName(name);
        if (!field)
            field = mapping::fieldByTag(name);
        if (!field)
            throw InputError("'" + assignment + "': unknown field '" + name +
                             "'; use a field's import name (status, email, ...) or CF:Name");
        if (mapping::info(*field).assignedByStore)
            throw InputError("'" + assignment + "': " + std::string(mapping::info(*field).tag) +
                             " is set by the store and cannot be changed");
        fields.set(std::string(mapping::info(*field).importName), value);
    }
    try {
        mapping::ContactRecord record = mapping::parseContactJson(fields);
        for (const std::string& name : fields.getNames()) {
            auto field = *mapping::fieldByImportName(name);
            changes.fields.emplace_back(field, record.contact.get(field));
        }
        for (auto& [name, value] : changes.custom)
            if (!mapping::isValidUtf8(name) || !mapping::isValidUtf8(value))
                throw mapping::RecordError("CF:" + name, "custom field names and values must be "
                                                         "UTF-8");
    } catch (const mapping::RecordError& error) {
        throw InputError(error.what()); // it names the field
    }
    return changes;
}

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
    // Every received post and imported line comes here: compiled statements, SQL built once.
    static const std::string placeholders = [] {
        std::string text;
        for (std::size_t i = 0; i < storedFields().size(); ++i)
            text += ", ?";
        return text;
    }();
    static const std::string withId = "INSERT INTO contacts (id, change_seq, account_id, "
                                      "created_at, updated_at" +
                                      columnList() + ") VALUES (?, " + kNextChange + ", ?, ?, ?" +
                                      placeholders + ") RETURNING id, change_seq";
    static const std::string withoutId = "INSERT INTO contacts (change_seq, account_id, "
                                         "created_at, updated_at" +
                                         columnList() + ") VALUES (" + kNextChange + ", ?, ?, ?" +
                                         placeholders + ") RETURNING id, change_seq";
    if (contact.id != 0 && contactExists(session, contact.id))
        throw InputError("contact id " + std::to_string(contact.id) + " is already in use");
    std::string createdAt = nowText();
    CachedStatement insert(session, contact.id != 0 ? withId : withoutId);
    int parameter = 1;
    if (contact.id != 0)
        insert.bind(parameter++, contact.id);
    insert.bind(parameter++, contact.accountId);
    insert.bind(parameter++, createdAt);
    insert.bind(parameter++, createdAt);
    for (SystemField field : storedFields())
        insert.bind(parameter++, contact.fields[mapping::indexOf(field)]);
    if (!insert.step())
        throw StoreError("store: inserting a contact returned no id");
    std::int64_t id = insert.integer(0);
    contact.changeNumber = insert.integer(1);
    insert.run();
    contact.setIds(id, contact.accountId);
    contact.set(SystemField::Created, createdAt);
    if (!contact.custom.empty()) {
        CachedStatement custom(
            session,
            "INSERT INTO contact_custom_fields (contact_id, name, value) VALUES (?, ?, ?)");
        for (const auto& [name, value] : contact.custom) {
            custom.bind(1, id).bind(2, name).bind(3, value).run();
            custom.reset();
        }
    }
    return id;
}

std::int64_t ContactStore::touch(Poco::Data::Session& session, std::int64_t id) {
    CachedStatement update(session, "UPDATE contacts SET change_seq = " + kNextChange +
                                        ", updated_at = ? WHERE id = ? RETURNING change_seq");
    update.bind(1, nowText()).bind(2, id);
    std::int64_t change = update.step() ? update.integer(0) : 0;
    update.run();
    return change;
}

void ContactStore::markDuplicate(Poco::Data::Session& session, std::int64_t id,
                                 std::int64_t duplicateOf) {
    CachedStatement(session, "UPDATE contacts SET duplicate_of = ? WHERE id = ?")
        .bind(1, duplicateOf)
        .bind(2, id)
        .run();
}

std::optional<std::int64_t> ContactStore::duplicateOf(std::int64_t id) {
    std::optional<std::int64_t> result;
    database_.read([&](Poco::Data::Session& session) {
        CachedStatement select(session, "SELECT duplicate_of FROM contacts WHERE id = ?");
        select.bind(1, id);
        if (select.step())
            result = select.optionalInteger(0);
    });
    return result;
}

ContactUpdate ContactStore::update(Poco::Data::Session& session, std::int64_t id,
                                   const ContactChanges& changes) {
    auto before = load(session, id);
    if (!before)
        throw NotFound("contact " + std::to_string(id) + " does not exist");
    ContactUpdate result{*before, *before, {}};
    Contact& after = result.after;
    for (const auto& [field, value] : changes.fields) {
        if (after.get(field) == value)
            continue;
        after.set(field, value);
        result.changed.emplace_back(mapping::info(field).tag);
        std::string column(mapping::info(field).importName);
        session << "UPDATE contacts SET " + column + " = ? WHERE id = ?", bind(value), use(id), now;
    }
    for (const auto& [name, value] : changes.custom) {
        auto current = after.custom.find(name);
        if ((current == after.custom.end() && value.empty()) ||
            (current != after.custom.end() && current->second == value))
            continue;
        result.changed.push_back("CF:" + name);
        session << "DELETE FROM contact_custom_fields WHERE contact_id = ? AND name = ?", use(id),
            bind(name), now;
        if (value.empty()) {
            after.custom.erase(name);
            continue;
        }
        after.custom[name] = value;
        session << "INSERT INTO contact_custom_fields (contact_id, name, value) VALUES (?, ?, ?)",
            use(id), bind(name), bind(value), now;
    }
    if (!result.changed.empty())
        after.changeNumber = touch(session, id);
    return result;
}

std::vector<Contact> ContactStore::select(Poco::Data::Session& session, const ContactQuery& query,
                                          std::int64_t afterId, std::size_t limit,
                                          std::size_t offset) {
    CachedStatement select(session, "SELECT id, account_id, created_at" + columnList() +
                                        ", change_seq FROM contacts WHERE id > ? AND (" +
                                        query.condition() + ") ORDER BY id LIMIT ? OFFSET ?");
    int index = 1;
    select.bind(index++, afterId);
    for (const SqlValue& value : query.values())
        std::visit([&](const auto& bound) { select.bind(index++, bound); }, value);
    select.bind(index++, static_cast<std::int64_t>(limit));
    select.bind(index++, static_cast<std::int64_t>(offset));
    std::vector<Contact> contacts = readContacts(select);
    loadCustomFields(session, contacts);
    return contacts;
}

std::int64_t ContactStore::count(Poco::Data::Session& session, const ContactQuery& query) {
    // Once per batch or preview: compiled for this use alone.
    Poco::Data::Statement select(session);
    std::int64_t count = 0;
    select << "SELECT COUNT(*) FROM contacts WHERE " + query.condition();
    for (const SqlValue& value : query.values())
        std::visit([&](const auto& bound) { select, bind(bound); }, value);
    select, into(count);
    select.execute();
    return count;
}

std::optional<Contact> ContactStore::load(Poco::Data::Session& session, std::int64_t id) {
    auto found = selectContacts(session, "id BETWEEN ? AND ?", id, id, 1);
    if (found.empty())
        return std::nullopt;
    return std::move(found.front());
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
