#pragma once

#include "forage/crawler.h"

namespace forage {

class StateStore;  // state/state_store.h

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
};

}  // namespace forage
