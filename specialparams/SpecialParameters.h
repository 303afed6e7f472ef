#pragma once
// The article's special parameters for posting between two DPP accounts, and the check that
// they are typed exactly as the article shows them:
//   __plan_data = {EP_DATA}                         the contact's enrollment plan
//   __copydocs  = {ACCTID}-{ID}-{UPLOAD_DOC_IDS}    the contact's uploaded documents
// Pure functions and constants; thread-safe; throw nothing but std::bad_alloc.
#include "mapping/KeyCheck.h"
#include "mapping/Webhook.h"

#include <string_view>
#include <vector>

namespace dpp::specialparams {

inline constexpr std::string_view kPlanDataKey = "__plan_data";
inline constexpr std::string_view kPlanDataValue = "{EP_DATA}";
inline constexpr std::string_view kCopyDocsKey = "__copydocs";
inline constexpr std::string_view kCopyDocsValue = "{ACCTID}-{ID}-{UPLOAD_DOC_IDS}";

// True for exactly "__plan_data" and "__copydocs" (keys are verbatim: no other spelling).
bool isSpecialParameterKey(std::string_view key);

// Errors, in pair order, for: a special key mapped to a system field or given any value but
// the article's; a key near a special key but not equal to it ("__PLAN_DATA", "_plan_data",
// "__plan_date", "__copy_docs"), naming the key to use; "__copydocs" without the webhook's
// destination account. Warnings for a key only misspelt near one without the leading '_'
// ("plan_date" may be a real key of another receiver) and for a special value under some
// other key.
std::vector<mapping::Finding> checkSpecialParameters(const mapping::WebhookDefinition& webhook);

} // namespace dpp::specialparams
