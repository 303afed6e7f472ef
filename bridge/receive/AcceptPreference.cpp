#include "bridge/receive/AcceptPreference.h"

#include "mapping/AsciiText.h"

#include <algorithm>
#include <optional>
#include <string>

namespace dpp::bridge {

namespace {

// A decimal number ("0.8", ".5", "-1", "+1."), none for anything else.
std::optional<double> decimal(std::string_view s) {
    bool negative = false;
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    double value = 0;
    double scale = 0.1; // of the next digit after the point
    bool point = false;
    bool digits = false;
    for (char c : s) {
        if (c == '.' && !point) {
            point = true;
        } else if (c >= '0' && c <= '9') {
            digits = true;
            if (!point) {
                value = value * 10 + (c - '0');
            } else {
                value += (c - '0') * scale; // past ~320 digits scale is 0: they add nothing
                scale /= 10;
            }
        } else {
            return std::nullopt;
        }
    }
    if (!digits)
        return std::nullopt;
    return negative ? -value : value;
}

// The q of a range's parameters: 1 when absent or not a number, clamped to 0..1.
double qualityOf(std::string_view params) {
    double q = 1.0;
    while (!params.empty()) {
        auto end = params.find(';');
        auto param = params.substr(0, end);
        params = end == std::string_view::npos ? std::string_view() : params.substr(end + 1);
        auto eq = param.find('=');
        if (eq == std::string_view::npos ||
            mapping::asciiLowerCase(mapping::trimmedAscii(param.substr(0, eq))) != "q")
            continue;
        auto value = mapping::trimmedAscii(param.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
            value = mapping::trimmedAscii(value.substr(1, value.size() - 2));
        if (auto parsed = decimal(value))
            q = std::clamp(*parsed, 0.0, 1.0);
    }
    return q;
}

struct Quality {
    std::optional<double> q; // highest q of the ranges listed, none when not listed
    void note(double value) { q = std::max(q.value_or(value), value); }
};

} // namespace

bool prefersHtml(std::string_view acceptHeader) {
    Quality html, json, anyApplication, any;
    while (!acceptHeader.empty()) {
        auto end = acceptHeader.find(',');
        auto range = acceptHeader.substr(0, end);
        acceptHeader =
            end == std::string_view::npos ? std::string_view() : acceptHeader.substr(end + 1);
        auto semicolon = range.find(';');
        auto type = mapping::asciiLowerCase(mapping::trimmedAscii(range.substr(0, semicolon)));
        double q =
            semicolon == std::string_view::npos ? 1.0 : qualityOf(range.substr(semicolon + 1));
        if (type == "text/html" || type == "application/xhtml+xml")
            html.note(q);
        else if (type == "application/json")
            json.note(q);
        else if (type == "application/*")
            anyApplication.note(q);
        else if (type == "*/*")
            any.note(q);
    }
    if (!html.q || *html.q <= 0)
        return false;
    if (json.q)
        return *html.q >= *json.q;
    if (anyApplication.q)
        return *html.q > *anyApplication.q;
    if (any.q)
        return *html.q > *any.q;
    return true;
}

} // namespace dpp::bridge
