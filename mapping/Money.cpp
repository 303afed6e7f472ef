// Exact decimal money (see Money.h for the accepted text).
#include "mapping/Money.h"

#include <cstring>
#include <limits>
#include <stdexcept>

namespace dpp::mapping {

namespace {

constexpr std::uint64_t kLargestMagnitude =
    static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

bool isDigit(char character) {
    return character >= '0' && character <= '9';
}

// magnitude = magnitude * 10 + digit, false when it would exceed kLargestMagnitude.
bool appendDigit(std::uint64_t& magnitude, char digit) {
    const auto value = static_cast<std::uint64_t>(digit - '0');
    if (magnitude > (kLargestMagnitude - value) / 10)
        return false;
    magnitude = magnitude * 10 + value;
    return true;
}

// Reads the whole-units part at text[position...]: plain digits, or digits grouped by ','
// in threes. Advances position; false when the form is not one of those.
bool readWholeUnits(std::string_view text, std::size_t& position, std::uint64_t& magnitude,
                    bool& grouped) {
    const std::size_t start = position;
    std::size_t groupLength = 0;
    std::size_t groups = 0;
    for (; position < text.size(); ++position) {
        const char character = text[position];
        if (isDigit(character)) {
            if (!appendDigit(magnitude, character))
                return false;
            ++groupLength;
            continue;
        }
        if (character != ',')
            break;
        // The first group has 1 to 3 digits and no leading zero; later groups exactly 3.
        const bool firstGroupOk =
            groups == 0 && groupLength >= 1 && groupLength <= 3 && text[start] != '0';
        if (!(groups == 0 ? firstGroupOk : groupLength == 3))
            return false;
        ++groups;
        groupLength = 0;
    }
    grouped = groups > 0;
    if (grouped && groupLength != 3)
        return false;
    return position > start;
}

} // namespace

std::optional<Money> Money::parse(std::string_view text) {
    std::size_t position = 0;
    const bool negative = !text.empty() && text[0] == '-';
    if (negative)
        ++position;
    std::uint64_t magnitude = 0;
    bool grouped = false;
    if (!readWholeUnits(text, position, magnitude, grouped))
        return std::nullopt;
    std::size_t decimals = 0;
    if (position < text.size()) {
        if (text[position] != '.')
            return std::nullopt;
        ++position;
        if (position == text.size())
            return std::nullopt; // "5." is not written by anyone who means 5
        for (; position < text.size(); ++position) {
            const char character = text[position];
            if (!isDigit(character))
                return std::nullopt;
            if (decimals < 2) {
                if (!appendDigit(magnitude, character))
                    return std::nullopt;
                ++decimals;
            } else if (character != '0') {
                return std::nullopt; // a fraction of a cent
            }
        }
    } else if (grouped) {
        return std::nullopt; // "1,200" reads as 1.2 where ',' is the decimal mark
    }
    for (; decimals < 2; ++decimals)
        if (!appendDigit(magnitude, '0'))
            return std::nullopt;
    const auto cents = static_cast<std::int64_t>(magnitude);
    return Money(negative ? -cents : cents);
}

namespace {

// The text of `cents` ending at `end` (written backwards); returns where it begins.
char* writeBackwards(std::int64_t cents, char* end) {
    std::uint64_t magnitude =
        cents < 0 ? 0 - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
    char* begin = end;
    *--begin = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
    *--begin = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
    *--begin = '.';
    do {
        *--begin = static_cast<char>('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0);
    if (cents < 0)
        *--begin = '-';
    return begin;
}

} // namespace

void Money::appendTo(std::string& out) const {
    char buffer[24];
    char* end = buffer + sizeof buffer;
    out.append(writeBackwards(cents_, end), end);
}

char* Money::write(char* cursor) const {
    char buffer[24];
    char* end = buffer + sizeof buffer;
    const char* begin = writeBackwards(cents_, end);
    const auto size = static_cast<std::size_t>(end - begin);
    std::memcpy(cursor, begin, size);
    return cursor + size;
}

std::string Money::toString() const {
    std::string text;
    appendTo(text);
    return text;
}

Money Money::operator+(Money other) const {
    std::int64_t sum = 0;
    if (__builtin_add_overflow(cents_, other.cents_, &sum))
        throw std::overflow_error("money overflow: " + toString() + " + " + other.toString());
    return Money(sum);
}

Money Money::operator-(Money other) const {
    std::int64_t difference = 0;
    if (__builtin_sub_overflow(cents_, other.cents_, &difference))
        throw std::overflow_error("money overflow: " + toString() + " - " + other.toString());
    return Money(difference);
}

Money Money::operator-() const {
    if (cents_ == std::numeric_limits<std::int64_t>::min())
        throw std::overflow_error("money overflow: -(" + toString() + ")");
    return Money(-cents_);
}

} // namespace dpp::mapping
