#include "archive/save_path.h"

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/percent_encoding.h"

namespace forage {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";
constexpr std::string_view kIndexName = "index.html";
// "%h" and 12 hex digits: the mark of a name changed for its case, its
// length or its clash with index.html.
constexpr std::size_t kHashDigits = 12;
constexpr std::size_t kMarkBytes = 2 + kHashDigits;
// The longest extension a marked name keeps after its mark.
constexpr std::size_t kMaxExtensionBytes = 16;

enum class Part { kHost, kPath, kQuery };

// Bytes a name may hold as they are, on Linux, macOS and Windows alike,
// and which are not markers of these rules.
bool SafeInName(unsigned char b, Part part) {
  if (b < 0x21 || b > 0x7e) return false;
  switch (b) {
    case '/':
    case '\\':
    case ':':
    case '*':
    case '?':
    case '"':
    case '<':
    case '>':
    case '|':
    case '%':
    case '@':
      return false;
    case '+':
      return part != Part::kHost;
    default:
      return true;
  }
}

// Whether the canonical form always escapes `b` in `part`: then "%XX" of
// it is the only way it occurs there, and decoding that is one-to-one.
bool AlwaysEscaped(unsigned char b, Part part) {
  switch (part) {
    case Part::kPath:
      return InPercentEncodeSet(b, PercentEncodeSet::kPath);
    case Part::kQuery:
      return InPercentEncodeSet(b, PercentEncodeSet::kSpecialQuery);
    case Part::kHost:
      return false;  // hosts hold no escapes; nothing is decoded
  }
  return false;
}

// An escape of `b` decoded for readability.
bool Decoded(unsigned char b, Part part) {
  return AlwaysEscaped(b, part) && (b == ' ' || SafeInName(b, part));
}

// Bytes that become "%XX" when they occur unescaped: then an escape of one
// must not stay "%XX" too, and becomes "%25XX". Kept to bytes the part can
// hold unescaped (a path never holds "/"), so most escapes stay as they are.
bool Reserved(unsigned char b, Part part) {
  return !SafeInName(b, part) && !AlwaysEscaped(b, part) && !(part == Part::kPath && b == '/');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsHexPair(std::string_view text, std::size_t at) {
  return at + 1 < text.size() && HexValue(text[at]) >= 0 && HexValue(text[at + 1]) >= 0;
}

void AppendEscape(unsigned char b, std::string* out) {
  out->push_back('%');
  out->push_back(kHex[b >> 4]);
  out->push_back(kHex[b & 15]);
}

// `text` (one part of a canonical URL) as name text, escaped as the header
// says.
void AppendEncoded(std::string_view text, Part part, std::string* out) {
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '%' && IsHexPair(text, i + 1)) {
      const auto b = static_cast<unsigned char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      const bool last = i + 3 == text.size();
      if (Decoded(b, part) && !(b == ' ' && last)) {
        out->push_back(static_cast<char>(b));
      } else {
        if (Reserved(b, part))
          out->append("%25");
        else
          out->push_back('%');
        out->push_back(kHex[b >> 4]);
        out->push_back(kHex[b & 15]);
      }
      i += 3;
      continue;
    }
    const auto b = static_cast<unsigned char>(text[i]);
    if (SafeInName(b, part)) {
      out->push_back(static_cast<char>(b));
    } else {
      AppendEscape(b, out);
    }
    ++i;
  }
}

// An upper-case ASCII letter outside the escapes' hex digits ("%C3", and
// "%253A", an escape whose "%" is escaped).
bool HasUpperCase(std::string_view name) {
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '%' && IsHexPair(name, i + 1)) {
      i += name.compare(i + 1, 2, "25") == 0 && IsHexPair(name, i + 3) ? 4 : 2;
      continue;
    }
    if (name[i] >= 'A' && name[i] <= 'Z') return true;
  }
  return false;
}

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// The length of `name`'s extension ("." and up to 15 letters or digits, not
// at its start), 0 if none: a mark goes before it, so that a marked file
// still opens with the right program.
std::size_t ExtensionBytes(std::string_view name) {
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || name.size() - dot > kMaxExtensionBytes ||
      name.size() - dot < 2) {
    return 0;
  }
  for (std::size_t i = dot + 1; i < name.size(); ++i) {
    if (!IsAsciiAlnum(name[i])) return 0;
  }
  return name.size() - dot;
}

// The longest prefix of `text` within `limit` bytes that does not end
// inside an escape.
std::string_view CutAtEscape(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t n = limit;
  if (n >= 1 && text[n - 1] == '%')
    n -= 1;
  else if (n >= 2 && text[n - 2] == '%')
    n -= 2;
  return text.substr(0, n);
}

void AppendMark(std::string_view hashed, std::string* out) {
  static constexpr char kLowerHex[] = "0123456789abcdef";
  const std::uint64_t h = UrlFingerprint(hashed);
  out->append("%h");
  for (std::size_t i = 0; i < kHashDigits; ++i) {
    out->push_back(kLowerHex[(h >> (60 - 4 * i)) & 15]);
  }
}

enum class Kind { kHost, kDirectory, kFile };

// A component's name from its encoded text: marked (see the header) when
// `force_mark`, when it has upper-case letters or when it is too long; a
// directory then gets its "%". The mark hashes `hashed` if given, else
// `text`.
std::string FinishName(std::string_view text, Kind kind, bool force_mark,
                       std::string_view hashed = {}) {
  const std::size_t tail = kind == Kind::kDirectory ? 1 : 0;
  std::string name;
  // "." and ".." (which no canonical URL gives) are marked like the rest.
  force_mark = force_mark || text == "." || text == "..";
  if (!force_mark && !HasUpperCase(text) && text.size() + tail <= kMaxSaveNameBytes) {
    name.assign(text);
  } else {
    const std::size_t ext = kind == Kind::kFile ? ExtensionBytes(text) : 0;
    const std::string_view stem = text.substr(0, text.size() - ext);
    name.assign(CutAtEscape(stem, kMaxSaveNameBytes - kMarkBytes - ext - tail));
    AppendMark(hashed.empty() ? text : hashed, &name);
    name.append(text.substr(text.size() - ext));
  }
  if (kind == Kind::kDirectory) name.push_back('%');
  // Only a file's name can be left empty (an empty host cannot be canonical).
  if (name.empty()) name.push_back('%');
  return name;
}

bool IsIndexName(std::string_view segment) {
  if (segment.size() != kIndexName.size()) return false;
  for (std::size_t i = 0; i < segment.size(); ++i) {
    char c = segment[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kIndexName[i]) return false;
  }
  return true;
}

}  // namespace

std::string SavePathFor(const CanonicalUrl& url) {
  const std::string_view whole(url.url);
  // The host directory: host, "+PORT", "%u" and the userinfo's hash.
  std::string host_text;
  AppendEncoded(url.host(), Part::kHost, &host_text);
  const std::string_view origin = url.origin();
  if (url.host_end < origin.size() && origin[url.host_end] == ':') {
    host_text.push_back('+');
    AppendEncoded(origin.substr(url.host_end + 1), Part::kHost, &host_text);
  }
  const std::size_t scheme_end = whole.find("://");
  if (scheme_end != std::string_view::npos && url.host_begin > scheme_end + 3) {
    // The userinfo and its "@".
    const std::string_view userinfo =
        whole.substr(scheme_end + 3, url.host_begin - (scheme_end + 3));
    host_text.append("%u");
    std::string hashed;
    AppendMark(userinfo, &hashed);
    host_text.append(hashed.substr(2));
  }
  std::vector<std::string> names;
  names.push_back(FinishName(host_text, Kind::kHost, false));

  // The path's segments and the query.
  std::string_view rest = url.path_and_query();
  std::string_view query;
  bool has_query = false;
  if (const std::size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
    has_query = true;
  }
  if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  std::string text;
  for (std::size_t slash; (slash = rest.find('/')) != std::string_view::npos;) {
    text.clear();
    AppendEncoded(rest.substr(0, slash), Part::kPath, &text);
    names.push_back(FinishName(text, Kind::kDirectory, false));
    rest.remove_prefix(slash + 1);
  }
  std::string leaf;
  bool mark_leaf = false;
  if (rest.empty()) {
    leaf.assign(kIndexName);
  } else {
    AppendEncoded(rest, Part::kPath, &leaf);
    // Not the file of the directory's own URL.
    mark_leaf = IsIndexName(leaf);
  }
  if (has_query) {
    leaf.push_back('@');
    AppendEncoded(query, Part::kQuery, &leaf);
  }

  std::string path;
  for (const std::string& name : names) {
    path.append(name);
    path.push_back('/');
  }
  const std::string leaf_name = FinishName(leaf, Kind::kFile, mark_leaf);
  if (path.size() + leaf_name.size() <= kMaxSavePathBytes) return path + leaf_name;

  // Too long: keep the directories that leave room for a longest name, and
  // mark the file with the hash of everything, dropped directories included.
  const std::string full = path + leaf;
  path.clear();
  for (const std::string& name : names) {
    if (path.size() + name.size() + 1 + kMaxSaveNameBytes > kMaxSavePathBytes) break;
    path.append(name);
    path.push_back('/');
  }
  return path + FinishName(leaf, Kind::kFile, true, full);
}

}  // namespace forage
