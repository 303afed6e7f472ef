#pragma once
// Whether a client asked for HTML rather than JSON, from its Accept header. HTML is preferred
// only when text/html or application/xhtml+xml is named explicitly with q > 0, and its highest
// q is at least that of application/json when JSON is named; when JSON is not named, it must
// be strictly above the wildcard that would cover JSON (application/*, else */*). So a
// browser's header prefers HTML; curl's "*/*", an empty header or a JSON client does not.
// Media types and parameter names are case-insensitive; whitespace is tolerated; a q that is
// not a number counts as 1 (as if absent) and one outside 0..1 is clamped.
// A pure function; thread-safe; throws nothing but std::bad_alloc.
#include <string_view>

namespace dpp::bridge {

bool prefersHtml(std::string_view acceptHeader);

} // namespace dpp::bridge
