#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "forage/extract.h"
#include "forage/fetch_settings.h"
#include "parse/field_rules.h"
#include "parse/html_scanner.h"
#include "parse/robots_directives.h"

namespace forage {

class ParseArena;

// Whom a page's robots directives address, and what its response's headers
// (X-Robots-Tag) said already; both feed ExtractedPage::noindex and nofollow.
struct PageRobots {
  std::string_view token;    // our robots product token ("" none)
  RobotsDirectives headers;  // the response's X-Robots-Tag, for `token`
};

// A page's bytes as served to what a record holds of it: decodes `body` to
// UTF-8 (byte-order mark, then the charset of `content_type`, then a <meta>
// prescan, else windows-1252) and extracts it with ExtractPage. The one
// body-to-page step: a fetcher runs it on every HTML page, ExtractHtml on the
// bytes it is given. `fields` are settings.select compiled (CompileFieldRules).
ExtractedPage ExtractBody(std::string_view body, std::string_view content_type,
                          std::string_view url, const ExtractSettings& settings,
                          const std::vector<CompiledField>& fields, ParseArena* arena,
                          const PageRobots& robots = {});

// ExtractBody's fast path alone: the page as the streaming scanner reads
// it, when `fields` is empty and settings ask for no text and no full
// parse, and the scanner takes the page (ScanPage); nullopt otherwise,
// with nothing parsed by gumbo. Its memory is a small multiple of the
// body's, where gumbo's tree takes some 16 times it: a fetcher reads a big
// page this way without waiting for the big-parse token.
std::optional<ExtractedPage> ScanBody(std::string_view body, std::string_view content_type,
                                      std::string_view url, const ExtractSettings& settings,
                                      const std::vector<CompiledField>& fields,
                                      const PageRobots& robots = {});

// Parses `html` (UTF-8) served at `document_url` and extracts its title,
// description and links (of the kinds settings.follow names), the values
// of `fields` (settings.select compiled; settings.select itself is not
// read) and, with settings.text, its visible text. Walks the tree
// iteratively, so deep nesting cannot overflow the stack. With an arena
// (reused across calls by a fetcher), gumbo allocates from it.
//
// Limits (a limit of 0 is none): the first settings.max_links distinct links
// while their bytes stay within wire::kMaxLinkBytes (a link past either ends
// the list; the rest are never resolved into strings, so a page of a million
// links costs no more memory than one of max_links); the values of every
// field together within wire::kMaxFieldBytes, in the rules' order, each value
// whole (the first value of a field that does not fit ends that field, and
// the next goes on with what is left); the text within settings.max_text and
// wire::kMaxTextBytes. Byte budgets count each string kept with 4 bytes more,
// as a frame carries it, so that what they let through fits a result frame.
// What they cut is named in `truncated`.
//
// Robots signals: see ExtractedPage::noindex, nofollow and canonical;
// `robots` says whom <meta name=...> must name and what the headers said.
//
// Without fields, text or settings.full_parse, the page is first read by
// the streaming scanner (ScanPage), and gumbo parses only the pages it
// hands over; the answer is the same either way, only faster.
ExtractedPage ExtractPage(std::string_view html, std::string_view document_url,
                          ParseArena* arena = nullptr, const ExtractSettings& settings = {},
                          const std::vector<CompiledField>& fields = {},
                          const PageRobots& robots = {});

// ExtractPage's fast path alone: the title, description, links and robots
// signals of `html` (fields and text are not read) as HtmlScanner finds
// them, which is what gumbo's tree gives; nullopt when the scanner hands
// the page over, *outcome saying why (kInvalidUtf8 for input that is not
// UTF-8). Never parses with gumbo.
std::optional<ExtractedPage> ScanPage(std::string_view html, std::string_view document_url,
                                      const ExtractSettings& settings, const PageRobots& robots,
                                      ScanOutcome* outcome);

// Whether a string of `bytes` still fits a budget of `limit` (0: none) of
// which *used is taken, counting 4 bytes more as a frame does; if it fits,
// it is taken.
bool FitsFrameBudget(std::size_t bytes, std::size_t limit, std::size_t* used);

// Collapses runs of ASCII whitespace to one space and trims both ends.
std::string CollapseWhitespace(std::string_view text);

}  // namespace forage
