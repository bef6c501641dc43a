// forage_fault_server: a raw-socket HTTP/1.1 server that misbehaves on purpose.
//
// The faults that matter are on the wire: a reset in the middle of a body, a
// connection closed without an answer, a Content-Length that lies, a byte a
// second, a megabyte of headers. An HTTP library would refuse to send most
// of them, so this server writes every byte itself, with plain POSIX sockets
// and a thread per connection. Connections are kept alive (HTTP/1.1) unless
// a fault ends them, so that a fault can be followed by good answers on the
// same connection.
//
// Listens on 127.0.0.1 on an ephemeral port and prints "PORT <n>" on stdout
// once it accepts connections. With --log-requests it prints "GOT <conn>
// <target>" for every request (the target cut at 200 bytes; <conn> numbers
// the connections from 1). Lines on stdin are commands: "mark" prints "MARK"
// (everything printed before it is complete). EOF on stdin, or any signal
// that kills it, stops the server. With --robots TARGET, /robots.txt is
// answered as TARGET (a path and query of the routes below, e.g.
// "/drip?bytes=100") would be.
//
// Routes (the path picks the fault; query values are percent-decoded):
//   /ok/N              a good page: title "ok N", a link to /ok/N+1000, Content-Length
//   /robots.txt        404 (everything allowed), unless --robots TARGET
//   /never             reads the request and never answers (until the client goes)
//   /drip?bytes=N      200 with Content-Length N (default 100), then a byte a second
//   /reset-mid-body    200 promising 100000 bytes, sends 20000, then a TCP reset
//   /reset             reads the request and resets the connection (SO_LINGER 0)
//   /empty             reads the request and closes the connection without a byte
//   /cl-longer         200 promising 1000 bytes, sends 100, closes
//   /cl-longer-hold    200 promising 1000 bytes, sends 100, keeps the connection open
//   /cl-negative       200 with "Content-Length: -1" and a page
//   /cl-shorter        a page of some 600 bytes sent whole, with a Content-Length of only
//                      the first kShortPrefix bytes (which hold the title "short"), on a
//                      connection kept alive: the rest is garbage in front of the next answer;
//                      with surplus=later the rest is sent only with the next answer on the
//                      connection (in the same write), so the client cannot see it coming
//   /huge-header?kb=K  a good page with one header "X-Big" of K KiB (default 1024)
//   /many-headers?kb=K a good page with K headers of 1 KiB each (default 1024)
//   /redirect?to=U&status=S    S (default 302) with Location: U
//   /chain/ID/N        302 to /chain/ID/N-1; /chain/ID/0 redirects to /ok/ID
//   /loop/a, /loop/b   302 to each other
//   /status/N?retry-after=S    status N (with Retry-After: S if given), small HTML body
//   /retry/ID?status=S&after=A&fail=K
//                      the first K (default 1) requests for ID answer S (default 429) with
//                      Retry-After: A (default 1); later ones 200 "retried ID"
//   /flaky/ID?fail=K&status=S  the first K (default 1) requests for ID answer S (default
//                      503) without Retry-After; later ones 200 "flaky ID"
//   /big20m            20 MiB of text/plain with Content-Length
//   /bomb              text/html, Content-Encoding gzip, inflating to 256 MiB of zeros
//   /binary-html       64 KiB of pseudo-random bytes (NULs included) labelled text/html
//   /html/deep?n=N     title "deep", N (default 10000) unclosed <div>, then a link to /ok/1
//   /html/nul          NUL bytes in the title, text, attributes and a link
//   /html/bad-utf8     declared UTF-8, with invalid bytes in the title and a link
//   /html/open-comment a link to /ok/1, then "<!--" never closed around a link to /ok/2
//   /html/open-script  a link to /ok/1, then "<script>" never closed around a link to /ok/2
//   /html/open-title   "<title>" never closed, around a link to /ok/2
//   /long/...          a good page whatever follows (for very long URLs); title "long"
//   /long-link?kb=K    "long link", linking to /long/ and K KiB (default 100) of "a", then
//                      to /ok/100
//   /long-redirect?kb=K        302 to /long/ and K KiB (default 100) of "a"
//   anything else      404

#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace {

constexpr std::size_t kMaxHeadBytes = 4 << 20;  // a request head larger than this is refused
constexpr std::size_t kShortPrefix = 64;        // what /cl-shorter's Content-Length admits

// Bytes this connection's thread sends in front of its next answer
// (/cl-shorter?surplus=later).
thread_local std::string t_surplus;

std::mutex g_out_mu;
bool g_log_requests = false;
std::string g_robots_target;  // --robots: what /robots.txt answers as
std::atomic<long> g_connections{0};

void Say(const std::string& line) {
  std::lock_guard<std::mutex> lock(g_out_mu);
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Closes `fd` with a TCP reset instead of a FIN: SO_LINGER with a zero timeout.
void Reset(int fd) {
  linger l{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd);
}

// Blocks until the client closes its end (or `timeout_ms` passes, -1: never),
// throwing away whatever it sends. True if the client went.
bool WaitPeerGone(int fd, int timeout_ms) {
  char buf[4096];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, timeout_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) return false;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

struct Request {
  std::string target;
  std::string path;
  std::map<std::string, std::string> query;
  bool close = false;  // the client asked for the connection to end

  std::string Param(const std::string& key, const std::string& fallback) const {
    auto it = query.find(key);
    return it == query.end() ? fallback : it->second;
  }
  long LongParam(const std::string& key, long fallback) const {
    auto it = query.find(key);
    return it == query.end() ? fallback : std::strtol(it->second.c_str(), nullptr, 10);
  }
};

std::optional<Request> ParseHead(std::string_view head) {
  Request req;
  std::size_t eol = head.find("\r\n");
  std::string_view line = head.substr(0, eol);
  std::size_t sp1 = line.find(' ');
  std::size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return std::nullopt;
  req.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  const std::string_view version = line.substr(sp2 + 1);
  req.close = version != "HTTP/1.1";
  for (std::size_t pos = eol; pos != std::string_view::npos && pos + 2 < head.size();) {
    std::size_t next = head.find("\r\n", pos + 2);
    std::string_view header = head.substr(pos + 2, next - pos - 2);
    if (header.size() >= 11 && strncasecmp(header.data(), "connection:", 11) == 0 &&
        header.find("close") != std::string_view::npos) {
      req.close = true;
    }
    pos = next;
  }
  std::size_t q = req.target.find('?');
  req.path = req.target.substr(0, q);
  if (q != std::string::npos) {
    std::string_view query = std::string_view(req.target).substr(q + 1);
    while (!query.empty()) {
      std::size_t amp = query.find('&');
      std::string_view pair = query.substr(0, amp);
      std::size_t eq = pair.find('=');
      req.query[Decode(pair.substr(0, eq))] =
          eq == std::string_view::npos ? "" : Decode(pair.substr(eq + 1));
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
  }
  return req;
}

std::string StatusText(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 404:
      return "Not Found";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

// A whole response's head; `extra` holds further header lines, each ending in CRLF.
std::string Head(int status, const std::string& type, std::size_t length,
                 const std::string& extra = "") {
  std::string h = "HTTP/1.1 " + std::to_string(status) + " " + StatusText(status) + "\r\n";
  if (!type.empty()) h += "Content-Type: " + type + "\r\n";
  h += "Content-Length: " + std::to_string(length) + "\r\n" + extra + "\r\n";
  return h;
}

std::string Page(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html><html><head><title>" + title + "</title></head><body>" + body +
         "</body></html>\n";
}

// /ok/N: also what FaultServer's tests expect of a good page, byte for byte.
std::string OkPage(const std::string& n) {
  long next = std::strtol(n.c_str(), nullptr, 10) + 1000;
  return Page("ok " + n,
              "<p>A good page.</p><a href=\"/ok/" + std::to_string(next) + "\">next</a>");
}

// A gzip member inflating to 256 MiB of zeros, some 260 KB, built in
// milliseconds: one MiB of zeros deflated with a full flush is a run of
// blocks that stands alone (byte-aligned, no reference back), so it is sent
// 256 times, then a final empty block and the trailer.
const std::string& BombBody() {
  static const std::string body = [] {
    constexpr uLong kBlock = 1 << 20;
    constexpr int kBlocks = 256;
    const std::string zeros(kBlock, '\0');
    z_stream z{};
    deflateInit2(&z, 9, Z_DEFLATED, -15 /* raw */, 9, Z_DEFAULT_STRATEGY);
    auto run = [&z](const std::string& in, int flush) {
      std::string out;
      char buf[1 << 16];
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      z.avail_in = static_cast<uInt>(in.size());
      do {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        deflate(&z, flush);
        out.append(buf, sizeof buf - z.avail_out);
      } while (z.avail_out == 0);
      return out;
    };
    const std::string block = run(zeros, Z_FULL_FLUSH);
    const std::string last = run("", Z_FINISH);
    deflateEnd(&z);
    const uLong block_crc = crc32(0, reinterpret_cast<const Bytef*>(zeros.data()), kBlock);
    uLong crc = block_crc;
    for (int i = 1; i < kBlocks; ++i) crc = crc32_combine(crc, block_crc, kBlock);
    std::string out("\x1f\x8b\x08\0\0\0\0\0\0\x03", 10);  // gzip, deflate, no name, Unix
    for (int i = 0; i < kBlocks; ++i) out += block;
    out += last;
    const std::uint32_t trailer[2] = {static_cast<std::uint32_t>(crc),
                                      static_cast<std::uint32_t>(kBlock * kBlocks)};
    for (std::uint32_t v : trailer) {
      for (int b = 0; b < 4; ++b) out += static_cast<char>((v >> (8 * b)) & 0xff);
    }
    return out;
  }();
  return body;
}

std::string BinaryBody() {
  std::string out(64 * 1024, '\0');
  std::uint32_t x = 2463534242u;  // xorshift32, fixed seed: the same bytes every run
  for (char& c : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x & 0xff);
  }
  for (std::size_t i = 0; i < out.size(); i += 97) out[i] = '\0';
  return out;
}

std::string HtmlBody(const Request& req) {
  using namespace std::string_literals;
  if (req.path == "/html/deep") {
    long n = req.LongParam("n", 10000);
    std::string s = "<!DOCTYPE html><html><head><title>deep</title></head><body>";
    s.reserve(s.size() + static_cast<std::size_t>(n) * 5 + 64);
    for (long i = 0; i < n; ++i) s += "<div>";
    return s + "<a href=\"/ok/1\">bottom</a>";
  }
  if (req.path == "/html/nul") {
    return "<!DOCTYPE html><html><head><title>n\0ul</title>"s
           "<meta name=\"description\" content=\"d\0esc\"></head><body>"s
           "<p>te\0xt</p><a href=\"/ok/1\">one</a><a href=\"/ok/\0002\">two</a>"s
           "<a\0 href=\"/ok/3\">three</a></body></html>"s;
  }
  if (req.path == "/html/bad-utf8") {
    return "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
           "<title>bad \xff\xfe \xc0\xaf \xed\xa0\x80 \xe2\x82</title></head><body>"
           "<a href=\"/ok/1\">one</a><a href=\"/ok/\xff\xfe\">two</a>"
           "<p>\xf8\x88\x80\x80\x80 \xf4\x90\x80\x80</p></body></html>";
  }
  if (req.path == "/html/open-comment") {
    return "<!DOCTYPE html><html><head><title>open comment</title></head><body>"
           "<a href=\"/ok/1\">one</a><!-- never closed <a href=\"/ok/2\">two</a>";
  }
  if (req.path == "/html/open-script") {
    return "<!DOCTYPE html><html><head><title>open script</title></head><body>"
           "<a href=\"/ok/1\">one</a><script>var s = '<a href=\"/ok/2\">two</a>';";
  }
  if (req.path == "/html/open-title") {
    return "<!DOCTYPE html><html><head><title>open title <a href=\"/ok/2\">two</a>";
  }
  return "";
}

// "/long/" and then kb KiB (default 100) of "a": a path as long as asked.
std::string LongPath(const Request& req) {
  return "/long/" + std::string(static_cast<std::size_t>(req.LongParam("kb", 100)) * 1024, 'a');
}

// What becomes of a connection once a request is answered.
enum class After {
  kKeep,    // read the next request on it
  kClose,   // close it (the answer is complete, or the client went)
  kClosed,  // the fault closed it already (a reset)
};

After Serve(int fd, const Request& req) {
  static std::mutex counts_mu;
  static std::map<std::string, long> counts;  // requests per /retry/ID and /flaky/ID
  const std::string& p = req.path;
  // After an answer sent whole: keep the connection unless the client asked not to.
  auto Then = [&](bool sent) { return sent && !req.close ? After::kKeep : After::kClose; };
  auto answer = [&](int status, const std::string& type, const std::string& body,
                    const std::string& extra = "") {
    std::string bytes = std::move(t_surplus) + Head(status, type, body.size(), extra) + body;
    t_surplus.clear();
    return Then(SendAll(fd, bytes));
  };
  const std::string html = "text/html; charset=utf-8";

  if (p.rfind("/ok/", 0) == 0) return answer(200, html, OkPage(p.substr(4)));
  if (p == "/robots.txt") {
    if (!g_robots_target.empty()) {
      std::optional<Request> as = ParseHead("GET " + g_robots_target + " HTTP/1.1\r\n");
      if (as && as->path != "/robots.txt") {
        as->close = req.close;
        return Serve(fd, *as);
      }
    }
    return answer(404, "text/plain", "no robots.txt here\n");
  }
  if (p == "/never") {
    WaitPeerGone(fd, -1);
    return After::kClose;
  }
  if (p == "/drip") {
    long bytes = req.LongParam("bytes", 100);
    if (!SendAll(fd, Head(200, html, static_cast<std::size_t>(bytes)))) return After::kClose;
    for (long i = 0; i < bytes; ++i) {
      if (!SendAll(fd, "x")) return After::kClose;
      // The drip's second is the fault itself; waiting on the socket for it
      // also notices at once a client that gave up.
      if (WaitPeerGone(fd, 1000)) return After::kClose;
    }
    return Then(true);
  }
  if (p == "/reset-mid-body") {
    SendAll(fd, Head(200, html, 100000) + "<!DOCTYPE html><title>reset</title>" +
                    std::string(20000, 'x'));
    Reset(fd);
    return After::kClosed;
  }
  if (p == "/reset") {
    Reset(fd);
    return After::kClosed;
  }
  if (p == "/empty") return After::kClose;
  if (p == "/cl-longer" || p == "/cl-longer-hold") {
    SendAll(fd, Head(200, html, 1000) + std::string(100, 'x'));
    if (p == "/cl-longer-hold") WaitPeerGone(fd, -1);
    return After::kClose;
  }
  if (p == "/cl-negative") {
    const std::string body = Page("negative", "");
    return Then(SendAll(
        fd, "HTTP/1.1 200 OK\r\nContent-Type: " + html + "\r\nContent-Length: -1\r\n\r\n" + body));
  }
  if (p == "/cl-shorter") {
    std::string body = "<!DOCTYPE html><html><head><title>short</title></head>";
    body.resize(kShortPrefix, ' ');
    body += "<body><a href=\"/ok/2\">after the promised length</a>" + std::string(500, 'z') +
            "</body></html>\n";
    if (req.Param("surplus", "") == "later") {
      // Only the promised bytes now; the rest goes in front of the next
      // answer on this connection, once its request has come.
      t_surplus = body.substr(kShortPrefix);
      body.resize(kShortPrefix);
    }
    // Else one write: the surplus travels with the promised bytes.
    return Then(SendAll(fd, Head(200, html, kShortPrefix) + body));
  }
  if (p == "/huge-header") {
    long kb = req.LongParam("kb", 1024);
    return answer(200, html, Page("huge header", ""),
                  "X-Big: " + std::string(static_cast<std::size_t>(kb) * 1024, 'a') + "\r\n");
  }
  if (p == "/many-headers") {
    long kb = req.LongParam("kb", 1024);
    std::string extra;
    for (long i = 0; i < kb; ++i) {
      std::string name = "X-H" + std::to_string(i) + ": ";
      extra += name + std::string(1024 - name.size() - 2, 'a') + "\r\n";
    }
    return answer(200, html, Page("many headers", ""), extra);
  }
  if (p == "/redirect") {
    int status = static_cast<int>(req.LongParam("status", 302));
    return answer(status, html, Page("moved", ""),
                  "Location: " + req.Param("to", "/ok/0") + "\r\n");
  }
  if (p.rfind("/chain/", 0) == 0) {
    const std::size_t slash = p.find('/', 7);
    const std::string id = p.substr(7, slash == std::string::npos ? 0 : slash - 7);
    const long n = slash == std::string::npos ? 0 : std::strtol(p.c_str() + slash + 1, nullptr, 10);
    std::string to = n <= 0 ? "/ok/" + id : "/chain/" + id + "/" + std::to_string(n - 1);
    return answer(302, html, Page("moved", ""), "Location: " + to + "\r\n");
  }
  if (p == "/loop/a" || p == "/loop/b") {
    return answer(302, html, Page("loop", ""),
                  std::string("Location: /loop/") + (p == "/loop/a" ? "b" : "a") + "\r\n");
  }
  if (p.rfind("/status/", 0) == 0) {
    int status = static_cast<int>(std::strtol(p.c_str() + 8, nullptr, 10));
    std::string extra;
    if (req.query.count("retry-after"))
      extra = "Retry-After: " + req.Param("retry-after", "") + "\r\n";
    return answer(status, html, Page("status " + std::to_string(status), ""), extra);
  }
  if (p.rfind("/retry/", 0) == 0 || p.rfind("/flaky/", 0) == 0) {
    const bool retry = p[1] == 'r';
    const std::string id = p.substr(7);
    long seen;
    {
      std::lock_guard<std::mutex> lock(counts_mu);
      seen = counts[p]++;
    }
    if (seen < req.LongParam("fail", 1)) {
      int status = static_cast<int>(req.LongParam("status", retry ? 429 : 503));
      std::string extra = retry ? "Retry-After: " + req.Param("after", "1") + "\r\n" : "";
      return answer(status, html, Page("busy", ""), extra);
    }
    return answer(200, html, Page((retry ? "retried " : "flaky ") + id, ""));
  }
  if (p == "/big20m") {
    const std::size_t total = 20u << 20;
    if (!SendAll(fd, Head(200, "text/plain", total))) return After::kClose;
    const std::string chunk(1 << 16, 'b');
    for (std::size_t sent = 0; sent < total; sent += chunk.size()) {
      if (!SendAll(fd, chunk)) return After::kClose;
    }
    return Then(true);
  }
  if (p == "/bomb") {
    return answer(200, html, BombBody(), "Content-Encoding: gzip\r\n");
  }
  if (p == "/binary-html") return answer(200, "text/html", BinaryBody());
  if (p.rfind("/html/", 0) == 0) {
    std::string body = HtmlBody(req);
    if (!body.empty()) return answer(200, html, body);
  }
  if (p.rfind("/long/", 0) == 0) return answer(200, html, Page("long", ""));
  if (p == "/long-redirect") {
    return answer(302, html, Page("moved", ""), "Location: " + LongPath(req) + "\r\n");
  }
  if (p == "/long-link") {
    return answer(200, html,
                  Page("long link",
                       "<a href=\"" + LongPath(req) + "\">long</a><a href=\"/ok/100\">short</a>"));
  }
  return answer(404, html, Page("not found", ""));
}

void Connection(int fd, long conn) {
  std::string buffer;
  char chunk[64 * 1024];
  for (;;) {
    std::size_t end;
    while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (buffer.size() > kMaxHeadBytes) {
        SendAll(fd, Head(431, "text/plain", 0));
        ::close(fd);
        return;
      }
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ::close(fd);
        return;
      }
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    std::optional<Request> req = ParseHead(std::string_view(buffer).substr(0, end + 2));
    buffer.erase(0, end + 4);  // GETs carry no body
    if (!req) {
      SendAll(fd, Head(400, "text/plain", 0));
      ::close(fd);
      return;
    }
    if (g_log_requests) Say("GOT " + std::to_string(conn) + " " + req->target.substr(0, 200));
    const After after = Serve(fd, *req);
    if (after == After::kKeep) continue;
    if (after == After::kClose) ::close(fd);
    return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--log-requests") {
      g_log_requests = true;
    } else if (std::string_view(argv[i]) == "--robots" && i + 1 < argc) {
      g_robots_target = argv[++i];
    } else {
      std::fprintf(stderr, "forage_fault_server: unknown flag %s\n", argv[i]);
      return 2;
    }
  }
  ::signal(SIGPIPE, SIG_IGN);

  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener, SOMAXCONN) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::fprintf(stderr, "forage_fault_server: cannot listen on 127.0.0.1: %s\n",
                 std::strerror(errno));
    return 1;
  }
  std::thread([listener] {
    for (;;) {
      int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE) continue;
        return;
      }
      std::thread(Connection, fd, ++g_connections).detach();
    }
  }).detach();
  // listen() has been called: connections queue from now on.
  Say("PORT " + std::to_string(ntohs(addr.sin_port)));

  std::string line;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
    for (std::size_t nl; (nl = line.find('\n')) != std::string::npos; line.erase(0, nl + 1)) {
      if (line.compare(0, nl, "mark") == 0) Say("MARK");
    }
  }
  // Connection threads may be blocked anywhere: leave without unwinding them.
  std::fflush(stdout);
  ::_exit(0);
}
