// Calendar dates (see Date.h).
#include "mapping/Date.h"

namespace dpp::mapping {

namespace {

constexpr int kFirstYear = 1900;
constexpr int kLastYear = 9999;

bool isLeapYear(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int daysInMonth(int year, int month) {
    constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && isLeapYear(year) ? 29 : kDays[month - 1];
}

// The number written by text[begin, begin + count), or -1 if a byte is not a digit.
int digitsAt(std::string_view text, std::size_t begin, std::size_t count) {
    int value = 0;
    for (std::size_t i = begin; i < begin + count; ++i) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

void appendDigits(int value, int count, std::string& out) {
    char buffer[4];
    for (int i = count - 1; i >= 0; --i) {
        buffer[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    out.append(buffer, static_cast<std::size_t>(count));
}

} // namespace

std::optional<Date> Date::fromParts(int year, int month, int day) {
    if (year < kFirstYear || year > kLastYear || month < 1 || month > 12 || day < 1 ||
        day > daysInMonth(year, month))
        return std::nullopt;
    return Date(static_cast<std::int16_t>(year), static_cast<std::int8_t>(month),
                static_cast<std::int8_t>(day));
}

std::optional<Date> Date::parse(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-')
        return std::nullopt;
    const int year = digitsAt(text, 0, 4);
    const int month = digitsAt(text, 5, 2);
    const int day = digitsAt(text, 8, 2);
    if (year < 0 || month < 0 || day < 0)
        return std::nullopt;
    return fromParts(year, month, day);
}

void Date::appendTo(std::string& out) const {
    appendDigits(year_, 4, out);
    out.push_back('-');
    appendDigits(month_, 2, out);
    out.push_back('-');
    appendDigits(day_, 2, out);
}

char* Date::write(char* cursor) const {
    int year = year_;
    for (int i = 3; i >= 0; --i) {
        cursor[i] = static_cast<char>('0' + year % 10);
        year /= 10;
    }
    cursor[4] = '-';
    cursor[5] = static_cast<char>('0' + month_ / 10);
    cursor[6] = static_cast<char>('0' + month_ % 10);
    cursor[7] = '-';
    cursor[8] = static_cast<char>('0' + day_ / 10);
    cursor[9] = static_cast<char>('0' + day_ % 10);
    return cursor + 10;
}

std::string Date::toString() const {
    std::string text;
    text.reserve(10);
    appendTo(text);
    return text;
}

} // namespace dpp::mapping
