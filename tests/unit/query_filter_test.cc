#include "core/query_filter.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace forage {
namespace {

QueryFilter Filter(const std::vector<std::string>& patterns, bool defaults = false) {
  Result<QueryFilter> f = QueryFilter::Create(patterns, defaults);
  REQUIRE(f.ok());
  return std::move(f).value();
}

TEST_CASE("Parameter-name globs match as documented, ASCII case ignored", "[query_filter]") {
  struct Case {
    const char* pattern;
    const char* name;
    bool matches;
  };
  const Case cases[] = {
      {"fbclid", "fbclid", true},
      {"fbclid", "FBCLID", true},
      {"FBclid", "fbCLID", true},
      {"fbclid", "fbclid2", false},
      {"fbclid", "fbcli", false},
      {"utm_*", "utm_source", true},
      {"utm_*", "UTM_Source", true},
      {"utm_*", "utm_", true},
      {"utm_*", "utm", false},
      {"utm_*", "xutm_source", false},
      {"*_id", "li_fat_id", true},
      {"*_id", "id", false},
      {"*", "", true},
      {"*", "anything", true},
      {"?", "a", true},
      {"?", "", false},
      {"?", "ab", false},
      {"a?c", "abc", true},
      {"a?c", "ac", false},
      {"a*b*c", "axxbyyc", true},
      {"a*b*c", "axxbyy", false},
      {"a*b*c", "abcbc", true},
      {"*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
      {"aspsessionid*", "ASPSESSIONIDQQGGGRBA", true},
      {"caf\xc3\xa9", "CAF\xc3\xa9", true},  // only ASCII letters fold
      {"caf\xc3\xa9", "caf\xc3\x89", false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.pattern, c.name);
    CHECK(MatchesNameGlob(c.pattern, c.name) == c.matches);
  }
}

TEST_CASE("A --strip-query pattern must be a parameter name", "[query_filter]") {
  CHECK(CheckStripPattern("utm_*").ok());
  CHECK(CheckStripPattern("?").ok());
  for (const char* bad : {"", "utm_source=x", "a&b", "="}) {
    CAPTURE(bad);
    Status st = CheckStripPattern(bad);
    CHECK(st.IsInvalidArgument());
    CHECK(st.message().rfind("--strip-query: ", 0) == 0);
    CHECK_FALSE(QueryFilter::Create({"fbclid", bad}, true).ok());
  }
}

TEST_CASE("QueryFilter removes matching parameters and keeps the rest as they were",
          "[query_filter]") {
  const QueryFilter f = Filter({"utm_*", "fbclid", "jsessionid", "s?d"});
  struct Case {
    const char* url;
    const char* stripped;  // nullptr: unchanged
  };
  const Case cases[] = {
      {"http://h/p", nullptr},
      {"http://h/p?x=1", nullptr},
      {"http://h/p?utm_source=a", "http://h/p"},
      {"http://h/p?utm_source=b&x=1", "http://h/p?x=1"},
      {"http://h/p?x=1&fbclid=z", "http://h/p?x=1"},
      // Order kept, repeated parameters all go (and repeated others stay).
      {"http://h/p?b=2&utm_medium=m&a=1&utm_source=s&b=3", "http://h/p?b=2&a=1&b=3"},
      {"http://h/p?fbclid=1&fbclid=2&fbclid=3", "http://h/p"},
      // Case ignored; the value is never looked at.
      {"http://h/p?UTM_Source=x&x=fbclid", "http://h/p?x=fbclid"},
      // Names are compared percent-decoded; values and the rest keep their bytes.
      {"http://h/p?utm%5Fsource=a&q=%7e", "http://h/p?q=%7e"},
      {"http://h/p?utm%5fsource=a", "http://h/p"},
      {"http://h/p?fb%63lid", "http://h/p"},
      {"http://h/p?utm%5source=a", nullptr},  // not an escape: "utm%5source"
      // A name without "=", and one with an empty value.
      {"http://h/p?fbclid", "http://h/p"},
      {"http://h/p?fbclid=&x", "http://h/p?x"},
      // Only the name before the first "=" counts.
      {"http://h/p?x=fbclid=1", nullptr},
      {"http://h/p?fbclid==1&y", "http://h/p?y"},
      // Empty parameters go once one does; an empty query alone stays.
      {"http://h/p?a=1&&fbclid=2&", "http://h/p?a=1"},
      {"http://h/p?&&", nullptr},
      {"http://h/p?", nullptr},
      {"http://h/p?&fbclid=1", "http://h/p"},
      // "&" splits, ";" does not.
      {"http://h/p?a=1;fbclid=2", nullptr},
      {"http://h/p?fbclid=2;a=1", "http://h/p"},
      // Fragments are left alone, "?" and "&" in them too.
      {"http://h/p?fbclid=1#utm_source=x", "http://h/p#utm_source=x"},
      {"http://h/p#x?fbclid=1", nullptr},
      {"http://h/p?x=1#a&fbclid=1", nullptr},
      {"http://h/p?fbclid=1&x=2#f?g", "http://h/p?x=2#f?g"},
      // Globs.
      {"http://h/p?sid=1&sad=2&said=3", "http://h/p?said=3"},
      // Path parameters: ";name=value", up to the next ";" or "/".
      {"http://h/app;jsessionid=0AB12?x=1", "http://h/app?x=1"},
      {"http://h/app;JSESSIONID=0AB12", "http://h/app"},
      {"http://h/a;jsessionid=1/b;jsessionid=2", "http://h/a/b"},
      {"http://h/a;v=1;jsessionid=2;w=3/b", "http://h/a;v=1;w=3/b"},
      {"http://h/a;jsessionid=2;jsessionid=3", "http://h/a"},
      {"http://h/a;jsessionid/b", nullptr},  // no "=": not a parameter
      {"http://h/;jsessionid=1", "http://h/"},
      // Never leaving a dot segment the parser would resolve away.
      {"http://h/.;jsessionid=1/x", nullptr},
      {"http://h/a/..;jsessionid=1", nullptr},
      {"http://h/%2E;jsessionid=1/", nullptr},
      {"http://h/.%2e;v=1;jsessionid=1?fbclid=1", "http://h/.%2e;v=1;jsessionid=1"},
      {"http://h/.a;jsessionid=1", "http://h/.a"},
      {"http://h/a;x=1?fbclid=2", "http://h/a;x=1"},
      {"http://h/a;jsessionid=1?fbclid=2#f", "http://h/a#f"},
      // The authority is never looked at.
      {"http://fbclid=1;jsessionid=2@h/p", nullptr},
      {"http://u:p;jsessionid=1@h:8080/p;jsessionid=2", "http://u:p;jsessionid=1@h:8080/p"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.url);
    std::optional<std::string> got = f.Strip(c.url);
    if (c.stripped) {
      REQUIRE(got.has_value());
      CHECK(*got == c.stripped);
      CHECK_FALSE(f.Strip(*got).has_value());  // idempotent
    } else {
      CHECK_FALSE(got.has_value());
    }
  }
}

TEST_CASE("An empty QueryFilter removes nothing", "[query_filter]") {
  const QueryFilter none;
  CHECK(none.empty());
  CHECK_FALSE(none.Strip("http://h/p?utm_source=a;jsessionid=1").has_value());
  CHECK(Filter({}).empty());
}

TEST_CASE("The default tracking list removes trackers and session ids, not sid", "[query_filter]") {
  const QueryFilter f = Filter({}, /*defaults=*/true);
  CHECK(f.patterns().size() == std::size(kTrackingParameters));
  for (const char* name :
       {"utm_source",      "utm_medium", "utm_campaign", "utm_term",  "utm_content",
        "utm_id",          "fbclid",     "gclid",        "gclsrc",    "dclid",
        "gbraid",          "wbraid",     "msclkid",      "mc_cid",    "mc_eid",
        "yclid",           "_ga",        "_gl",          "igshid",    "twclid",
        "li_fat_id",       "mkt_tok",    "_hsenc",       "_hsmi",     "hsCtaTracking",
        "oly_anon_id",     "oly_enc_id", "rb_clickid",   "s_cid",     "vero_id",
        "wickedid",        "ttclid",     "jsessionid",   "PHPSESSID", "sessionid",
        "ASPSESSIONIDQQGG"}) {
    CAPTURE(name);
    CHECK(f.Removes(name));
  }
  for (const char* name : {"sid", "id", "q", "page", "ga", "session", "utm"}) {
    CAPTURE(name);
    CHECK_FALSE(f.Removes(name));
  }
  // The defaults come first, the patterns given after them.
  const QueryFilter more = Filter({"ref"}, true);
  CHECK(more.patterns().front() == "utm_*");
  CHECK(more.patterns().back() == "ref");
  CHECK(more.Removes("REF"));
  for (std::string_view p : kTrackingParameters) CHECK(CheckStripPattern(p).ok());
}

}  // namespace
}  // namespace forage
