#include "core/url.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace forage {
namespace {

bool IsSchemeChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool IsHttpScheme(std::string_view scheme) {
  return EqualsIgnoreCase(scheme, "http") || EqualsIgnoreCase(scheme, "https");
}

// The scheme of `text` if it starts with one ("scheme:"), else empty.
std::string_view SchemeOf(std::string_view text) {
  if (text.empty() || !std::isalpha(static_cast<unsigned char>(text[0]))) return {};
  std::size_t i = 1;
  while (i < text.size() && IsSchemeChar(text[i])) ++i;
  if (i >= text.size() || text[i] != ':') return {};
  return text.substr(0, i);
}

// Browsers strip leading and trailing C0 controls and spaces, and drop tabs
// and newlines anywhere (WHATWG URL "basic URL parser"); curl 7.88 does neither.
std::string CleanReference(std::string_view ref) {
  auto is_c0_or_space = [](char c) { return static_cast<unsigned char>(c) <= 0x20; };
  while (!ref.empty() && is_c0_or_space(ref.front())) ref.remove_prefix(1);
  while (!ref.empty() && is_c0_or_space(ref.back())) ref.remove_suffix(1);
  std::string out;
  out.reserve(ref.size());
  for (char c : ref) {
    if (c != '\t' && c != '\n' && c != '\r') out += c;
  }
  // For http(s), and for relative references (our bases are http(s)), a
  // backslash before the query is a slash, as in every browser.
  std::string_view scheme = SchemeOf(out);
  if (scheme.empty() || IsHttpScheme(scheme)) {
    std::size_t end = out.find_first_of("?#");
    if (end == std::string::npos) end = out.size();
    std::replace(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(end), '\\', '/');
  }
  return out;
}

std::optional<std::string> GetPart(CURLU* h, CURLUPart part, unsigned flags = 0) {
  char* raw = nullptr;
  if (curl_url_get(h, part, &raw, flags) != CURLUE_OK) return std::nullopt;
  CurlString owned(raw);
  return std::string(owned.get());
}

// Upper-cases the hex digits of every %xx escape and percent-encodes bytes
// a request could not carry raw (controls, space, non-ASCII), as browsers do.
std::string NormalizeEscapes(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += '%';
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(s[i + 1])));
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(s[i + 2])));
      i += 2;
    } else if (c <= 0x20 || c >= 0x7f) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

namespace {

// Whether `ref` (fragment removed, leading "./" and "../" taken off)
// resolves against an http(s) base by plain joining: a path of unreserved
// characters, "/" and %XX escapes, and a query of those and "=&"; no dot
// segment, not starting with "//", "?" or a dot, and not ending in an empty
// query ("a?", which curl drops). Anything else (schemes, a "%" that is not
// an escape, spaces, controls, "\", non-ASCII) goes to curl.
bool IsPlainReference(std::string_view ref) {
  if (ref.empty() || ref[0] == '.' || ref[0] == '?' || ref.back() == '?' ||
      ref.substr(0, 2) == "//") {
    return false;
  }
  if (ref.find("/.") != std::string_view::npos) return false;
  auto is_hex = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  };
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const char c = ref[i];
    if (c == '%') {  // an escape curl keeps as it is: "%" and two hex digits
      if (i + 2 >= ref.size() || !is_hex(ref[i + 1]) || !is_hex(ref[i + 2])) return false;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~' || c == '/' || c == '?' ||
                    c == '=' || c == '&';
    if (!ok) return false;
  }
  return true;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A dotted quad as curl prints it: four decimal parts of 0-255, no leading
// zeros (curl rewrites "127.1", "0x7f.0.0.1" or "010.0.0.1").
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
// already, found without curl: lower-case scheme and host name of letters,
// digits, "-" and "." (or a plain dotted quad), a port other than the
// scheme's default, and a path and query IsPlainReference takes, with upper
// case escapes. nullopt: curl decides.
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
  std::size_t host_end = url.find_first_of(":/", host_begin);
  if (host_end == std::string_view::npos) return std::nullopt;  // no path: curl adds "/"
  std::string_view host = url.substr(host_begin, host_end - host_begin);
  if (host.empty() || host.front() == '.' || host.front() == '-' || host.back() == '.' ||
      host.find("..") != std::string_view::npos) {
    return std::nullopt;
  }
  bool letters = false;
  for (char c : host) {
    if (c >= 'a' && c <= 'z') {
      letters = true;
    } else if (!IsDigit(c) && c != '-' && c != '.') {
      return std::nullopt;
    }
  }
  // A name whose last label is numeric is an address to curl; only a plain
  // dotted quad is printed as given.
  std::string_view last = host.substr(host.rfind('.') + 1);
  if (!last.empty() && IsDigit(last[0]) && !IsPlainIpv4(host)) return std::nullopt;
  if (!letters && !IsPlainIpv4(host)) return std::nullopt;
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
  std::string_view rest = url.substr(origin_end);
  if (!IsPlainReference(rest)) return std::nullopt;
  for (std::size_t i = rest.find('%'); i != std::string_view::npos; i = rest.find('%', i + 1)) {
    if ((rest[i + 1] >= 'a' && rest[i + 1] <= 'f') || (rest[i + 2] >= 'a' && rest[i + 2] <= 'f')) {
      return std::nullopt;  // canonical escapes are upper case
    }
  }
  CanonicalUrl out;
  out.url = std::string(url);
  out.host_begin = host_begin;
  out.host_end = host_end;
  out.origin_end = origin_end;
  return out;
}

}  // namespace

std::optional<CanonicalUrl> Canonicalize(std::string_view url) {
  if (std::optional<CanonicalUrl> plain = PlainCanonical(StripFragment(url))) return plain;
  return CanonicalizeWithCurl(url);
}

std::optional<CanonicalUrl> CanonicalizeWithCurl(std::string_view url) {
  CurlUrl h(curl_url());
  if (!h) return std::nullopt;
  std::string copy(StripFragment(url));
  if (curl_url_set(h.get(), CURLUPART_URL, copy.c_str(), 0) != CURLUE_OK) return std::nullopt;
  std::optional<std::string> scheme = GetPart(h.get(), CURLUPART_SCHEME);
  if (!scheme || !IsHttpScheme(*scheme)) return std::nullopt;
  // Known leak: curl 7.88 leaks a copy of the host (a few bytes) on every
  // punycode conversion of a non-ASCII host, LeakSanitizer shows; such hosts
  // are rare in practice, so it is left to curl's fix rather than worked round.
  std::optional<std::string> host = GetPart(h.get(), CURLUPART_HOST, CURLU_PUNYCODE);
  if (!host) host = GetPart(h.get(), CURLUPART_HOST);  // no IDN support: keep it as is
  if (!host || host->empty()) return std::nullopt;
  // CURLU_NO_DEFAULT_PORT: no port when the URL gave the scheme's default.
  std::optional<std::string> port = GetPart(h.get(), CURLUPART_PORT, CURLU_NO_DEFAULT_PORT);
  std::optional<std::string> user = GetPart(h.get(), CURLUPART_USER);
  std::optional<std::string> password = GetPart(h.get(), CURLUPART_PASSWORD);
  std::string path = GetPart(h.get(), CURLUPART_PATH).value_or("/");
  std::optional<std::string> query = GetPart(h.get(), CURLUPART_QUERY);

  CanonicalUrl out;
  out.url = Lower(*scheme) + "://";
  if (user) {
    out.url += *user;
    if (password) out.url += ":" + *password;
    out.url += "@";
  }
  out.host_begin = out.url.size();
  out.url += Lower(*host);
  out.host_end = out.url.size();
  if (port) out.url += ":" + *port;
  out.origin_end = out.url.size();
  std::string rest = path.empty() ? "/" : path;
  if (query) rest += "?" + *query;
  out.url += NormalizeEscapes(rest);
  return out;
}

std::uint64_t UrlFingerprint(std::string_view canonical_url) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : canonical_url) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  // FNV-1a mixes its last bytes poorly; SplitMix64's finaliser fixes that.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
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
  // A scheme is what precedes "://", or "name:" not followed by a digit
  // ("localhost:8080/x" is a host and port, "mailto:x" is a scheme).
  std::string_view scheme;
  if (auto sep = text.find("://"); sep != std::string_view::npos) {
    scheme = text.substr(0, sep);
    if (scheme.empty() || !std::all_of(scheme.begin(), scheme.end(), IsSchemeChar)) {
      return fail(ErrorKind::kInvalidUrl, "malformed scheme");
    }
  } else if (std::string_view s = SchemeOf(text); !s.empty()) {
    std::string_view rest = text.substr(s.size() + 1);
    if (rest.empty() || !std::isdigit(static_cast<unsigned char>(rest[0]))) scheme = s;
  }
  if (!scheme.empty() && !IsHttpScheme(scheme)) {
    return fail(ErrorKind::kUnsupportedScheme,
                "scheme \"" + std::string(scheme) + "\" is not supported (only http and https)");
  }
  CurlUrl h(curl_url());
  if (!h) return fail(ErrorKind::kOther, "out of memory");
  // curl 7.88's CURLU_DEFAULT_SCHEME means https; curl's tool and wget assume http.
  std::string copy = scheme.empty() ? "http://" + std::string(text) : std::string(text);
  CURLUcode rc = curl_url_set(h.get(), CURLUPART_URL, copy.c_str(), 0);
  if (rc != CURLUE_OK) return fail(ErrorKind::kInvalidUrl, curl_url_strerror(rc));
  std::optional<std::string> url = GetPart(h.get(), CURLUPART_URL);
  if (!url) return fail(ErrorKind::kInvalidUrl, "cannot be rebuilt as a URL");
  out.url = std::move(*url);
  return out;
}

UrlResolver::UrlResolver(std::string_view base) {
  CurlUrl h(curl_url());
  // A base's fragment plays no part in resolution (RFC 3986 5.2.2), but
  // curl 7.88 joins a relative reference onto the last "/" of the whole
  // base, fragment included: "g" against "http://h/x/#a/b" gave
  // "http://h/x/#a/g".
  std::string copy(StripFragment(base));
  if (h &&
      curl_url_set(h.get(), CURLUPART_URL, copy.c_str(), CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK) {
    base_ = std::move(h);
  }
  if (!base_) return;
  // The fast path joins onto the base as curl prints it, which is what curl
  // itself joins a relative reference onto.
  std::optional<std::string> scheme = GetPart(base_.get(), CURLUPART_SCHEME);
  std::optional<std::string> url = GetPart(base_.get(), CURLUPART_URL);
  if (!scheme || !IsHttpScheme(*scheme) || !url) return;
  std::string_view text = StripFragment(*url);
  text = text.substr(0, text.find('?'));
  std::size_t authority = text.find("://");
  if (authority == std::string_view::npos) return;
  std::size_t path = text.find('/', authority + 3);
  if (path == std::string_view::npos) return;
  // A path starting with an empty segment ("http://h//a/") is left to curl:
  // curl 7.88 joins onto it differently from RFC 3986 (it resolves "g"
  // against "http://h//" and "../../g" against "http://h//a/b/" to
  // "http://h/g"), and such bases are too rare to mimic it.
  if (text.compare(path, 2, "//") == 0) return;
  // Nor a base with raw non-ASCII bytes (curl keeps them in a base it
  // parsed, but escapes them in every URL it resolves against it), or with
  // a "%" in its authority (a host "%h" is printed "%25h", and escaped again
  // in what is resolved against it).
  std::string_view directory = text.substr(0, text.rfind('/') + 1);
  if (std::any_of(directory.begin(), directory.end(),
                  [](char c) {
                    return static_cast<unsigned char>(c) <= 0x20 ||
                           static_cast<unsigned char>(c) >= 0x7f;
                  }) ||
      text.substr(0, path).find('%') != std::string_view::npos) {
    return;
  }
  origin_ = std::string(text.substr(0, path));
  directory_ = std::string(directory);
}

CurlUrl UrlResolver::Apply(std::string_view reference) const {
  if (!base_) return nullptr;
  std::string ref = CleanReference(reference);
  CurlUrl h(curl_url_dup(base_.get()));
  if (!h) return nullptr;
  // curl 7.88 resolves "" and "#x" to the base's directory; RFC 3986 says
  // they name the base document itself.
  if (ref.empty() || ref[0] == '#') {
    const char* fragment = ref.empty() ? nullptr : ref.c_str() + 1;
    if (curl_url_set(h.get(), CURLUPART_FRAGMENT, fragment, 0) != CURLUE_OK) return nullptr;
    return h;
  }
  std::string_view scheme = SchemeOf(ref);
  if (!scheme.empty() && ref.compare(scheme.size(), 3, "://") != 0) {
    // "http:g" with an http base is relative, as browsers read it (RFC 3986
    // 5.4.2 allows this); "mailto:x" or "g:h" is absolute and opaque.
    std::optional<std::string> base_scheme = GetPart(base_.get(), CURLUPART_SCHEME);
    if (base_scheme && EqualsIgnoreCase(scheme, *base_scheme) && IsHttpScheme(scheme)) {
      ref.erase(0, scheme.size() + 1);
    } else {
      return nullptr;
    }
  }
  if (curl_url_set(h.get(), CURLUPART_URL, ref.c_str(),
                   CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE) != CURLUE_OK) {
    return nullptr;
  }
  return h;
}

std::optional<std::string> UrlResolver::Resolve(std::string_view reference) const {
  if (!base_) return std::nullopt;
  std::string ref = CleanReference(reference);
  std::string_view scheme = SchemeOf(ref);
  if (!scheme.empty() && !IsHttpScheme(scheme) && ref.compare(scheme.size(), 3, "://") != 0) {
    return ref;  // an opaque absolute URI ("mailto:x", "g:h") is its own resolution
  }
  CurlUrl h = Apply(reference);
  if (!h) return std::nullopt;
  return GetPart(h.get(), CURLUPART_URL);
}

std::optional<std::string> UrlResolver::ResolveLink(std::string_view reference) const {
  if (!directory_.empty()) {
    // Cheap checks first: most references are plain, and cleaning them
    // (a copy) is only needed when they have surrounding space or controls.
    std::string_view ref = StripFragment(reference);
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
    // After "./" or "../", a "/" starts an empty segment, not an absolute path.
    if (IsPlainReference(ref) && !(climbed && ref[0] == '/')) {
      if (ref[0] == '/') return origin_ + std::string(ref);
      std::size_t end = directory_.size();  // just past the directory's last "/"
      for (; up > 0 && end > origin_.size() + 1; --up) end = directory_.rfind('/', end - 2) + 1;
      return directory_.substr(0, end) + std::string(ref);
    }
  }
  return ResolveLinkWithCurl(reference);
}

std::optional<std::string> UrlResolver::ResolveLinkWithCurl(std::string_view reference) const {
  // The fragment's text goes before curl sees it: curl 7.88 refuses a URL
  // whose fragment holds a control character, which would lose a link that
  // the fast path (and a browser) keeps. The "#" stays, so that what comes
  // before it is cleaned as before (spaces ahead of a "#" are not trailing).
  const std::size_t hash = reference.find('#');
  CurlUrl h = Apply(hash == std::string_view::npos ? reference : reference.substr(0, hash + 1));
  if (!h) return std::nullopt;
  std::optional<std::string> scheme = GetPart(h.get(), CURLUPART_SCHEME);
  if (!scheme || !IsHttpScheme(*scheme)) return std::nullopt;
  curl_url_set(h.get(), CURLUPART_FRAGMENT, nullptr, 0);
  return GetPart(h.get(), CURLUPART_URL);
}

}  // namespace forage
