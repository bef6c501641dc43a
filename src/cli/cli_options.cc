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
  double delay_s = 0, retry_wait_s = static_cast<double>(o.retry_wait.count()) / 1000.0;
  double parse_timeout_s = static_cast<double>(o.parse_timeout.count()) / 1000.0;
  std::string scope = "host";
  bool no_robots = false;
  bool quiet = false;
  int workers = static_cast<int>(cpus);

  CLI::App app("forage " FORAGE_VERSION
               ": scrape web pages concurrently and write one JSON record per URL.\n"
               "Each FILE holds one URL a line ('#' comments and blank lines are skipped);\n"
               "'-' reads standard input. Records go to standard output as JSON Lines.",
               "forage");
  app.set_version_flag("--version", "forage " FORAGE_VERSION);
  // A flag given twice takes its last value, as with curl and wget (so a
  // wrapper script's defaults can be overridden); lists accumulate.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
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
  app.add_option("-d,--depth", o.depth, "follow links this many levels below the listed URLs")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000))
      ->type_name("N");
  app.add_option("--scope", scope, "links followed: same host, same registrable domain, or any")
      ->capture_default_str()
      ->check(CLI::IsMember({"host", "domain", "any"}))
      ->type_name("host|domain|any");
  app.add_option("--include", o.include,
                 "follow only links whose URL matches this RE2 pattern (repeatable)")
      ->allow_extra_args(false)
      ->type_name("RE");
  app.add_option("--exclude", o.exclude,
                 "never follow links whose URL matches this RE2 pattern (repeatable)")
      ->allow_extra_args(false)
      ->type_name("RE");
  app.add_option("--max-pages", o.max_pages, "stop at this many records (0: no limit)")
      ->capture_default_str()
      ->type_name("N");
  app.add_option("--per-host", o.per_host, "transfers in flight to one host, across fetchers")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000))
      ->type_name("N");
  app.add_option("--delay", delay_s, "seconds between request starts to one host")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0))
      ->type_name("S");
  app.add_flag("--no-robots", no_robots, "ignore robots.txt");
  app.add_option("--retries", o.retries,
                 "attempts after the first for connect errors, timeouts, 429 and 5xx")
      ->capture_default_str()
      ->check(CLI::Range(0, 100))
      ->type_name("N");
  app.add_option("--retry-wait", retry_wait_s,
                 "seconds before the first retry; doubles each time, with jitter")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0))
      ->type_name("S");
  app.add_option("--parse-timeout", parse_timeout_s,
                 "seconds a fetcher may spend parsing one page before it is killed")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 3600.0))
      ->type_name("S");
  app.add_option("--resolve", o.resolve,
                 "send HOST:PORT to ADDRESS instead of resolving it, as curl's --resolve "
                 "(repeatable)")
      ->allow_extra_args(false)
      ->type_name("HOST:PORT:ADDRESS");
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
  for (const std::string& entry : o.resolve) {
    std::size_t first = entry.find(':');
    std::size_t last = entry.rfind(':');
    if (first == std::string::npos || first == last || first == 0 || last + 1 == entry.size()) {
      out.exit_code = kExitUsage;
      out.text = UsageLine("--resolve: \"" + entry + "\" is not HOST:PORT:ADDRESS");
      return out;
    }
  }
  o.workers = workers;
  o.scope = scope == "domain" ? ScopeMode::kDomain
            : scope == "any"  ? ScopeMode::kAny
                              : ScopeMode::kHost;
  o.robots = !no_robots;
  o.delay = ToMillis(delay_s);
  o.retry_wait = ToMillis(retry_wait_s);
  o.parse_timeout = ToMillis(parse_timeout_s);
  o.timeout = ToMillis(timeout_s);
  o.connect_timeout = ToMillis(connect_timeout_s);
  ParseLogLevel(log_level, &config.log_level);
  if (quiet) config.log_level = std::max(config.log_level, LogLevel::kError);
  out.config = std::move(config);
  return out;
}

}  // namespace forage
