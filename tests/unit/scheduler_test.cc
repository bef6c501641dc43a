#include "crawl/scheduler.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <queue>
#include <random>

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
  s.Finished("http://a", 1, clock.now);
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
  s.Started("http://a", 1, clock.now);
  REQUIRE(s.NextDeadline());
  CHECK(*s.NextDeadline() == clock.now + milliseconds(500));
  clock.Advance(milliseconds(499));
  CHECK_FALSE(s.NextReady(clock.now));
  clock.Advance(milliseconds(1));
  CHECK(Drain(s, clock.now) == std::vector<std::uint64_t>{2});
}

TEST_CASE("The delay counts from when the request went out, not from its dispatch",
          "[scheduler]") {
  // Job 1 waits 300 ms in a busy fetcher before its request goes out; job 2
  // must still go out no sooner than the delay after it, whoever sends it.
  FakeClock clock;
  Scheduler s({4, milliseconds(250)});
  s.Enqueue(1, "http://a");
  s.Enqueue(2, "http://a");
  auto first = s.NextReady(clock.now);
  REQUIRE(first);
  CHECK(first->job == 1);
  CHECK(first->confirm);
  const TimePoint dispatched = clock.now;
  clock.Advance(milliseconds(400));
  CHECK_FALSE(s.NextReady(clock.now));  // unconfirmed: when it goes out is not known
  CHECK_FALSE(s.NextDeadline());        // and no time will tell: only Started or Finished
  s.Started("http://a", 1, dispatched + milliseconds(300));
  CHECK(*s.NextDeadline() == dispatched + milliseconds(550));
  CHECK_FALSE(s.NextReady(dispatched + milliseconds(549)));
  CHECK(Drain(s, dispatched + milliseconds(550)) == std::vector<std::uint64_t>{2});
}

TEST_CASE("A job that ends unconfirmed counts as started when it ends", "[scheduler]") {
  // A connect failure sends no request and so reports none; a robots.txt
  // job follows redirects inside curl, and is confirmed by its end too.
  FakeClock clock;
  Scheduler s({4, milliseconds(100)});
  for (std::uint64_t j = 1; j <= 3; ++j) s.Enqueue(j, "http://a");
  CHECK(Drain(s, clock.now) == std::vector<std::uint64_t>{1});
  s.Finished("http://a", 1, clock.now + milliseconds(40));
  CHECK(*s.NextDeadline() == clock.now + milliseconds(140));
  CHECK(Drain(s, clock.now + milliseconds(140)) == std::vector<std::uint64_t>{2});
  // A fetcher that dies holding job 2 may have sent it just before: the
  // death counts as its start.
  s.Finished("http://a", 2, clock.now + milliseconds(900));
  CHECK(*s.NextDeadline() == clock.now + milliseconds(1000));
}

TEST_CASE("Only the awaited job's confirmation counts, and only once", "[scheduler]") {
  FakeClock clock;
  Scheduler s({4, milliseconds(100)});
  for (std::uint64_t j = 1; j <= 3; ++j) s.Enqueue(j, "http://a");
  CHECK(Drain(s, clock.now) == std::vector<std::uint64_t>{1});
  s.Started("http://a", 7, clock.now);   // not a job of this host's
  s.Started("http://b", 1, clock.now);   // not this host
  CHECK_FALSE(s.NextDeadline());
  s.Started("http://a", 1, clock.now + milliseconds(10));
  s.Started("http://a", 1, clock.now);   // a repeat cannot move the start back
  s.Finished("http://a", 1, clock.now);  // nor can the end of a confirmed job
  CHECK(*s.NextDeadline() == clock.now + milliseconds(110));
}

TEST_CASE("Without a delay nothing waits for a confirmation", "[scheduler]") {
  FakeClock clock;
  Scheduler s({3, milliseconds(0)});
  for (std::uint64_t j = 1; j <= 4; ++j) s.Enqueue(j, "http://a");
  for (std::uint64_t j = 1; j <= 3; ++j) {
    auto r = s.NextReady(clock.now);
    REQUIRE(r);
    CHECK(r->job == j);
    CHECK_FALSE(r->confirm);
  }
  CHECK_FALSE(s.NextReady(clock.now));  // the per-host cap, not a confirmation
  s.Finished("http://a", 2, clock.now);
  CHECK(Drain(s, clock.now) == std::vector<std::uint64_t>{4});
}

TEST_CASE("Under a delay, per-host above 1 still overlaps long requests", "[scheduler]") {
  FakeClock clock;
  Scheduler s({2, milliseconds(100)});
  for (std::uint64_t j = 1; j <= 3; ++j) s.Enqueue(j, "http://a");
  CHECK(Drain(s, clock.now) == std::vector<std::uint64_t>{1});
  s.Started("http://a", 1, clock.now);
  CHECK(Drain(s, clock.now + milliseconds(100)) == std::vector<std::uint64_t>{2});
  s.Started("http://a", 2, clock.now + milliseconds(100));
  // Jobs 1 and 2 are both in flight: job 3 needs a slot, whatever the time.
  CHECK_FALSE(s.NextReady(clock.now + milliseconds(5000)));
  s.Finished("http://a", 1, clock.now + milliseconds(5000));
  CHECK(Drain(s, clock.now + milliseconds(5000)) == std::vector<std::uint64_t>{3});
}

TEST_CASE("A pause and the delay from a confirmed start both hold", "[scheduler]") {
  for (int pause_ms : {1000, 100}) {
    INFO("pause " << pause_ms << " ms");
    FakeClock clock;
    Scheduler s({4, milliseconds(200)});
    s.Enqueue(1, "http://a");
    s.Enqueue(2, "http://a");
    CHECK(Drain(s, clock.now) == std::vector<std::uint64_t>{1});
    s.PauseHost("http://a", clock.now + milliseconds(pause_ms));  // Retry-After of another job
    s.Started("http://a", 1, clock.now + milliseconds(50));
    const TimePoint due = clock.now + milliseconds(std::max(pause_ms, 250));
    CHECK(*s.NextDeadline() == due);
    CHECK_FALSE(s.NextReady(due - milliseconds(1)));
    CHECK(Drain(s, due) == std::vector<std::uint64_t>{2});
  }
}

// A small world of fetchers that hold jobs for random times before sending
// them (descheduled, busy parsing), report the sending late or never, and
// die now and then. Whatever they do, the requests one host receives are
// spaced by its delay and never more than per-host overlap.
TEST_CASE("Requests to a host are spaced by the delay whatever the fetchers' lag",
          "[scheduler]") {
  std::mt19937 random(15);
  auto between = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(random); };
  for (int per_host : {1, 2, 4}) {
    INFO("per-host " << per_host);
    FakeClock clock;
    const milliseconds delay(100);
    Scheduler s({per_host, delay});
    s.SetHostDelay("h0", milliseconds(250));  // a Crawl-delay
    enum class What { kSend, kReport, kFinish };
    struct Event {
      TimePoint at;
      What what;
      Scheduler::Ready job;
      TimePoint sent;  // kReport: the time reported
      bool operator>(const Event& o) const { return at > o.at; }
    };
    std::priority_queue<Event, std::vector<Event>, std::greater<>> events;
    std::map<std::string, std::vector<TimePoint>> sends;
    std::map<std::string, int> in_flight;
    std::size_t total = 0, done = 0;
    for (int h = 0; h < 6; ++h) {
      for (int j = 0; j < 25; ++j) s.Enqueue(total++, "h" + std::to_string(h));
    }
    while (done < total) {
      while (auto r = s.NextReady(clock.now)) {
        REQUIRE(++in_flight[r->host] <= per_host);
        // Held in the fetcher 0 to 60 ms, sometimes 400 ms; one in ten
        // fails before sending anything, one in ten sends and then dies.
        const int roll = between(0, 9);
        const milliseconds lag(between(0, 9) == 0 ? 400 : between(0, 60));
        if (roll == 0) {
          events.push({clock.now + lag, What::kFinish, *r, {}});
        } else {
          events.push({clock.now + lag, What::kSend, *r, {}});
        }
      }
      TimePoint next = TimePoint::max();
      if (!events.empty()) next = events.top().at;
      if (auto deadline = s.NextDeadline()) next = std::min(next, *deadline);
      REQUIRE(next != TimePoint::max());
      clock.now = std::max(clock.now, next);
      while (!events.empty() && events.top().at <= clock.now) {
        Event e = events.top();
        events.pop();
        switch (e.what) {
          case What::kSend: {
            sends[e.job.host].push_back(e.at);
            // The time is read after the send, then travels a pipe; the
            // result follows it in the same pipe. A dying fetcher reports
            // nothing, and its death is seen later still.
            const TimePoint read = e.at + milliseconds(between(0, 3));
            const TimePoint arrives = read + milliseconds(between(0, 30));
            const bool dies = between(0, 9) == 0;
            if (e.job.confirm && !dies) events.push({arrives, What::kReport, e.job, read});
            events.push({arrives + milliseconds(between(dies ? 0 : 1, 300)), What::kFinish, e.job,
                         {}});
            break;
          }
          case What::kReport:
            s.Started(e.job.host, e.job.job, e.sent);
            break;
          case What::kFinish:
            --in_flight[e.job.host];
            s.Finished(e.job.host, e.job.job, e.at);
            ++done;
            break;
        }
      }
    }
    CHECK(s.Pending() == 0);
    for (auto& [host, times] : sends) {
      INFO(host);
      std::sort(times.begin(), times.end());
      const milliseconds want = host == "h0" ? milliseconds(250) : delay;
      for (std::size_t i = 1; i < times.size(); ++i) CHECK(times[i] - times[i - 1] >= want);
    }
  }
}

TEST_CASE("A timed job waits for its moment without holding a slot", "[scheduler]") {
  FakeClock clock;
  Scheduler s({1, milliseconds(0)});
  s.EnqueueAt(7, "http://a", clock.now + milliseconds(300));
  s.Enqueue(8, "http://a");
  CHECK(s.Pending() == 2);
  CHECK(Drain(s, clock.now) == std::vector<std::uint64_t>{8});
  s.Finished("http://a", 8, clock.now);
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
  s.Finished("http://a", 99, clock.now);
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
  s.Started("http://a", 1, clock.now);
  CHECK(*s.NextDeadline() == clock.now + milliseconds(2000));
}

TEST_CASE("A Crawl-delay learnt from robots.txt counts from the robots.txt job's end",
          "[scheduler]") {
  // Without --delay the robots.txt job went unconfirmed: its request went
  // out at some moment before its result came.
  FakeClock clock;
  Scheduler s({4, milliseconds(0)});
  s.Block("http://a");
  s.Enqueue(1, "http://a");
  s.Enqueue(99, "http://a", /*front=*/true);
  CHECK(Drain(s, clock.now) == std::vector<std::uint64_t>{99});
  s.Finished("http://a", 99, clock.now + milliseconds(120));
  s.SetHostDelay("http://a", milliseconds(300));
  s.Unblock("http://a", clock.now + milliseconds(120));
  CHECK_FALSE(s.NextReady(clock.now + milliseconds(419)));
  CHECK(Drain(s, clock.now + milliseconds(420)) == std::vector<std::uint64_t>{1});
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
  std::vector<Scheduler::Ready> running;
  while (done < total) {
    while (auto r = s.NextReady(clock.now)) {
      REQUIRE(++in_flight[r->host] <= 3);
      running.push_back(*r);
    }
    for (const Scheduler::Ready& r : running) {
      --in_flight[r.host];
      s.Finished(r.host, r.job, clock.now);
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
