#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/fd.h"
#include "forage/status.h"
#include "ipc/work_queue.h"

namespace forage {

// What a forked fetcher runs: given its queue, the read end of its doorbell
// and the write end of its result pipe, it returns an exit code.
using FetcherEntry = std::function<int(WorkQueue queue, int doorbell_fd, int result_fd)>;

// The fixed pool of forked fetcher processes and their channels: per slot a
// work ring in shared memory, a doorbell pipe (master -> fetcher, wake-ups
// only) and a result pipe (fetcher -> master, frames). Master process only;
// not thread-safe. It knows processes, not jobs: which jobs a slot holds is
// the caller's business.
//
// Fork hygiene: a child keeps only its own doorbell (fd 3) and result pipe
// (fd 4) plus stderr, has stdin and stdout on /dev/null, dies with the master
// (PR_SET_PDEATHSIG, then a getppid check), ignores SIGINT (the master decides
// how a run stops) and SIGPIPE, and leaves through _exit.
class WorkerPool {
 public:
  // Maps the rings; forks nothing yet.
  static Result<std::unique_ptr<WorkerPool>> Create(std::size_t size, FetcherEntry entry);
  // Kills (SIGKILL) and reaps any child still running.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  std::size_t size() const { return slots_.size(); }

  // Forks a fetcher into `slot`, which must not be running, on an emptied ring.
  Status Spawn(std::size_t slot);
  bool Running(std::size_t slot) const { return slots_[slot].pid > 0; }
  pid_t Pid(std::size_t slot) const { return slots_[slot].pid; }

  // Pushes a frame to the slot's ring and rings its doorbell; false when the
  // ring has no room now. Never blocks.
  bool Push(std::size_t slot, std::string_view frame);

  // The slot's queue, for the master's side of the parse watch.
  WorkQueue Queue(std::size_t slot) { return region_->Queue(slot); }

  // Non-blocking read end of the slot's result pipe; EOF means the fetcher is
  // gone (only it holds the write end).
  int ResultFd(std::size_t slot) const { return slots_[slot].results.get(); }

  // After EOF (or to get rid of a misbehaving fetcher): makes sure the child
  // is dead, reaps it, closes the slot's pipes and returns how it ended, e.g.
  // "killed by signal 9" or "exited with status 0".
  std::string Reap(std::size_t slot);

  // No more work: closes every doorbell, so idle fetchers exit.
  void CloseDoorbells();
  // Sends `signal` to every running child.
  void SignalAll(int signal);

 private:
  struct Slot {
    pid_t pid = -1;
    UniqueFd doorbell;  // write end, non-blocking
    UniqueFd results;   // read end, non-blocking
  };
  WorkerPool(std::unique_ptr<WorkQueueRegion> region, std::size_t size, FetcherEntry entry);
  [[noreturn]] void RunChild(std::size_t slot, int doorbell_fd, int result_fd, pid_t master);

  std::unique_ptr<WorkQueueRegion> region_;
  std::vector<Slot> slots_;
  FetcherEntry entry_;
};

}  // namespace forage
