#pragma once
// Key comparison helpers for the article's "double check": how far apart two keys are, and
// whether a key differs from a known key "only by case, spacing or spelling". Pure functions
// on ASCII bytes (other bytes compare as themselves); thread-safe; never throw except
// std::bad_alloc.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace dpp::mapping {

// Damerau-Levenshtein distance, optimal string alignment variant: insertions, deletions,
// substitutions and transpositions of two adjacent bytes each cost 1; no substring is edited
// twice. editDistance("lasname", "lastname") == 1, editDistance("ab", "ba") == 1.
std::size_t editDistance(std::string_view first, std::string_view second);

// The key lower-cased (ASCII) with spaces, '_', '-' and '.' removed: "First_Name" -> "firstname".
// Two keys with the same normalized key differ only by case, spacing or punctuation.
std::string normalizedKey(std::string_view key);

// How `key` misses `known` when it is near but not equal to it, as words for a message:
// "case", "spacing", "punctuation" (joined with " and " when several apply) when the
// normalized keys are equal, otherwise "spelling" when the normalized keys are within
// the spelling tolerance: an edit distance of at most 2 when the shorter normalized key has
// at least 4 characters, at most 1 when it has 3; keys of 1 or 2 characters ("ip", "id") are
// never spelling near-misses.
// Nothing when the keys are equal or not near.
std::optional<std::string> nearMissReason(std::string_view key, std::string_view known);

inline bool isNearMiss(std::string_view key, std::string_view known) {
    return nearMissReason(key, known).has_value();
}

} // namespace dpp::mapping
