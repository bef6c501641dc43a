#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "forage/error_kind.h"

namespace forage {

struct RecordError {
  ErrorKind kind = ErrorKind::kOther;
  std::string message;
};

// One output record: exactly one per scheduled URL, whatever happened to it.
// Absent values are nullopt and are written as JSON null.
struct Record {
  std::string url;                       // as the input gave it
  std::optional<std::string> final_url;  // after redirects, fragment removed; null if never sent
  bool ok = false;
  std::optional<int> status;  // HTTP status of the last response, if any
  // A 304 to a conditional request (--state): the page is as last fetched.
  bool unchanged = false;
  int depth = 0;
  std::optional<std::string> parent;  // the page that linked here; null for input URLs
  std::optional<std::string> content_type;
  std::uint64_t bytes = 0;       // body bytes after decompression
  std::uint64_t elapsed_ms = 0;  // whole transfer, redirects included
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::vector<std::string> links;  // absolute http(s), fragment dropped, deduplicated
  // --select NAME=CSS: each NAME (all of them, even with no match) to the
  // texts (or attribute values) of the matching elements, in document order.
  std::map<std::string, std::vector<std::string>> fields;
  std::optional<std::string> text;            // --text: the page's visible text
  std::optional<RecordError> error;           // null when ok
  std::optional<std::int64_t> fetched_at_ms;  // Unix ms when the request was sent; null if never
  // What was cut of this record, in record order: "links" (past --max-links
  // or the links' byte budget), "fields.NAME" (a field's values past the
  // fields' byte budget), "text" (past --max-text or the text's budget);
  // "title" or "description" only if a result frame could not hold them.
  // Empty when the record is whole.
  std::vector<std::string> truncated;
  // With CrawlOptions::fetch.keep_headers (--keep-headers): the last
  // response's header fields in order, names lower-cased, repeated ones
  // kept; a Set-Cookie keeps only its cookie's name, never the value. At
  // most 256 KiB of them ("headers" in `truncated` when cut). Empty
  // otherwise, and for URLs never fetched.
  std::vector<std::pair<std::string, std::string>> headers;
  // With CrawlOptions::fetch.save_dir (--save DIR): where the body was
  // saved, DIR joined with the relative path ("DIR/host/dir%/page.html"),
  // also when the file already held these bytes and was left alone. nullopt
  // when nothing was saved: not an ok 2xx response, no --save, or the save
  // failed (a full disk, a refused permission: the fetcher logs a warning
  // and the record is otherwise as it would be).
  std::optional<std::string> saved;
  // The SHA-256 of the body as decoded (Content-Encoding undone, charset
  // untouched), 64 lower-case hex digits, so that copies can be found: set
  // when the record has a status that is not 204, 304 or a redirect's, and
  // the body arrived whole (not cut by --max-bytes, not aborted by
  // --accept-type, no network error mid-body); an empty body has the empty
  // string's digest. nullopt otherwise.
  std::optional<std::string> sha256;
  // The site owner asked that the page not be indexed: a robots meta tag
  // (<meta name="robots"> or <meta name="forage">, the product token of the
  // User-Agent) or an X-Robots-Tag header, for any crawler or for ours, says
  // noindex (or none). Set only on a response that is no error (a
  // "duplicate" keeps it). With CrawlOptions::skip_noindex such a page gets
  // no record at all.
  bool noindex = false;
  // The URL the page names as its canonical one: the first <link
  // rel="canonical" href> in its <head>, else its Link header's
  // rel="canonical", resolved against the page's URL as links are (absolute
  // http(s), fragment removed). Set only on a response that is no error (a
  // "duplicate" keeps it); nullopt when it names none.
  std::optional<std::string> canonical;
  // With CrawlOptions::fetch.keep_body (library only): those bytes
  // themselves, under the same rule as sha256, for any content type;
  // ExtractHtml takes them as they are. The master holds one body per
  // record, for the record callback alone, and frees it after: no sink
  // (JSON Lines, CSV, SQLite) ever writes it. nullopt otherwise.
  std::optional<std::string> body;
};

}  // namespace forage
