// Fuzzes the Accept-header preference of the receive paths (bridge/receive/AcceptPreference.h),
// which reads whatever a client sent.
// Input: the header's value.
//
// Properties:
//   - prefersHtml never throws (it documents nothing but std::bad_alloc);
//   - it is deterministic (the same answer twice, and for a copy of the header elsewhere);
//   - spaces around every comma change nothing (whitespace is tolerated);
//   - ASCII case changes nothing (media types and parameter names are case-insensitive, and a
//     q-value has no letters);
//   - a header without "html" anywhere (case-insensitive) is never an HTML preference: only
//     text/html and application/xhtml+xml can make one.
#include "FuzzSupport.h"

#include "bridge/receive/AcceptPreference.h"
#include "mapping/AsciiText.h"

#include <string>

using namespace dpp;

namespace {

bool ask(std::string_view header) {
    return fuzz::mustNotThrow("prefersHtml", [&] { return bridge::prefersHtml(header); });
}

std::string spacedCommas(std::string_view header) {
    std::string out;
    for (const char c : header) {
        if (c == ',')
            out += " , ";
        else
            out.push_back(c);
    }
    return out;
}

std::string upperCase(std::string_view header) {
    std::string out(header);
    for (char& c : out)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view header = fuzz::asText(data, size);
    const bool answer = ask(header);
    const auto said = [&](bool value) { return std::string(value ? "true" : "false"); };

    FUZZ_CHECK(ask(header) == answer, "a second call differs: " + fuzz::printable(header));
    const std::string copy(header);
    FUZZ_CHECK(ask(copy) == answer, "a copy differs: " + fuzz::printable(header));

    const std::string spaced = spacedCommas(header);
    FUZZ_CHECK(ask(spaced) == answer, "spaces around commas turn " + said(answer) + " into " +
                                          said(!answer) + ": " + fuzz::printable(header));

    const std::string upper = upperCase(header);
    FUZZ_CHECK(ask(upper) == answer, "upper case turns " + said(answer) + " into " + said(!answer) +
                                         ": " + fuzz::printable(header));
    FUZZ_CHECK(ask(mapping::asciiLowerCase(header)) == answer, "lower case turns " + said(answer) +
                                                                   " into " + said(!answer) + ": " +
                                                                   fuzz::printable(header));

    if (mapping::asciiLowerCase(header).find("html") == std::string::npos)
        FUZZ_CHECK(!answer, "HTML preferred without html named: " + fuzz::printable(header));
    return 0;
}
