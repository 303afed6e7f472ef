#pragma once
// Exact decimal money: a signed number of cents in a std::int64_t, never floating point.
// A plain value type; thread-safe as any int. parse() returns nothing for text that is not an
// amount (it never throws); arithmetic throws std::overflow_error instead of wrapping.
//
// Accepted text (Money::parse), decided for this project:
//   "1200", "1200.5", "1200.50", "-3.07", "0.00", "007.10"  digits, optional '.' and decimals;
//   "1.500"                  more than two decimals only when the extra ones are zeros;
//   "1,200.00", "12,345.6"   thousands separators only in correct groups of three AND with a
//                            decimal point, so the text cannot be read as a decimal comma;
// Refused: "" "-" "+5" ".5" "5." " 5" "5 " "1 200" "1e3" "NaN" "inf" "1,200" (1.2 or 1200?)
// "1,20.00" "1200,00" "1.505" (three significant decimals), "--1", anything beyond +-2^63-1
// cents. "-0.00" is zero. toString() always writes two decimals and no separators ("-3.07").
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dpp::mapping {

class Money {
public:
    constexpr Money() = default;
    static constexpr Money fromCents(std::int64_t cents) { return Money(cents); }
    static std::optional<Money> parse(std::string_view text);

    constexpr std::int64_t cents() const { return cents_; }
    constexpr bool isZero() const { return cents_ == 0; }
    constexpr bool isNegative() const { return cents_ < 0; }

    // "1200.00", "-0.05": at most kMaxTextBytes bytes, appended without any other allocation.
    static constexpr std::size_t kMaxTextBytes = 21;
    void appendTo(std::string& out) const;
    // The same text written at `cursor`, which has room for kMaxTextBytes; returns the end.
    char* write(char* cursor) const;
    std::string toString() const;

    Money operator+(Money other) const;
    Money operator-(Money other) const;
    Money operator-() const;
    Money& operator+=(Money other) { return *this = *this + other; }
    Money& operator-=(Money other) { return *this = *this - other; }

    constexpr auto operator<=>(const Money&) const = default;

private:
    constexpr explicit Money(std::int64_t cents) : cents_(cents) {}
    std::int64_t cents_ = 0;
};

} // namespace dpp::mapping
