#pragma once

// The fuzz targets: one plain function per parser that takes outside input.
// Each is what a libFuzzer LLVMFuzzerTestOneInput calls (tests/fuzz/fuzz_*.cc,
// built with -DFORAGE_FUZZ=ON and clang) and also what the Catch2 suite's
// replay test feeds every file of tests/fuzz/corpus/<name>/ and
// tests/fuzz/regressions/<name>/ (tests/unit/fuzz_corpus_test.cc), so the
// ordinary ASan build runs the inputs too.
//
// A target returns 0 (libFuzzer's "keep going") for any input. Besides the
// sanitizers' checks, each asserts properties its module's header promises
// (FUZZ_CHECK below): a broken one prints what and aborts, which libFuzzer
// reports as a crash with the input saved. They touch no network, write
// nothing to stdout and leave nothing behind; the one that needs a file
// (the config loader, the URL list reader) uses a memfd.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace forage::fuzz {

// The HTML extractor with --select rules: ExtractPage, Selector::Parse,
// VisibleText, link resolution, and Canonicalize on every link found.
// Input: a header, then the page.
//   line 1           the document URL (empty: https://example.com/dir/page.html)
//   lines 2..        up to 4 selectors, "CSS" or "CSS<TAB>attr", until an empty line
//   the rest         the HTML
// Inputs over kMaxHtmlBytes are ignored. Deep nesting is quadratic (in
// gumbo 0.10.1's tree building, and in the field values themselves: each
// match's text holds all the text below it, so nested matches repeat it),
// which forage bounds with --parse-timeout in the fetcher process; at 64 KiB
// a page of nested elements takes libFuzzer's 10 s timeout, which would only
// find that again. 12 KiB keeps the worst case (nested matches of four
// selectors) near 3 s.
inline constexpr std::size_t kMaxHtmlBytes = 12 * 1024;
int FuzzHtml(const std::uint8_t* data, std::size_t size);

// The charset converter: SniffEncoding, EncodingForLabel, ToUtf8 (with the
// sniffed encoding and with one chosen by the body's first byte) and
// MakeValidUtf8. Input: line 1 the Content-Type header value, the rest the body.
int FuzzCharset(const std::uint8_t* data, std::size_t size);

// The WHATWG URL parser, URL resolution and canonicalisation. Input: line 1
// a base URL, every further line a reference, resolved against it with
// ResolveLink and with ResolveLinkFully (which must agree), and also taken
// as an absolute URL for CheckInputUrl, Canonicalize and CanonicalizeFully
// (which must agree). Every URL parsed must serialize to ASCII that parses
// again to itself, with a host that is valid ASCII (IDN hosts in punycode)
// and parses to itself; links and canonical forms must be fixed points.
// Links and lines also go through QueryFilter::Strip (--strip-query).
int FuzzUrl(const std::uint8_t* data, std::size_t size);

// robots.txt: RobotsRules::Parse and IsAllowed, and that Sitemap and unknown
// lines inserted anywhere change no answer (RFC 9309 section 2.2.4). Input:
// line 1 the User-Agent, line 2 paths separated by spaces, the rest the
// robots.txt body.
int FuzzRobots(const std::uint8_t* data, std::size_t size);

// The URL list reader (UrlSource, from a regular file and from a pipe fed in
// pieces, which must give the same lines) and the checks the crawler makes on
// each line it reads (CheckInputUrl, Canonicalize, UrlFingerprint,
// MakeValidUtf8). Input: the list file.
int FuzzUrlList(const std::uint8_t* data, std::size_t size);

// The TOML config loader: LoadConfigFile through ParseCommandLine's
// --config, which also checks the values it gives. Input: the file.
int FuzzConfig(const std::uint8_t* data, std::size_t size);

// The wire decoders (DecodeResult, DecodeJob, DecodeSent, DecodeFetcherConfig,
// IsReady, which must re-encode to what they decoded) and FrameBuffer (fed a stream in
// pieces, which must give the same frames however it is cut). Input: the
// stream; its first byte also sets the piece sizes.
int FuzzWire(const std::uint8_t* data, std::size_t size);

// What a shared crawl keeps in Redis (crawl/shared_codec.h): the first byte
// picks the decoder (0 a job entry, 1 a record, 2 a robots.txt verdict, more
// all three), the rest is its input. Whatever decodes must encode to bytes
// that decode again and encode the same (a fixed point after one round).
int FuzzShared(const std::uint8_t* data, std::size_t size);

// The cookie jar (crawl/cookie_jar.h), with small limits so that eviction
// happens. Input: lines, each one step:
//   "@URL"   later Set-Cookie lines come from URL (at first
//            https://www.example.co.uk/a/b)
//   "?URL"   HeaderFor(URL): no control bytes, at most one "name=value" per
//            cookie, and "" from an empty jar
//   "+N"     the clock moves N seconds on
//   "="      the rest of the input is a cookie file, loaded into the jar
//   other    a Set-Cookie value, applied: a refusal must say why, a store not
// After every step the jar holds no more than its limits; at the end (and
// for the loaded file on its own) Save, Load into a new jar, Save again must
// give the same bytes and the same Cookie headers for every URL asked; a
// file that fails to load names "input:LINE" and leaves the jar as it was.
int FuzzCookie(const std::uint8_t* data, std::size_t size);

// The --save path mapping (archive/save_path.h). Input: line 1 and line 2,
// two URLs. For each that canonicalizes, SavePathFor must be relative, with
// no empty, "." or ".." component, no control, non-ASCII or
// Windows-reserved byte, within kMaxSaveNameBytes a component and
// kMaxSavePathBytes in all, and a file name never ending in "%" (a
// directory's mark). When both canonicalize and differ other than by
// scheme, their paths must differ after ASCII case folding, and neither
// may be a directory of the other.
int FuzzSavePath(const std::uint8_t* data, std::size_t size);

// The CDXJ indexer (archive/cdxj.h): SurtKey on the first line (never
// empty, printable ASCII without spaces), CdxjEntryOf on the whole input
// (its line one line, led by the URL's key), IndexWarcBytes on the input as
// it is (a hostile file: a failure or sorted lines, never a crash) and on
// the input gzipped as one member (which must give exactly CdxjEntryOf's
// line, at offset 0 with the member's length). Inputs over kMaxCdxjBytes
// are ignored.
inline constexpr std::size_t kMaxCdxjBytes = 64 * 1024;
int FuzzCdxj(const std::uint8_t* data, std::size_t size);

// The sitemap reader (parse/sitemap_reader.h), with small limits (30
// entries, 32 KiB) so that they are reached. Input: byte 1 seeds the piece
// sizes, the rest is the body. Fed at once, fed in pieces of 1 to 64 bytes
// and, unless it starts with the gzip magic, gzipped: all three must give
// the same kind, entries, error (any XML error matching another: expat may
// name a malformation differently as the bytes come) and skipped count. Every entry is a trimmed
// absolute http(s) URL of at most kMaxSitemapUrlBytes, no more entries than
// the limit, an error one line. Inputs over kMaxSitemapBytes are ignored.
inline constexpr std::size_t kMaxSitemapBytes = 64 * 1024;
int FuzzSitemap(const std::uint8_t* data, std::size_t size);

// The srcset parser (parse/srcset.h). Input: an attribute's value. Every
// URL is non-empty, without ASCII whitespace or a trailing comma, found in
// the input in order, and parses alone to itself.
int FuzzSrcset(const std::uint8_t* data, std::size_t size);

// The meta refresh parser (parse/meta_refresh.h). Input: a content
// attribute. A URL found is part of the input, shorter than it, and one
// without quotes or leading whitespace comes back whole after "0; url=".
int FuzzMetaRefresh(const std::uint8_t* data, std::size_t size);

// The CSS url() scanner (parse/css_urls.h). Input: CSS text. URLs are never
// empty, at most 3 bytes each of input byte, valid UTF-8 when the input is;
// the input inside a comment gives none; a plain URL comes back from
// url(URL).
int FuzzCssUrls(const std::uint8_t* data, std::size_t size);

// The streaming scanner against gumbo (support/scan_compare.h): on any
// page, ScanPage hands the page over or gives exactly what ExtractPage
// gives with gumbo's tree, under settings that read every element kind.
// Input: the page (made valid UTF-8, as a fetcher's pages are); inputs
// over kMaxHtmlBytes are ignored, as FuzzHtml ignores them.
int FuzzScanner(const std::uint8_t* data, std::size_t size);

// A site owner's signals (parse/robots_directives.h, parse/link_header.h):
// ParseRobotsContent and ParseXRobotsTag (case never matters; a crawler's
// name only narrows what applies), CanonicalOfLinkHeader (a piece of the
// value; a link appended after it changes nothing). Input: line 1 the
// product token, the rest the header value or meta content.
int FuzzSignals(const std::uint8_t* data, std::size_t size);

// Seed inputs for FuzzShared, as (file name, bytes).
std::vector<std::pair<std::string, std::string>> SharedSeeds();

// Seed inputs for FuzzWire, as (file name, bytes), made by this build's
// encoders: results, jobs, a fetcher config, a ready frame, a stream of
// several and a torn one. scripts/fuzz.sh adds them to the committed corpus,
// which goes stale when a layout changes; these never do.
std::vector<std::pair<std::string, std::string>> WireSeeds();

struct Target {
  std::string_view name;  // the corpus directory and the fuzz_<name> program
  int (*run)(const std::uint8_t* data, std::size_t size);
};

// Every target, in a fixed order.
std::span<const Target> Targets();

}  // namespace forage::fuzz
