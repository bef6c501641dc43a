#include "cli/exit_status.h"

namespace forage {

int ExitStatusFor(const Status& failure, RunStage stage) {
  // Each code is named, so that a new one cannot slip through unmapped
  // (-Wswitch).
  switch (failure.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kBusy:
      // --lock, --state and a shared crawl's node id say busy: another run
      // holds them.
      return kExitLocked;
    case StatusCode::kInvalidArgument:
      // The user's to fix, also in the crawl: a shared crawl's settings
      // that differ from its first node's, or a --frontier that cannot be
      // reached, are found only once the run joins the crawl.
      if (stage != RunStage::kPublish) return kExitUsage;
      break;
    case StatusCode::kNotFound:
    case StatusCode::kIOError:
    case StatusCode::kCorrupt:
    case StatusCode::kNotSupported:
    case StatusCode::kResourceExhausted:
      break;
  }
  switch (stage) {
    case RunStage::kSetup:
      return kExitUsage;
    case RunStage::kCrawl:
      return kExitFatal;
    case RunStage::kPublish:
      return kExitSomeFailed;
  }
  return kExitFatal;
}

int ExitStatusFor(const CrawlSummary& summary) {
  if (summary.max_time_reached) return kExitMaxTime;
  if (summary.interrupted) return kExitInterrupted;
  return summary.failed > 0 ? kExitSomeFailed : kExitOk;
}

}  // namespace forage
