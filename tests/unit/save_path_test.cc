#include "archive/save_path.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/ascii.h"
#include "core/url.h"

namespace forage {
namespace {

std::string PathOf(const std::string& url) {
  std::optional<CanonicalUrl> canonical = Canonicalize(url);
  REQUIRE(canonical);
  return SavePathFor(*canonical);
}

// What every path must be, whatever the URL.
void CheckSafe(const std::string& path) {
  INFO(path);
  REQUIRE_FALSE(path.empty());
  CHECK(path.front() != '/');
  CHECK(path.size() <= kMaxSavePathBytes);
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = path.find('/', start);
    const std::string name = path.substr(start, slash - start);
    CHECK_FALSE(name.empty());
    CHECK(name != ".");
    CHECK(name != "..");
    CHECK(name.size() <= kMaxSaveNameBytes);
    if (slash == std::string::npos) {
      CHECK(name.back() != '%');  // a file's name never ends as a directory's
      break;
    }
    start = slash + 1;
  }
  for (char c : path) {
    const auto b = static_cast<unsigned char>(c);
    CHECK(b >= 0x20);
    CHECK(b <= 0x7e);
    CHECK(std::string_view("\\:*?\"<>|").find(c) == std::string_view::npos);
  }
}

bool IsMarked(const std::string& name) { return name.find("%h") != std::string::npos; }

}  // namespace

TEST_CASE("Save paths of ordinary URLs read like wget's", "[save_path]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"http://example.com/", "example.com/index.html"},
      {"http://example.com", "example.com/index.html"},
      {"https://example.com/", "example.com/index.html"},
      {"http://example.com/a", "example.com/a"},
      {"http://example.com/a/", "example.com/a%/index.html"},
      {"http://example.com/a/b", "example.com/a%/b"},
      {"http://example.com/docs/guide/page.html", "example.com/docs%/guide%/page.html"},
      {"http://example.com/a//b", "example.com/a%/%/b"},
      {"http://example.com:8080/x", "example.com+8080/x"},
      {"https://example.com:443/x", "example.com/x"},
      {"https://example.com:80/x", "example.com+80/x"},
      {"http://example.com/s?q=1&r=2", "example.com/s@q=1&r=2"},
      {"http://example.com/?q", "example.com/index.html@q"},
      {"http://example.com/d/?q", "example.com/d%/index.html@q"},
      {"http://example.com/s?", "example.com/s@"},
      {"http://example.com/s?a/b@c", "example.com/s@a%2Fb%40c"},
      {"http://example.com/s?x=%2F", "example.com/s@x=%252F"},
      {"http://example.com/a@b", "example.com/a%40b"},
      {"http://example.com/a%40b", "example.com/a%2540b"},
      {"http://example.com/my%20file.pdf", "example.com/my file.pdf"},
      {"http://example.com/my file.pdf", "example.com/my file.pdf"},
      {"http://example.com/trailing%20", "example.com/trailing%20"},
      {"http://example.com/s?a%20b", "example.com/s@a b"},
      {"http://example.com/{x}^y", "example.com/{x}^y"},
      {"http://example.com/caf%C3%A9", "example.com/caf%C3%A9"},
      {"http://example.com/café", "example.com/caf%C3%A9"},
      {"http://example.com/a:b", "example.com/a%3Ab"},
      {"http://example.com/a%3Ab", "example.com/a%253Ab"},
      {"http://example.com/a*b|c", "example.com/a%2Ab%7Cc"},
      {"http://example.com/100%", "example.com/100%25"},
      {"http://example.com/100%25", "example.com/100%2525"},
      {"http://example.com/a%2Fb", "example.com/a%2Fb"},
      {"http://example.com/c++/a+b", "example.com/c++%/a+b"},
      {"http://example.com/~user/", "example.com/~user%/index.html"},
      {"http://example.com/.htaccess", "example.com/.htaccess"},
      {"http://example.com/../../etc/passwd", "example.com/etc%/passwd"},
      {"http://example.com/%2e%2e/%2e%2e/etc/passwd", "example.com/etc%/passwd"},
      {"http://example.com/a/%2E./b", "example.com/b"},
      {"http://example.com/a%00b", "example.com/a%00b"},
      {"http://example.com/a%0Ab", "example.com/a%0Ab"},
      {"http://bücher.example/", "xn--bcher-kva.example/index.html"},
      {"http://[::1]:8080/", "[%3A%3A1]+8080/index.html"},
      {"http://127.1/x", "127.0.0.1/x"},
  };
  for (const auto& [url, path] : cases) {
    INFO(url);
    const std::string got = PathOf(url);
    CHECK(got == path);
    CheckSafe(got);
  }
}

TEST_CASE("Names with upper case are marked, so case variants stay apart when folded",
          "[save_path]") {
  const std::string lower = PathOf("http://example.com/foo");
  const std::string title = PathOf("http://example.com/Foo");
  const std::string upper = PathOf("http://example.com/FOO");
  CHECK(lower == "example.com/foo");
  CHECK(title.rfind("example.com/Foo%h", 0) == 0);
  CHECK(upper.rfind("example.com/FOO%h", 0) == 0);
  CHECK(title.size() == std::string("example.com/Foo%h").size() + 12);
  const std::set<std::string> folded = {AsciiLowered(lower), AsciiLowered(title),
                                        AsciiLowered(upper)};
  CHECK(folded.size() == 3);
  // The mark goes before an extension; directories are marked too.
  const std::string pdf = PathOf("http://example.com/Docs/Report.PDF");
  CHECK(pdf.rfind("example.com/Docs%h", 0) == 0);
  CHECK(pdf.find("%/Report%h") != std::string::npos);
  CHECK(pdf.substr(pdf.size() - 4) == ".PDF");
  CheckSafe(pdf);
  // Escapes' hex digits are not upper-case letters.
  CHECK(PathOf("http://example.com/caf%c3%a9") == "example.com/caf%C3%A9");
  // The mark is the same for the same URL, every time.
  CHECK(PathOf("http://example.com/Foo") == title);
}

TEST_CASE("A literal index.html is not the file of the path ending in /", "[save_path]") {
  const std::string slash = PathOf("http://example.com/d/");
  const std::string literal = PathOf("http://example.com/d/index.html");
  const std::string upper = PathOf("http://example.com/d/INDEX.HTML");
  CHECK(slash == "example.com/d%/index.html");
  CHECK(literal.rfind("example.com/d%/index%h", 0) == 0);
  CHECK(literal.substr(literal.size() - 5) == ".html");
  CHECK(literal != slash);
  CHECK(AsciiLowered(upper) != AsciiLowered(literal));
  CHECK(AsciiLowered(upper) != slash);
  // With a query too.
  CHECK(PathOf("http://example.com/?q") != PathOf("http://example.com/index.html?q"));
}

TEST_CASE("No saved file is where another URL's path needs a directory", "[save_path]") {
  const std::vector<std::string> urls = {
      "http://h.test/a",   "http://h.test/a/",   "http://h.test/a/b",    "http://h.test/a/b/",
      "http://h.test/a?q", "http://h.test/a%/b", "http://h.test/a%25/b", "http://h.test/a/?x",
      "http://h.test/",    "http://h.test/a//b", "http://h.test/%",      "http://h.test/index.html",
  };
  std::vector<std::string> paths;
  for (const std::string& url : urls) paths.push_back(PathOf(url));
  for (std::size_t i = 0; i < paths.size(); ++i) {
    CheckSafe(paths[i]);
    for (std::size_t j = 0; j < paths.size(); ++j) {
      if (i == j) continue;
      INFO(urls[i] << " -> " << paths[i] << "; " << urls[j] << " -> " << paths[j]);
      CHECK(AsciiLowered(paths[i]) != AsciiLowered(paths[j]));
      CHECK(AsciiLowered(paths[j]).rfind(AsciiLowered(paths[i]) + "/", 0) != 0);
    }
  }
}

TEST_CASE("Distinct hostile URLs get distinct safe paths", "[save_path]") {
  // Pairs that a naive decoding, escaping or case fold would merge.
  const std::vector<std::string> urls = {
      "http://h.test/a:b",     "http://h.test/a%3Ab",      "http://h.test/a%253Ab",
      "http://h.test/a%25",    "http://h.test/a%",         "http://h.test/a%2525",
      "http://h.test/a?b",     "http://h.test/a%3Fb",      "http://h.test/a@b",
      "http://h.test/a%40b",   "http://h.test/a?b/c",      "http://h.test/a?b%2Fc",
      "http://h.test/a/b?c",   "http://h.test/a?b@c",      "http://h.test/a@b?c",
      "http://h.test/a%20",    "http://h.test/a%2520",     "http://h.test/a%20b",
      "http://h.test/a%2520b", "http://h.test/x.",         "http://h.test/x%2E",
      "http://h.test/Foo",     "http://h.test/foo",        "http://h.test/FOO",
      "http://h.test/fOO",     "http://h.test/a%00b",      "http://h.test/a%2500b",
      "http://h.test/a%2Fb",   "http://h.test/a%252Fb",    "http://h.test/a/b",
      "http://h.test/%C3%A9",  "http://h.test/%25C3%25A9", "http://h.test/a%hb",
      "http://h.test/a%25hb",  "http://h.test/x%5Cy",      "http://h.test/x?y%5Cz",
      "http://h.test/x?y\\z",  "http://h.test:81/x",       "http://h.test:82/x",
      "http://u@h.test/x",     "http://v@h.test/x",        "http://u:p@h.test/x",
      "http://h.test/x?",      "http://h.test/x",          "http://h.test/x/",
  };
  std::set<std::string> folded;
  for (const std::string& url : urls) {
    const std::string path = PathOf(url);
    INFO(url << " -> " << path);
    CheckSafe(path);
    CHECK(folded.insert(AsciiLowered(path)).second);
  }
  CHECK(PathOf("http://u:secret@h.test/x").find("secret") == std::string::npos);
}

TEST_CASE("Long names and paths are cut and marked with a hash of the whole", "[save_path]") {
  const std::string long_name(10 * 1024, 'a');
  const std::string one = PathOf("http://h.test/" + long_name);
  const std::string other = PathOf("http://h.test/" + long_name + "b");
  CheckSafe(one);
  CheckSafe(other);
  CHECK(one != other);
  CHECK(one.rfind("h.test/aaaa", 0) == 0);
  CHECK(IsMarked(one));
  // With an extension, kept after the mark.
  const std::string html = PathOf("http://h.test/" + long_name + ".html");
  CheckSafe(html);
  CHECK(html.substr(html.size() - 5) == ".html");
  // A name of exactly the limit stays; one byte more is cut.
  const std::string fits(kMaxSaveNameBytes, 'x');
  CHECK(PathOf("http://h.test/" + fits) == "h.test/" + fits);
  CHECK(IsMarked(PathOf("http://h.test/" + fits + "x")));
  CHECK_FALSE(IsMarked(PathOf("http://h.test/" + fits.substr(1) + "/y")));  // with its "%"
  CHECK(IsMarked(PathOf("http://h.test/" + fits + "/y")));
  // Escapes are not cut in half.
  std::string escapes;
  for (int i = 0; i < 200; ++i) escapes += "%C3%A9";
  const std::string cut = PathOf("http://h.test/" + escapes);
  CheckSafe(cut);
  const std::size_t mark = cut.find("%h");
  REQUIRE(mark != std::string::npos);
  CHECK((mark - std::string("h.test/").size()) % 3 == 0);

  // 10 KB of directories: cut at kMaxSavePathBytes, distinct by the
  // dropped part too.
  std::string deep;
  for (int i = 0; i < 1000; ++i) deep += "/dir" + std::to_string(i % 10);
  const std::string a = PathOf("http://h.test" + deep + "/leaf.txt");
  const std::string b = PathOf("http://h.test" + deep + "x/leaf.txt");
  const std::string c = PathOf("http://h.test" + deep + "/leaf.txt?q");
  for (const std::string* p : {&a, &b, &c}) CheckSafe(*p);
  CHECK(a != b);
  CHECK(a != c);
  CHECK(b != c);
  CHECK(a.substr(a.size() - 4) == ".txt");
  CHECK(a.rfind("h.test/dir0%/dir1%/", 0) == 0);
  // A huge query alone.
  const std::string q = PathOf("http://h.test/s?" + std::string(10000, 'q'));
  CheckSafe(q);
  CHECK(q.rfind("h.test/s@qqq", 0) == 0);
}

TEST_CASE("A CanonicalUrl not made by Canonicalize still gives a safe path", "[save_path]") {
  auto make = [](std::string url, std::size_t host_begin, std::size_t host_end,
                 std::size_t origin_end) {
    CanonicalUrl c;
    c.url = std::move(url);
    c.host_begin = host_begin;
    c.host_end = host_end;
    c.origin_end = origin_end;
    return SavePathFor(c);
  };
  CheckSafe(make("http:///../..", 7, 7, 7));
  CheckSafe(make("http://../..", 7, 9, 9));
  CheckSafe(make("http://a/./.", 7, 8, 8));
  CheckSafe(make("http://a/..", 7, 8, 8));
  CheckSafe(make(std::string("http://a\0b/\x01\x7f\xff:", 16), 7, 10, 10));
  CheckSafe(make("http://A/B", 7, 8, 8));
  CheckSafe(make("", 0, 0, 0));
}

}  // namespace forage
