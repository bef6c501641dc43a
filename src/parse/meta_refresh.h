#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace forage {

// The URL a <meta http-equiv="refresh" content="..."> names, as the HTML
// standard's shared declarative refresh steps read `content`: a time of
// ASCII digits and dots, then ";" or "," and whitespace, then optionally
// "URL" (any case), "=" and whitespace around it, then the URL, whose
// leading ' or " is dropped with everything from its matching quote on.
// nullopt when the content is no refresh ("", "x", "5x") or a refresh of
// the page itself ("5", "5; "); "" for an empty URL ("0; url="). The URL is
// neither resolved nor trimmed (the URL parser trims it).
std::optional<std::string> ParseMetaRefresh(std::string_view content);

}  // namespace forage
