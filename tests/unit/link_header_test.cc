#include "parse/link_header.h"

#include <catch2/catch.hpp>
#include <optional>
#include <string>

namespace forage {
namespace {

TEST_CASE("A Link header's rel=canonical is found among other links and parameters",
          "[link_header]") {
  struct Case {
    const char* value;
    std::optional<std::string> canonical;
  };
  const Case cases[] = {
      {"<https://x/a>; rel=\"canonical\"", "https://x/a"},
      {"<https://x/a>; rel=canonical", "https://x/a"},
      {"<https://x/a>;rel=CANONICAL", "https://x/a"},
      {"  <https://x/a>  ;  rel = \"canonical\"  ", "https://x/a"},
      {"<https://x/a>; rel=\"alternate canonical\"", "https://x/a"},
      {"</relative/b>; rel=\"canonical\"", "/relative/b"},
      {"<https://x/style.css>; rel=preload; as=style, <https://x/c>; rel=\"canonical\"",
       "https://x/c"},
      {"<https://x/p2>; rel=\"next\"; title=\"a, b; c\", <https://x/c>; rel=canonical",
       "https://x/c"},
      {"<https://x/a,b>; rel=\"canonical\"", "https://x/a,b"},
      {"<https://x/first>; rel=canonical, <https://x/second>; rel=canonical", "https://x/first"},
      {"<https://x/a>; rel=\"canonicalish\"", std::nullopt},
      {"<https://x/a>; rel=\"next\"", std::nullopt},
      {"<https://x/a>", std::nullopt},
      {"<https://x/a>; anchor=\"#s\"; rel=canonical", std::nullopt},
      {"<https://x/a>; rel=next; rel=canonical", std::nullopt},  // the first rel counts
      {"https://x/a; rel=canonical", std::nullopt},
      {"garbage, <https://x/b>; rel=canonical", "https://x/b"},
      {"<https://x/a>; rel=\"canonical", std::nullopt},  // never closed
      {"<https://x/a", std::nullopt},
      {"<https://x/a>; rel=\"can\\\"onical\"", std::nullopt},
      {"<https://x/a>; =x; rel=canonical, <https://x/b>; rel=canonical", "https://x/b"},
      {"", std::nullopt},
      {",,,", std::nullopt},
  };
  for (const Case& c : cases) {
    INFO(c.value);
    CHECK(CanonicalOfLinkHeader(c.value) == c.canonical);
  }
}

}  // namespace
}  // namespace forage
