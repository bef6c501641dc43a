#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "forage/export.h"
#include "forage/fetch_settings.h"
#include "forage/status.h"

namespace forage {

// What forage extracts from one HTML page: the page fields of a Record. A
// fetcher makes one of each page it parses, and ExtractHtml returns one.
struct ExtractedPage {
  std::optional<std::string> title;        // first <title>, whitespace collapsed
  std::optional<std::string> description;  // first <meta name="description" content>
  // a[href] and area[href] resolved as browsers do (the WHATWG URL
  // Standard) against the first <base href>, or the page's URL when there
  // is none or it does not parse: absolute, http(s) only, in ASCII (IDN
  // hosts in punycode), fragment removed, deduplicated, in document order.
  // A <base href> of another scheme ("file:///x/") leaves relative links out.
  std::vector<std::string> links;
  // Each rule's name to the texts (or attribute values) of the elements it
  // matches, in document order; every name is present (of two rules with
  // one name, the last one's values).
  std::map<std::string, std::vector<std::string>> fields;
  std::optional<std::string> text;  // the visible text, when asked for
  // What the settings' limits cut, as a record's "truncated": "links", then
  // "fields.NAME" for each field cut (in the rules' order), then "text".
  // Empty when nothing was.
  std::vector<std::string> truncated;
};

// Parses the HTML `body` served at `url` and extracts what a record would
// hold, in the calling thread: no process, no network. The bytes are decoded
// to UTF-8 as a fetch would: byte-order mark, then the charset of
// `content_type` (the page's Content-Type header, "" when there is none),
// then a <meta charset> in the first 1024 bytes, else windows-1252. Any
// thread may call it (calls share nothing). Deep nesting cannot overflow the
// stack, but parsing takes time proportional to the document, superlinear on
// hostile nesting: a caller with untrusted pages and a deadline runs it where
// it can be killed, as the Crawler does. Fails only for a `select` rule that
// does not parse ("select NAME: ..."); any bytes at all are a page.
FORAGE_API Result<ExtractedPage> ExtractHtml(std::string_view body, std::string_view url,
                                             const ExtractSettings& settings = {},
                                             std::string_view content_type = {});

}  // namespace forage
