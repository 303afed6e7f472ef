#include "mapping/EditDistance.h"

#include <algorithm>
#include <vector>

namespace dpp::mapping {

namespace {

char asciiLower(char character) {
    return (character >= 'A' && character <= 'Z') ? static_cast<char>(character - 'A' + 'a')
                                                  : character;
}

bool isSpacingCharacter(char character) {
    return character == ' ';
}

bool isPunctuationCharacter(char character) {
    return character == '_' || character == '-' || character == '.';
}

// The key lower-cased (when asked) without the characters `drop` selects.
template <typename Predicate>
std::string withoutCharacters(std::string_view key, Predicate drop, bool lowerCase) {
    std::string result;
    result.reserve(key.size());
    for (char character : key)
        if (!drop(character))
            result.push_back(lowerCase ? asciiLower(character) : character);
    return result;
}

// Two-letter keys ("ip", "id") are too short to call one a misspelling of another.
constexpr std::size_t kShortestSpellingCandidate = 3;

std::size_t spellingTolerance(std::size_t shorterLength) {
    return shorterLength >= 4 ? 2 : 1;
}

} // namespace

std::size_t editDistance(std::string_view first, std::string_view second) {
    if (first.empty())
        return second.size();
    if (second.empty())
        return first.size();
    const std::size_t columns = second.size() + 1;
    // Three rows: the one before the previous (for transpositions), the previous, the current.
    std::vector<std::size_t> beforePrevious(columns), previous(columns), current(columns);
    for (std::size_t column = 0; column < columns; ++column)
        previous[column] = column;
    for (std::size_t row = 1; row <= first.size(); ++row) {
        current[0] = row;
        for (std::size_t column = 1; column < columns; ++column) {
            const std::size_t substitutionCost = first[row - 1] == second[column - 1] ? 0 : 1;
            std::size_t best = std::min({previous[column] + 1, current[column - 1] + 1,
                                         previous[column - 1] + substitutionCost});
            if (row > 1 && column > 1 && first[row - 1] == second[column - 2] &&
                first[row - 2] == second[column - 1])
                best = std::min(best, beforePrevious[column - 2] + 1);
            current[column] = best;
        }
        std::swap(beforePrevious, previous);
        std::swap(previous, current);
    }
    return previous[columns - 1];
}

std::string normalizedKey(std::string_view key) {
    return withoutCharacters(
        key,
        [](char character) {
            return isSpacingCharacter(character) || isPunctuationCharacter(character);
        },
        true);
}

std::optional<std::string> nearMissReason(std::string_view key, std::string_view known) {
    if (key == known)
        return std::nullopt;
    const std::string normalized = normalizedKey(key);
    const std::string normalizedKnown = normalizedKey(known);
    if (normalized.empty() || normalizedKnown.empty())
        return std::nullopt;
    if (normalized == normalizedKnown) {
        const auto isSeparator = [](char character) {
            return isSpacingCharacter(character) || isPunctuationCharacter(character);
        };
        std::string reason;
        const auto addReason = [&reason](std::string_view word) {
            if (!reason.empty())
                reason += " and ";
            reason += word;
        };
        if (withoutCharacters(key, isSeparator, false) !=
            withoutCharacters(known, isSeparator, false))
            addReason("case");
        if (withoutCharacters(key, isPunctuationCharacter, true) !=
            withoutCharacters(known, isPunctuationCharacter, true))
            addReason("spacing");
        if (withoutCharacters(key, isSpacingCharacter, true) !=
            withoutCharacters(known, isSpacingCharacter, true))
            addReason("punctuation");
        return reason;
    }
    const std::size_t shorterLength = std::min(normalized.size(), normalizedKnown.size());
    const std::size_t distance = editDistance(normalized, normalizedKnown);
    if (shorterLength >= kShortestSpellingCandidate && distance <= spellingTolerance(shorterLength))
        return std::string("spelling");
    return std::nullopt;
}

} // namespace dpp::mapping
