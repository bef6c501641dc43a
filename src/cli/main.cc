// The forage command: options in, a Crawler run, an exit status out.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <clocale>
#include <cstdio>
#include <string>

#include "cli/cli_options.h"
#include "cli/exit_status.h"
#include "cli/frontier_command.h"
#include "cli/progress_line.h"
#include "cli/run_output.h"
#include "archive/warc_writer.h"
#include "cli/run_paths.h"
#include "cli/standard_fds.h"
#include "cli/stats_file.h"
#include "cli/summary_line.h"
#include "core/allocator.h"
#include "core/log.h"
#include "core/run_lock.h"
#include "fetch/fetcher_launcher.h"
#include "forage/crawler.h"

int main(int argc, char** argv) {
  using namespace forage;
  // Every failure is logged once and becomes the exit status its code and
  // stage call for (cli/exit_status.h).
  auto fail = [](const Status& failure, RunStage stage) {
    LogError(failure.message());
    return ExitStatusFor(failure, stage);
  };
  // First of all: a closed 0, 1 or 2 would be taken by the first pipe or
  // file the run opens.
  const Result<StandardFds> standard = StandardFds::ReopenClosed();
  if (!standard.ok()) return fail(standard.status(), RunStage::kSetup);
  // `forage frontier ...` looks at a shared crawl (a file named "frontier"
  // is ./frontier).
  if (argc > 1 && std::string(argv[1]) == "frontier") return RunFrontierCommand(argc - 1, argv + 1);
  ParsedCommandLine parsed = ParseCommandLine(argc, argv);
  if (!parsed.config) {
    std::fputs(parsed.text.c_str(), parsed.exit_code == kExitOk ? stdout : stderr);
    if (parsed.exit_code != kExitOk) std::fputc('\n', stderr);
    return parsed.exit_code;
  }
  CliConfig& config = *parsed.config;
  KeepFreedMemoryForReuse();
  // Quiet unless asked on a non-terminal: cron mails whatever a job prints.
  SetLogLevel(config.log_level_set        ? config.log_level
              : ::isatty(STDERR_FILENO) ? LogLevel::kInfo
                                        : LogLevel::kWarn);
  // libcurl converts international host names to punycode only under an
  // UTF-8 character type.
  std::setlocale(LC_CTYPE, "C.UTF-8");

  if (standard.value().out_closed && config.output == "-") {
    return fail(Status::InvalidArgument(
                    "standard output is closed, and the records would go there: give -o PATH"),
                RunStage::kSetup);
  }
  if (standard.value().in_closed &&
      std::find(config.files.begin(), config.files.end(), "-") != config.files.end()) {
    LogWarn("standard input is closed: - reads nothing");
  }

  // Before anything is opened for writing: one file given two jobs (say
  // --lock urls.txt urls.txt) would be destroyed by the second.
  if (Status st = CheckPathCollisions(RunPathsOf(config), StatPath); !st.ok()) {
    return fail(st, RunStage::kSetup);
  }
  if (!config.stats_path.empty()) {
    if (Status st = CheckWritable("--stats", config.stats_path); !st.ok()) {
      return fail(st, RunStage::kSetup);
    }
  }
  if (!config.options.fetch.warc.path.empty()) {
    const std::string first = WarcSetNames(config.options.fetch.warc.path).Name(0);
    if (Status st = CheckWritable("--warc", first); !st.ok()) return fail(st, RunStage::kSetup);
  }

  // The lock comes first: a second run must not so much as read its input.
  RunLock lock;
  if (!config.lock_path.empty()) {
    Result<RunLock> acquired = RunLock::Acquire(config.lock_path);
    if (!acquired.ok()) return fail(acquired.status(), RunStage::kSetup);
    lock = std::move(acquired).value();
  }

  // From here every exit writes --stats, or leaves none: never an earlier
  // run's, which a cron job would take for this one's.
  if (!config.stats_path.empty()) {
    if (Status st = RemoveStatsFile(config.stats_path); !st.ok()) {
      return fail(st, RunStage::kSetup);
    }
  }

  // This program runs no other thread: its first fetchers may be forked.
  AllowForkingFirstFetchers();
  Crawler crawler(config.options);
  for (std::string& url : config.urls) crawler.AddSeed(std::move(url));
  for (const std::string& file : config.files) {
    if (Status st = crawler.AddSeedFile(file); !st.ok()) return fail(st, RunStage::kSetup);
  }
  auto output = RunOutput::Open(config);
  if (!output.ok()) return fail(output.status(), RunStage::kSetup);
  RunOutput& out = *output.value();
  if (Status st = out.Attach(crawler); !st.ok()) return fail(st, RunStage::kSetup);

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
  // An output that failed stopped the run, and is the failure to report.
  const Status published = out.Finish(run);
  // The stats of a run that failed say so, and count what it recorded.
  auto write_stats = [&](const CrawlSummary& s, const std::string& error) {
    if (config.stats_path.empty()) return Status();
    return WriteStatsFile(config.stats_path, s, error);
  };
  const CrawlSummary& s = run.ok() ? run.value() : crawler.LastSummary();
  if (!published.ok() || !run.ok()) {
    const Status& failure = !published.ok() ? published : run.status();
    const int status = fail(failure, !published.ok() ? RunStage::kPublish : RunStage::kCrawl);
    if (Status st = write_stats(s, failure.message()); !st.ok()) LogError(st.message());
    return status;
  }
  // A good run is silent off a terminal; one with failures, cut off, or
  // held back long, says so (cron mails it).
  Log(SummaryLevel(s), FormatSummary(s, out.has_state() ? config.state_path : "",
                                     config.options.max_time, !config.options.frontier.empty()));
  if (Status st = write_stats(s, ""); !st.ok()) return fail(st, RunStage::kPublish);
  return ExitStatusFor(s);
}
