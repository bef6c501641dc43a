#pragma once

// CDXJ indexes of WARC files (--warc-cdx), in the form pywb and the other
// webrecorder tools read and cdxj-indexer writes: one line per response and
// revisit record,
//
//   SURT TIMESTAMP {"url": ..., "mime": ..., "status": ..., "digest": ...,
//                   "length": ..., "offset": ..., "filename": ...}
//
// sorted bytewise (LC_ALL=C), which pywb's binary search needs. "length"
// and "offset" are the record's gzip member in the WARC file; "filename" is
// the file's name without its directory. The index of CRAWL.warc.gz is
// CRAWL.cdxj beside it (CdxjPathFor).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "forage/status.h"

namespace forage {

// The SURT key pywb looks a URL up by, as the `surt` package's default
// (IA canonicalizer) makes it, so that pywb finds our lines: no scheme;
// the host lower case, IDN in punycode, a leading "www." (or "www2." ...)
// dropped, labels reversed and joined by ","; the port unless the scheme's
// default; ")" and the path (dot segments resolved, empty segments and a
// trailing "/" dropped, percent-escapes decoded repeatedly and then only
// controls, space, '#', '%' and non-ASCII escaped, all lower case); then
// "?" and the query, lower case, its arguments sorted. The fragment and
// userinfo are dropped. Not done here: surt's session-id stripping.
// A URL that does not parse gives itself, with bytes that would break a
// line (space, controls, non-ASCII) percent-escaped. Never empty, never
// holds a space or a newline.
std::string SurtKey(std::string_view url);

// What the index line of one record says.
struct CdxjEntry {
  std::string url;           // WARC-Target-URI
  std::string date;          // WARC-Date, as written
  bool revisit = false;
  std::optional<int> status;  // the HTTP status, when the block is a response
  std::string mime;          // the HTTP Content-Type's essence, "" if none
  std::string digest;        // "sha1:BASE32" or "" (left out)
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::string filename;
};

// The line (no newline). Fields are written as cdxj-indexer writes them:
// strings, in its order, "mime" "warc/revisit" for a revisit, an empty
// one left out; JSON with ", " and ": ", non-ASCII as \uXXXX.
std::string CdxjLine(const CdxjEntry& entry);

// A WARC-Date's digits, the first 14, padded with "0": "20260105210405".
std::string CdxjTimestamp(std::string_view warc_date);

// An HTTP response head's status and Content-Type essence (up to the first
// ';' or white space), as the index reads them. nullopt when `head` does
// not start with an "HTTP/" status line.
struct HttpHeadSummary {
  int status = 0;
  std::string mime;
};
std::optional<HttpHeadSummary> SummarizeHttpHead(std::string_view head);

// The entry of one WARC record (its bytes from "WARC/" on, possibly only
// the start of it: the header and the HTTP head are enough), without its
// offset, length and filename; nullopt for a record that is not a response
// or revisit, or does not parse. Any bytes at all are safe.
std::optional<CdxjEntry> CdxjEntryOf(std::string_view record);

// The index lines of a WARC file (each record a gzip member: forage's, or
// any other writer's), sorted. Members are inflated one at a time and only
// the first bytes of each kept, so memory stays small. A file that is not
// gzip, or ends in a torn member, fails (kCorrupt) naming the offset.
Result<std::vector<std::string>> IndexWarcFile(const std::string& path);
// The same over bytes in memory; `filename` is what the lines name.
Result<std::vector<std::string>> IndexWarcBytes(std::string_view bytes,
                                                const std::string& filename);

// "DIR/STEM.cdxj" for "DIR/STEM.warc.gz" (any other name: NAME + ".cdxj").
std::string CdxjPathFor(const std::string& warc_path);

// Writes `lines` to `path`, sorted, one a line: to PATH.tmp, fsync'd, then
// renamed over `path`, so that a reader sees the old index or the new one.
Status WriteCdxjFile(const std::string& path, std::vector<std::string> lines);

// Indexes `warc_path` and writes its index (IndexWarcFile, WriteCdxjFile).
Status ReindexWarcFile(const std::string& warc_path);

}  // namespace forage
