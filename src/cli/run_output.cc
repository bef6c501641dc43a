#include "cli/run_output.h"

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "cli/run_paths.h"
#include "core/log.h"
#include "core/time_format.h"
#include "crawl/crawler_internals.h"
#include "output/output_recovery.h"

namespace forage {
namespace {

bool IsRegularFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

RunOutput::~RunOutput() = default;

Result<std::unique_ptr<RunOutput>> RunOutput::Open(const CliConfig& config) {
  auto format = ChooseFormat(config.format, config.output);
  if (!format.ok()) return format.status();
  std::unique_ptr<RunOutput> out(new RunOutput(config, format.value()));

  // --state: resume the last pass or begin a new one; a run of this pass
  // killed before publishing its output left it for this one.
  RecoveredOutput recovered;
  if (!config.state_path.empty()) {
    auto opened = StateStore::Open(config.state_path);
    if (!opened.ok()) return opened.status();
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

  // A node of a shared crawl opens its output once it has joined (Open).
  if (!config.options.frontier.empty()) {
    if (config.output != "-") {
      if (Status st = CheckWritable("-o", config.output); !st.ok()) return st;
    }
    return out;
  }
  if (Status st = out->OpenSinkFor(recovered); !st.ok()) return st;
  return out;
}

Status RunOutput::OpenSinkFor(const RecoveredOutput& recovered) {
  SinkOptions sink_options;
  sink_options.with_text = config_.options.fetch.extract.text;
  sink_options.with_headers = config_.options.fetch.keep_headers;
  sink_options.with_saved = !config_.options.fetch.save_dir.empty();
  sink_options.append = config_.append;
  sink_options.resume = !recovered.adopt.empty();
  // A file output is written beside its path and moved into place at the
  // end, so that a reader never sees half of it.
  placement_ = std::make_unique<OutputPlacement>(config_.output, config_.append, recovered.adopt);
  auto sink = OpenSink(format_, placement_->write_path(), sink_options);
  if (!sink.ok()) {
    return sink.status().Prefixed("cannot open the output " + config_.output);
  }
  sink_ = std::move(sink).value();
  file_ = placement_->temporary() || IsRegularFile(placement_->write_path());
  return {};
}

Status RunOutput::Resume(const std::string& mark) {
  RecoveredOutput recovered;
  if (!mark.empty()) {
    // What this node's last run wrote: cut back to its mark and carried on
    // in (or published, if this run writes elsewhere).
    nlohmann::json j = nlohmann::json::parse(mark, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j["path"].is_string() || !j["write_path"].is_string() ||
        !j["format"].is_string() || !j["position"].is_number_integer()) {
      return Status::Corrupt(
          "the output mark this node's last run left in the crawl is unreadable");
    }
    StateStore::Output left{j["path"].get<std::string>(), j["write_path"].get<std::string>(),
                            j["format"].get<std::string>(), j["position"].get<std::int64_t>()};
    auto recovery = RecoverOutput(left, config_.output, format_, config_.append);
    if (!recovery.ok()) return recovery.status();
    recovered = std::move(recovery).value();
  }
  return OpenSinkFor(recovered);
}

Result<std::string> RunOutput::Mark() {
  if (!sink_ || !file_) return std::string();
  Result<std::int64_t> position = sink_->Checkpoint();
  if (!position.ok()) return position.status();
  nlohmann::json j = {{"path", config_.output},
                      {"write_path", placement_->write_path()},
                      {"format", std::string(FormatName(format_))},
                      {"position", position.value()}};
  return j.dump();
}

Status RunOutput::Attach(Crawler& crawler) {
  crawler.OnRecord([this](const Record& record) {
    Status st = sink_->Write(record);
    if (!st.ok() && write_error_.ok()) write_error_ = st;
    return st;
  });
  if (!config_.options.frontier.empty()) {
    CrawlerInternals::UseNodeOutput(crawler, this);
    return {};
  }
  if (!state_) return {};
  // A file can be cut back to what the state committed; a stream cannot,
  // so the state commits after each record written to one.
  const bool file = file_;
  StateStore::Output mark;
  if (file) {
    auto position = sink_->Checkpoint();
    if (!position.ok()) return position.status();
    mark = {config_.output, placement_->write_path(), std::string(FormatName(format_)),
            position.value()};
    // Each commit stores how much of the file its records fill, for a
    // resuming run to cut the file back to.
    crawler.OnCommit([this] {
      Result<std::int64_t> position = sink_->Checkpoint();
      if (!position.ok()) return position.status();
      state_->SetOutputPosition(position.value());
      return Status();
    });
  }
  state_->SetOutput(mark);
  if (Status st = state_->Commit(); !st.ok()) return st;
  CrawlerInternals::UseState(crawler, state_.get(), /*commit_each_record=*/!file);
  return {};
}

Status RunOutput::Finish(const Result<CrawlSummary>& run) {
  if (!sink_) return write_error_;  // a node that never joined its crawl
  Status closed = sink_->Close();
  // A run with a state, or a node of a shared crawl, that failed keeps its
  // file for its next run to take up, as a killed one would.
  if ((state_ || !config_.options.frontier.empty()) && !run.ok()) {
    placement_->Keep();
    // A close that fails too changes nothing: the file is kept either way,
    // and the run's (or the write's) failure is the one to report.
    return write_error_;
  }
  if (closed.ok() && write_error_.ok()) closed = placement_->Commit();
  if (!write_error_.ok() && placement_->temporary()) {
    // Half an output must not replace a whole one (the next cron job reads it).
    LogWarn(config_.output +
            " is left as it was: this run's records could not all be "
            "written, so none were published");
  }
  if (!run.ok()) return write_error_;
  // The pass is over once its records are published.
  if (state_ && closed.ok() && !run.value().interrupted) {
    closed = state_->FinishPass(UnixMillisNow());
  }
  return closed;
}

}  // namespace forage
