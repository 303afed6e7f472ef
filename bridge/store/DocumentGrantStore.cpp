#include "bridge/store/DocumentGrantStore.h"

#include "bridge/Clock.h"

#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>

using namespace Poco::Data::Keywords;

namespace dpp::bridge {

std::size_t DocumentGrantStore::grant(Poco::Data::Session& session, std::int64_t sourceAccount,
                                      std::int64_t contactId,
                                      const std::vector<std::int64_t>& documentIds,
                                      std::int64_t peerAccount,
                                      std::optional<std::int64_t> deliveryId,
                                      std::int64_t expiresAtMs, std::int64_t nowMs) {
    Poco::Nullable<std::int64_t> delivery;
    if (deliveryId)
        delivery = *deliveryId;
    std::string createdAt = formatTime(nowMs);
    std::size_t granted = 0;
    for (std::int64_t documentId : documentIds) {
        std::int64_t document = documentId;
        Poco::Data::Statement insert(session);
        insert << "INSERT INTO document_grants (document_id, contact_id, source_account, "
                  "peer_account, delivery_id, expires_at_ms, created_at) "
                  "SELECT d.id, d.contact_id, c.account_id, ?, ?, ?, ? FROM documents d "
                  "JOIN contacts c ON c.id = d.contact_id "
                  "WHERE d.id = ? AND d.contact_id = ? AND c.account_id = ?",
            use(peerAccount), use(delivery), use(expiresAtMs), use(createdAt), use(document),
            use(contactId), use(sourceAccount);
        granted += insert.execute();
    }
    return granted;
}

bool DocumentGrantStore::isGranted(std::int64_t sourceAccount, std::int64_t contactId,
                                   std::int64_t documentId, std::int64_t peerAccount,
                                   std::int64_t nowMs) {
    int count = 0;
    database_.read([&](Poco::Data::Session& session) {
        session << "SELECT COUNT(*) FROM document_grants g "
                   "JOIN documents d ON d.id = g.document_id "
                   "JOIN contacts c ON c.id = d.contact_id "
                   "WHERE g.document_id = ? AND g.peer_account = ? AND g.source_account = ? "
                   "AND g.contact_id = ? AND d.contact_id = ? AND c.account_id = ? "
                   "AND g.expires_at_ms > ?",
            use(documentId), use(peerAccount), use(sourceAccount), use(contactId), use(contactId),
            use(sourceAccount), use(nowMs), into(count), now;
    });
    return count > 0;
}

} // namespace dpp::bridge
