#include "core/url.h"

#include <catch2/catch.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace forage {
namespace {

struct Case {
  const char* reference;
  const char* expected;
};

// RFC 3986 section 5.4, base "http://a/b/c/d;p?q".
const Case kNormal[] = {
    {"g:h", "g:h"},
    {"g", "http://a/b/c/g"},
    {"./g", "http://a/b/c/g"},
    {"g/", "http://a/b/c/g/"},
    {"/g", "http://a/g"},
    {"//g", "http://g/"},  // RFC: "http://g"; curl adds the empty path's "/"
    {"?y", "http://a/b/c/d;p?y"},
    {"g?y", "http://a/b/c/g?y"},
    {"#s", "http://a/b/c/d;p?q#s"},
    {"g#s", "http://a/b/c/g#s"},
    {"g?y#s", "http://a/b/c/g?y#s"},
    {";x", "http://a/b/c/;x"},
    {"g;x", "http://a/b/c/g;x"},
    {"g;x?y#s", "http://a/b/c/g;x?y#s"},
    {"", "http://a/b/c/d;p?q"},
    {".", "http://a/b/c/"},
    {"./", "http://a/b/c/"},
    {"..", "http://a/b/"},
    {"../", "http://a/b/"},
    {"../g", "http://a/b/g"},
    {"../..", "http://a/"},
    {"../../", "http://a/"},
    {"../../g", "http://a/g"},
};

const Case kAbnormal[] = {
    {"../../../g", "http://a/g"},
    {"../../../../g", "http://a/g"},
    {"/./g", "http://a/g"},
    {"/../g", "http://a/g"},
    {"g.", "http://a/b/c/g."},
    {".g", "http://a/b/c/.g"},
    {"g..", "http://a/b/c/g.."},
    {"..g", "http://a/b/c/..g"},
    {"./../g", "http://a/b/g"},
    {"./g/.", "http://a/b/c/g/"},
    {"g/./h", "http://a/b/c/g/h"},
    {"g/../h", "http://a/b/c/h"},
    {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
    {"g;x=1/../y", "http://a/b/c/y"},
    {"g?y/./x", "http://a/b/c/g?y/./x"},
    {"g?y/../x", "http://a/b/c/g?y/../x"},
    {"g#s/./x", "http://a/b/c/g#s/./x"},
    {"g#s/../x", "http://a/b/c/g#s/../x"},
    // The RFC allows either "http:g" or, for backward compatibility, this;
    // browsers do this.
    {"http:g", "http://a/b/c/g"},
};

TEST_CASE("UrlResolver resolves every RFC 3986 normal example", "[url]") {
  UrlResolver base("http://a/b/c/d;p?q");
  REQUIRE(base.valid());
  for (const Case& c : kNormal) {
    INFO("reference \"" << c.reference << "\"");
    CHECK(base.Resolve(c.reference).value_or("(none)") == c.expected);
  }
}

TEST_CASE("UrlResolver resolves every RFC 3986 abnormal example", "[url]") {
  UrlResolver base("http://a/b/c/d;p?q");
  for (const Case& c : kAbnormal) {
    INFO("reference \"" << c.reference << "\"");
    CHECK(base.Resolve(c.reference).value_or("(none)") == c.expected);
  }
}

TEST_CASE("UrlResolver resolves as browsers do", "[url]") {
  UrlResolver base("http://example.com/dir/page.html?x=1#top");
  const Case cases[] = {
      {"  /padded  ", "http://example.com/padded"},
      {"\t/ta\nb\r", "http://example.com/tab"},
      {"\\\\evil.com/x", "http://evil.com/x"},
      {"..\\up", "http://example.com/up"},
      {"/q?a=\\b", "http://example.com/q?a=\\b"},  // backslash in a query stays
      {"", "http://example.com/dir/page.html?x=1"},
      {"#frag", "http://example.com/dir/page.html?x=1#frag"},
      {"/a b", "http://example.com/a%20b"},
      {"HTTPS://Other.example/", "https://other.example/"},
      {"//cdn.example/lib.js", "http://cdn.example/lib.js"},
      {"http:rel", "http://example.com/dir/rel"},
      {"mailto:a@b.c", "mailto:a@b.c"},
      // The faults issue 15 found in the curl-based resolver.
      {"?q=a b", "http://example.com/dir/page.html?q=a%20b"},  // not "+"
      {"/\"<>`{}?\"<>`{}#\"<>`{}",
       "http://example.com/%22%3C%3E%60%7B%7D?%22%3C%3E`{}#%22%3C%3E%60{}"},
      {"http://\xe4\xbd\xa0\xe5\xa5\xbd\xe4\xbd\xa0\xe5\xa5\xbd", "http://xn--6qqa088eba/"},
      {"http://\xef\xbc\xa7\xef\xbd\x8f.com", "http://go.com/"},
      {"http://a|b/", "(none)"},
      {"http://256.256.256.256", "(none)"},
      {"http://a\xe3\x80\x80"
       "b/",
       "(none)"},  // a full-width space
  };
  for (const Case& c : cases) {
    INFO("reference \"" << c.reference << "\"");
    CHECK(base.Resolve(c.reference).value_or("(none)") == c.expected);
  }
}

TEST_CASE("ResolveLink keeps only http(s) and drops fragments", "[url]") {
  UrlResolver base("https://example.com/a/b");
  CHECK(base.ResolveLink("c#x") == "https://example.com/a/c");
  CHECK(base.ResolveLink("#only") == "https://example.com/a/b");
  // Whatever the fragment holds.
  CHECK(base.ResolveLink("c#x\x02y") == "https://example.com/a/c");
  CHECK(base.ResolveLinkFully("c#x\x02y") == "https://example.com/a/c");
  CHECK(base.ResolveLinkFully("./c#x\x7f") == "https://example.com/a/c");
  CHECK(base.ResolveLink("c?q #x") == "https://example.com/a/c?q%20");  // not trailing
  CHECK(base.ResolveLink("c#x ") == "https://example.com/a/c");
  // The base's own fragment plays no part, slashes and all.
  UrlResolver fragment("http://h/x/#a/b/c");
  CHECK(fragment.ResolveLink("g") == "http://h/x/g");
  CHECK(fragment.Resolve("?q") == "http://h/x/?q");
  CHECK(fragment.Resolve("") == "http://h/x/");
  CHECK(base.ResolveLink("http://other/") == "http://other/");
  CHECK(base.ResolveLink("HTTP://B\xc3\xbc"
                         "cher.example:80/") == "http://xn--bcher-kva.example/");
  CHECK_FALSE(base.ResolveLink("mailto:a@b.c"));
  CHECK_FALSE(base.ResolveLink("javascript:void(0)"));
  CHECK_FALSE(base.ResolveLink("tel:+123"));
  CHECK_FALSE(base.ResolveLink("ftp://files.example/x"));
  CHECK_FALSE(base.ResolveLink("data:text/html,hi"));
  CHECK_FALSE(base.ResolveLink("http://[::1/"));
  CHECK_FALSE(base.ResolveLink("http://a|b/"));
  CHECK_FALSE(base.ResolveLink("//256.256.256.256/"));
}

TEST_CASE("A base of another scheme gives relative links no http(s) URL", "[url]") {
  for (const char* other : {"file:///x/", "sc://h/x/", "about:blank", "mailto:a@b"}) {
    INFO(other);
    UrlResolver base(other);
    REQUIRE(base.valid());
    CHECK_FALSE(base.ResolveLink("a.html"));
    CHECK_FALSE(base.ResolveLink("/a.html"));
    CHECK_FALSE(base.ResolveLink(""));
    CHECK(base.ResolveLink("http://h/a#b") == "http://h/a");
    CHECK_FALSE(base.ResolveLink("//h/a"));  // the base's scheme: file://h/a, sc://h/a
  }
  CHECK(UrlResolver("sc://h/x/").Resolve("a") == "sc://h/x/a");
}

TEST_CASE("An invalid base resolves nothing", "[url]") {
  UrlResolver base("not a url");
  CHECK_FALSE(base.valid());
  CHECK_FALSE(base.Resolve("/x"));
}

TEST_CASE("CheckInputUrl sorts input into requestable, invalid and unsupported", "[url]") {
  struct InputCase {
    const char* input;
    const char* url;  // "" when an error is expected
    ErrorKind kind;
  };
  const InputCase cases[] = {
      {"http://example.com/", "http://example.com/", ErrorKind::kNone},
      {"https://example.com/a?b=c", "https://example.com/a?b=c", ErrorKind::kNone},
      {"HTTP://Example.COM/x", "http://example.com/x", ErrorKind::kNone},
      {"example.com", "http://example.com/", ErrorKind::kNone},
      {"localhost:8080/x", "http://localhost:8080/x", ErrorKind::kNone},
      {"127.0.0.1:1/", "http://127.0.0.1:1/", ErrorKind::kNone},
      {"http:g", "http://g/", ErrorKind::kNone},  // as browsers read it
      {"http://b\xc3\xbc"
       "cher.localhost:8080/",
       "http://xn--bcher-kva.localhost:8080/", ErrorKind::kNone},
      {"b\xc3\xbc"
       "cher.localhost:8080",
       "http://xn--bcher-kva.localhost:8080/", ErrorKind::kNone},
      {"http://\xe4\xbd\xa0\xe5\xa5\xbd\xe4\xbd\xa0\xe5\xa5\xbd", "http://xn--6qqa088eba/",
       ErrorKind::kNone},
      {"http://h/a b?c d", "http://h/a%20b?c%20d", ErrorKind::kNone},
      {"http://h/#frag", "http://h/#frag", ErrorKind::kNone},
      {"\x01 http://h/\t\n", "http://h/", ErrorKind::kNone},
      {"ftp://example.com/", "", ErrorKind::kUnsupportedScheme},
      {"file:///etc/passwd", "", ErrorKind::kUnsupportedScheme},
      {"mailto:someone@example.com", "", ErrorKind::kUnsupportedScheme},
      {"javascript:alert(1)", "", ErrorKind::kUnsupportedScheme},
      {"not a url", "", ErrorKind::kInvalidUrl},
      {"http://exa mple.com/", "", ErrorKind::kInvalidUrl},
      {"http://[::1/", "", ErrorKind::kInvalidUrl},
      {"http://", "", ErrorKind::kInvalidUrl},
      {"://x", "", ErrorKind::kInvalidUrl},
      {"ht tp://x/", "", ErrorKind::kInvalidUrl},
      {"http://a|b/", "", ErrorKind::kInvalidUrl},
      {"http://256.256.256.256", "", ErrorKind::kInvalidUrl},
      {"http://a\xe3\x80\x80"
       "b/",
       "", ErrorKind::kInvalidUrl},
      {"http://h:65536/", "", ErrorKind::kInvalidUrl},
      {"http://\xff/", "", ErrorKind::kInvalidUrl},
  };
  for (const InputCase& c : cases) {
    INFO("input \"" << c.input << "\"");
    CheckedUrl got = CheckInputUrl(c.input);
    if (c.kind == ErrorKind::kNone) {
      CHECK_FALSE(got.error);
      CHECK(got.url == c.url);
    } else {
      REQUIRE(got.error);
      CHECK(got.error->kind == c.kind);
      CHECK_FALSE(got.error->message.empty());
    }
  }
}

TEST_CASE("CheckInputUrl refuses URLs longer than the limit", "[url]") {
  std::string longest = "http://example.com/" + std::string(kMaxUrlBytes - 19, 'a');
  CHECK_FALSE(CheckInputUrl(longest).error);
  CheckedUrl too_long = CheckInputUrl(longest + "a");
  REQUIRE(too_long.error);
  CHECK(too_long.error->kind == ErrorKind::kInvalidUrl);
  // Within the limit as given, over it once encoded: "é" is "%C3%A9".
  CheckedUrl encoded = CheckInputUrl("http://example.com/" + std::string(kMaxUrlBytes / 4, 'e') +
                                     std::string(kMaxUrlBytes / 4, '\xe9'));
  REQUIRE(encoded.error);
  CHECK(encoded.error->kind == ErrorKind::kInvalidUrl);
  CHECK(encoded.error->message.find("percent-encoded") != std::string::npos);
}

TEST_CASE("StripFragment removes everything from the first '#'", "[url]") {
  CHECK(StripFragment("http://a/b#c#d") == "http://a/b");
  CHECK(StripFragment("http://a/b") == "http://a/b");
}

}  // namespace
}  // namespace forage

namespace forage {

TEST_CASE("ResolveLink's fast path resolves exactly as the parser", "[url][heavy]") {
  // Random references over an alphabet that reaches both paths: plain ones
  // (joined as strings) and every near miss (dots, "//", escapes, schemes,
  // spaces, backslashes, queries, fragments), against assorted bases.
  const std::vector<std::string> bases = {
      "http://h/",
      "http://h",
      "https://example.com/a/b.html",
      "https://example.com:8443/a/b/?q=/x#frag",
      "http://u:p@h.test/dir/sub/page",
      "http://h/a%3db/c.html?x=1",
      "http://[::1]:8080/x/y.html",
      "HTTP://Example.COM/A/B",
      "http://h//a/b/c.html",
      "http://h//",
      "http://h/caf\xc3\xa9/x.html",
      "http://h/x/#a/b/c",
      "http://b\xc3\xbc"
      "cher.example/a/",
  };
  const std::vector<std::string> pieces = {
      "a",          "b.html", "/",   "//",  ".",  "..",  "?",         "=",        "&",
      "#",          "x",      "%41", "%zz", "%4", "%a3", "%2E",       "%2e",      ":",
      "http:",      "~",      "-",   "_",   " ",  "\\",  "\t",        "\xc3\xa9", "Z9",
      "index.html", "'",      "\"",  "<",   "`",  "{",   "!$()*+,;@", "|",        "^"};
  // Pieces a plain reference is made of (the fast path takes most such).
  const std::set<std::string> plain = {"a",   "b.html", "/",   "=",        "&",          "x",
                                       "~",   "-",      "_",   "Z9",       "index.html", "%41",
                                       "%zz", "%4",     "%a3", "!$()*+,;@"};
  std::mt19937 rng(12345);
  int fast = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string ref;
    bool only_plain = true;
    const int n = 1 + static_cast<int>(rng() % 5);
    for (int k = 0; k < n; ++k) {
      const std::string& piece = pieces[rng() % pieces.size()];
      only_plain = only_plain && plain.count(piece) > 0;
      ref += piece;
    }
    for (const std::string& base : bases) {
      UrlResolver resolver(base);
      INFO("base " << base << ", reference '" << ref << "'");
      CHECK(resolver.ResolveLink(ref) == resolver.ResolveLinkFully(ref));
    }
    fast += only_plain && ref.rfind("//", 0) != 0;
  }
  // Climbs of every height, above the root too.
  for (const std::string& base : bases) {
    UrlResolver resolver(base);
    std::string climb;
    for (int k = 0; k < 6; ++k, climb += "../") {
      for (const char* rest : {"x.html", "a/b", "", "./c", "/d", "?q=1", "e/#f", "#g", "?"}) {
        const std::string ref = climb + rest;
        INFO("base " << base << ", reference '" << ref << "'");
        CHECK(resolver.ResolveLink(ref) == resolver.ResolveLinkFully(ref));
        CHECK(resolver.ResolveLink("./" + ref) == resolver.ResolveLinkFully("./" + ref));
      }
    }
  }
  CHECK(fast > 1000);  // plain references were really among them
  // Absolute references on the base's own origin, written as the parser
  // writes it or nearly (case, a default port, userinfo, a longer host).
  int same_origin = 0;
  for (const std::string& base : bases) {
    UrlResolver resolver(base);
    std::optional<std::string> root = resolver.ResolveLinkFully("/");
    if (!root) continue;
    const std::string origin = root->substr(0, root->size() - 1);
    const std::string scheme = origin.substr(0, origin.find(':'));
    const std::string rest = origin.substr(scheme.size());
    const std::vector<std::string> origins = {origin,
                                              origin,
                                              origin,
                                              "HTTP" + rest,
                                              origin + ":80",
                                              origin + ":443",
                                              origin + ".x",
                                              origin + "@",
                                              scheme + "://u@" + rest.substr(3),
                                              scheme + ":" + rest.substr(3)};
    for (int i = 0; i < 3000; ++i) {
      std::string ref = origins[rng() % origins.size()];
      if (rng() % 4 != 0) ref += '/';  // mostly a path, sometimes a host going on
      const int n = static_cast<int>(rng() % 5);
      for (int k = 0; k < n; ++k) ref += pieces[rng() % pieces.size()];
      INFO("base " << base << ", reference '" << ref << "'");
      const std::optional<std::string> link = resolver.ResolveLink(ref);
      CHECK(link == resolver.ResolveLinkFully(ref));
      same_origin += link && ref.starts_with(origin + "/");
    }
  }
  CHECK(same_origin > 1000);
}

TEST_CASE("Canonicalize's fast path gives exactly what the parser gives", "[url][heavy]") {
  // Plain shapes weigh more, so that many URLs are canonical already.
  const std::vector<std::string> schemes = {"http://", "http://", "https://", "https://",
                                            "HTTP://", "ftp://",  "http:/"};
  const std::vector<std::string> hosts = {"h",
                                          "ex.com",
                                          "127.0.0.1",
                                          "127.1",
                                          "10.0.0.256",
                                          "010.0.0.1",
                                          "[::1]",
                                          "Ex.com",
                                          "a..b",
                                          "-a.b",
                                          "b.",
                                          "xn--bcher-kva.ch",
                                          "1.2.3.4.5",
                                          "0x7f.0.0.1",
                                          "a_b.c",
                                          "9.com",
                                          "b\xc3\xbc"
                                          "cher.ch",
                                          "a%41.b",
                                          "xn--a.com",
                                          "a|b",
                                          "u@h",
                                          "0x.a",
                                          "a.0x",
                                          "1.2.3.4"};
  const std::vector<std::string> ports = {"",      "",   "",       "",     ":80", ":443",
                                          ":8080", ":0", ":65536", ":080", ":"};
  const std::vector<std::string> pieces = {
      "/",   "a",   "b.html", "//",  ".",   "..", "?", "=",       "&", "#",
      "%41", "%a3", "%zz",    "%2E", "%2e", " ",  "~", "\\",      "'", "\xc3\xa9",
      "\"",  "`",   "{",      "|",   "^",   ":",  "@", "!$()*+,;"};
  std::mt19937 rng(777);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  auto same = [](const std::optional<CanonicalUrl>& a, const std::optional<CanonicalUrl>& b) {
    if (!a || !b) return !a && !b;
    return a->url == b->url && a->origin_end == b->origin_end && a->host_begin == b->host_begin &&
           a->host_end == b->host_end;
  };
  int fast_shaped = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string url = pick(schemes) + pick(hosts) + pick(ports) + "/";
    const int n = static_cast<int>(rng() % 5);
    for (int k = 0; k < n; ++k) url += pick(pieces);
    INFO("url '" << url << "'");
    std::optional<CanonicalUrl> canonical = Canonicalize(url);
    CHECK(same(canonical, CanonicalizeFully(url)));
    // Already canonical: the shape the fast path takes.
    fast_shaped += canonical && canonical->url == StripFragment(url);
    // Canonical forms are fixed points.
    if (canonical) CHECK(same(Canonicalize(canonical->url), canonical));
  }
  CHECK(fast_shaped > 200);
}

}  // namespace forage
