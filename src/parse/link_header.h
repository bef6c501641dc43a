#pragma once

// The HTTP Link header (RFC 8288), as far as forage reads it: the canonical
// URL a response names, which is how a PDF or any page can name one (Google
// honours `Link: <https://x/a>; rel="canonical"`). Pure: no I/O.

#include <optional>
#include <string>
#include <string_view>

namespace forage {

// The URI reference of the first link of the header value `value` whose
// rel parameter holds "canonical" (rel is a space-separated list of relation
// types, compared ignoring case), as written between < and > (unresolved:
// the caller resolves it against the response's URL); nullopt if none.
//
// A value holds links separated by commas: "<URI>" then parameters, each
// ";" name ["=" (token | "quoted string")], whitespace allowed around the
// separators; a comma inside <...> or a quoted string separates nothing.
// A link with an "anchor" parameter describes another resource and is
// skipped; so is any link that does not parse, up to the next comma. Of
// several rel parameters the first counts, as RFC 8288 says.
std::optional<std::string> CanonicalOfLinkHeader(std::string_view value);

}  // namespace forage
