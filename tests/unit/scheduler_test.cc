#include "crawl/scheduler.h"

#include <catch2/catch.hpp>
#include <map>

namespace forage {
namespace {

using std::chrono::milliseconds;

// Time is passed in: the tests move it by hand.
struct FakeClock {
  TimePoint now = TimePoint{} + std::chrono::hours(1);
  void Advance(milliseconds d) { now += d; }
};

std::vector<std::uint64_t> Drain(Scheduler& s, TimePoint now) {
  std::vector<std::uint64_t> out;
  while (auto r = s.NextReady(now)) out.push_back(r->job);
  return out;
}

TEST_CASE("Scheduler keeps at most per-host jobs in flight to one host", "[scheduler]") {
  FakeClock clock;
  Scheduler s({2, milliseconds(0)});
  for (std::uint64_t j = 1; j <= 5; ++j) s.Enqueue(j, "http://a");
  CHECK(Drain(s, clock.now) == std::vector<std::uint64_t>{1, 2});
  CHECK(s.InFlight("http://a") == 2);
  CHECK(s.Pending() == 3);
  s.Finished("http://a", clock.now);
  CHECK(Drain(s, clock.now) == std::vector<std::uint64_t>{3});
  CHECK_FALSE(s.NextDeadline());  // nothing time-bound: only a Finished frees a slot
}

TEST_CASE("Scheduler lets hosts take turns", "[scheduler]") {
  FakeClock clock;
  Scheduler s({10, milliseconds(0)});
  for (std::uint64_t j = 1; j <= 4; ++j) s.Enqueue(j, "http://big");
  s.Enqueue(100, "http://small");
  s.Enqueue(101, "http://small");
  CHECK(Drain(s, clock.now) == std::vector<std::uint64_t>{1, 100, 2, 101, 3, 4});
}

TEST_CASE("Scheduler spaces request starts to one host by the delay", "[scheduler]") {
  FakeClock clock;
  Scheduler s({4, milliseconds(500)});
  s.Enqueue(1, "http://a");
  s.Enqueue(2, "http://a");
  s.Enqueue(3, "http://b");
  CHECK(Drain(s, clock.now) == std::vector<std::uint64_t>{1, 3});
  REQUIRE(s.NextDeadline());
  CHECK(*s.NextDeadline() == clock.now + milliseconds(500));
  clock.Advance(milliseconds(499));
  CHECK_FALSE(s.NextReady(clock.now));
  clock.Advance(milliseconds(1));
  CHECK(Drain(s, clock.now) == std::vector<std::uint64_t>{2});
}

TEST_CASE("A timed job waits for its moment without holding a slot", "[scheduler]") {
  FakeClock clock;
  Scheduler s({1, milliseconds(0)});
  s.EnqueueAt(7, "http://a", clock.now + milliseconds(300));
  s.Enqueue(8, "http://a");
  CHECK(s.Pending() == 2);
  CHECK(Drain(s, clock.now) == std::vector<std::uint64_t>{8});
  s.Finished("http://a", clock.now);
  CHECK(*s.NextDeadline() == clock.now + milliseconds(300));
  CHECK_FALSE(s.NextReady(clock.now + milliseconds(299)));
  CHECK(Drain(s, clock.now + milliseconds(300)) == std::vector<std::uint64_t>{7});
}

TEST_CASE("PauseHost holds one host back and not the others", "[scheduler]") {
  FakeClock clock;
  Scheduler s({4, milliseconds(0)});
  s.Enqueue(1, "http://slow");
  s.Enqueue(2, "http://fast");
  s.PauseHost("http://slow", clock.now + milliseconds(1000));
  CHECK(Drain(s, clock.now) == std::vector<std::uint64_t>{2});
  CHECK(*s.NextDeadline() == clock.now + milliseconds(1000));
  CHECK(Drain(s, clock.now + milliseconds(1000)) == std::vector<std::uint64_t>{1});
}

TEST_CASE("A blocked host lets only its front jobs through until unblocked", "[scheduler]") {
  FakeClock clock;
  Scheduler s({4, milliseconds(0)});
  s.Block("http://a");
  s.Enqueue(1, "http://a");
  s.Enqueue(99, "http://a", /*front=*/true);  // its robots.txt
  CHECK(Drain(s, clock.now) == std::vector<std::uint64_t>{99});
  s.Finished("http://a", clock.now);
  CHECK_FALSE(s.NextReady(clock.now));
  std::vector<std::uint64_t> removed =
      s.RemoveIf("http://a", [](std::uint64_t j) { return j == 5; });
  CHECK(removed.empty());
  s.Enqueue(5, "http://a");
  removed = s.RemoveIf("http://a", [](std::uint64_t j) { return j == 5; });
  CHECK(removed == std::vector<std::uint64_t>{5});
  s.Unblock("http://a", clock.now);
  CHECK(Drain(s, clock.now) == std::vector<std::uint64_t>{1});
  CHECK(s.Pending() == 0);
}

TEST_CASE("A timed front job passes its host's block when due", "[scheduler]") {
  FakeClock clock;
  Scheduler s({4, milliseconds(0)});
  s.Block("http://a");
  s.Enqueue(1, "http://a");
  s.EnqueueAt(99, "http://a", clock.now + milliseconds(50), /*front=*/true);  // robots.txt, retried
  CHECK_FALSE(s.NextReady(clock.now));
  CHECK(Drain(s, clock.now + milliseconds(50)) == std::vector<std::uint64_t>{99});
}

TEST_CASE("A host's delay can be raised but not lowered", "[scheduler]") {
  FakeClock clock;
  Scheduler s({4, milliseconds(100)});
  s.SetHostDelay("http://a", milliseconds(2000));
  s.SetHostDelay("http://a", milliseconds(50));
  s.Enqueue(1, "http://a");
  s.Enqueue(2, "http://a");
  CHECK(Drain(s, clock.now) == std::vector<std::uint64_t>{1});
  CHECK(*s.NextDeadline() == clock.now + milliseconds(2000));
}

TEST_CASE("A delay raised after a request counts from that request's start", "[scheduler]") {
  FakeClock clock;
  Scheduler s({4, milliseconds(0)});
  s.Enqueue(1, "http://a");  // say, robots.txt, which then asks for a Crawl-delay
  s.Enqueue(2, "http://a");
  CHECK(s.NextReady(clock.now)->job == 1);
  clock.Advance(milliseconds(100));
  s.SetHostDelay("http://a", milliseconds(300));
  CHECK_FALSE(s.NextReady(clock.now));
  CHECK(*s.NextDeadline() == clock.now + milliseconds(200));
}

TEST_CASE("Thousands of hosts with random limits all drain", "[scheduler]") {
  FakeClock clock;
  Scheduler s({3, milliseconds(10)});
  std::map<std::string, int> in_flight;
  std::size_t total = 0;
  for (int h = 0; h < 1000; ++h) {
    for (int j = 0; j < 5; ++j)
      s.Enqueue(static_cast<std::uint64_t>(total++), "h" + std::to_string(h));
  }
  std::size_t done = 0;
  std::vector<std::string> running;
  while (done < total) {
    while (auto r = s.NextReady(clock.now)) {
      REQUIRE(++in_flight[r->host] <= 3);
      running.push_back(r->host);
    }
    for (const std::string& host : running) {
      --in_flight[host];
      s.Finished(host, clock.now);
      ++done;
    }
    running.clear();
    if (done < total) {
      REQUIRE(s.NextDeadline());
      clock.now = *s.NextDeadline();
    }
  }
  CHECK(s.Pending() == 0);
}

}  // namespace
}  // namespace forage
