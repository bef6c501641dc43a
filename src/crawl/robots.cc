#include "crawl/robots.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <system_error>
#include <utility>

namespace forage {
namespace {

// Google's parser keeps at most 2083 * 8 bytes of a line (including its NUL): many times the
// longest URL browsers accept. Cutting here too bounds the pattern length, and with it the cost
// of matching, whatever the file holds.
constexpr std::size_t kMaxLineBytes = 2083 * 8 - 1;

constexpr char kHexDigits[] = "0123456789ABCDEF";

// One Allow or Disallow rule, percent-normalised once at parse time.
struct Rule {
  std::string pattern;       // without the anchoring "$"; every "*" in it is a wildcard
  bool anchored = false;     // the pattern ended in "$": it must match the whole path
  bool wildcard = false;     // `pattern` contains "*": the slow matcher is needed
  bool allow = false;        // Allow rather than Disallow
  std::size_t priority = 0;  // length of the normalised pattern as written, "*" and "$" included
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; }

char ToLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ToLower(a[i]) != ToLower(b[i])) return false;
  }
  return true;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// RFC 3986 unreserved characters: their escapes mean the same as the characters themselves, so
// RFC 9309 section 2.2.2 matches "/foo/bar/%62%61%7A" against "/foo/bar/baz".
bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

void AppendEscaped(unsigned char c, std::string& out) {
  out += '%';
  out += kHexDigits[c >> 4];
  out += kHexDigits[c & 0xF];
}

// Brings a pattern or a path to one canonical spelling so that byte comparison decides URI
// equivalence: escapes get upper-case hex, escapes of unreserved characters are decoded,
// non-ASCII bytes (and, for symmetry, controls and space) are escaped, a stray "%" becomes "%25".
// Escapes of reserved characters stay escaped, because "%2F" and "/" differ in a URI.
//
// "*" and "$" are special in patterns, so a site writes "%2A" and "%24" to mean them literally
// (RFC 9309 section 2.2.3). For those to match, a path's literal "*" and "$" are escaped here;
// in a pattern "*" stays the wildcard and only a final "$" stays the anchor (Google: "$"
// elsewhere is an ordinary character), any other "$" being escaped like a path's.
std::string Normalize(std::string_view s, bool is_pattern) {
  std::string out;
  out.reserve(s.size() + s.size() / 4);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '%') {
      if (i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
        const auto value = static_cast<unsigned char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
        if (IsUnreserved(value)) {
          out += static_cast<char>(value);
        } else {
          AppendEscaped(value, out);
        }
        i += 2;
      } else {
        out += "%25";
      }
    } else if (c >= 0x80 || c <= 0x20 || c == 0x7F) {
      AppendEscaped(c, out);
    } else if (!is_pattern && (c == '*' || c == '$')) {
      AppendEscaped(c, out);
    } else if (is_pattern && c == '$' && i + 1 != s.size()) {
      AppendEscaped(c, out);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Turns the value of an Allow or Disallow line into a rule; nullopt for an empty value, which
// means nothing (RFC 9309 section 2.2.2; Google gives it priority 0, which never decides).
std::optional<Rule> MakeRule(std::string_view value, bool allow) {
  if (value.empty()) return std::nullopt;
  std::string normalized = Normalize(value, /*is_pattern=*/true);
  Rule rule;
  rule.allow = allow;
  rule.priority = normalized.size();
  if (!normalized.empty() && normalized.back() == '$') {
    rule.anchored = true;
    normalized.pop_back();
  }
  // A run of "*" matches what one "*" does; collapsing it keeps the matcher's work per pattern
  // byte meaningful without changing the priority, which was taken above.
  std::string pattern;
  pattern.reserve(normalized.size());
  for (char c : normalized) {
    if (c == '*' && !pattern.empty() && pattern.back() == '*') continue;
    pattern += c;
  }
  rule.wildcard = pattern.find('*') != std::string::npos;
  rule.pattern = std::move(pattern);
  return rule;
}

// Whether `pattern` matches `path` from its first byte, in O(len(path) * len(pattern)) time:
// instead of backtracking over each "*", it keeps the sorted set of path offsets at which the
// pattern prefix seen so far can end (Google's algorithm). `positions` is scratch space.
bool Matches(std::string_view path, const Rule& rule, std::vector<std::size_t>& positions) {
  const std::string_view pattern = rule.pattern;
  if (!rule.wildcard) {
    if (rule.anchored) return path == pattern;
    return path.substr(0, pattern.size()) == pattern;
  }
  const std::size_t n = path.size();
  positions.assign(1, 0);
  for (char c : pattern) {
    if (c == '*') {
      // Any offset from the smallest one onwards can now end the prefix.
      const std::size_t first = positions.front();
      positions.resize(n - first + 1);
      for (std::size_t i = 0; i < positions.size(); ++i) positions[i] = first + i;
    } else {
      std::size_t kept = 0;
      for (std::size_t p : positions) {
        if (p < n && path[p] == c) positions[kept++] = p + 1;
      }
      if (kept == 0) return false;
      positions.resize(kept);
    }
  }
  return !rule.anchored || positions.back() == n;
}

// A non-negative decimal such as "10", "2.5" or ".5"; signs, exponents, "inf", "nan" and
// trailing text (e.g. "5s") are refused rather than guessed at.
std::optional<double> ParseDelay(std::string_view value) {
  bool digit = false;
  bool dot = false;
  for (char c : value) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      return std::nullopt;
    }
  }
  if (!digit) return std::nullopt;
  double seconds = 0;
  const char* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(value.data(), end, seconds, std::chars_format::fixed);
  if (ec != std::errc() || ptr != end || !std::isfinite(seconds) || seconds < 0) {
    return std::nullopt;
  }
  return seconds;
}

// Cuts `body` to kMaxBytes. A line the cut falls inside is dropped whole: "Disallow: /private"
// cut to "Disallow: /p" would block far more than the site asked, "Allow: /p" far less.
std::string_view LimitBody(std::string_view body) {
  if (body.size() <= RobotsRules::kMaxBytes) return body;
  const std::string_view kept = body.substr(0, RobotsRules::kMaxBytes);
  const char next = body[RobotsRules::kMaxBytes];
  if (next == '\n' || next == '\r') return kept;
  const std::size_t last_break = kept.find_last_of("\r\n");
  return last_break == std::string_view::npos ? std::string_view() : kept.substr(0, last_break + 1);
}

// Splits a line into key and value, or returns false for a line that has none (blank, comment
// only, no separator). Like Google: "#" starts a comment anywhere; the key ends at the first
// ":"; without one, whitespace separates key and value only if the line is exactly two words
// ("Disallow /x"), since more words are too likely to be prose.
bool SplitLine(std::string_view line, std::string_view& key, std::string_view& value) {
  line = Trim(line.substr(0, line.find('#')));
  std::size_t sep = line.find(':');
  std::size_t value_start = sep + 1;
  if (sep == std::string_view::npos) {
    sep = line.find_first_of(" \t\v\f");
    if (sep == std::string_view::npos) return false;
    value_start = sep;
    const std::string_view rest = Trim(line.substr(sep));
    if (rest.find_first_of(" \t\v\f") != std::string_view::npos) return false;
  }
  key = Trim(line.substr(0, sep));
  if (key.empty()) return false;
  value = Trim(line.substr(value_start));
  return true;
}

enum class Key { kUserAgent, kAllow, kDisallow, kSitemap, kCrawlDelay, kUnknown };

// Keys are matched as case-insensitive prefixes, as Google does, so "Disallowed:" and
// "Sitemaps:" work; the typo lists are Google's, plus spellings of Crawl-delay.
Key ClassifyKey(std::string_view key) {
  const auto any_prefix = [key](std::initializer_list<std::string_view> prefixes) {
    return std::any_of(prefixes.begin(), prefixes.end(),
                       [key](std::string_view p) { return StartsWithIgnoreCase(key, p); });
  };
  if (any_prefix({"user-agent", "useragent", "user agent"})) return Key::kUserAgent;
  if (any_prefix({"allow"})) return Key::kAllow;
  if (any_prefix({"disallow", "dissallow", "dissalow", "disalow", "diasllow", "disallaw"})) {
    return Key::kDisallow;
  }
  if (any_prefix({"sitemap", "site-map"})) return Key::kSitemap;
  if (any_prefix({"crawl-delay", "crawldelay", "crawl delay"})) return Key::kCrawlDelay;
  return Key::kUnknown;
}

// What one group kind ("*" or the crawler's own) contributed across the file.
struct Bucket {
  std::vector<Rule> rules;
  std::optional<double> crawl_delay;
};

}  // namespace

struct RobotsRules::Data {
  std::vector<Rule> rules;
  std::optional<double> crawl_delay;
  std::vector<std::string> sitemaps;
};

RobotsRules::RobotsRules(std::shared_ptr<const Data> data) : data_(std::move(data)) {}

RobotsRules RobotsRules::Parse(std::string_view body, std::string_view user_agent) {
  const std::string token = RobotsProductToken(user_agent);
  body = LimitBody(body);

  // Google skips any prefix of a UTF-8 BOM, even an incomplete one.
  static constexpr unsigned char kBom[] = {0xEF, 0xBB, 0xBF};
  std::size_t start = 0;
  while (start < sizeof(kBom) && start < body.size() &&
         static_cast<unsigned char>(body[start]) == kBom[start]) {
    ++start;
  }

  Bucket specific;
  Bucket global;
  auto data = std::make_shared<Data>();
  // The state of Google's RobotsMatcher: which kinds the current group is for, whether a
  // group member (a rule or Crawl-delay) has been seen since the last user-agent line (so the
  // next user-agent line starts a new group), and whether any group named the crawler (so "*"
  // is ignored).
  bool in_specific = false;
  bool in_global = false;
  bool seen_separator = false;
  bool ever_specific = false;

  while (start < body.size()) {
    std::size_t end = body.find_first_of("\r\n", start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(start, end - start);
    start = end + 1;
    if (end < body.size() && body[end] == '\r' && start < body.size() && body[start] == '\n') {
      ++start;
    }
    line = line.substr(0, kMaxLineBytes);

    std::string_view key_text;
    std::string_view value;
    if (!SplitLine(line, key_text, value)) continue;
    const Key key = ClassifyKey(key_text);
    if (key == Key::kUserAgent) {
      if (seen_separator) in_specific = in_global = seen_separator = false;
      // Google: "*" followed by whitespace and more text is still the "*" group.
      if (!value.empty() && value[0] == '*' && (value.size() == 1 || IsSpace(value[1]))) {
        in_global = true;
      } else if (!token.empty() && EqualsIgnoreCase(RobotsProductToken(value), token)) {
        in_specific = ever_specific = true;
      }
      continue;
    }
    // Only a group member ends the run of user-agent lines: RFC 9309 section 2.2.4 says other
    // records (Sitemap, keys forage does not know) must not interfere with the groups, so
    // "User-agent: a", "Sitemap: ...", "User-agent: b", "Disallow: /" is one group for a and b.
    // Crawl-delay counts as a member, as the crawlers that honour it read it.
    if (key == Key::kAllow || key == Key::kDisallow || key == Key::kCrawlDelay) {
      seen_separator = true;
    }
    Bucket* bucket = in_specific ? &specific : in_global ? &global : nullptr;
    switch (key) {
      case Key::kAllow:
      case Key::kDisallow: {
        if (bucket == nullptr) break;
        const bool allow = key == Key::kAllow;
        if (std::optional<Rule> rule = MakeRule(value, allow)) {
          bucket->rules.push_back(std::move(*rule));
        }
        // Google: "Allow: /d/index.html" (or .htm) also allows the directory URL "/d/" itself,
        // which servers answer with that index page.
        const std::size_t slash = value.rfind('/');
        if (allow && slash != std::string_view::npos &&
            value.substr(slash).substr(0, 10) == "/index.htm") {
          std::string directory(value.substr(0, slash + 1));
          directory += '$';
          if (std::optional<Rule> rule = MakeRule(directory, true)) {
            bucket->rules.push_back(std::move(*rule));
          }
        }
        break;
      }
      case Key::kCrawlDelay:
        if (bucket == nullptr) break;
        // Merged groups may disagree; the largest delay is the one that respects them all.
        if (std::optional<double> delay = ParseDelay(value)) {
          bucket->crawl_delay = std::max(bucket->crawl_delay.value_or(0.0), *delay);
        }
        break;
      case Key::kSitemap:
        // Sitemaps are not group members (RFC 9309 section 2.2.4): collected wherever they are.
        if (!value.empty() && std::find(data->sitemaps.begin(), data->sitemaps.end(), value) ==
                                  data->sitemaps.end()) {
          data->sitemaps.emplace_back(value);
        }
        break;
      case Key::kUserAgent:
      case Key::kUnknown:
        break;
    }
  }

  // RFC 9309 section 2.2.1: the groups naming the crawler, merged; else the "*" groups.
  Bucket& used = ever_specific ? specific : global;
  data->rules = std::move(used.rules);
  data->crawl_delay = used.crawl_delay;
  return RobotsRules(std::move(data));
}

RobotsRules RobotsRules::AllowAll() {
  // Shared: an empty rule set is the common case for a crawl of many hosts.
  static const std::shared_ptr<const Data> kEmpty = std::make_shared<const Data>();
  return RobotsRules(kEmpty);
}

RobotsRules RobotsRules::DisallowAll() {
  static const std::shared_ptr<const Data> kAll = [] {
    auto data = std::make_shared<Data>();
    data->rules.push_back(*MakeRule("/", /*allow=*/false));
    return std::shared_ptr<const Data>(std::move(data));
  }();
  return RobotsRules(kAll);
}

bool RobotsRules::IsAllowed(std::string_view path) const {
  std::string requested;
  if (path.empty() || path[0] != '/') requested = "/";
  requested += path;
  const std::string normalized = Normalize(requested, /*is_pattern=*/false);
  // RFC 9309 section 2.2.2: the robots.txt itself is implicitly allowed.
  if (normalized == "/robots.txt") return true;

  // Priorities plus one, so that 0 means "no match".
  std::size_t best_allow = 0;
  std::size_t best_disallow = 0;
  std::vector<std::size_t> positions;
  for (const Rule& rule : data_->rules) {
    std::size_t& best = rule.allow ? best_allow : best_disallow;
    if (rule.priority + 1 <= best) continue;  // could not win: skip the match
    if (Matches(normalized, rule, positions)) best = rule.priority + 1;
  }
  // Longest match wins; Allow wins a tie (RFC 9309 section 2.2.2); no match allows.
  return best_allow >= best_disallow;
}

std::optional<double> RobotsRules::CrawlDelay() const { return data_->crawl_delay; }

const std::vector<std::string>& RobotsRules::Sitemaps() const { return data_->sitemaps; }

}  // namespace forage
