#pragma once

#include <memory>
#include <vector>

#include "crawl/fetcher_supervisor.h"
#include "forage/options.h"
#include "ipc/frame_buffer.h"
#include "ipc/worker_pool.h"

namespace forage {

// The fetcher processes of a WorkerPool: each slot's result pipe read into
// a FrameBuffer, the parse and stall watches on its ring's stamps, deaths
// reaped and described. Master only; not thread-safe.
class PoolSupervisor final : public FetcherSupervisor {
 public:
  struct Limits {
    std::chrono::milliseconds parse_timeout{10'000};
    std::chrono::milliseconds stall_timeout{30'000};
  };
  PoolSupervisor(std::unique_ptr<WorkerPool> pool, Limits limits);
  ~PoolSupervisor() override;

  Status Start() override;
  std::size_t size() const override { return pool_->size(); }
  bool Running(std::size_t slot) const override { return pool_->Running(slot); }
  bool Ready(std::size_t slot) const override { return pool_->Ready(slot); }
  bool Push(std::size_t slot, std::string_view frame) override;

  void AddPollFds(std::vector<pollfd>* fds) override;
  void Collect(const pollfd* fds, std::size_t count) override;
  bool Next(Event* event) override;

  void Watch(Clock::time_point now, const std::vector<std::size_t>& held) override;
  std::optional<Clock::time_point> WatchDeadline(
      Clock::time_point now, const std::vector<std::size_t>& held) const override;
  void Kill(std::size_t slot, const std::string& why) override;
  Status Respawn(std::size_t slot) override;

  void Stop(bool kill) override;
  bool Drain(Clock::time_point deadline, Event* event) override;

 private:
  enum class Read { kFrame, kEmpty, kGone };
  // The slot's next whole frame into *frame, reading its pipe (without
  // blocking) when the buffer has none; kGone once the slot died (its death
  // is queued) or, when draining, was reaped.
  Read NextFrame(std::size_t slot, std::string_view* frame);
  void Died(std::size_t slot, std::string why, JobId culprit);
  Clock::time_point LastSignOfLife(std::size_t slot) const;

  std::unique_ptr<WorkerPool> pool_;
  Limits limits_;
  std::vector<FrameBuffer> buffers_;
  // Whether a slot's last read was short (its pipe was left empty).
  std::vector<bool> drained_;
  // When each fetcher's result pipe last gave bytes: a sign of life that a
  // fetcher blocked writing to a busy master cannot stamp as a heartbeat.
  std::vector<Clock::time_point> last_heard_;
  std::vector<std::size_t> readable_;  // slots the last poll found readable, in order
  std::size_t next_readable_ = 0;
  std::vector<Event> deaths_;  // queued, given out before frames
  bool draining_ = false;
  std::size_t drain_slot_ = 0;
};

}  // namespace forage
