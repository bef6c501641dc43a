// The WHATWG URL parser: each state of the basic URL parser, the host
// parser (IDNA, IPv4, IPv6, opaque hosts), the percent-encode sets and the
// serializer, as case tables. The WPT url suite runs through the conformance
// harness (tests/conformance/); these are the cases worth naming.

#include "core/whatwg_url.h"

#include <catch2/catch.hpp>
#include <string>

#include "core/percent_encoding.h"
#include "core/url_host.h"

namespace forage {
namespace {

struct Case {
  const char* input;
  const char* base;      // nullptr: none
  const char* expected;  // the serialization; nullptr: failure
};

void CheckCases(const Case* cases, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    const Case& c = cases[i];
    INFO("input \"" << c.input << "\" base " << (c.base ? c.base : "(none)"));
    Result<WhatwgUrl> base = WhatwgUrl::Parse(c.base ? c.base : "http://unused/");
    REQUIRE(base.ok());
    Result<WhatwgUrl> url = WhatwgUrl::Parse(c.input, c.base ? &base.value() : nullptr);
    if (!c.expected) {
      CHECK_FALSE(url.ok());
      if (!url.ok()) CHECK_FALSE(url.status().message().empty());
      continue;
    }
    REQUIRE(url.ok());
    const std::string href = url.value().Serialize();
    CHECK(href == c.expected);
    // The serializer's promise: parsing what it wrote gives the same URL.
    Result<WhatwgUrl> again = WhatwgUrl::Parse(href);
    REQUIRE(again.ok());
    CHECK(again.value().Serialize() == href);
  }
}

#define CHECK_CASES(table) CheckCases(table, sizeof(table) / sizeof(table[0]))

TEST_CASE("The parser trims C0 controls and spaces and drops tabs and newlines", "[url]") {
  const Case cases[] = {
      {"  http://h/a  ", nullptr, "http://h/a"},
      {"\x01\x1f http://h/ \x00", nullptr, "http://h/"},
      {"ht\ttp://h\n/a\rb", nullptr, "http://h/ab"},
      {"http://h/a b", nullptr, "http://h/a%20b"},  // inside: kept, encoded
      {"\t\n", "http://h/x?q#f", "http://h/x?q"},   // nothing left: the base
  };
  CHECK_CASES(cases);
}

TEST_CASE("The scheme states tell schemes from relative references", "[url]") {
  const Case cases[] = {
      {"HTTP://h/", nullptr, "http://h/"},
      {"hTtPs://h/", nullptr, "https://h/"},
      {"a+b-c.d:x", nullptr, "a+b-c.d:x"},
      {"1http://h/", "http://b/d/", "http://b/d/1http://h/"},  // no scheme: a path
      {"ht%74p://h/", "http://b/", "http://b/ht%74p://h/"},
      {"g:h", "http://a/b", "g:h"},
      {"x", nullptr, nullptr},       // no scheme, no base
      {"x", "mailto:a@b", nullptr},  // a base that cannot be a base
      {"#f", "mailto:a@b", "mailto:a@b#f"},
      {"", nullptr, nullptr},
  };
  CHECK_CASES(cases);
}

TEST_CASE("Special schemes take any slashes and backslashes after the scheme", "[url]") {
  const Case cases[] = {
      {"http:h/p", nullptr, "http://h/p"},
      {"http:/h/p", nullptr, "http://h/p"},
      {"http:\\\\h\\p", nullptr, "http://h/p"},
      {"https:////h//p", nullptr, "https://h//p"},
      {"http:foo", "http://b/d/x", "http://b/d/foo"},  // same scheme as the base: relative
      {"http:/foo", "http://b/d/x", "http://b/foo"},
      {"http://foo", "http://b/d/x", "http://foo/"},
      {"https:foo", "http://b/d/x", "https://foo/"},  // another scheme: absolute
      {"ws:h", nullptr, "ws://h/"},
  };
  CHECK_CASES(cases);
}

TEST_CASE("Relative references resolve against the base's parts", "[url]") {
  const char* base = "http://u:p@h:81/a/b/c?q#f";
  const Case cases[] = {
      {"", base, "http://u:p@h:81/a/b/c?q"},
      {"?x", base, "http://u:p@h:81/a/b/c?x"},
      {"#y", base, "http://u:p@h:81/a/b/c?q#y"},
      {"d", base, "http://u:p@h:81/a/b/d"},
      {"/d", base, "http://u:p@h:81/d"},
      {"\\d", base, "http://u:p@h:81/d"},
      {"//o/d", base, "http://o/d"},
      {"\\\\o\\d", base, "http://o/d"},
      {"///o/d", base, "http://o/d"},
      {"//o:81", base, "http://o:81/"},
      {"//", base, nullptr},  // an authority with no host
  };
  CHECK_CASES(cases);
}

TEST_CASE("The authority state splits userinfo from host", "[url]") {
  const Case cases[] = {
      {"http://user:pass@h/", nullptr, "http://user:pass@h/"},
      {"http://user@h/", nullptr, "http://user@h/"},
      {"http://:pass@h/", nullptr, "http://:pass@h/"},
      {"http://:@h/", nullptr, "http://h/"},
      {"http://a:b:c@h/", nullptr, "http://a:b%3Ac@h/"},
      {"http://a@b@h/", nullptr, "http://a%40b@h/"},
      {"http://a:b@c:d@h/", nullptr, "http://a:b%40c%3Ad@h/"},
      {"http://a b\"<>`{}|;=@h/", nullptr, "http://a%20b%22%3C%3E%60%7B%7D%7C%3B%3D@h/"},
      {"http://us\xc3\xa9r@h/", nullptr, "http://us%C3%A9r@h/"},
      {"http://user@/", nullptr, nullptr},
      {"http://@/", nullptr, nullptr},
      {"http://a@h@/", nullptr, nullptr},
  };
  CHECK_CASES(cases);
}

TEST_CASE("The port state keeps ports in range and drops the default", "[url]") {
  const Case cases[] = {
      {"http://h:80/", nullptr, "http://h/"},
      {"http://h:0080/", nullptr, "http://h/"},
      {"https://h:443/", nullptr, "https://h/"},
      {"https://h:80/", nullptr, "https://h:80/"},
      {"http://h:/", nullptr, "http://h/"},
      {"http://h:65535/", nullptr, "http://h:65535/"},
      {"http://h:0/", nullptr, "http://h:0/"},
      {"http://h:65536/", nullptr, nullptr},
      {"http://h:99999999999999999999/", nullptr, nullptr},
      {"http://h:8a/", nullptr, nullptr},
      {"http://h:-1/", nullptr, nullptr},
      {"http://:80/", nullptr, nullptr},
      {"http://h:81?q", nullptr, "http://h:81/?q"},
      {"ftp://h:21/", nullptr, "ftp://h/"},
      {"sc://h:80/", nullptr, "sc://h:80/"},
  };
  CHECK_CASES(cases);
}

TEST_CASE("The path state resolves single and double dot segments", "[url]") {
  const char* base = "http://h/a/b/c";
  const Case cases[] = {
      {".", base, "http://h/a/b/"},
      {"..", base, "http://h/a/"},
      {"../..", base, "http://h/"},
      {"../../../../x", base, "http://h/x"},
      {"./x/./y/../z", base, "http://h/a/b/x/z"},
      {"%2e", base, "http://h/a/b/"},
      {"%2E%2e/x", base, "http://h/a/x"},
      {".%2E/x", base, "http://h/a/x"},
      {"%2e./x", base, "http://h/a/x"},
      {"%2e%2e%2e", base, "http://h/a/b/%2e%2e%2e"},  // three dots: a name
      {"...", base, "http://h/a/b/..."},
      {".x", base, "http://h/a/b/.x"},
      {"/x/..", base, "http://h/"},
      {"/x/.", base, "http://h/x/"},
      {"x/..\\y", base, "http://h/a/b/y"},
      {"http://h/x/%2e%2E/y", nullptr, "http://h/y"},
      {"http://h//x//", nullptr, "http://h//x//"},  // empty segments stay
  };
  CHECK_CASES(cases);
}

TEST_CASE("Each component percent-encodes its own set", "[url]") {
  const Case cases[] = {
      // path: C0, space " # < > ? ` { } and non-ASCII; ' | [ ] ^... see the table
      {"http://h/ \"<>`{}^|[]'!$&()*+,;=:@~%", nullptr,
       "http://h/%20%22%3C%3E%60%7B%7D%5E|[]'!$&()*+,;=:@~%"},
      // special query: C0, space " # < > ' and non-ASCII; ` { } | ^ stay
      {"http://h/?a b\"<>'`{}|^\\", nullptr, "http://h/?a%20b%22%3C%3E%27`{}|^\\"},
      // a query of another scheme keeps '
      {"sc://h/?'", nullptr, "sc://h/?'"},
      // fragment: C0, space " < > `; # itself stays
      {"http://h/#a b\"<>`{}'#", nullptr, "http://h/#a%20b%22%3C%3E%60{}'#"},
      {"http://h/\xe2\x82\xac?\xe2\x82\xac#\xe2\x82\xac", nullptr,
       "http://h/%E2%82%AC?%E2%82%AC#%E2%82%AC"},
      {"http://h/\x7f\x01x", nullptr, "http://h/%7F%01x"},
      {"http://h/%zz%41", nullptr, "http://h/%zz%41"},  // escapes are kept as written
      {"http://h/\xff", nullptr, "http://h/%FF"},       // bytes that are not UTF-8
      {"http://h/?a=\\b", nullptr, "http://h/?a=\\b"},  // no backslash mapping in a query
  };
  CHECK_CASES(cases);
  CHECK(InPercentEncodeSet(' ', PercentEncodeSet::kQuery));
  CHECK_FALSE(InPercentEncodeSet('`', PercentEncodeSet::kQuery));
  CHECK(InPercentEncodeSet('`', PercentEncodeSet::kFragment));
  CHECK_FALSE(InPercentEncodeSet('\'', PercentEncodeSet::kQuery));
  CHECK(InPercentEncodeSet('\'', PercentEncodeSet::kSpecialQuery));
  CHECK(InPercentEncodeSet('|', PercentEncodeSet::kUserinfo));
  CHECK_FALSE(InPercentEncodeSet('|', PercentEncodeSet::kPath));
  CHECK(InPercentEncodeSet(0x80, PercentEncodeSet::kC0Control));
  CHECK_FALSE(InPercentEncodeSet('~', PercentEncodeSet::kUserinfo));
  CHECK(PercentDecode("%41%zz%4") == "A%zz%4");
}

TEST_CASE("Opaque paths and non-special URLs are kept as written", "[url]") {
  const Case cases[] = {
      {"mailto:Someone@Example.com", nullptr, "mailto:Someone@Example.com"},
      {"javascript:alert(1) ", nullptr, "javascript:alert(1)"},
      {"data:text/html,<p>\xc3\xa9", nullptr, "data:text/html,<p>%C3%A9"},
      {"sc:a b?c d#e f", nullptr, "sc:a b?c%20d#e%20f"},
      {"sc:a ?q", nullptr, "sc:a%20?q"},
      {"sc://Host/a/../b", nullptr, "sc://Host/b"},
      {"sc://h", nullptr, "sc://h"},
      {"sc://", nullptr, "sc://"},
      {"sc:/a/b", nullptr, "sc:/a/b"},
      {"sc:/.//p", nullptr, "sc:/.//p"},
      {"sc:/..//p", nullptr, "sc:/.//p"},
      {"sc://h/x", "sc://b/y/z", "sc://h/x"},
      {"g", "sc://b/y/z", "sc://b/y/g"},
      {"sc://a b/", nullptr, nullptr},
      {"sc://[::1]/", nullptr, "sc://[::1]/"},
      {"sc://\xc3\xa9/", nullptr, "sc://%C3%A9/"},
      {"about:blank", nullptr, "about:blank"},
  };
  CHECK_CASES(cases);
}

TEST_CASE("File URLs follow the standard's drive letter quirks", "[url]") {
  const Case cases[] = {
      {"file:///C|/x", nullptr, "file:///C:/x"},
      {"file://localhost/x", nullptr, "file:///x"},
      {"file://Host/x", nullptr, "file://host/x"},
      {"file:c:/x", nullptr, "file:///c:/x"},
      {"file://C:/x", nullptr, "file:///C:/x"},
      {"..", "file:///C:/a", "file:///C:/"},
      {"../../..", "file:///C:/a/b", "file:///C:/"},
      {"/x", "file:///C:/a", "file:///C:/x"},
      {"x", "file://h/a/b", "file://h/a/x"},
      {"?q", "file:///a?p#f", "file:///a?q"},
      {"/d:/y", "file:///C:/a", "file:///d:/y"},
      {"d:/y", "file:///C:/a", "d:/y"},  // a scheme of its own
      {"file:", nullptr, "file:///"},
      {"file://a|b/", nullptr, nullptr},
  };
  CHECK_CASES(cases);
}

TEST_CASE("Hosts are IDNA-mapped, numbers become addresses, bad hosts fail", "[url]") {
  const Case cases[] = {
      {"http://EXAMPLE.com./", nullptr, "http://example.com./"},
      {"http://a..b/", nullptr, "http://a..b/"},
      {"http://ab--c-.x/", nullptr, "http://ab--c-.x/"},  // ASCII: no hyphen rules
      {"http://%41.com/", nullptr, "http://a.com/"},
      {"http://\xe4\xbd\xa0\xe5\xa5\xbd\xe4\xbd\xa0\xe5\xa5\xbd", nullptr,
       "http://xn--6qqa088eba/"},
      {"http://\xef\xbc\xa7\xef\xbd\x8f.com", nullptr, "http://go.com/"},  // full-width
      {"http://b\xc3\xbc"
       "cher.example/",
       nullptr, "http://xn--bcher-kva.example/"},
      {"http://B\xc3\x9c"
       "CHER.example/",
       nullptr, "http://xn--bcher-kva.example/"},
      {"http://fa\xc3\x9f.de/", nullptr, "http://xn--fa-hia.de/"},  // non-transitional
      {"http://a\xe3\x80\x82"
       "b\xef\xbc\x8e"
       "c/",
       nullptr, "http://a.b.c/"},  // dots
      {"http://xn--bcher-kva.example/", nullptr, "http://xn--bcher-kva.example/"},
      {"http://XN--BCHER-KVA.example/", nullptr, "http://xn--bcher-kva.example/"},
      {"http://%C3%BC.com/", nullptr, "http://xn--tda.com/"},
      {"http://a\xc2\xad"
       "b/",
       nullptr, "http://ab/"},  // soft hyphen: mapped away
      // refused
      {"http://a|b/", nullptr, nullptr},
      {"http://a%7Cb/", nullptr, nullptr},
      {"http://a%b/", nullptr, nullptr},
      {"http://a\xe3\x80\x80"
       "b/",
       nullptr, nullptr},  // full-width space maps to " "
      {"http://\xef\xbc\x85\xef\xbc\x94\xef\xbc\x91.com/", nullptr, nullptr},  // "%41"
      {"http://a<b/", nullptr, nullptr},
      {"http://a^b/", nullptr, nullptr},
      {"http://%00/", nullptr, nullptr},
      {"http://%ff/", nullptr, nullptr},  // not UTF-8
      {"http://\xff/", nullptr, nullptr},
      {"http://\xc2\xad/", nullptr, nullptr},  // empty after mapping
      {"http://xn--pokxncvks/", nullptr, nullptr},
      {"http://a.xn--/", nullptr, nullptr},
      {"http://\xe2\x80\x8d/", nullptr, nullptr},  // a lone ZWJ: CheckJoiners
  };
  CHECK_CASES(cases);
}

TEST_CASE("The IPv4 parser takes what ends in a number", "[url]") {
  const Case cases[] = {
      {"http://127.0.0.1/", nullptr, "http://127.0.0.1/"},
      {"http://127.1/", nullptr, "http://127.0.0.1/"},
      {"http://127.0.1/", nullptr, "http://127.0.0.1/"},
      {"http://2130706433/", nullptr, "http://127.0.0.1/"},
      {"http://0x7f.0.0.1/", nullptr, "http://127.0.0.1/"},
      {"http://0X7F.1/", nullptr, "http://127.0.0.1/"},
      {"http://0177.0.0.1/", nullptr, "http://127.0.0.1/"},
      {"http://0x/", nullptr, "http://0.0.0.0/"},
      {"http://1.2.3.4./", nullptr, "http://1.2.3.4/"},
      {"http://255.255.255.255/", nullptr, "http://255.255.255.255/"},
      {"http://4294967295/", nullptr, "http://255.255.255.255/"},
      {"http://%31%32%37.1/", nullptr, "http://127.0.0.1/"},
      {"http://\xef\xbc\x91\xef\xbc\x92\xef\xbc\x97.1/", nullptr, "http://127.0.0.1/"},
      {"http://256.256.256.256/", nullptr, nullptr},
      {"http://4294967296/", nullptr, nullptr},
      {"http://1.2.256/", nullptr, "http://1.2.1.0/"},  // the last part spans the rest
      {"http://1.2.3.256/", nullptr, nullptr},
      {"http://1.2.65536/", nullptr, nullptr},
      {"http://1.2.3.4.5/", nullptr, nullptr},
      {"http://09.1/", nullptr, nullptr},  // not octal, not decimal
      {"http://1.0x/", nullptr, "http://1.0.0.0/"},
      {"http://foo.09/", nullptr, nullptr},
      {"http://foo.0x4/", nullptr, nullptr},
      {"http://1.2.3.09.foo/", nullptr, "http://1.2.3.09.foo/"},  // ends in a name
      {"http://1.2.3.4.5.x/", nullptr, "http://1.2.3.4.5.x/"},
      {"http://0xffffffffffffffffffff/", nullptr, nullptr},
      {"sc://1.2.3/", nullptr, "sc://1.2.3/"},  // opaque: no IPv4 parsing
  };
  CHECK_CASES(cases);
}

TEST_CASE("The IPv6 parser and serializer", "[url]") {
  const Case cases[] = {
      {"http://[::1]/", nullptr, "http://[::1]/"},
      {"http://[0:0:0:0:0:0:0:1]/", nullptr, "http://[::1]/"},
      {"http://[1:0:0:2:0:0:0:3]/", nullptr, "http://[1:0:0:2::3]/"},
      {"http://[1:0:0:2:0:0:3:4]/", nullptr, "http://[1::2:0:0:3:4]/"},     // first longest run
      {"http://[1:2:3:4:5:6:7:0]/", nullptr, "http://[1:2:3:4:5:6:7:0]/"},  // one zero: no ::
      {"http://[::]/", nullptr, "http://[::]/"},
      {"http://[ABCD::EF]:8080/", nullptr, "http://[abcd::ef]:8080/"},
      {"http://[0001:02::]/", nullptr, "http://[1:2::]/"},
      {"http://[::127.0.0.1]/", nullptr, "http://[::7f00:1]/"},
      {"http://[::ffff:192.168.0.1]/", nullptr, "http://[::ffff:c0a8:1]/"},
      {"http://[1:2:3:4:5:6:1.2.3.4]/", nullptr, "http://[1:2:3:4:5:6:102:304]/"},
      {"http://[::1]", nullptr, "http://[::1]/"},
      {"http://[::1/", nullptr, nullptr},
      {"http://[:1]/", nullptr, nullptr},
      {"http://[1:2:3:4:5:6:7:8:9]/", nullptr, nullptr},
      {"http://[1::1::1]/", nullptr, nullptr},
      {"http://[1:2:3!:4]/", nullptr, nullptr},
      {"http://[1:2:3:]/", nullptr, nullptr},
      {"http://[1:2:3]/", nullptr, nullptr},
      {"http://[1:1:1:1:1:1:1:127.0.0.1]/", nullptr, nullptr},
      {"http://[ffff::.0.0.1]/", nullptr, nullptr},
      {"http://[ffff::127.0.0.1.2]/", nullptr, nullptr},
      {"http://[ffff::127.00.0.1]/", nullptr, nullptr},
      {"http://[ffff::127.0.0.4000]/", nullptr, nullptr},
      {"http://[ffff::127.0.0]/", nullptr, nullptr},
      {"http://[12345::]/", nullptr, nullptr},
      {"http://[0:0::%31]/", nullptr, nullptr},  // no percent-decoding in brackets
      {"http://[]/", nullptr, nullptr},
      {"http://[::1]x/", nullptr, nullptr},
  };
  CHECK_CASES(cases);
}

TEST_CASE("ParseHost gives the serialized host or why there is none", "[url]") {
  CHECK(ParseHost("Example.COM", false).value() == "example.com");
  CHECK(ParseHost("Example.COM", true).value() == "Example.COM");
  CHECK(ParseHost("[0:0::1]", true).value() == "[::1]");
  CHECK(ParseHost("0xffffffff", false).value() == "255.255.255.255");
  CHECK(ParseHost("0xffffffff", true).value() == "0xffffffff");
  CHECK(ParseHost("%30", true).value() == "%30");
  CHECK(ParseHost("%30", false).value() == "0.0.0.0");
  CHECK(ParseHost("", true).value().empty());
  for (const char* bad :
       {"", "a b", "a%zzb", "example^example", "09", "example.255", "[::1", "\xe2\x98\x83"}) {
    INFO(bad);
    Result<std::string> host = ParseHost(bad, false);
    REQUIRE_FALSE(host.ok());
    CHECK_FALSE(host.status().message().empty());
  }
  // libidn2 2.3.3 applies IDNA2008's table too: U+2603 (a snowman), valid
  // in UTS #46, is refused (see docs/conformance.md).
  CHECK_FALSE(ParseHost("\xe2\x98\x83", false).ok());
}

TEST_CASE("The parser serializes the parts it found", "[url]") {
  Result<WhatwgUrl> url = WhatwgUrl::Parse("HTTPS://u:p@Ex.COM:8443/a/./b?q=1#f");
  REQUIRE(url.ok());
  const WhatwgUrl& u = url.value();
  CHECK(u.scheme() == "https");
  CHECK(u.special());
  CHECK(u.is_http());
  CHECK(u.username() == "u");
  CHECK(u.password() == "p");
  CHECK(u.host() == "ex.com");
  CHECK(u.port() == 8443);
  CHECK(u.path() == "/a/b");
  CHECK_FALSE(u.has_opaque_path());
  CHECK(u.query() == "q=1");
  CHECK(u.fragment() == "f");
  CHECK(u.Serialize(/*exclude_fragment=*/true) == "https://u:p@ex.com:8443/a/b?q=1");
  Result<WhatwgUrl> empty = WhatwgUrl::Parse("http://h/?#");
  REQUIRE(empty.ok());
  CHECK(empty.value().query() == "");
  CHECK(empty.value().fragment() == "");
  CHECK(empty.value().Serialize() == "http://h/?#");
  Result<WhatwgUrl> mail = WhatwgUrl::Parse("mailto:x");
  REQUIRE(mail.ok());
  CHECK_FALSE(mail.value().special());
  CHECK_FALSE(mail.value().is_http());
  CHECK(mail.value().has_opaque_path());
  CHECK_FALSE(mail.value().host());
}

}  // namespace
}  // namespace forage
