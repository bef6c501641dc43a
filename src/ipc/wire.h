#pragma once

// The bytes that cross process boundaries.
//
// Every message is a frame: a little-endian u32 payload length, then the
// payload. A payload starts with a u8 message type, whose value also
// versions the layout (a changed layout gets a new type). Integers are
// little-endian; a string is a u32 length and its bytes; a list is a u32
// count and its items.
//
//   kFetcherConfig (master -> fetcher program, once, as the payload alone
//     in a memfd at fetcher_fds::kConfig; see WorkerPool)
//     the run's FetchSettings and the log level: u32 concurrency, u64
//     timeout ms, u64 connect_timeout ms, string user_agent, u64 max_bytes,
//     list<string> resolve, list<rule> extract.select where a rule is string
//     name, string css, string attr, u8 extract.text, u64 extract.max_text,
//     u64 extract.max_links, u32 extract.follow (LinkKinds bits; others
//     refused), u8 log level (LogLevel, 0 debug to 4 off), u8
//     address guard flags (1: deny_private, 2: allow_link_local), u64
//     stall_timeout ms, u64 fetcher_memory_mib (all ones:
//     FetchSettings::kAutoFetcherMemory), list<string> headers,
//     credentials (string user, u8 auth, string bearer, string cookie),
//     string netrc_file, string proxy http, string proxy https, string
//     noproxy, u8 proxy from_environment, string cacert, string capath, u8
//     insecure, string client_cert, string client_key, list<host> hosts where
//     a host is string pattern, list<string> headers, u8 has user_agent,
//     string user_agent, credentials, i64 timeout ms, i32 per_host, i64
//     delay ms (each -1: not set), u8 flags (1: cookies, 2:
//     keep_headers, 4: keep_body), list<string> accept_types, string
//     warc.path, u64 warc.max_size, string warc.info, string save_dir, and
//     u8 extract flags (1: ignore_nofollow, 2: full_parse).
//     Signed values (concurrency,
//     durations) travel as their two's complement. A field added to
//     FetchSettings goes here too, under a new message type.
//   kJob    (master -> fetcher, through the work queue)
//     u64 job id, u8 job kind (0: page, 1: robots.txt, 2: sitemap), u8 flags (1: report
//     the request's sending with kSent, 2: trusted), string url, string
//     If-None-Match value, string If-Modified-Since value ("": not sent),
//     string cookie (the jar's Cookie header value, "": none)
//   kReady  (fetcher -> master, through the result pipe, once, first)
//     nothing: the fetcher can take work
//   kSent   (fetcher -> master, through the result pipe, before the job's
//     result; only for jobs whose flags ask, and only if a request went out)
//     u64 job id, i64 steady-clock (CLOCK_MONOTONIC, shared by every process
//     of the machine) nanoseconds read after the request was handed to the
//     kernel
//   kResult (fetcher -> master, through the result pipe)
//     u64 job id, u8 error kind, string error message, i32 HTTP status (0:
//     none), string final url, string content type, u64 bytes, u64 elapsed
//     ms, i64 fetched-at Unix ms, u8 flags (1: has title, 2: has
//     description, 4: body is a page's whole body, kept for keep_body),
//     string title, string description, list<string> links,
//     string redirect url ("" when the response is not a redirect), i64
//     Retry-After seconds (-1: none), string body (robots.txt jobs, and
//     pages with flag 4),
//     list<field> fields where a field is string name, list<string> values,
//     u8 has text, string text, string ETag, string Last-Modified ("": the
//     response had none), list<string> truncated (what was cut, see
//     FetchResult::truncated), list<string> Set-Cookie values, list<header>
//     headers where a header is string name, string value, string sha256
//     (64 hex digits, "": none), u32 WARC file serial, u64 offset, u64
//     length (0: nothing archived), string WARC error ("": none), string
//     saved ("": nothing saved), u8 sitemap kind (SitemapKind; 0 for
//     anything but a sitemap job's 2xx), list<i64> lastmods (empty, or one
//     per link sent: a sitemap entry's <lastmod> in Unix ms, kNoLastmod
//     for none), u8 noindex, string canonical ("": none)
//   kWarcOpened (fetcher -> master, through the result pipe)
//     u32 the serial of a WARC file the fetcher created, before writing in it
//
// Types 1 and 2 were the first layouts, without job kinds and redirects;
// type 4 had no fields or text; types 3 (job) and 5 (result) had no
// validators (If-None-Match, If-Modified-Since, ETag, Last-Modified); type
// 7 (result) had no list of what was cut, type 8 (fetcher config) no
// max_links, and type 6 (job) no flags; types 11 (fetcher config), 12
// (job) and 10 (result) had no request shaping (headers, credentials,
// proxy, TLS, host tables, cookies); types 14 (fetcher config) and 16
// (result) had no --warc (warc settings; a result's WARC place), --save
// (save_dir, saved), keep_body, accept_types, kept body or sha256; types
// 17 and 18 were never released; types 20 to 25 were interim layouts of
// one change, never released: fetcher config 24 gained extract.follow
// (--follow) and ignore_nofollow, result 25 a sitemap's kind and lastmods,
// noindex and canonical; fetcher config 26 made config 24's last byte
// extract flags, adding full_parse (--full-parse).
//
// Decoding checks every length against the bytes present, so a torn or
// corrupt frame fails to decode; it never reads out of bounds.

#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/log.h"
#include "forage/error_kind.h"
#include "forage/fetch_settings.h"

namespace forage::wire {

inline constexpr std::size_t kFrameHeaderBytes = 4;
// A bigger frame is refused by decoders: a result carries extracted data
// only (the HTML stays in the fetcher).
inline constexpr std::uint32_t kMaxFrameBytes = 64u << 20;
// The most a fetcher's extraction puts in one result: its links, its
// --select values (all fields together), its --text; each string counted
// with its 4-byte length, as the frame carries it (see ExtractPage). With
// title and description that leaves 16 MiB, more than a page of --max-bytes
// at its default can give them, so at the documented limits a result always
// fits its frame. EncodeResult still makes any result fit, cutting what
// does not and naming it in the list of what was cut: no cut is silent.
inline constexpr std::size_t kMaxLinkBytes = 16u << 20;
inline constexpr std::size_t kMaxFieldBytes = 16u << 20;
inline constexpr std::size_t kMaxTextBytes = 16u << 20;
// A page's body kept for FetchSettings::keep_body travels beside that
// budget, never cut (ValidateOptions holds max_bytes to this with
// keep_body), so a result's payload may reach kMaxResultBytes.
inline constexpr std::uint32_t kMaxBodyBytes = 256u << 20;
inline constexpr std::uint32_t kMaxResultBytes = kMaxFrameBytes + kMaxBodyBytes;

enum class MessageType : std::uint8_t {
  kReady = 9,
  kSent = 13,
  kJob = 15,
  kFetcherConfig = 26,
  kResult = 25,
  kWarcOpened = 19,
};

// A sitemap job (--sitemaps) is fetched as a robots.txt job is (curl
// follows its redirects; no validators, credentials or cookies; neither
// archived nor saved), and its body is read as it streams in, never kept.
enum class JobKind : std::uint8_t { kPage = 0, kRobots = 1, kSitemap = 2 };

// FetchResult::lastmods' value for an entry without a (valid) <lastmod>.
inline constexpr std::int64_t kNoLastmod = INT64_MIN;

struct FetchJob {
  std::uint64_t id = 0;
  JobKind kind = JobKind::kPage;
  std::string url;
  // Validators for a conditional GET of a page (robots.txt jobs send none);
  // "" = not sent. Values as the server gave them (ETag, Last-Modified).
  // (The "= {}" lets {id, kind, url} leave them out without a warning.)
  std::string if_none_match = {};
  std::string if_modified_since = {};
  // Send a kSent frame once the request has gone out: the master counts its
  // host's --delay from then (see Scheduler).
  bool report_sent = false;
  // The job's origin is a listed URL's: the run's credentials may go with
  // it (see fetch/request_plan.h).
  bool trusted = false;
  // The Cookie header's value from the run's cookie jar (the master's); ""
  // none.
  std::string cookie = {};
};

// A job's request went out by `sent_ns` (steady clock, nanoseconds since its
// epoch, read after the send).
struct RequestSent {
  std::uint64_t id = 0;
  std::int64_t sent_ns = 0;
};

struct FetchResult {
  std::uint64_t id = 0;
  ErrorKind error = ErrorKind::kNone;
  std::string error_message;
  int status = 0;
  std::string final_url;
  std::string content_type;
  std::uint64_t bytes = 0;
  std::uint64_t elapsed_ms = 0;
  std::int64_t fetched_at_ms = 0;
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::vector<std::string> links;
  std::string redirect_url;         // a 3xx's resolved Location; forage follows it itself
  std::int64_t retry_after_s = -1;  // from a 429/503's Retry-After
  // A robots.txt job's body; with FetchSettings::keep_body, a page's whole
  // decoded body when page_body is set (the same rule as sha256).
  std::string body;
  bool page_body = false;
  // --select: every rule's name with its values, in the rules' order.
  std::vector<std::pair<std::string, std::vector<std::string>>> fields;
  std::optional<std::string> text;  // --text
  // The last response's ETag and Last-Modified header values, verbatim but
  // trimmed; "" when absent. A 304 carries them too, when the server sends them.
  std::string etag;
  std::string last_modified;
  // What was cut, named as in a record's "truncated": "links",
  // "fields.NAME", "text" by the fetcher's extraction, and also "title" or
  // "description" when EncodeResult had to cut them. In record order.
  std::vector<std::string> truncated;
  // The last response's Set-Cookie header values, for the master's jar
  // (FetchSettings::cookies), at most kMaxHeaderBytes of them.
  std::vector<std::string> set_cookies;
  // With FetchSettings::keep_headers: the last response's header fields,
  // names lower-cased, in order, at most kMaxHeaderBytes of them; a
  // Set-Cookie's value is never kept.
  std::vector<std::pair<std::string, std::string>> headers;
  // With FetchSettings::warc: where the exchange's WARC records went (length
  // 0: none were written), or why writing them failed.
  struct WarcPlace {
    std::uint32_t serial = 0;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
  } warc;
  std::string warc_error;
  // With FetchSettings::save_dir: where the body was saved (see
  // Record::saved); "" when it was not.
  std::string saved;
  // The SHA-256 of the last response's decoded body, lower-case hex, when it
  // arrived whole and the result is a page's record (see Record::sha256);
  // "" otherwise.
  std::string sha256;
  // A sitemap job's 2xx answer: what it is (a SitemapKind: 1 urlset, 2
  // index, 3 text; 0 unknown or not a sitemap), with `links` its entries'
  // URLs in document order, as written, and `lastmods` one per link (Unix
  // ms, kNoLastmod for none). Links past kMaxLinkBytes are dropped, "links"
  // named in `truncated`, and their lastmods with them. A sitemap that broke
  // the protocol has error kSitemap, the URLs read before the problem still
  // here. Empty for every other result.
  std::uint8_t sitemap_kind = 0;
  std::vector<std::int64_t> lastmods;
  // The page's robots signals (see ExtractedPage): noindex from its meta tags
  // or X-Robots-Tag headers; its canonical URL, absolute http(s), from its
  // <link rel="canonical"> or else its Link header ("" none). Set only for
  // a response that is no error and no redirect.
  bool noindex = false;
  std::string canonical;
};

// The most of a response's headers a result carries, in each of its lists
// (set_cookies, headers): what is past it is dropped (and "headers" named
// among what was cut).
inline constexpr std::size_t kMaxHeaderBytes = 256u << 10;

// The fetcher program's configuration: a run's FetchSettings, whole, and
// the log level the master runs at (a payload, no header; see
// fetch/fetcher_process_main.cc). Decoding gives nullopt for a malformed
// payload or one of another type, and sets *log_level otherwise.
std::string EncodeFetcherConfig(const FetchSettings& settings, LogLevel log_level);
std::optional<FetchSettings> DecodeFetcherConfig(std::string_view payload, LogLevel* log_level);

// The frame a fetcher sends once, before any result, when it can take work:
// a payload of the type byte alone.
std::string EncodeReady();
bool IsReady(std::string_view payload);

// Whole frames, header included, ready to write. A result's frame holds
// at most kMaxFrameBytes of payload besides a kept page body (at most
// kMaxBodyBytes; a longer one is dropped, page_body cleared): what does not
// fit is cut, in this order of preference: text, then fields (whole values,
// the last ones first), then links (whole), then description and title (on
// a UTF-8 boundary); each part cut is added to `truncated`.
std::string EncodeJob(const FetchJob& job);
std::string EncodeResult(const FetchResult& result);
std::string EncodeSent(const RequestSent& sent);
// A fetcher's WARC writer created the set's file `serial` and has written
// nothing in it yet: sent before any result whose records are in it, so
// that the master knows which file a fetcher that dies held open.
std::string EncodeWarcOpened(std::uint32_t serial);
std::optional<std::uint32_t> DecodeWarcOpened(std::string_view payload);

// Payloads (without the 4-byte header); nullopt if malformed or of another type.
std::optional<FetchJob> DecodeJob(std::string_view payload);
std::optional<FetchResult> DecodeResult(std::string_view payload);
std::optional<RequestSent> DecodeSent(std::string_view payload);

}  // namespace forage::wire
