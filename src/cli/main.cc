// The forage command: options in, a Crawler run, an exit status out.

#include <unistd.h>

#include <chrono>
#include <clocale>
#include <cstdio>
#include <string>

#include "cli/cli_options.h"
#include "cli/progress_line.h"
#include "cli/run_output.h"
#include "cli/stats_file.h"
#include "cli/summary_line.h"
#include "core/log.h"
#include "core/run_lock.h"
#include "forage/crawler.h"

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
  for (std::string& url : config.urls) crawler.AddSeed(std::move(url));
  for (const std::string& file : config.files) {
    if (Status st = crawler.AddSeedFile(file); !st.ok()) {
      LogError(st.message());
      return kExitUsage;
    }
  }
  int exit_code = kExitUsage;
  auto output = RunOutput::Open(config, &exit_code);
  if (!output.ok()) {
    LogError(output.status().message());
    return exit_code;
  }
  RunOutput& out = *output.value();
  if (Status st = out.Attach(crawler); !st.ok()) {
    LogError(st.message());
    return kExitUsage;
  }

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
  Status closed = out.Finish(run);
  if (!run.ok()) {
    // Options were checked before the run; what stops it now is a sink that
    // failed (status 1) or a run that could not go on.
    LogError(run.status().message());
    return out.sink_failed() ? kExitSomeFailed : kExitFatal;
  }
  if (!closed.ok()) {
    LogError(closed.message());
    return kExitSomeFailed;
  }
  const CrawlSummary& s = run.value();
  // A good run is silent off a terminal; one with failures, cut off, or
  // held back long, says so (cron mails it).
  Log(SummaryLevel(s), FormatSummary(s, out.has_state() ? config.state_path : ""));
  if (!config.stats_path.empty()) {
    if (Status st = WriteStatsFile(config.stats_path, s); !st.ok()) {
      LogError(st.message());
      return kExitSomeFailed;
    }
  }
  if (s.interrupted) return kExitInterrupted;
  return s.failed > 0 ? kExitSomeFailed : kExitOk;
}
