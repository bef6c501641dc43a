#pragma once

#include "forage/crawler.h"

#include <string>

#include "forage/status.h"

namespace forage {

class StateStore;  // state/state_store.h

// The output of one node of a shared crawl (CrawlOptions::frontier), as the
// forage command keeps it: opened only once the node has joined the crawl,
// from where the crawl says this node's last run left it.
class NodeOutput {
 public:
  virtual ~NodeOutput() = default;
  // Opens the output to carry on from `mark` (what Mark() gave the node's
  // last run; "": afresh). Fails naming the path.
  virtual Status Resume(const std::string& mark) = 0;
  // Makes every record written so far durable against this process's death
  // and says where the output stands ("": it cannot say, as for a pipe).
  virtual Result<std::string> Mark() = 0;
  // Whether a mark must follow each record: an output that cannot be cut
  // back (a pipe) then repeats at most one record after a kill.
  virtual bool MarkEachRecord() const = 0;
};

// What the forage command needs of a Crawler beyond the public API: a state
// it opened itself, before the run, because it keeps its output file in step
// with the state (it cuts the output back to the pass's last commit before
// opening it, and stores the output's position with every commit through
// Crawler::OnCommit). Embedders use CrawlOptions::state_path instead.
struct CrawlerInternals {
  // Keeps the crawler's frontier and outcomes in `state`, which the caller
  // opened, keeps alive over Run(), and on which it has called BeginPass().
  // Run() then works as with CrawlOptions::state_path (which must be empty),
  // except that it never finishes the pass: the caller calls FinishPass()
  // once the records are safely published. nullptr: no state again.
  //
  // Commits come in batches (about one a second); with `commit_each_record`
  // one follows each record, for outputs that cannot be cut back to a
  // checkpoint (a pipe): a master killed between the two then repeats at
  // most that one record on resuming.
  static void UseState(Crawler& crawler, StateStore* state, bool commit_each_record);

  // With CrawlOptions::frontier: records go to OnRecord as always, but the
  // output is opened through `output` once the node has joined (before any
  // record, and before the records its last run committed and its output
  // may lack are written again), and its marks are what the crawl keeps.
  // nullptr: none again. `output` must outlive Run().
  static void UseNodeOutput(Crawler& crawler, NodeOutput* output);
};

}  // namespace forage
