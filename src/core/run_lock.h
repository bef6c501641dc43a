#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "core/fd.h"
#include "forage/status.h"

namespace forage {

// --lock: one run at a time over the same files. An flock(2) on PATH, held
// until the lock is destroyed or the process ends, however it ends (the
// kernel drops it with the last descriptor, so a killed run leaves no stale
// lock). The holder writes "forage lock pid N" into the file for the next
// one to name; a file that holds anything else is not taken over, so a
// data file named by mistake is left intact. Forked fetchers close their
// copy of the descriptor at once.
class RunLock {
 public:
  RunLock() = default;  // holds nothing

  // Takes the lock at `path`, creating the file if need be. Fails with
  // kBusy when another process holds it (the message names the path and its
  // pid); kInvalidArgument when the file is not empty and not a lock file
  // (it is left untouched); the open's or flock's code when the file cannot
  // be opened or locked.
  static Result<RunLock> Acquire(const std::string& path);

  // The pid a lock file's first line names ("forage lock pid N", or the
  // bare "N" earlier versions wrote), or nullopt if the line is not a lock
  // file's (an empty line included).
  static std::optional<std::string> HolderOf(std::string_view first_line);

 private:
  UniqueFd fd_;
};

}  // namespace forage
