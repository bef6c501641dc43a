#include "cli/run_output.h"

#include <sys/stat.h>

#include "core/log.h"
#include "core/time_format.h"
#include "output/output_recovery.h"

namespace forage {
namespace {

bool IsRegularFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

RunOutput::~RunOutput() = default;

Result<std::unique_ptr<RunOutput>> RunOutput::Open(const CliConfig& config, int* exit_code) {
  *exit_code = kExitUsage;
  auto format = ChooseFormat(config.format, config.output);
  if (!format.ok()) return format.status();
  std::unique_ptr<RunOutput> out(new RunOutput(config, format.value()));

  // --state: resume the last pass or begin a new one; a run of this pass
  // killed before publishing its output left it for this one.
  RecoveredOutput recovered;
  if (!config.state_path.empty()) {
    StateStore::OpenError why = StateStore::OpenError::kNone;
    auto opened = StateStore::Open(config.state_path, &why);
    if (!opened.ok()) {
      if (why == StateStore::OpenError::kBusy) *exit_code = kExitLocked;
      return opened.status();
    }
    out->state_ = std::move(opened).value();
    auto pass = out->state_->BeginPass(UnixMillisNow());
    if (!pass.ok()) return pass.status();
    std::optional<StateStore::Output> left;
    if (pass.value().resumed && (left = out->state_->LastOutput())) {
      auto recovery = RecoverOutput(*left, config.output, out->format_, config.append);
      if (!recovery.ok()) return recovery.status();
      recovered = std::move(recovery).value();
    }
  }

  SinkOptions sink_options;
  sink_options.with_text = config.options.fetch.extract.text;
  sink_options.append = config.append;
  sink_options.resume = !recovered.adopt.empty();
  // A file output is written beside its path and moved into place at the
  // end, so that a reader never sees half of it.
  out->placement_ =
      std::make_unique<OutputPlacement>(config.output, config.append, recovered.adopt);
  auto sink = OpenSink(out->format_, out->placement_->write_path(), sink_options);
  if (!sink.ok()) {
    return Status::Error("cannot open the output " + config.output + ": " +
                         sink.status().message());
  }
  out->sink_ = std::move(sink).value();
  return out;
}

Status RunOutput::Attach(Crawler& crawler) {
  crawler.OnRecord([this](const Record& record) {
    Status st = sink_->Write(record);
    sink_failed_ = !st.ok();
    return st;
  });
  if (!state_) return {};
  // A file can be cut back to what the state committed; a stream cannot,
  // so the state commits after each record written to one.
  const bool file = placement_->temporary() || IsRegularFile(placement_->write_path());
  StateStore::Output mark;
  if (file) {
    auto position = sink_->Checkpoint();
    if (!position.ok()) return position.status();
    mark = {config_.output, placement_->write_path(), std::string(FormatName(format_)),
            position.value()};
    crawler.OnCheckpoint([this] { return sink_->Checkpoint(); });
  }
  state_->SetOutput(mark);
  if (Status st = state_->Commit(); !st.ok()) return st;
  crawler.UseState(state_.get(), /*commit_each_record=*/!file);
  return {};
}

Status RunOutput::Finish(const Result<CrawlSummary>& run) {
  Status closed = sink_->Close();
  if (state_ && !run.ok()) {
    placement_->Keep();
    return closed;
  }
  if (closed.ok() && !sink_failed_) closed = placement_->Commit();
  if (sink_failed_ && placement_->temporary()) {
    // Half an output must not replace a whole one (the next cron job reads it).
    LogWarn(config_.output +
            " is left as it was: this run's records could not all be "
            "written, so none were published");
  }
  // The pass is over once its records are published.
  if (state_ && run.ok() && closed.ok() && !run.value().interrupted) {
    closed = state_->FinishPass(UnixMillisNow());
  }
  return closed;
}

}  // namespace forage
