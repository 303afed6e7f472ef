#pragma once
// Brings a stored contact up to date from a received post (a data source's on-duplicate
// update): every posted system field replaces the stored one (an empty value clears it),
// fields not posted are kept, custom fields are merged (an empty value removes one), a
// posted plan replaces the plan, budget values are replaced tag by tag, and documents named
// by __copydocs are queued only when not copied from that source before. Works inside the
// caller's transaction; a contact that changed takes the next change number. Throws
// NotFound when the contact is gone, StoreError when the database fails.
#include "bridge/receive/SpecialKeys.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/Database.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dpp::bridge {

struct ContactMerge {
    ContactUpdate update;             // before and after (fields and custom fields)
    std::vector<std::string> changed; // "email", "CF:Lead Score", "plan", "budget", "documents"
    std::size_t documentsQueued = 0;
};

// postedFields: the system fields the post carried; null takes every non-empty field of
// posted (a post without the list cannot say it cleared one).
ContactMerge mergeReceivedContact(Poco::Data::Session& session, std::int64_t contactId,
                                  const mapping::Contact& posted,
                                  const std::vector<mapping::SystemField>* postedFields,
                                  const ReceivedExtras* extras, std::int64_t nowMs);

} // namespace dpp::bridge
