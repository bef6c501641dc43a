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
// and the write end of its result pipe, it returns an exit code (a
// FetcherExit, fetch/fetcher_exit.h). Its
// inherited big-parse token is WorkerPool::InheritedBigParseFd().
using FetcherEntry = std::function<int(WorkQueue queue, int doorbell_fd, int result_fd)>;

// The fixed pool of fetcher processes and their channels: per slot a
// work ring in shared memory, a doorbell pipe (master -> fetcher, wake-ups
// only) and a result pipe (fetcher -> master, frames). Master process only;
// not thread-safe. It knows processes, not jobs: which jobs a slot holds is
// the caller's business.
//
// A fetcher starts in one of two ways:
// - forked, running an entry function in a copy of the master. Only safe
//   when the master has no other threads (a thread holding a lock at the
//   fork leaves the lock held forever in the child).
// - as its own program (forage-fetcher), started with posix_spawn, so that no
//   code runs in a copy of the host at all: safe whatever threads the
//   embedding program has. It gets its ring's memfd, its doorbell, its
//   result pipe, its configuration (a memfd holding
//   wire::EncodeFetcherConfig's payload) and the pool's big-parse token at
//   the numbers fetcher_fds.h names, and "--master PID --slot N" as
//   arguments. A forked fetcher finds its doorbell, result pipe and token at
//   the same numbers.
//
// The big-parse token is one memfd ("forage-big-parse") for the whole pool,
// made here: a fetcher about to parse a big page takes an flock on it (see
// Fetcher and kBigPageBytes), so that at most one fetcher at a time holds a
// big page's tree in memory. flock locks belong to open file descriptions,
// and every descriptor a child inherits shares the master's, so each fetcher
// reopens the token through /proc/self/fd for a description of its own. The
// kernel drops a lock when its holder dies, so nothing needs cleaning up, and
// the master itself never locks it.
//
// Either way a child keeps only its own descriptors plus stderr, has stdin
// and stdout on /dev/null, dies with the master (PR_SET_PDEATHSIG, then a
// getppid check), and ignores SIGINT (the master decides how a run stops) and
// SIGPIPE.
class WorkerPool {
 public:
  // Maps the rings; starts nothing yet. Fetchers are forked into `entry`.
  static Result<std::unique_ptr<WorkerPool>> Create(std::size_t size, FetcherEntry entry);
  // The same, for fetchers started as the program `program` with `config`.
  // With `first_start`, each slot's first fetcher is forked into it instead,
  // as long as this process's heap is small (kForkHeapBytes): a fetcher
  // program spends some 15 ms loading its libraries (libcurl's forty),
  // which a short run feels, while a copy of this process has them loaded.
  // Replacements are always started as the program, so that none inherits
  // a big heap against its --fetcher-memory. Only for a caller with no
  // other threads (the forage command).
  static Result<std::unique_ptr<WorkerPool>> CreateSpawning(std::size_t size,
                                                            std::string program,
                                                            std::string config,
                                                            FetcherEntry first_start = nullptr);
  // The most heap (malloc's, as mallinfo2 counts it) this process may hold
  // for CreateSpawning's first fetchers to be forked.
  static constexpr std::size_t kForkHeapBytes = 64u << 20;
  // Kills (SIGKILL) and reaps any child still running.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  std::size_t size() const { return slots_.size(); }

  // Starts a fetcher in `slot`, which must not be running, on an emptied ring.
  Status Spawn(std::size_t slot);
  bool Running(std::size_t slot) const { return slots_[slot].pid > 0; }
  // Whether the slot's fetcher said it can take work (its first frame).
  bool Ready(std::size_t slot) const { return Running(slot) && slots_[slot].ready; }
  void MarkReady(std::size_t slot) { slots_[slot].ready = true; }
  pid_t Pid(std::size_t slot) const { return slots_[slot].pid; }

  // Pushes a frame to the slot's ring and rings its doorbell; false when the
  // ring has no room now. Never blocks. With Ring::kLater the doorbell waits
  // for RingPending: a master pushing several jobs in one turn wakes each
  // fetcher once (a write in the master, a read in the fetcher, saved per
  // job), and must call RingPending before it sleeps.
  enum class Ring { kNow, kLater };
  bool Push(std::size_t slot, std::string_view frame, Ring ring = Ring::kNow);
  // Rings every doorbell a Ring::kLater push left silent.
  void RingPending();

  // The slot's queue, for the master's side of the parse watch.
  WorkQueue Queue(std::size_t slot) { return region_->Queue(slot); }

  // Non-blocking read end of the slot's result pipe; EOF means the fetcher is
  // gone (only it holds the write end).
  int ResultFd(std::size_t slot) const { return slots_[slot].results.get(); }

  // After EOF (or to get rid of a misbehaving fetcher): makes sure the child
  // is dead, reaps it, closes the slot's pipes and returns how it ended, e.g.
  // "killed by signal 9 (Killed)", "exited with status 0", or, for a status
  // fetch/fetcher_exit.h names, "exited with status 4, out of memory
  // (--fetcher-memory)".
  std::string Reap(std::size_t slot);

  // No more work: closes every doorbell, so idle fetchers exit.
  void CloseDoorbells();
  // Sends `signal` to every running child.
  void SignalAll(int signal);

  // The pool's big-parse token (close-on-exec; in the master its open file
  // description is shared with every forked child, so never lock it
  // through this descriptor: reopen it, as fetchers do).
  int BigParseFd() const { return big_parse_.get(); }
  // In a forked fetcher: the big-parse token it inherited (an fd at a fixed
  // number, sharing the master's open file description). -1 in any other
  // process, a spawned fetcher included (it finds the token at
  // fetcher_fds::kBigParse).
  static int InheritedBigParseFd();

 private:
  struct Slot {
    pid_t pid = -1;
    bool ready = false;
    bool started = false;  // a fetcher was started here before
    bool ring_pending = false;  // pushed to with Ring::kLater, not rung yet
    UniqueFd doorbell;  // write end, non-blocking
    UniqueFd results;   // read end, non-blocking
  };
  WorkerPool(std::unique_ptr<WorkQueueRegion> region, UniqueFd big_parse, std::size_t size,
             FetcherEntry entry, std::string program, std::string config);
  static Result<std::unique_ptr<WorkerPool>> Make(std::size_t size, FetcherEntry entry,
                                                  std::string program, std::string config);
  [[noreturn]] void RunChild(std::size_t slot, int doorbell_fd, int result_fd, pid_t master);
  Result<pid_t> SpawnProgram(std::size_t slot, int doorbell_fd, int result_fd);

  std::unique_ptr<WorkQueueRegion> region_;
  UniqueFd big_parse_;  // the big-parse token's memfd
  std::vector<Slot> slots_;
  FetcherEntry entry_;   // forked fetchers (with a program: first ones only)
  std::string program_;  // or spawned ones
  std::string config_;
};

}  // namespace forage
