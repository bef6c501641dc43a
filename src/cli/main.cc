// The forage command: options in, a Crawler run, an exit status out.

#include <unistd.h>

#include <sys/stat.h>

#include <chrono>
#include <clocale>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/cli_options.h"
#include "cli/progress_line.h"
#include "cli/stats_file.h"
#include "core/log.h"
#include "core/run_lock.h"
#include "forage/crawler.h"
#include "out/output_placement.h"
#include "out/output_recovery.h"
#include "out/sink.h"
#include "state/state_store.h"

namespace {

std::int64_t NowUnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsRegularFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace forage;
  ParsedCommandLine parsed = ParseCommandLine(argc, argv);
  if (!parsed.config) {
    std::fputs(parsed.text.c_str(), parsed.exit_code == kExitOk ? stdout : stderr);
    if (parsed.exit_code != kExitOk) std::fputc('\n', stderr);
    return parsed.exit_code;
  }
  CliConfig& config = *parsed.config;
  // Quiet unless asked on a non-terminal: cron mails whatever a job prints.
  SetLogLevel(config.log_level_set        ? config.log_level
              : ::isatty(STDERR_FILENO) ? LogLevel::kInfo
                                        : LogLevel::kWarn);
  // libcurl converts international host names to punycode only under an
  // UTF-8 character type.
  std::setlocale(LC_CTYPE, "C.UTF-8");

  // The lock comes first: a second run must not so much as read its input.
  RunLock lock;
  if (!config.lock_path.empty()) {
    std::string message;
    switch (RunLock::Acquire(config.lock_path, &lock, &message)) {
      case RunLock::Outcome::kAcquired:
        break;
      case RunLock::Outcome::kBusy:
        LogError(message);
        return kExitLocked;
      case RunLock::Outcome::kError:
        LogError(message);
        return kExitUsage;
    }
  }

  Crawler crawler(config.options);
  for (std::string& url : config.urls) crawler.AddSeedUrl(std::move(url));
  for (const std::string& file : config.files) {
    if (Status st = crawler.AddSeedFile(file); !st.ok()) {
      LogError(st.message());
      return kExitUsage;
    }
  }
  auto format = ChooseFormat(config.format, config.output);
  if (!format.ok()) {
    LogError(format.status().message());
    return kExitUsage;
  }

  // --state: resume the last pass or begin a new one; a run of this pass
  // killed before publishing its output left it for this one.
  std::unique_ptr<StateStore> state;
  RecoveredOutput recovered;
  if (!config.state_path.empty()) {
    StateStore::OpenError why = StateStore::OpenError::kNone;
    auto opened = StateStore::Open(config.state_path, &why);
    if (!opened.ok()) {
      LogError(opened.status().message());
      return why == StateStore::OpenError::kBusy ? kExitLocked : kExitUsage;
    }
    state = std::move(opened).value();
    auto pass = state->BeginPass(NowUnixMs());
    if (!pass.ok()) {
      LogError(pass.status().message());
      return kExitUsage;
    }
    if (std::optional<StateStore::Output> left; pass.value().resumed && (left = state->LastOutput())) {
      auto recovery = RecoverOutput(*left, config.output, format.value(), config.append);
      if (!recovery.ok()) {
        LogError(recovery.status().message());
        return kExitUsage;
      }
      recovered = std::move(recovery).value();
    }
  }

  SinkOptions sink_options;
  sink_options.with_text = config.options.text;
  sink_options.append = config.append;
  sink_options.resume = !recovered.adopt.empty();
  // A file output is written beside its path and moved into place at the
  // end, so that a reader never sees half of it.
  OutputPlacement placement(config.output, config.append, recovered.adopt);
  auto sink = OpenSink(format.value(), placement.write_path(), sink_options);
  if (!sink.ok()) {
    LogError("cannot open the output " + config.output + ": " + sink.status().message());
    return kExitUsage;
  }
  RecordSink& out = *sink.value();
  if (state) {
    // A file can be cut back to what the state committed; a stream cannot,
    // so the state commits after each record written to one.
    const bool file = placement.temporary() || IsRegularFile(placement.write_path());
    StateStore::Output mark;
    if (file) {
      auto position = out.Checkpoint();
      if (!position.ok()) {
        LogError(position.status().message());
        return kExitUsage;
      }
      mark = {config.output, placement.write_path(), std::string(FormatName(format.value())),
              position.value()};
      crawler.OnCheckpoint([&out] { return out.Checkpoint(); });
    }
    state->SetOutput(mark);
    if (Status st = state->Commit(); !st.ok()) {
      LogError(st.message());
      return kExitUsage;
    }
    crawler.UseState(state.get(), /*commit_each_record=*/!file);
  }
  bool sink_failed = false;
  crawler.OnRecord([&out, &sink_failed](const Record& record) {
    Status st = out.Write(record);
    sink_failed = !st.ok();
    return st;
  });

  const bool progress =
      config.progress == CliConfig::Progress::kOn ||
      (config.progress == CliConfig::Progress::kAuto && !config.quiet && ::isatty(STDERR_FILENO));
  if (progress) {
    crawler.OnProgress([](const CrawlProgress& p) { SetStatusLine(FormatProgress(p)); },
                       std::chrono::milliseconds(250));
  }

  Result<CrawlSummary> run = crawler.Run();
  if (progress) {
    SetStatusLine("");
    std::fputc('\n', stderr);
  }
  Status closed = out.Close();
  // Whatever ending wrote records (interrupted ones included) publishes
  // them; an output that failed leaves the previous file in place. With a
  // state, a run that failed keeps its file for the next run to take up,
  // as a killed one would.
  if (state && !run.ok()) {
    placement.Keep();
  } else if (closed.ok() && !sink_failed) {
    closed = placement.Commit();
  }
  // The pass is over once its records are published.
  if (state && run.ok() && closed.ok() && !run.value().interrupted) {
    closed = state->FinishPass(NowUnixMs());
  }
  if (!run.ok()) {
    // Options were checked before the run; what stops it now is a sink that
    // failed (status 1) or a run that could not go on.
    LogError(run.status().message());
    return sink_failed ? kExitSomeFailed : kExitFatal;
  }
  if (!closed.ok()) {
    LogError(closed.message());
    return kExitSomeFailed;
  }
  const CrawlSummary& s = run.value();
  char line[200];
  std::snprintf(line, sizeof line, "%llu URL(s): %llu ok, %llu failed, %llu skipped in %.2f s%s",
                static_cast<unsigned long long>(s.records), static_cast<unsigned long long>(s.ok),
                static_cast<unsigned long long>(s.failed),
                static_cast<unsigned long long>(s.skipped), s.seconds,
                s.interrupted ? " (interrupted)" : "");
  std::string summary = line;
  if (state) {
    summary += "; " + std::to_string(s.unchanged) + " unchanged, " + std::to_string(s.not_due) +
               " not due" +
               (s.interrupted ? "; the rest stays pending in " + config.state_path : "");
  }
  LogInfo(summary);
  if (!config.stats_path.empty()) {
    if (Status st = WriteStatsFile(config.stats_path, s); !st.ok()) {
      LogError(st.message());
      return kExitSomeFailed;
    }
  }
  if (s.interrupted) return kExitInterrupted;
  return s.failed > 0 ? kExitSomeFailed : kExitOk;
}
