// The master as one node of a shared crawl (CrawlOptions::frontier): it
// joins, first writes what its last run committed and its output lacks,
// commits each record with the end of its lease before the output takes
// it, marks how far the output has got, and leaves.

#include "core/log.h"
#include "crawl/master.h"
#include "crawl/redis_frontier.h"
#include "crawl/result_record.h"

namespace forage {

Status Master::JoinCrawl() {
  if (state) {
    return Status::InvalidArgument(
        "--frontier cannot be combined with --state: a shared crawl "
        "keeps its state in Redis");
  }
  auto made = RedisFrontier::Create(options, on_admit, source.HasInput());
  if (!made.ok()) return made.status();
  RedisFrontier* shared = made.value().get();
  node = shared;
  frontier = std::move(made).value();
  if (node_output) {
    if (Status st = node_output->Resume(node->mark()); !st.ok()) return st;
  }
  // Records committed after the last mark may be missing from the output
  // (its run was killed before it marked them): they go first, and a mark
  // follows at once.
  if (Status st = ReplayCommitted(); !st.ok()) return st;
  last_mark = Clock::now();
  MaybeMark(/*now=*/true);
  return fatal;
}

// Writes the records the crawl holds as this node's and its output lacks:
// at the start, those of a killed run; after Redis came back, those whose
// commit went through though its reply was lost.
Status Master::ReplayCommitted() {
  return node->Replay([this](const Record& record) {
    Tally(record, &summary);
    return on_record ? on_record(record) : Status();
  });
}

// Emit for a node: the record is written only if its lease was still this
// node's when it was committed, in the same step that ended the lease.
void Master::EmitShared(Job job, Record record) {
  const Clock::time_point now = Clock::now();
  if (output_failed || !fatal.ok()) return frontier->Finish(job, nullptr, now);
  if (!node->Commit(job, &record, record.fetched_at_ms.has_value())) return;
  Tally(record, &summary);
  if (on_record) {
    if (Status st = on_record(record); !st.ok()) {
      // Committed, not written: the next run of this node writes it.
      output_failed = true;
      return StopFor(st);
    }
  }
  node->OutputHas();
  MaybeMark(node_output && node_output->MarkEachRecord());
}

// Marks where the output stands about once a second (and after each
// record for an output that cannot be cut back): the output is made
// durable first, so the mark never runs ahead of it.
void Master::MaybeMark(bool now) {
  if (!node || output_failed || node->Unmarked() == 0) return;
  if (!now && node->Unmarked() < 1000 && Clock::now() - last_mark < std::chrono::seconds(1)) {
    return;
  }
  last_mark = Clock::now();
  if (on_commit) {
    if (Status st = on_commit(); !st.ok()) return StopFor(st);
  }
  std::string mark;
  if (node_output) {
    Result<std::string> got = node_output->Mark();
    if (!got.ok()) return StopFor(got.status());
    mark = std::move(got).value();
  }
  // Redis away: the records stay kept there, and the next mark covers them.
  if (Status st = node->SaveMark(mark); !st.ok()) {
    LogDebug("the output's mark was not saved: " + st.message());
  } else {
    LogDebug("marked the output: " + std::to_string(summary.records) + " record(s) in it");
  }
}

void Master::LeaveCrawl() {
  if (!node) return;
  MaybeMark(/*now=*/true);
  node->Leave();
}

}  // namespace forage
