#include "forage/extract.h"

#include <catch2/catch.hpp>
#include <regex>

#include "forage/forage.h"

namespace forage {
namespace {

TEST_CASE("ExtractHtml extracts a page as a fetch would", "[api]") {
  ExtractSettings settings;
  settings.select = {{"price", "span.price", ""}, {"ids", "li", "id"}};
  settings.text = true;
  auto page = ExtractHtml(
      "<html><head><title> A  page </title><meta name=description content=About>"
      "<base href=\"/docs/\"></head><body><a href=\"a.html#top\">a</a>"
      "<a href=\"mailto:x@y\">m</a><a href=\"https://b.test/\">b</a><a href=\"a.html\">a</a>"
      "<span class=price>9.50</span><ul><li id=one>1</li><li id=two>2</li></ul></body></html>",
      "https://example.com/index.html", settings);
  REQUIRE(page.ok());
  CHECK(page.value().title == "A page");
  CHECK(page.value().description == "About");
  CHECK(page.value().links ==
        std::vector<std::string>{"https://example.com/docs/a.html", "https://b.test/"});
  CHECK(page.value().fields.at("price") == std::vector<std::string>{"9.50"});
  CHECK(page.value().fields.at("ids") == std::vector<std::string>{"one", "two"});
  REQUIRE(page.value().text);
  CHECK(page.value().text->find("9.50") != std::string::npos);
}

TEST_CASE("ExtractHtml decodes the page's charset", "[api]") {
  auto page =
      ExtractHtml("<title>caf\xe9</title>", "http://x.test/", {}, "text/html; charset=iso-8859-1");
  REQUIRE(page.ok());
  CHECK(page.value().title == "caf\xc3\xa9");
}

TEST_CASE("ExtractHtml refuses a selector that does not parse, naming it", "[api]") {
  ExtractSettings settings;
  settings.select = {{"bad", "div[", ""}};
  auto page = ExtractHtml("<p>x</p>", "http://x.test/", settings);
  REQUIRE_FALSE(page.ok());
  CHECK(page.status().message().rfind("select bad: ", 0) == 0);
}

TEST_CASE("ExtractHtml survives deep nesting", "[api][heavy]") {
  std::string deep;
  for (int i = 0; i < 50000; ++i) deep += "<div>";
  deep += "<a href=/x>x</a>";
  auto page = ExtractHtml(deep, "http://x.test/");
  REQUIRE(page.ok());
  CHECK(page.value().links == std::vector<std::string>{"http://x.test/x"});
}

TEST_CASE("Version is the package's semantic version", "[api]") {
  CHECK(std::string(Version()) == FORAGE_VERSION);
  CHECK(std::string(Version()) == kVersion);
  CHECK(std::regex_match(Version(), std::regex(R"(\d+\.\d+\.\d+)")));
  CHECK(std::string(Version()) == std::to_string(FORAGE_VERSION_MAJOR) + "." +
                                      std::to_string(FORAGE_VERSION_MINOR) + "." +
                                      std::to_string(FORAGE_VERSION_PATCH));
}

}  // namespace
}  // namespace forage
