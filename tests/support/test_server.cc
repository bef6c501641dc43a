// forage_test_server: a local HTTP server for the integration tests.
//
// Listens on 127.0.0.1 on an ephemeral port and prints "PORT <n>" on stdout
// once it accepts connections: reading that line is the tests' only
// synchronisation. It then prints "HELD <path>" whenever a /hold/ request
// arrives, and with --log-requests "GOT <path>" for every request. Lines on
// stdin are commands: "release" answers every held request (and all later
// ones) at once; "mark" prints "MARK" (everything printed before it is
// complete); "bump ID" makes /cond/ID's next version current and prints
// "BUMPED ID" once it is; "requests" and "stats" print "REQUESTS <json>" and
// "STATS <json>", the bodies of /_requests and /_stats on one line (no
// connection needed, so they work under mutual TLS too). EOF on stdin stops
// the server. --robots-dir DIR serves /robots.txt from DIR. --tls CERT KEY
// serves the same routes over HTTPS (PEM files; CERT may hold a chain);
// --client-ca CA, with --tls, also requires a client certificate that CA
// signed (mutual TLS): a client without one fails the handshake.
//
// Routes:
//   /page/N            HTML page "Page N" linking to N+1, N+2 and odd forms
//   /status/N          that status with a small HTML body
//   /redirect/N        302 chain down to /redirect/0, which goes to /page/1
//   /loop/a, /loop/b   302 to each other
//   /redirect-ftp      302 to ftp://127.0.0.1/x
//   /stall             answers only when the server stops (for --timeout)
//   /big?bytes=N       N bytes with Content-Length
//   /chunked?bytes=N   N bytes, chunked
//   /short             promises 1000 bytes, sends 100, closes
//   /bomb              gzip member inflating to 256 MiB of zeros (~250 KiB)
//   /binary            4 KiB of bytes as application/octet-stream
//   /save/PATH?Q       "body of /save/PATH" and the query's name=value pairs, text/plain (--save)
//   /random?bytes=N    N pseudo-random bytes (the same for every request) as
//                      application/octet-stream with Content-Length, sent as they are made:
//                      a body that neither gzip nor httplib can shrink
//   /hold/ID           waits for "release" on stdin
//   /bightml/N?bytes=K&hold=1&tree=1
//                      HTML page "big N" of exactly K bytes (default 1.5 MiB) of paragraphs,
//                      with a link to /page/N first and one to /page/N+1 last; with hold=1
//                      it prints "HELD <path>" and waits for "release" first; with tree=1
//                      its body starts with an empty <template>, which changes no record
//                      but makes forage's scanner hand the page to gumbo
//   /no-type           an HTML page served without Content-Type
//   /deflate           a page sent with Content-Encoding: deflate (zlib)
//   /gzip?chunked=1&bytes=N
//                      a page gzipped once, as text/html with Content-Encoding: gzip:
//                      a fixed page, or GzipPage(N) (support/test_bodies.h) with bytes=N; with
//                      chunked=1 the same bytes chunked (100-byte chunks) as
//                      application/octet-stream, a type httplib does not gzip again
//   /sitemap-gen?urls=N&pad=P&gzip=1
//                      a urlset of N entries (default 3) http://sitemap.test/page/I with
//                      <lastmod>2024-01-02</lastmod>, then P spaces, with Content-Length;
//                      application/xml, or with gzip=1 gzipped as a file (application/gzip,
//                      no Content-Encoding)
//   /typed?type=T&bytes=N
//                      TypedBody(N) (support/test_bodies.h), with Content-Length, as Content-Type T (none
//                      without type=, and then N > 0; default N 1000)
//   /ua                a page whose title is the request's User-Agent
//   /_stats            JSON of per-host request accounting (see below); not itself counted
//   /slow/N?ms=M       "slow N", no links, after M ms (default 200) or at server stop
//   /flaky/ID?fail=K&status=S
//                      the first K (default 1) requests for ID, from any host, answer
//                      status S (default 503); later ones 200 "flaky ID"
//   /retry-after/ID?secs=S&form=F&status=C
//                      the first request for ID answers C (default 429) with Retry-After:
//                      S (default 1) seconds (form=seconds, the default) or an IMF-fixdate S
//                      seconds ahead (form=date); later ones 200 "retried ID"
//   /robots.txt        per host H (Host header without port), from --robots-dir DIR:
//                      a 301 to the path or URL in DIR/H.redirect, else DIR/H.txt as
//                      text/plain, else the status in DIR/H.status with an empty body, else
//                      404 (always 404 without --robots-dir)
//   /robots-moved/*.txt  DIR/H.txt (the content behind H.redirect), else 404
//   /doc/PATH, /sitemap.xml
//                      per host H, from --doc-dir DIR: the file DIR/H/PATH (DIR/H/sitemap.xml; no "..", no
//                      hidden names), typed by its extension (.html, .xml, .txt, .gz:
//                      application/gzip, else application/octet-stream), with the header
//                      lines of DIR/H/PATH.headers ("Name: value") if there is one; else 404
//   /links?l=U&l=U...  "links" with one <a href="U"> per l, in order, duplicates kept
//                      (values percent-decoded, '+' is a space; hrefs HTML-escaped)
//   /served?h=NAME:VALUE...&type=T&body=B
//                      B (percent-decoded; default empty) as T (default text/html;
//                      charset=utf-8), with a header NAME: VALUE per h, in order
//   /manylinks?n=K     "many", K distinct links, /page/0 to /page/K-1, in order
//   /grid/K?n=N&hosts=H&ms=M
//                      "grid K" after M ms (default 0), linking to pages 2K+1 and 2K+2 (those
//                      below N, default 100) on host hJ.test (J mod H, default 16), same port
//                      and query: N pages over H hosts, reached from /grid/0
//   /redirect-to?url=U&status=S
//                      status S (default 302, any number) with Location: U
//   /deep?n=N          "deep", N (default 100000) unclosed <div>, then a link to /page/1
//   /charset/NAME      pages whose title and text must decode to a known string, with the
//                      charset declared in the header, a <meta charset> or a <meta
//                      http-equiv>, or not at all (see CharsetPages below)
//   /site/...          a small site of relative, absolute and odd links for depth crawls
//                      (see SitePage below); /site/index.html is deliberately 404
//   /cond/ID?etag=0&lm=0&link=PATH
//                      page "cond ID vN" at version N (1 until "bump ID") with ETag "ID-vN"
//                      (none with etag=0) and Last-Modified 2024-01-01 00:00:00 GMT plus N
//                      hours (none with lm=0), an <a href="PATH"> per link (repeatable or
//                      comma separated). Conditional GET as RFC 9110 says: with
//                      If-None-Match, 304 if it lists the current ETag (weak comparison) or
//                      is "*", else 200; without it, 304 if If-Modified-Since is an HTTP-date
//                      at or after Last-Modified. A 304 has the ETag and Last-Modified
//                      headers and no body.
//   /follow/           a page with a link of every --follow kind (see FollowPage below);
//   /follow/NAME       "follow NAME", no links, as text/html
//   /_requests         JSON of the requests received (see below); not itself logged or counted
//   /echo?l=U&l=U...   "echo": one <p class="h">NAME: VALUE</p> per request header (names
//                      lower-cased; names in alphabetical order, as httplib keeps them, the
//                      values of a repeated name in arrival order), then an <a href="U">
//                      per l as /links does
//   /login?next=PATH&name=N&value=V&attrs=A...
//                      "login" with Set-Cookie: N=V; Path=/ (default session=abc) plus
//                      "; A" per attrs value (percent-decoded, e.g. Secure, Domain=x.test,
//                      Max-Age=0), linking to PATH (default /private/1, carrying name and
//                      value in its query when they are not the defaults)
//   /login-redirect?...  the same cookie on a 302 to PATH instead of a page
//   /private/N?name=N&value=V&n=K
//                      403 "forbidden" unless a Cookie header carries N=V (default
//                      session=abc); then "private N" linking to /private/N+1 (below K,
//                      default 8) with the same query
//   /basic/N?user=U&pass=P
//                      401 with WWW-Authenticate: Basic realm="forage" unless
//                      Authorization is Basic base64(U:P) (default user:secret); then
//                      "basic N" linking to /basic/N+1 (below 5) with the same query
//   /digest/N?user=U&pass=P
//                      HTTP Digest (RFC 7616: MD5, qop=auth, realm "forage", a fixed nonce
//                      and opaque), default user:secret: 401 with the challenge unless the
//                      Authorization response is valid for this method and target; then
//                      "digest N" linking to /digest/N+1 (below 5) with the same query
//   /bearer/N?token=T  401 with WWW-Authenticate: Bearer realm="forage" unless
//                      Authorization is Bearer T (default tok); then "bearer N" linking to
//                      /bearer/N+1 (below 5) with the same query
//
// Every request but /_stats and /_requests is counted per host name (the Host header
// without its port, lower-cased; tests reach the one server under several names via
// --resolve): requests, current and maximum in flight (from routing until the handler
// returns, so 404s and errors count too) and each start time in ms since server start
// (steady clock). /_stats is {"hosts": {HOST: {...}}, "cond": {ID: {"requests": n,
// "conditional": n, "not_modified": n}}}, "cond" counting /cond/ID requests, those with
// If-None-Match or If-Modified-Since, and the 304s among them.
//
// Every request but /_requests and /_stats is also logged, the last 10,000 kept: /_requests
// is {"requests": [{"host": Host without port, lower-cased, "path": the request-target
// (path and query) as sent, "peer": the client's address, "tls": bool, "headers":
// {lower-case name: [values]}}, ...]}, oldest first. Header names are those the client sent
// (httplib's own REMOTE_ADDR and the like left out); bytes that are not UTF-8 read as
// U+FFFD.

#include <httplib.h>
#include <sys/resource.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "support/request_auth.h"
#include "support/test_bodies.h"

namespace {

using forage::test::GzipPage;
using forage::test::TypedBody;

std::mutex g_mu;
std::condition_variable g_cv;
bool g_released = false;
bool g_stopping = false;
bool g_log_requests = false;

void Say(const std::string& line) {
  std::lock_guard<std::mutex> lock(g_mu);
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

std::string PageHtml(int n) {
  std::string s = "<!DOCTYPE html>\n<html><head>\n  <title>\n   Page " + std::to_string(n) +
                  "\n  </title>\n  <meta name=\"Description\" content=\"About page " +
                  std::to_string(n) + "\">\n</head><body>\n<h1>Page " + std::to_string(n) +
                  "</h1>\n<p>Some text &amp; more.</p>\n";
  s += "<a href=\"/page/" + std::to_string(n + 1) + "\">next</a>\n";
  s += "<a href=\"" + std::to_string(n + 2) + "#section\">relative with fragment</a>\n";
  s += "<a href=\"./" + std::to_string(n + 1) + "\">duplicate of next</a>\n";
  s += "<a href=\"#top\">self fragment</a>\n";
  s += "<a href=\"mailto:someone@example.com\">mail</a>\n";
  s += "<a href=\"javascript:void(0)\">js</a>\n";
  s += "</body></html>\n";
  return s;
}

// A valid HTML page of exactly `bytes` bytes (at least some 300): title "big N",
// a description, a link to /page/N, paragraphs with inline markup (for a tree of
// realistic shape), and a link to /page/N+1 last.
std::string BigHtml(int n, std::size_t bytes, bool tree) {
  std::string s = "<!DOCTYPE html>\n<html><head><title>big " + std::to_string(n) +
                  "</title><meta name=\"description\" content=\"About big " + std::to_string(n) +
                  "\"></head><body>\n" + (tree ? "<template></template>" : "") +
                  "<a href=\"/page/" + std::to_string(n) + "\">first</a>\n";
  const std::string tail =
      "<a href=\"/page/" + std::to_string(n + 1) + "\">last</a>\n</body></html>\n";
  static const std::string para =
      "<div class=\"s\"><p>Lorem <em>ipsum</em> dolor sit amet, <code>consectetur</code> "
      "adipiscing elit.</p></div>\n";
  while (s.size() + para.size() + tail.size() <= bytes) s += para;
  if (s.size() + tail.size() < bytes) s += std::string(bytes - s.size() - tail.size(), ' ');
  return s + tail;
}

// A small page, gzip-compressed once (for /gzip): the bytes on the wire are
// fixed, so a test can digest them.
std::string Gzip(const std::string& plain);

const std::string& GzipPage() {
  static const std::string body = [] {
    std::string page = "<html><title>gzipped</title><body>";
    for (int i = 0; i < 200; ++i) page += "<p>line " + std::to_string(i) + "</p>\n";
    page += "<a href=\"/page/1\">one</a></body></html>\n";
    return Gzip(page);
  }();
  return body;
}

const std::string& BombBody() {
  static std::string body = [] {
    std::string zeros(1 << 20, '\0');
    z_stream z{};
    deflateInit2(&z, 9, Z_DEFLATED, 15 + 16 /* gzip */, 9, Z_DEFAULT_STRATEGY);
    std::string out;
    char buf[1 << 16];
    for (int i = 0; i < 256; ++i) {
      z.next_in = reinterpret_cast<Bytef*>(zeros.data());
      z.avail_in = static_cast<uInt>(zeros.size());
      int flush = i == 255 ? Z_FINISH : Z_NO_FLUSH;
      do {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        deflate(&z, flush);
        out.append(buf, sizeof buf - z.avail_out);
      } while (z.avail_out == 0);
    }
    deflateEnd(&z);
    return out;
  }();
  return body;
}

std::string Gzip(const std::string& plain) {
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, 15 + 16 /* gzip */, 9, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, plain.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  z.avail_in = static_cast<uInt>(plain.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// For sitemap jobs (/sitemap-gen): a urlset of `urls` entries
// http://sitemap.test/page/I, each with <lastmod>2024-01-02</lastmod>,
// then `pad` spaces (a sitemap as big as wanted), then its end; gzipped
// (as a .xml.gz file, not as a Content-Encoding) when asked. Made in
// pieces, so a 60 MiB sitemap never sits in memory: Head() + Pad() + Tail().
struct GeneratedSitemap {
  std::string head;
  std::size_t pad = 0;
  std::string tail = "</urlset>\n";

  GeneratedSitemap(std::size_t urls, std::size_t pad_bytes) : pad(pad_bytes) {
    head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
    for (std::size_t i = 0; i < urls; ++i) {
      head += "<url><loc>http://sitemap.test/page/" + std::to_string(i) +
              "</loc><lastmod>2024-01-02</lastmod></url>\n";
    }
  }
  std::size_t size() const { return head.size() + pad + tail.size(); }
  // Up to `max` bytes from `offset`.
  std::string Piece(std::size_t offset, std::size_t max) const {
    std::string out;
    if (offset < head.size()) out = head.substr(offset, max);
    offset = std::max(offset, head.size()) - head.size();
    if (out.size() < max && offset < pad) {
      const std::size_t n = std::min(max - out.size(), pad - offset);
      out.append(n, ' ');
    }
    offset = std::max(offset, pad) - pad;
    if (out.size() < max && offset < tail.size()) out += tail.substr(offset, max - out.size());
    return out;
  }
  std::string Gzipped() const {
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    std::string out;
    char buf[1 << 16];
    for (std::size_t at = 0;;) {
      std::string in = Piece(at, 1 << 20);
      at += in.size();
      z.next_in = reinterpret_cast<Bytef*>(in.data());
      z.avail_in = static_cast<uInt>(in.size());
      const int flush = in.empty() ? Z_FINISH : Z_NO_FLUSH;
      int rc;
      do {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = deflate(&z, flush);
        out.append(buf, sizeof buf - z.avail_out);
      } while (z.avail_out == 0);
      if (in.empty() && rc == Z_STREAM_END) break;
    }
    deflateEnd(&z);
    return out;
  }
};

std::size_t BytesParam(const httplib::Request& req) {
  return req.has_param("bytes") ? std::stoul(req.get_param_value("bytes")) : 1000;
}

long LongParam(const httplib::Request& req, const std::string& key, long fallback) {
  return req.has_param(key.c_str()) ? std::stol(req.get_param_value(key.c_str())) : fallback;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string HtmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// A minimal page: the title (escaped) and a body given as HTML.
std::string Page(const std::string& title, const std::string& body_html) {
  return "<!DOCTYPE html><html><head><title>" + HtmlEscape(title) + "</title></head><body>" +
         body_html + "</body></html>\n";
}

// /follow/: a reference of every kind --follow knows, each to its own page
// under /follow/ (named for the kind), resolved against a <base href>.
std::string FollowPage() {
  return R"html(<!DOCTYPE html><html><head><title>follow</title>
<base href="/follow/">
<meta http-equiv="refresh" content="30; URL='refresh'">
<link rel="stylesheet" href="style-sheet">
<link rel="alternate" hreflang="de" href="link-de">
<link rel="icon" href="icon-not-followed">
<script src="script"></script>
<style>@import "style-import"; body { background: url(style-url) }</style>
</head><body>
<a href="a">a</a>
<iframe src="frame"></iframe>
<img src="media-img.png" srcset="media-1x 1x, media,2x 2x">
<video poster="media-poster"><source src="media-source"><track src="media-track"></video>
<p style="background-image: url(&quot;style-attr&quot;)">styled</p>
<a href="a">a again</a>
</body></html>
)html";
}

// Every value of `key` in the query, in order. httplib's own req.params drops a repeated
// identical key=value pair, which /links must keep, so the raw target is split here.
std::vector<std::string> QueryValues(const httplib::Request& req, const std::string& key) {
  std::vector<std::string> out;
  std::size_t q = req.target.find('?');
  if (q == std::string::npos) return out;
  std::string query = req.target.substr(q + 1);
  std::size_t pos = 0;
  while (pos <= query.size()) {
    std::size_t amp = query.find('&', pos);
    if (amp == std::string::npos) amp = query.size();
    std::string pair = query.substr(pos, amp - pos);
    std::size_t eq = pair.find('=');
    if (httplib::detail::decode_url(pair.substr(0, eq), true) == key) {
      out.push_back(
          eq == std::string::npos ? "" : httplib::detail::decode_url(pair.substr(eq + 1), true));
    }
    pos = amp + 1;
  }
  return out;
}

// --- Per-host accounting (/_stats) ---

const auto g_start = std::chrono::steady_clock::now();

struct HostStats {
  long requests = 0;
  int in_flight = 0;
  int max_in_flight = 0;
  std::vector<double> starts_ms;
  // Each request's [start, end] on the system-wide monotonic clock, so that
  // two servers' requests can be laid side by side.
  std::vector<std::pair<double, double>> spans_abs_ms;
};

double MonotonicMs() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::mutex g_stats_mu;
std::map<std::string, HostStats> g_hosts;  // node-based: entries never move
// The entry the request on this thread was counted against. httplib runs the pre-routing
// handler, the route handler and the post-routing handler of a request on one thread, and
// always reaches the post-routing handler once the pre-routing one has run.
thread_local HostStats* t_counted = nullptr;
thread_local std::size_t t_span = 0;

// The Host header without its port, lower-cased ("" without a Host header).
std::string HostName(const httplib::Request& req) {
  std::string host = req.get_header_value("Host");
  std::size_t end = host.rfind(':');
  if (!host.empty() && host[0] == '[') {  // [v6]:port
    std::size_t close = host.find(']');
    end = close == std::string::npos ? host.size() : close + 1;
  }
  return Lower(host.substr(0, end));
}

void CountStart(const httplib::Request& req) {
  if (req.path == "/_stats" || req.path == "/_requests") return;
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - g_start).count();
  std::string host = HostName(req);
  std::lock_guard<std::mutex> lock(g_stats_mu);
  HostStats& stats = g_hosts[host];
  ++stats.requests;
  stats.max_in_flight = std::max(stats.max_in_flight, ++stats.in_flight);
  stats.starts_ms.push_back(ms);
  stats.spans_abs_ms.push_back({MonotonicMs(), -1});
  t_counted = &stats;
  t_span = stats.spans_abs_ms.size() - 1;
}

void CountEnd() {
  if (t_counted == nullptr) return;
  std::lock_guard<std::mutex> lock(g_stats_mu);
  --t_counted->in_flight;
  t_counted->spans_abs_ms[t_span].second = MonotonicMs();
  t_counted = nullptr;
}

std::string CondStatsJson();

std::string StatsJson() {
  std::string cond = CondStatsJson();
  std::lock_guard<std::mutex> lock(g_stats_mu);
  std::string out = "{\"hosts\":{";
  const char* host_sep = "";
  for (const auto& [host, stats] : g_hosts) {
    std::vector<double> starts = stats.starts_ms;
    std::sort(starts.begin(), starts.end());
    out += host_sep + JsonString(host) + ":{\"requests\":" + std::to_string(stats.requests) +
           ",\"in_flight\":" + std::to_string(stats.in_flight) +
           ",\"max_in_flight\":" + std::to_string(stats.max_in_flight) + ",\"starts_ms\":[";
    const char* sep = "";
    for (double ms : starts) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%s%.3f", sep, ms);
      out += buf;
      sep = ",";
    }
    out += "],\"spans_abs_ms\":[";
    sep = "";
    for (const auto& [begin, end] : stats.spans_abs_ms) {
      char buf[80];
      std::snprintf(buf, sizeof buf, "%s[%.3f,%.3f]", sep, begin, end);
      out += buf;
      sep = ",";
    }
    out += "]}";
    host_sep = ",";
  }
  return out + "},\"cond\":" + cond + "}\n";
}

// --- Request log (/_requests) ---

// Names httplib adds to every request's headers itself; no client sent them.
bool IsHttplibPseudoHeader(const std::string& name) {
  for (const char* own : {"remote_addr", "remote_port", "local_addr", "local_port"}) {
    if (Lower(name) == own) return true;
  }
  return false;
}

// The headers a client sent, names lower-cased. httplib keeps them in a multimap
// ordered by name, so the order across names is alphabetical, not the wire's; the
// values of one name keep their arrival order.
std::vector<std::pair<std::string, std::string>> ClientHeaders(const httplib::Request& req) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, value] : req.headers) {
    if (!IsHttplibPseudoHeader(name)) out.emplace_back(Lower(name), value);
  }
  return out;
}

constexpr std::size_t kRequestLogSize = 10000;
std::mutex g_requests_mu;
std::deque<nlohmann::json> g_requests;  // the last kRequestLogSize, oldest first

void LogRequest(const httplib::Request& req) {
  nlohmann::json headers = nlohmann::json::object();
  for (const auto& [name, value] : ClientHeaders(req)) headers[name].push_back(value);
  nlohmann::json entry = {{"host", HostName(req)},
                          {"path", req.target},
                          {"peer", req.remote_addr},
                          {"tls", req.ssl != nullptr},
                          {"headers", std::move(headers)}};
  std::lock_guard<std::mutex> lock(g_requests_mu);
  g_requests.push_back(std::move(entry));
  if (g_requests.size() > kRequestLogSize) g_requests.pop_front();
}

// {"requests": [...]} on one line. Bytes that are not UTF-8 (a header may carry any)
// become U+FFFD rather than making the whole answer unparsable.
std::string RequestsJson() {
  nlohmann::json all = nlohmann::json::array();
  {
    std::lock_guard<std::mutex> lock(g_requests_mu);
    for (const nlohmann::json& entry : g_requests) all.push_back(entry);
  }
  return nlohmann::json{{"requests", std::move(all)}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// --- /flaky and /retry-after: how often each ID has been asked for ---

std::mutex g_ids_mu;
std::map<std::string, long> g_flaky_seen;
std::map<std::string, long> g_retry_seen;

// Returns how many requests for `id` came before this one.
long Seen(std::map<std::string, long>& counts, const std::string& id) {
  std::lock_guard<std::mutex> lock(g_ids_mu);
  return counts[id]++;
}

// `when` as an IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
std::string HttpDate(std::time_t when) {
  std::tm tm{};
  gmtime_r(&when, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);  // "C" locale names
  return buf;
}

// An IMF-fixdate `secs` seconds from now.
std::string ImfFixdate(long secs) { return HttpDate(std::time(nullptr) + secs); }

// --- /cond/ID: versions, validators and conditional requests ---

struct CondPage {
  long version = 1;
  long requests = 0;
  long conditional = 0;  // with If-None-Match or If-Modified-Since
  long not_modified = 0;
};

std::mutex g_cond_mu;
std::map<std::string, CondPage> g_cond;

std::string CondStatsJson() {
  std::lock_guard<std::mutex> lock(g_cond_mu);
  std::string out = "{";
  const char* sep = "";
  for (const auto& [id, page] : g_cond) {
    out += sep + JsonString(id) + ":{\"requests\":" + std::to_string(page.requests) +
           ",\"conditional\":" + std::to_string(page.conditional) +
           ",\"not_modified\":" + std::to_string(page.not_modified) + "}";
    sep = ",";
  }
  return out + "}";
}

void BumpCond(const std::string& id) {
  {
    std::lock_guard<std::mutex> lock(g_cond_mu);
    ++g_cond[id].version;
  }
  Say("BUMPED " + id);
}

// Version N of every /cond page was last modified N hours after this.
constexpr std::time_t kCondBaseTime = 1704067200;  // Mon, 01 Jan 2024 00:00:00 GMT

// An HTTP-date in any of RFC 9110's three forms (IMF-fixdate, RFC 850, asctime).
std::optional<std::time_t> ParseHttpDate(const std::string& text) {
  for (const char* format :
       {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"}) {
    std::tm tm{};
    const char* end = strptime(text.c_str(), format, &tm);
    if (end != nullptr && *end == '\0') return timegm(&tm);
  }
  return std::nullopt;
}

// Whether an If-None-Match value lists `etag` (weakly compared: W/ ignored on
// both sides) or is "*". `etag` "" is a page without an entity tag, which only
// "*" matches. A malformed list matches nothing past the point it goes wrong.
bool NoneMatchLists(const std::string& header, const std::string& etag) {
  auto opaque = [](std::string_view tag) { return tag.substr(0, 2) == "W/" ? tag.substr(2) : tag; };
  std::string_view rest = header;
  while (true) {
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t' || rest.front() == ',')) {
      rest.remove_prefix(1);
    }
    if (rest.empty()) return false;
    if (rest.front() == '*') return true;
    std::size_t open = rest.substr(0, 2) == "W/" ? 2 : 0;
    if (rest.size() <= open || rest[open] != '"') return false;
    std::size_t close = rest.find('"', open + 1);
    if (close == std::string_view::npos) return false;
    if (!etag.empty() && opaque(rest.substr(0, close + 1)) == opaque(etag)) return true;
    rest.remove_prefix(close + 1);
  }
}

// --- /robots.txt ---

std::string g_robots_dir;

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string Trim(const std::string& s) {
  std::size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t\r\n") + 1 - begin);
}

// The robots file `DIR/<host><suffix>` for this request's host, if there is one.
std::optional<std::string> RobotsFile(const httplib::Request& req, const std::string& suffix) {
  std::string host = HostName(req);
  if (g_robots_dir.empty() || host.empty() || host[0] == '.' ||
      host.find('/') != std::string::npos) {
    return std::nullopt;
  }
  return ReadFile(g_robots_dir + "/" + host + suffix);
}

// --- /doc/ ---

std::string g_doc_dir;

std::string DocType(const std::string& path) {
  auto ends = [&](const char* suffix) {
    const std::size_t n = std::strlen(suffix);
    return path.size() >= n && path.compare(path.size() - n, n, suffix) == 0;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".xml")) return "application/xml";
  if (ends(".txt")) return "text/plain";
  if (ends(".gz")) return "application/gzip";
  return "application/octet-stream";
}

void ServeDoc(const httplib::Request& req, httplib::Response& res) {
  const std::string host = HostName(req);
  const std::string path = req.matches[1];
  const bool safe = !g_doc_dir.empty() && !host.empty() && host[0] != '.' &&
                    host.find('/') == std::string::npos && !path.empty() && path[0] != '.' &&
                    path.find("/.") == std::string::npos;
  std::optional<std::string> body;
  if (safe) body = ReadFile(g_doc_dir + "/" + host + "/" + path);
  if (!body) {
    res.status = 404;
    res.set_content("no such document", "text/plain");
    return;
  }
  if (std::optional<std::string> headers = ReadFile(g_doc_dir + "/" + host + "/" + path + ".headers")) {
    std::istringstream lines(*headers);
    std::string line;
    while (std::getline(lines, line)) {
      const std::size_t colon = line.find(':');
      if (colon != std::string::npos) res.set_header(Trim(line.substr(0, colon)), Trim(line.substr(colon + 1)));
    }
  }
  res.set_content(*body, DocType(path));
}

// --- /deep ---

// The /deep?n=N body, built once per N.
std::shared_ptr<const std::string> DeepBody(long n) {
  static std::mutex mu;
  static std::map<long, std::shared_ptr<const std::string>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto& body = cache[n];
  if (!body) {
    std::string s = "<title>deep</title>";
    s.reserve(s.size() + 5 * static_cast<std::size_t>(n) + 32);
    for (long i = 0; i < n; ++i) s += "<div>";
    s += "<a href=\"/page/1\">x</a>";
    body = std::make_shared<const std::string>(std::move(s));
  }
  return body;
}

// --- /charset/NAME ---

struct CharsetPage {
  std::string content_type;
  std::string body;
};

// Each page's title and text decode, when the declared (or default) charset is honoured, to
// T1 "café crème €", T2 "naïve “quoted”", T3 "日本語のページ" or T4 "Grüße 日本".
const std::map<std::string, CharsetPage>& CharsetPages() {
  static const std::map<std::string, CharsetPage> pages = [] {
    const std::string t1 = "caf\xE9 cr\xE8me \x80";                                     // cp1252
    const std::string t2 = "na\xEFve \x93quoted\x94";                                   // cp1252
    const std::string t3 = "\x93\xFA\x96\x7B\x8C\xEA\x82\xCC\x83\x79\x81\x5B\x83\x57";  // SJIS
    const std::string t4 =
        "Gr\xC3\xBC\xC3\x9F"
        "e \xE6\x97\xA5\xE6\x9C\xAC";  // UTF-8
    const std::string bom = "\xEF\xBB\xBF";
    auto page = [](const std::string& prefix, const std::string& meta, const std::string& text) {
      return prefix + "<!DOCTYPE html><html><head>" + meta + "<title>" + text +
             "</title></head><body><p>" + text + "</p></body></html>";
    };
    std::map<std::string, CharsetPage> out;
    struct Family {
      const char* name;
      const char* label;
      std::string prefix;
      std::string text;
    };
    for (const Family& f :
         {Family{"cp1252", "windows-1252", "", t1}, Family{"latin1", "ISO-8859-1", "", t2},
          Family{"sjis", "Shift_JIS", "", t3}, Family{"utf8bom", "utf-8", bom, t4}}) {
      std::string label = f.label;
      out[std::string(f.name) + "-header"] = {"text/html; charset=" + label,
                                              page(f.prefix, "", f.text)};
      out[std::string(f.name) + "-meta"] = {
          "text/html", page(f.prefix, "<meta charset=\"" + label + "\">", f.text)};
      out[std::string(f.name) + "-httpequiv"] = {
          "text/html",
          page(f.prefix,
               "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=" + label + "\">",
               f.text)};
    }
    out["utf8bom-conflict"] = {"text/html; charset=windows-1252", page(bom, "", t4)};
    out["undeclared"] = {"text/html", page("", "", t1)};
    return out;
  }();
  return pages;
}

// --- /site/ ---

struct SiteLinks {
  std::string title;
  std::vector<std::string> hrefs;
};

// The page at /site/<rest>, whose links use `host` (the full Host header) where absolute.
std::optional<SiteLinks> SitePage(const std::string& rest, const std::string& host) {
  const std::string abs = "http://" + host;
  if (rest.empty()) {
    return SiteLinks{"index",
                     {"a.html", "./b.html#frag", "sub/c.html", "/site/a.html", abs + "/site/b.html",
                      "#top", "mailto:x@example.com", "img/logo.png", "doc.pdf", "missing.html"}};
  }
  if (rest == "a.html") return SiteLinks{"a", {"./", "sub/d.html"}};
  if (rest == "b.html") return SiteLinks{"b", {"sub/deeper/e.html", "b.html#x", "/site/"}};
  if (rest == "sub/c.html") {
    return SiteLinks{"c", {"../a.html", "d.html", "deeper/e.html#x", "./../sub/c.html"}};
  }
  if (rest == "sub/d.html") {
    return SiteLinks{"d",
                     {"../", "/site/sub/c.html", "HTTP://" + Upper(host) + "/site/sub/d.html"}};
  }
  if (rest == "sub/deeper/e.html") {
    return SiteLinks{"e", {"../../a.html", "../../../site/b.html", "f.html"}};
  }
  if (rest == "sub/deeper/f.html") {
    return SiteLinks{"f", {"../../", abs + "/site/sub/./deeper/../deeper/f.html"}};
  }
  return std::nullopt;
}

// A 100-byte file starting with `magic`.
std::string Padded(const std::string& magic) {
  return magic + std::string(100 - magic.size(), ' ');
}

// --- Request shaping: /echo, /login, /private, /basic, /digest, /bearer ---

std::string Param(const httplib::Request& req, const char* key, const std::string& fallback) {
  return req.has_param(key) ? req.get_param_value(key) : fallback;
}

// `s` percent-encoded for a query value (all but A-Z a-z 0-9 - . _ ~).
std::string PercentEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

// "?query" as the request had it ("" without one): a chain's links keep its parameters.
std::string QuerySuffix(const httplib::Request& req) {
  std::size_t q = req.target.find('?');
  return q == std::string::npos ? "" : req.target.substr(q);
}

// Page "ROUTE N", linking to /ROUTE/N+1 with the same query while N+1 < limit.
std::string ChainPage(const std::string& route, long n, long limit, const httplib::Request& req) {
  const std::string title = route + " " + std::to_string(n);
  std::string body = "<p>" + HtmlEscape(title) + "</p>\n";
  if (n + 1 < limit) {
    body += "<a href=\"" +
            HtmlEscape("/" + route + "/" + std::to_string(n + 1) + QuerySuffix(req)) +
            "\">next</a>\n";
  }
  return Page(title, body);
}

void Unauthorized(httplib::Response& res, int status, const std::string& challenge) {
  res.status = status;
  if (!challenge.empty()) res.set_header("WWW-Authenticate", challenge);
  res.set_content(Page("unauthorized", "<p>credentials needed</p>"), "text/html; charset=utf-8");
}

// /login and /login-redirect: the cookie they set and where they send the client.
struct Login {
  std::string set_cookie;
  std::string next;
};

Login LoginFor(const httplib::Request& req) {
  const std::string name = Param(req, "name", "session");
  const std::string value = Param(req, "value", "abc");
  Login login{name + "=" + value + "; Path=/", Param(req, "next", "")};
  for (const std::string& attr : QueryValues(req, "attrs")) login.set_cookie += "; " + attr;
  if (login.next.empty()) {
    // /private checks session=abc unless told otherwise, so other pairs go along.
    login.next = "/private/1";
    if (name != "session" || value != "abc") {
      login.next += "?name=" + PercentEncode(name) + "&value=" + PercentEncode(value);
    }
  }
  return login;
}

const forage::test::DigestRealm& DefaultDigestRealm() {
  static const forage::test::DigestRealm realm{"forage", "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                                               "5ccc069c403ebaf9f0171e9517f40e41", "user",
                                               "secret"};
  return realm;
}

}  // namespace

int main(int argc, char** argv) {
  std::string tls_cert, tls_key, client_ca;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--log-requests") g_log_requests = true;
    if (std::string(argv[i]) == "--robots-dir" && i + 1 < argc) g_robots_dir = argv[++i];
    if (std::string(argv[i]) == "--doc-dir" && i + 1 < argc) g_doc_dir = argv[++i];
    if (std::string(argv[i]) == "--tls" && i + 2 < argc) {
      tls_cert = argv[++i];
      tls_key = argv[++i];
    }
    if (std::string(argv[i]) == "--client-ca" && i + 1 < argc) client_ca = argv[++i];
  }
  // The server is the tests' observer of when requests arrive (starts_ms):
  // on a loaded machine each timestamp lags the arrival by however long this
  // process waits for a core, and a first request on a new connection (the
  // accept thread, then a pool thread) waits longer than a kept-alive one,
  // so gaps read short by what the client kept (measured: 8 ms under
  // stress-ng --cpu 2). Ahead of busy neighbours the lag stays small. Best
  // effort: without the privilege the server runs as it always did.
  (void)::setpriority(PRIO_PROCESS, 0, -10);
  // The same routes over HTTPS with --tls; with --client-ca as well, httplib has OpenSSL
  // demand a client certificate (SSL_VERIFY_FAIL_IF_NO_PEER_CERT) that CA signed.
  std::unique_ptr<httplib::Server> server_ptr;
  if (!tls_cert.empty()) {
    auto tls = std::make_unique<httplib::SSLServer>(
        tls_cert.c_str(), tls_key.c_str(), client_ca.empty() ? nullptr : client_ca.c_str());
    if (!tls->is_valid()) {
      std::fprintf(stderr, "forage_test_server: cannot load %s / %s%s%s\n", tls_cert.c_str(),
                   tls_key.c_str(), client_ca.empty() ? "" : " / ", client_ca.c_str());
      return 1;
    }
    server_ptr = std::move(tls);
  } else if (!client_ca.empty()) {
    std::fprintf(stderr, "forage_test_server: --client-ca needs --tls\n");
    return 1;
  } else {
    server_ptr = std::make_unique<httplib::Server>();
  }
  httplib::Server& server = *server_ptr;
  server.new_task_queue = [] { return new httplib::ThreadPool(96); };
  server.set_keep_alive_max_count(1000);
  server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    if (g_log_requests) Say("GOT " + req.path);
    CountStart(req);  // first: its start time is what politeness tests measure
    if (req.path != "/_requests" && req.path != "/_stats") LogRequest(req);
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Runs after the handler (or the 404/500 fallback), before the response is written.
  server.set_post_routing_handler([](const httplib::Request&, httplib::Response&) { CountEnd(); });

  server.Get(R"(/page/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(PageHtml(std::stoi(req.matches[1])), "text/html; charset=utf-8");
  });
  server.Get(R"(/status/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    res.status = std::stoi(req.matches[1]);
    // 204 and 304 have no body (RFC 9110); sending one corrupts the next
    // response on a kept-alive connection.
    if (res.status == 204 || res.status == 304) return;
    res.set_content("<html><title>status " + std::string(req.matches[1]) + "</title></html>",
                    "text/html");
  });
  server.Get(R"(/redirect/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    int n = std::stoi(req.matches[1]);
    res.set_redirect(n == 0 ? "/page/1" : "/redirect/" + std::to_string(n - 1), 302);
  });
  server.Get("/loop/a", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("/loop/b", 302);
  });
  server.Get("/loop/b", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("/loop/a", 302);
  });
  server.Get("/redirect-ftp", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("ftp://127.0.0.1/x", 302);
  });
  server.Get("/stall", [](const httplib::Request&, httplib::Response& res) {
    std::unique_lock<std::mutex> lock(g_mu);
    g_cv.wait_for(lock, std::chrono::seconds(60), [] { return g_stopping; });
    res.set_content("late", "text/plain");
  });
  server.Get("/big", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(std::string(BytesParam(req), 'x'), "text/plain");
  });
  server.Get("/chunked", [](const httplib::Request& req, httplib::Response& res) {
    std::size_t total = BytesParam(req);
    res.set_chunked_content_provider(
        "text/html", [total, sent = std::size_t{0}](std::size_t, httplib::DataSink& sink) mutable {
          std::string chunk(std::min<std::size_t>(64 * 1024, total - sent), 'y');
          sent += chunk.size();
          if (!sink.write(chunk.data(), chunk.size())) return false;
          if (sent >= total) sink.done();
          return true;
        });
  });
  server.Get("/short", [](const httplib::Request&, httplib::Response& res) {
    res.set_content_provider(1000, "text/plain",
                             [](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                               if (offset > 0) return false;  // drop the connection
                               std::string part(100, 's');
                               sink.write(part.data(), part.size());
                               return true;
                             });
  });
  server.Get("/bomb", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Content-Encoding", "gzip");
    res.set_content(BombBody(), "text/html");
  });
  // --save: a body naming its path and query, so each URL's file differs.
  server.Get(R"(/save/(.*))", [](const httplib::Request& req, httplib::Response& res) {
    std::string body = "body of " + req.path;
    for (const auto& [name, value] : req.params) body += " " + name + "=" + value;
    res.set_content(body, "text/plain");
  });
  server.Get("/binary", [](const httplib::Request&, httplib::Response& res) {
    std::string bytes(4096, '\0');
    std::mt19937 rng(42);
    for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
    res.set_content(bytes, "application/octet-stream");
  });
  server.Get("/random", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content_provider(
        BytesParam(req), "application/octet-stream",
        [rng = std::mt19937(7), made = std::size_t{0}](std::size_t offset, std::size_t length,
                                                       httplib::DataSink& sink) mutable {
          // httplib asks for the bytes in order, from where the last call ended.
          if (offset != made) return false;
          std::string bytes(std::min<std::size_t>(length, 64 * 1024), '\0');
          for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
          made += bytes.size();
          return sink.write(bytes.data(), bytes.size());
        });
  });
  server.Get(R"(/hold/(.+))", [](const httplib::Request& req, httplib::Response& res) {
    Say("HELD " + req.path);
    std::unique_lock<std::mutex> lock(g_mu);
    g_cv.wait_for(lock, std::chrono::seconds(60), [] { return g_released || g_stopping; });
    res.set_content("<html><title>held " + std::string(req.matches[1]) + "</title></html>",
                    "text/html");
  });
  server.Get(R"(/bightml/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    if (req.has_param("hold")) {
      Say("HELD " + req.path);
      std::unique_lock<std::mutex> lock(g_mu);
      g_cv.wait_for(lock, std::chrono::seconds(60), [] { return g_released || g_stopping; });
    }
    res.set_content(
        BigHtml(std::stoi(req.matches[1]), req.has_param("bytes") ? BytesParam(req) : 1536 * 1024,
                req.has_param("tree")),
        "text/html; charset=utf-8");
  });
  server.Get("/no-type", [](const httplib::Request&, httplib::Response& res) {
    // httplib labels any plain body text/plain; a provider with an empty
    // type sends "Content-Type:" with no value, which clients treat as none.
    static const std::string body =
        "<!DOCTYPE html><html><title>untyped</title><a href=/page/1>x</a></html>";
    res.set_content_provider(body.size(), "",
                             [](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                               sink.write(body.data() + offset, body.size() - offset);
                               return true;
                             });
  });

  server.Get("/deflate", [](const httplib::Request&, httplib::Response& res) {
    std::string page = "<title>deflated</title>" + std::string(10000, 'd');
    uLongf size = compressBound(page.size());
    std::string packed(size, '\0');
    compress2(reinterpret_cast<Bytef*>(packed.data()), &size,
              reinterpret_cast<const Bytef*>(page.data()), page.size(), 9);
    packed.resize(size);
    res.set_header("Content-Encoding", "deflate");
    res.set_content(packed, "text/html");
  });
  server.Get("/gzip", [](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Content-Encoding", "gzip");
    // httplib gzips a set_content() body and a chunked provider's text again
    // for a client accepting gzip; a provider of known length it sends as is.
    auto body = std::make_shared<const std::string>(
        req.has_param("bytes") ? Gzip(GzipPage(BytesParam(req))) : GzipPage());
    if (!req.has_param("chunked")) {
      res.set_content_provider(body->size(), "text/html; charset=utf-8",
                               [body](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                 return sink.write(body->data() + offset, body->size() - offset);
                               });
      return;
    }
    res.set_chunked_content_provider(
        "application/octet-stream",
        [body, sent = std::size_t{0}](std::size_t, httplib::DataSink& sink) mutable {
          std::size_t n = std::min<std::size_t>(100, body->size() - sent);
          if (!sink.write(body->data() + sent, n)) return false;
          sent += n;
          if (sent >= body->size()) sink.done();
          return true;
        });
  });
  server.Get("/sitemap-gen", [](const httplib::Request& req, httplib::Response& res) {
    auto map = std::make_shared<const GeneratedSitemap>(
        static_cast<std::size_t>(LongParam(req, "urls", 3)),
        static_cast<std::size_t>(LongParam(req, "pad", 0)));
    // Bodies of known length: httplib sends them as they are (no gzip of its own).
    if (req.has_param("gzip")) {
      auto body = std::make_shared<const std::string>(map->Gzipped());
      res.set_content_provider(body->size(), "application/gzip",
                               [body](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                 return sink.write(body->data() + offset, body->size() - offset);
                               });
      return;
    }
    res.set_content_provider(map->size(), "application/xml",
                             [map](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                               const std::string piece =
                                   map->Piece(offset, std::min<std::size_t>(length, 1 << 16));
                               return sink.write(piece.data(), piece.size());
                             });
  });
  server.Get("/typed", [](const httplib::Request& req, httplib::Response& res) {
    auto body = std::make_shared<const std::string>(TypedBody(BytesParam(req)));
    if (req.has_param("type")) return res.set_content(*body, req.get_param_value("type"));
    // A provider with an empty type sends "Content-Type:" with no value
    // (see /no-type), which clients take for none. (httplib never ends an
    // empty provided body: untyped bodies need a byte.)
    res.set_content_provider(body->size(), "",
                             [body](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                               return sink.write(body->data() + offset, body->size() - offset);
                             });
  });
  server.Get("/ua", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content("<title>" + req.get_header_value("User-Agent") + "</title>", "text/html");
  });

  // Per-host accounting and test-specific routes. Their handlers only touch the request's
  // own state or the maps above, under their mutexes.
  server.Get("/_stats", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(StatsJson(), "application/json");
  });
  // For politeness tests: a page that takes a while, to show requests overlapping.
  server.Get(R"(/slow/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    long ms = LongParam(req, "ms", 200);
    {
      std::unique_lock<std::mutex> lock(g_mu);
      g_cv.wait_for(lock, std::chrono::milliseconds(ms), [] { return g_stopping; });
    }
    res.set_content(Page("slow " + std::string(req.matches[1]), "<p>slow</p>"),
                    "text/html; charset=utf-8");
  });
  // For retry tests: fails K times per ID, then succeeds.
  server.Get(R"(/flaky/([^/]+))", [](const httplib::Request& req, httplib::Response& res) {
    std::string id = req.matches[1];
    long seen = Seen(g_flaky_seen, id);
    if (seen < LongParam(req, "fail", 1)) {
      res.status = static_cast<int>(LongParam(req, "status", 503));
      res.set_content(Page("flaky " + id + " failure " + std::to_string(seen + 1), ""),
                      "text/html; charset=utf-8");
      return;
    }
    res.set_content(Page("flaky " + id, "<p>ok</p>"), "text/html; charset=utf-8");
  });
  // For Retry-After tests: the first request per ID is turned away with a delay.
  server.Get(R"(/retry-after/([^/]+))", [](const httplib::Request& req, httplib::Response& res) {
    std::string id = req.matches[1];
    if (Seen(g_retry_seen, id) == 0) {
      long secs = LongParam(req, "secs", 1);
      std::string form = req.has_param("form") ? req.get_param_value("form") : "seconds";
      res.status = static_cast<int>(LongParam(req, "status", 429));
      res.set_header("Retry-After", form == "date" ? ImfFixdate(secs) : std::to_string(secs));
      res.set_content(Page("retry " + id + " later", ""), "text/html; charset=utf-8");
      return;
    }
    res.set_content(Page("retried " + id, "<p>ok</p>"), "text/html; charset=utf-8");
  });
  // For robots.txt tests: each host name gets its own rules, status or redirect.
  server.Get("/robots.txt", [](const httplib::Request& req, httplib::Response& res) {
    // H.redirect is checked first: its same-host target /robots-moved/... serves H.txt, so
    // H.txt alone must not short-circuit the redirect.
    if (auto target = RobotsFile(req, ".redirect")) {
      res.status = 301;
      res.set_header("Location", Trim(*target));
    } else if (auto txt = RobotsFile(req, ".txt")) {
      res.set_content(*txt, "text/plain");
    } else if (auto status = RobotsFile(req, ".status")) {
      res.status = std::stoi(Trim(*status));
    } else {
      res.status = 404;
    }
  });
  server.Get(R"(/doc/(.*))", ServeDoc);
  server.Get(R"(/(sitemap\.xml))", ServeDoc);
  server.Get(R"(/robots-moved/.*\.txt)", [](const httplib::Request& req, httplib::Response& res) {
    if (auto txt = RobotsFile(req, ".txt")) {
      res.set_content(*txt, "text/plain");
    } else {
      res.status = 404;
    }
  });
  // For --follow: one page linking in every way forage can follow, and the
  // pages it links to.
  server.Get(R"(/follow/(.*))", [](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1];
    res.set_content(name.empty() ? FollowPage() : Page("follow " + name, ""),
                    "text/html; charset=utf-8");
  });
  // For link-extraction and scope tests: exactly the links asked for.
  server.Get("/links", [](const httplib::Request& req, httplib::Response& res) {
    std::string body;
    for (const std::string& url : QueryValues(req, "l")) {
      body += "<a href=\"" + HtmlEscape(url) + "\">link</a>\n";
    }
    res.set_content(Page("links", body), "text/html; charset=utf-8");
  });
  // A response made to order: site owners' signals in headers and markup.
  server.Get("/served", [](const httplib::Request& req, httplib::Response& res) {
    for (const std::string& header : QueryValues(req, "h")) {
      const std::size_t colon = header.find(':');
      if (colon == std::string::npos) continue;
      res.set_header(header.substr(0, colon), Trim(header.substr(colon + 1)));
    }
    const std::vector<std::string> type = QueryValues(req, "type");
    const std::vector<std::string> body = QueryValues(req, "body");
    res.set_content(body.empty() ? "" : body.front(),
                    type.empty() ? "text/html; charset=utf-8" : type.front());
  });
  // For the links limit: a page of as many distinct links as asked.
  server.Get("/manylinks", [](const httplib::Request& req, httplib::Response& res) {
    const long n = req.has_param("n") ? std::stol(req.get_param_value("n")) : 0;
    std::string body;
    body.reserve(static_cast<std::size_t>(n) * 24);
    for (long i = 0; i < n; ++i) body += "<a href=\"/page/" + std::to_string(i) + "\">x</a>\n";
    res.set_content(Page("many", body), "text/html; charset=utf-8");
  });
  // For shared crawls: a binary tree of n pages spread over `hosts` host names.
  server.Get(R"(/grid/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    const long k = std::stol(req.matches[1]);
    const long n = LongParam(req, "n", 100), hosts = LongParam(req, "hosts", 16);
    const long ms = LongParam(req, "ms", 0);
    if (ms > 0) {
      std::unique_lock<std::mutex> lock(g_mu);
      g_cv.wait_for(lock, std::chrono::milliseconds(ms), [] { return g_stopping; });
    }
    std::string host = req.get_header_value("Host");
    const std::string port = host.substr(host.rfind(':'));
    const std::string query = "?n=" + std::to_string(n) + "&hosts=" + std::to_string(hosts) +
                              "&ms=" + std::to_string(ms);
    std::string body;
    for (long j = 2 * k + 1; j <= 2 * k + 2 && j < n; ++j) {
      body += "<a href=\"http://h" + std::to_string(j % hosts) + ".test" + port + "/grid/" +
              std::to_string(j) + query + "\">" + std::to_string(j) + "</a>\n";
    }
    res.set_content(Page("grid " + std::to_string(k), body), "text/html; charset=utf-8");
  });
  // For redirect tests: any status, any Location (set_redirect would turn non-3xx into 302).
  server.Get("/redirect-to", [](const httplib::Request& req, httplib::Response& res) {
    std::vector<std::string> url = QueryValues(req, "url");
    res.status = static_cast<int>(LongParam(req, "status", 302));
    res.set_header("Location", url.empty() ? "" : url.front());
  });
  // For parser robustness: pathologically deep nesting.
  server.Get("/deep", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(*DeepBody(std::max(0L, LongParam(req, "n", 100000))),
                    "text/html; charset=utf-8");
  });
  // For charset detection: bytes that only decode right under the declared charset.
  server.Get(R"(/charset/([^/]+))", [](const httplib::Request& req, httplib::Response& res) {
    auto it = CharsetPages().find(req.matches[1]);
    if (it == CharsetPages().end()) {
      res.status = 404;
      return;
    }
    res.set_content(it->second.body, it->second.content_type.c_str());
  });
  // For depth and URL-normalisation tests: a small site with every kind of link.
  server.Get(R"(/site/(.*))", [](const httplib::Request& req, httplib::Response& res) {
    std::string rest = req.matches[1];
    if (rest == "img/logo.png") {
      res.set_content(Padded("\x89PNG\r\n\x1a\n"), "image/png");
      return;
    }
    if (rest == "doc.pdf") {
      res.set_content(Padded("%PDF-1.4\n"), "application/pdf");
      return;
    }
    std::optional<SiteLinks> page = SitePage(rest, req.get_header_value("Host"));
    if (!page) {
      res.status = 404;
      res.set_content(Page("not found", ""), "text/html; charset=utf-8");
      return;
    }
    std::string body;
    for (const std::string& href : page->hrefs) {
      body += "<a href=\"" + HtmlEscape(href) + "\">" + HtmlEscape(href) + "</a>\n";
    }
    res.set_content(Page(page->title, body), "text/html; charset=utf-8");
  });

  // For --state tests: a page with validators that changes when told to ("bump ID").
  server.Get(R"(/cond/([^/]+))", [](const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    const bool send_etag = !(req.has_param("etag") && req.get_param_value("etag") == "0");
    const bool send_lm = !(req.has_param("lm") && req.get_param_value("lm") == "0");
    const bool has_inm = req.has_header("If-None-Match");
    const bool has_ims = req.has_header("If-Modified-Since");
    long version;
    {
      std::lock_guard<std::mutex> lock(g_cond_mu);
      CondPage& page = g_cond[id];
      ++page.requests;
      if (has_inm || has_ims) ++page.conditional;
      version = page.version;
    }
    const std::string etag = "\"" + id + "-v" + std::to_string(version) + "\"";
    const std::time_t modified = kCondBaseTime + version * 3600;
    // RFC 9110 section 13.2.2: If-None-Match, when present, decides alone; a
    // resource without a modification date ignores If-Modified-Since.
    bool not_modified = false;
    if (has_inm) {
      not_modified = NoneMatchLists(req.get_header_value("If-None-Match"), send_etag ? etag : "");
    } else if (has_ims && send_lm) {
      std::optional<std::time_t> since = ParseHttpDate(req.get_header_value("If-Modified-Since"));
      not_modified = since && *since >= modified;
    }
    if (send_etag) res.set_header("ETag", etag);
    if (send_lm) res.set_header("Last-Modified", HttpDate(modified));
    if (not_modified) {
      std::lock_guard<std::mutex> lock(g_cond_mu);
      ++g_cond[id].not_modified;
      res.status = 304;
      return;  // no body (see /status/304)
    }
    std::string body;
    for (const std::string& value : QueryValues(req, "link")) {
      std::size_t pos = 0;
      while (pos <= value.size()) {
        std::size_t comma = std::min(value.find(',', pos), value.size());
        std::string path = value.substr(pos, comma - pos);
        if (!path.empty()) body += "<a href=\"" + HtmlEscape(path) + "\">link</a>\n";
        pos = comma + 1;
      }
    }
    res.set_content(Page("cond " + id + " v" + std::to_string(version), body),
                    "text/html; charset=utf-8");
  });

  // Request shaping: headers, cookies and credentials as the server received them.
  server.Get("/_requests", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(RequestsJson() + "\n", "application/json");
  });
  server.Get("/echo", [](const httplib::Request& req, httplib::Response& res) {
    std::string body;
    for (const auto& [name, value] : ClientHeaders(req)) {
      body += "<p class=\"h\">" + HtmlEscape(name + ": " + value) + "</p>\n";
    }
    for (const std::string& url : QueryValues(req, "l")) {
      body += "<a href=\"" + HtmlEscape(url) + "\">link</a>\n";
    }
    res.set_content(Page("echo", body), "text/html; charset=utf-8");
  });
  server.Get("/login", [](const httplib::Request& req, httplib::Response& res) {
    Login login = LoginFor(req);
    res.set_header("Set-Cookie", login.set_cookie);
    res.set_content(Page("login", "<a href=\"" + HtmlEscape(login.next) + "\">continue</a>\n"),
                    "text/html; charset=utf-8");
  });
  server.Get("/login-redirect", [](const httplib::Request& req, httplib::Response& res) {
    Login login = LoginFor(req);
    res.set_header("Set-Cookie", login.set_cookie);
    res.status = 302;
    res.set_header("Location", login.next);
  });
  server.Get(R"(/private/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    const std::string name = Param(req, "name", "session");
    const std::string value = Param(req, "value", "abc");
    bool carried = false;
    for (std::size_t i = 0; i < req.get_header_value_count("Cookie"); ++i) {
      carried =
          carried || forage::test::CookieCarries(req.get_header_value("Cookie", i), name, value);
    }
    if (!carried) {
      res.status = 403;
      res.set_content(Page("forbidden", "<p>no session</p>"), "text/html; charset=utf-8");
      return;
    }
    res.set_content(ChainPage("private", std::stol(req.matches[1]), LongParam(req, "n", 8), req),
                    "text/html; charset=utf-8");
  });
  server.Get(R"(/basic/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    const std::string token =
        forage::test::Base64(Param(req, "user", "user") + ":" + Param(req, "pass", "secret"));
    if (!forage::test::AuthorizationIs(req.get_header_value("Authorization"), "Basic", token)) {
      Unauthorized(res, 401, "Basic realm=\"forage\"");
      return;
    }
    res.set_content(ChainPage("basic", std::stol(req.matches[1]), 5, req),
                    "text/html; charset=utf-8");
  });
  server.Get(R"(/digest/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    forage::test::DigestRealm realm = DefaultDigestRealm();
    realm.user = Param(req, "user", realm.user);
    realm.password = Param(req, "pass", realm.password);
    if (!forage::test::DigestValid(req.get_header_value("Authorization"), realm, req.method,
                                   req.target)) {
      Unauthorized(res, 401, forage::test::DigestChallenge(realm));
      return;
    }
    res.set_content(ChainPage("digest", std::stol(req.matches[1]), 5, req),
                    "text/html; charset=utf-8");
  });
  server.Get(R"(/bearer/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    if (!forage::test::AuthorizationIs(req.get_header_value("Authorization"), "Bearer",
                                       Param(req, "token", "tok"))) {
      Unauthorized(res, 401, "Bearer realm=\"forage\"");
      return;
    }
    res.set_content(ChainPage("bearer", std::stol(req.matches[1]), 5, req),
                    "text/html; charset=utf-8");
  });

  int port = server.bind_to_any_port("127.0.0.1");
  if (port <= 0) {
    std::fprintf(stderr, "forage_test_server: cannot bind 127.0.0.1\n");
    return 1;
  }
  std::thread control([&server] {
    std::string line;
    while (std::getline(std::cin, line)) {
      if (line == "mark") Say("MARK");  // everything printed before it is complete
      if (line.rfind("bump ", 0) == 0) BumpCond(line.substr(5));
      // /_requests and /_stats without a connection: the fixture's way in under mutual TLS.
      if (line == "requests") Say("REQUESTS " + RequestsJson());
      if (line == "stats") Say("STATS " + Trim(StatsJson()));
      if (line == "release") {
        std::lock_guard<std::mutex> lock(g_mu);
        g_released = true;
        g_cv.notify_all();
      }
    }
    {
      std::lock_guard<std::mutex> lock(g_mu);
      g_stopping = true;
      g_cv.notify_all();
    }
    server.stop();
  });
  // bind_to_any_port has already called listen(): connections queue from
  // now on, so the port can be announced before the accept loop starts.
  Say("PORT " + std::to_string(port));
  server.listen_after_bind();
  control.join();
  return 0;
}
