#pragma once

// What a master does as one node of a crawl that several share (a
// RedisFrontier), besides a frontier's work: records are committed with the
// end of their lease before its output takes them, its output's position is
// kept with the crawl, it says when it has read its input, and it leaves.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "crawl/job_table.h"
#include "forage/record.h"
#include "forage/status.h"

namespace forage {

class CrawlNode {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~CrawlNode() = default;

  // Ends `job`'s lease with `record` (nullptr: the job is done without one,
  // as an unchanged page under --changed-only) in one atomic step, in which
  // the record is also kept with the crawl until the output has it
  // (OutputHas). False: the lease was lost (it lapsed while this node was
  // held up, and another node has the URL now, or Redis cannot be reached):
  // write no record.
  virtual bool Commit(const Job& job, const Record* record, bool sent) = 0;
  // The record last committed is in the output.
  virtual void OutputHas() = 0;
  // Records committed and in the output since the last SaveMark.
  virtual std::size_t Unmarked() const = 0;
  // The output holds every record this node committed, and stands at `mark`
  // (the output's own description; "" when it cannot say): kept with the
  // crawl, and the records it holds are forgotten there.
  virtual Status SaveMark(const std::string& mark) = 0;

  // Where this node's output stood when its last run saved its last mark
  // ("" if none), and the records it committed after that, which the output
  // must take before any other.
  virtual const std::string& mark() const = 0;
  virtual Status Replay(const std::function<Status(const Record&)>& write) = 0;
  // Whether Replay has records to give again: a Commit whose reply was lost
  // with the connection may have committed its record all the same (it is
  // in the crawl, and not in the output).
  virtual bool ReplayDue() const = 0;

  // This node has read all its input: the crawl need not wait for it.
  virtual void InputDone() = 0;
  // The run is over: the node leaves the crawl (leases it still holds go back).
  virtual void Leave() = 0;
  // When the node must next do its upkeep (a heartbeat, a reconnection),
  // whether or not it has room for work: a poll deadline.
  virtual std::optional<TimePoint> UpkeepDeadline() const = 0;
};

}  // namespace forage
