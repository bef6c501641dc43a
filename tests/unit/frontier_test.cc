// The frontier's parts: canonical URLs, the fingerprint set and the scope.

#include <catch2/catch.hpp>
#include <random>
#include <unordered_set>

#include "core/url.h"
#include "crawl/scope.h"
#include "crawl/seen_set.h"

namespace forage {
namespace {

TEST_CASE("Canonicalize gives one form to the spellings of one URL", "[frontier]") {
  struct Case {
    const char* input;
    const char* canonical;
  };
  const Case cases[] = {
      {"HTTP://Example.COM:80/a/../b/./c?x=%7e#frag", "http://example.com/b/c?x=%7E"},
      {"https://example.com:443", "https://example.com/"},
      {"https://example.com:8443/%7ea", "https://example.com:8443/%7Ea"},
      {"http://example.com", "http://example.com/"},
      {"http://example.com/caf\xc3\xa9", "http://example.com/caf%C3%A9"},
      {"http://m\xc3\xbcnchen.de/", "http://xn--mnchen-3ya.de/"},
      {"http://a.test:4000/site/sub/./deeper/../deeper/f.html",
       "http://a.test:4000/site/sub/deeper/f.html"},
      {"http://h/%", "http://h/%"},  // a stray '%' stays, as in browsers
      {"http://EXAMPLE.com/a b?c d#e", "http://example.com/a%20b?c%20d"},
      {"http://127.1/", "http://127.0.0.1/"},
      {"http://[0:0::1]:80/", "http://[::1]/"},
  };
  // No locale is needed: IDNA takes UTF-8 as it is (libidn2's 8z calls).
  for (const Case& c : cases) {
    INFO(c.input);
    std::optional<CanonicalUrl> url = Canonicalize(c.input);
    REQUIRE(url);
    CHECK(url->url == c.canonical);
  }
  CHECK_FALSE(Canonicalize("ftp://example.com/"));
  CHECK_FALSE(Canonicalize("mailto:x@example.com"));
  CHECK_FALSE(Canonicalize("not a url"));
  CHECK_FALSE(Canonicalize("http://a|b/"));
  CHECK_FALSE(Canonicalize("http://256.256.256.256/"));
}

TEST_CASE("A canonical URL knows its origin, host and request target", "[frontier]") {
  auto url = Canonicalize("HTTPS://Shop.Example.com:8443/a/b?q=1#x");
  REQUIRE(url);
  CHECK(url->origin() == "https://shop.example.com:8443");
  CHECK(url->host() == "shop.example.com");
  CHECK(url->path_and_query() == "/a/b?q=1");
}

TEST_CASE("Fingerprints are stable and spread", "[frontier]") {
  CHECK(UrlFingerprint("http://example.com/") == UrlFingerprint("http://example.com/"));
  CHECK(UrlFingerprint("http://example.com/") != UrlFingerprint("http://example.com/a"));
  // Pinned: fingerprints may be stored across runs, so they must not drift.
  CHECK(UrlFingerprint("") == 0xf52a15e9a9b5e89bull);
}

TEST_CASE("SeenSet holds each fingerprint once, through growth", "[frontier]") {
  SeenSet seen;
  std::mt19937_64 rng(5);
  std::vector<std::uint64_t> keys;
  for (int i = 0; i < 200000; ++i) keys.push_back(rng());
  keys.push_back(0);  // 0 is the empty marker inside; it must still work
  for (std::uint64_t k : keys) CHECK(seen.Insert(k));
  for (std::uint64_t k : keys) CHECK_FALSE(seen.Insert(k));
  for (std::uint64_t k : keys) CHECK(seen.Contains(k));
  CHECK_FALSE(seen.Contains(12345));
  CHECK(seen.size() == keys.size());
  // 8 bytes a slot, between 3/8 and 3/4 full: at most 22 bytes per URL.
  CHECK(seen.MemoryBytes() <= 22 * seen.size());
}

TEST_CASE("Scope roots by host, by registrable domain, or not at all", "[frontier]") {
  auto host = ScopeFilter::Create(ScopeMode::kHost, {}, {});
  auto domain = ScopeFilter::Create(ScopeMode::kDomain, {}, {});
  auto any = ScopeFilter::Create(ScopeMode::kAny, {}, {});
  REQUIRE(host.ok());
  REQUIRE(domain.ok());
  REQUIRE(any.ok());
  std::string root = host.value().RootOf("www.example.co.uk");
  CHECK(host.value().InScope(root, "www.example.co.uk"));
  CHECK_FALSE(host.value().InScope(root, "shop.example.co.uk"));
  std::string droot = domain.value().RootOf("www.example.co.uk");
  CHECK(droot == "example.co.uk");
  CHECK(domain.value().InScope(droot, "shop.example.co.uk"));
  CHECK_FALSE(domain.value().InScope(droot, "example.com"));
  CHECK_FALSE(domain.value().InScope(droot, "other.co.uk"));
  CHECK(any.value().InScope(any.value().RootOf("a.test"), "b.test"));
}

TEST_CASE("Registrable domains come from the Public Suffix List", "[frontier]") {
  CHECK(RegistrableDomain("a.b.example.co.uk") == "example.co.uk");
  CHECK(RegistrableDomain("www.example.com") == "example.com");
  CHECK(RegistrableDomain("x.y.github.io") == "y.github.io");
  CHECK(RegistrableDomain("127.0.0.1") == "127.0.0.1");  // not "0.1"
  CHECK(RegistrableDomain("[::1]") == "[::1]");
  CHECK(RegistrableDomain("localhost") == "localhost");
}

TEST_CASE("Public suffixes come from the Public Suffix List, with its \"*\" rule", "[frontier]") {
  for (const char* suffix :
       {"com", "co.uk", "github.io", "s3.amazonaws.com", "localhost", "xn--55qx5d.cn"}) {
    INFO(suffix);
    CHECK(IsPublicSuffix(suffix));
  }
  for (const char* domain :
       {"example.com", "example.co.uk", "user.github.io", "amazonaws.com", "127.0.0.1", "[::1]"}) {
    INFO(domain);
    CHECK_FALSE(IsPublicSuffix(domain));
  }
}

TEST_CASE("Include and exclude patterns filter links", "[frontier]") {
  auto f = ScopeFilter::Create(ScopeMode::kAny, {"/docs/", "\\.pdf$"}, {"/docs/old/"});
  REQUIRE(f.ok());
  CHECK(f.value().PassesPatterns("http://h/docs/a"));
  CHECK(f.value().PassesPatterns("http://h/x.pdf"));
  CHECK_FALSE(f.value().PassesPatterns("http://h/blog/a"));
  CHECK_FALSE(f.value().PassesPatterns("http://h/docs/old/a"));
  CHECK(f.value().IncludeMatches("http://h/x.pdf"));
  auto none = ScopeFilter::Create(ScopeMode::kAny, {}, {"private"});
  REQUIRE(none.ok());
  CHECK(none.value().PassesPatterns("http://h/anything"));
  CHECK_FALSE(none.value().IncludeMatches("http://h/anything"));
}

TEST_CASE("A bad pattern is refused with its flag and reason", "[frontier]") {
  auto bad = ScopeFilter::Create(ScopeMode::kHost, {"ok"}, {"(unclosed"});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().rfind("--exclude \"(unclosed\": ", 0) == 0);
}

TEST_CASE("Binary-looking paths are recognised by extension", "[frontier]") {
  for (const char* path :
       {"/a.png", "/b/C.JPG", "/x.pdf?download=1", "/f.woff2", "/a.tar.gz", "/v.mp4"}) {
    INFO(path);
    CHECK(HasBinaryExtension(path));
  }
  for (const char* path :
       {"/", "/a.html", "/png", "/a.png/", "/dir.pdf/page", "/x?f=a.png", "/index.php"}) {
    INFO(path);
    CHECK_FALSE(HasBinaryExtension(path));
  }
}

}  // namespace
}  // namespace forage
