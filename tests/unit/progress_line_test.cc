#include "cli/progress_line.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/stats_file.h"

namespace forage {
namespace {

TEST_CASE("The progress line shows counts, rate, bytes, time and an ETA once known", "[progress]") {
  CrawlProgress p;
  p.done = 300;
  p.ok = 290;
  p.failed = 10;
  p.pending = 700;
  p.bytes = 3 << 20;
  p.seconds = 150;  // 2 pages/s
  std::string line = FormatProgress(p);
  CHECK(line == "300 done, 700 to go | 290 ok, 10 failed | 2 pages/s | 3.0 MiB | 0:02:30");
  p.total = 1000;
  CHECK(FormatProgress(p).find("| ETA 0:05:50") != std::string::npos);  // 700 at 2/s
  p.skipped = 4;
  CHECK(FormatProgress(p).find("10 failed, 4 skipped") != std::string::npos);
  CrawlProgress start;
  CHECK(FormatProgress(start) ==
        "0 done, 0 to go | 0 ok, 0 failed | 0 pages/s | 0.0 KiB | 0:00:00");
}

TEST_CASE("Stats JSON names statuses, kinds and fetchers", "[progress]") {
  CrawlSummary s;
  s.records = 3;
  s.by_status = {{0, 1}, {200, 2}};
  s.by_error = {{"dns", 1}};
  s.results_per_fetcher = {2, 0};
  s.seconds = 2;
  s.truncated = 1;
  auto j = nlohmann::json::parse(StatsToJson(s));
  CHECK(j["truncated"] == 1);
  CHECK(j["by_status"]["none"] == 1);
  CHECK(j["by_status"]["200"] == 2);
  CHECK(j["by_error"]["dns"] == 1);
  CHECK(j["pages_per_second"] == 1.5);
  CHECK(j["results_per_fetcher"] == nlohmann::json::array({2, 0}));
}

}  // namespace
}  // namespace forage
