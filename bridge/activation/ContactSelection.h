#pragma once
// Which contacts of an account a mass post or a nightly run posts: the list (filtered by
// field values, created or updated ranges, or a change-number window) or the selected ids
// kept in batch_selection. Turned into a ContactQuery, which the store reads contacts with;
// saved with the batch as JSON so a resumed batch selects exactly what it selected before.
// A plain value; not synchronised.
#include "bridge/store/ContactQuery.h"
#include "mapping/FieldCondition.h"

#include <optional>
#include <string>
#include <vector>

namespace dpp::bridge {

struct ContactSelection {
    std::int64_t accountId = 0;
    std::vector<mapping::FieldCondition> where;
    std::string createdSince, createdBefore, updatedSince, updatedBefore; // store time text
    std::optional<std::int64_t> changedAfter;                             // change_seq > this
    std::optional<std::int64_t> changedAtMost;                            // change_seq <= this
    bool selectedIds = false; // only the batch's batch_selection rows

    // The contacts it selects for the batch batchId.
    ContactQuery query(std::int64_t batchId) const;
    std::string toJson() const;
    static ContactSelection fromJson(const std::string& text); // throws StoreError
    std::string describe() const;                              // "account 1001, STATUS = 'x'"
};

} // namespace dpp::bridge
