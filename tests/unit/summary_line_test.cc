#include "cli/summary_line.h"

#include <catch2/catch.hpp>
#include <string>

namespace forage {
namespace {

CrawlSummary Counts() {
  CrawlSummary s;
  s.records = 12;
  s.ok = 10;
  s.failed = 1;
  s.skipped = 1;
  s.seconds = 3.214;
  return s;
}

TEST_CASE("The summary line gives the counts, and the state's with one", "[summary]") {
  CrawlSummary s = Counts();
  CHECK(FormatSummary(s, "") == "12 URL(s): 10 ok, 1 failed, 1 skipped in 3.21 s");
  s.unchanged = 4;
  s.not_due = 2;
  CHECK(FormatSummary(s, "s.db") ==
        "12 URL(s): 10 ok, 1 failed, 1 skipped in 3.21 s; 4 unchanged, 2 not due");
  s.interrupted = true;
  CHECK(FormatSummary(s, "s.db") ==
        "12 URL(s): 10 ok, 1 failed, 1 skipped in 3.21 s (interrupted); 4 unchanged, 2 not due; "
        "the rest stays pending in s.db");
}

// Issue 18 point 7.
TEST_CASE("A run stopped at --max-time says so, with the URLs it left", "[summary]") {
  CrawlSummary s = Counts();
  s.interrupted = s.max_time_reached = true;
  s.unfinished = 1234;
  CHECK(FormatSummary(s, "", std::chrono::seconds(30)) ==
        "12 URL(s): 10 ok, 1 failed, 1 skipped in 3.21 s; stopped at --max-time 30s: 1234 URL(s) "
        "left, recorded as interrupted");
  CHECK(FormatSummary(s, "s.db", std::chrono::minutes(90)) ==
        "12 URL(s): 10 ok, 1 failed, 1 skipped in 3.21 s; 0 unchanged, 0 not due; stopped at "
        "--max-time 1h30m: 1234 URL(s) left, pending in s.db for the next run");
  CHECK(FormatSummary(s, "") ==
        "12 URL(s): 10 ok, 1 failed, 1 skipped in 3.21 s; stopped at --max-time: 1234 URL(s) "
        "left, recorded as interrupted");
  s.unfinished = 4;
  CHECK(FormatSummary(s, "", std::chrono::seconds(1), /*shared_crawl=*/true) ==
        "12 URL(s): 10 ok, 1 failed, 1 skipped in 3.21 s; stopped at --max-time 1s: 4 URL(s) "
        "left, handed back to the crawl");
  CHECK(SummaryLevel(s) == LogLevel::kWarn);
}

TEST_CASE("Durations are written as --max-time takes them", "[summary]") {
  using namespace std::chrono;
  const std::pair<milliseconds, const char*> cases[] = {{milliseconds(0), "0s"},
                                                        {milliseconds(250), "250ms"},
                                                        {seconds(45), "45s"},
                                                        {milliseconds(1500), "1.5s"},
                                                        {seconds(90), "1m30s"},
                                                        {minutes(90), "1h30m"},
                                                        {hours(2), "2h"},
                                                        {hours(50), "2d2h"},
                                                        {milliseconds(3'661'010), "1h1m1.01s"}};
  for (const auto& [duration, text] : cases) {
    CHECK(FormatDuration(duration) == text);
  }
}

TEST_CASE("The summary line names hosts Retry-After held back over a minute", "[summary]") {
  struct Case {
    std::map<std::string, double> held_back;
    std::string tail;  // what follows the counts
    LogLevel level;    // for a run with nothing else to report
  };
  const Case cases[] = {
      {{}, "", LogLevel::kInfo},
      {{{"a.test", 1.0}, {"b.test", 59.9}}, "", LogLevel::kInfo},
      {{{"a.test", 60.0}}, "", LogLevel::kInfo},  // a minute is not longer than a minute
      {{{"a.test", 60.4}}, "; Retry-After held back a.test for 60 s", LogLevel::kWarn},
      {{{"a.test", 120.0}, {"b.test", 5.0}},
       "; Retry-After held back a.test for 120 s",
       LogLevel::kWarn},
      // Longest first; equal holds by name.
      {{{"a.test", 75.0}, {"b.test", 300.0}, {"c.test", 75.0}},
       "; Retry-After held back b.test for 300 s, a.test for 75 s, c.test for 75 s",
       LogLevel::kWarn},
      {{{"a", 61.0}, {"b", 62.0}, {"c", 63.0}, {"d", 64.0}, {"e", 65.0}, {"f", 66.0}, {"g", 67.0}},
       "; Retry-After held back g for 67 s, f for 66 s, e for 65 s, d for 64 s, c for 63 s and 2 "
       "more host(s)",
       LogLevel::kWarn},
  };
  for (const Case& c : cases) {
    CrawlSummary s = Counts();
    s.failed = 0;
    s.skipped = 2;
    s.held_back = c.held_back;
    const std::string counts = "12 URL(s): 10 ok, 0 failed, 2 skipped in 3.21 s";
    INFO("tail: " << c.tail);
    CHECK(FormatSummary(s, "") == counts + c.tail);
    CHECK(SummaryLevel(s) == c.level);
  }
}

TEST_CASE("The summary is a warning when records failed or the run was cut off", "[summary]") {
  CrawlSummary s = Counts();
  CHECK(SummaryLevel(s) == LogLevel::kWarn);
  s.failed = 0;
  CHECK(SummaryLevel(s) == LogLevel::kInfo);
  s.interrupted = true;
  CHECK(SummaryLevel(s) == LogLevel::kWarn);
}

}  // namespace
}  // namespace forage
