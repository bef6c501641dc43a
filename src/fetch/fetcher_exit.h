#pragma once

#include <string>
#include <string_view>

namespace forage {

// How a fetcher process ends: its exit status, the one thing a fetcher
// tells its master as it dies. The fetcher's loop and its program's main
// return these, a forked one _exit()s with them, and WorkerPool::Reap names
// them in the description the master logs and puts in worker_crash records.
enum FetcherExit : int {
  // Its doorbell closed with nothing left to do, or its master is gone.
  kFetcherExitDone = 0,
  // forage-fetcher started by hand, or with arguments it does not take.
  kFetcherExitUsage = 2,
  // It cannot work at all: its configuration is unreadable, or its shared
  // memory, result pipe or curl cannot be set up.
  kFetcherExitCannotWork = 3,
  // It reached --fetcher-memory (RLIMIT_DATA): a page's parse outgrew it.
  kFetcherExitOutOfMemory = 4,
  // A forked one failed inside: its descriptors could not be put in place,
  // or its entry threw (EX_SOFTWARE).
  kFetcherExitSoftware = 70,
};

// What a fetcher's exit status says, for a person: "out of memory
// (--fetcher-memory)" for kFetcherExitOutOfMemory, and so on; empty for
// kFetcherExitDone, which needs no saying, and for a status no fetcher sets.
constexpr std::string_view FetcherExitMeaning(int status) {
  switch (status) {
    case kFetcherExitUsage:
      return "started wrongly (forage-fetcher is not for running by hand)";
    case kFetcherExitCannotWork:
      return "could not set itself up (its log line says why)";
    case kFetcherExitOutOfMemory:
      return "out of memory (--fetcher-memory)";
    case kFetcherExitSoftware:
      return "failed inside (descriptors not in place, or an exception)";
    default:
      return {};
  }
}

// "exited with status 4, out of memory (--fetcher-memory)"; "exited with
// status 0".
inline std::string DescribeFetcherExit(int status) {
  std::string text = "exited with status " + std::to_string(status);
  const std::string_view meaning = FetcherExitMeaning(status);
  if (!meaning.empty()) text.append(", ").append(meaning);
  return text;
}

}  // namespace forage
