#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cli/exit_status.h"
#include "core/log.h"
#include "forage/options.h"
#include "forage/status.h"

namespace forage {

// What the command line asks for.
struct CliConfig {
  CrawlOptions options;
  std::vector<std::string> files;  // "-" is standard input
  std::vector<std::string> urls;   // --url values, read before the files
  std::string output = "-";
  std::string format;      // --format; empty: from the output's extension
  std::string stats_path;  // --stats: write the run's statistics as JSON here
  std::string lock_path;   // --lock: hold an flock here for the whole run
  bool append = false;     // --append to the output instead of replacing it
  // --state: resumable runs, conditional recrawls. Not options.state_path:
  // the command opens the state itself, to keep its output file in step
  // with it (see RunOutput).
  std::string state_path;
  std::string config_path;  // --config: the TOML file read, if any
  enum class Progress { kAuto, kOn, kOff } progress = Progress::kAuto;
  // --log-level or --quiet; when neither is given (log_level_set false) the
  // command logs at info on a terminal and at warn elsewhere, so a cron job
  // mails nothing unless something went wrong.
  LogLevel log_level = LogLevel::kInfo;
  bool log_level_set = false;
  bool quiet = false;
};

// Parses "NAME=CSS" or "NAME=CSS@attr" (the last '@' outside brackets and
// quotes starts the attribute). Fails saying what is wrong; the CSS itself
// is checked by the selector parser.
Result<FieldRule> ParseFieldRule(std::string_view text);

// "90", "90s", "30m", "12h", "7d", "1.5h", "250ms", "1h30m": a duration (a
// bare number is seconds; in a compound one the units go from the largest
// to the smallest, each once). Fails saying what is wrong.
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);

// Either a config to run, or an immediate exit: --help and --version print
// `text` to stdout and exit 0; a usage error prints one line (`text`) to
// stderr and exits kExitUsage. `--config FILE` (TOML) supplies defaults that
// the command line overrides.
struct ParsedCommandLine {
  std::optional<CliConfig> config;
  int exit_code = kExitOk;
  std::string text;
};

ParsedCommandLine ParseCommandLine(int argc, const char* const* argv);

}  // namespace forage
