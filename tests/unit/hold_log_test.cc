#include "crawl/hold_log.h"

#include <catch2/catch.hpp>

namespace forage {
namespace {

using std::chrono::seconds;

TEST_CASE("Retry-After holds are summed per host, overlaps counted once", "[hold_log]") {
  HoldLog log;
  const HoldLog::Clock::time_point t0{};
  CHECK(log.Seconds().empty());
  log.Add("a.test", t0, t0 + seconds(120));
  log.Add("a.test", t0 + seconds(60), t0 + seconds(150));   // 30 s beyond the first
  log.Add("a.test", t0 + seconds(70), t0 + seconds(100));   // inside: nothing more
  log.Add("a.test", t0 + seconds(200), t0 + seconds(210));  // after a gap: 10 s more
  log.Add("b.test", t0, t0 + seconds(5));
  const auto held = log.Seconds();
  REQUIRE(held.size() == 2);
  CHECK(held.at("a.test") == Approx(160));
  CHECK(held.at("b.test") == Approx(5));
}

}  // namespace
}  // namespace forage
