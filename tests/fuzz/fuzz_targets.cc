#include "fuzz/fuzz_targets.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "archive/save_path.h"
#include <zlib.h>

#include "archive/cdxj.h"
#include "cli/cli_options.h"
#include "core/ascii.h"
#include "core/fd.h"
#include "core/query_filter.h"
#include "core/url.h"
#include "core/url_host.h"
#include "core/utf8.h"
#include "core/whatwg_url.h"
#include "crawl/cookie_jar.h"
#include "crawl/robots.h"
#include "crawl/shared_codec.h"
#include "crawl/url_source.h"
#include "ipc/frame_buffer.h"
#include "ipc/wire.h"
#include "parse/charset.h"
#include "parse/css_urls.h"
#include "parse/extractor.h"
#include "parse/field_rules.h"
#include "parse/html_document.h"
#include "parse/meta_refresh.h"
#include "parse/link_header.h"
#include "parse/robots_directives.h"
#include "parse/selector.h"
#include "parse/sitemap_reader.h"
#include "parse/srcset.h"
#include "support/scan_compare.h"

namespace forage::fuzz {
namespace {

// `text` with bytes outside printable ASCII as \xNN, cut to a readable length.
std::string Printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < 400; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  out += text.size() > 400 ? "\"..." : "\"";
  return out;
}

[[noreturn]] void Fail(const char* condition, int line, const std::string& what) {
  std::fprintf(stderr, "fuzz_targets.cc:%d: property failed: %s\n  %s\n", line, condition,
               what.c_str());
  std::abort();
}

// Like assert, but live in every build and saying what the input was.
#define FUZZ_CHECK(condition, what)                       \
  do {                                                    \
    if (!(condition)) Fail(#condition, __LINE__, (what)); \
  } while (false)

std::string_view AsView(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The text up to the next "\n" (not included), taken off `in`.
std::string_view TakeLine(std::string_view& in) {
  std::size_t nl = in.find('\n');
  std::string_view line = in.substr(0, nl);
  in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 1);
  return line;
}

// Strict UTF-8 (Unicode 3.9, table 3-7): no overlongs, surrogates or code
// points above U+10FFFF. Written apart from MakeValidUtf8, to check it.
bool IsValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    unsigned char c = b(0);
    std::size_t n = c < 0x80                 ? 1
                    : c >= 0xc2 && c <= 0xdf ? 2
                    : c >= 0xe0 && c <= 0xef ? 3
                    : c >= 0xf0 && c <= 0xf4 ? 4
                                             : 0;
    if (n == 0 || i + n > s.size()) return false;
    if (n >= 2) {
      unsigned char lo = 0x80, hi = 0xbf;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
      if (b(1) < lo || b(1) > hi) return false;
      for (std::size_t k = 2; k < n; ++k) {
        if (b(k) < 0x80 || b(k) > 0xbf) return false;
      }
    }
    i += n;
  }
  return true;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// A memfd holding `bytes`, named by a path any open() takes.
struct MemFile {
  UniqueFd fd;
  std::string path;
};
MemFile MakeMemFile(std::string_view bytes) {
  MemFile f;
  f.fd.Reset(::memfd_create("forage-fuzz", MFD_CLOEXEC));
  FUZZ_CHECK(f.fd, "memfd_create failed");
  for (std::size_t done = 0; done < bytes.size();) {
    ssize_t n = ::write(f.fd.get(), bytes.data() + done, bytes.size() - done);
    FUZZ_CHECK(n > 0, "write to a memfd failed");
    done += static_cast<std::size_t>(n);
  }
  f.path = "/proc/self/fd/" + std::to_string(f.fd.get());
  return f;
}

// --- URLs -------------------------------------------------------------------

bool SameCanonical(const std::optional<CanonicalUrl>& a, const std::optional<CanonicalUrl>& b) {
  if (!a || !b) return !a && !b;
  return a->url == b->url && a->origin_end == b->origin_end && a->host_begin == b->host_begin &&
         a->host_end == b->host_end;
}

std::string Describe(const std::optional<CanonicalUrl>& c) {
  if (!c) return "nullopt";
  return Printable(c->url) + " origin_end " + std::to_string(c->origin_end) + " host [" +
         std::to_string(c->host_begin) + ", " + std::to_string(c->host_end) + ")";
}

// What a parsed URL promises: its serialization is ASCII without spaces or
// controls, parses again (with no base) to itself, and its host is a valid
// ASCII host that parses to itself; an http(s) URL has a non-empty domain
// or address, and one that fails the IDNA or IPv4 rules never gets here.
void CheckParsed(const WhatwgUrl& url, const std::string& what) {
  const std::string href = url.Serialize();
  const std::string where = Printable(href) + "; " + what;
  for (char c : href) {
    FUZZ_CHECK(static_cast<unsigned char>(c) > 0x20 || (c == ' ' && url.has_opaque_path()),
               "a control byte or space in " + where);
    FUZZ_CHECK(static_cast<unsigned char>(c) < 0x7f, "a byte that is not ASCII in " + where);
  }
  Result<WhatwgUrl> again = WhatwgUrl::Parse(href);
  FUZZ_CHECK(again.ok(), "does not parse again: " + where);
  FUZZ_CHECK(again.value().Serialize() == href,
             "parses again as " + Printable(again.value().Serialize()) + ": " + where);
  if (url.host()) {
    const std::string& host = *url.host();
    Result<std::string> reparsed = ParseHost(host, !url.special());
    if (url.special() && url.scheme() != "file") {
      FUZZ_CHECK(!host.empty(), "an empty host in " + where);
      for (char c : host) {
        FUZZ_CHECK(!(c >= 'A' && c <= 'Z') && c != '%' && c != ' ',
                   "host " + Printable(host) + " in " + where);
      }
    }
    FUZZ_CHECK(host.empty() || (reparsed.ok() && reparsed.value() == host),
               "host " + Printable(host) + " parses again as " +
                   (reparsed.ok() ? Printable(reparsed.value()) : reparsed.status().message()) +
                   "; " + where);
  }
  if (url.is_http()) FUZZ_CHECK(url.host().has_value(), "no host in " + where);
}

// Canonicalize(url) against CanonicalizeFully(url), and the shape of what
// they give. Returns the canonical form.
std::optional<CanonicalUrl> CheckCanonical(std::string_view url) {
  std::optional<CanonicalUrl> fast = Canonicalize(url);
  std::optional<CanonicalUrl> slow = CanonicalizeFully(url);
  FUZZ_CHECK(SameCanonical(fast, slow), "Canonicalize(" + Printable(url) + ") gives " +
                                            Describe(fast) + ", CanonicalizeFully " +
                                            Describe(slow));
  if (!fast) return fast;
  const CanonicalUrl& c = *fast;
  const std::string what = "Canonicalize(" + Printable(url) + ") = " + Describe(fast);
  FUZZ_CHECK(StartsWith(c.url, "http://") || StartsWith(c.url, "https://"), what);
  FUZZ_CHECK(c.host_begin < c.host_end && c.host_end <= c.origin_end && c.origin_end < c.url.size(),
             what);
  FUZZ_CHECK(c.path_and_query()[0] == '/', what);
  FUZZ_CHECK(c.url.find('#') == std::string::npos, what);
  FUZZ_CHECK(c.url.find_first_of(" \t\r\n") == std::string::npos, what);
  FUZZ_CHECK(SameCanonical(Canonicalize(c.url), fast), "not a fixed point: " + what);
  (void)UrlFingerprint(c.url);
  return fast;
}

// QueryFilter::Strip (--strip-query) with the default list and patterns
// that match much: what it gives is shorter, stripped already, keeps the
// fragment as it was, and is an http(s) URL whenever `url` is one as the
// parser writes it (Strip's contract: every caller hands it a serialized
// URL; in "http:///u:p;a=1@h/" the userinfo's ";a=1" would look like a
// path parameter).
void CheckStripped(std::string_view url) {
  static const QueryFilter filter =
      std::move(QueryFilter::Create({"a*", "?", "*%*", "*;*", "x?y*"}, true)).value();
  std::optional<std::string> stripped = filter.Strip(url);
  if (!stripped) return;
  const std::string what = "Strip(" + Printable(url) + ") = " + Printable(*stripped);
  FUZZ_CHECK(stripped->size() < url.size(), what);
  FUZZ_CHECK(!filter.Strip(*stripped), "not stripped already: " + what);
  const std::size_t hash = url.find('#');
  const std::string_view fragment =
      hash == std::string_view::npos ? std::string_view() : url.substr(hash);
  const std::size_t kept = std::min(stripped->find('#'), stripped->size());
  FUZZ_CHECK(std::string_view(*stripped).substr(kept) == fragment, "fragment changed: " + what);
  Result<WhatwgUrl> parsed = WhatwgUrl::Parse(url);
  if (Canonicalize(url) && parsed.ok() && parsed.value().Serialize() == url) {
    FUZZ_CHECK(CheckCanonical(*stripped).has_value(), what);
  }
}

// What the crawler does with each line it reads (Crawler::Impl::AdmitInput):
// check it, canonicalise what passes, fingerprint it, keep valid UTF-8.
void AdmitInputLine(const InputLine& line) {
  CheckedUrl checked = CheckInputUrl(line.text);
  std::optional<CanonicalUrl> canonical;
  if (checked.error) {
    FUZZ_CHECK(checked.error->kind == ErrorKind::kInvalidUrl ||
                   checked.error->kind == ErrorKind::kUnsupportedScheme,
               "CheckInputUrl(" + Printable(line.text) + ") fails with " + checked.error->message);
    FUZZ_CHECK(!checked.error->message.empty(), "no message for " + Printable(line.text));
  } else {
    FUZZ_CHECK(!checked.url.empty(), "CheckInputUrl(" + Printable(line.text) + ") is empty");
    canonical = CheckCanonical(checked.url);
  }
  (void)UrlFingerprint(canonical ? canonical->url : "not a URL: " + line.text);
  std::string input = MakeValidUtf8(line.text);
  FUZZ_CHECK(IsValidUtf8(input), "MakeValidUtf8(" + Printable(line.text) + ")");
}

// --- robots.txt -------------------------------------------------------------

// `path` with every unreserved character outside escapes written as an
// upper- or lower-case escape: the same path to the matcher.
std::string EscapeUnreserved(std::string_view path, bool lower) {
  const char* hex = lower ? "0123456789abcdef" : "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    auto c = static_cast<unsigned char>(path[i]);
    if (c == '%' && i + 2 < path.size() && std::isxdigit(static_cast<unsigned char>(path[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(path[i + 2]))) {
      out.append(path.substr(i, 3));  // an escape stays as it is
      i += 2;
      continue;
    }
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// --- wire -------------------------------------------------------------------

void CheckPayload(std::string_view payload) {
  const std::string what = "payload " + Printable(payload);
  if (std::optional<wire::FetchJob> job = wire::DecodeJob(payload)) {
    // The job layout has one encoding of each job: it must come back byte for byte.
    FUZZ_CHECK(wire::EncodeJob(*job).substr(wire::kFrameHeaderBytes) == payload, what);
  }
  if (std::optional<wire::FetchResult> result = wire::DecodeResult(payload)) {
    std::string frame = wire::EncodeResult(*result);
    std::optional<wire::FetchResult> again =
        wire::DecodeResult(std::string_view(frame).substr(wire::kFrameHeaderBytes));
    FUZZ_CHECK(again && wire::EncodeResult(*again) == frame, what);
  }
  if (std::optional<wire::RequestSent> sent = wire::DecodeSent(payload)) {
    FUZZ_CHECK(wire::EncodeSent(*sent).substr(wire::kFrameHeaderBytes) == payload, what);
    // Its own type: the master must never take a sending for a result.
    FUZZ_CHECK(!wire::DecodeResult(payload) && !wire::DecodeJob(payload), what);
  }
  LogLevel level = LogLevel::kInfo;
  if (std::optional<FetchSettings> settings = wire::DecodeFetcherConfig(payload, &level)) {
    std::string encoded = wire::EncodeFetcherConfig(*settings, level);
    LogLevel level_again = LogLevel::kInfo;
    std::optional<FetchSettings> again = wire::DecodeFetcherConfig(encoded, &level_again);
    FUZZ_CHECK(
        again && level_again == level && wire::EncodeFetcherConfig(*again, level_again) == encoded,
        what);
  }
  FUZZ_CHECK(wire::IsReady(payload) == (payload == wire::EncodeReady().substr(4)), what);
}

struct Frames {
  std::vector<std::string> payloads;
  bool corrupt = false;
  std::size_t pending = 0;
};

// The frames of `stream` read at once, without FrameBuffer: the reference.
Frames SplitFrames(std::string_view stream, std::size_t max_payload) {
  Frames out;
  while (stream.size() >= wire::kFrameHeaderBytes) {
    std::uint32_t n = 0;
    for (int i = 0; i < 4; ++i)
      n |= std::uint32_t{static_cast<unsigned char>(stream[i])} << (8 * i);
    if (n > max_payload) {
      out.corrupt = true;
      return out;
    }
    if (stream.size() - wire::kFrameHeaderBytes < n) break;
    out.payloads.emplace_back(stream.substr(wire::kFrameHeaderBytes, n));
    stream.remove_prefix(wire::kFrameHeaderBytes + n);
  }
  out.pending = stream.size();
  return out;
}

// The frames of `stream` appended to a FrameBuffer in pieces of the sizes
// `piece` gives in turn.
Frames BufferFrames(std::string_view stream, std::size_t max_payload, std::uint32_t seed) {
  Frames out;
  FrameBuffer buffer(max_payload);
  std::uint32_t state = seed | 1;
  while (!stream.empty() && !out.corrupt) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    std::size_t piece = std::min<std::size_t>(stream.size(), 1 + state % 64);
    buffer.Append(stream.substr(0, piece));
    stream.remove_prefix(piece);
    for (;;) {
      std::string_view payload;
      FrameBuffer::State s = buffer.Next(&payload);
      if (s == FrameBuffer::State::kNeedMore) break;
      if (s == FrameBuffer::State::kCorrupt) {
        out.corrupt = true;
        break;
      }
      out.payloads.emplace_back(payload);
    }
  }
  if (!out.corrupt) out.pending = buffer.PendingBytes();
  return out;
}

bool IsMultiByte(std::string_view name) {
  for (std::string_view multi :
       {"GBK", "gb18030", "Big5", "EUC-JP", "ISO-2022-JP", "Shift_JIS", "EUC-KR"}) {
    if (name == multi) return true;
  }
  return false;
}

// Code points in valid UTF-8: the bytes that are not continuation bytes.
std::size_t CodePoints(std::string_view utf8) {
  std::size_t count = 0;
  for (const char c : utf8) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

}  // namespace

// --- the targets ------------------------------------------------------------

int FuzzHtml(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxHtmlBytes) return 0;
  std::string_view in = AsView(data, size);
  std::string_view url_line = TakeLine(in);
  const std::string url =
      url_line.empty() ? "https://example.com/dir/page.html" : std::string(url_line);
  std::vector<CompiledField> fields;
  while (!in.empty() && fields.size() < 4) {
    std::string_view line = TakeLine(in);
    if (line.empty()) break;
    std::string_view css = line, attr;
    if (std::size_t tab = line.rfind('\t'); tab != std::string_view::npos) {
      css = line.substr(0, tab);
      attr = line.substr(tab + 1);
    }
    Result<CompiledField> field = CompileFieldRule(
        FieldRule{"f" + std::to_string(fields.size()), std::string(css), std::string(attr)});
    if (!field.ok()) {
      FUZZ_CHECK(!field.status().message().empty(), "no message for " + Printable(css));
      continue;
    }
    fields.push_back(std::move(field).value());
  }
  // What the fetcher hands over is UTF-8 (ToUtf8's output); FuzzCharset
  // covers the decoding.
  const std::string html = MakeValidUtf8(in);
  // Some inputs get their text cut short, on many boundaries.
  const std::size_t max_text = size % 2 ? 1 + size % 97 : 64 * 1024;
  // One arena for every parse, as a fetcher has.
  static ParseArena arena;
  ExtractSettings settings;
  settings.text = true;
  settings.max_text = max_text;
  settings.max_links = 0;
  // Every kind of link for two inputs in three; anchors alone, the
  // default, for the rest.
  settings.follow = size % 3 ? kFollowAll : kFollowAnchors;
  ExtractedPage page = ExtractPage(html, url, &arena, settings, fields);

  // gumbo 0.10.1 turns some numeric character references out of Unicode's
  // range ("&#5555555555") into a stray byte such as 0xE3 rather than U+FFFD,
  // so with those about, extracted text need not be valid UTF-8 (the sinks
  // repair it). Elsewhere it must be.
  const bool check_utf8 = html.find("&#") == std::string::npos;
  auto check_collapsed = [&](const std::optional<std::string>& s, const char* what) {
    if (!s) return;
    FUZZ_CHECK(!check_utf8 || IsValidUtf8(*s), std::string(what) + " " + Printable(*s));
    FUZZ_CHECK(s->find_first_of("\t\n\r\f") == std::string::npos &&
                   s->find("  ") == std::string::npos &&
                   (s->empty() || (s->front() != ' ' && s->back() != ' ')),
               std::string(what) + " not collapsed: " + Printable(*s));
  };
  check_collapsed(page.title, "title");
  check_collapsed(page.description, "description");
  FUZZ_CHECK(page.text && page.text->size() <= max_text && (!check_utf8 || IsValidUtf8(*page.text)),
             "text " + Printable(page.text.value_or("(none)")) + " for max_text " +
                 std::to_string(max_text));
  FUZZ_CHECK(page.fields.size() == fields.size(), "fields missing");
  for (std::size_t i = 0; i < fields.size(); ++i) {
    auto it = page.fields.find(fields[i].name);
    FUZZ_CHECK(it != page.fields.end(), "field " + fields[i].name + " missing");
    if (it == page.fields.end()) continue;
    for (const std::string& value : it->second) {
      FUZZ_CHECK(!check_utf8 || IsValidUtf8(value), "field value " + Printable(value));
    }
  }
  std::set<std::string> seen;
  for (const std::string& link : page.links) {
    FUZZ_CHECK(StartsWith(link, "http://") || StartsWith(link, "https://"),
               "link " + Printable(link));
    FUZZ_CHECK(link.find('#') == std::string::npos, "link with a fragment " + Printable(link));
    FUZZ_CHECK(seen.insert(link).second, "link twice " + Printable(link));
    CheckCanonical(link);  // what the crawler does with each link it admits
  }

  // MatchAll against Matches: every element of the tree that matches, once,
  // in document order. Matches costs up to the number of siblings (for
  // :nth-*), so this check is quadratic: small trees only.
  constexpr std::size_t kMaxCheckedElements = 2000;
  if (!fields.empty()) {
    HtmlDocument doc(html, &arena);
    std::vector<const GumboNode*> elements;
    std::vector<const GumboNode*> stack;
    if (doc.root()) stack.push_back(doc.root());
    while (!stack.empty()) {
      const GumboNode* n = stack.back();
      stack.pop_back();
      if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE) continue;
      elements.push_back(n);
      const GumboVector& kids = n->v.element.children;
      for (unsigned i = kids.length; i-- > 0;) {
        stack.push_back(static_cast<const GumboNode*>(kids.data[i]));
      }
    }
    if (elements.size() > kMaxCheckedElements) return 0;
    for (const CompiledField& field : fields) {
      std::vector<const GumboNode*> expected;
      for (const GumboNode* e : elements) {
        if (field.selector.Matches(e)) expected.push_back(e);
      }
      std::vector<const GumboNode*> matched = field.selector.MatchAll(doc.root());
      FUZZ_CHECK(matched == expected, "selector " + field.name + ": MatchAll gives " +
                                          std::to_string(matched.size()) + " elements, Matches " +
                                          std::to_string(expected.size()));
    }
  }
  return 0;
}

int FuzzCharset(const std::uint8_t* data, std::size_t size) {
  std::string_view in = AsView(data, size);
  const std::string_view content_type = TakeLine(in);
  const std::string_view body = in;

  Encoding sniffed = SniffEncoding(body, content_type);
  const std::string what = "content type " + Printable(content_type) + ", body " + Printable(body);
  FUZZ_CHECK(EncodingForLabel(sniffed.name) == sniffed.name,
             "sniffed " + Printable(sniffed.name) + " is not a canonical name; " + what);
  FUZZ_CHECK(sniffed.bom_bytes <= body.size() &&
                 (sniffed.bom_bytes == 0) == (sniffed.source != Encoding::Source::kBom),
             "bom_bytes " + std::to_string(sniffed.bom_bytes) + "; " + what);
  FUZZ_CHECK(sniffed.source != Encoding::Source::kMeta ||
                 (!StartsWith(sniffed.name, "UTF-16") && sniffed.name != "x-user-defined"),
             "a <meta> gave " + sniffed.name + "; " + what);
  std::string utf8 = ToUtf8(body, sniffed);
  FUZZ_CHECK(IsValidUtf8(utf8), "ToUtf8 as " + sniffed.name + " gives invalid UTF-8; " + what);

  // Every decoder, whatever the body says: chosen by its first byte.
  static const char* const kNames[] = {
      "UTF-8",           "UTF-16LE",     "UTF-16BE",     "IBM866",         "ISO-8859-2",
      "ISO-8859-3",      "ISO-8859-4",   "ISO-8859-5",   "ISO-8859-6",     "ISO-8859-7",
      "ISO-8859-8",      "ISO-8859-8-I", "ISO-8859-10",  "ISO-8859-13",    "ISO-8859-14",
      "ISO-8859-15",     "ISO-8859-16",  "KOI8-R",       "KOI8-U",         "macintosh",
      "windows-874",     "windows-1250", "windows-1251", "windows-1252",   "windows-1253",
      "windows-1254",    "windows-1255", "windows-1256", "windows-1257",   "windows-1258",
      "x-mac-cyrillic",  "GBK",          "gb18030",      "Big5",           "EUC-JP",
      "ISO-2022-JP",     "Shift_JIS",    "EUC-KR",       "x-user-defined", "replacement",
      "no-such-encoding"};
  constexpr std::size_t kCount = sizeof(kNames) / sizeof(kNames[0]);
  Encoding forced;
  forced.name = kNames[body.empty() ? 0 : static_cast<unsigned char>(body[0]) % kCount];
  utf8 = ToUtf8(body, forced);
  FUZZ_CHECK(IsValidUtf8(utf8), "ToUtf8 as " + forced.name + " gives invalid UTF-8; " + what);
  if (forced.name == "replacement") {
    FUZZ_CHECK(utf8 == (body.empty() ? "" : "\xEF\xBF\xBD"),
               "replacement gives " + Printable(utf8) + "; " + what);
  } else if (forced.name != "UTF-8" && !StartsWith(forced.name, "UTF-16") &&
             !IsMultiByte(forced.name)) {
    // A single-byte decoder gives one code point per byte.
    FUZZ_CHECK(CodePoints(utf8) == body.size(),
               "ToUtf8 as " + forced.name + " gives " + std::to_string(CodePoints(utf8)) +
                   " code points for " + std::to_string(body.size()) + " bytes; " + what);
  }

  std::string repaired = MakeValidUtf8(body);
  FUZZ_CHECK(IsValidUtf8(repaired), "MakeValidUtf8 gives invalid UTF-8; " + what);
  FUZZ_CHECK(!IsValidUtf8(body) || repaired == body, "MakeValidUtf8 changed valid UTF-8; " + what);
  (void)EncodingForLabel(content_type);
  return 0;
}

int FuzzUrl(const std::uint8_t* data, std::size_t size) {
  std::string_view in = AsView(data, size);
  const std::string_view base = TakeLine(in);
  UrlResolver resolver(base);
  Result<WhatwgUrl> parsed_base = WhatwgUrl::Parse(base);
  FUZZ_CHECK(parsed_base.ok() == resolver.valid(), "base " + Printable(base));
  if (parsed_base.ok()) CheckParsed(parsed_base.value(), "base " + Printable(base));
  CheckCanonical(base);
  while (!in.empty()) {
    const std::string_view ref = TakeLine(in);
    const std::string what = "base " + Printable(base) + ", reference " + Printable(ref);
    Result<WhatwgUrl> url = resolver.ResolveUrl(ref);
    if (url.ok()) CheckParsed(url.value(), what);
    std::optional<std::string> link = resolver.ResolveLink(ref);
    std::optional<std::string> full = resolver.ResolveLinkFully(ref);
    FUZZ_CHECK(link == full, "ResolveLink gives " + Printable(link.value_or("nullopt")) +
                                 ", ResolveLinkFully " + Printable(full.value_or("nullopt")) +
                                 "; " + what);
    std::optional<std::string> resolved = resolver.Resolve(ref);
    FUZZ_CHECK(resolver.valid() || (!link && !resolved), what);
    FUZZ_CHECK(!resolver.valid() || resolved.has_value() == url.ok(), what);
    FUZZ_CHECK(link.has_value() == (resolved && url.value().is_http()), what);
    if (link) {
      FUZZ_CHECK(StartsWith(*link, "http://") || StartsWith(*link, "https://"), what);
      FUZZ_CHECK(link->find('#') == std::string::npos, what);
      FUZZ_CHECK(*link == url.value().Serialize(/*exclude_fragment=*/true), what);
      FUZZ_CHECK(StripFragment(*resolved) == *link,
                 "Resolve gives " + Printable(resolved.value_or("nullopt")) + "; " + what);
      // A link is its own resolution, against any http(s) base.
      FUZZ_CHECK(resolver.ResolveLink(*link) == link, "not a fixed point: " + what);
      CheckCanonical(*link);
      CheckStripped(*link);
    }
    // The line as a URL of its own.
    Result<WhatwgUrl> absolute = WhatwgUrl::Parse(ref);
    if (absolute.ok()) {
      CheckParsed(absolute.value(), "reference " + Printable(ref));
      CheckStripped(absolute.value().Serialize());
    }
    CheckCanonical(ref);
    CheckStripped(ref);
    InputLine line;
    line.text = std::string(ref);
    AdmitInputLine(line);
  }
  return 0;
}

// `body` with a record that is no group member (a Sitemap, or a key forage
// does not know) after every line break, and before the first line unless
// that starts with a byte-order mark, which must stay first. RFC 9309 section
// 2.2.4: such records must not change what the groups say.
std::string WithOtherRecords(std::string_view body) {
  static constexpr std::string_view kOthers[] = {"Sitemap: https://example.com/sitemap.xml\n",
                                                 "X-Unknown-Key: /\n",
                                                 "Host: example.com\n",
                                                 "Noindex: /\n",
                                                 "Clean-param: ref /\n",
                                                 "Sitemap:\n"};
  std::size_t next = 0;
  std::string out;
  auto other = [&] { out += kOthers[next++ % std::size(kOthers)]; };
  if (body.empty() || static_cast<unsigned char>(body[0]) != 0xEF) other();
  for (std::size_t i = 0; i < body.size(); ++i) {
    out += body[i];
    const bool line_end =
        body[i] == '\n' || (body[i] == '\r' && (i + 1 == body.size() || body[i + 1] != '\n'));
    if (line_end) other();
  }
  return out;
}

int FuzzRobots(const std::uint8_t* data, std::size_t size) {
  std::string_view in = AsView(data, size);
  const std::string_view user_agent = TakeLine(in);
  std::string_view paths = TakeLine(in);
  const std::string_view body = in;

  const std::string token = RobotsProductToken(user_agent);
  FUZZ_CHECK(StartsWith(user_agent, token) &&
                 std::all_of(token.begin(), token.end(),
                             [](char c) {
                               return std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
                                      c == '-';
                             }),
             "token " + Printable(token) + " of " + Printable(user_agent));
  RobotsRules rules = RobotsRules::Parse(body, user_agent);
  const std::string what =
      "user agent " + Printable(user_agent) + ", robots.txt " + Printable(body);
  FUZZ_CHECK(rules.IsAllowed("/robots.txt"), "/robots.txt refused; " + what);
  if (std::optional<double> delay = rules.CrawlDelay()) {
    FUZZ_CHECK(std::isfinite(*delay) && *delay >= 0,
               "crawl delay " + std::to_string(*delay) + "; " + what);
  }
  const std::vector<std::string>& sitemaps = rules.Sitemaps();
  FUZZ_CHECK(std::set<std::string>(sitemaps.begin(), sitemaps.end()).size() == sitemaps.size(),
             "a sitemap twice; " + what);

  std::vector<std::string_view> list{"/", "", "/index.html"};
  while (!paths.empty()) {
    std::size_t space = paths.find(' ');
    list.push_back(paths.substr(0, space));
    paths.remove_prefix(space == std::string_view::npos ? paths.size() : space + 1);
  }
  for (std::string_view path : list) {
    const bool allowed = rules.IsAllowed(path);
    const std::string where = "path " + Printable(path) + "; " + what;
    FUZZ_CHECK(rules.IsAllowed(EscapeUnreserved(path, false)) == allowed,
               "escaping unreserved characters changes the answer for " + where);
    FUZZ_CHECK(rules.IsAllowed(EscapeUnreserved(path, true)) == allowed,
               "lower-case escapes change the answer for " + where);
    if (path.empty() || path[0] != '/') {
      FUZZ_CHECK(rules.IsAllowed("/" + std::string(path)) == allowed,
                 "a leading \"/\" changes the answer for " + where);
    }
    FUZZ_CHECK(RobotsRules::AllowAll().IsAllowed(path), where);
  }

  // Grouping: Sitemap and unknown lines anywhere change no answer and no
  // delay (as long as the longer body is still read whole).
  const std::string noisy = WithOtherRecords(body);
  if (noisy.size() <= RobotsRules::kMaxBytes) {
    const RobotsRules with_others = RobotsRules::Parse(noisy, user_agent);
    const std::string where = "user agent " + Printable(user_agent) + ", robots.txt " +
                              Printable(body) + " and with other records " + Printable(noisy);
    for (std::string_view path : list) {
      FUZZ_CHECK(with_others.IsAllowed(path) == rules.IsAllowed(path),
                 "other records change the answer for path " + Printable(path) + "; " + where);
    }
    FUZZ_CHECK(with_others.CrawlDelay() == rules.CrawlDelay(),
               "other records change the crawl delay; " + where);
  }
  FUZZ_CHECK(RobotsRules::DisallowAll().IsAllowed("/robots.txt") &&
                 !RobotsRules::DisallowAll().IsAllowed("/"),
             "DisallowAll");
  return 0;
}

int FuzzUrlList(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = AsView(data, size);
  struct Line {
    std::string text;
    std::string line_no;
    bool too_long;
    bool operator==(const Line&) const = default;
  };
  auto check = [&](const InputLine& got, const std::string& name) {
    const std::string what = got.where + ": " + Printable(got.text);
    FUZZ_CHECK(StartsWith(got.where, name + ":"), what);
    // Blank lines and comments are skipped; a line cut for its length may
    // be blank in its first 64 KiB, and is reported all the same.
    FUZZ_CHECK(got.text.empty() ? got.too_long : got.text[0] != '#',
               "skippable line taken; " + what);
    FUZZ_CHECK(got.text.find('\n') == std::string::npos, "a newline inside; " + what);
    FUZZ_CHECK(got.text.empty() ||
                   (got.text.find_first_of(" \t\r\f\v") != 0 &&
                    std::string_view(" \t\r\f\v").find(got.text.back()) == std::string_view::npos),
               "not trimmed; " + what);
    FUZZ_CHECK(got.text.size() <= UrlSource::kMaxLineBytes,
               "a line of " + std::to_string(got.text.size()) + " bytes, too_long " +
                   (got.too_long ? "true" : "false") + "; " + what);
    return Line{got.text, got.where.substr(name.size()), got.too_long};
  };

  // From a regular file, which never blocks.
  std::vector<Line> from_file;
  {
    MemFile file = MakeMemFile(bytes);
    UrlSource source;
    FUZZ_CHECK(source.AddFile(file.path).ok(), "AddFile " + file.path);
    for (InputLine line;;) {
      UrlSource::Poll got = source.Next(&line);
      FUZZ_CHECK(got != UrlSource::Poll::kWouldBlock, "a regular file would block");
      if (got == UrlSource::Poll::kExhausted) break;
      from_file.push_back(check(line, file.path));
      AdmitInputLine(line);
    }
  }
  FUZZ_CHECK(from_file.size() <=
                 static_cast<std::size_t>(std::count(bytes.begin(), bytes.end(), '\n')) + 1,
             "more lines than the file holds");

  // From a pipe that the bytes arrive on in pieces: the same lines.
  Result<Pipe> pipe = MakePipe();
  FUZZ_CHECK(pipe.ok(), "MakePipe failed");
  UniqueFd& write_end = pipe.value().write;
  const std::string path = "/proc/self/fd/" + std::to_string(pipe.value().read.get());
  std::vector<Line> from_pipe;
  UrlSource source;
  FUZZ_CHECK(source.AddFile(path).ok(), "AddFile " + path);
  std::string_view rest = bytes;
  std::uint32_t state = static_cast<std::uint32_t>(size) * 2654435761u | 1;
  for (;;) {
    InputLine line;
    UrlSource::Poll got = source.Next(&line);
    if (got == UrlSource::Poll::kLine) {
      from_pipe.push_back(check(line, path));
      continue;
    }
    if (got == UrlSource::Poll::kExhausted) break;
    // Would block: the pipe is empty, so a piece up to 4 KiB fits whole.
    if (rest.empty()) {
      FUZZ_CHECK(write_end, "would block after end of file");
      write_end.Reset();
      continue;
    }
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    std::size_t piece = std::min<std::size_t>(rest.size(), 1 + state % 4096);
    ssize_t n = ::write(write_end.get(), rest.data(), piece);
    FUZZ_CHECK(n == static_cast<ssize_t>(piece), "write to the pipe failed");
    rest.remove_prefix(piece);
  }
  FUZZ_CHECK(from_pipe == from_file, "the pipe gave " + std::to_string(from_pipe.size()) +
                                         " lines, the file " + std::to_string(from_file.size()));
  return 0;
}

int FuzzConfig(const std::uint8_t* data, std::size_t size) {
  MemFile file = MakeMemFile(AsView(data, size));
  const char* argv[] = {"forage", "--config", file.path.c_str(), "--url", "http://example.com/"};
  ParsedCommandLine parsed = ParseCommandLine(5, argv);
  const std::string what = "config " + Printable(AsView(data, size)) + ": " + parsed.text;
  // Whatever the file holds, the outcome is a config to run or a usage error:
  // never --help or --version, which only the command line can ask for.
  FUZZ_CHECK(parsed.config ? parsed.exit_code == kExitOk : parsed.exit_code == kExitUsage,
             "exit code " + std::to_string(parsed.exit_code) + " for " + what);
  if (!parsed.config) {
    FUZZ_CHECK(!parsed.text.empty(), "a usage error without a message; " + what);
    return 0;
  }
  const CrawlOptions& o = parsed.config->options;
  FUZZ_CHECK(o.workers >= 1 && o.workers <= 1024, "workers " + std::to_string(o.workers));
  FUZZ_CHECK(o.fetch.concurrency >= 1 && o.fetch.concurrency <= 1000,
             "concurrency " + std::to_string(o.fetch.concurrency));
  FUZZ_CHECK(!parsed.config->urls.empty() && parsed.config->urls.back() == "http://example.com/",
             "the command line's --url is not the last; " + what);
  return 0;
}

int FuzzWire(const std::uint8_t* data, std::size_t size) {
  const std::string_view stream = AsView(data, size);
  CheckPayload(stream);
  const std::uint32_t seed = static_cast<std::uint32_t>(size) * 2654435761u +
                             (size ? static_cast<unsigned char>(stream.back()) : 0);
  // As the master reads result pipes, and with a small limit that makes
  // corrupt streams common.
  for (std::size_t max_payload : {std::size_t{wire::kMaxFrameBytes}, std::size_t{64}}) {
    Frames whole = SplitFrames(stream, max_payload);
    Frames pieces = BufferFrames(stream, max_payload, seed);
    FUZZ_CHECK(whole.payloads == pieces.payloads && whole.corrupt == pieces.corrupt &&
                   whole.pending == pieces.pending,
               "FrameBuffer gave " + std::to_string(pieces.payloads.size()) + " frames (" +
                   (pieces.corrupt ? "corrupt" : "pending " + std::to_string(pieces.pending)) +
                   "), expected " + std::to_string(whole.payloads.size()) + " (" +
                   (whole.corrupt ? "corrupt" : "pending " + std::to_string(whole.pending)) + ")");
    if (max_payload == wire::kMaxFrameBytes) {
      for (const std::string& payload : whole.payloads) CheckPayload(payload);
    }
  }
  return 0;
}

int FuzzShared(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned which = data[0];
  const std::string_view bytes = AsView(data + 1, size - 1);
  const std::string what = "input " + Printable(bytes);
  if (which == 0 || which > 2) {
    if (std::optional<DecodedEntry> e = DecodeJobEntry(bytes)) {
      const std::string once = EncodeJobEntry(e->job, e->ended ? &*e->ended : nullptr);
      std::optional<DecodedEntry> again = DecodeJobEntry(once);
      FUZZ_CHECK(again && again->job.input == e->job.input && again->job.depth == e->job.depth &&
                     again->job.robots == e->job.robots && again->job.chain == e->job.chain,
                 what);
      FUZZ_CHECK(EncodeJobEntry(again->job, again->ended ? &*again->ended : nullptr) == once, what);
    }
  }
  if (which == 1 || which > 2) {
    if (std::optional<Record> r = DecodeRecord(bytes)) {
      const std::string once = EncodeRecord(*r);
      std::optional<Record> again = DecodeRecord(once);
      FUZZ_CHECK(again && EncodeRecord(*again) == once, what);
    }
  }
  if (which == 2 || which > 2) {
    if (std::optional<RobotsVerdict> v = DecodeRobotsVerdict(bytes, "forage/1")) {
      const std::string once = EncodeRobotsVerdict(*v);
      std::optional<RobotsVerdict> again = DecodeRobotsVerdict(once, "forage/1");
      FUZZ_CHECK(again && EncodeRobotsVerdict(*again) == once, what);
      FUZZ_CHECK(again->rules.IsAllowed("/a/b") == v->rules.IsAllowed("/a/b"), what);
    }
  }
  return 0;
}

namespace {

constexpr CookieJarLimits kFuzzCookieLimits{.per_domain = 4, .total = 16, .max_cookie_bytes = 512};

// Save, Load into a new jar, Save: the same bytes, the same headers.
void CheckCookieRoundTrip(CookieJar& jar, std::int64_t now, const std::vector<std::string>& urls,
                          const std::string& what) {
  const std::string saved = jar.Save(now);
  CookieJar again(kFuzzCookieLimits);
  Status loaded = again.Load(saved, "saved", now);
  FUZZ_CHECK(loaded.ok(), "Load of Save failed: " + loaded.message() + "\n  saved " +
                              Printable(saved) + "\n  " + what);
  FUZZ_CHECK(again.Save(now) == saved,
             "Save of Load of Save differs: " + Printable(again.Save(now)) + "\n  saved " +
                 Printable(saved) + "\n  " + what);
  // Save leaves out expired cookies the jar has not met yet; after Expire
  // it holds just what Save wrote.
  jar.Expire(now);
  FUZZ_CHECK(again.size() == jar.size(), "sizes " + std::to_string(again.size()) + " and " +
                                             std::to_string(jar.size()) + "; " + what);
  for (const std::string& url : urls) {
    const std::string header = jar.HeaderFor(url, now);
    FUZZ_CHECK(again.HeaderFor(url, now) == header,
               "the loaded jar sends another header to " + Printable(url) + "; " + what);
  }
}

}  // namespace

int FuzzCdxj(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxCdxjBytes) return 0;
  const std::string_view input = AsView(data, size);
  std::string_view rest = input;
  const std::string_view first = TakeLine(rest);
  const std::string key = SurtKey(first);
  FUZZ_CHECK(!key.empty(), Printable(first));
  for (char c : key) {
    FUZZ_CHECK(c > 0x20 && c < 0x7f, Printable(first) + " -> " + Printable(key));
  }
  auto one_line = [](const std::string& line) {
    for (char c : line) FUZZ_CHECK(c != '\n' && c != '\r', Printable(line));
  };
  const std::optional<CdxjEntry> entry = CdxjEntryOf(input);
  if (entry) {
    const std::string line = CdxjLine(*entry);
    one_line(line);
    FUZZ_CHECK(line.rfind(SurtKey(entry->url) + " ", 0) == 0, Printable(line));
  }
  // As a file: whatever it is, the indexer answers.
  Result<std::vector<std::string>> raw = IndexWarcBytes(input, "f.warc.gz");
  if (raw.ok()) {
    FUZZ_CHECK(std::is_sorted(raw.value().begin(), raw.value().end()), Printable(input));
    for (const std::string& line : raw.value()) one_line(line);
  }
  // As a record in a gzip member, as any writer would make it.
  z_stream z{};
  FUZZ_CHECK(deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK, "");
  std::string gz(deflateBound(&z, static_cast<uLong>(size)) + 64, '\0');
  z.next_in = const_cast<Bytef*>(data);
  z.avail_in = static_cast<uInt>(size);
  z.next_out = reinterpret_cast<Bytef*>(gz.data());
  z.avail_out = static_cast<uInt>(gz.size());
  const int rc = deflate(&z, Z_FINISH);
  gz.resize(gz.size() - z.avail_out);
  deflateEnd(&z);
  FUZZ_CHECK(rc == Z_STREAM_END, Printable(input));
  Result<std::vector<std::string>> member = IndexWarcBytes(gz, "f.warc.gz");
  FUZZ_CHECK(member.ok(), Printable(input) + ": " + member.status().message());
  if (entry) {
    CdxjEntry expected = *entry;
    expected.offset = 0;
    expected.length = gz.size();
    expected.filename = "f.warc.gz";
    FUZZ_CHECK(member.value() == std::vector<std::string>{CdxjLine(expected)}, Printable(input));
  } else {
    FUZZ_CHECK(member.value().empty(), Printable(input));
  }
  return 0;
}

int FuzzCookie(const std::uint8_t* data, std::size_t size) {
  std::string_view in = AsView(data, size);
  const std::string what = "input " + Printable(in);
  CookieJar jar(kFuzzCookieLimits);
  std::string url = "https://www.example.co.uk/a/b";
  std::vector<std::string> asked = {url, "http://example.co.uk/"};
  std::int64_t now = 1'700'000'000;
  auto check_limits = [&] {
    FUZZ_CHECK(jar.size() <= kFuzzCookieLimits.total, "size " + std::to_string(jar.size()));
    FUZZ_CHECK(jar.empty() == (jar.size() == 0), what);
  };
  while (!in.empty()) {
    std::string_view line = TakeLine(in);
    if (line.starts_with('@')) {
      url = line.substr(1);
      asked.push_back(url);
    } else if (line.starts_with('?')) {
      const std::string target(line.substr(1));
      asked.push_back(target);
      const std::size_t before = jar.size();
      const std::string header = jar.HeaderFor(target, now);
      if (before == 0) FUZZ_CHECK(header.empty(), "a header from an empty jar; " + what);
      std::size_t pairs = header.empty() ? 0 : 1;
      for (std::size_t i = header.find("; "); i != std::string::npos;
           i = header.find("; ", i + 2)) {
        ++pairs;
      }
      FUZZ_CHECK(pairs <= before, "header " + Printable(header) + " from " +
                                      std::to_string(before) + " cookies; " + what);
      for (char c : header) {
        auto b = static_cast<unsigned char>(c);
        FUZZ_CHECK(b >= 0x20 && b != 0x7f, "a control byte in header " + Printable(header));
      }
    } else if (line.starts_with('+')) {
      std::int64_t step = 0;
      for (char c : line.substr(1, 9)) {
        if (c >= '0' && c <= '9') step = step * 10 + (c - '0');
      }
      now += step;
    } else if (line == "=") {
      // The rest is a file: loaded on its own, then into the jar.
      CookieJar file_jar(kFuzzCookieLimits);
      const std::string before = jar.Save(now);
      Status alone = file_jar.Load(in, "input", now);
      Status into = jar.Load(in, "input", now);
      FUZZ_CHECK(alone.ok() == into.ok(), "the file loads into one jar only; " + what);
      if (alone.ok()) {
        CheckCookieRoundTrip(file_jar, now, asked, what);
      } else {
        FUZZ_CHECK(alone.IsInvalidArgument() && StartsWith(alone.message(), "input:"),
                   alone.message() + "; " + what);
        FUZZ_CHECK(jar.Save(now) == before, "a failed load changed the jar; " + what);
      }
      break;
    } else {
      std::string why;
      const bool stored = jar.SetFromHeader(url, line, now, &why);
      FUZZ_CHECK(stored == why.empty(),
                 "stored " + std::to_string(stored) + ", why " + Printable(why) + "; " + what);
    }
    check_limits();
  }
  CheckCookieRoundTrip(jar, now, asked, what);
  // Expire drops only what Save already leaves out.
  const std::int64_t later = now + 401 * 86400;
  const std::string unexpired = jar.Save(later);
  jar.Expire(later);
  FUZZ_CHECK(jar.Save(later) == unexpired, "Expire changed what Save writes; " + what);
  return 0;
}

namespace {

// What SavePathFor promises of any path: `path`, the path of the URL
// `what` names.
void CheckSavePath(const std::string& path, const std::string& what) {
  const std::string where = Printable(path) + " for " + what;
  FUZZ_CHECK(!path.empty() && path.front() != '/', "not relative: " + where);
  FUZZ_CHECK(path.size() <= kMaxSavePathBytes, "too long: " + where);
  for (char c : path) {
    const auto b = static_cast<unsigned char>(c);
    FUZZ_CHECK(b >= 0x20 && b <= 0x7e, "a control or non-ASCII byte: " + where);
    FUZZ_CHECK(std::string_view("\\:*?\"<>|").find(c) == std::string_view::npos,
               "a byte Windows refuses: " + where);
  }
  for (std::size_t start = 0;;) {
    const std::size_t slash = path.find('/', start);
    const std::string_view name = std::string_view(path).substr(start, slash - start);
    FUZZ_CHECK(!name.empty() && name != "." && name != "..", "a bad component: " + where);
    FUZZ_CHECK(name.size() <= kMaxSaveNameBytes, "a component too long: " + where);
    if (slash == std::string::npos) {
      FUZZ_CHECK(name.back() != '%', "a file named as a directory: " + where);
      break;
    }
    start = slash + 1;
  }
}

// `url` without its scheme: http and https share their paths.
std::string_view WithoutScheme(std::string_view url) {
  const std::size_t colon = url.find("://");
  return colon == std::string_view::npos ? url : url.substr(colon + 3);
}

}  // namespace

int FuzzSavePath(const std::uint8_t* data, std::size_t size) {
  std::string_view in = AsView(data, size);
  const std::string_view first = TakeLine(in);
  const std::string_view second = TakeLine(in);
  std::optional<CanonicalUrl> a = Canonicalize(first);
  std::optional<CanonicalUrl> b = Canonicalize(second);
  std::string path_a, path_b;
  if (a) {
    path_a = SavePathFor(*a);
    CheckSavePath(path_a, Printable(a->url));
    FUZZ_CHECK(SavePathFor(*a) == path_a, "not deterministic: " + Printable(a->url));
  }
  if (b) {
    path_b = SavePathFor(*b);
    CheckSavePath(path_b, Printable(b->url));
  }
  if (a && b && WithoutScheme(a->url) != WithoutScheme(b->url)) {
    const std::string what = Printable(a->url) + " -> " + Printable(path_a) + " and " +
                             Printable(b->url) + " -> " + Printable(path_b);
    const std::string fold_a = AsciiLowered(path_a);
    const std::string fold_b = AsciiLowered(path_b);
    FUZZ_CHECK(fold_a != fold_b, "one path (case folded) for two URLs: " + what);
    FUZZ_CHECK(fold_b.rfind(fold_a + "/", 0) != 0 && fold_a.rfind(fold_b + "/", 0) != 0,
               "a file where a directory is needed: " + what);
  }
  return 0;
}

std::vector<std::pair<std::string, std::string>> SharedSeeds() {
  Job link;
  link.input = "https://docs.example/guide/ch2.html";
  link.depth = 3;
  link.parent = std::make_shared<const std::string>("https://docs.example/guide/");
  link.scope_root = std::make_shared<const std::string>("example");
  link.current_url = "https://docs.example/guide/ch2.html?x=1";
  link.chain = {1, 2, 3};
  link.attempts = 1;
  Job listed;
  listed.input = "ftp://x";
  listed.where = "urls.txt:4";
  const RecordError bad{ErrorKind::kInvalidUrl, "not an http(s) URL (urls.txt:4)"};
  Record record;
  record.url = "https://a.example/";
  record.final_url = "https://a.example/home";
  record.ok = true;
  record.status = 200;
  record.title = "A";
  record.links = {"https://a.example/1"};
  record.fields = {{"price", {"1"}}};
  record.fetched_at_ms = 1700000000000;
  const RobotsVerdict rules = JudgeRobots(ErrorKind::kNone, 200, "",
                                          "User-agent: *\nDisallow: /a\nCrawl-delay: 1\n",
                                          "forage/1", 0);
  const RobotsVerdict down = JudgeRobots(ErrorKind::kHttp, 503, "", "", "forage/1", 2);
  auto tagged = [](char which, const std::string& bytes) { return std::string(1, which) + bytes; };
  return {{"entry-link", tagged(0, EncodeJobEntry(link))},
          {"entry-ended", tagged(0, EncodeJobEntry(listed, &bad))},
          {"record", tagged(1, EncodeRecord(record))},
          {"robots-rules", tagged(2, EncodeRobotsVerdict(rules))},
          {"robots-down", tagged(2, EncodeRobotsVerdict(down))}};
}

std::vector<std::pair<std::string, std::string>> WireSeeds() {
  wire::FetchResult page;
  page.id = 42;
  page.status = 200;
  page.final_url = "https://example.com/docs/index.html";
  page.content_type = "text/html; charset=utf-8";
  page.bytes = 5120;
  page.elapsed_ms = 87;
  page.fetched_at_ms = 1700000000123;
  page.title = "Docs \xe2\x80\x94 Example";
  page.description = "Everything about examples";
  page.links = {"https://example.com/", "https://example.com/docs/a.html",
                "http://other.example/x?y=1"};
  page.fields = {{"price", {"9.99", "12.50"}}, {"empty", {}}};
  page.text = "Docs\nEverything about examples\tand more";
  page.etag = "\"abc123\"";
  page.last_modified = "Tue, 14 Nov 2023 22:13:20 GMT";

  wire::FetchResult failed;
  failed.id = 7;
  failed.error = ErrorKind::kDns;
  failed.error_message = "Could not resolve host: nowhere.invalid";
  failed.final_url = "http://nowhere.invalid/";
  failed.elapsed_ms = 3;

  wire::FetchResult redirect;
  redirect.id = 8;
  redirect.status = 301;
  redirect.final_url = "http://example.com/old";
  redirect.redirect_url = "https://example.com/new";

  wire::FetchResult busy;
  busy.id = 9;
  busy.error = ErrorKind::kHttp;
  busy.error_message = "HTTP 429";
  busy.status = 429;
  busy.retry_after_s = 120;

  wire::FetchResult robots;
  robots.id = 10;
  robots.status = 200;
  robots.final_url = "https://example.com/robots.txt";
  robots.content_type = "text/plain";
  robots.body = "User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n";

  wire::FetchResult kept;  // keep_body: a whole PDF, its digest, its bytes
  kept.id = 12;
  kept.status = 200;
  kept.final_url = "https://example.com/a.pdf";
  kept.content_type = "application/pdf";
  kept.bytes = 9;
  kept.body = "%PDF-1.4\n";
  kept.page_body = true;
  kept.sha256 = "a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1";

  wire::FetchResult unchanged;
  unchanged.id = 11;
  unchanged.status = 304;
  unchanged.etag = "W/\"v2\"";

  wire::FetchResult sitemap;  // a sitemap cut at its 50,000th URL
  sitemap.id = 13;
  sitemap.error = ErrorKind::kSitemap;
  sitemap.error_message = "sitemap lists more than 50000 URLs; the rest were ignored";
  sitemap.status = 200;
  sitemap.final_url = "https://example.com/sitemap.xml.gz";
  sitemap.content_type = "application/gzip";
  sitemap.links = {"https://example.com/a", "https://example.com/b?x=1&y=2"};
  sitemap.lastmods = {1104537600000, wire::kNoLastmod};
  sitemap.sitemap_kind = 1;

  wire::FetchJob job{1, wire::JobKind::kPage, "https://example.com/docs/"};
  wire::FetchJob conditional{2, wire::JobKind::kPage, "https://example.com/a.html", "\"abc\"",
                             "Tue, 14 Nov 2023 22:13:20 GMT"};
  wire::FetchJob robots_job{3, wire::JobKind::kRobots, "https://example.com/robots.txt"};
  wire::FetchJob delayed{4, wire::JobKind::kPage, "https://example.com/b.html"};
  delayed.report_sent = true;

  FetchSettings config;
  config.concurrency = 32;
  config.timeout = std::chrono::milliseconds(30000);
  config.connect_timeout = std::chrono::milliseconds(10000);
  config.user_agent = "forage/0.1.0";
  config.max_bytes = 10u << 20;
  config.resolve = {"example.com:443:127.0.0.1"};
  config.extract.select = {{"price", "span.price", "data-value"}, {"h", "h1, h2", ""}};
  config.extract.text = true;
  config.extract.max_text = 65536;
  // Zeros where the committed seed (corpus/wire/fetcher-config) has them,
  // so that these bytes are that seed.
  config.extract.max_links = 0;
  config.stall_timeout = std::chrono::milliseconds(0);
  config.fetcher_memory_mib = 0;
  config.accept_types = {"text/html", "image/*"};
  std::string config_payload = wire::EncodeFetcherConfig(config, LogLevel::kInfo);
  std::string config_frame(wire::kFrameHeaderBytes, '\0');
  for (std::size_t i = 0; i < wire::kFrameHeaderBytes; ++i) {
    config_frame[i] = static_cast<char>((config_payload.size() >> (8 * i)) & 0xff);
  }
  config_frame += config_payload;

  std::string stream = wire::EncodeReady() + wire::EncodeSent({42, 123'456'789'012}) +
                       wire::EncodeResult(page) + wire::EncodeResult(failed);
  std::string torn = wire::EncodeResult(page);
  torn.resize(torn.size() / 2);
  return {
      {"result-page", wire::EncodeResult(page)},
      {"result-dns-error", wire::EncodeResult(failed)},
      {"result-redirect", wire::EncodeResult(redirect)},
      {"result-429-retry-after", wire::EncodeResult(busy)},
      {"result-robots-body", wire::EncodeResult(robots)},
      {"result-304", wire::EncodeResult(unchanged)},
      {"result-kept-body", wire::EncodeResult(kept)},
      {"result-sitemap", wire::EncodeResult(sitemap)},
      {"job-sitemap", wire::EncodeJob({5, wire::JobKind::kSitemap, "https://example.com/sitemap.xml"})},
      {"job-page", wire::EncodeJob(job)},
      {"job-conditional", wire::EncodeJob(conditional)},
      {"job-robots", wire::EncodeJob(robots_job)},
      {"job-report-sent", wire::EncodeJob(delayed)},
      {"sent", wire::EncodeSent({4, 987'654'321'000})},
      {"fetcher-config", config_frame},
      {"ready", wire::EncodeReady()},
      {"stream-ready-page-error", stream},
      {"stream-torn", wire::EncodeResult(failed) + torn},
  };
}

namespace {

struct SitemapAnswer {
  SitemapKind kind;
  std::vector<SitemapEntry> entries;
  std::optional<std::string> error;
  std::size_t skipped;
  bool operator==(const SitemapAnswer& o) const {
    // expat may name one malformation two ways, as the bytes come
    // ("junk after document element" whole, "not well-formed" cut): any
    // XML error is as good as another.
    const bool xml_errors = error && o.error && error->starts_with("XML error") &&
                            o.error->starts_with("XML error");
    if (kind != o.kind || (error != o.error && !xml_errors) || skipped != o.skipped ||
        entries.size() != o.entries.size()) {
      return false;
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (entries[i].url != o.entries[i].url || entries[i].lastmod_ms != o.entries[i].lastmod_ms) {
        return false;
      }
    }
    return true;
  }
};

std::string Describe(const SitemapAnswer& a) {
  return "kind " + std::to_string(static_cast<int>(a.kind)) + ", " +
         std::to_string(a.entries.size()) + " entries, " + std::to_string(a.skipped) +
         " skipped, error " + (a.error ? Printable(*a.error) : "none");
}

// `body` fed at once (seed 0) or in pieces of 1 to 64 bytes from `seed`.
SitemapAnswer ReadSitemap(std::string_view body, unsigned seed) {
  SitemapReader reader(SitemapReader::Limits{30, 32 * 1024});
  std::uint32_t state = seed;
  bool more = true;
  while (!body.empty() && more) {
    std::size_t n = body.size();
    if (seed != 0) {
      state = state * 1103515245u + 12345u;
      n = std::min<std::size_t>(n, 1 + (state >> 16) % 64);
    }
    more = reader.Feed(body.substr(0, n));
    body.remove_prefix(n);
  }
  reader.Finish();
  return {reader.kind(), reader.entries(), reader.error(), reader.skipped()};
}

}  // namespace

int FuzzSitemap(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || size > kMaxSitemapBytes) return 0;
  const unsigned seed = data[0] + 1u;
  const std::string_view body = AsView(data + 1, size - 1);
  const SitemapAnswer whole = ReadSitemap(body, 0);
  const std::string what = Printable(std::string(body.substr(0, 200))) + ": " + Describe(whole);
  FUZZ_CHECK(whole.entries.size() <= 30, what);
  FUZZ_CHECK(whole.entries.empty() || whole.kind != SitemapKind::kUnknown, what);
  if (whole.error) FUZZ_CHECK(whole.error->find_first_of("\r\n") == std::string::npos, what);
  for (const SitemapEntry& e : whole.entries) {
    FUZZ_CHECK(!e.url.empty() && e.url.size() <= kMaxSitemapUrlBytes, what);
    FUZZ_CHECK(e.url.find_first_of(" \t\r\n") != 0 &&
                   std::string(" \t\r\n").find(e.url.back()) == std::string::npos,
               "untrimmed " + Printable(e.url));
    Result<WhatwgUrl> url = WhatwgUrl::Parse(e.url);
    FUZZ_CHECK(url.ok() && url.value().is_http(), "not an http(s) URL: " + Printable(e.url));
  }
  const SitemapAnswer pieces = ReadSitemap(body, seed);
  FUZZ_CHECK(pieces == whole, what + "; in pieces: " + Describe(pieces));
  if (!StartsWith(body, "\x1f\x8b")) {
    z_stream z{};
    FUZZ_CHECK(deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK, "");
    std::string gz(deflateBound(&z, static_cast<uLong>(body.size())) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
    z.avail_in = static_cast<uInt>(body.size());
    z.next_out = reinterpret_cast<Bytef*>(gz.data());
    z.avail_out = static_cast<uInt>(gz.size());
    const int rc = deflate(&z, Z_FINISH);
    gz.resize(gz.size() - z.avail_out);
    deflateEnd(&z);
    FUZZ_CHECK(rc == Z_STREAM_END, what);
    const SitemapAnswer gzipped = ReadSitemap(gz, seed);
    FUZZ_CHECK(gzipped == whole, what + "; gzipped: " + Describe(gzipped));
  }
  return 0;
}

int FuzzSrcset(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = AsView(data, size);
  const std::vector<std::string> urls = ParseSrcset(input);
  std::size_t from = 0;
  for (const std::string& url : urls) {
    // Each URL is the input's own text, later than the one before, never
    // empty, with no ASCII whitespace and no trailing comma.
    FUZZ_CHECK(!url.empty(), "an empty URL from " + Printable(input));
    FUZZ_CHECK(url.find_first_of(" \t\n\f\r") == std::string::npos,
               "whitespace in " + Printable(url));
    FUZZ_CHECK(url.back() != ',', "a trailing comma in " + Printable(url));
    const std::size_t at = input.find(url, from);
    FUZZ_CHECK(at != std::string_view::npos, Printable(url) + " is not in order in the input");
    if (at != std::string_view::npos) from = at + url.size();
  }
  // Deterministic, and a URL taken alone is still a candidate.
  FUZZ_CHECK(ParseSrcset(input) == urls, "two parses differ for " + Printable(input));
  for (const std::string& url : urls) {
    FUZZ_CHECK(ParseSrcset(url) == std::vector<std::string>{url}, "alone: " + Printable(url));
  }
  return 0;
}

int FuzzMetaRefresh(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = AsView(data, size);
  const std::optional<std::string> url = ParseMetaRefresh(input);
  if (!url) return 0;
  // The URL is a suffix of the input, or a quoted one's inside.
  FUZZ_CHECK(input.find(*url) != std::string_view::npos, "not in the input: " + Printable(*url));
  FUZZ_CHECK(url->size() < input.size(), "the whole input " + Printable(input));
  // With "0; url=" before it, unquoted and free of leading whitespace, it
  // comes back whole.
  if (!url->empty() && url->front() != '\'' && url->front() != '"' &&
      std::string_view(" \t\n\f\r").find(url->front()) == std::string_view::npos) {
    FUZZ_CHECK(ParseMetaRefresh("0; url=" + *url) == url, "not a fixed point: " + Printable(*url));
  }
  return 0;
}

int FuzzCssUrls(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = AsView(data, size);
  const std::vector<std::string> urls = FindCssUrls(input);
  std::size_t bytes = 0;
  for (const std::string& url : urls) {
    FUZZ_CHECK(!url.empty(), "an empty URL from " + Printable(input));
    bytes += url.size();
  }
  // Escapes grow by at most 3 bytes for 1 ("\" at the end: U+FFFD).
  FUZZ_CHECK(bytes <= 3 * size, "more URL than input in " + Printable(input));
  if (IsValidUtf8(input)) {
    for (const std::string& url : urls) {
      FUZZ_CHECK(IsValidUtf8(url), "invalid UTF-8 " + Printable(url));
    }
  }
  // Comments are skipped and unquoted url()s come back as written.
  const std::string wrapped = "/*" + std::string(input.substr(0, input.find("*/"))) + "*/";
  FUZZ_CHECK(FindCssUrls(wrapped).empty(), "a URL in the comment " + Printable(wrapped));
  for (const std::string& url : urls) {
    if (url.find_first_of("\\\"'() \t\n\f\r") != std::string::npos) continue;
    bool printable = true;
    for (char c : url) printable = printable && static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
    if (!printable) continue;
    FUZZ_CHECK(FindCssUrls("url(" + url + ")") == std::vector<std::string>{url},
               "not a fixed point: " + Printable(url));
  }
  return 0;
}

int FuzzSignals(const std::uint8_t* data, std::size_t size) {
  std::string_view in = AsView(data, size);
  const std::string_view token = TakeLine(in);
  const std::string_view value = in;
  const std::string what = "token " + Printable(token) + ", value " + Printable(value);

  // Case never matters, in the directives nor in the crawler's name.
  const RobotsDirectives content = ParseRobotsContent(value);
  FUZZ_CHECK(ParseRobotsContent(AsciiLowered(value)) == content, "content case; " + what);
  const RobotsDirectives header = ParseXRobotsTag(value, token);
  FUZZ_CHECK(ParseXRobotsTag(AsciiLowered(value), AsciiLowered(token)) == header,
             "header case; " + what);
  // Naming a crawler only narrows: what addresses every crawler is in it.
  RobotsDirectives both = header;
  both |= ParseXRobotsTag(value, "");
  FUZZ_CHECK(both == header, "no token gave more; " + what);
  // Values combine as |=, whatever comes after them in another header.
  RobotsDirectives joined = ParseXRobotsTag("googlebot: noindex", token);
  joined |= header;
  RobotsDirectives again = header;
  again |= ParseXRobotsTag("googlebot: noindex", token);
  FUZZ_CHECK(joined == again, "|= order; " + what);

  // The Link header: a canonical reference is a piece of the value, never
  // holding '>', and links appended after the value change nothing.
  if (std::optional<std::string> canonical = CanonicalOfLinkHeader(value)) {
    FUZZ_CHECK(canonical->find('>') == std::string::npos &&
                   value.find(*canonical) != std::string_view::npos,
               "canonical " + Printable(*canonical) + "; " + what);
    FUZZ_CHECK(CanonicalOfLinkHeader(std::string(value) + ", <https://x/>; rel=canonical") ==
                   canonical,
               "a later link changed the canonical; " + what);
  }
  return 0;
}

int FuzzScanner(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxHtmlBytes) return 0;
  // The page as a fetcher hands it over: UTF-8. Invalid input goes to
  // gumbo (ScanPage checks); covering it here would only test that.
  const std::string html = MakeValidUtf8(AsView(data, size));
  const testing::ScanComparison c =
      testing::CompareScanWithGumbo(html, "https://example.com/dir/page.html");
  FUZZ_CHECK(c.difference.empty(), "the scanner differs from gumbo on " + Printable(html) +
                                       "\n" + c.difference);
  return 0;
}

std::span<const Target> Targets() {
  static constexpr Target kTargets[] = {
      {"html", FuzzHtml},     {"charset", FuzzCharset},  {"url", FuzzUrl},
      {"robots", FuzzRobots}, {"url_list", FuzzUrlList}, {"config", FuzzConfig},
      {"wire", FuzzWire},     {"shared", FuzzShared},    {"cookie", FuzzCookie},
      {"save_path", FuzzSavePath},
      {"cdxj", FuzzCdxj},     {"sitemap", FuzzSitemap},
      {"srcset", FuzzSrcset},
      {"meta_refresh", FuzzMetaRefresh},
      {"css_urls", FuzzCssUrls},
      {"signals", FuzzSignals},
      {"scanner", FuzzScanner},
  };
  return kTargets;
}

}  // namespace forage::fuzz
