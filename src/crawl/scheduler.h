#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "forage/fetch_settings.h"

namespace forage {

using SchedulerClock = std::chrono::steady_clock;
using TimePoint = SchedulerClock::time_point;

// Decides which queued job may start next, honouring per-host limits, delays,
// back-off and retry times. Hosts take turns (round-robin), so one big host
// cannot starve the rest. Every wait is a deadline for the master's poll
// loop, never a sleep. Master only; not thread-safe. Time is passed in, so
// tests drive it with any clock.
class Scheduler {
 public:
  struct Limits {
    int per_host = 4;                    // transfers in flight to one host
    std::chrono::milliseconds delay{0};  // minimum gap between request starts to one host
    // Host tables whose per_host and delay replace those above for the
    // hosts they match (see HostSettings).
    std::vector<HostSettings> hosts = {};
  };
  explicit Scheduler(Limits limits);

  // Queues a job for `host` (any key naming a host; forage uses the origin).
  // `front`: ahead of the host's other jobs (a requeued job, a robots.txt).
  void Enqueue(std::uint64_t job, std::string_view host, bool front = false);
  // Queues a job again once `not_before` has come (a retry's back-off). It
  // holds no transfer slot meanwhile. `front` as for Enqueue.
  void EnqueueAt(std::uint64_t job, std::string_view host, TimePoint not_before,
                 bool front = false);

  // The next job allowed to start at `now`, or nullopt if none is ready yet;
  // the job counts as in flight for its host until Finished(). "None ready"
  // is not "none left": ask Pending() for that.
  struct Ready {
    std::uint64_t job;
    std::string host;
    // The host has a delay: nothing else starts there until this job's
    // start is confirmed by Started() or Finished().
    bool confirm = false;
  };
  std::optional<Ready> NextReady(TimePoint now);
  // `job`'s request to `host` had gone out by `sent` (a time taken after the
  // send, so that it is never early): the host's delay counts from then. A
  // job already confirmed, or not waiting for it, is ignored.
  void Started(std::string_view host, std::uint64_t job, TimePoint sent);
  // `job` no longer holds a transfer slot of `host` (it ended, or its fetcher
  // died). An unconfirmed start is confirmed as of `now`.
  void Finished(std::string_view host, std::uint64_t job, TimePoint now);

  // The earliest moment a waiting job may become ready: the poll timeout.
  std::optional<TimePoint> NextDeadline() const;

  // Holds back every request to `host` until `until` (a 429 or 503 slowed it).
  void PauseHost(std::string_view host, TimePoint until);
  // Raises `host`'s delay to at least `delay` (robots.txt Crawl-delay),
  // counted from its last request start as far as known: a confirmed start,
  // or else the end of the last job that finished (robots.txt, usually).
  void SetHostDelay(std::string_view host, std::chrono::milliseconds delay);
  // Blocks `host` until a matching Unblock (one of its origins' robots.txt
  // is being fetched; blocks count, so two origins of one host each hold it);
  // jobs queued with `front` still go (the robots.txt jobs themselves).
  void Block(std::string_view host);
  void Unblock(std::string_view host, TimePoint now);
  // Takes out, in queue order, the host's queued jobs that `remove` selects.
  template <typename Pred>
  std::vector<std::uint64_t> RemoveIf(std::string_view host, Pred remove);

  // Jobs queued or waiting for a retry time (not those in flight).
  std::size_t Pending() const { return queued_ + timed_.size(); }
  std::size_t InFlight(std::string_view host) const;

 private:
  struct Host {
    std::string name;
    std::deque<std::uint64_t> queue;
    std::size_t priority = 0;  // jobs at the queue's front that may pass a block
    int in_flight = 0;
    TimePoint next_start{};  // delay or pause
    // The latest time known to be at or after a request start (a confirmed
    // start, a job's end), or else a job's dispatch.
    std::optional<TimePoint> last_start;
    std::optional<std::uint64_t> unconfirmed;  // started under a delay, not yet confirmed
    std::chrono::milliseconds delay{0};
    int per_host = 4;
    int blocks = 0;
    bool listed = false;  // in ready_ or in waiting_ already
  };
  struct Timed {
    TimePoint at;
    std::uint64_t job;
    std::size_t host;
    bool front;
    bool operator>(const Timed& o) const { return at > o.at; }
  };
  struct Wake {
    TimePoint at;
    std::size_t host;
    bool operator>(const Wake& o) const { return at > o.at; }
  };

  std::size_t HostIndex(std::string_view host);
  bool CanStart(const Host& h) const;
  // The host's latest request start was at `at` (or before): the delay
  // counts from then.
  void Confirm(std::size_t index, TimePoint at);
  // Puts `h` where it belongs: the ready ring, the waiting heap, or nowhere
  // (nothing queued, at its cap, or blocked).
  void List(std::size_t index, TimePoint now);

  Limits limits_;
  std::vector<Host> hosts_;
  std::unordered_map<std::string, std::size_t> index_;
  std::deque<std::size_t> ready_;
  std::priority_queue<Wake, std::vector<Wake>, std::greater<>> waiting_;
  std::priority_queue<Timed, std::vector<Timed>, std::greater<>> timed_;
  std::size_t queued_ = 0;
};

template <typename Pred>
std::vector<std::uint64_t> Scheduler::RemoveIf(std::string_view host, Pred remove) {
  std::vector<std::uint64_t> out;
  auto it = index_.find(std::string(host));
  if (it == index_.end()) return out;
  Host& h = hosts_[it->second];
  std::deque<std::uint64_t> kept;
  std::size_t kept_priority = 0;
  for (std::size_t i = 0; i < h.queue.size(); ++i) {
    std::uint64_t job = h.queue[i];
    if (remove(job)) {
      out.push_back(job);
    } else {
      kept.push_back(job);
      if (i < h.priority) ++kept_priority;
    }
  }
  h.priority = kept_priority;
  queued_ -= out.size();
  h.queue.swap(kept);
  return out;
}

}  // namespace forage
