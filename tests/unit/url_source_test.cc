#include "crawl/url_source.h"

#include <unistd.h>

#include <catch2/catch.hpp>

#include "support/forage_run.h"

namespace forage {
namespace {

std::vector<InputLine> ReadAll(UrlSource& source) {
  std::vector<InputLine> lines;
  InputLine line;
  for (;;) {
    UrlSource::Poll got = source.Next(&line);
    REQUIRE(got != UrlSource::Poll::kWouldBlock);  // files never block
    if (got == UrlSource::Poll::kExhausted) return lines;
    lines.push_back(line);
  }
}

TEST_CASE("UrlSource skips comments and blanks, trims, and says where", "[url_source]") {
  test::TempDir dir;
  std::string path = dir.Write("list.txt",
                               "# a comment\n"
                               "\n"
                               "   http://a.example/  \n"
                               "\t\r\n"
                               "http://b.example/\r\n"
                               "  # indented comment\n"
                               "http://c.example/ # not a comment: part of the line\n"
                               "http://last.example/");  // no final newline
  UrlSource source;
  source.AddUrl("  http://flag.example/ ");
  REQUIRE(source.AddFile(path).ok());
  std::vector<InputLine> lines = ReadAll(source);
  REQUIRE(lines.size() == 5);
  CHECK(lines[0].text == "http://flag.example/");
  CHECK(lines[0].where == "--url 1");
  CHECK(lines[1].text == "http://a.example/");
  CHECK(lines[1].where == path + ":3");
  CHECK(lines[2].text == "http://b.example/");
  CHECK(lines[2].where == path + ":5");
  CHECK(lines[3].text == "http://c.example/ # not a comment: part of the line");
  CHECK(lines[4].text == "http://last.example/");
  CHECK(lines[4].where == path + ":8");
}

TEST_CASE("UrlSource fails at once on a missing file, naming it", "[url_source]") {
  UrlSource source;
  Status st = source.AddFile("/nonexistent/urls.txt");
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().find("/nonexistent/urls.txt") != std::string::npos);
  CHECK(st.message().find("No such file") != std::string::npos);
}

TEST_CASE("UrlSource refuses a directory", "[url_source]") {
  test::TempDir dir;
  UrlSource source;
  CHECK_FALSE(source.AddFile(dir.path()).ok());
}

TEST_CASE("UrlSource cuts an absurdly long line and goes on after it", "[url_source]") {
  test::TempDir dir;
  std::string huge(UrlSource::kMaxLineBytes * 3, 'x');
  std::string path = dir.Write("long.txt", "http://before/\n" + huge + "\nhttp://after/\n");
  UrlSource source;
  REQUIRE(source.AddFile(path).ok());
  std::vector<InputLine> lines = ReadAll(source);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].text == "http://before/");
  CHECK(lines[1].too_long);
  CHECK(lines[1].text.size() <= UrlSource::kMaxLineBytes);
  CHECK(lines[2].text == "http://after/");
  CHECK(lines[2].where == path + ":3");
}

TEST_CASE("UrlSource cuts a long line however it arrives, and skips long comments",
          "[url_source]") {
  // A line a little over the limit ends within the file's second 64 KiB
  // read, so it arrives whole (fuzz_url_list found it uncut); a comment
  // line over the limit is still a comment.
  test::TempDir dir;
  const std::string just_over = "http://a/" + std::string(UrlSource::kMaxLineBytes, 'x');
  const std::string comment = "# " + std::string(UrlSource::kMaxLineBytes * 3, 'c');
  std::string path =
      dir.Write("long.txt", just_over + "\n" + comment + "\n" + comment + "\nhttp://after/\n");
  UrlSource source;
  REQUIRE(source.AddFile(path).ok());
  std::vector<InputLine> lines = ReadAll(source);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].too_long);
  CHECK(lines[0].text == just_over.substr(0, UrlSource::kMaxLineBytes));
  CHECK(lines[1].text == "http://after/");
  CHECK_FALSE(lines[1].too_long);
  CHECK(lines[1].where == path + ":4");
}

TEST_CASE("UrlSource skips a UTF-8 byte-order mark before the first line only", "[url_source]") {
  // Issue 15: a list saved by a Windows editor made its first URL invalid.
  test::TempDir dir;
  const std::string bom = "\xEF\xBB\xBF";
  struct Case {
    const char* name;
    std::string content;
    std::vector<std::string> expected;
  };
  const Case cases[] = {
      {"bom.txt", bom + "http://a/\nhttp://b/\n", {"http://a/", "http://b/"}},
      {"crlf.txt", bom + "http://a/\r\n", {"http://a/"}},
      {"comment.txt", bom + "# list\nhttp://a/\n", {"http://a/"}},
      {"only.txt", bom, {}},
      {"later.txt", "http://a/\n" + bom + "http://b/\n", {"http://a/", bom + "http://b/"}},
      {"twice.txt", bom + bom + "http://a/\n", {bom + "http://a/"}},
      {"partial.txt", "\xEF\xBBhttp://a/\n", {"\xEF\xBBhttp://a/"}},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    UrlSource source;
    REQUIRE(source.AddFile(dir.Write(c.name, c.content)).ok());
    std::vector<std::string> texts;
    for (const InputLine& line : ReadAll(source)) texts.push_back(line.text);
    CHECK(texts == c.expected);
  }
}

TEST_CASE("UrlSource skips a byte-order mark that a pipe brings a byte at a time", "[url_source]") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  int saved = ::dup(STDIN_FILENO);
  ::dup2(fds[0], STDIN_FILENO);
  {
    UrlSource source;
    REQUIRE(source.AddFile("-").ok());
    InputLine line;
    for (const char* byte : {"\xEF", "\xBB", "\xBF"}) {
      REQUIRE(::write(fds[1], byte, 1) == 1);
      CHECK(source.Next(&line) == UrlSource::Poll::kWouldBlock);
    }
    REQUIRE(::write(fds[1], "http://x/\n", 10) == 10);
    REQUIRE(source.Next(&line) == UrlSource::Poll::kLine);
    CHECK(line.text == "http://x/");
    CHECK(line.where == "<stdin>:1");
    ::close(fds[1]);
    CHECK(source.Next(&line) == UrlSource::Poll::kExhausted);
  }
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  ::close(fds[0]);
}

TEST_CASE("UrlSource reports a pipe with no data as would-block", "[url_source]") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  int saved = ::dup(STDIN_FILENO);
  ::dup2(fds[0], STDIN_FILENO);
  {
    UrlSource source;
    REQUIRE(source.AddFile("-").ok());
    InputLine line;
    CHECK(source.Next(&line) == UrlSource::Poll::kWouldBlock);
    CHECK(source.WaitFd() == STDIN_FILENO);
    REQUIRE(::write(fds[1], "http://x/\n", 10) == 10);
    REQUIRE(source.Next(&line) == UrlSource::Poll::kLine);
    CHECK(line.text == "http://x/");
    CHECK(line.where == "<stdin>:1");
    ::close(fds[1]);
    CHECK(source.Next(&line) == UrlSource::Poll::kExhausted);
  }
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  ::close(fds[0]);
}

}  // namespace
}  // namespace forage
