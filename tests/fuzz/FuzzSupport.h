#pragma once
// Shared helpers of the libFuzzer targets in tests/fuzz (see README.md there).
//
// Conventions of every target:
//   - The exception a function documents for bad input (DecodeError, TemplateError, ...) is an
//     expected outcome: the target catches exactly that type around the call that takes the
//     fuzzed input, and returns.
//   - Everything else is a finding: any other exception escaping (std::terminate), a property
//     that does not hold (FUZZ_CHECK), a crash, a leak or a sanitizer report. libFuzzer then
//     writes the input as crash-<sha1> (or leak-/timeout-/oom-) and exits non-zero.
//   - Output that the library produced itself (a rendered plan, an encoded form) must be read
//     back without any exception: mustNotThrow() reports one with its message.
#include "budget/BudgetCatalog.h"
#include "mapping/Contact.h"
#include "mapping/Encoding.h"
#include "mapping/SystemField.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>
#include <vector>

namespace dpp::fuzz {

// A printable excerpt of bytes for a failure message (\xHH for everything else).
inline std::string printable(std::string_view text, std::size_t limit = 300) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7F && c != '\\') {
            out.push_back(static_cast<char>(c));
        } else {
            out += "\\x";
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xF]);
        }
    }
    if (text.size() > limit)
        out += "...(" + std::to_string(text.size()) + " bytes)";
    return out;
}

[[noreturn]] inline void fail(const char* file, int line, const std::string& message) {
    std::fprintf(stderr, "\nFUZZ PROPERTY FAILED at %s:%d\n  %s\n", file, line, message.c_str());
    std::fflush(stderr);
    std::abort(); // libFuzzer: "deadly signal", the input is saved as crash-<sha1>
}

} // namespace dpp::fuzz

// FUZZ_CHECK(condition, message expression): a property of the library that must hold.
#define FUZZ_CHECK(condition, message)                                                             \
    do {                                                                                           \
        if (!(condition))                                                                          \
            ::dpp::fuzz::fail(__FILE__, __LINE__,                                                  \
                              std::string("check '" #condition "' failed: ") + (message));         \
    } while (false)

namespace dpp::fuzz {

// Runs f() (which reads back what the library wrote) and reports any exception as a finding.
template <typename F> auto mustNotThrow(const char* what, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const std::exception& error) {
        fail(__FILE__, __LINE__,
             std::string(what) + " threw " + typeid(error).name() + ": " + error.what());
    } catch (...) {
        fail(__FILE__, __LINE__, std::string(what) + " threw a non-std exception");
    }
}

inline std::string_view asText(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Splits text at every `separator` byte (n separators give n + 1 parts).
inline std::vector<std::string_view> splitAll(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = text.find(separator, start);
        if (end == std::string_view::npos) {
            parts.push_back(text.substr(start));
            return parts;
        }
        parts.push_back(text.substr(start, end - start));
        start = end + 1;
    }
}

// The budget catalog of conf/demo/budget-1001.csv (the source account of the demo).
inline const budget::BudgetCatalog& demoCatalog() {
    static const budget::BudgetCatalog catalog = [] {
        budget::BudgetCatalog c;
        c.add("Rent", "BF_1");
        c.add("Car Payment 1", "BF_2");
        c.add("Utilities - Electric", "BF_3");
        c.add("Groceries", "BF_4");
        c.add("Gym", "BF_5");
        return c;
    }();
    return catalog;
}

// The receiving account's catalog of the demo (tags as the article writes them).
inline const budget::BudgetCatalog& receivingCatalog() {
    static const budget::BudgetCatalog catalog = [] {
        budget::BudgetCatalog c;
        c.add("Rent", "BUDGET_RENT");
        c.add("Car payment #1", "BUDGET_CAR_1");
        c.add("Groceries", "BUDGET_FOOD");
        return c;
    }();
    return catalog;
}

// The demo's contact 55 of account 1001, with system and custom fields.
inline mapping::Contact demoContact() {
    using mapping::SystemField;
    mapping::Contact contact;
    contact.setIds(55, 1001);
    contact.set(SystemField::FirstName, "Mike");
    contact.set(SystemField::LastName, "Smith");
    contact.set(SystemField::CellPhone, "5555555555");
    contact.set(SystemField::Email, "mike.smith@example.com");
    contact.set(SystemField::State, "CA");
    contact.set(SystemField::Dob, "1980-04-12");
    contact.set(SystemField::Ssn, "123-45-6789");
    contact.set(SystemField::Campaign, "Fall mailer & {more}");
    contact.custom["Lead Score"] = "7";
    contact.custom["Note"] = "100% + more = {{x}}";
    return contact;
}

} // namespace dpp::fuzz
