#pragma once

// The master's view of its fetcher processes: slots it pushes job frames
// to, and events it gets back (a frame a fetcher sent, a fetcher's death).
// Which jobs a slot holds is the master's business, not the supervisor's:
// the master says how many when the supervisor needs to know (its watches).
// An interface so that the master's policy is tested against a fake (see
// tests/unit/crawler_engine_test.cc); PoolSupervisor is the real one.

#include <poll.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crawl/job_table.h"
#include "forage/status.h"

namespace forage {

class FetcherSupervisor {
 public:
  using Clock = std::chrono::steady_clock;

  struct Event {
    enum class Kind { kFrame, kDeath };
    Kind kind = Kind::kFrame;
    std::size_t slot = 0;
    // kFrame: the payload, valid until the next call on the supervisor.
    std::string_view frame;
    // kDeath: how it went ("was stuck parsing a page; killed by signal 9"),
    // the page that got it killed (a parse past --parse-timeout; 0: none)
    // and the page it was parsing when it died (0: none). The slot is empty
    // until Respawn.
    std::string why;
    JobId culprit = 0;
    JobId parsing = 0;
    std::size_t torn = 0;  // bytes of a frame it had not finished, dropped
  };

  virtual ~FetcherSupervisor() = default;

  // Starts a fetcher in every slot.
  virtual Status Start() = 0;
  virtual std::size_t size() const = 0;
  // Whether the slot's fetcher is running / said it can take work.
  virtual bool Running(std::size_t slot) const = 0;
  virtual bool Ready(std::size_t slot) const = 0;
  // Hands a job frame to the slot; false when it has no room now (it frees
  // as the fetcher takes work). Never blocks.
  virtual bool Push(std::size_t slot, std::string_view frame) = 0;

  // Appends what the master's poll must watch for this supervisor; after
  // the poll, Collect gets those entries back (same order, revents set).
  virtual void AddPollFds(std::vector<pollfd>* fds) = 0;
  virtual void Collect(const pollfd* fds, std::size_t count) = 0;
  // The next event, if any. Frames come in the order each fetcher sent them.
  virtual bool Next(Event* event) = 0;

  // The watches over fetchers holding work (`held[slot]` jobs): a fetcher
  // stuck parsing one page past --parse-timeout, or silent past
  // --stall-timeout, is killed; its death comes through Next. WatchDeadline
  // says when to look again.
  virtual void Watch(Clock::time_point now, const std::vector<std::size_t>& held) = 0;
  virtual std::optional<Clock::time_point> WatchDeadline(
      Clock::time_point now, const std::vector<std::size_t>& held) const = 0;
  // Gets rid of a misbehaving fetcher (it sent a frame that does not
  // decode): its death, with `why`, comes through Next.
  virtual void Kill(std::size_t slot, const std::string& why) = 0;
  // Starts a new fetcher in a dead slot.
  virtual Status Respawn(std::size_t slot) = 0;

  // The end of a run: closes the doorbells so idle fetchers leave (or, with
  // `kill`, kills them all at once), then Drain gives the frames they had
  // written, each fetcher's in turn, until each has gone or `deadline`
  // (then it is killed). Deaths are not reported any more.
  virtual void Stop(bool kill) = 0;
  virtual bool Drain(Clock::time_point deadline, Event* event) = 0;
};

}  // namespace forage
