#include "crawl/robots.h"

#include <catch2/catch.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace forage {
namespace {

// One question to a robots.txt: may `agent` fetch `path`?
struct Case {
  std::string_view robots;
  std::string_view agent;
  std::string_view path;
  bool allowed;
};

void CheckAll(std::span<const Case> cases) {
  for (const Case& c : cases) {
    INFO("robots.txt:\n" << c.robots << "\nagent: " << c.agent << "\npath: " << c.path);
    CHECK(RobotsRules::Parse(c.robots, c.agent).IsAllowed(c.path) == c.allowed);
  }
}

TEST_CASE("The product token is the leading run of letters, '-' and '_'", "[robots]") {
  struct TokenCase {
    std::string_view user_agent;
    std::string_view token;
  };
  const TokenCase kCases[] = {
      {"forage/0.1.0 (+https://x)", "forage"},
      {"Googlebot/2.1", "Googlebot"},
      {"Googlebot-Image/1.0", "Googlebot-Image"},
      {"my_bot", "my_bot"},
      {"forage", "forage"},
      {"Mozilla/5.0 (compatible; ExampleBot/0.1)", "Mozilla"},
      {"bot2000", "bot"},
      {"/1.0", ""},
      {" forage", ""},
      {"", ""},
  };
  for (const TokenCase& c : kCases) {
    INFO("user agent: " << c.user_agent);
    CHECK(RobotsProductToken(c.user_agent) == c.token);
  }
}

// RFC 9309 section 2.2.1: user-agent lines, merging of groups, the "*" fallback.
TEST_CASE("RFC 9309 section 2.2.1 examples select and merge groups", "[robots]") {
  constexpr std::string_view kMerged =
      "user-agent: ExampleBot\n"
      "disallow: /foo\n"
      "disallow: /bar\n"
      "\n"
      "user-agent: ExampleBot\n"
      "disallow: /baz\n";
  constexpr std::string_view kStar =
      "user-agent: *\n"
      "disallow: /something\n";
  const Case kCases[] = {
      // Both ExampleBot groups are merged into one.
      {kMerged, "ExampleBot/0.1", "/foo", false},
      {kMerged, "ExampleBot/0.1", "/bar", false},
      {kMerged, "ExampleBot/0.1", "/baz", false},
      {kMerged, "ExampleBot/0.1", "/qux", true},
      // The product token is compared case-insensitively.
      {kMerged, "examplebot", "/baz", false},
      {kMerged, "EXAMPLEBOT/1", "/foo", false},
      // No matching group and no "*" group: no rules apply.
      {kMerged, "OtherBot", "/foo", true},
      // No matching group: the "*" group applies.
      {kStar, "ExampleBot", "/something", false},
      {kStar, "ExampleBot", "/something/else", false},
      {kStar, "ExampleBot", "/other", true},
      // No groups at all: no rules apply.
      {"", "ExampleBot", "/anything", true},
      {"# only a comment\n", "ExampleBot", "/anything", true},
  };
  CheckAll(kCases);
}

// RFC 9309 section 2.2.2: allow/disallow lines, longest match, ties, percent-encoding (the
// table of percent-encoded paths), and the implicitly allowed /robots.txt.
TEST_CASE("RFC 9309 section 2.2.2 examples match percent-encoded paths", "[robots]") {
  const Case kCases[] = {
      // Path "/foo/bar?baz=quz": encoded and matched as is.
      {"User-agent: *\nDisallow: /foo/bar?baz=quz\n", "forage", "/foo/bar?baz=quz", false},
      {"User-agent: *\nDisallow: /foo/bar?baz=quz\n", "forage", "/foo/bar?baz=qux", true},
      // Path "/foo/bar/ツ" (UTF-8 E3 83 84) is matched as "/foo/bar/%E3%83%84".
      {"User-agent: *\nDisallow: /foo/bar/\xE3\x83\x84\n", "forage", "/foo/bar/%E3%83%84", false},
      {"User-agent: *\nDisallow: /foo/bar/%E3%83%84\n", "forage", "/foo/bar/\xE3\x83\x84", false},
      // Path "/foo/bar/%E3%83%84" is matched as is.
      {"User-agent: *\nDisallow: /foo/bar/%E3%83%84\n", "forage", "/foo/bar/%E3%83%84", false},
      {"User-agent: *\nDisallow: /foo/bar/%E3%83%84\n", "forage", "/foo/bar/%e3%83%84", false},
      {"User-agent: *\nDisallow: /foo/bar/%e3%83%84\n", "forage", "/foo/bar/%E3%83%84", false},
      // Path "/foo/bar/%62%61%7A" is matched as "/foo/bar/baz" (unreserved escapes decoded).
      {"User-agent: *\nDisallow: /foo/bar/%62%61%7A\n", "forage", "/foo/bar/baz", false},
      {"User-agent: *\nDisallow: /foo/bar/baz\n", "forage", "/foo/bar/%62%61%7A", false},
      {"User-agent: *\nDisallow: /foo/bar/baz\n", "forage", "/foo/bar/%62%61%7a", false},
      // An equivalent Allow and Disallow: Allow is used.
      {"User-agent: *\nAllow: /foo\nDisallow: /foo\n", "forage", "/foo", true},
      {"User-agent: *\nDisallow: /foo\nAllow: /foo\n", "forage", "/foo/bar", true},
      // The most specific match (most octets) is used.
      {"User-agent: *\nDisallow: /example\nAllow: /example/page\n", "forage", "/example/page",
       true},
      {"User-agent: *\nDisallow: /example\nAllow: /example/page\n", "forage", "/example/other",
       false},
      // "/robots.txt" is implicitly allowed.
      {"User-agent: *\nDisallow: /\n", "forage", "/robots.txt", true},
      {"User-agent: *\nDisallow: /robots.txt\n", "forage", "/robots.txt", true},
  };
  CheckAll(kCases);
}

// RFC 9309 section 2.2.3: "#", "$" and "*" are special; "%2A" and "%24" match them literally.
TEST_CASE("RFC 9309 section 2.2.3 examples match special characters", "[robots]") {
  const Case kCases[] = {
      {"User-agent: *\nDisallow: /path/file-with-a-%2A.html\n", "forage",
       "/path/file-with-a-*.html", false},
      {"User-agent: *\nDisallow: /path/file-with-a-%2A.html\n", "forage",
       "/path/file-with-a-x.html", true},
      {"User-agent: *\nDisallow: /path/foo-%24\n", "forage", "/path/foo-$", false},
      {"User-agent: *\nDisallow: /path/foo-%24\n", "forage", "/path/foo-", true},
      // "#" starts a comment, in a rule line as well.
      {"User-agent: *\nDisallow: /a # no more\n", "forage", "/a", false},
      {"User-agent: *\nDisallow: /a#b\n", "forage", "/ab", false},
      {"User-agent: *\nDisallow: /a#b\n", "forage", "/x", true},
      // "$" at the end anchors; "*" matches any run.
      {"User-agent: *\nDisallow: /a$\n", "forage", "/a", false},
      {"User-agent: *\nDisallow: /a$\n", "forage", "/ab", true},
      {"User-agent: *\nDisallow: /a*c\n", "forage", "/abbbc", false},
      {"User-agent: *\nDisallow: /a*c\n", "forage", "/abbb", true},
  };
  CheckAll(kCases);
}

// RFC 9309 section 5.1 ("Simple Example") and section 5.2 ("Longest Match").
TEST_CASE("RFC 9309 section 5 examples", "[robots]") {
  constexpr std::string_view kSimple =
      "User-Agent: *\n"
      "Disallow: *.gif$\n"
      "Disallow: /example/\n"
      "Allow: /publications/\n"
      "\n"
      "User-Agent: foobot\n"
      "Disallow:/\n"
      "Allow:/example/page.html\n"
      "Allow:/example/allowed.gif\n"
      "\n"
      "User-Agent: barbot\n"
      "User-Agent: bazbot\n"
      "Disallow: /example/page.html\n"
      "\n"
      "User-Agent: quxbot\n"
      "\n"
      "EOF\n";
  constexpr std::string_view kLongest =
      "User-Agent: foobot\n"
      "Allow: /example/page/\n"
      "Disallow: /example/page/disallowed.gif\n";
  const Case kCases[] = {
      // foobot: only /example/page.html and /example/allowed.gif.
      {kSimple, "foobot", "/example/page.html", true},
      {kSimple, "foobot", "/example/allowed.gif", true},
      {kSimple, "foobot", "/", false},
      {kSimple, "foobot", "/example/", false},
      {kSimple, "foobot", "/example/other.html", false},
      {kSimple, "foobot", "/publications/", false},
      // barbot and bazbot share a group: only /example/page.html is disallowed.
      {kSimple, "barbot", "/example/page.html", false},
      {kSimple, "barbot", "/example/allowed.gif", true},
      {kSimple, "barbot", "/example/", true},
      {kSimple, "bazbot", "/example/page.html", false},
      {kSimple, "bazbot", "/a.gif", true},
      // quxbot: an empty group at the end; everything allowed, "*" ignored.
      {kSimple, "quxbot", "/example/page.html", true},
      {kSimple, "quxbot", "/a.gif", true},
      {kSimple, "quxbot", "/example/", true},
      // Anyone else gets the "*" group.
      {kSimple, "otherbot", "/a.gif", false},
      {kSimple, "otherbot", "/dir/b.gif", false},
      {kSimple, "otherbot", "/a.gif?x=1", true},
      {kSimple, "otherbot", "/example/", false},
      {kSimple, "otherbot", "/example/x", false},
      {kSimple, "otherbot", "/publications/", true},
      {kSimple, "otherbot", "/publications/a.gif", true},  // Allow is longer than *.gif$
      {kSimple, "otherbot", "/", true},
      // Longest match.
      {kLongest, "foobot", "/example/page/", true},
      {kLongest, "foobot", "/example/page/disallowed.gif", false},
      {kLongest, "foobot", "/example/page/other.gif", true},
  };
  CheckAll(kCases);
}

// The path-matching tables of Google's robots.txt documentation ("URL matching based on path
// values"), which the brief attributed to the RFC; the RFC's own examples are above.
TEST_CASE("Google's path-matching examples for special characters", "[robots]") {
  const Case kCases[] = {
      {"User-agent: *\nDisallow: /\n", "forage", "/", false},
      {"User-agent: *\nDisallow: /\n", "forage", "/any/thing", false},
      {"User-agent: *\nDisallow: /*\n", "forage", "/", false},
      {"User-agent: *\nDisallow: /*\n", "forage", "/any/thing", false},
      {"User-agent: *\nDisallow: /$\n", "forage", "/", false},
      {"User-agent: *\nDisallow: /$\n", "forage", "/index.html", true},
      // /path, /path*, /path$
      {"User-agent: *\nDisallow: /path\n", "forage", "/path", false},
      {"User-agent: *\nDisallow: /path\n", "forage", "/path/to/x", false},
      {"User-agent: *\nDisallow: /path\n", "forage", "/pathology", false},
      {"User-agent: *\nDisallow: /path\n", "forage", "/Path", true},
      {"User-agent: *\nDisallow: /path\n", "forage", "/a/path", true},
      {"User-agent: *\nDisallow: /path*\n", "forage", "/path", false},
      {"User-agent: *\nDisallow: /path*\n", "forage", "/pathology", false},
      {"User-agent: *\nDisallow: /path*\n", "forage", "/a/path", true},
      {"User-agent: *\nDisallow: /path$\n", "forage", "/path", false},
      {"User-agent: *\nDisallow: /path$\n", "forage", "/path/", true},
      {"User-agent: *\nDisallow: /path$\n", "forage", "/path?x", true},
      // /fish
      {"User-agent: *\nDisallow: /fish\n", "forage", "/fish", false},
      {"User-agent: *\nDisallow: /fish\n", "forage", "/fish.html", false},
      {"User-agent: *\nDisallow: /fish\n", "forage", "/fish/salmon.html", false},
      {"User-agent: *\nDisallow: /fish\n", "forage", "/fishheads", false},
      {"User-agent: *\nDisallow: /fish\n", "forage", "/fishheads/yummy.html", false},
      {"User-agent: *\nDisallow: /fish\n", "forage", "/fish.php?id=anything", false},
      {"User-agent: *\nDisallow: /fish\n", "forage", "/Fish.asp", true},
      {"User-agent: *\nDisallow: /fish\n", "forage", "/catfish", true},
      {"User-agent: *\nDisallow: /fish\n", "forage", "/?id=fish", true},
      {"User-agent: *\nDisallow: /fish\n", "forage", "/desert/fish", true},
      // /fish* is equivalent to /fish.
      {"User-agent: *\nDisallow: /fish*\n", "forage", "/fish", false},
      {"User-agent: *\nDisallow: /fish*\n", "forage", "/fishheads/yummy.html", false},
      {"User-agent: *\nDisallow: /fish*\n", "forage", "/fish.php?id=anything", false},
      {"User-agent: *\nDisallow: /fish*\n", "forage", "/Fish.asp", true},
      {"User-agent: *\nDisallow: /fish*\n", "forage", "/catfish", true},
      {"User-agent: *\nDisallow: /fish*\n", "forage", "/?id=fish", true},
      // /fish/
      {"User-agent: *\nDisallow: /fish/\n", "forage", "/fish/", false},
      {"User-agent: *\nDisallow: /fish/\n", "forage", "/fish/?id=anything", false},
      {"User-agent: *\nDisallow: /fish/\n", "forage", "/fish/salmon.htm", false},
      {"User-agent: *\nDisallow: /fish/\n", "forage", "/fish", true},
      {"User-agent: *\nDisallow: /fish/\n", "forage", "/fish.html", true},
      {"User-agent: *\nDisallow: /fish/\n", "forage", "/animals/fish/", true},
      {"User-agent: *\nDisallow: /fish/\n", "forage", "/Fish/Salmon.asp", true},
      // /*.php
      {"User-agent: *\nDisallow: /*.php\n", "forage", "/index.php", false},
      {"User-agent: *\nDisallow: /*.php\n", "forage", "/filename.php", false},
      {"User-agent: *\nDisallow: /*.php\n", "forage", "/folder/filename.php", false},
      {"User-agent: *\nDisallow: /*.php\n", "forage", "/folder/filename.php?parameters", false},
      {"User-agent: *\nDisallow: /*.php\n", "forage", "/folder/any.php.file.html", false},
      {"User-agent: *\nDisallow: /*.php\n", "forage", "/filename.php/", false},
      {"User-agent: *\nDisallow: /*.php\n", "forage", "/", true},
      {"User-agent: *\nDisallow: /*.php\n", "forage", "/windows.PHP", true},
      // /*.php$
      {"User-agent: *\nDisallow: /*.php$\n", "forage", "/filename.php", false},
      {"User-agent: *\nDisallow: /*.php$\n", "forage", "/folder/filename.php", false},
      {"User-agent: *\nDisallow: /*.php$\n", "forage", "/filename.php?parameters", true},
      {"User-agent: *\nDisallow: /*.php$\n", "forage", "/filename.php/", true},
      {"User-agent: *\nDisallow: /*.php$\n", "forage", "/filename.php5", true},
      {"User-agent: *\nDisallow: /*.php$\n", "forage", "/windows.PHP", true},
      // /fish*.php
      {"User-agent: *\nDisallow: /fish*.php\n", "forage", "/fish.php", false},
      {"User-agent: *\nDisallow: /fish*.php\n", "forage", "/fishheads/catfish.php?parameters",
       false},
      {"User-agent: *\nDisallow: /fish*.php\n", "forage", "/Fish.PHP", true},
      // /*? : anything with a query string.
      {"User-agent: *\nDisallow: /*?\n", "forage", "/a?x=1", false},
      {"User-agent: *\nDisallow: /*?\n", "forage", "/?", false},
      {"User-agent: *\nDisallow: /*?\n", "forage", "/a", true},
      // /*.gif$
      {"User-agent: *\nDisallow: /*.gif$\n", "forage", "/a.gif", false},
      {"User-agent: *\nDisallow: /*.gif$\n", "forage", "/x/y/b.gif", false},
      {"User-agent: *\nDisallow: /*.gif$\n", "forage", "/a.gif?x=1", true},
      {"User-agent: *\nDisallow: /*.gif$\n", "forage", "/a.gifs", true},
      {"User-agent: *\nDisallow: /*.gif$\n", "forage", "/a.GIF", true},
  };
  CheckAll(kCases);
}

// Google's documentation, "Order of precedence for rules".
TEST_CASE("The longest match wins and Allow wins ties, in any order", "[robots]") {
  const Case kCases[] = {
      {"User-agent: *\nAllow: /p\nDisallow: /\n", "forage", "/page", true},
      {"User-agent: *\nDisallow: /\nAllow: /p\n", "forage", "/page", true},
      {"User-agent: *\nAllow: /folder\nDisallow: /folder\n", "forage", "/folder/page", true},
      {"User-agent: *\nDisallow: /folder\nAllow: /folder\n", "forage", "/folder/page", true},
      {"User-agent: *\nAllow: /page\nDisallow: /*.htm\n", "forage", "/page.htm", false},
      {"User-agent: *\nDisallow: /*.htm\nAllow: /page\n", "forage", "/page.htm", false},
      {"User-agent: *\nAllow: /page\nDisallow: /*.ph\n", "forage", "/page.php", true},
      {"User-agent: *\nDisallow: /*.ph\nAllow: /page\n", "forage", "/page.php", true},
      {"User-agent: *\nAllow: /$\nDisallow: /\n", "forage", "/", true},
      {"User-agent: *\nAllow: /$\nDisallow: /\n", "forage", "/page.htm", false},
      {"User-agent: *\nDisallow: /a\nAllow: /a/b\n", "forage", "/a/b/c", true},
      {"User-agent: *\nAllow: /a/b\nDisallow: /a\n", "forage", "/a/c", false},
      {"User-agent: *\nDisallow: /a/b\nAllow: /a\n", "forage", "/a/b/c", false},
      // Lengths are those of the normalised patterns: "/a%7E" is "/a~" (3 bytes), shorter than
      // "/a~b" (4), so Allow wins; compared as written, Disallow would.
      {"User-agent: *\nDisallow: /a%7E\nAllow: /a~b\n", "forage", "/a~bc", true},
  };
  CheckAll(kCases);
}

TEST_CASE("Groups are chosen by product token, merged, and '*' is a fallback", "[robots]") {
  constexpr std::string_view kSpecificAndStar =
      "User-agent: *\n"
      "Disallow: /\n"
      "\n"
      "User-agent: forage\n"
      "Disallow: /private\n";
  constexpr std::string_view kSplit =
      "User-agent: forage\n"
      "Disallow: /a\n"
      "\n"
      "User-agent: other\n"
      "Disallow: /b\n"
      "\n"
      "User-agent: FORAGE\n"
      "Disallow: /c\n";
  const Case kCases[] = {
      // "*" is ignored when a group names the crawler.
      {kSpecificAndStar, "forage", "/public", true},
      {kSpecificAndStar, "forage", "/private", false},
      {kSpecificAndStar, "otherbot", "/public", false},
      // Even an empty group naming the crawler hides "*".
      {"User-agent: *\nDisallow: /\n\nUser-agent: forage\n", "forage", "/x", true},
      // Every group naming the crawler is merged, wherever it is.
      {kSplit, "forage", "/a", false},
      {kSplit, "forage", "/b", true},
      {kSplit, "forage", "/c", false},
      {kSplit, "other", "/a", true},
      {kSplit, "other", "/b", false},
      // The crawler's product token is compared case-insensitively; so is the line's.
      {"User-agent: FORAGE\nDisallow: /x\n", "forage/0.1.0 (+https://x)", "/x", false},
      {"User-agent: forage/2.0\nDisallow: /x\n", "Forage/0.1.0", "/x", false},
      {"User-agent: forage (compatible)\nDisallow: /x\n", "forage", "/x", false},
      // A longer or different token is another crawler.
      {"User-agent: foragebot\nDisallow: /x\n", "forage/0.1.0", "/x", true},
      {"User-agent: forage-bot\nDisallow: /x\n", "forage/0.1.0", "/x", true},
      {"User-agent: forage\nDisallow: /x\n", "foragebot/1.0", "/x", true},
      // A crawler without a product token only ever gets "*".
      {"User-agent: forage\nDisallow: /x\n", "/1.0", "/x", true},
      {"User-agent: *\nDisallow: /x\n", "", "/x", false},
      // Several user-agent lines share the rules that follow them.
      {"User-agent: a\nUser-agent: forage\nUser-agent: b\nDisallow: /x\n", "forage", "/x", false},
      {"User-agent: forage\n\nUser-agent: b\nDisallow: /x\n", "forage", "/x", false},
      // A user-agent line after a rule starts a new group.
      {"User-agent: forage\nDisallow: /x\nUser-agent: b\nDisallow: /y\n", "forage", "/y", true},
      // So does a Crawl-delay line, a group member too.
      {"User-agent: forage\nCrawl-delay: 1\nUser-agent: b\nDisallow: /y\n", "forage", "/y", true},
      {"User-agent: forage\nCrawl-delay: 1\nUser-agent: b\nDisallow: /y\n", "b", "/y", false},
      // A group for both "*" and the crawler is the crawler's.
      {"User-agent: *\nUser-agent: forage\nDisallow: /x\n", "forage", "/x", false},
      // Google: "*" followed by whitespace and text is still "*".
      {"User-agent: * (everyone)\nDisallow: /x\n", "forage", "/x", false},
      {"User-agent: *\tall\nDisallow: /x\n", "forage", "/x", false},
      {"User-agent: *bot\nDisallow: /x\n", "forage", "/x", true},
      // Rules before any user-agent line belong to no group.
      {"Disallow: /x\nUser-agent: *\nDisallow: /y\n", "forage", "/x", true},
      {"Disallow: /x\nUser-agent: *\nDisallow: /y\n", "forage", "/y", false},
      {"Disallow: /x\n", "forage", "/x", true},
  };
  CheckAll(kCases);
}

// RFC 9309 section 2.2.4: records that are not group members (Sitemap, unknown keys) must not
// interfere with the groups. They used to end a run of user-agent lines, which gave the first
// agent an empty group of its own: "User-agent: BarBot / Sitemap: ... / User-agent: * /
// Disallow: /" let BarBot fetch everything (google/robotstxt ID_LineSyntax_Groups_OtherRules).
TEST_CASE("Sitemap and unknown lines neither end nor split a group", "[robots]") {
  constexpr std::string_view kSitemapBetween =
      "User-agent: BarBot\n"
      "Sitemap: https://foo.bar/sitemap\n"
      "User-agent: *\n"
      "Disallow: /\n";
  constexpr std::string_view kUnknownBetween =
      "User-agent: FooBot\n"
      "Invalid-Unknown-Line: unknown\n"
      "User-agent: *\n"
      "Disallow: /\n";
  constexpr std::string_view kEverywhere =
      "Sitemap: https://foo.bar/a.xml\n"
      "User-agent: forage\n"
      "Host: foo.bar\n"
      "User-agent: other\n"
      "Sitemap: https://foo.bar/b.xml\n"
      "Disallow: /private\n"
      "Noindex: /x\n"
      "Allow: /private/ok\n"
      "Clean-param: ref /\n"
      "User-agent: *\n"
      "Disallow: /\n";
  const Case kCases[] = {
      {kSitemapBetween, "BarBot", "/", false},
      {kSitemapBetween, "FooBot", "/", false},
      {kUnknownBetween, "FooBot", "/", false},
      {kUnknownBetween, "BarBot", "/", false},
      // The first agent's group holds the rules after the other lines, for both agents.
      {kEverywhere, "forage", "/private", false},
      {kEverywhere, "forage", "/private/ok", true},
      {kEverywhere, "forage", "/public", true},
      {kEverywhere, "other", "/private", false},
      {kEverywhere, "other", "/private/ok", true},
      {kEverywhere, "third", "/public", false},
      // A sitemap between a group's rules keeps them in one group; a user-agent line after a
      // rule still starts a new one, whatever comes between.
      {"User-agent: forage\nDisallow: /a\nSitemap: /s\nDisallow: /b\n", "forage", "/b", false},
      {"User-agent: forage\nDisallow: /a\nSitemap: /s\nUser-agent: b\nDisallow: /c\n", "forage",
       "/c", true},
      {"User-agent: forage\nDisallow: /a\nFoo: x\nUser-agent: b\nDisallow: /c\n", "b", "/a", true},
      // Unknown lines and sitemaps between user-agent lines and a blank line: one group.
      {"User-agent: a\n\nFoo: x\n\nUser-agent: forage\nSitemap: /s\n\nDisallow: /x\n", "a", "/x",
       false},
      // A key that only looks like a member (unknown prefix) is no member.
      {"User-agent: forage\nX-Disallow: /\nUser-agent: b\nDisallow: /x\n", "forage", "/x", false},
  };
  CheckAll(kCases);
}

TEST_CASE("Lines are read leniently, as Google does", "[robots]") {
  const Case kCases[] = {
      // Keys are case-insensitive; whitespace is optional.
      {"USER-AGENT: *\nDISALLOW: /x\n", "forage", "/x", false},
      {"user-agent:*\ndisallow:/x\n", "forage", "/x", false},
      {"  User-agent :  *  \n\tDisallow\t:\t/x\t\n", "forage", "/x", false},
      // A missing colon is tolerated when the line is exactly two words.
      {"User-agent forage\nDisallow /x\n", "forage", "/x", false},
      {"User-agent: *\nDisallow /x /y\n", "forage", "/x", true},
      // Common typos.
      {"User-agent: *\nDisalow: /x\n", "forage", "/x", false},
      {"User-agent: *\nDissallow: /x\n", "forage", "/x", false},
      {"User-agent: *\nDissalow: /x\n", "forage", "/x", false},
      {"Useragent: *\nDisallow: /x\n", "forage", "/x", false},
      {"User agent: forage\nDisallow: /x\n", "forage", "/x", false},
      // Keys are prefixes (Google).
      {"User-agent: *\nDisallowed: /x\n", "forage", "/x", false},
      // An unknown key is ignored.
      {"User-agent: *\nNoindex: /x\n", "forage", "/x", true},
      // An empty Disallow means nothing; an empty Allow too.
      {"User-agent: *\nDisallow:\n", "forage", "/x", true},
      {"User-agent: *\nDisallow: \n", "forage", "/", true},
      {"User-agent: *\nAllow:\nDisallow: /\n", "forage", "/x", false},
      // Comments, whole-line and trailing.
      {"# hello\nUser-agent: * # all\n# Disallow: /y\nDisallow: /x # secret\n", "forage", "/x",
       false},
      {"# hello\nUser-agent: * # all\n# Disallow: /y\nDisallow: /x # secret\n", "forage", "/y",
       true},
      // A UTF-8 BOM is skipped, even a partial one.
      {"\xEF\xBB\xBFUser-agent: *\nDisallow: /x\n", "forage", "/x", false},
      {"\xEF\xBBUser-agent: *\nDisallow: /x\n", "forage", "/x", false},
      // CRLF, CR and LF line ends, and no final line end.
      {"User-agent: *\r\nDisallow: /x\r\nDisallow: /y\r\n", "forage", "/y", false},
      {"User-agent: *\rDisallow: /x\rDisallow: /y", "forage", "/y", false},
      {"User-agent: *\nDisallow: /x\r\n\r\nDisallow: /y", "forage", "/y", false},
      {"User-agent: *\r\nDisallow: /x\r\n", "forage", "/xyz", false},
      // Matching is case-sensitive.
      {"User-agent: *\nDisallow: /Fish\n", "forage", "/fish", true},
      {"User-agent: *\nDisallow: /Fish\n", "forage", "/Fish", false},
      // A pattern need not start with "/", but matches from the path's first byte.
      {"User-agent: *\nDisallow: *.gif$\n", "forage", "/a.gif", false},
      {"User-agent: *\nDisallow: x\n", "forage", "/x", true},
  };
  CheckAll(kCases);
}

TEST_CASE("Paths and patterns are compared after percent-normalisation", "[robots]") {
  const Case kCases[] = {
      {"User-agent: *\nDisallow: /a%7eb\n", "forage", "/a~b", false},
      {"User-agent: *\nDisallow: /a~b\n", "forage", "/a%7Eb", false},
      {"User-agent: *\nDisallow: /a%2fb\n", "forage", "/a%2Fb", false},
      {"User-agent: *\nDisallow: /a%2Fb\n", "forage", "/a%2fb", false},
      // Escapes of reserved characters are not the characters.
      {"User-agent: *\nDisallow: /a%2Fb\n", "forage", "/a/b", true},
      {"User-agent: *\nDisallow: /a/b\n", "forage", "/a%2Fb", true},
      {"User-agent: *\nDisallow: /a%3Fb\n", "forage", "/a?b", true},
      // A "$" inside a pattern is an ordinary character (Google); "*" in a path is literal.
      {"User-agent: *\nDisallow: /a$b\n", "forage", "/a$b", false},
      {"User-agent: *\nDisallow: /a$b\n", "forage", "/a", true},
      {"User-agent: *\nDisallow: /a*\n", "forage", "/a*", false},
      {"User-agent: *\nDisallow: /a%2A\n", "forage", "/ab", true},
      // A stray "%" is "%25".
      {"User-agent: *\nDisallow: /100%\n", "forage", "/100%", false},
      {"User-agent: *\nDisallow: /100%\n", "forage", "/100%25", false},
      {"User-agent: *\nDisallow: /100%25\n", "forage", "/100%", false},
      {"User-agent: *\nDisallow: /%zz\n", "forage", "/%zz", false},
      // Non-ASCII bytes in the path are escaped too.
      {"User-agent: *\nDisallow: /caf%C3%A9\n", "forage", "/caf\xC3\xA9", false},
      {"User-agent: *\nDisallow: /caf\xC3\xA9\n", "forage", "/caf%c3%a9", false},
      // An empty path is "/"; a bare query gets a "/".
      {"User-agent: *\nDisallow: /$\n", "forage", "", false},
      {"User-agent: *\nDisallow: /?\n", "forage", "?x=1", false},
      {"User-agent: *\nDisallow: /x\n", "forage", "", true},
      // Only "/robots.txt" itself is special.
      {"User-agent: *\nDisallow: /\n", "forage", "/robots.txt?x=1", false},
      {"User-agent: *\nDisallow: /\n", "forage", "/robots.txt.bak", false},
  };
  CheckAll(kCases);
}

// Google: "Allow: .../index.html" (or .htm) also allows the directory URL itself.
TEST_CASE("An allowed index.html also allows its directory", "[robots]") {
  constexpr std::string_view kIndex =
      "User-agent: *\n"
      "Allow: /allowed-slash/index.html\n"
      "Disallow: /\n";
  const Case kCases[] = {
      {kIndex, "forage", "/allowed-slash/", true},
      {kIndex, "forage", "/allowed-slash/index.html", true},
      {kIndex, "forage", "/allowed-slash/index.htm", false},
      {kIndex, "forage", "/allowed-slash/other", false},
      {kIndex, "forage", "/anyother-url", false},
      {"User-agent: *\nAllow: /d/index.htm\nDisallow: /\n", "forage", "/d/", true},
      {"User-agent: *\nDisallow: /d/index.html\n", "forage", "/d/", true},
  };
  CheckAll(kCases);
}

TEST_CASE("Crawl-delay comes from the group used", "[robots]") {
  struct DelayCase {
    std::string_view robots;
    std::string_view agent;
    std::optional<double> delay;
  };
  const DelayCase kCases[] = {
      {"User-agent: *\nCrawl-delay: 2.5\n", "forage", 2.5},
      {"User-agent: *\nCrawl-delay: 10\n", "forage", 10.0},
      {"User-agent: *\nCrawl-delay: .5\n", "forage", 0.5},
      {"User-agent: *\nCrawl-delay: 0\n", "forage", 0.0},
      {"User-agent: *\ncrawl-delay:3 # slow down\n", "forage", 3.0},
      {"User-agent: *\nCrawl-delay: -1\n", "forage", std::nullopt},
      {"User-agent: *\nCrawl-delay: abc\n", "forage", std::nullopt},
      {"User-agent: *\nCrawl-delay: 5s\n", "forage", std::nullopt},
      {"User-agent: *\nCrawl-delay: 1e3\n", "forage", std::nullopt},
      {"User-agent: *\nCrawl-delay: inf\n", "forage", std::nullopt},
      {"User-agent: *\nCrawl-delay: nan\n", "forage", std::nullopt},
      {"User-agent: *\nCrawl-delay: 1.2.3\n", "forage", std::nullopt},
      {"User-agent: *\nCrawl-delay: .\n", "forage", std::nullopt},
      {"User-agent: *\nCrawl-delay:\n", "forage", std::nullopt},
      {"User-agent: *\nCrawl-delay: 1 2\n", "forage", std::nullopt},
      // An invalid value does not hide a valid one.
      {"User-agent: *\nCrawl-delay: x\nCrawl-delay: 4\n", "forage", 4.0},
      // The crawler's group wins over "*", even when it has no delay.
      {"User-agent: *\nCrawl-delay: 5\n\nUser-agent: forage\nCrawl-delay: 1\n", "forage", 1.0},
      {"User-agent: *\nCrawl-delay: 5\n\nUser-agent: forage\nDisallow: /x\n", "forage",
       std::nullopt},
      {"User-agent: *\nCrawl-delay: 5\n\nUser-agent: forage\nDisallow: /x\n", "other", 5.0},
      // Other crawlers' groups and lines before any group do not count.
      {"User-agent: other\nCrawl-delay: 3\n", "forage", std::nullopt},
      {"Crawl-delay: 3\nUser-agent: *\nDisallow: /x\n", "forage", std::nullopt},
      // Merged groups: the largest delay.
      {"User-agent: forage\nCrawl-delay: 2\n\nUser-agent: forage\nCrawl-delay: 7\n", "forage", 7.0},
      {"User-agent: *\n", "forage", std::nullopt},
  };
  for (const DelayCase& c : kCases) {
    INFO("robots.txt:\n" << c.robots << "\nagent: " << c.agent);
    CHECK(RobotsRules::Parse(c.robots, c.agent).CrawlDelay() == c.delay);
  }
}

TEST_CASE("Sitemap lines are collected from anywhere, in order, once", "[robots]") {
  constexpr std::string_view kRobots =
      "Sitemap: https://example.com/a.xml\n"
      "User-agent: other\n"
      "Disallow: /\n"
      "sitemap:https://example.com/b.xml # second\n"
      "User-agent: *\n"
      "Site-map: https://example.com/c.xml\n"
      "Sitemap: https://example.com/a.xml\n"
      "Sitemap:\n";
  const std::vector<std::string> expected = {
      "https://example.com/a.xml", "https://example.com/b.xml", "https://example.com/c.xml"};
  CHECK(RobotsRules::Parse(kRobots, "forage").Sitemaps() == expected);
  CHECK(RobotsRules::Parse("User-agent: *\nDisallow: /\n", "forage").Sitemaps().empty());
}

TEST_CASE("AllowAll and DisallowAll", "[robots]") {
  const RobotsRules allow_all = RobotsRules::AllowAll();
  const RobotsRules disallow_all = RobotsRules::DisallowAll();
  for (std::string_view path : {"/", "", "/a/b?x=1", "/robots.txt"}) {
    INFO("path: " << path);
    CHECK(allow_all.IsAllowed(path));
  }
  for (std::string_view path : {"/", "", "/a/b?x=1", "/robots.txt.x"}) {
    INFO("path: " << path);
    CHECK_FALSE(disallow_all.IsAllowed(path));
  }
  CHECK(disallow_all.IsAllowed("/robots.txt"));
  CHECK_FALSE(allow_all.CrawlDelay());
  CHECK_FALSE(disallow_all.CrawlDelay());
  CHECK(allow_all.Sitemaps().empty());
  CHECK(disallow_all.Sitemaps().empty());
}

TEST_CASE("Copies behave like the original", "[robots]") {
  RobotsRules copy = RobotsRules::AllowAll();
  {
    const RobotsRules original =
        RobotsRules::Parse("User-agent: *\nDisallow: /x\nCrawl-delay: 1\n", "forage");
    copy = original;
  }
  CHECK_FALSE(copy.IsAllowed("/x"));
  CHECK(copy.IsAllowed("/y"));
  CHECK(copy.CrawlDelay() == 1.0);
}

TEST_CASE("Only the first kMaxBytes of a body are parsed", "[robots]") {
  const std::string head = "User-agent: *\nDisallow: /early\n";
  const std::string filler = "# " + std::string(97, 'x') + "\n";  // 100 bytes
  std::string body = head;
  while (body.size() + filler.size() <= RobotsRules::kMaxBytes) body += filler;
  // A line the limit cuts through is dropped, not parsed as "Disallow: /st".
  body += std::string(RobotsRules::kMaxBytes - 13 - body.size(), '\n');
  body += "Disallow: /straddle-and-more\n";
  body += "Disallow: /late\n";
  while (body.size() < 1024 * 1024) body += filler;

  const RobotsRules rules = RobotsRules::Parse(body, "forage");
  CHECK_FALSE(rules.IsAllowed("/early"));
  CHECK(rules.IsAllowed("/straddle"));
  CHECK(rules.IsAllowed("/straddle-and-more"));
  CHECK(rules.IsAllowed("/late"));

  // A line ending exactly at the limit is whole, so it counts.
  std::string exact = head;
  while (exact.size() + filler.size() + 20 <= RobotsRules::kMaxBytes) exact += filler;
  const std::string last = "Disallow: /last";
  exact += std::string(RobotsRules::kMaxBytes - exact.size() - last.size() - 1, '\n');
  exact += last + "\n";
  REQUIRE(exact.size() == RobotsRules::kMaxBytes);
  exact += "Disallow: /after\n";
  const RobotsRules exact_rules = RobotsRules::Parse(exact, "forage");
  CHECK_FALSE(exact_rules.IsAllowed("/last"));
  CHECK(exact_rules.IsAllowed("/after"));
}

TEST_CASE("Lines are cut at Google's line length limit", "[robots]") {
  // Google keeps 2083 * 8 - 1 = 16663 bytes of a line, so a longer pattern matches its prefix.
  const std::string prefix = "Disallow: /";
  const std::string robots = "User-agent: *\n" + prefix + std::string(20000, 'a') + "b\n";
  const RobotsRules rules = RobotsRules::Parse(robots, "forage");
  const std::size_t kept_a = 16663 - prefix.size();
  CHECK_FALSE(rules.IsAllowed("/" + std::string(kept_a, 'a')));
  CHECK(rules.IsAllowed("/" + std::string(kept_a - 1, 'a')));
}

TEST_CASE("Many wildcards against a long path match in polynomial time", "[robots]") {
  const RobotsRules rules =
      RobotsRules::Parse("User-agent: *\nDisallow: /*a*a*a*a*a*a*a*a*a*b\n", "forage");
  const RobotsRules anchored =
      RobotsRules::Parse("User-agent: *\nDisallow: /*a*a*a*a*a*a*a*a*a*b$\n", "forage");
  const std::string as = "/" + std::string(10000, 'a');
  // No clock: a backtracking matcher would not finish within CTest's time
  // limit on these patterns, the O(path x pattern) one takes milliseconds.
  CHECK(rules.IsAllowed(as));
  CHECK(anchored.IsAllowed(as));
  CHECK_FALSE(rules.IsAllowed(as + "b"));
  CHECK_FALSE(rules.IsAllowed(as + "bc"));
  CHECK_FALSE(anchored.IsAllowed(as + "b"));
  CHECK(anchored.IsAllowed(as + "bc"));
}

}  // namespace
}  // namespace forage
