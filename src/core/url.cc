#include "core/url.h"

#include <algorithm>
#include <string>
#include <utility>

#include "core/percent_encoding.h"

namespace forage {
namespace {

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSchemeChar(char c) {
  return IsAsciiAlpha(c) || IsDigit(c) || c == '+' || c == '-' || c == '.';
}
bool IsUpperHexDigit(char c) { return IsDigit(c) || (c >= 'A' && c <= 'F'); }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
           return lower(x) == lower(y);
         });
}

bool IsHttpScheme(std::string_view scheme) {
  return EqualsIgnoreCase(scheme, "http") || EqualsIgnoreCase(scheme, "https");
}

// The scheme of `text` if it starts with one ("scheme:"), else empty.
std::string_view SchemeOf(std::string_view text) {
  if (text.empty() || !IsAsciiAlpha(text[0])) return {};
  std::size_t i = 1;
  while (i < text.size() && IsSchemeChar(text[i])) ++i;
  if (i >= text.size() || text[i] != ':') return {};
  return text.substr(0, i);
}

// What the parser reads of `text`: surrounding C0 controls and spaces
// trimmed, tabs and newlines removed.
std::string ParserView(std::string_view text) {
  auto c0_or_space = [](char c) { return static_cast<unsigned char>(c) <= 0x20; };
  while (!text.empty() && c0_or_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && c0_or_space(text.back())) text.remove_suffix(1);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c != '\t' && c != '\n' && c != '\r') out += c;
  }
  return out;
}

// Whether `rest` (a path from its "/", then maybe "?query") is as the
// parser would serialize it, with escapes in upper case: path characters
// the path percent-encode set leaves alone (no "\", no segment starting
// with "." or "%2E", which could be a dot segment), query characters the
// special-query set leaves alone, and every "%" starting an upper-case
// escape. Conservative: false sends the URL to the parser.
bool IsCanonicalPathAndQuery(std::string_view rest) {
  if (rest.empty() || rest[0] != '/') return false;
  bool query = false;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const char c = rest[i];
    if (c == '%') {
      if (i + 2 >= rest.size() || !IsUpperHexDigit(rest[i + 1]) || !IsUpperHexDigit(rest[i + 2])) {
        return false;
      }
      continue;
    }
    if (query) {
      if (c <= 0x20 || c >= 0x7f || c == '"' || c == '#' || c == '<' || c == '>' || c == '\'') {
        return false;
      }
      continue;
    }
    if (c == '?') {
      query = true;
    } else if (c == '/') {
      if (i + 1 < rest.size() && (rest[i + 1] == '.' || rest.compare(i + 1, 3, "%2E") == 0)) {
        return false;
      }
    } else if (!(IsAsciiAlpha(c) || IsDigit(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
                 c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' ||
                 c == '*' || c == '+' || c == ',' || c == ';' || c == '=' || c == ':' ||
                 c == '@')) {
      return false;
    }
  }
  return true;
}

// Whether the parser, reading `ref` (no fragment; leading "./" and "../"
// taken off) against an http(s) base, only joins it onto the base's
// directory (or origin, for "/path", or path, for "?query") as it is: no
// "//" authority, no scheme (no ":" before the query), no segment that could
// be a dot segment (starting with "." or "%2e"), no "\", and only characters
// the path and special-query percent-encode sets leave alone. Conservative:
// false sends the reference to the parser.
bool IsPlainReference(std::string_view ref) {
  if (ref.substr(0, 2) == "//") return false;
  bool query = false;
  bool segment_start = true;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const char c = ref[i];
    if (query) {
      if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\'') return false;
      continue;
    }
    if (c == '?') {
      query = true;
      continue;
    }
    if (c == '/') {
      segment_start = true;
      continue;
    }
    if (segment_start && (c == '.' || (c == '%' && i + 2 < ref.size() && ref[i + 1] == '2' &&
                                       (ref[i + 2] == 'e' || ref[i + 2] == 'E')))) {
      return false;
    }
    segment_start = false;
    if (!(IsAsciiAlpha(c) || IsDigit(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
          c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' ||
          c == '+' || c == ',' || c == ';' || c == '=' || c == '@' || c == '%')) {
      return false;
    }
  }
  return true;
}

// A dotted quad as the host parser prints an IPv4 address: four decimal
// parts of 0-255, no leading zeros.
bool IsPlainIpv4(std::string_view host) {
  int parts = 0;
  while (!host.empty()) {
    std::size_t dot = host.find('.');
    std::string_view part = host.substr(0, dot);
    if (part.empty() || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return false;
    int value = 0;
    for (char c : part) {
      if (!IsDigit(c)) return false;
      value = value * 10 + (c - '0');
    }
    if (value > 255 || ++parts > 4) return false;
    if (dot == std::string_view::npos) break;
    host.remove_prefix(dot + 1);
    if (host.empty()) return false;  // a trailing dot
  }
  return parts == 4;
}

// The canonical form of an http(s) URL (fragment removed) that is in it
// already, found without the parser: lower-case scheme, a host name of
// lower-case letters, digits, "-" and "." with no "xn--" label (which IDNA
// would check) and not ending in a number (or a plain dotted quad), a port
// other than the scheme's default, and a path and query
// IsCanonicalPathAndQuery takes. nullopt: the parser decides.
std::optional<CanonicalUrl> PlainCanonical(std::string_view url) {
  std::size_t host_begin = 0;
  std::string_view default_port;
  if (url.substr(0, 7) == "http://") {
    host_begin = 7;
    default_port = "80";
  } else if (url.substr(0, 8) == "https://") {
    host_begin = 8;
    default_port = "443";
  } else {
    return std::nullopt;
  }
  // The host: labels of lower-case letters, digits and "-", none empty and
  // none starting with "xn--", up to ":" or "/".
  std::size_t host_end = host_begin;
  std::size_t label = host_begin;
  for (;; ++host_end) {
    if (host_end == url.size()) return std::nullopt;  // no path: the parser adds "/"
    const char c = url[host_end];
    if (c == ':' || c == '/' || c == '.') {
      if (host_end == label || url.compare(label, 4, "xn--") == 0) return std::nullopt;
      if (c != '.') break;
      label = host_end + 1;
    } else if (!((c >= 'a' && c <= 'z') || IsDigit(c) || c == '-')) {
      return std::nullopt;
    }
  }
  std::string_view host = url.substr(host_begin, host_end - host_begin);
  // A host whose last label starts with a digit may be an IPv4 address in
  // another spelling ("127.1", "0x7f.0.0.1"): only a plain dotted quad is
  // printed as given.
  std::string_view last = host.substr(host.rfind('.') + 1);
  if (IsDigit(last[0]) && !IsPlainIpv4(host)) return std::nullopt;
  std::size_t origin_end = host_end;
  if (url[host_end] == ':') {
    std::size_t path = url.find('/', host_end);
    if (path == std::string_view::npos) return std::nullopt;
    std::string_view port = url.substr(host_end + 1, path - host_end - 1);
    if (port.empty() || port.size() > 5 || port[0] == '0' || port == default_port) {
      return std::nullopt;
    }
    int value = 0;
    for (char c : port) {
      if (!IsDigit(c)) return std::nullopt;
      value = value * 10 + (c - '0');
    }
    if (value > 65535) return std::nullopt;
    origin_end = path;
  }
  if (!IsCanonicalPathAndQuery(url.substr(origin_end))) return std::nullopt;
  CanonicalUrl out;
  out.url = std::string(url);
  out.host_begin = host_begin;
  out.host_end = host_end;
  out.origin_end = origin_end;
  return out;
}

// Appends `s` with the hex digits of its escapes in upper case.
void AppendUpperEscapes(std::string_view s, std::string* out) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%' && i + 2 < s.size() && IsAsciiHexDigit(s[i + 1]) && IsAsciiHexDigit(s[i + 2])) {
      auto upper = [](char h) { return h >= 'a' && h <= 'f' ? static_cast<char>(h - 32) : h; };
      *out += '%';
      *out += upper(s[i + 1]);
      *out += upper(s[i + 2]);
      i += 2;
    } else {
      *out += c;
    }
  }
}

}  // namespace

std::optional<CanonicalUrl> CanonicalOf(const WhatwgUrl& url) {
  if (!url.is_http() || !url.host()) return std::nullopt;
  CanonicalUrl out;
  out.url.reserve(url.scheme().size() + 3 + url.host()->size() + url.path().size() +
                  (url.query() ? url.query()->size() + 1 : 0) + 8);
  out.url += url.scheme();
  out.url += "://";
  if (!url.username().empty() || !url.password().empty()) {
    out.url += url.username();
    if (!url.password().empty()) out.url += ':' + url.password();
    out.url += '@';
  }
  out.host_begin = out.url.size();
  out.url += *url.host();
  out.host_end = out.url.size();
  if (url.port()) out.url += ':' + std::to_string(*url.port());
  out.origin_end = out.url.size();
  AppendUpperEscapes(url.path(), &out.url);
  if (url.query()) {
    out.url += '?';
    AppendUpperEscapes(*url.query(), &out.url);
  }
  return out;
}

std::optional<CanonicalUrl> Canonicalize(std::string_view url) {
  if (std::optional<CanonicalUrl> plain = PlainCanonical(StripFragment(url))) return plain;
  return CanonicalizeFully(url);
}

std::optional<CanonicalUrl> CanonicalizeFully(std::string_view url) {
  Result<WhatwgUrl> parsed = WhatwgUrl::Parse(url);
  if (!parsed.ok()) return std::nullopt;
  return CanonicalOf(parsed.value());
}

std::uint64_t UrlFingerprint(std::string_view canonical_url) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : canonical_url) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  // FNV-1a mixes its last bytes poorly; SplitMix64's finaliser fixes that.
  return SpreadBits(h);
}

std::string_view StripFragment(std::string_view url) {
  std::size_t hash = url.find('#');
  return hash == std::string_view::npos ? url : url.substr(0, hash);
}

CheckedUrl CheckInputUrl(std::string_view text) {
  CheckedUrl out;
  auto fail = [&out](ErrorKind kind, std::string message) {
    out.error = RecordError{kind, std::move(message)};
    return out;
  };
  if (text.size() > kMaxUrlBytes) {
    return fail(ErrorKind::kInvalidUrl, "URL is " + std::to_string(text.size()) +
                                            " bytes long; the limit is " +
                                            std::to_string(kMaxUrlBytes));
  }
  const std::string seen = ParserView(text);
  std::string_view scheme;
  if (auto sep = seen.find("://"); sep != std::string::npos) {
    scheme = std::string_view(seen).substr(0, sep);
    if (scheme.empty() || !IsAsciiAlpha(scheme[0]) ||
        !std::all_of(scheme.begin(), scheme.end(), IsSchemeChar)) {
      return fail(ErrorKind::kInvalidUrl, "malformed scheme");
    }
  } else if (std::string_view s = SchemeOf(seen); !s.empty()) {
    std::string_view rest = std::string_view(seen).substr(s.size() + 1);
    if (rest.empty() || !IsDigit(rest[0])) scheme = s;
  }
  if (!scheme.empty() && !IsHttpScheme(scheme)) {
    return fail(ErrorKind::kUnsupportedScheme,
                "scheme \"" + std::string(scheme) + "\" is not supported (only http and https)");
  }
  Result<WhatwgUrl> url = WhatwgUrl::Parse(scheme.empty() ? "http://" + seen : seen);
  if (!url.ok()) return fail(ErrorKind::kInvalidUrl, url.status().message());
  if (!url.value().is_http()) return fail(ErrorKind::kInvalidUrl, "not an http(s) URL");
  out.url = url.value().Serialize();
  if (out.url.size() > kMaxUrlBytes) {  // percent-encoding can triple a byte
    const std::size_t size = out.url.size();
    out.url.clear();
    return fail(ErrorKind::kInvalidUrl, "URL is " + std::to_string(size) +
                                            " bytes long once percent-encoded; the limit is " +
                                            std::to_string(kMaxUrlBytes));
  }
  return out;
}

UrlResolver::UrlResolver(std::string_view base) {
  Result<WhatwgUrl> parsed = WhatwgUrl::Parse(base);
  if (parsed.ok()) base_ = std::move(parsed).value();
  PrepareFastPath();
}

UrlResolver::UrlResolver(WhatwgUrl base) : base_(std::move(base)) { PrepareFastPath(); }

void UrlResolver::PrepareFastPath() {
  if (!base_ || !base_->is_http()) return;
  document_ = base_->Serialize(/*exclude_fragment=*/true);
  const std::string& path = base_->path();
  const std::size_t query = base_->query() ? base_->query()->size() + 1 : 0;
  origin_ = document_.substr(0, document_.size() - query - path.size());
  file_ = origin_ + path;
  directory_ = origin_ + path.substr(0, path.rfind('/') + 1);
}

Result<WhatwgUrl> UrlResolver::ResolveUrl(std::string_view reference) const {
  return WhatwgUrl::Parse(reference, base_ ? &*base_ : nullptr);
}

std::optional<std::string> UrlResolver::Resolve(std::string_view reference) const {
  if (!base_) return std::nullopt;
  Result<WhatwgUrl> url = WhatwgUrl::Parse(reference, &*base_);
  if (!url.ok()) return std::nullopt;
  return url.value().Serialize();
}

std::optional<std::string> UrlResolver::ResolveLink(std::string_view reference) const {
  if (!directory_.empty()) {
    // Cheap checks first: most references are plain, and the fragment is
    // dropped unread (what follows "#" cannot change what precedes it).
    std::string_view ref = StripFragment(reference);
    if (ref.empty()) return document_;  // "" and "#x": the base document itself
    // An absolute reference to the base's own origin written as the parser
    // writes it ("http://127.0.0.1:8080/p/x.html"), with a plain path: the
    // reference is its own resolution.
    if (ref.size() > origin_.size() && ref[origin_.size()] == '/' && ref.starts_with(origin_) &&
        IsPlainReference(ref.substr(origin_.size()))) {
      return std::string(ref);
    }
    // Leading "./" and "../" (cppreference's links climb with them): each
    // "../" takes the directory up one level, never above the root.
    std::size_t up = 0;
    bool climbed = false;  // some "./" or "../" was taken off
    for (;; climbed = true) {
      if (ref.substr(0, 2) == "./") {
        ref.remove_prefix(2);
      } else if (ref.substr(0, 3) == "../") {
        ref.remove_prefix(3);
        ++up;
      } else {
        break;
      }
    }
    // After "./" or "../", a "/" starts an empty segment, not an absolute
    // path, and a "?" follows the (empty) last segment.
    if (IsPlainReference(ref) && !(climbed && !ref.empty() && ref[0] == '/')) {
      if (!climbed && !ref.empty() && ref[0] == '/') return origin_ + std::string(ref);
      if (!climbed && !ref.empty() && ref[0] == '?') return file_ + std::string(ref);
      std::size_t end = directory_.size();  // just past the directory's last "/"
      for (; up > 0 && end > origin_.size() + 1; --up) end = directory_.rfind('/', end - 2) + 1;
      std::string out;
      out.reserve(end + ref.size());
      out.append(directory_, 0, end);
      out.append(ref);
      return out;
    }
  }
  return ResolveLinkFully(reference);
}

std::optional<std::string> UrlResolver::ResolveLinkFully(std::string_view reference) const {
  if (!base_) return std::nullopt;
  Result<WhatwgUrl> url = WhatwgUrl::Parse(reference, &*base_);
  if (!url.ok() || !url.value().is_http()) return std::nullopt;
  return url.value().Serialize(/*exclude_fragment=*/true);
}

}  // namespace forage
