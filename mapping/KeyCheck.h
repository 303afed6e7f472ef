#pragma once
// The article's "Double Check and Confirm": finds keys that the receiving system will not
// recognise (typed with a different case, spacing or spelling than the posting instructions
// give, missing, duplicated, blank) and credentials typed as pairs instead of the webhook's
// HTTP Basic authentication. Special parameters (__plan_data, __copydocs) are checked by
// specialparams/SpecialParameters.h, not here.
// Pure functions; thread-safe; throw nothing but std::bad_alloc.
#include "mapping/Webhook.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace dpp::mapping {

enum class Severity { Error, Warning };

// One problem. The message names the pair ("pair 2", 1-based) and the key in quotes, and says
// what to do about it.
struct Finding {
    Severity severity;
    std::optional<std::size_t> pairIndex; // 0-based index into webhook.pairs; none for a
                                          // problem with no pair (a missing expected key)
    std::string key;
    std::string message;
};

// Checks every pair's key. With expectedKeys (the posting instructions' keys, verbatim) each
// key must be one of them and each of them must have a pair; without, keys near a DPP data
// source key are flagged. Findings come in pair order, then missing expected keys.
std::vector<Finding> checkKeys(const WebhookDefinition& webhook,
                               const std::vector<std::string>& expectedKeys);

bool hasErrors(const std::vector<Finding>& findings);

} // namespace dpp::mapping
