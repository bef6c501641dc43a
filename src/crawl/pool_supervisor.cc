#include "crawl/pool_supervisor.h"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "core/fd.h"
#include "ipc/wire.h"

namespace forage {
namespace {

// Seconds for a message, to one decimal: "123.4".
std::string Seconds(std::chrono::duration<double> d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", d.count());
  return buf;
}

}  // namespace

PoolSupervisor::PoolSupervisor(std::unique_ptr<WorkerPool> pool, Limits limits)
    : pool_(std::move(pool)),
      limits_(limits),
      buffers_(pool_->size(), FrameBuffer(wire::kMaxResultBytes)),
      drained_(pool_->size(), false),
      last_heard_(pool_->size(), Clock::now()) {}

PoolSupervisor::~PoolSupervisor() = default;

Status PoolSupervisor::Start() {
  for (std::size_t i = 0; i < pool_->size(); ++i) {
    if (Status st = pool_->Spawn(i); !st.ok()) {
      return st.Prefixed("cannot start fetcher processes");
    }
  }
  return Status();
}

// The doorbell rings when the master is about to sleep (AddPollFds), once
// for all the jobs a slot got in the turn.
bool PoolSupervisor::Push(std::size_t slot, std::string_view frame) {
  return pool_->Push(slot, frame, WorkerPool::Ring::kLater);
}

void PoolSupervisor::AddPollFds(std::vector<pollfd>* fds) {
  pool_->RingPending();
  for (std::size_t i = 0; i < pool_->size(); ++i) {
    // A dead slot's entry is ignored by poll (negative fd), so that entries
    // and slots stay in step.
    fds->push_back({pool_->Running(i) ? pool_->ResultFd(i) : -1, POLLIN, 0});
  }
}

void PoolSupervisor::Collect(const pollfd* fds, std::size_t count) {
  readable_.clear();
  next_readable_ = 0;
  for (std::size_t i = 0; i < count && i < pool_->size(); ++i) {
    if (fds[i].revents != 0 && pool_->Running(i)) readable_.push_back(i);
  }
}

bool PoolSupervisor::Next(Event* event) {
  for (;;) {
    if (!deaths_.empty()) {
      *event = std::move(deaths_.front());
      deaths_.erase(deaths_.begin());
      return true;
    }
    if (next_readable_ >= readable_.size()) return false;
    const std::size_t slot = readable_[next_readable_];
    std::string_view frame;
    if (pool_->Running(slot) && NextFrame(slot, &frame) == Read::kFrame) {
      if (wire::IsReady(frame)) {  // its first frame: it can take work
        pool_->MarkReady(slot);
        continue;
      }
      *event = Event{};
      event->kind = Event::Kind::kFrame;
      event->slot = slot;
      event->frame = frame;
      return true;
    }
    ++next_readable_;  // drained for now, or gone (its death is queued)
  }
}

PoolSupervisor::Read PoolSupervisor::NextFrame(std::size_t slot, std::string_view* frame) {
  char buf[64 * 1024];
  FrameBuffer& frames = buffers_[slot];
  for (;;) {
    FrameBuffer::State state = frames.Next(frame);
    if (state == FrameBuffer::State::kFrame) return Read::kFrame;
    if (state == FrameBuffer::State::kCorrupt) {
      ::kill(pool_->Pid(slot), SIGKILL);
      Died(slot, "sent a corrupt frame; " + pool_->Reap(slot), 0);
      return Read::kGone;
    }
    // A pipe's read returns all it holds up to the buffer's size: after a
    // short one it is empty, and the next poll says when it is not (one
    // read a wake-up rather than two, the second failing with EAGAIN).
    if (drained_[slot]) {
      drained_[slot] = false;
      return Read::kEmpty;
    }
    ssize_t n = ReadSome(pool_->ResultFd(slot), buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Read::kEmpty;
    if (n <= 0) {
      Died(slot, pool_->Reap(slot), 0);
      return Read::kGone;
    }
    last_heard_[slot] = Clock::now();
    drained_[slot] = static_cast<std::size_t>(n) < sizeof buf;
    frames.Append(std::string_view(buf, static_cast<std::size_t>(n)));
  }
}

// A fetcher is gone (its pipe said EOF, or it was killed). Complete frames it
// wrote were given out already; a torn one is dropped.
void PoolSupervisor::Died(std::size_t slot, std::string why, JobId culprit) {
  Event e;
  e.kind = Event::Kind::kDeath;
  e.slot = slot;
  e.why = std::move(why);
  e.culprit = culprit;
  // The parse stamp outlives the process: a fetcher that died in the middle
  // of a parse (a crash, out of memory) was most likely killed by that page.
  if (culprit == 0) e.parsing = pool_->Queue(slot).CurrentParse().job;
  e.torn = buffers_[slot].PendingBytes();
  buffers_[slot] = FrameBuffer(wire::kMaxResultBytes);
  drained_[slot] = false;
  if (draining_) return;
  deaths_.push_back(std::move(e));
}

void PoolSupervisor::Kill(std::size_t slot, const std::string& why) {
  if (!pool_->Running(slot)) return;
  ::kill(pool_->Pid(slot), SIGKILL);
  Died(slot, why + "; " + pool_->Reap(slot), 0);
}

// Two watches over the fetchers (the join-with-a-timeout of a process pool):
// - a fetcher parsing one page for longer than --parse-timeout is stuck in
//   a hostile document: it is killed, and that page is the culprit;
// - a fetcher holding work that shows no sign of life for --stall-timeout
//   outside a parse has stopped (SIGSTOP, a deadlock): it is killed.
void PoolSupervisor::Watch(Clock::time_point now, const std::vector<std::size_t>& held) {
  const auto now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  for (std::size_t i = 0; i < pool_->size(); ++i) {
    if (!pool_->Running(i)) continue;
    WorkQueue::Parsing p = pool_->Queue(i).CurrentParse();
    if (p.job != 0) {
      if (now_ms - p.since_ms < limits_.parse_timeout.count()) continue;
      ::kill(pool_->Pid(i), SIGKILL);
      Died(i, "was stuck parsing a page; " + pool_->Reap(i), p.job);
    } else if (pool_->Ready(i) && i < held.size() && held[i] > 0) {
      const Clock::duration silent = now - LastSignOfLife(i);
      if (silent < limits_.stall_timeout) continue;
      ::kill(pool_->Pid(i), SIGKILL);
      Died(i, "stopped responding (no sign of life for " + Seconds(silent) +
                  " s, --stall-timeout); " + pool_->Reap(i), 0);
    }
  }
}

// The later of the fetcher's last heartbeat and the last bytes read from it.
PoolSupervisor::Clock::time_point PoolSupervisor::LastSignOfLife(std::size_t slot) const {
  const Clock::time_point beat{std::chrono::milliseconds(pool_->Queue(slot).LastHeartbeat())};
  return std::max(beat, last_heard_[slot]);
}

// A parse that started, or a fetcher that stopped, after the master went to
// sleep sends no signal, so while any fetcher holds work the master also
// wakes every quarter of --parse-timeout: a stuck parse is then killed
// within 1.25 times the limit, at no cost to the pipes.
std::optional<PoolSupervisor::Clock::time_point> PoolSupervisor::WatchDeadline(
    Clock::time_point now, const std::vector<std::size_t>& held) const {
  std::optional<Clock::time_point> out;
  for (std::size_t i = 0; i < pool_->size(); ++i) {
    if (!pool_->Running(i) || i >= held.size() || held[i] == 0) continue;
    Clock::time_point at = now + limits_.parse_timeout / 4;
    WorkQueue::Parsing p = pool_->Queue(i).CurrentParse();
    if (p.job != 0) {
      at = std::min(
          at, Clock::time_point{std::chrono::milliseconds(p.since_ms) + limits_.parse_timeout});
    } else if (pool_->Ready(i)) {
      at = std::min(at, LastSignOfLife(i) + limits_.stall_timeout);
    }
    if (!out || at < *out) out = at;
  }
  return out;
}

Status PoolSupervisor::Respawn(std::size_t slot) {
  last_heard_[slot] = Clock::now();
  return pool_->Spawn(slot);
}

void PoolSupervisor::Stop(bool kill) {
  draining_ = true;
  drain_slot_ = 0;
  deaths_.clear();
  if (kill) {
    pool_->SignalAll(SIGKILL);
  } else {
    pool_->CloseDoorbells();
  }
}

// Reads whatever each fetcher still writes until EOF or `deadline`, then
// reaps it (killing it if need be); one fetcher after another.
bool PoolSupervisor::Drain(Clock::time_point deadline, Event* event) {
  while (drain_slot_ < pool_->size()) {
    const std::size_t slot = drain_slot_;
    if (!pool_->Running(slot)) {
      ++drain_slot_;
      continue;
    }
    std::string_view frame;
    Read got = NextFrame(slot, &frame);
    if (got == Read::kFrame) {
      if (wire::IsReady(frame)) continue;
      *event = Event{};
      event->kind = Event::Kind::kFrame;
      event->slot = slot;
      event->frame = frame;
      return true;
    }
    if (got == Read::kGone) continue;  // reaped: Running() is false now
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd p{pool_->ResultFd(slot), POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) == 0) {
      pool_->Reap(slot);  // kills it if need be
    }
  }
  return false;
}

}  // namespace forage
