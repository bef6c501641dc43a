#pragma once

#include <memory>
#include <string>

#include "cli/cli_options.h"
#include "crawl/crawler_internals.h"
#include "forage/crawler.h"
#include "forage/status.h"
#include "output/output_placement.h"
#include "output/output_recovery.h"
#include "output/sink.h"
#include "state/state_store.h"

namespace forage {

// Where one run of the forage command writes, and with --state how its
// records and the state are kept in step: the sink behind its placement
// (a temporary file renamed into place at the end), and the state whose
// pass the run resumes or begins. With --frontier the crawl keeps the
// output's marks instead (NodeOutput): the sink is opened once the node has
// joined, carrying on from where the crawl says its last run stood. Master
// only.
class RunOutput final : public NodeOutput {
 public:
  // Opens the state (resuming or beginning its pass, and cutting back or
  // taking up what a killed run of the pass left), then the sink. On failure
  // the Status says what and where; kBusy: another run holds the state.
  static Result<std::unique_ptr<RunOutput>> Open(const CliConfig& config);
  ~RunOutput();
  RunOutput(const RunOutput&) = delete;
  RunOutput& operator=(const RunOutput&) = delete;

  // Sends the crawler's records to the sink and, with a state, hands the
  // crawler the state: batched commits that checkpoint a file output, or a
  // commit after every record for a stream. This object must outlive Run().
  Status Attach(Crawler& crawler);

  // After Run(): closes the sink and publishes the file whatever ending
  // wrote records (interrupted ones included; an output that failed leaves
  // the previous file in place). With a state, a run that failed keeps its
  // file for the next run to take up, as a killed one would, and a run
  // that finished its pass ends the pass once the records are published.
  //
  // Fails with the output's own failure: a record it could not take (which
  // stopped the run), else, for a run that did not fail, closing or
  // publishing the file or ending the pass. For a run that failed otherwise
  // it returns ok: the run's failure is the one to report.
  Status Finish(const Result<CrawlSummary>& run);

  bool has_state() const { return state_ != nullptr; }

  // NodeOutput, for --frontier. A mark is JSON: the -o path, the file
  // really written, the format and the checkpoint position.
  Status Resume(const std::string& mark) override;
  Result<std::string> Mark() override;
  bool MarkEachRecord() const override { return !file_; }

 private:
  RunOutput(const CliConfig& config, OutputFormat format) : config_(config), format_(format) {}
  Status OpenSinkFor(const RecoveredOutput& recovered);

  const CliConfig& config_;
  OutputFormat format_;
  std::unique_ptr<StateStore> state_;
  std::unique_ptr<OutputPlacement> placement_;
  std::unique_ptr<RecordSink> sink_;
  Status write_error_;  // the first record the sink could not take
  bool file_ = false;   // the output is a file that can be cut back to a checkpoint
};

}  // namespace forage
