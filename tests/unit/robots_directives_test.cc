#include "parse/robots_directives.h"

#include <catch2/catch.hpp>
#include <string>

namespace forage {
namespace {

struct Case {
  const char* text;
  bool noindex;
  bool nofollow;
};

TEST_CASE("A robots meta tag's content gives noindex and nofollow, whatever the spelling",
          "[robots_directives]") {
  const Case cases[] = {
      {"", false, false},
      {"noindex", true, false},
      {"nofollow", false, true},
      {"noindex, nofollow", true, true},
      {"NOINDEX,NOFOLLOW", true, true},
      {"  NoIndex  ,\tNoFollow ", true, true},
      {"none", true, true},
      {"None", true, true},
      {"all", false, false},
      {"index, follow", false, false},
      {"noarchive, nosnippet", false, false},
      {"max-snippet:10, noindex", true, false},
      {"max-image-preview:large,nofollow", false, true},
      {"unavailable_after: 2030-01-01", false, false},
      {",,noindex,,", true, false},
      {"noindexx, nofollowing", false, false},
      {"no index", false, false},
      {"noindex nofollow", false, false},    // one item: no such directive
      {"googlebot: noindex", false, false},  // no crawler prefix in a meta tag
  };
  for (const Case& c : cases) {
    INFO(c.text);
    const RobotsDirectives d = ParseRobotsContent(c.text);
    CHECK(d.noindex == c.noindex);
    CHECK(d.nofollow == c.nofollow);
  }
}

TEST_CASE("An X-Robots-Tag value with a crawler's name applies only to that crawler",
          "[robots_directives]") {
  const Case cases[] = {
      {"noindex", true, false},
      {"noindex, nofollow", true, true},
      {"forage: noindex", true, false},
      {"FORAGE:nofollow", false, true},
      {"forage: nofollow, noarchive", false, true},
      {"googlebot: noindex", false, false},
      {"otherbot: noindex, nofollow", false, false},
      {"noindex, otherbot: nofollow", true, false},
      {"otherbot: noindex, forage: nofollow", false, true},
      {"forage: none", true, true},
      {"max-snippet: 10", false, false},
      {"max-snippet: 10, noindex", true, false},
      {"unavailable_after: 25 Jun 2010 15:00:00 PST", false, false},
      {"unavailable_after: Saturday, 25-Jun-2010 15:00:00 GMT, nofollow", false, true},
      {"forage: unavailable_after: 25 Jun 2010 15:00:00 PST", false, false},
      {"forage-news: noindex", false, false},
      {"  forage  :  noindex ", true, false},
      {"all", false, false},
      {"", false, false},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    const RobotsDirectives d = ParseXRobotsTag(c.text, "forage");
    CHECK(d.noindex == c.noindex);
    CHECK(d.nofollow == c.nofollow);
  }
  // With no product token, only what addresses every crawler counts.
  CHECK(ParseXRobotsTag("forage: noindex", "") == RobotsDirectives{});
  CHECK(ParseXRobotsTag("nofollow", "") == RobotsDirectives{false, true});
}

TEST_CASE("Several X-Robots-Tag headers combine, the most restrictive winning",
          "[robots_directives]") {
  RobotsDirectives d;
  d |= ParseXRobotsTag("googlebot: nofollow", "forage");
  d |= ParseXRobotsTag("noarchive", "forage");
  CHECK(d == RobotsDirectives{});
  d |= ParseXRobotsTag("forage: noindex", "forage");
  d |= ParseXRobotsTag("index, follow", "forage");
  CHECK(d == RobotsDirectives{true, false});
}

TEST_CASE("The robots product token is the User-Agent's leading name", "[robots_directives]") {
  CHECK(RobotsProductToken("forage/0.1.0 (+https://x)") == "forage");
  CHECK(RobotsProductToken("Googlebot/2.1") == "Googlebot");
  CHECK(RobotsProductToken("my_bot-2") == "my_bot-");
  CHECK(RobotsProductToken("/x") == "");
}

}  // namespace
}  // namespace forage
