#include "fetch/fetcher.h"

#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "archive/save_path.h"
#include "core/ascii.h"
#include "core/log.h"
#include "core/time_format.h"
#include "core/url.h"
#include "fetch/address_guard.h"
#include "fetch/error_map.h"
#include "fetch/media_range.h"
#include "archive/digest.h"
#include "fetch/request_plan.h"
#include "parse/extractor.h"
#include "parse/sitemap_reader.h"
#include "parse/link_header.h"
#include "parse/robots_directives.h"

namespace forage {

struct Transfer {
  wire::FetchJob job;
  bool truncate = false;  // at max_bytes keep what came and succeed (robots.txt)
  // The conditional request's If-None-Match/If-Modified-Since lines. Declared
  // before `easy` so that a handle still owned here is cleaned up first.
  CurlSlist headers;
  CurlEasy easy;
  std::uint64_t max_bytes = 0;
  std::uint64_t bytes = 0;  // of the current response, after decompression
  std::string body;         // kept only for bodies we will parse, or keep_body
  int keep = -1;            // -1: not decided yet; 0: count only; 1: keep
  bool keep_body = false;   // FetchSettings::keep_body, for a page
  // A page's: the digest of the current response's decoded body (for
  // Record::sha256), and what its Content-Type must match (--accept-type;
  // null: anything).
  std::optional<DigestStream> digest;
  const std::vector<std::string>* accept_types = nullptr;
  std::string content_type;  // the current response's, as sent; "" if none
  bool unwanted = false;     // aborted after the head: --accept-type refused content_type
  bool cap_hit = false;
  bool head_complete = false;  // the current response's header lines all came
  std::string etag;           // of the current response, trimmed; "" if none
  std::string last_modified;  // likewise
  std::string location;       // likewise: the Location header
  std::int64_t fetched_at_ms = 0;
  char errbuf[CURL_ERROR_SIZE] = {};
  const AddressPolicy* policy = nullptr;  // the fetcher's, for OnOpenSocket
  std::string refused;                    // the SSRF guard's first refusal, if any
  int sockets = 0;                        // sockets the guard let this transfer open
  bool via_proxy = false;  // connects to a proxy, which the guard does not judge
  std::vector<std::uint64_t>* sending = nullptr;  // the fetcher's, for OnRequest
  // The current response's Set-Cookie values (for the master's jar) and,
  // with keep_headers, its header fields; each within kMaxHeaderBytes.
  bool collect_cookies = false;
  bool keep_headers = false;
  std::size_t cookie_bytes = 0;
  std::size_t header_bytes = 0;
  bool headers_cut = false;
  std::vector<std::string> set_cookies;
  std::vector<std::pair<std::string, std::string>> headers_kept;
  // --warc: the request and response as they travelled; null otherwise.
  std::unique_ptr<ExchangeCapture> capture;
  // --save: a page whose body is saved if its response is ok; its body is
  // then kept whatever its type (save_body, decided with `keep`).
  bool save = false;
  bool save_body = false;
  // A sitemap job's: the reader its current 2xx response's body streams
  // into (null before one, or for another status), and whether the write
  // callback ended the transfer on purpose (the reader stopped, or a
  // non-2xx body passed the reader's size limit): no network error then.
  std::unique_ptr<SitemapReader> sitemap;
  bool sitemap_stopped = false;
  // A page's robots signals: the product token of the User-Agent it is
  // requested with, and the current response's X-Robots-Tag and Link header
  // values (within kMaxHeaderBytes together).
  std::string robots_token;
  std::vector<std::string> robots_tags;
  std::vector<std::string> link_values;
  std::size_t signal_bytes = 0;
  RobotsDirectives header_robots;  // robots_tags read, for the parse
};

namespace {

// RFC 9309 asks crawlers to parse at least 500 KiB of a robots.txt.
constexpr std::uint64_t kRobotsMaxBytes = 500 * 1024;

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && strncasecmp(s.data(), prefix.data(), prefix.size()) == 0;
}

bool IsHtmlType(const char* content_type) {
  return content_type && (StartsWithIgnoreCase(content_type, "text/html") ||
                          StartsWithIgnoreCase(content_type, "application/xhtml+xml"));
}

// For a body served without Content-Type: does it start like HTML?
bool LooksLikeHtml(std::string_view body) {
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.front()))) {
    body.remove_prefix(1);
  }
  return StartsWithIgnoreCase(body, "<!doctype html") || StartsWithIgnoreCase(body, "<html");
}

// Parse only bodies that may be HTML and are worth it (not error pages).
bool WantBody(const Transfer& t) {
  if (t.job.kind == wire::JobKind::kRobots || t.keep_body) return true;
  CURL* easy = t.easy.get();
  long status = 0;
  char* type = nullptr;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &type);
  return status < 400 && (type == nullptr || IsHtmlType(type));
}

// A sitemap's body goes to its reader as it comes, never kept: the
// reader's own limits (50 MiB uncompressed, 50,000 URLs) bound it, not
// --max-bytes. Only a 2xx answer is read; another's body is dropped, up to
// that same size. Returning 0 ends the transfer (CURLE_WRITE_ERROR), which
// sitemap_stopped marks as ours.
std::size_t OnSitemapBody(Transfer* t, const char* data, std::size_t n) {
  if (t->keep < 0) {
    long status = 0;
    curl_easy_getinfo(t->easy.get(), CURLINFO_RESPONSE_CODE, &status);
    t->keep = status >= 200 && status < 300 ? 1 : 0;
    if (t->keep == 1) t->sitemap = std::make_unique<SitemapReader>();
  }
  t->bytes += n;
  if (t->keep == 1 ? !t->sitemap->Feed(std::string_view(data, n))
                   : t->bytes > SitemapReader::Limits{}.max_bytes) {
    t->sitemap_stopped = true;
    return 0;
  }
  return n;
}

// --max-bytes is enforced here, on decompressed bytes: curl 7.88's own size
// limit misses chunked and compressed bodies, so a gzip bomb would otherwise
// inflate in memory. Returning less than given makes curl fail the transfer
// with CURLE_WRITE_ERROR, which cap_hit turns into too_large.
std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t n = size * count;
  if (t->job.kind == wire::JobKind::kSitemap) return OnSitemapBody(t, data, n);
  if (n > t->max_bytes - t->bytes) {
    t->cap_hit = true;
    return 0;
  }
  t->bytes += n;
  if (t->keep < 0) {
    t->keep = WantBody(*t) ? 1 : 0;
    long status = 0;
    curl_easy_getinfo(t->easy.get(), CURLINFO_RESPONSE_CODE, &status);
    t->save_body = t->save && status >= 200 && status < 300;
    // Room for the whole body at once, when the response says its size:
    // no copies as it grows. Within --max-bytes, whatever it says.
    curl_off_t length = -1;
    if ((t->keep == 1 || t->save_body) &&
        curl_easy_getinfo(t->easy.get(), CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) ==
            CURLE_OK &&
        length > 0) {
      t->body.reserve(static_cast<std::size_t>(
          std::min<std::uint64_t>(static_cast<std::uint64_t>(length), t->max_bytes)));
    }
  }
  if (t->keep == 1 || t->save_body) t->body.append(data, n);
  if (t->digest) t->digest->Update(std::string_view(data, n));
  return n;
}

// Every connection's socket is made here, after name resolution, so that the
// SSRF guard judges the very address connected to, on every redirect hop
// and whatever DNS answered a moment earlier. A refused address makes curl
// try the host's next one, or fail the transfer with CURLE_COULDNT_CONNECT.
curl_socket_t OnOpenSocket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  if (purpose == CURLSOCKTYPE_IPCXN && !t->via_proxy) {
    std::optional<std::string> refusal =
        RefuseAddress(*t->policy, &address->addr, static_cast<socklen_t>(address->addrlen));
    if (refusal) {
      if (t->refused.empty()) t->refused = std::move(*refusal);
      return CURL_SOCKET_BAD;
    }
  }
  ++t->sockets;
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

// With --warc, curl's debug callback: what went over the connection, before
// curl undid the transfer and content coding (the body as sent).
int OnDebug(CURL*, curl_infotype type, char* data, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  switch (type) {
    case CURLINFO_HEADER_OUT:
      t->capture->OnRequestHead(std::string_view(data, n));
      break;
    case CURLINFO_HEADER_IN:
      t->capture->OnResponseHead(std::string_view(data, n));
      break;
    case CURLINFO_DATA_IN:
      t->capture->OnBody(std::string_view(data, n));
      break;
    default:
      break;
  }
  return 0;
}

// The URL without its user info (credentials never reach the archive).
std::string WithoutUserInfo(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const std::size_t start = scheme + 3;
  const std::size_t end = url.find_first_of("/?#", start);
  const std::string_view authority =
      url.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  const std::size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, start)) + std::string(url.substr(start + at + 1));
}

// Called once the connection is ready and right before the request is
// written, in the same curl_multi_perform call (curl 7.80 and later).
int OnRequest(void* user, char*, char*, int, int) {
  auto* t = static_cast<Transfer*>(user);
  t->sending->push_back(t->job.id);
  return CURL_PREREQFUNC_OK;
}

std::string_view TrimHttpSpace(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// The value of the header line `line` if it is the header `name` (ignoring
// case), trimmed; nullopt for another header.
std::optional<std::string_view> HeaderValue(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':' || !StartsWithIgnoreCase(line, name)) {
    return std::nullopt;
  }
  return TrimHttpSpace(line.substr(name.size() + 1));
}

// Keeps an X-Robots-Tag or Link header value of a page's response while
// they stay within kMaxHeaderBytes together.
void KeepSignal(Transfer* t, std::vector<std::string>* list, std::string_view value) {
  if (t->job.kind == wire::JobKind::kRobots) return;
  if (t->signal_bytes + value.size() > wire::kMaxHeaderBytes) return;
  t->signal_bytes += value.size();
  list->emplace_back(value);
}

// Keeps a header line of the current response: a Set-Cookie's value for
// the master's jar, and with keep_headers the field (a Set-Cookie without
// its value: records hold no cookie). Each list stays within
// wire::kMaxHeaderBytes; folded continuation lines are dropped.
void CollectHeader(Transfer* t, std::string_view line) {
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 || line[0] == ' ' || line[0] == '\t') return;
  std::string_view name = line.substr(0, colon);
  std::string_view value = TrimHttpSpace(line.substr(colon + 1));
  const bool cookie = name.size() == 10 && strncasecmp(name.data(), "Set-Cookie", 10) == 0;
  if (cookie && t->collect_cookies) {
    if (t->cookie_bytes + value.size() <= wire::kMaxHeaderBytes) {
      t->cookie_bytes += value.size();
      t->set_cookies.emplace_back(value);
    }
  }
  if (!t->keep_headers) return;
  // A cookie's name only ("" for a nameless one, whose text is its value).
  if (cookie) {
    const std::size_t eq = value.find('=');
    value = eq == std::string_view::npos ? std::string_view() : TrimHttpSpace(value.substr(0, eq));
  }
  if (t->header_bytes + name.size() + value.size() > wire::kMaxHeaderBytes) {
    t->headers_cut = true;
    return;
  }
  t->header_bytes += name.size() + value.size();
  t->headers_kept.emplace_back(AsciiLowered(name), std::string(value));
}

// Why a redirect of `t` (its Location header just read) may not be
// followed through the proxy; nullopt if it may, or if it is no redirect.
std::optional<std::string> RefuseRedirect(const Transfer& t) {
  long status = 0;
  char* effective = nullptr;
  curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(t.easy.get(), CURLINFO_EFFECTIVE_URL, &effective);
  if (status < 300 || status >= 400) return std::nullopt;
  std::optional<std::string> target =
      UrlResolver(effective ? effective : t.job.url).Resolve(t.location);
  if (!target) return std::nullopt;  // curl cannot follow it either
  std::optional<CanonicalUrl> url = Canonicalize(*target);
  if (!url) return std::nullopt;
  return RefuseHostByName(*t.policy, url->host());
}

// A new status line starts a new response (after a redirect or a 100
// Continue): only the last response's body and validators count.
std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t n = size * count;
  std::string_view line(data, n);
  if (line == "\r\n" || line == "\n") {
    t->head_complete = true;  // a 1xx's head is followed by another
    // --accept-type judges a page's 2xx answer once its head is whole, so
    // that no byte of an unwanted body is read: refusing the blank line
    // makes curl abort the transfer (CURLE_WRITE_ERROR) and drop the
    // connection. Redirects, 304s and error pages pass as they always have.
    if (t->accept_types) {
      long status = 0;
      curl_easy_getinfo(t->easy.get(), CURLINFO_RESPONSE_CODE, &status);
      if (status >= 200 && status < 300 && !AcceptsContentType(*t->accept_types, t->content_type)) {
        t->unwanted = true;
        return 0;
      }
    }
  } else if (line.substr(0, 5) == "HTTP/") {
    t->head_complete = false;
    t->bytes = 0;
    t->body.clear();
    t->keep = -1;
    t->save_body = false;
    if (t->digest) t->digest->Reset();
    t->content_type.clear();
    t->etag.clear();
    t->last_modified.clear();
    t->location.clear();
    t->set_cookies.clear();
    t->headers_kept.clear();
    t->cookie_bytes = 0;
    t->header_bytes = 0;
    t->headers_cut = false;
    t->sitemap.reset();
    t->sitemap_stopped = false;
    t->robots_tags.clear();
    t->link_values.clear();
    t->signal_bytes = 0;
  } else {
    if (auto etag = HeaderValue(line, "ETag")) {
      t->etag = *etag;
    } else if (auto modified = HeaderValue(line, "Last-Modified")) {
      t->last_modified = *modified;
    } else if (auto type = HeaderValue(line, "Content-Type")) {
      t->content_type = *type;
    } else if (auto tag = HeaderValue(line, "X-Robots-Tag")) {
      KeepSignal(t, &t->robots_tags, *tag);
    } else if (auto link = HeaderValue(line, "Link")) {
      KeepSignal(t, &t->link_values, *link);
    } else if (auto location = HeaderValue(line, "Location")) {
      t->location = *location;
      // curl follows a robots.txt's or a sitemap's redirects itself: through
      // a proxy, the guard judges each target's host by name before curl
      // goes there.
      if (t->via_proxy && t->job.kind != wire::JobKind::kPage) {
        if (std::optional<std::string> refusal = RefuseRedirect(*t)) {
          t->refused = std::move(*refusal);
          return 0;  // curl fails the transfer (CURLE_WRITE_ERROR)
        }
      }
    }
    if (t->collect_cookies || t->keep_headers) CollectHeader(t, line);
  }
  return n;
}

// Appends `line` to `list`; false only when out of memory.
bool AddHeader(CurlSlist* list, const std::string& line) {
  curl_slist* grown = curl_slist_append(list->get(), line.c_str());
  if (!grown) return false;
  (void)list->release();  // now the head of `grown`
  list->reset(grown);
  return true;
}

// Adds "Name: value" to `list` for a validator worth sending: not empty, and
// with no CR, LF or NUL that would end the header early (values come from
// earlier responses, via the state database). False only when out of memory.
bool AddValidator(CurlSlist* list, std::string_view name, std::string_view value) {
  value = TrimHttpSpace(value);
  if (value.empty() || value.find_first_of(std::string_view("\r\n\0", 3)) != value.npos) {
    return true;
  }
  return AddHeader(list, std::string(name) + ": " + std::string(value));
}

// Verifies TLS peers as the run asks; the same for an https proxy.
void ApplyTls(CURL* h, const TlsSettings& tls) {
  if (!tls.cacert.empty()) {
    curl_easy_setopt(h, CURLOPT_CAINFO, tls.cacert.c_str());
    curl_easy_setopt(h, CURLOPT_PROXY_CAINFO, tls.cacert.c_str());
  }
  if (!tls.capath.empty()) {
    curl_easy_setopt(h, CURLOPT_CAPATH, tls.capath.c_str());
    curl_easy_setopt(h, CURLOPT_PROXY_CAPATH, tls.capath.c_str());
  }
  if (tls.insecure) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(h, CURLOPT_PROXY_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_PROXY_SSL_VERIFYHOST, 0L);
  }
  if (!tls.client_cert.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLCERT, tls.client_cert.c_str());
    curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
  }
  if (!tls.client_key.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLKEY, tls.client_key.c_str());
    curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
  }
}

// Puts what a sitemap's 2xx body gave into r: its kind, its entries as
// links with their lastmods (within wire::kMaxLinkBytes, each counted with
// its 4-byte length as the extractor counts links), and, for a body that
// came whole (`whole`; otherwise r has the transfer's error already), the
// reader's verdict on it. A transfer that failed midway keeps the entries
// read before.
void TakeSitemap(wire::FetchResult& r, SitemapReader& reader, bool whole) {
  if (whole) reader.Finish();
  r.sitemap_kind = static_cast<std::uint8_t>(reader.kind());
  std::size_t budget = wire::kMaxLinkBytes;
  r.links.reserve(reader.entries().size());
  r.lastmods.reserve(reader.entries().size());
  for (const SitemapEntry& entry : reader.entries()) {
    if (entry.url.size() + 4 > budget) {
      r.truncated.insert(r.truncated.begin(), "links");
      break;
    }
    budget -= entry.url.size() + 4;
    r.links.push_back(entry.url);
    r.lastmods.push_back(entry.lastmod_ms.value_or(wire::kNoLastmod));
  }
  if (r.error == ErrorKind::kNone && reader.error()) {
    r.error = ErrorKind::kSitemap;
    r.error_message = *reader.error();
  }
}

}  // namespace

UniqueFd OpenBigParseToken(int inherited_fd) {
  if (inherited_fd < 0) return {};
  const std::string path = "/proc/self/fd/" + std::to_string(inherited_fd);
  UniqueFd own(::open(path.c_str(), O_RDWR | O_CLOEXEC));
  if (!own) {
    LogWarn("cannot reopen the big-parse token (" + path + ": " + std::strerror(errno) +
            "): big pages are parsed without waiting for other fetchers");
  }
  return own;
}

Result<std::unique_ptr<Fetcher>> Fetcher::Create(const FetchSettings& settings, ParseHook on_parse,
                                                 UniqueFd big_parse_token, SentHook on_sent) {
  Result<std::vector<CompiledField>> fields = CompileFieldRules(settings.extract.select);
  if (!fields.ok()) return fields.status();
  CurlMulti multi(curl_multi_init());
  if (!multi) return Status::ResourceExhausted("curl_multi_init failed");
  // Room for every transfer's connection plus some kept alive for reuse.
  curl_multi_setopt(multi.get(), CURLMOPT_MAXCONNECTS, static_cast<long>(settings.concurrency) * 2);
  CurlSlist resolve;
  for (const std::string& entry : settings.resolve) {
    curl_slist* grown = curl_slist_append(resolve.get(), entry.c_str());
    if (!grown) return Status::ResourceExhausted("out of memory");
    resolve.release();
    resolve.reset(grown);
  }
  std::unique_ptr<Fetcher> fetcher(new Fetcher(settings, std::move(fields).value(), std::move(multi),
                                              std::move(resolve), std::move(on_parse),
                                              std::move(big_parse_token), std::move(on_sent)));
  if (!settings.warc.path.empty()) {
    fetcher->warc_ = std::make_unique<WarcWriter>(settings.warc.path, settings.warc.max_size,
                                                  settings.warc.info, nullptr);
    fetcher->warc_->set_cdx(settings.warc.cdx);
  }
  return fetcher;
}

void Fetcher::SetWarcOpened(WarcWriter::OpenedHook opened) {
  if (warc_) warc_->set_opened(std::move(opened));
}

Fetcher::Fetcher(const FetchSettings& settings, std::vector<CompiledField> fields, CurlMulti multi,
                 CurlSlist resolve, ParseHook on_parse, UniqueFd big_parse_token, SentHook on_sent)
    : settings_(settings),
      fields_(std::move(fields)),
      policy_{settings.deny_private, settings.allow_link_local},
      planner_(settings_),
      multi_(std::move(multi)),
      resolve_(std::move(resolve)),
      on_parse_(std::move(on_parse)),
      on_sent_(std::move(on_sent)),
      big_parse_token_(std::move(big_parse_token)) {}

Fetcher::~Fetcher() {
  for (auto& [easy, t] : transfers_) curl_multi_remove_handle(multi_.get(), easy);
}

CurlEasy Fetcher::TakeHandle() {
  if (idle_.empty()) return CurlEasy(curl_easy_init());
  CurlEasy easy = std::move(idle_.back());
  idle_.pop_back();
  curl_easy_reset(easy.get());
  return easy;
}

void Fetcher::Start(wire::FetchJob job) {
  auto t = std::make_unique<Transfer>();
  t->job = std::move(job);
  const bool robots = t->job.kind == wire::JobKind::kRobots;
  // A site's robots.txt or sitemap, not a page: fetched with no validators,
  // credentials or cookies (see RequestPlanner), curl following its
  // redirects, neither archived nor saved.
  const bool site_file = t->job.kind != wire::JobKind::kPage;
  // (A sitemap's limit is its reader's: see OnSitemapBody.)
  t->max_bytes = robots ? kRobotsMaxBytes : settings_.max_bytes;
  t->truncate = robots;
  t->fetched_at_ms = UnixMillisNow();
  t->easy = TakeHandle();
  CURL* h = t->easy.get();
  if (!h) {
    wire::FetchResult r;
    r.id = t->job.id;
    r.error = ErrorKind::kOther;
    r.error_message = "curl_easy_init failed";
    failed_to_start_.push_back(std::move(r));
    return;
  }
  curl_easy_setopt(h, CURLOPT_URL, t->job.url.c_str());
  curl_easy_setopt(h, CURLOPT_PRIVATE, t.get());
  if (warc_ && !site_file) {
    // The raw body may be a little longer than the decoded one (chunks),
    // and not much: more is cut, and its record says so.
    t->capture = std::make_unique<ExchangeCapture>(t->max_bytes + t->max_bytes / 8 + (64 << 10));
    curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, OnDebug);
    curl_easy_setopt(h, CURLOPT_DEBUGDATA, t.get());
    curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
  }
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, t.get());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, t->errbuf);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  // Pages: the master follows redirects itself, so that every hop passes the
  // same scope, robots and politeness checks. robots.txt: up to 5 hops here
  // (RFC 9309 section 2.3.1.2), wherever they lead; sitemaps likewise.
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, site_file ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(h, CURLOPT_AUTOREFERER, 1L);
  if (resolve_) curl_easy_setopt(h, CURLOPT_RESOLVE, resolve_.get());
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // every encoding this libcurl decodes
  const RequestPlan plan =
      planner_.Plan(t->job.url, t->job.trusted, t->job.cookie, site_file);
  if (plan.refused) {
    wire::FetchResult r;
    r.id = t->job.id;
    r.final_url = std::string(StripFragment(t->job.url));
    r.error = ErrorKind::kBlocked;
    r.error_message = *plan.refused;
    failed_to_start_.push_back(std::move(r));
    idle_.push_back(std::move(t->easy));
    return;
  }
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(plan.timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(settings_.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_USERAGENT, plan.user_agent->c_str());
  t->policy = &policy_;
  curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, OnOpenSocket);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, t.get());
  // Always set, so that curl never reads proxies from the environment on
  // its own: the master has (ProxySettings::from_environment), and the
  // plan decides, no-proxy list included, which requests go through one.
  // Through a proxy the socket goes to the proxy, whose address the guard
  // does not judge: the plan has judged the URL's host instead.
  curl_easy_setopt(h, CURLOPT_PROXY, plan.proxy ? plan.proxy->c_str() : "");
  t->via_proxy = plan.proxy != nullptr;
  ApplyTls(h, settings_.tls);
  if (plan.userpwd) {
    curl_easy_setopt(h, CURLOPT_USERPWD, plan.userpwd->c_str());
    curl_easy_setopt(h, CURLOPT_HTTPAUTH, plan.auth == HttpAuth::kBasic    ? CURLAUTH_BASIC
                                          : plan.auth == HttpAuth::kDigest ? CURLAUTH_DIGEST
                                                                           : CURLAUTH_BASIC | CURLAUTH_DIGEST);
  }
  if (plan.netrc) {
    curl_easy_setopt(h, CURLOPT_NETRC, static_cast<long>(CURL_NETRC_OPTIONAL));
    curl_easy_setopt(h, CURLOPT_NETRC_FILE, settings_.netrc_file.c_str());
  }
  if (!plan.cookie.empty()) curl_easy_setopt(h, CURLOPT_COOKIE, plan.cookie.c_str());
  if (!site_file && plan.user_agent) t->robots_token = RobotsProductToken(*plan.user_agent);
  t->collect_cookies = settings_.cookies && !site_file;
  t->keep_headers = settings_.keep_headers && !site_file;
  t->save = !settings_.save_dir.empty() && !site_file;
  if (!site_file) {
    t->keep_body = settings_.keep_body;
    t->digest.emplace(DigestStream::Algorithm::kSha256);
    if (!settings_.accept_types.empty()) t->accept_types = &settings_.accept_types;
  }
  if (t->job.report_sent) {
    t->sending = &sending_;
    curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, OnRequest);
    curl_easy_setopt(h, CURLOPT_PREREQDATA, t.get());
  }
  // The plan's headers, then, for a conditional GET, the validators: the
  // server answers 304 if the page is as last fetched.
  bool listed = true;
  for (const std::string& line : plan.headers) listed = listed && AddHeader(&t->headers, line);
  if (!listed ||
      (!site_file && (!AddValidator(&t->headers, "If-None-Match", t->job.if_none_match) ||
                   !AddValidator(&t->headers, "If-Modified-Since", t->job.if_modified_since)))) {
    wire::FetchResult r;
    r.id = t->job.id;
    r.error = ErrorKind::kOther;
    r.error_message = "out of memory for request headers";
    failed_to_start_.push_back(std::move(r));
    idle_.push_back(std::move(t->easy));
    return;
  }
  if (t->headers) curl_easy_setopt(h, CURLOPT_HTTPHEADER, t->headers.get());
  CURLMcode rc = curl_multi_add_handle(multi_.get(), h);
  if (rc != CURLM_OK) {
    wire::FetchResult r;
    r.id = t->job.id;
    r.error = ErrorKind::kOther;
    r.error_message = std::string("cannot start transfer: ") + curl_multi_strerror(rc);
    failed_to_start_.push_back(std::move(r));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);  // t->headers goes with t
    idle_.push_back(std::move(t->easy));
    return;
  }
  transfers_.emplace(h, std::move(t));
}

void Fetcher::Perform(std::vector<wire::FetchResult>* finished) {
  int running = 0;
  curl_multi_perform(multi_.get(), &running);
  if (!sending_.empty()) {
    // curl writes a request in the same call that announced it, so a time
    // read now is at or after the sending, never before: the master counts
    // the host's delay from it. Reported before any parse can hold us up.
    const std::int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                    std::chrono::steady_clock::now().time_since_epoch())
                                    .count();
    sent_.clear();
    for (std::uint64_t id : sending_) sent_.push_back(wire::RequestSent{id, now_ns});
    sending_.clear();
    if (on_sent_) on_sent_(sent_);
  }
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    auto it = transfers_.find(msg->easy_handle);
    if (it == transfers_.end()) continue;
    std::unique_ptr<Transfer> t = std::move(it->second);
    transfers_.erase(it);
    curl_multi_remove_handle(multi_.get(), t->easy.get());
    bool parse = false;
    wire::FetchResult r = Finish(*t, msg->data.result, &parse);
    std::unique_ptr<WarcExchange> archive = TakeExchange(*t, r);
    if (t->save) SaveBody(r, *t);
    // The header list dies with the transfer; an idle handle must not point at it.
    curl_easy_setopt(t->easy.get(), CURLOPT_HTTPHEADER, nullptr);
    idle_.push_back(std::move(t->easy));
    if (parse && t->body.size() > kBigPageBytes) {
      // The scanner needs no token: its memory is a few times the body's,
      // not the tree's sixteen. A page it hands over waits for one, behind
      // any page already waiting, so that big pages keep their order.
      if (on_parse_) on_parse_(r.id, true);
      std::optional<ExtractedPage> scanned =
          ScanBody(t->body, r.content_type, r.final_url, settings_.extract, fields_,
                   PageRobots{t->robots_token, t->header_robots});
      if (on_parse_) on_parse_(r.id, false);
      if (!scanned) {
        deferred_.push_back(PendingParse{std::move(r), std::move(t->body), std::move(archive),
                                         std::move(t->robots_token), t->header_robots});
        continue;
      }
      Apply(r, std::move(*scanned));
      parse = false;
    }
    if (parse) {
      if (on_parse_) on_parse_(r.id, true);
      Parse(r, t->body, PageRobots{t->robots_token, t->header_robots});
      if (on_parse_) on_parse_(r.id, false);
    }
    if (r.page_body) r.body = std::move(t->body);
    Archive(std::move(archive), r);
    finished->push_back(std::move(r));
  }
  for (wire::FetchResult& r : failed_to_start_) finished->push_back(std::move(r));
  failed_to_start_.clear();
  ParseDeferred(finished);
}

void Fetcher::ParseDeferred(std::vector<wire::FetchResult>* finished) {
  while (!deferred_.empty()) {
    const Token token = TryTakeToken();
    if (token == Token::kBusy) {
      for (PendingParse& waiting : deferred_) {
        if (waiting.logged) continue;
        waiting.logged = true;
        LogDebug("parse of " + waiting.result.final_url + " (" +
                 std::to_string(waiting.body.size()) +
                 " bytes) deferred: another fetcher is parsing a big page");
      }
      return;
    }
    PendingParse p = std::move(deferred_.front());
    deferred_.pop_front();
    // The watch starts now that the parse does (waiting for the token is not
    // parsing), and ends only after the token is back: a holder stopped (say,
    // by SIGSTOP) while it holds the token is seen and killed by the master,
    // which frees the token.
    if (on_parse_) on_parse_(p.result.id, true);
    // The scanner handed this page over already: gumbo alone.
    Parse(p.result, p.body, PageRobots{p.robots_token, p.header_robots}, true);
    if (p.result.page_body) {
      p.result.body = std::move(p.body);
    } else {
      std::string().swap(p.body);
    }
    // The big tree's memory goes back to the system before the next fetcher
    // may start its own: malloc would keep much of it for this process
    // otherwise, and the token would then bound little.
    ::malloc_trim(0);
    if (token == Token::kTaken) ReleaseToken();
    if (on_parse_) on_parse_(p.result.id, false);
    Archive(std::move(p.archive), p.result);
    finished->push_back(std::move(p.result));
  }
}

std::unique_ptr<WarcExchange> Fetcher::TakeExchange(Transfer& t, const wire::FetchResult& r) {
  if (!t.capture || !t.capture->has_response()) return nullptr;
  auto x = std::make_unique<WarcExchange>();
  x->target_uri = WithoutUserInfo(t.job.url);
  x->date_ms = t.fetched_at_ms;
  char* ip = nullptr;
  curl_easy_getinfo(t.easy.get(), CURLINFO_PRIMARY_IP, &ip);
  if (ip) x->ip = ip;
  x->not_modified = r.status == 304;
  // Why the body is not whole, in WARC-Truncated's words.
  switch (r.error) {
    case ErrorKind::kNone:
    case ErrorKind::kHttp:
      break;
    case ErrorKind::kTooLarge:
      x->truncated = "length";
      break;
    case ErrorKind::kTimeout:
      x->truncated = "time";
      break;
    case ErrorKind::kNetwork:
      x->truncated = "disconnect";
      break;
    default:
      x->truncated = "unspecified";
      break;
  }
  if (x->truncated.empty() && t.capture->body_cut()) x->truncated = "length";
  x->capture = std::move(t.capture);
  return x;
}

void Fetcher::Archive(std::unique_ptr<WarcExchange> x, wire::FetchResult& r) {
  if (!x) return;
  x->outlinks = r.links;
  Result<WarcExtent> written = warc_->Write(*x);
  if (!written.ok()) {
    r.warc_error = written.status().message();
    return;
  }
  r.warc.serial = written.value().serial;
  r.warc.offset = written.value().offset;
  r.warc.length = written.value().length;
}

Fetcher::Token Fetcher::TryTakeToken() {
  if (!big_parse_token_) return Token::kNone;
  for (;;) {
    if (::flock(big_parse_token_.get(), LOCK_EX | LOCK_NB) == 0) return Token::kTaken;
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK) return Token::kBusy;
    // Never lose a page over the token: without it, parse at once.
    LogWarn(std::string("cannot lock the big-parse token (") + std::strerror(errno) +
            "): big pages are parsed without waiting for other fetchers");
    big_parse_token_.Reset();
    return Token::kNone;
  }
}

void Fetcher::ReleaseToken() {
  // Fails only for a descriptor that is not open, and then holds no lock.
  (void)::flock(big_parse_token_.get(), LOCK_UN);
}

wire::FetchResult Fetcher::Finish(Transfer& t, CURLcode code, bool* parse) {
  CURL* h = t.easy.get();
  long status = 0;
  char* effective = nullptr;
  char* type = nullptr;
  curl_off_t total_us = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &effective);
  curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type);
  curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &total_us);

  char* redirect = nullptr;
  curl_off_t retry_after = 0;
  curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &redirect);
  curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &retry_after);
  if (t.cap_hit && t.truncate) {  // a long robots.txt: its first part is what counts
    t.cap_hit = false;
    if (code == CURLE_WRITE_ERROR) code = CURLE_OK;
  }
  // A sitemap read as far as it may be: its reader says why, below.
  if (t.sitemap_stopped && code == CURLE_WRITE_ERROR) code = CURLE_OK;

  // A 304 answers a conditional request: the page is as last fetched, with
  // no body to parse. It is no redirect, even if it sends a Location.
  const bool not_modified = status == 304;

  wire::FetchResult r;
  r.id = t.job.id;
  r.status = static_cast<int>(status);
  if (redirect && status >= 300 && status < 400 && !not_modified) {
    // The Location header resolved as browsers resolve it (the WHATWG URL
    // parser, against the URL that answered), not as curl does: a "\\",
    // spaces, a non-ASCII host are taken as in a link. One that does not
    // resolve goes as it is, and the master refuses it.
    std::optional<std::string> target;
    if (!t.location.empty()) {
      target = UrlResolver(effective ? effective : t.job.url).Resolve(t.location);
    }
    r.redirect_url = target ? std::move(*target) : (t.location.empty() ? redirect : t.location);
  }
  if (retry_after > 0) r.retry_after_s = static_cast<std::int64_t>(retry_after);
  r.final_url = std::string(StripFragment(effective ? effective : t.job.url));
  if (type) r.content_type = type;
  r.bytes = t.bytes;
  r.elapsed_ms = static_cast<std::uint64_t>(total_us / 1000);
  r.fetched_at_ms = t.fetched_at_ms;
  r.etag = std::move(t.etag);
  r.last_modified = std::move(t.last_modified);
  r.set_cookies = std::move(t.set_cookies);
  r.headers = std::move(t.headers_kept);
  if (t.headers_cut) r.truncated.push_back("headers");
  // Blocked only when the guard let no socket open: a refused address
  // followed by another that failed to connect is a connect failure.
  r.error = ClassifyTransfer(code, status, t.cap_hit, !t.refused.empty() && t.sockets == 0);
  if (t.via_proxy && !t.refused.empty()) r.error = ErrorKind::kBlocked;  // see RefuseRedirect
  if (t.unwanted) {
    r.error = ErrorKind::kUnwantedType;
    if (r.content_type.empty()) r.content_type = t.content_type;
  }
  // A TLS alert arrives as a failed read or write (TLS 1.3 servers refuse a
  // missing client certificate after the handshake): still a TLS failure.
  if (r.error == ErrorKind::kNetwork && (code == CURLE_RECV_ERROR || code == CURLE_SEND_ERROR) &&
      std::strstr(t.errbuf, "SSL") != nullptr) {
    r.error = ErrorKind::kTls;
  }
  switch (r.error) {
    case ErrorKind::kNone:
      break;
    case ErrorKind::kBlocked:
      r.error_message = t.refused;
      break;
    case ErrorKind::kHttp:
      r.error_message = "HTTP " + std::to_string(status);
      break;
    case ErrorKind::kUnwantedType:
      r.error_message = "content type " + t.content_type + " not accepted by --accept-type";
      break;
    case ErrorKind::kTooLarge:
      r.error_message = "body larger than --max-bytes (" + std::to_string(t.max_bytes) +
                        " bytes after decompression)";
      break;
    default:
      r.error_message = TransferErrorMessage(code, t.errbuf, t.head_complete);
      break;
  }
  if (t.job.kind == wire::JobKind::kRobots) {
    r.body = std::move(t.body);
    return r;
  }
  if (t.job.kind == wire::JobKind::kSitemap) {
    // A 2xx with no body never reached OnSitemapBody: an empty sitemap.
    if (!t.sitemap && status >= 200 && status < 300 && code == CURLE_OK) {
      t.sitemap = std::make_unique<SitemapReader>();
    }
    if (t.sitemap) TakeSitemap(r, *t.sitemap, code == CURLE_OK);
    return r;
  }
  // The body is whole, and the record's (not a redirect hop's, not an
  // answer that has none): its digest, and with keep_body the bytes.
  const bool whole = code == CURLE_OK && !t.cap_hit && status > 0 && status != 204 &&
                     !not_modified && r.redirect_url.empty();
  if (whole && t.digest) {
    r.sha256 = Hex(t.digest->Finish());
  }
  r.page_body = whole && t.keep_body;
  if (r.error == ErrorKind::kNone && r.redirect_url.empty()) ReadSignals(t, r);
  // An untyped body is sniffed; one typed otherwise (kept only for
  // keep_body) is not HTML, whatever it starts with.
  *parse = r.error == ErrorKind::kNone && r.redirect_url.empty() && !not_modified && t.keep == 1 &&
           (IsHtmlType(type) || (type == nullptr && LooksLikeHtml(t.body)));
  return r;
}

void Fetcher::ReadSignals(Transfer& t, wire::FetchResult& r) {
  for (const std::string& tag : t.robots_tags) {
    t.header_robots |= ParseXRobotsTag(tag, t.robots_token);
  }
  // Any response's noindex counts; its nofollow concerns only the links
  // of an HTML page, which the parse leaves out.
  r.noindex = t.header_robots.noindex;
  for (const std::string& value : t.link_values) {
    std::optional<std::string> reference = CanonicalOfLinkHeader(value);
    if (!reference) continue;
    // The first canonical link counts; one that names no http(s) URL (or
    // too long a one to admit) names none.
    std::optional<std::string> canonical = UrlResolver(r.final_url).ResolveLink(*reference);
    if (canonical && canonical->size() <= kMaxUrlBytes) r.canonical = std::move(*canonical);
    break;
  }
}

void Fetcher::SaveBody(wire::FetchResult& r, const Transfer& t) {
  // Only a whole body of an ok response: a --max-bytes cut is too_large, a
  // body of another response kept by mistake would not be the page's.
  if (r.error != ErrorKind::kNone || r.status < 200 || r.status >= 300 || !r.redirect_url.empty() ||
      (!t.save_body && t.bytes > 0) || t.body.size() != t.bytes) {
    return;
  }
  std::optional<CanonicalUrl> url = Canonicalize(r.final_url);
  if (!url) return;  // curl fetched it, so it parses; nothing to name it by otherwise
  if (!save_dir_) {
    Result<SaveDirectory> opened = SaveDirectory::Open(settings_.save_dir);
    if (!opened.ok()) {
      LogWarn("not saved: " + r.final_url + ": " + opened.status().message());
      return;
    }
    save_dir_.emplace(std::move(opened).value());
  }
  const std::string relative = SavePathFor(*url);
  Result<SaveDirectory::Outcome> saved = save_dir_->Save(relative, t.body);
  if (!saved.ok()) {
    LogWarn("not saved: " + r.final_url + ": " + saved.status().message());
    return;
  }
  r.saved = save_dir_->Join(relative);
}

void Fetcher::Parse(wire::FetchResult& r, const std::string& body, const PageRobots& robots,
                    bool tree_only) {
  if (tree_only) {
    ExtractSettings settings = settings_.extract;
    settings.full_parse = true;
    Apply(r, ExtractBody(body, r.content_type, r.final_url, settings, fields_, &arena_, robots));
    return;
  }
  Apply(r, ExtractBody(body, r.content_type, r.final_url, settings_.extract, fields_, &arena_,
                       robots));
}

void Fetcher::Apply(wire::FetchResult& r, ExtractedPage page) const {
  // The page's own canonical wins over its Link header's.
  r.noindex = r.noindex || page.noindex;
  if (page.canonical) r.canonical = std::move(*page.canonical);
  r.title = std::move(page.title);
  r.description = std::move(page.description);
  r.links = std::move(page.links);
  // In the rules' order, as the frame carries them (and cuts the last ones
  // first); a name two rules share goes once, with what the page keeps.
  for (const CompiledField& field : fields_) {
    auto it = page.fields.find(field.name);
    if (it == page.fields.end()) continue;
    r.fields.emplace_back(field.name, std::move(it->second));
    page.fields.erase(it);
  }
  r.text = std::move(page.text);
  // The extraction's cuts come before "headers", the record's last part.
  r.truncated.insert(r.truncated.begin(), std::make_move_iterator(page.truncated.begin()),
                     std::make_move_iterator(page.truncated.end()));
}

Status Fetcher::Wait(int extra_fd, int timeout_ms, bool* extra_ready) {
  curl_waitfd extra{extra_fd, CURL_WAIT_POLLIN, 0};
  int numfds = 0;
  CURLMcode rc = curl_multi_poll(multi_.get(), extra_fd >= 0 ? &extra : nullptr,
                                 extra_fd >= 0 ? 1u : 0u, timeout_ms, &numfds);
  if (rc == CURLM_OUT_OF_MEMORY) {
    return Status::ResourceExhausted(std::string("curl_multi_poll: ") + curl_multi_strerror(rc));
  }
  if (rc != CURLM_OK)
    return Status::IOError(std::string("curl_multi_poll: ") + curl_multi_strerror(rc));
  if (extra_ready) *extra_ready = extra.revents != 0;
  return {};
}

}  // namespace forage
