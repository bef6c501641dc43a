#pragma once

#include <sys/types.h>

#include <string>

#include "core/fd.h"
#include "forage/status.h"

namespace forage {

// --lock: one run at a time over the same files. An flock(2) on PATH, held
// until the lock is destroyed or the process ends, however it ends (the
// kernel drops it with the last descriptor, so a killed run leaves no stale
// lock). The holder writes its pid into the file for the next one to name.
// Forked fetchers close their copy of the descriptor at once.
class RunLock {
 public:
  enum class Outcome { kAcquired, kBusy, kError };
  // kBusy: another process holds it; *message names the path and its pid.
  // kError: the file cannot be opened or locked; *message says why.
  static Outcome Acquire(const std::string& path, RunLock* lock, std::string* message);

 private:
  UniqueFd fd_;
};

}  // namespace forage
