#pragma once
// What a data source does with the posted keys no mapping claimed: __plan_data becomes the
// contact's enrollment plan, __copydocs queues one copy per document from the source account,
// keys equal to one of the receiving account's budget tags set budget values. Everything else
// is reported as ignored.
// Policy for bad parts (documented in the README): the contact is stored WITHOUT the bad
// part, and each problem is named in the answer ("problems") and the log. A lead is never
// lost because one of its extras was malformed; nothing bad is stored half-way.
// Pure apart from reading the configuration's peers; thread-safe.
#include "bridge/Config.h"
#include "budget/BudgetCatalog.h"
#include "mapping/Encoding.h"
#include "specialparams/CopyDocs.h"
#include "specialparams/EnrollmentPlan.h"

#include <optional>
#include <string>
#include <vector>

namespace dpp::bridge {

struct ReceivedExtras {
    std::optional<specialparams::EnrollmentPlan> plan;
    std::optional<specialparams::CopyDocsRequest> copyDocs;
    budget::BudgetValues budget;
    std::vector<std::string> ignoredKeys; // neither mapped nor special nor a budget tag
    std::vector<std::string> problems;    // each names the key and what was wrong
};

ReceivedExtras interpretUnmappedKeys(const mapping::KeyValues& unmapped,
                                     const budget::BudgetCatalog& receivingCatalog,
                                     const Config& config);

} // namespace dpp::bridge
