#include "fetch/media_range.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace forage {
namespace {

TEST_CASE("Media ranges are type/subtype, type/* or */*, without parameters", "[media_range]") {
  for (const char* good : {"text/html", "application/xhtml+xml", "image/*", "*/*", "TEXT/HTML",
                           " text/html\t", "application/vnd.ms-excel", "x-a/b.c_d"}) {
    INFO(good);
    CHECK(IsMediaRange(good));
  }
  for (const char* bad : {"", " ", "html", "text/", "/html", "*/html", "*", "text/html/x",
                          "text/html; charset=utf-8", "text/html;q=0.9", "te xt/html",
                          "text/ht*ml", "te*t/html", "text/html,image/png", "text/\"html\"",
                          "t\xc3\xa9xt/html"}) {
    INFO(bad);
    CHECK_FALSE(IsMediaRange(bad));
  }
}

TEST_CASE("A Content-Type's essence is its type and subtype, lower-cased and trimmed",
          "[media_range]") {
  CHECK(MediaTypeEssence("Text/HTML; charset=UTF-8") == "text/html");
  CHECK(MediaTypeEssence("  application/pdf  ") == "application/pdf");
  CHECK(MediaTypeEssence("image/png;") == "image/png");
  CHECK(MediaTypeEssence("") == "");
  CHECK(MediaTypeEssence(" ; charset=x") == "");
}

TEST_CASE("Accepted types match a range exactly or by type, ignoring case", "[media_range]") {
  struct Case {
    std::vector<std::string> ranges;
    const char* content_type;
    bool accepted;
  };
  const std::vector<Case> cases = {
      {{}, "application/pdf", true},  // no --accept-type: everything
      {{"text/html"}, "text/html", true},
      {{"text/html"}, "text/html; charset=utf-8", true},
      {{"text/html"}, "TEXT/Html ;charset=x", true},
      {{"Text/HTML"}, "text/html", true},
      {{"text/html"}, "application/pdf", false},
      {{"text/html"}, "text/htmlx", false},
      {{"text/html"}, "text/plain", false},
      {{"text/*"}, "text/plain", true},
      {{"text/*"}, "text/", true},
      {{"text/*"}, "textual/plain", false},
      {{"text/*"}, "application/pdf", false},
      {{"text/*"}, "text", false},
      {{"*/*"}, "anything at all", true},
      {{"text/html", "application/xhtml+xml"}, "application/xhtml+xml", true},
      {{"text/html", "image/*"}, "image/svg+xml", true},
      {{"text/html", "image/*"}, "video/mp4", false},
      // No Content-Type: accepted (the body is sniffed as before).
      {{"text/html"}, "", true},
      {{"text/html"}, "  ", true},
      {{"text/html"}, "garbage", false},
      {{" text/html "}, "text/html", true},
  };
  for (const Case& c : cases) {
    INFO((c.ranges.empty() ? std::string("(none)") : c.ranges[0]) << " vs " << c.content_type);
    CHECK(AcceptsContentType(c.ranges, c.content_type) == c.accepted);
  }
}

}  // namespace
}  // namespace forage
