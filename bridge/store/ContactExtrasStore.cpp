#include "bridge/store/ContactExtrasStore.h"

#include "bridge/store/CachedStatement.h"

#include "bridge/InputError.h"
#include "bridge/store/ContactStore.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <fstream>
#include <set>

using namespace Poco::Data::Keywords;

namespace dpp::bridge {

std::pair<std::uint64_t, std::string> fileSizeAndSha256(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw StoreError("cannot read " + file.string());
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    std::uint64_t size = 0;
    std::vector<char> buffer(64 * 1024);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        auto got = static_cast<std::size_t>(in.gcount());
        sha.update(buffer.data(), got);
        size += got;
    }
    return {size, Poco::DigestEngine::digestToHex(sha.digest())};
}

void ContactExtrasStore::savePlan(Poco::Data::Session& session, std::int64_t contactId,
                                  const specialparams::EnrollmentPlan& plan) {
    // Every post carrying __plan_data comes here: a compiled statement, replacing the plan
    // the contact had (contact_id is the key).
    CachedStatement(session, "INSERT OR REPLACE INTO plans (contact_id, plan_data, updated_at) "
                             "VALUES (?, ?, ?)")
        .bind(1, contactId)
        .bind(2, specialparams::renderPlanData(plan))
        .bind(3, nowText())
        .run();
}

void ContactExtrasStore::saveBudgetValues(Poco::Data::Session& session, std::int64_t contactId,
                                          const budget::BudgetValues& values) {
    if (values.empty())
        return;
    // Every post carrying budget tags comes here: a compiled statement, replacing the value a
    // tag had ((contact_id, tag) is the key).
    CachedStatement insert(
        session, "INSERT OR REPLACE INTO budget_values (contact_id, tag, cents) VALUES (?, ?, ?)");
    for (const auto& [tag, amount] : values) {
        insert.bind(1, contactId).bind(2, tag).bind(3, amount.cents()).run();
        insert.reset();
    }
}

std::int64_t ContactExtrasStore::insertDocument(Poco::Data::Session& session,
                                                std::int64_t contactId,
                                                specialparams::UploadedDocument& document,
                                                const std::filesystem::path& file) {
    std::string createdAt = nowText();
    std::string path = file.string();
    auto size = static_cast<std::int64_t>(document.size);
    if (document.id != 0) {
        int clash = 0;
        session << "SELECT COUNT(*) FROM documents WHERE id = ?", use(document.id), into(clash),
            now;
        if (clash)
            throw InputError("document id " + std::to_string(document.id) + " is already in use");
        session << "INSERT INTO documents (id, contact_id, name, content_type, size, sha256, "
                   "stored_path, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            use(document.id), use(contactId), useRef(document.name), useRef(document.contentType),
            use(size), useRef(document.sha256Hex), use(path), use(createdAt), now;
        return document.id;
    }
    session << "INSERT INTO documents (contact_id, name, content_type, size, sha256, "
               "stored_path, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        use(contactId), useRef(document.name), useRef(document.contentType), use(size),
        useRef(document.sha256Hex), use(path), use(createdAt), into(document.id), now;
    return document.id;
}

void ContactExtrasStore::setDocumentFile(Poco::Data::Session& session, std::int64_t documentId,
                                         const std::filesystem::path& file) {
    std::string path = file.string();
    session << "UPDATE documents SET stored_path = ? WHERE id = ?", use(path), use(documentId), now;
}

std::optional<std::int64_t> ContactExtrasStore::documentWithSha256(Poco::Data::Session& session,
                                                                   std::int64_t contactId,
                                                                   const std::string& sha256Hex) {
    std::vector<std::int64_t> same;
    session << "SELECT id FROM documents WHERE contact_id = ? AND sha256 = ? LIMIT 1",
        use(contactId), bind(sha256Hex), into(same), now;
    if (same.empty())
        return std::nullopt;
    return same.front();
}

budget::BudgetCatalog ContactExtrasStore::catalog(Poco::Data::Session& session,
                                                  std::int64_t accountId) {
    // Read for every post a data source receives: a compiled statement.
    CachedStatement select(
        session, "SELECT name, tag FROM budget_fields WHERE account_id = ? ORDER BY position");
    select.bind(1, accountId);
    budget::BudgetCatalog catalog;
    while (select.step())
        catalog.add(select.text(0), select.text(1));
    return catalog;
}

std::filesystem::path ContactExtrasStore::documentPath(std::int64_t contactId,
                                                       std::int64_t documentId) const {
    return std::filesystem::absolute(database_.location().folder) / "documents" /
           std::to_string(contactId) / std::to_string(documentId);
}

std::filesystem::path ContactExtrasStore::stagingPath(const std::string& name) const {
    return std::filesystem::absolute(database_.location().folder) / "documents" / "staging" / name;
}

std::optional<specialparams::EnrollmentPlan> ContactExtrasStore::plan(std::int64_t contactId) {
    std::vector<std::string> data;
    database_.read([&](Poco::Data::Session& session) {
        session << "SELECT plan_data FROM plans WHERE contact_id = ?", use(contactId), into(data),
            now;
    });
    if (data.empty())
        return std::nullopt;
    return specialparams::parsePlanData(data.front());
}

namespace {

std::vector<StoredDocument> selectDocuments(Poco::Data::Session& session, const std::string& where,
                                            std::int64_t value) {
    Poco::Data::Statement select(session);
    select << "SELECT id, contact_id, name, content_type, size, sha256, stored_path "
              "FROM documents WHERE " +
                  where + " ORDER BY id",
        use(value);
    select.execute();
    Poco::Data::RecordSet rows(select);
    std::vector<StoredDocument> documents;
    for (std::size_t i = 0; i < rows.rowCount(); ++i) {
        StoredDocument stored;
        stored.document.id = rows.value(0, i).convert<std::int64_t>();
        stored.contactId = rows.value(1, i).convert<std::int64_t>();
        stored.document.name = rows.value(2, i).convert<std::string>();
        stored.document.contentType = rows.value(3, i).convert<std::string>();
        stored.document.size = rows.value(4, i).convert<std::uint64_t>();
        stored.document.sha256Hex = rows.value(5, i).convert<std::string>();
        stored.file = rows.value(6, i).convert<std::string>();
        documents.push_back(std::move(stored));
    }
    return documents;
}

} // namespace

std::vector<StoredDocument> ContactExtrasStore::documents(std::int64_t contactId) {
    std::vector<StoredDocument> result;
    database_.read([&](Poco::Data::Session& session) {
        result = selectDocuments(session, "contact_id = ?", contactId);
    });
    return result;
}

std::optional<StoredDocument> ContactExtrasStore::document(std::int64_t documentId) {
    std::optional<StoredDocument> result;
    database_.read([&](Poco::Data::Session& session) {
        auto found = selectDocuments(session, "id = ?", documentId);
        if (!found.empty())
            result = std::move(found.front());
    });
    return result;
}

budget::BudgetValues ContactExtrasStore::budgetValues(std::int64_t contactId) {
    budget::BudgetValues values;
    database_.read(
        [&](Poco::Data::Session& session) { values = budgetValues(session, contactId); });
    return values;
}

budget::BudgetValues ContactExtrasStore::budgetValues(Poco::Data::Session& session,
                                                      std::int64_t contactId) {
    budget::BudgetValues values;
    CachedStatement select(session, "SELECT tag, cents FROM budget_values WHERE contact_id = ?");
    select.bind(1, contactId);
    while (select.step())
        values.emplace(select.text(0), mapping::Money::fromCents(select.integer(1)));
    return values;
}

std::string ContactExtrasStore::planData(Poco::Data::Session& session, std::int64_t contactId) {
    CachedStatement select(session, "SELECT plan_data FROM plans WHERE contact_id = ?");
    select.bind(1, contactId);
    return select.step() ? select.text(0) : std::string();
}

budget::BudgetCatalog ContactExtrasStore::catalog(std::int64_t accountId) {
    budget::BudgetCatalog result;
    database_.read([&](Poco::Data::Session& session) { result = catalog(session, accountId); });
    return result;
}

void ContactExtrasStore::addBudgetField(std::int64_t accountId, const std::string& name,
                                        const std::string& tag) {
    budget::BudgetCatalog one;
    try {
        one.add(name, tag);
    } catch (const budget::BudgetError& error) {
        throw InputError(error.what());
    }
    addBudgetFields(accountId, one);
}

void ContactExtrasStore::addBudgetFields(std::int64_t accountId,
                                         const budget::BudgetCatalog& fields) {
    database_.write([&](Poco::Data::Session& session) {
        if (!ContactStore::accountExists(session, accountId))
            throw NotFound("account " + std::to_string(accountId) +
                           " does not exist; create it with: dppbridge account add --id " +
                           std::to_string(accountId) + " --name NAME");
        budget::BudgetCatalog existing = catalog(session, accountId);
        int position = static_cast<int>(existing.size());
        for (const budget::BudgetField& field : fields.fields()) {
            try {
                existing.add(field.name, field.tag);
            } catch (const budget::BudgetError& error) {
                throw InputError("account " + std::to_string(accountId) + ": " + error.what());
            }
            session << "INSERT INTO budget_fields (account_id, position, name, tag) "
                       "VALUES (?, ?, ?, ?)",
                use(accountId), use(position), bind(field.name), bind(field.tag), now;
            ++position;
        }
    });
}

void ContactExtrasStore::loadRenderExtras(const std::vector<mapping::Contact>& contacts,
                                          specialparams::ExtrasByContactId& extras,
                                          budget::BudgetValuesByContactId& budgets) {
    database_.read([&](Poco::Data::Session& session) {
        loadRenderExtras(session, contacts, extras, budgets);
    });
}

void ContactExtrasStore::loadRenderExtras(Poco::Data::Session& session,
                                          const std::vector<mapping::Contact>& contacts,
                                          specialparams::ExtrasByContactId& extras,
                                          budget::BudgetValuesByContactId& budgets) {
    if (contacts.empty())
        return;
    std::set<std::int64_t> wanted;
    for (const mapping::Contact& contact : contacts)
        wanted.insert(contact.id);
    std::int64_t first = *wanted.begin();
    std::int64_t last = *wanted.rbegin();
    {
        std::vector<std::int64_t> ids;
        std::vector<std::string> data;
        session << "SELECT contact_id, plan_data FROM plans WHERE contact_id BETWEEN ? AND ?",
            use(first), use(last), into(ids), into(data), now;
        // Stored as renderPlanData wrote them (savePlan): {EP_DATA} as it is, not parsed and
        // written again for every post (a mass post's largest cost, bench/NOTES.md).
        for (std::size_t i = 0; i < ids.size(); ++i)
            if (wanted.count(ids[i]))
                extras.setPlanData(ids[i], std::move(data[i]));
    }
    {
        std::vector<std::int64_t> contactIds, documentIds;
        session << "SELECT contact_id, id FROM documents WHERE contact_id BETWEEN ? AND ? "
                   "ORDER BY contact_id, id",
            use(first), use(last), into(contactIds), into(documentIds), now;
        std::size_t i = 0;
        while (i < contactIds.size()) {
            std::int64_t contact = contactIds[i];
            std::vector<std::int64_t> ids;
            for (; i < contactIds.size() && contactIds[i] == contact; ++i)
                ids.push_back(documentIds[i]);
            if (wanted.count(contact))
                extras.setDocumentIds(contact, std::move(ids));
        }
    }
    {
        std::vector<std::int64_t> ids, cents;
        std::vector<std::string> tags;
        session << "SELECT contact_id, tag, cents FROM budget_values "
                   "WHERE contact_id BETWEEN ? AND ? ORDER BY contact_id, tag",
            use(first), use(last), into(ids), into(tags), into(cents), now;
        std::size_t i = 0;
        while (i < ids.size()) {
            std::int64_t contact = ids[i];
            budget::BudgetValues values;
            for (; i < ids.size() && ids[i] == contact; ++i)
                values.emplace(tags[i], mapping::Money::fromCents(cents[i]));
            if (wanted.count(contact))
                budgets.set(contact, std::move(values));
        }
    }
}

std::vector<std::int64_t> ContactExtrasStore::documentIds(Poco::Data::Session& session,
                                                          std::int64_t contactId) {
    std::vector<std::int64_t> ids;
    session << "SELECT id FROM documents WHERE contact_id = ? ORDER BY id", use(contactId),
        into(ids), now;
    return ids;
}

} // namespace dpp::bridge
