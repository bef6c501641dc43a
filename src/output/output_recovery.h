#pragma once

#include <string>

#include "forage/status.h"
#include "output/sink.h"
#include "state/state_store.h"

namespace forage {

// With --state, what becomes of the output a run of the same pass left
// behind when it was killed: its temporary file, never renamed into place,
// holding the records that run committed to the state and perhaps some more.
//
// That file is first cut back to the committed position (bytes for jsonl and
// csv, rows after the committed row id for sqlite): the records past it
// belong to URLs the state still has pending, which this run fetches and
// writes again. Then, when this run writes to the same PATH in the same
// format, it carries on in that file (`adopt` is its name), so the output it
// publishes holds the records of both runs, each once. Otherwise the file is
// renamed into its own place (`published` is that PATH), with a warning.
// Outputs written in place (--append) are cut back the same way.
//
// Outputs that ended normally (interrupted ones included) were published by
// their run and are left alone: each run's output holds the records that run
// published. Standard output, devices and FIFOs cannot be cut back; nothing
// is done for them.
struct RecoveredOutput {
  std::string adopt;      // a temporary file for this run to continue, or ""
  std::string published;  // where the cut-off run's records were put, or ""
};
Result<RecoveredOutput> RecoverOutput(const StateStore::Output& left, const std::string& path,
                                      OutputFormat format, bool append);

// Cuts `path` back to `position` (see RecordSink::Checkpoint). Fails naming
// the path.
Status TruncateOutput(OutputFormat format, const std::string& path, std::int64_t position);

}  // namespace forage
