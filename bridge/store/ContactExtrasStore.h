#pragma once
// The DPP-to-DPP parts of contacts in the store: enrollment plans (kept as their versioned
// {EP_DATA} document, exact decimals), uploaded documents (metadata in SQL, bytes in files
// under <store folder>/documents/), budget catalogs per account and budget values per
// contact. Static members work inside the caller's transaction; the others open their own.
// Thread-safe through Database. Throws InputError for user mistakes, StoreError for I/O.
#include "bridge/store/Database.h"
#include "budget/BudgetCatalog.h"
#include "budget/BudgetTags.h"
#include "mapping/Contact.h"
#include "specialparams/CopyDocs.h"
#include "specialparams/EnrollmentPlan.h"
#include "specialparams/SpecialTags.h"

#include <filesystem>
#include <optional>
#include <vector>

namespace dpp::bridge {

struct StoredDocument {
    specialparams::UploadedDocument document;
    std::int64_t contactId = 0;
    std::filesystem::path file; // absolute
};

class ContactExtrasStore {
public:
    explicit ContactExtrasStore(Database& database) : database_(database) {}

    static void savePlan(Poco::Data::Session& session, std::int64_t contactId,
                         const specialparams::EnrollmentPlan& plan);
    static void saveBudgetValues(Poco::Data::Session& session, std::int64_t contactId,
                                 const budget::BudgetValues& values);
    // Records a document whose bytes are already at `file` (moved under the store's folder
    // by the caller via documentPath()). Keeps document.id when it is not 0.
    static std::int64_t insertDocument(Poco::Data::Session& session, std::int64_t contactId,
                                       specialparams::UploadedDocument& document,
                                       const std::filesystem::path& file);
    static void setDocumentFile(Poco::Data::Session& session, std::int64_t documentId,
                                const std::filesystem::path& file);
    // A document of the contact with these bytes (lower-case hex SHA-256), if it holds one.
    static std::optional<std::int64_t> documentWithSha256(Poco::Data::Session& session,
                                                          std::int64_t contactId,
                                                          const std::string& sha256Hex);
    static budget::BudgetCatalog catalog(Poco::Data::Session& session, std::int64_t accountId);
    // The contact's plan as its stored {EP_DATA} text ("" without a plan) and budget values.
    static std::string planData(Poco::Data::Session& session, std::int64_t contactId);
    static budget::BudgetValues budgetValues(Poco::Data::Session& session, std::int64_t contactId);

    // Where a document's bytes live: <store folder>/documents/<contact>/<document>.
    std::filesystem::path documentPath(std::int64_t contactId, std::int64_t documentId) const;
    std::filesystem::path stagingPath(const std::string& name) const;

    std::optional<specialparams::EnrollmentPlan> plan(std::int64_t contactId);
    std::vector<StoredDocument> documents(std::int64_t contactId);
    std::optional<StoredDocument> document(std::int64_t documentId);
    budget::BudgetValues budgetValues(std::int64_t contactId);

    budget::BudgetCatalog catalog(std::int64_t accountId);
    void addBudgetField(std::int64_t accountId, const std::string& name, const std::string& tag);
    // Adds every field of the catalog, all or none.
    void addBudgetFields(std::int64_t accountId, const budget::BudgetCatalog& fields);

    // Loads what {EP_DATA}, {UPLOAD_DOC_IDS} and budget tags need for these contacts (sorted
    // by id: three range queries, whatever their number).
    void loadRenderExtras(const std::vector<mapping::Contact>& contacts,
                          specialparams::ExtrasByContactId& extras,
                          budget::BudgetValuesByContactId& budgets);
    static void loadRenderExtras(Poco::Data::Session& session,
                                 const std::vector<mapping::Contact>& contacts,
                                 specialparams::ExtrasByContactId& extras,
                                 budget::BudgetValuesByContactId& budgets);
    static std::vector<std::int64_t> documentIds(Poco::Data::Session& session,
                                                 std::int64_t contactId);

private:
    Database& database_;
};

// Size and SHA-256 (lower-case hex) of a file, read in chunks. Throws StoreError.
std::pair<std::uint64_t, std::string> fileSizeAndSha256(const std::filesystem::path& file);

} // namespace dpp::bridge
