#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parse/robots_directives.h"  // RobotsProductToken

namespace forage {

// The rules of one robots.txt (RFC 9309, with the leniencies of Google's open-source robotstxt
// library) for one crawler. Pure: no I/O. Immutable once built, so cheap to copy (copies share
// one representation) and safe to read from several threads.
class RobotsRules {
 public:
  // At most this much of a body is parsed (RFC 9309: at least 500 KiB).
  static constexpr std::size_t kMaxBytes = 500 * 1024;

  // Parses `body` for the crawler named by `user_agent` (its product token, compared
  // case-insensitively with the product token of each "User-agent:" value).
  //
  // Groups are one or more user-agent lines followed by their members (Allow, Disallow and
  // Crawl-delay lines); a user-agent line after a member starts a new group. Sitemap lines and
  // lines with unknown keys are not members and never end or split a group (RFC 9309 section
  // 2.2.4). Every group matching the token is merged; the "*" group (also "* anything")
  // applies only if no group matches the token. Members before the first user-agent line are
  // ignored (Sitemap lines count anywhere). Lines: "#" starts a comment,
  // whitespace around key and value is optional, a missing colon is tolerated when the line is
  // exactly "key value", keys are case-insensitive prefixes with common typos accepted
  // ("disalow", "dissallow", "useragent", "user agent", "site-map", ...). Empty "Allow:" and
  // "Disallow:" mean nothing. "Allow: /d/index.html" also allows "/d/" exactly (Google). A
  // leading UTF-8 BOM is skipped; CR, LF or CRLF end lines; lines are cut at 16663 bytes
  // (Google); only the first kMaxBytes are read, and a line cut by that limit is dropped.
  // Crawl-delay (a non-negative decimal, possibly fractional) is taken from the group used (the
  // largest, if merged groups give several); Sitemap values are collected in order, without
  // duplicates.
  static RobotsRules Parse(std::string_view body, std::string_view user_agent);

  // Everything allowed, e.g. robots.txt answered 4xx.
  static RobotsRules AllowAll();

  // Everything but "/robots.txt" disallowed, e.g. robots.txt answered 5xx or was unreachable.
  static RobotsRules DisallowAll();

  // Whether `path` (the URL's path plus "?query" if any, no fragment, as requested: e.g.
  // "/a/b?x=1") may be fetched. The longest matching pattern wins (length in bytes of the
  // pattern after percent-normalisation; "*" and a final "$" count); on a tie Allow wins; no
  // match -> allowed. "/robots.txt" is always allowed. In patterns "*" matches any run of bytes
  // and a final "$" anchors the end; a pattern matches from the first byte of the path; matching
  // is case-sensitive. Pattern and path are both percent-normalised (hex digits upper-cased;
  // bytes >= 0x80, controls and space %XX-encoded; escapes of unreserved characters decoded),
  // so "/a%7eb" equals "/a~b" and "%2f" equals "%2F" but not "/". A literal "*" or "$" in the
  // path is matched by "%2A" or "%24" in a pattern (RFC 9309 section 2.2.3). An empty path
  // counts as "/", and one not starting with "/" (e.g. "?x=1") gets a "/" prepended. Worst case
  // O(len(path) * len(pattern)) per pattern.
  bool IsAllowed(std::string_view path) const;

  // Crawl-delay of the group used, in seconds, if it gave a valid non-negative number.
  std::optional<double> CrawlDelay() const;

  // Sitemap URLs listed anywhere in the file, in order of first appearance.
  const std::vector<std::string>& Sitemaps() const;

 private:
  struct Data;

  explicit RobotsRules(std::shared_ptr<const Data> data);

  std::shared_ptr<const Data> data_;  // never null
};

}  // namespace forage
