#include "parse/meta_refresh.h"

#include <catch2/catch.hpp>
#include <optional>
#include <string>

namespace forage {
namespace {

struct Case {
  const char* content;
  std::optional<std::string> url;
};

TEST_CASE("ParseMetaRefresh reads content as the shared declarative refresh steps do",
          "[meta_refresh]") {
  const Case cases[] = {
      {"0;url=x", "x"},
      {"0; url=x", "x"},
      {"0;URL=x", "x"},
      {"0; UrL = x", "x"},
      {"5, URL = 'x'", "x"},
      {"0; URL=\"x y\"", "x y"},
      {"0; url='x'y'", "x"},             // up to the matching quote
      {"0; url='x\"y'", "x\"y"},         // the other quote is part of the URL
      {"0; url=\"x", "x"},               // no closing quote: the rest
      {"0; url='", ""},
      {"0; url=", ""},                   // an empty URL: the page itself
      {"0; url=  ", ""},
      {"0 x", "x"},                      // no "url=" needed
      {"0 'x'", "x"},                    // quotes still dropped
      {"0;x", "x"},
      {"0,x", "x"},
      {"0 ; x", "x"},
      {"0 ;; x", "; x"},                 // one separator only
      {"  3  ;  url  =  http://h/p  ", "http://h/p  "},  // the URL parser trims
      {"1.5; url=x", "x"},
      {".5; url=x", "x"},
      {"1...2.3 url=x", "x"},
      {"0; urlx", "urlx"},               // "url" then no "=": the whole rest
      {"0; url x", "url x"},
      {"0; ur=x", "ur=x"},
      {"0; u", "u"},
      {"0; url", "url"},
      {"0; url = ", ""},
      {"0; uRl='a b' c", "a b"},
      {"0; url=x;y z", "x;y z"},
      {"0\turl=x", "x"},
      {"0\n;\nurl\n=\nx", "x"},
      {"0;url=\xC3\xA9", "\xC3\xA9"},
      // No refresh, or a refresh of the page itself: no URL.
      {"", std::nullopt},
      {"   ", std::nullopt},
      {"0", std::nullopt},
      {"0;", std::nullopt},
      {"0; ", std::nullopt},
      {"5.", std::nullopt},
      {"x", std::nullopt},
      {"url=x", std::nullopt},
      {"; url=x", std::nullopt},
      {"-1; url=x", std::nullopt},
      {"0x", std::nullopt},
      {"0:url=x", std::nullopt},
      {"\v0; url=x", std::nullopt},      // vertical tab is no ASCII whitespace
  };
  for (const Case& c : cases) {
    INFO("content \"" << c.content << "\"");
    CHECK(ParseMetaRefresh(c.content) == c.url);
  }
}

}  // namespace
}  // namespace forage
