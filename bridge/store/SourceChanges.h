#pragma once
// The newest change of each sender's contact that a de-duping data source applied, by sender
// identity ("1001:55") and the X-Dppbridge-Change its post carried; the only writer of
// source_changes. A post carrying an older change than the one applied is stale: applying it
// would take the contact back to an older version (a retry that arrives after a later
// change). Static members work inside the caller's transaction. Throws StoreError.
#include "bridge/store/Database.h"

#include <cstdint>
#include <optional>
#include <string>

namespace dpp::bridge {

class SourceChanges {
public:
    static std::optional<std::int64_t> applied(Poco::Data::Session& session,
                                               std::int64_t dataSourceId,
                                               const std::string& sourceIdentity);
    // Records change as applied unless a newer one was.
    static void record(Poco::Data::Session& session, std::int64_t dataSourceId,
                       const std::string& sourceIdentity, std::int64_t change);
};

} // namespace dpp::bridge
