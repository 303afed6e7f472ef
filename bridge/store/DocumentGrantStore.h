#pragma once
// Document grants: the record, written when this account queues a delivery carrying
// __copydocs to a partner account, that the partner may fetch exactly those documents of
// exactly that contact from the document endpoint until the grant expires. The endpoint
// serves nothing else. This is the only writer of document_grants.
// grant() works inside the caller's transaction (the one that queues the delivery);
// isGranted() opens its own read. Thread-safe through Database. Throws StoreError (or POCO
// Data exceptions) when the database fails; never for "not granted".
#include "bridge/store/Database.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace dpp::bridge {

class DocumentGrantStore {
public:
    explicit DocumentGrantStore(Database& database) : database_(database) {}

    // Grants peerAccount the listed documents of contactId (which belongs to sourceAccount),
    // until expiresAtMs, recorded as created at nowMs. Ids that are not documents of that
    // contact of that account are not granted. Returns how many documents were granted.
    static std::size_t grant(Poco::Data::Session& session, std::int64_t sourceAccount,
                             std::int64_t contactId, const std::vector<std::int64_t>& documentIds,
                             std::int64_t peerAccount, std::optional<std::int64_t> deliveryId,
                             std::int64_t expiresAtMs, std::int64_t nowMs);

    // True when documentId is a document of contactId, contactId a contact of sourceAccount,
    // and an unexpired grant (expires after nowMs) of that document to peerAccount exists.
    bool isGranted(std::int64_t sourceAccount, std::int64_t contactId, std::int64_t documentId,
                   std::int64_t peerAccount, std::int64_t nowMs);

private:
    Database& database_;
};

} // namespace dpp::bridge
