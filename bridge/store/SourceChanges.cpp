#include "bridge/store/SourceChanges.h"

#include "bridge/store/CachedStatement.h"

namespace dpp::bridge {

std::optional<std::int64_t> SourceChanges::applied(Poco::Data::Session& session,
                                                   std::int64_t dataSourceId,
                                                   const std::string& sourceIdentity) {
    CachedStatement select(session, "SELECT change_no FROM source_changes WHERE "
                                    "data_source_id = ? AND source_identity = ?");
    select.bind(1, dataSourceId).bind(2, sourceIdentity);
    if (!select.step())
        return std::nullopt;
    return select.integer(0);
}

void SourceChanges::record(Poco::Data::Session& session, std::int64_t dataSourceId,
                           const std::string& sourceIdentity, std::int64_t change) {
    CachedStatement(session, "INSERT INTO source_changes (data_source_id, source_identity, "
                             "change_no) VALUES (?, ?, ?) ON CONFLICT (data_source_id, "
                             "source_identity) DO UPDATE SET change_no = excluded.change_no "
                             "WHERE excluded.change_no > source_changes.change_no")
        .bind(1, dataSourceId)
        .bind(2, sourceIdentity)
        .bind(3, change)
        .run();
}

} // namespace dpp::bridge
