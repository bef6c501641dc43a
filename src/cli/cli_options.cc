#include "cli/cli_options.h"

#include <CLI/CLI.hpp>
#include <cmath>
#include <sstream>
#include <thread>

#include "forage/version.h"

namespace forage {
namespace {

std::chrono::milliseconds ToMillis(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(std::llround(seconds * 1000.0)));
}

// CLI11's messages, made one line and prefixed the way the rest of ours are.
std::string UsageLine(const std::string& what) {
  std::string line = what;
  for (char& c : line) {
    if (c == '\n') c = ' ';
  }
  return "forage: error: " + line + " (see forage --help)";
}

}  // namespace

ParsedCommandLine ParseCommandLine(int argc, const char* const* argv) {
  CliConfig config;
  CrawlOptions& o = config.options;
  const unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
  double timeout_s = static_cast<double>(o.timeout.count()) / 1000.0;
  double connect_timeout_s = static_cast<double>(o.connect_timeout.count()) / 1000.0;
  std::string log_level = "info";
  bool quiet = false;
  int workers = static_cast<int>(cpus);

  CLI::App app("forage " FORAGE_VERSION
               ": scrape web pages concurrently and write one JSON record per URL.\n"
               "Each FILE holds one URL a line ('#' comments and blank lines are skipped);\n"
               "'-' reads standard input. Records go to standard output as JSON Lines.",
               "forage");
  app.set_version_flag("--version", "forage " FORAGE_VERSION);
  app.add_option("FILE", config.files, "URL list files ('-' for standard input)");
  app.add_option("--url", config.urls, "a URL to fetch (repeatable; read before the FILEs)")
      ->allow_extra_args(false)
      ->type_name("URL");
  app.add_option("-j,--workers", workers,
                 "fetcher processes (default: CPU count, here " + std::to_string(cpus) + ")")
      ->check(CLI::Range(1, 1024))
      ->type_name("N");
  app.add_option("-c,--concurrency", o.concurrency, "transfers in flight per fetcher")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000))
      ->type_name("N");
  app.add_option("-o,--output", config.output, "write records here instead of standard output")
      ->type_name("PATH");
  app.add_option("--timeout", timeout_s, "seconds allowed for a whole transfer")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 86400.0))
      ->type_name("S");
  app.add_option("--connect-timeout", connect_timeout_s, "seconds allowed to connect")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 86400.0))
      ->type_name("S");
  app.add_option("--user-agent", o.user_agent, "User-Agent header")
      ->capture_default_str()
      ->type_name("UA");
  app.add_option("--max-bytes", o.max_bytes,
                 "largest body accepted, after decompression (suffixes k, M, G: 1024-based)")
      ->capture_default_str()
      ->transform(CLI::AsSizeValue(false))
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40))
      ->type_name("N");
  app.add_flag("-q,--quiet", quiet, "print only errors on standard error");
  app.add_option("--log-level", log_level, "debug, info, warn, error or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"debug", "info", "warn", "error", "off"}))
      ->type_name("LEVEL");

  ParsedCommandLine out;
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out.text = app.help();
    return out;
  } catch (const CLI::CallForVersion&) {
    out.text = std::string("forage ") + FORAGE_VERSION + "\n";
    return out;
  } catch (const CLI::ParseError& e) {
    out.exit_code = kExitUsage;
    out.text = UsageLine(e.what());
    return out;
  }
  if (config.files.empty() && config.urls.empty()) {
    out.exit_code = kExitUsage;
    out.text = UsageLine("no input: give URL list FILEs, '-' for standard input, or --url URL");
    return out;
  }
  if (o.user_agent.empty()) {
    out.exit_code = kExitUsage;
    out.text = UsageLine("--user-agent: must not be empty");
    return out;
  }
  o.workers = workers;
  o.timeout = ToMillis(timeout_s);
  o.connect_timeout = ToMillis(connect_timeout_s);
  ParseLogLevel(log_level, &config.log_level);
  if (quiet) config.log_level = std::max(config.log_level, LogLevel::kError);
  out.config = std::move(config);
  return out;
}

}  // namespace forage
