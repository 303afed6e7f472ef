#pragma once
// A calendar date without time or zone, written YYYY-MM-DD (ISO 8601 calendar date), for plan
// and payment dates. A plain value type; thread-safe as any int. parse() returns nothing for
// text that is not a real date in years 1900..9999 (leap years honoured: "2024-02-29" is a
// date, "2023-02-29" and "2026-13-01" are not; exactly ten characters, no spaces, no time).
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dpp::mapping {

class Date {
public:
    constexpr Date() = default; // 1900-01-01, a placeholder until assigned
    static std::optional<Date> parse(std::string_view text);
    static std::optional<Date> fromParts(int year, int month, int day);

    constexpr int year() const { return year_; }
    constexpr int month() const { return month_; }
    constexpr int day() const { return day_; }

    // Exactly ten bytes appended, without any other allocation.
    void appendTo(std::string& out) const;
    // The same ten bytes written at `cursor`; returns cursor + 10.
    char* write(char* cursor) const;
    std::string toString() const;

    // Fields compare in year, month, day order: earlier dates are smaller.
    constexpr auto operator<=>(const Date&) const = default;

private:
    constexpr Date(std::int16_t year, std::int8_t month, std::int8_t day)
        : year_(year), month_(month), day_(day) {}
    std::int16_t year_ = 1900;
    std::int8_t month_ = 1;
    std::int8_t day_ = 1;
};

} // namespace dpp::mapping
