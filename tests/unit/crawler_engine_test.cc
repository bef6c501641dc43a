// The master's policy against a fake supervisor: no processes, no network.
// The fake answers each job from a script of pages, and can die holding
// work, stall, or still have results in its pipe when the run stops.

#include <unistd.h>

#include <catch2/catch.hpp>
#include <deque>
#include <map>
#include <set>

#include "core/fd.h"
#include "crawl/master.h"
#include "ipc/wire.h"

namespace forage {
namespace {

// What the fake fetchers do with a URL.
struct Page {
  int status = 200;
  std::vector<std::string> links;
  std::string redirect;
  // The first `kills` fetches of it kill the fetcher holding it (as a
  // crash would); the first `stalls` leave it silent until the master's
  // stall watch kills it.
  int kills = 0;
  int stalls = 0;
  // Never answered, as a server that holds the request (no stall: the
  // fetcher is alive and beating).
  bool held = false;
};

// What the fakes did, kept by the test (the master destroys its supervisor
// at the end of the run).
struct Seen {
  std::vector<std::string> fetched;  // URLs, in the order jobs arrived
  int deaths = 0;
  int respawns = 0;
  bool stop_killed = false;
  // Results the fake holds back until the run stops (as if still in the pipe).
  bool hold_results = false;
};

class FakeFetchers final : public FetcherSupervisor {
 public:
  FakeFetchers(std::size_t size, std::map<std::string, Page>* site, Seen* seen)
      : site_(site), seen_(*seen), running_(size, false), stalled_(size, false), dying_(size, false) {
    auto p = MakePipe();
    REQUIRE(p.ok());
    bell_read_ = std::move(p.value().read);
    bell_write_ = std::move(p.value().write);
    REQUIRE(SetNonBlocking(bell_read_.get(), true).ok());
  }

  Status Start() override {
    std::fill(running_.begin(), running_.end(), true);
    return Status();
  }
  std::size_t size() const override { return running_.size(); }
  bool Running(std::size_t slot) const override { return running_[slot]; }
  bool Ready(std::size_t slot) const override {
    return running_[slot] && !dying_[slot] && !stopped_;
  }

  bool Push(std::size_t slot, std::string_view frame) override {
    std::optional<wire::FetchJob> job = wire::DecodeJob(frame.substr(wire::kFrameHeaderBytes));
    REQUIRE(job);
    seen_.fetched.push_back(job->url);
    Page& page = (*site_)[job->url];
    if (page.kills > 0) {
      --page.kills;
      Die(slot, "killed by signal 11");
      return true;
    }
    if (page.held) return true;
    if (page.stalls > 0) {
      --page.stalls;
      stalled_[slot] = true;
      return true;
    }
    wire::FetchResult r;
    r.id = job->id;
    r.final_url = job->url;
    r.status = job->kind == wire::JobKind::kRobots && !site_->count(job->url) ? 404 : page.status;
    if (r.status >= 400) {
      r.error = ErrorKind::kHttp;
      r.error_message = "HTTP " + std::to_string(r.status);
    }
    r.links = page.links;
    r.redirect_url = page.redirect;
    Queue(slot, wire::EncodeResult(r).substr(wire::kFrameHeaderBytes));
    return true;
  }

  void AddPollFds(std::vector<pollfd>* fds) override {
    fds->push_back({bell_read_.get(), POLLIN, 0});
  }
  void Collect(const pollfd*, std::size_t) override {
    char buf[256];
    while (::read(bell_read_.get(), buf, sizeof buf) > 0) {
    }
  }
  bool Next(Event* event) override {
    if (events_.empty()) return false;
    current_ = std::move(events_.front());
    events_.pop_front();
    // As a real one: the slot is empty once its death is known.
    if (current_.event.kind == Event::Kind::kDeath) running_[current_.event.slot] = false;
    *event = current_.event;
    event->frame = current_.frame;
    return true;
  }

  void Watch(Clock::time_point, const std::vector<std::size_t>& held) override {
    for (std::size_t i = 0; i < size(); ++i) {
      if (stalled_[i] && !dying_[i] && held[i] > 0) Die(i, "stopped responding (no sign of life)");
    }
  }
  std::optional<Clock::time_point> WatchDeadline(
      Clock::time_point now, const std::vector<std::size_t>& held) const override {
    for (std::size_t i = 0; i < size(); ++i) {
      if (stalled_[i] && held[i] > 0) return now;  // overdue at once
    }
    return std::nullopt;
  }
  void Kill(std::size_t slot, const std::string& why) override { Die(slot, why); }
  Status Respawn(std::size_t slot) override {
    ++seen_.respawns;
    running_[slot] = true;
    stalled_[slot] = false;
    dying_[slot] = false;
    return Status();
  }

  void Stop(bool kill) override {
    stopped_ = true;
    seen_.stop_killed = kill;
    // Deaths are not reported any more; complete frames still are.
    std::deque<Held> frames;
    for (Held& h : events_) {
      if (h.event.kind == Event::Kind::kFrame) frames.push_back(std::move(h));
    }
    for (Held& h : held_back_) frames.push_back(std::move(h));
    held_back_.clear();
    events_ = std::move(frames);
  }
  bool Drain(Clock::time_point, Event* event) override { return Next(event); }

 private:
  struct Held {
    Event event;
    std::string frame;
  };
  void Queue(std::size_t slot, std::string payload) {
    Held h;
    h.event.kind = Event::Kind::kFrame;
    h.event.slot = slot;
    h.frame = std::move(payload);
    (seen_.hold_results ? held_back_ : events_).push_back(std::move(h));
    Ring();
  }
  void Die(std::size_t slot, std::string why) {
    ++seen_.deaths;
    stalled_[slot] = false;
    dying_[slot] = true;
    // What it had written but not yet sent is lost with it.
    std::erase_if(events_, [&](const Held& h) { return h.event.slot == slot; });
    Held h;
    h.event.kind = Event::Kind::kDeath;
    h.event.slot = slot;
    h.event.why = std::move(why);
    events_.push_back(std::move(h));
    Ring();
  }
  void Ring() {
    char b = 1;
    [[maybe_unused]] ssize_t n = ::write(bell_write_.get(), &b, 1);
  }

  std::map<std::string, Page>* site_;
  Seen& seen_;
  std::vector<bool> running_, stalled_, dying_;
  bool stopped_ = false;
  std::deque<Held> events_, held_back_;
  Held current_;
  UniqueFd bell_read_, bell_write_;
};

struct Run {
  std::map<std::string, Page> site;
  Seen seen;
  std::vector<Record> records;
  CrawlOptions options;
  std::unique_ptr<Master> master;

  explicit Run(int depth, int workers = 2) {
    options.depth = depth;
    options.workers = workers;
    options.fetch.concurrency = 4;
    options.handle_signals = false;
    options.retries = 0;
  }
  Result<CrawlSummary> Go(const std::vector<std::string>& seeds,
                          std::function<void(Run&)> on_each = nullptr) {
    master = std::make_unique<Master>(options);
    master->make_supervisor = [this](std::size_t n) -> Result<std::unique_ptr<FetcherSupervisor>> {
      return std::unique_ptr<FetcherSupervisor>(std::make_unique<FakeFetchers>(n, &site, &seen));
    };
    master->on_record = [this, on_each](const Record& r) {
      records.push_back(r);
      if (on_each) on_each(*this);
      return Status();
    };
    for (const std::string& s : seeds) master->source.AddUrl(s);
    return master->Run();
  }
  std::map<std::string, Record> ByUrl() const {
    std::map<std::string, Record> out;
    for (const Record& r : records) {
      INFO(r.url);
      CHECK(out.emplace(r.url, r).second);  // one record per URL
    }
    return out;
  }
};

TEST_CASE("Master: one record for every URL admitted, links followed", "[master]") {
  Run run(1);
  run.site["http://a.test/"].links = {"http://a.test/1", "http://a.test/2", "http://b.test/"};
  run.site["http://a.test/2"].status = 404;
  Result<CrawlSummary> s = run.Go({"http://a.test/", "http://a.test/"});
  REQUIRE(s.ok());
  std::map<std::string, Record> got = run.ByUrl();
  CHECK(got.size() == 3);  // b.test is out of scope, the repeat is skipped
  CHECK(got["http://a.test/"].ok);
  CHECK(got["http://a.test/1"].parent == "http://a.test/");
  CHECK(got["http://a.test/1"].depth == 1);
  REQUIRE(got["http://a.test/2"].error);
  CHECK(got["http://a.test/2"].error->kind == ErrorKind::kHttp);
  CHECK(s.value().records == 3);
  CHECK(s.value().ok == 2);
  CHECK(run.seen.fetched.front() == "http://a.test/robots.txt");
  CHECK(run.seen.deaths == 0);
}

TEST_CASE("Master: a fetcher dying with work gives its URLs to the replacement", "[master]") {
  Run run(1);
  // One job a fetcher: a death then counts against that job alone (a job
  // held through two deaths fails, whoever caused them).
  run.options.fetch.concurrency = 1;
  run.site["http://a.test/"].links = {"http://a.test/1", "http://a.test/2", "http://a.test/3"};
  run.site["http://a.test/2"].kills = 1;  // once: fetched again, fine
  run.site["http://a.test/3"].kills = 2;  // twice: worker_crash
  Result<CrawlSummary> s = run.Go({"http://a.test/"});
  REQUIRE(s.ok());
  std::map<std::string, Record> got = run.ByUrl();
  REQUIRE(got.size() == 4);
  CHECK(got["http://a.test/2"].ok);
  REQUIRE(got["http://a.test/3"].error);
  CHECK(got["http://a.test/3"].error->kind == ErrorKind::kWorkerCrash);
  CHECK(got["http://a.test/3"].error->message.find("died twice") != std::string::npos);
  CHECK(s.value().worker_deaths == 3);
  CHECK(run.seen.respawns == 3);
}

TEST_CASE("Master: a stalled fetcher is killed and its URL fetched again", "[master]") {
  Run run(0, 1);
  run.site["http://a.test/slow"].stalls = 1;
  Result<CrawlSummary> s = run.Go({"http://a.test/slow", "http://a.test/fast"});
  REQUIRE(s.ok());
  std::map<std::string, Record> got = run.ByUrl();
  REQUIRE(got.size() == 2);
  CHECK(got["http://a.test/slow"].ok);
  CHECK(got["http://a.test/fast"].ok);
  CHECK(s.value().worker_deaths == 1);
}

TEST_CASE("Master: fetchers that cannot stay alive end the run with worker_crash records",
          "[master]") {
  Run run(0, 1);
  for (int i = 0; i < 10; ++i) run.site["http://a.test/" + std::to_string(i)].kills = 1000;
  run.site["http://a.test/robots.txt"].kills = 1000;
  std::vector<std::string> seeds;
  for (int i = 0; i < 10; ++i) seeds.push_back("http://a.test/" + std::to_string(i));
  Result<CrawlSummary> s = run.Go(seeds);
  REQUIRE(s.ok());
  std::map<std::string, Record> got = run.ByUrl();
  CHECK(got.size() == 10);
  for (const auto& [url, r] : got) {
    INFO(url);
    REQUIRE(r.error);
    CHECK((r.error->kind == ErrorKind::kWorkerCrash));
  }
}

TEST_CASE("Master: a redirect is followed as a new hop, a loop ends the record", "[master]") {
  Run run(0);
  run.site["http://a.test/old"].redirect = "http://a.test/new";
  run.site["http://a.test/old"].status = 301;
  run.site["http://a.test/loop1"].redirect = "http://a.test/loop2";
  run.site["http://a.test/loop1"].status = 302;
  run.site["http://a.test/loop2"].redirect = "http://a.test/loop1";
  run.site["http://a.test/loop2"].status = 302;
  Result<CrawlSummary> s = run.Go({"http://a.test/old", "http://a.test/loop1"});
  REQUIRE(s.ok());
  std::map<std::string, Record> got = run.ByUrl();
  REQUIRE(got.size() == 2);
  CHECK(got["http://a.test/old"].ok);
  CHECK(got["http://a.test/old"].final_url == "http://a.test/new");
  REQUIRE(got["http://a.test/loop1"].error);
  CHECK(got["http://a.test/loop1"].error->kind == ErrorKind::kRedirectLoop);
}

TEST_CASE("Master: a stop drains what the fetchers had written, the rest is interrupted",
          "[master]") {
  Run run(0, 1);
  run.options.fetch.concurrency = 3;
  run.site["http://a.test/held"].held = true;  // in flight when the stop comes
  std::vector<std::string> seeds = {"http://a.test/held"};
  for (int i = 0; i < 19; ++i) seeds.push_back("http://a.test/" + std::to_string(i));
  bool asked = false;
  Result<CrawlSummary> s = run.Go(seeds, [&](Run& r) {
    if (asked) return;
    asked = true;
    r.seen.hold_results = true;  // what is fetched from now on waits in the "pipe"
    r.master->stop_requested.store(true);
  });
  REQUIRE(s.ok());
  CHECK(s.value().interrupted);
  CHECK(run.seen.stop_killed);
  std::map<std::string, Record> got = run.ByUrl();
  CHECK(got.size() == 20);
  std::size_t ok = 0, interrupted = 0;
  for (const auto& [url, r] : got) {
    if (r.ok) ++ok;
    if (r.error && r.error->kind == ErrorKind::kInterrupted) ++interrupted;
  }
  CHECK(ok + interrupted == 20);
  CHECK(ok >= 2);  // the first, and what was in the pipe at the stop
  REQUIRE(got["http://a.test/held"].error);
  CHECK(got["http://a.test/held"].error->kind == ErrorKind::kInterrupted);
}

// Issue 18 point 7: the poll wakes for the deadline (the held pages never
// answer, so nothing else would wake it before the 60 s cap).
TEST_CASE("Master: max_time stops the run at its deadline, as a stop would", "[master]") {
  Run run(0, 1);
  run.options.fetch.concurrency = 2;
  run.options.max_time = std::chrono::milliseconds(300);
  run.site["http://a.test/held1"].held = true;
  run.site["http://a.test/held2"].held = true;
  std::vector<std::string> seeds = {"http://a.test/0", "http://a.test/held1",
                                    "http://a.test/held2"};
  for (int i = 1; i < 6; ++i) seeds.push_back("http://a.test/" + std::to_string(i));
  const auto began = std::chrono::steady_clock::now();
  Result<CrawlSummary> s = run.Go(seeds);
  const auto took = std::chrono::steady_clock::now() - began;
  REQUIRE(s.ok());
  CHECK(took >= std::chrono::milliseconds(300));
  CHECK(took < std::chrono::seconds(10));
  CHECK(s.value().max_time_reached);
  CHECK(s.value().interrupted);
  CHECK(run.seen.stop_killed);
  std::map<std::string, Record> got = run.ByUrl();
  REQUIRE(got.size() == 8);
  std::uint64_t interrupted = 0;
  for (const auto& [url, r] : got) {
    INFO(url);
    if (r.error) {
      CHECK(r.error->kind == ErrorKind::kInterrupted);
      CHECK(r.error->message.find("--max-time") != std::string::npos);
      ++interrupted;
    }
  }
  CHECK(got["http://a.test/0"].ok);  // before the held ones took both transfers
  CHECK(interrupted == 7);
  CHECK(s.value().unfinished == interrupted);
}

TEST_CASE("Master: a run that ends before max_time is not stopped", "[master]") {
  Run run(0, 1);
  run.options.max_time = std::chrono::hours(1);
  Result<CrawlSummary> s = run.Go({"http://a.test/", "http://a.test/1"});
  REQUIRE(s.ok());
  CHECK_FALSE(s.value().max_time_reached);
  CHECK_FALSE(s.value().interrupted);
  CHECK(s.value().unfinished == 0);
  CHECK(run.ByUrl().size() == 2);
}

TEST_CASE("Master: a stop by request is not taken for the deadline", "[master]") {
  Run run(0, 1);
  run.options.max_time = std::chrono::hours(1);
  run.site["http://a.test/held"].held = true;
  Result<CrawlSummary> s = run.Go({"http://a.test/", "http://a.test/held"},
                                  [](Run& r) { r.master->stop_requested.store(true); });
  REQUIRE(s.ok());
  CHECK(s.value().interrupted);
  CHECK_FALSE(s.value().max_time_reached);
  CHECK(s.value().unfinished == 1);
}

}  // namespace
}  // namespace forage
