#pragma once

// --accept-type: which responses a crawl keeps, judged by their media type.
// Pure functions, used by ValidateOptions (the ranges) and the fetcher (each
// response's Content-Type).

#include <string>
#include <string_view>
#include <vector>

namespace forage {

// Whether `range` is a media range --accept-type takes: "type/subtype",
// "type/*" or "*/*", each part an RFC 9110 token, with no parameters;
// surrounding spaces and tabs are allowed.
bool IsMediaRange(std::string_view range);

// The essence of a Content-Type value: what comes before its first ';',
// trimmed of HTTP whitespace and lower-cased ("Text/HTML; charset=x" ->
// "text/html"). "" for an empty value.
std::string MediaTypeEssence(std::string_view content_type);

// Whether a response whose Content-Type is `content_type` passes `ranges`
// (each one IsMediaRange), comparing ASCII case-insensitively: true when
// `ranges` is empty (everything is accepted), when the essence is empty (no
// Content-Type: forage sniffs the body as it always has), or when a range
// matches the essence ("type/*" every subtype of type, "*/*" anything).
bool AcceptsContentType(const std::vector<std::string>& ranges, std::string_view content_type);

}  // namespace forage
