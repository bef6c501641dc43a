#include "cli/cli_options.h"

#include <catch2/catch.hpp>

#include "support/parse_args.h"

namespace forage {
namespace {

using test::ParseArgs;
ParsedCommandLine Parse(std::vector<std::string> args) { return ParseArgs(std::move(args)); }

TEST_CASE("Defaults match the documented ones", "[cli]") {
  ParsedCommandLine p = Parse({"urls.txt"});
  REQUIRE(p.config);
  const CrawlOptions& o = p.config->options;
  CHECK(o.workers >= 1);
  CHECK(o.fetch.concurrency == 16);
  CHECK(o.fetch.timeout == std::chrono::seconds(30));
  CHECK(o.fetch.connect_timeout == std::chrono::seconds(10));
  CHECK(o.fetch.max_bytes == 10u << 20);
  CHECK(o.fetch.user_agent.rfind("forage/", 0) == 0);
  CHECK(o.queue_in_memory == 100'000);
  CHECK(p.config->output == "-");
  CHECK(p.config->files == std::vector<std::string>{"urls.txt"});
}

TEST_CASE("Every option is read", "[cli]") {
  ParsedCommandLine p = Parse({"-j",
                               "3",
                               "-c",
                               "64",
                               "-o",
                               "out.jsonl",
                               "--timeout",
                               "2.5",
                               "--connect-timeout",
                               "0.5",
                               "--user-agent",
                               "bot/1",
                               "--max-bytes",
                               "2M",
                               "--url",
                               "http://a/",
                               "--url",
                               "http://b/",
                               "--log-level",
                               "debug",
                               "--queue-in-memory",
                               "5000",
                               "--strip-query",
                               "ref",
                               "--strip-query",
                               "UTM_*",
                               "--strip-query-default",
                               "a.txt",
                               "-"});
  REQUIRE(p.config);
  const CrawlOptions& o = p.config->options;
  CHECK(o.workers == 3);
  CHECK(o.fetch.concurrency == 64);
  CHECK(o.fetch.timeout == std::chrono::milliseconds(2500));
  CHECK(o.fetch.connect_timeout == std::chrono::milliseconds(500));
  CHECK(o.fetch.user_agent == "bot/1");
  CHECK(o.fetch.max_bytes == 2u << 20);
  CHECK(p.config->output == "out.jsonl");
  CHECK(p.config->urls == std::vector<std::string>{"http://a/", "http://b/"});
  CHECK(p.config->files == std::vector<std::string>{"a.txt", "-"});
  CHECK(p.config->log_level == LogLevel::kDebug);
  CHECK(o.queue_in_memory == 5000);
  CHECK(o.strip_query == std::vector<std::string>{"ref", "UTM_*"});
  CHECK(o.strip_query_default);
}

TEST_CASE("The site owners' signal flags are off by default and read", "[cli]") {
  ParsedCommandLine p = Parse({"x"});
  REQUIRE(p.config);
  CHECK_FALSE(p.config->options.fetch.extract.ignore_nofollow);
  CHECK_FALSE(p.config->options.skip_noindex);
  CHECK_FALSE(p.config->options.canonical);
  p = Parse({"--ignore-nofollow", "--skip-noindex", "--canonical", "x"});
  REQUIRE(p.config);
  CHECK(p.config->options.fetch.extract.ignore_nofollow);
  CHECK(p.config->options.skip_noindex);
  CHECK(p.config->options.canonical);
}

TEST_CASE("The full-parse flag is off by default and read", "[cli]") {
  ParsedCommandLine p = Parse({"x"});
  REQUIRE(p.config);
  CHECK_FALSE(p.config->options.fetch.extract.full_parse);
  p = Parse({"--full-parse", "x"});
  REQUIRE(p.config);
  CHECK(p.config->options.fetch.extract.full_parse);
}

TEST_CASE("The --accept-type option splits at commas and adds up", "[cli]") {
  ParsedCommandLine p =
      Parse({"--accept-type", "text/html,application/xhtml+xml", "--accept-type", "image/*", "u"});
  REQUIRE(p.config);
  CHECK(p.config->options.fetch.accept_types ==
        std::vector<std::string>{"text/html", "application/xhtml+xml", "image/*"});
  CHECK(Parse({"u"}).config->options.fetch.accept_types.empty());
  ParsedCommandLine bad = Parse({"--accept-type", "text/html,pdf", "u"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.text.find("--accept-type: \"pdf\" is not a media range") != std::string::npos);
}

TEST_CASE("The quiet flag leaves only errors", "[cli]") {
  ParsedCommandLine p = Parse({"-q", "x"});
  REQUIRE(p.config);
  CHECK(p.config->log_level == LogLevel::kError);
}

TEST_CASE("The log level is left to the terminal unless it is given", "[cli]") {
  ParsedCommandLine p = Parse({"x"});
  REQUIRE(p.config);
  CHECK_FALSE(p.config->log_level_set);
  p = Parse({"--log-level", "info", "x"});
  REQUIRE(p.config);
  CHECK(p.config->log_level_set);
  CHECK(p.config->log_level == LogLevel::kInfo);
}

TEST_CASE("The state options are read", "[cli][state]") {
  ParsedCommandLine p =
      Parse({"--state", "s.db", "--recrawl-after", "12h", "--changed-only", "x"});
  REQUIRE(p.config);
  CHECK(p.config->state_path == "s.db");
  CHECK(p.config->options.recrawl_after == std::chrono::hours(12));
  CHECK(p.config->options.changed_only);
  p = Parse({"x"});
  REQUIRE(p.config);
  CHECK(p.config->options.recrawl_after == std::chrono::milliseconds(0));
  CHECK_FALSE(p.config->options.changed_only);
  p = Parse({"--recrawl-after", "soon", "x"});
  CHECK(p.exit_code == kExitUsage);
  CHECK(p.text.find("\"soon\" is not a duration") != std::string::npos);
}

TEST_CASE("Durations take a unit, seconds by default", "[cli]") {
  using namespace std::chrono;
  CHECK(ParseDuration("90").value() == seconds(90));
  CHECK(ParseDuration("90s").value() == seconds(90));
  CHECK(ParseDuration("250ms").value() == milliseconds(250));
  CHECK(ParseDuration("30m").value() == minutes(30));
  CHECK(ParseDuration("1.5h").value() == minutes(90));
  CHECK(ParseDuration("7d").value() == hours(7 * 24));
  CHECK(ParseDuration("0").value() == milliseconds(0));
  for (const char* bad : {"", "h", "-1h", "1w", "1 h", "1.2.3s", "1e3"}) {
    INFO(bad);
    CHECK_FALSE(ParseDuration(bad).ok());
  }
  CHECK(ParseDuration("3w").status().message().find("unknown unit \"w\"") != std::string::npos);
}

TEST_CASE("Compound durations go from the largest unit to the smallest", "[cli]") {
  using namespace std::chrono;
  CHECK(ParseDuration("1h30m").value() == minutes(90));
  CHECK(ParseDuration("2m30.5s").value() == milliseconds(150'500));
  CHECK(ParseDuration("1d12h").value() == hours(36));
  CHECK(ParseDuration("1m250ms").value() == milliseconds(60'250));
  for (const char* bad : {"30m1h", "1h1h", "1h30", "30 m", "1h-30m", "1hm", "10x", "-5s"}) {
    INFO(bad);
    CHECK_FALSE(ParseDuration(bad).ok());
  }
  CHECK(ParseDuration("30m1h").status().message().find("largest to the smallest") !=
        std::string::npos);
}

// Issue 18 point 7.
TEST_CASE("The --max-time option takes a duration, 0 by default, and names itself when refused",
          "[cli]") {
  using namespace std::chrono;
  ParsedCommandLine plain = Parse({"x"});
  REQUIRE(plain.config);
  CHECK(plain.config->options.max_time == milliseconds(0));
  const std::pair<const char*, milliseconds> good[] = {
      {"90s", seconds(90)},   {"30m", minutes(30)}, {"2h", hours(2)},
      {"1h30m", minutes(90)}, {"45", seconds(45)},  {"0", milliseconds(0)}};
  for (const auto& [text, expected] : good) {
    INFO("--max-time " << text);
    ParsedCommandLine p = Parse({"--max-time", text, "x"});
    INFO(p.text);
    REQUIRE(p.config);
    CHECK(p.config->options.max_time == expected);
  }
  ParsedCommandLine joined = Parse({"--max-time=-5s", "x"});
  CHECK(joined.exit_code == kExitUsage);
  for (const char* bad : {"10x", "-5s", "", "soon", "1h30"}) {
    INFO("--max-time " << bad);
    ParsedCommandLine p = Parse({"--max-time", bad, "x"});
    INFO(p.text);
    CHECK_FALSE(p.config);
    CHECK(p.exit_code == kExitUsage);
    CHECK(p.text.rfind("forage: error: ", 0) == 0);
    CHECK(p.text.find("--max-time") != std::string::npos);
    CHECK(p.text.find('\n') == std::string::npos);
  }
}

TEST_CASE("Bad usage is one line and exit status 2", "[cli]") {
  const std::vector<std::vector<std::string>> bad = {
      {"--no-such-flag", "x"},
      {"-j", "0", "x"},
      {"-j", "many", "x"},
      {"-c", "0", "x"},
      {"-c", "-4", "x"},
      {"--timeout", "0", "x"},
      {"--timeout", "soon", "x"},
      {"--connect-timeout", "-1", "x"},
      {"--max-bytes", "0", "x"},
      {"--max-bytes", "lots", "x"},
      {"--log-level", "loud", "x"},
      {"--queue-in-memory", "-1", "x"},
      {"--queue-in-memory", "lots", "x"},
      {"--user-agent", "", "x"},
      {"--url"},
      {},
  };
  for (const auto& args : bad) {
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    INFO("forage " << joined);
    ParsedCommandLine p = Parse(args);
    CHECK_FALSE(p.config);
    CHECK(p.exit_code == kExitUsage);
    CHECK(p.text.rfind("forage: error: ", 0) == 0);
    CHECK(p.text.find('\n') == std::string::npos);
  }
}

TEST_CASE("The --max-links option defaults to 20000 and is read", "[cli]") {
  ParsedCommandLine plain = Parse({"x"});
  REQUIRE(plain.config);
  CHECK(plain.config->options.fetch.extract.max_links == 20'000);
  ParsedCommandLine set = Parse({"--max-links", "5", "x"});
  REQUIRE(set.config);
  CHECK(set.config->options.fetch.extract.max_links == 5);
  ParsedCommandLine none = Parse({"--max-links", "0", "x"});
  REQUIRE(none.config);
  CHECK(none.config->options.fetch.extract.max_links == 0);
  for (const char* bad : {"-1", "many", ""}) {
    INFO("--max-links " << bad);
    ParsedCommandLine p = Parse({"--max-links", bad, "x"});
    CHECK_FALSE(p.config);
    CHECK(p.exit_code == kExitUsage);
  }
}

TEST_CASE("The --follow option names kinds of link, adds up and replaces the default", "[cli]") {
  ParsedCommandLine plain = Parse({"x"});
  REQUIRE(plain.config);
  CHECK(plain.config->options.fetch.extract.follow == kFollowAnchors);
  struct Case {
    std::vector<std::string> args;
    std::uint32_t follow;
  };
  const Case cases[] = {
      {{"--follow", "a"}, kFollowAnchors},
      {{"--follow", "media"}, kFollowMedia},  // no anchors unless named
      {{"--follow", "a,frame"}, kFollowAnchors | kFollowFrames},
      {{"--follow", "link", "--follow", "refresh,script"},
       kFollowLinks | kFollowRefresh | kFollowScripts},
      {{"--follow=style", "--follow", "style"}, kFollowStyles},
      {{"--follow", "all"}, kFollowAll},
      {{"--follow", "a,all"}, kFollowAll},
      {{"--follow", "a,,media"}, kFollowAnchors | kFollowMedia},  // CLI11 drops empty items
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = c.args;
    args.push_back("x");
    ParsedCommandLine p = Parse(args);
    INFO(args[1] << ": " << p.text);
    REQUIRE(p.config);
    CHECK(p.config->options.fetch.extract.follow == c.follow);
  }
  for (const char* bad : {"images", "a,bogus", "A", "", "all "}) {
    INFO("--follow '" << bad << "'");
    ParsedCommandLine p = Parse({"--follow", bad, "x"});
    CHECK_FALSE(p.config);
    CHECK(p.exit_code == kExitUsage);
    CHECK(p.text.find("--follow") != std::string::npos);
    CHECK(p.text.find("unknown kind") != std::string::npos);
    CHECK(p.text.find('\n') == std::string::npos);
  }
  ParsedCommandLine named = Parse({"--follow", "a,images", "x"});
  CHECK(named.text.find("\"images\"") != std::string::npos);
}

TEST_CASE("Values that would break the run are refused in one short line", "[cli]") {
  // Issue 15 point 6: each was accepted (NaN passes CLI::Range, strtoull
  // takes -1 for 2^64 - 1) or refused with a 309-digit range.
  struct Case {
    std::vector<std::string> args;
    const char* expected;  // in the message
  };
  std::vector<Case> cases;
  for (const char* duration : {"--timeout", "--connect-timeout", "--delay", "--retry-wait",
                               "--parse-timeout", "--stall-timeout"}) {
    for (const char* bad : {"nan", "NaN", "inf", "-inf", "-1", "1e999", ""}) {
      cases.push_back({{duration, bad, "x"}, "is not a number of seconds"});
    }
  }
  for (const char* count : {"--max-pages", "--max-text", "--queue-in-memory"}) {
    cases.push_back({{count, "-1", "x"}, "\"-1\" is negative"});
  }
  for (const char* entry : {"h:99999:127.0.0.1", "h:0:127.0.0.1", "h:-1:127.0.0.1",
                            "h:8o:127.0.0.1", "[::1:80:127.0.0.1", "h:80:"}) {
    cases.push_back({{"--resolve", entry, "x"}, "is not HOST:PORT:ADDRESS"});
  }
  for (const char* agent : {"bot\r\nX-Evil: 1", "bot\n", "bot\r", "b\x01ot", "bot\x7f"}) {
    cases.push_back({{"--user-agent", agent, "x"}, "--user-agent: must not hold a line break"});
  }
  cases.push_back({{"--strip-query", "utm_source=1", "x"},
                   "--strip-query: \"utm_source=1\" is not a parameter name"});
  cases.push_back({{"--strip-query", "", "x"}, "--strip-query: a pattern must not be empty"});
  for (const Case& c : cases) {
    std::string joined;
    for (const auto& a : c.args) joined += a + " ";
    INFO("forage " << joined);
    ParsedCommandLine p = Parse(c.args);
    CHECK_FALSE(p.config);
    CHECK(p.exit_code == kExitUsage);
    CHECK(p.text.find(c.expected) != std::string::npos);
    CHECK(p.text.find('\n') == std::string::npos);
    CHECK(p.text.size() < 200);
  }
}

TEST_CASE("Good values next to the refused ones still pass", "[cli]") {
  ParsedCommandLine p =
      Parse({"--timeout", "0.5", "--delay", "0", "--max-pages", "0", "--max-text", "1k",
             "--queue-in-memory", "0", "--resolve", "h:65535:127.0.0.1", "--resolve",
             "[::1]:80:[::1]", "--user-agent", "bot/1 (+http://x/\tinfo)", "x"});
  INFO(p.text);
  REQUIRE(p.config);
  CHECK(p.config->options.fetch.timeout == std::chrono::milliseconds(500));
  CHECK(p.config->options.fetch.extract.max_text == 1024);
  CHECK(p.config->options.queue_in_memory == 0);
}

TEST_CASE("Help and version requests exit 0 with text", "[cli]") {
  ParsedCommandLine help = Parse({"--help"});
  CHECK_FALSE(help.config);
  CHECK(help.exit_code == kExitOk);
  CHECK(help.text.find("--concurrency") != std::string::npos);
  ParsedCommandLine version = Parse({"--version"});
  CHECK(version.exit_code == kExitOk);
  CHECK(version.text == std::string("forage ") + kVersion + "\n");
}

}  // namespace
}  // namespace forage
