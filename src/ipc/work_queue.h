#pragma once

// Jobs travel from the master to each fetcher through shared memory.
//
// Why this design: the obvious Boost.Interprocess tools (message_queue,
// interprocess_mutex, interprocess_condition) all rest on process-shared
// pthread mutexes and condition variables. Boost 1.74 makes no mutex robust,
// so a holder SIGKILLed leaves it locked for good; and glibc's shared
// condition variables hang the next signaller once a waiter has been
// SIGKILLed inside a wait (glibc bug 21422), so a message_queue whose
// receiver was killed hangs the sender in send(). A fetcher may die at any
// instant, so nothing on this path may be a lock a dead process can hold.
//
// Instead each fetcher has its own single-producer, single-consumer byte ring
// (boost::lockfree::spsc_queue with a compile-time capacity, so it holds no
// pointers and lives wholly inside the mapping) in a shared mapping of its
// own, made by Boost.Interprocess over a memfd: the fetcher maps that memfd,
// whether it was forked or started as its own program (forage-fetcher). Its head and tail are
// lock-free atomics: a consumer killed mid-pop leaves, at worst, a ring the
// master throws away, and the producer never waits on anyone. Wake-ups do not
// go through the ring at all: the master writes a byte to the fetcher's
// doorbell pipe, which the fetcher watches in curl_multi_poll. The memory has
// no name (a memfd lives in no file system), so nothing is left in /dev/shm
// whatever way the processes end.
//
// The master, not the ring, is the source of truth for which jobs a fetcher
// holds: it counts a job as the fetcher's from the push until its result frame
// arrives, which is what lets it requeue exactly the right jobs on a death.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "forage/status.h"

namespace forage {

struct WorkRing;  // the shared layout, private to work_queue.cc

// One fetcher's end of the shared memory: a view, it owns nothing.
class WorkQueue {
 public:
  // Bytes the ring holds; a frame larger than this can never be pushed.
  static constexpr std::size_t kCapacityBytes = 256 * 1024;

  WorkQueue() = default;
  explicit WorkQueue(WorkRing* ring) : ring_(ring) {}

  // Master only. Pushes one whole frame (header included, see wire.h) or
  // nothing when it does not fit now; never blocks. The frame becomes visible
  // to the consumer all at once.
  bool TryPush(std::string_view frame);

  // Fetcher only. Pops the next whole frame's payload (header stripped) into
  // *payload; false when the ring is empty. Never blocks.
  bool TryPop(std::string* payload);

  // The parse watch: a fetcher says which job it is parsing and since when
  // (steady clock, ms), so that the master can kill a fetcher stuck in a
  // hostile page. Single atomic stores and loads; no lock. Both count as a
  // heartbeat too.
  void BeginParse(std::uint64_t job, std::int64_t now_ms);
  void EndParse(std::int64_t now_ms);

  // The heartbeat: a fetcher stamps the time (steady clock, ms) on every
  // turn of its loop, which comes round at least once a second, so that the
  // master can tell a fetcher that stopped (SIGSTOP, a deadlock) from one
  // that waits on the network. LastHeartbeat is 0 before the first stamp.
  void Heartbeat(std::int64_t now_ms);
  std::int64_t LastHeartbeat() const;
  struct Parsing {
    std::uint64_t job = 0;  // 0: not parsing
    std::int64_t since_ms = 0;
  };
  Parsing CurrentParse() const;

 private:
  WorkRing* ring_ = nullptr;
};

// The shared mappings holding one ring per fetcher slot, each over a memfd of
// its own. Created by the master before any fetcher starts; a forked fetcher
// uses its inherited copy of the mappings, a fetcher program maps its slot's
// memfd (Fd) with Attach.
class WorkQueueRegion {
 public:
  static Result<std::unique_ptr<WorkQueueRegion>> Create(std::size_t slots);
  // A fetcher program's view of one ring, from the memfd it was given: a
  // region of one slot (0), which it never Resets.
  static Result<std::unique_ptr<WorkQueueRegion>> Attach(int fd);
  // The memfd behind `slot`'s ring (close-on-exec; dup it to pass it on).
  int Fd(std::size_t slot) const;
  ~WorkQueueRegion();
  WorkQueueRegion(const WorkQueueRegion&) = delete;
  WorkQueueRegion& operator=(const WorkQueueRegion&) = delete;

  WorkQueue Queue(std::size_t slot);
  // Empties slot's ring. Master only, and only while no process consumes it
  // (its fetcher reaped, the replacement not yet started).
  void Reset(std::size_t slot);

 private:
  struct Mapping;
  explicit WorkQueueRegion(std::vector<Mapping> mappings);
  std::vector<Mapping> mappings_;
};

}  // namespace forage
