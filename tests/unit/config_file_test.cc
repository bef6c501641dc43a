#include "cli/config_file.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cli/cli_options.h"
#include "forage/extract.h"
#include "support/forage_run.h"
#include "support/parse_args.h"

namespace forage {
namespace {

using test::ParseArgs;
ParsedCommandLine Parse(std::vector<std::string> args) { return ParseArgs(std::move(args)); }

TEST_CASE("The example config holds every default", "[config]") {
  ParsedCommandLine from_file =
      Parse({"--config", std::string(FORAGE_SOURCE_DIR) + "/config/forage.toml", "x.txt"});
  INFO(from_file.text);
  REQUIRE(from_file.config);
  ParsedCommandLine plain = Parse({"x.txt"});
  REQUIRE(plain.config);
  const CrawlOptions& a = from_file.config->options;
  const CrawlOptions& b = plain.config->options;
  CHECK(a.fetch.concurrency == b.fetch.concurrency);
  CHECK(a.fetch.timeout == b.fetch.timeout);
  CHECK(a.fetch.connect_timeout == b.fetch.connect_timeout);
  CHECK(a.fetch.user_agent == b.fetch.user_agent);
  CHECK(a.fetch.max_bytes == b.fetch.max_bytes);
  CHECK(a.depth == b.depth);
  CHECK(a.scope == b.scope);
  CHECK(a.max_pages == b.max_pages);
  CHECK(a.queue_in_memory == b.queue_in_memory);
  CHECK(a.per_host == b.per_host);
  CHECK(a.delay == b.delay);
  CHECK(a.robots == b.robots);
  CHECK(a.retries == b.retries);
  CHECK(a.retry_wait == b.retry_wait);
  CHECK(a.parse_timeout == b.parse_timeout);
  CHECK(a.fetch.extract.text == b.fetch.extract.text);
  CHECK(a.fetch.extract.max_text == b.fetch.extract.max_text);
  CHECK(a.fetch.extract.max_links == b.fetch.extract.max_links);
  CHECK(a.fetch.extract.follow == b.fetch.extract.follow);
  CHECK(a.recrawl_after == b.recrawl_after);
  CHECK(a.changed_only == b.changed_only);
  CHECK(a.skip_noindex == b.skip_noindex);
  CHECK(a.canonical == b.canonical);
  CHECK(a.fetch.extract.ignore_nofollow == b.fetch.extract.ignore_nofollow);
  CHECK(a.max_time == b.max_time);
  CHECK(a.fetch.accept_types == b.fetch.accept_types);
  CHECK(a.strip_query == b.strip_query);
  CHECK(a.strip_query_default == b.strip_query_default);
  CHECK(from_file.config->append == plain.config->append);
  CHECK(from_file.config->log_level_set == plain.config->log_level_set);
  CHECK(from_file.config->output == plain.config->output);
  CHECK(from_file.config->log_level == plain.config->log_level);
}

TEST_CASE("The command line wins over the config file", "[config]") {
  test::TempDir dir;
  std::string file = dir.Write("f.toml",
                               "workers = 3\nconcurrency = 8\ndepth = 2\nurl = [\"http://a/\"]\n"
                               "input = [\"list.txt\"]\n[select]\ntitle = \"h1\"\n"
                               "price = \"span.p@data-v\"\n");
  ParsedCommandLine p = Parse({"--config", file, "-c", "32", "--url", "http://b/"});
  INFO(p.text);
  REQUIRE(p.config);
  CHECK(p.config->options.workers == 3);       // from the file
  CHECK(p.config->options.fetch.concurrency == 32);  // the flag wins
  CHECK(p.config->options.depth == 2);
  CHECK(p.config->urls == std::vector<std::string>{"http://a/", "http://b/"});  // lists add up
  CHECK(p.config->files == std::vector<std::string>{"list.txt"});
  REQUIRE(p.config->options.fetch.extract.select.size() == 2);
  CHECK(p.config->options.fetch.extract.select[0].name == "price");  // toml++ keeps keys sorted
  CHECK(p.config->options.fetch.extract.select[0].attr == "data-v");
  CHECK(p.config->options.fetch.extract.select[1].css == "h1");
}

TEST_CASE("Config input files that look like options stay files", "[config]") {
  // fuzz_config found `input = ["--version"]` printed the version.
  test::TempDir dir;
  std::string file = dir.Write("f.toml", "input = [\"--version\", \"-x.txt\", \"-\", \"a\"]\n");
  ParsedCommandLine p = Parse({"--config", file});
  INFO(p.text);
  REQUIRE(p.config);
  CHECK(p.config->files == std::vector<std::string>{"./--version", "./-x.txt", "-", "a"});
}

TEST_CASE("The config key accept-type is a list of media ranges", "[config]") {
  test::TempDir dir;
  ParsedCommandLine p =
      Parse({"--config", dir.Write("f.toml", "accept-type = [\"text/html\", \"image/*,text/plain\"]\n"),
             "--accept-type", "application/pdf", "x.txt"});
  INFO(p.text);
  REQUIRE(p.config);
  CHECK(p.config->options.fetch.accept_types ==
        std::vector<std::string>{"text/html", "image/*", "text/plain", "application/pdf"});
  ParsedCommandLine bad = Parse({"--config", dir.Write("f.toml", "accept-type = [\"html\"]\n"), "x.txt"});
  CHECK(bad.exit_code == kExitUsage);
  CHECK(bad.text.find("--accept-type: \"html\" is not a media range") != std::string::npos);
}

// Issue 18 point 7.
TEST_CASE("The config key follow is --follow, a list or one string", "[config]") {
  test::TempDir dir;
  ParsedCommandLine list =
      Parse({"--config", dir.Write("f.toml", "follow = [\"a\", \"media,style\"]\n"), "x.txt"});
  REQUIRE(list.config);
  CHECK(list.config->options.fetch.extract.follow == (kFollowAnchors | kFollowMedia | kFollowStyles));
  ParsedCommandLine one = Parse({"--config", dir.Write("f.toml", "follow = \"frame\"\n"), "x.txt",
                                 "--follow", "script"});
  REQUIRE(one.config);
  CHECK(one.config->options.fetch.extract.follow == (kFollowFrames | kFollowScripts));
  ParsedCommandLine bad =
      Parse({"--config", dir.Write("f.toml", "depth = 1\nfollow = [\"a\", \"img\"]\n"), "x.txt"});
  CHECK_FALSE(bad.config);
  CHECK(bad.exit_code == kExitUsage);
  CHECK(bad.text.find("f.toml:2: follow: ") != std::string::npos);
  CHECK(bad.text.find("\"img\"") != std::string::npos);
  ParsedCommandLine number = Parse({"--config", dir.Write("f.toml", "follow = 1\n"), "x.txt"});
  CHECK(number.text.find("f.toml:1: follow: must be a string") != std::string::npos);
}

TEST_CASE("The config key max-time is --max-time", "[config]") {
  test::TempDir dir;
  for (const auto& [content, expected] :
       {std::pair{"max-time = \"1h30m\"\n", std::chrono::milliseconds(std::chrono::minutes(90))},
        std::pair{"max_time = 45\n", std::chrono::milliseconds(std::chrono::seconds(45))}}) {
    INFO(content);
    ParsedCommandLine p = Parse({"--config", dir.Write("f.toml", content), "x.txt"});
    INFO(p.text);
    REQUIRE(p.config);
    CHECK(p.config->options.max_time == expected);
  }
  // The command line wins.
  ParsedCommandLine p =
      Parse({"--config", dir.Write("f.toml", "max-time = \"2h\"\n"), "--max-time", "30s", "x.txt"});
  REQUIRE(p.config);
  CHECK(p.config->options.max_time == std::chrono::seconds(30));
  ParsedCommandLine bad =
      Parse({"--config", dir.Write("f.toml", "\nmax-time = \"10x\"\n"), "x.txt"});
  CHECK(bad.exit_code == kExitUsage);
  CHECK(bad.text.find("f.toml:2: max-time: ") != std::string::npos);
}

TEST_CASE("Config errors name the file, the line and the key", "[config]") {
  test::TempDir dir;
  struct Case {
    const char* content;
    const char* expected;  // in the message
  };
  const Case cases[] = {
      {"concurrency = 8\nfrobnicate = 1\n", "f.toml:2: frobnicate: no such option"},
      {"depth = \"deep\"\n", "f.toml:1: depth: "},
      {"\n\nworkers = 0\n", "f.toml:3: workers: "},
      {"text = \"yes\"\n", "f.toml:1: text: must be true or false"},
      {"timeout = [1, 2]\n", "f.toml:1: timeout: takes one value, not an array"},
      {"concurrency = \n", "f.toml:1:"},
      {"[select]\ntitle = 3\n", "f.toml:2: select.title: must be a string"},
      {"[select]\ntitle = \"div >\"\n", "f.toml:2: select.title: --select title: bad selector"},
      {"[select]\na = \"h1\"\n\nb = \"p[\"\n", "f.toml:4: select.b: --select b: bad selector"},
      {"[select]\ntitle = \"div >\"\n", "bad selector"},
      // Issue 15 point 6: a number for a path made a file named 5.
      {"state = 5\n", "f.toml:1: state: must be a string"},
      {"\noutput = 1.5\n", "f.toml:2: output: must be a string"},
      {"include = [\"a\", 3]\n", "f.toml:1: include: must be a string"},
      {"timeout = nan\n", "f.toml:1: timeout: "},
      {"retry_wait = inf\n", "f.toml:1: retry_wait: "},
      {"delay = -1\n", "f.toml:1: delay: "},
      {"max_pages = -1\n", "f.toml:1: max_pages: "},
      // Bad selectors and patterns are blamed on their own line.
      {"depth = 1\n[select]\nok = \"h1\"\ntitle = \"div >\"\n", "f.toml:4: select.title: "},
      {"exclude = [\n  \"/tag/\",\n  \"(\",\n]\n", "f.toml:3: exclude: "},
      {"\ninclude = \"[a\"\n", "f.toml:2: include: "},
      {"strip_query = [\n  \"ref\",\n  \"utm_source=x\",\n]\n",
       "f.toml:3: strip_query: --strip-query: \"utm_source=x\" is not a parameter name"},
      {"strip-query = [\"\"]\n",
       "f.toml:1: strip-query: --strip-query: a pattern must not be empty"},
      {"strip-query = [1]\n", "f.toml:1: strip-query: must be a string"},
  };
  for (const Case& c : cases) {
    INFO(c.content);
    std::string file = dir.Write("f.toml", c.content);
    ParsedCommandLine p = Parse({"--config", file, "x.txt"});
    INFO(p.text);
    CHECK_FALSE(p.config);
    CHECK(p.exit_code == kExitUsage);
    CHECK(p.text.find(c.expected) != std::string::npos);
    CHECK(p.text.find('\n') == std::string::npos);
  }
  ParsedCommandLine missing = Parse({"--config", dir.path() + "/none.toml", "x.txt"});
  CHECK(missing.exit_code == kExitUsage);
  CHECK(missing.text.find("none.toml") != std::string::npos);
}

TEST_CASE("A NUL in a config file's selector is U+FFFD and cuts nothing short", "[config]") {
  test::TempDir dir;
  // TOML's "\u0000" puts a NUL in the string; CSS reads it as U+FFFD, as the
  // HTML parser reads a NUL (or &#0;) in an attribute value.
  std::string file = dir.Write("f.toml", "[select]\nnul = \"p[id=\\\"\\u0000pre\\\"]@id\"\n");
  ParsedCommandLine p = Parse({"--config", file, "x.txt"});
  INFO(p.text);
  REQUIRE(p.config);
  REQUIRE(p.config->options.fetch.extract.select.size() == 1);
  const FieldRule& rule = p.config->options.fetch.extract.select[0];
  CHECK(rule.css == "p[id=\"\xEF\xBF\xBDpre\"]");
  CHECK(rule.attr == "id");
  ExtractSettings settings;
  settings.select = p.config->options.fetch.extract.select;
  auto page = ExtractHtml("<p id=\"&#0;pre\">a</p><p id=\"pre\">b</p>", "http://h/", settings,
                          "text/html; charset=utf-8");
  REQUIRE(page.ok());
  CHECK(page.value().fields.at("nul") == std::vector<std::string>{"\xEF\xBF\xBDpre"});

  // What follows a NUL still counts: this selector is incomplete, where
  // "h1" alone (a selector cut at the NUL) would be accepted.
  file = dir.Write("f.toml", "[select]\ncut = \"h1\\u0000 >\"\n");
  ParsedCommandLine cut = Parse({"--config", file, "x.txt"});
  CHECK_FALSE(cut.config);
  CHECK(cut.exit_code == kExitUsage);
  CHECK(cut.text.find("expected a selector after \">\"") != std::string::npos);
  CHECK(cut.text.find('\0') == std::string::npos);
}

TEST_CASE("Field rules split NAME, CSS and @attr", "[config]") {
  auto plain = ParseFieldRule("title=h1.main");
  REQUIRE(plain.ok());
  CHECK(plain.value().name == "title");
  CHECK(plain.value().css == "h1.main");
  CHECK(plain.value().attr.empty());
  auto attr = ParseFieldRule("mail=a[href^=\"mailto:x@y\"]@HREF");
  REQUIRE(attr.ok());
  CHECK(attr.value().css == "a[href^=\"mailto:x@y\"]");  // the '@' in quotes stays
  CHECK(attr.value().attr == "href");
  // Comments and escapes are CSS's: neither an '@' in a comment nor an
  // escaped one (`\@`, a character of the name) starts the attribute.
  auto comment = ParseFieldRule("t=div /* don't @ me */ span@title");
  REQUIRE(comment.ok());
  CHECK(comment.value().css == "div /* don't @ me */ span");
  CHECK(comment.value().attr == "title");
  auto escaped = ParseFieldRule("t=.\\@container");
  REQUIRE(escaped.ok());
  CHECK(escaped.value().css == ".\\@container");
  CHECK(escaped.value().attr.empty());
  auto both = ParseFieldRule("t=.\\@lg\\:x@href");
  REQUIRE(both.ok());
  CHECK(both.value().css == ".\\@lg\\:x");
  CHECK(both.value().attr == "href");
  CHECK_FALSE(ParseFieldRule("noequals").ok());
  CHECK_FALSE(ParseFieldRule("=h1").ok());
  CHECK_FALSE(ParseFieldRule("x=h1@").ok());
  CHECK_FALSE(ParseFieldRule("x=div >").ok());
}

}  // namespace
}  // namespace forage
