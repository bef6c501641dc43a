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
  // What the site owner said of the page (<meta name="robots" content>,
  // and <meta name="TOKEN"> where TOKEN is the robots product token of the
  // User-Agent, ignoring case; in a crawl, its response's X-Robots-Tag
  // headers too): noindex, and nofollow. A nofollow page has no links
  // (nothing of it is followed) unless settings.ignore_nofollow; nofollow
  // is reported either way. A rel="nofollow" link is never in `links`
  // either, but for ignore_nofollow.
  bool noindex = false;
  bool nofollow = false;
  // The first <link rel="canonical" href> of the page's <head>, resolved as
  // links are (absolute http(s), fragment removed); nullopt if none, or if
  // it names no http(s) URL.
  std::optional<std::string> canonical;
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
// it can be killed, as the Crawler does. <meta name="TOKEN"> is matched
// against the product token of FetchSettings' default User-Agent ("forage").
// Fails only for a `select` rule that
// does not parse ("select NAME: ..."); any bytes at all are a page.
FORAGE_API Result<ExtractedPage> ExtractHtml(std::string_view body, std::string_view url,
                                             const ExtractSettings& settings = {},
                                             std::string_view content_type = {});

}  // namespace forage
