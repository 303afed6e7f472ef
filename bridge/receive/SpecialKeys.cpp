#include "bridge/receive/SpecialKeys.h"

#include "budget/BudgetTags.h"
#include "specialparams/SpecialParameters.h"

#include <algorithm>

namespace dpp::bridge {

ReceivedExtras interpretUnmappedKeys(const mapping::KeyValues& unmapped,
                                     const budget::BudgetCatalog& receivingCatalog,
                                     const Config& config) {
    ReceivedExtras extras;
    mapping::KeyValues rest;
    for (const auto& [key, value] : unmapped) {
        if (key == specialparams::kPlanDataKey) {
            try {
                extras.plan = specialparams::parsePlanData(value);
            } catch (const specialparams::PlanDataError& error) {
                extras.problems.push_back("__plan_data not applied: " + std::string(error.what()));
            }
        } else if (key == specialparams::kCopyDocsKey) {
            try {
                auto request = specialparams::parseCopyDocs(value);
                if (!request.documentIds.empty() && !config.peers.count(request.sourceAccount))
                    extras.problems.push_back(
                        "__copydocs not applied: account " + std::to_string(request.sourceAccount) +
                        " is not a known peer (no peers." + std::to_string(request.sourceAccount) +
                        ".url in the configuration)");
                else if (!request.documentIds.empty())
                    extras.copyDocs = std::move(request);
            } catch (const specialparams::CopyDocsError& error) {
                extras.problems.push_back("__copydocs not applied: " + std::string(error.what()));
            }
        } else {
            rest.emplace_back(key, value);
        }
    }
    budget::BudgetApplication budgetKeys = budget::applyBudgetKeys(receivingCatalog, rest);
    extras.budget = std::move(budgetKeys.values);
    for (const auto& problem : budgetKeys.problems)
        extras.problems.push_back("budget key '" + problem.key +
                                  "' not applied: " + problem.message);
    for (const auto& [key, value] : budgetKeys.otherKeys)
        if (std::find(extras.ignoredKeys.begin(), extras.ignoredKeys.end(), key) ==
            extras.ignoredKeys.end())
            extras.ignoredKeys.push_back(key);
    return extras;
}

} // namespace dpp::bridge
