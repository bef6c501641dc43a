#pragma once

// What a site owner says, page by page, about how a crawler may use a page:
// the robots meta tag (<meta name="robots" content="...">) and the
// X-Robots-Tag response header, as Google documents them ("Robots meta tag
// and X-Robots-Tag HTTP header specifications"). Pure: no I/O.

#include <string>
#include <string_view>

namespace forage {

// The product token robots rules address: the leading run of [A-Za-z_-] of a
// User-Agent, e.g. "forage/0.1.0 (+https://x)" -> "forage", "Googlebot/2.1"
// -> "Googlebot". Empty if none. robots.txt groups, <meta name="TOKEN"> and
// X-Robots-Tag's "TOKEN:" prefix are matched against it, ignoring case.
std::string RobotsProductToken(std::string_view user_agent);

// The directives forage obeys. Others (noarchive, nosnippet, max-snippet:N,
// unavailable_after: DATE, ...) concern a search engine's display, not a
// crawler, and are ignored.
struct RobotsDirectives {
  bool noindex = false;   // the page is not to be indexed (its record says so)
  bool nofollow = false;  // the page's links are not to be followed

  // Both sets together: the most restrictive wins, as Google combines them.
  RobotsDirectives& operator|=(const RobotsDirectives& other) {
    noindex = noindex || other.noindex;
    nofollow = nofollow || other.nofollow;
    return *this;
  }
  bool operator==(const RobotsDirectives&) const = default;
};

// The directives of a robots meta tag's content: a comma-separated list,
// case-insensitive, whitespace around items ignored. "noindex", "nofollow",
// and "none" (both); "all", "index" and "follow" say nothing; anything else
// is ignored.
RobotsDirectives ParseRobotsContent(std::string_view content);

// The directives one X-Robots-Tag header value gives the crawler whose
// product token is `token`. The value is a comma-separated list as above,
// where an item may start with "NAME:" (a name without whitespace followed by
// a colon, NAME not a directive: "max-snippet: 10" and "unavailable_after:
// DATE" are directives with values): the items from there on, until the
// next "NAME:", address that crawler only, and are ignored unless NAME equals
// `token` ignoring case. Items before any NAME address every crawler. So
// "googlebot: noindex" says nothing to forage, "forage: nofollow, noarchive"
// says nofollow, and "noindex, otherbot: nofollow" says noindex. Several
// X-Robots-Tag headers combine with |=.
RobotsDirectives ParseXRobotsTag(std::string_view value, std::string_view token);

}  // namespace forage
