#include "cli/cli_options.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string_view>
#include <thread>
#include <utility>

#include "cli/config_file.h"
#include "core/query_filter.h"
#include "crawl/scope.h"
#include "forage/version.h"
#include "parse/field_rules.h"

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

bool IsAttrNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' ||
         c == '.';
}

// A number of seconds from `min` to `max`. CLI::Range lets "nan" through
// (every comparison with NaN is false), and a NaN timeout never times out.
CLI::Validator Seconds(double min, double max) {
  char range[64];
  std::snprintf(range, sizeof range, "a number of seconds from %g to %g", min, max);
  return CLI::Validator(
      [min, max, range = std::string(range)](std::string& text) {
        char* end = nullptr;
        const double value = std::strtod(text.c_str(), &end);
        const bool number = !text.empty() && end == text.c_str() + text.size();
        return number && std::isfinite(value) && value >= min && value <= max
                   ? std::string()
                   : "\"" + text + "\" is not " + range;
      },
      "");
}

// Refuses a negative count before CLI11 reads it: its conversion to an
// unsigned type takes "-1" for 2^64 - 1 (strtoull), and NonNegativeNumber
// names a range of 309 digits.
CLI::Validator NotNegative() {
  return CLI::Validator(
      [](std::string& text) {
        std::size_t i = text.find_first_not_of(" \t");
        return i != std::string::npos && text[i] == '-'
                   ? "\"" + text + "\" is negative: give 0 or more"
                   : std::string();
      },
      "");
}

// --follow's kinds of link, by name.
constexpr std::pair<std::string_view, std::uint32_t> kLinkKindNames[] = {
    {"a", kFollowAnchors},       {"frame", kFollowFrames}, {"link", kFollowLinks},
    {"refresh", kFollowRefresh}, {"media", kFollowMedia},  {"script", kFollowScripts},
    {"style", kFollowStyles},    {"all", kFollowAll}};

std::optional<std::uint32_t> LinkKindNamed(std::string_view name) {
  for (const auto& known : kLinkKindNames) {
    if (known.first == name) return known.second;
  }
  return std::nullopt;
}

// "--config FILE" or "--config=FILE" in argv, found before the real parse
// because the file's contents become arguments themselves.
std::optional<std::string> FindConfig(int argc, const char* const* argv) {
  std::optional<std::string> path;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg == "--config" && i + 1 < argc) path = argv[++i];
    if (arg.rfind("--config=", 0) == 0) path = std::string(arg.substr(9));
  }
  return path;
}

// What the request-shaping flags leave for after the parse: a password
// and a token from the environment, ~/.netrc, one proxy for both schemes,
// and the config file's host tables.
Status TakeRequestSettings(const std::string& user, const std::string& auth, bool netrc,
                           bool no_cookies, const std::string& proxy, ConfigArgs* from_file,
                           CrawlOptions* o) {
  FetchSettings& f = o->fetch;
  if (!user.empty()) {
    f.credentials.user = user;
    if (user.find(':') == std::string::npos) {
      const char* password = std::getenv("FORAGE_PASSWORD");
      if (!password) {
        return Status::InvalidArgument("--user " + user +
                                       ": no password (give USER:PASSWORD, or set FORAGE_PASSWORD)");
      }
      f.credentials.user += ":" + std::string(password);
    }
  }
  f.credentials.auth = auth == "digest" ? HttpAuth::kDigest
                       : auth == "any"  ? HttpAuth::kAny
                                        : HttpAuth::kBasic;
  if (f.credentials.bearer.empty()) {
    if (const char* bearer = std::getenv("FORAGE_BEARER"); bearer && *bearer) {
      f.credentials.bearer = bearer;
    }
  }
  if (netrc && f.netrc_file.empty()) {
    const char* home = std::getenv("HOME");
    if (!home || !*home) return Status::InvalidArgument("--netrc: $HOME is not set");
    f.netrc_file = std::string(home) + "/.netrc";
  }
  if (!proxy.empty()) f.proxy.http = f.proxy.https = proxy;
  f.cookies = !no_cookies;
  f.hosts = std::move(from_file->hosts);
  return Status();
}

}  // namespace

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  const auto is_number_char = [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
  };
  // A number and its unit, then more of them, units largest first each at
  // most once ("1h30m", "2m30.5s"); a lone number is seconds.
  double ms = 0;
  int last_rank = 6;  // above every unit's
  std::size_t at = 0;
  do {
    std::size_t digits = at;
    while (digits < text.size() && is_number_char(text[digits])) ++digits;
    std::size_t unit_end = digits;
    while (unit_end < text.size() && !is_number_char(text[unit_end])) ++unit_end;
    std::string_view number = text.substr(at, digits - at);
    std::string_view unit = text.substr(digits, unit_end - digits);
    double value = 0;
    std::istringstream in{std::string(number)};
    if (number.empty() || !(in >> value) || !in.eof() ||
        (unit.empty() && (at > 0 || unit_end < text.size()))) {
      return Status::InvalidArgument(quoted + " is not a duration (say 90s, 30m, 1h30m or 7d)");
    }
    // Milliseconds per unit, largest first; a unit's rank is its place from
    // the end.
    static constexpr std::pair<std::string_view, double> kUnits[] = {
        {"d", 86400e3}, {"h", 3600e3}, {"m", 60e3}, {"s", 1e3}, {"ms", 1}};
    double scale = 0;
    int rank = 0;
    for (int i = 0; i < 5; ++i) {
      if (unit == kUnits[i].first || (unit.empty() && kUnits[i].first == "s")) {
        scale = kUnits[i].second;
        rank = 5 - i;
      }
    }
    if (scale == 0) {
      return Status::InvalidArgument(quoted + ": unknown unit \"" + std::string(unit) +
                                     "\" (use ms, s, m, h or d)");
    }
    if (rank >= last_rank) {
      return Status::InvalidArgument(quoted +
                                     ": units go from the largest to the smallest, each once "
                                     "(say 1h30m)");
    }
    last_rank = rank;
    ms += value * scale;
    at = unit_end;
  } while (at < text.size());
  if (ms > 1e15) return Status::InvalidArgument(quoted + " is too long");
  return std::chrono::milliseconds(static_cast<long long>(std::llround(ms)));
}

Result<FieldRule> ParseFieldRule(std::string_view text) {
  std::size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return Status::InvalidArgument("--select \"" + std::string(text) +
                                   "\": expected NAME=CSS or NAME=CSS@attr");
  }
  FieldRule rule;
  rule.name = std::string(text.substr(0, eq));
  std::string_view css = text.substr(eq + 1);
  // The last '@' outside [...], quotes and comments, and not escaped,
  // starts the attribute name: CSS reads `\@` as a character of a name, and
  // a comment's text (`/* don't */`) as nothing.
  int depth = 0;
  char quote = 0;
  std::size_t at = std::string_view::npos;
  for (std::size_t i = 0; i < css.size(); ++i) {
    char c = css[i];
    if (c == '\\') {
      ++i;
    } else if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '/' && i + 1 < css.size() && css[i + 1] == '*') {
      const std::size_t close = css.find("*/", i + 2);
      if (close == std::string_view::npos) break;
      i = close + 1;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '(') {
      ++depth;
    } else if (c == ']' || c == ')') {
      --depth;
    } else if (c == '@' && depth == 0) {
      at = i;
    }
  }
  if (at != std::string_view::npos) {
    rule.attr = std::string(css.substr(at + 1));
    css = css.substr(0, at);
    if (rule.attr.empty() || !std::all_of(rule.attr.begin(), rule.attr.end(), IsAttrNameChar)) {
      return Status::InvalidArgument("--select \"" + std::string(text) + "\": \"" + rule.attr +
                                     "\" is not an attribute name");
    }
    for (char& c : rule.attr) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  rule.css = std::string(css);
  if (auto compiled = CompileFieldRule(rule); !compiled.ok()) {
    return Status::InvalidArgument("--" + compiled.status().message());
  }
  return rule;
}

ParsedCommandLine ParseCommandLine(int argc, const char* const* argv) {
  CliConfig config;
  CrawlOptions& o = config.options;
  const unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
  double timeout_s = static_cast<double>(o.fetch.timeout.count()) / 1000.0;
  double connect_timeout_s = static_cast<double>(o.fetch.connect_timeout.count()) / 1000.0;
  std::string log_level;  // empty: info on a terminal, warn elsewhere (cron mails any output)
  std::string recrawl_after = "0";
  std::string lease_ttl = "30s";
  std::string max_time = "0";
  double delay_s = 0, retry_wait_s = static_cast<double>(o.retry_wait.count()) / 1000.0;
  double parse_timeout_s = static_cast<double>(o.parse_timeout.count()) / 1000.0;
  double stall_timeout_s = static_cast<double>(o.fetch.stall_timeout.count()) / 1000.0;
  std::string fetcher_memory = "auto";
  std::string scope = "host";
  bool no_robots = false;
  std::vector<std::string> select;
  std::vector<std::string> follow;
  bool no_cookies = false, netrc = false;
  std::string user, auth = "basic", proxy;
  std::string config_path;
  bool progress = false, no_progress = false;
  bool quiet = false;
  int workers = static_cast<int>(cpus);

  CLI::App app("forage " FORAGE_VERSION
               ": scrape web pages concurrently and write one JSON record per URL.\n"
               "Each FILE holds one URL a line ('#' comments and blank lines are skipped);\n"
               "'-' reads standard input. Records go to standard output as JSON Lines.",
               "forage");
  app.footer(
      "Exit status: 0 every record ok (or skipped by robots.txt, scope or the address\n"
      "guard); 1 some records failed, or records could not be written; 2 usage error;\n"
      "3 --lock or --state held by another run; 4 the run could not go on (no fetcher\n"
      "process could run, the state or the temporary file of queued URLs could not be\n"
      "written, Redis was lost for longer than --lease-ttl); 5 stopped at --max-time;\n"
      "130 interrupted (SIGINT or SIGTERM).");
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
  app.add_option("-c,--concurrency", o.fetch.concurrency, "transfers in flight per fetcher")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000))
      ->type_name("N");
  app.add_option("-o,--output", config.output, "write records here instead of standard output")
      ->type_name("PATH");
  app.add_option("--timeout", timeout_s, "seconds allowed for a whole transfer")
      ->capture_default_str()
      ->check(Seconds(0.001, 86400.0))
      ->type_name("S");
  app.add_option("--connect-timeout", connect_timeout_s, "seconds allowed to connect")
      ->capture_default_str()
      ->check(Seconds(0.001, 86400.0))
      ->type_name("S");
  app.add_option("--user-agent", o.fetch.user_agent, "User-Agent header")
      ->capture_default_str()
      ->type_name("UA");
  app.add_option("--max-bytes", o.fetch.max_bytes,
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
  app.add_option("--strip-query", o.strip_query,
                 "remove query parameters whose name matches this glob (* ?, any case) from "
                 "URLs before they are deduplicated and fetched (repeatable)")
      ->allow_extra_args(false)
      ->type_name("NAME");
  app.add_flag("--strip-query-default", o.strip_query_default,
               "remove common tracking parameters and session ids (utm_*, fbclid, gclid, "
               "jsessionid, ...; see README)");
  app.add_option("--max-pages", o.max_pages, "stop at this many records (0: no limit)")
      ->capture_default_str()
      ->transform(NotNegative())
      ->type_name("N");
  app.add_option("--queue-in-memory", o.queue_in_memory,
                 "URLs waiting in memory; further ones wait in a temporary file (0: no limit)")
      ->capture_default_str()
      ->transform(NotNegative())
      ->type_name("N");
  app.add_option("--per-host", o.per_host, "transfers in flight to one host, across fetchers")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000))
      ->type_name("N");
  app.add_option("--delay", delay_s, "seconds between request starts to one host")
      ->capture_default_str()
      ->check(Seconds(0.0, 3600.0))
      ->type_name("S");
  app.add_flag("--no-robots", no_robots, "ignore robots.txt");
  app.add_flag("--sitemaps", o.sitemaps,
               "also fetch the pages each site's sitemaps list (robots.txt Sitemap: lines, "
               "else /sitemap.xml), at depth 1");
  app.add_option("--retries", o.retries,
                 "attempts after the first for connect errors, timeouts, 429 and 5xx")
      ->capture_default_str()
      ->check(CLI::Range(0, 100))
      ->type_name("N");
  app.add_option("--retry-wait", retry_wait_s,
                 "seconds before the first retry; doubles each time, with jitter")
      ->capture_default_str()
      ->check(Seconds(0.0, 3600.0))
      ->type_name("S");
  app.add_option("--parse-timeout", parse_timeout_s,
                 "seconds a fetcher may spend parsing one page before it is killed")
      ->capture_default_str()
      ->check(Seconds(0.1, 3600.0))
      ->type_name("S");
  app.add_option("--stall-timeout", stall_timeout_s,
                 "seconds a fetcher holding work may show no sign of life (say, stopped by "
                 "SIGSTOP) before it is killed and replaced")
      ->capture_default_str()
      ->check(Seconds(0.1, 3600.0))
      ->type_name("S");
  app.add_option("--fetcher-memory", fetcher_memory,
                 "MiB of memory each fetcher may take, or it is replaced (auto: 256 + "
                 "(2 x concurrency + 32) x max-bytes in MiB; 0: no limit)")
      ->capture_default_str()
      ->check([](const std::string& text) {
        if (text == "auto") return std::string();
        std::uint64_t mib = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), mib);
        return ec == std::errc() && end == text.data() + text.size() && mib < (1ull << 40)
                   ? std::string()
                   : "--fetcher-memory: \"" + text + "\" is not a number of MiB or auto";
      })
      ->type_name("MIB|auto");
  app.add_option("--resolve", o.fetch.resolve,
                 "send HOST:PORT to ADDRESS instead of resolving it, as curl's --resolve "
                 "(repeatable)")
      ->allow_extra_args(false)
      ->type_name("HOST:PORT:ADDRESS");
  app.add_flag("--deny-private", o.fetch.deny_private,
               "refuse to connect to loopback, private, link-local, multicast and reserved "
               "addresses (kind \"blocked\"); through a proxy, refuse URLs whose host is such "
               "an address or a localhost name");
  app.add_flag("--allow-link-local", o.fetch.allow_link_local,
               "connect to link-local addresses (169.254.0.0/16, fe80::/10), refused by default");
  // Request shaping.
  app.add_option("-H,--header", o.fetch.headers,
                 "send this header with every request; \"Name:\" removes one curl sends; "
                 "Authorization and Cookie go only to the listed URLs' origins (repeatable)")
      ->allow_extra_args(false)
      ->type_name("\"NAME: VALUE\"");
  app.add_option("--cookie", o.fetch.credentials.cookie,
                 "send these cookies to the listed URLs' origins")
      ->type_name("\"K=V; K2=V2\"");
  app.add_option("--cookie-jar", o.cookie_jar,
                 "start the run's cookie session from this Netscape cookie file (curl, wget) "
                 "if it exists, and write it back at the end")
      ->type_name("FILE");
  app.add_flag("--no-cookies", no_cookies, "keep no cookie the servers set");
  app.add_option("-u,--user", user,
                 "USER:PASSWORD for the listed URLs' origins (USER alone: the password from "
                 "$FORAGE_PASSWORD)")
      ->type_name("USER[:PASSWORD]");
  app.add_option("--auth", auth,
                 "how --user is sent: basic (with the first request), digest, or any (the "
                 "safest the server offers)")
      ->capture_default_str()
      ->check(CLI::IsMember({"basic", "digest", "any"}))
      ->type_name("basic|digest|any");
  app.add_option("--bearer", o.fetch.credentials.bearer,
                 "send \"Authorization: Bearer TOKEN\" to the listed URLs' origins (default: "
                 "$FORAGE_BEARER)")
      ->type_name("TOKEN");
  app.add_flag("--netrc", netrc, "take credentials for hosts from ~/.netrc");
  app.add_option("--netrc-file", o.fetch.netrc_file, "take credentials for hosts from FILE")
      ->type_name("FILE");
  app.add_option("-x,--proxy", proxy,
                 "send requests through this proxy: [SCHEME://][USER:PASSWORD@]HOST[:PORT], "
                 "SCHEME http, https, socks4, socks4a, socks5 or socks5h (default: from "
                 "http_proxy, https_proxy, all_proxy)")
      ->type_name("URL");
  app.add_option("--noproxy", o.fetch.proxy.noproxy,
                 "hosts reached without the proxy, comma-separated (* for all; default: "
                 "$no_proxy)")
      ->type_name("LIST");
  app.add_option("--cacert", o.fetch.tls.cacert, "verify TLS peers with these CA certificates (PEM)")
      ->type_name("FILE");
  app.add_option("--capath", o.fetch.tls.capath,
                 "verify TLS peers with the CA certificates in this hashed directory")
      ->type_name("DIR");
  app.add_flag("-k,--insecure", o.fetch.tls.insecure, "verify no TLS certificate (warns once)");
  app.add_option("--client-cert", o.fetch.tls.client_cert,
                 "present this certificate (PEM) to servers asking for one")
      ->type_name("FILE");
  app.add_option("--client-key", o.fetch.tls.client_key,
                 "the private key (PEM) of --client-cert, if not in its file")
      ->type_name("FILE");
  app.add_flag("--keep-headers", o.fetch.keep_headers,
               "add each response's headers to its record (names lower-cased)");
  app.add_option("--warc", o.fetch.warc.path,
                 "archive each page's HTTP exchange, as it travelled, in WARC/1.1 files: PATH "
                 "(.warc.gz added unless it ends so), then PATH-00001.warc.gz and on")
      ->type_name("PATH");
  app.add_flag("--warc-cdx", o.fetch.warc.cdx,
               "write a CDXJ index (pywb's form) beside each WARC file: PATH.cdxj for "
               "PATH.warc.gz");
  app.add_option("--warc-max-size", o.fetch.warc.max_size,
                 "begin a new WARC file once one is this long (suffixes k, M, G: 1024-based)")
      ->default_str("1G")
      ->transform(CLI::AsSizeValue(false))
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 44))
      ->type_name("SIZE");
  app.add_option("--save", o.fetch.save_dir,
                 "save each ok body as a file under DIR, at a path made of its URL "
                 "(DIR/host/dir%/page; the record's \"saved\")")
      ->type_name("DIR");
  app.add_option("--accept-type", o.fetch.accept_types,
                 "download only pages of these media types (type/subtype, type/* or */*, "
                 "comma-separated; repeatable): others stop after the headers, kind "
                 "unwanted_type")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->type_name("LIST");
  app.add_option("--select", select,
                 "record field NAME: texts of the elements CSS matches, or of their "
                 "attribute with @attr (repeatable)")
      ->allow_extra_args(false)
      ->type_name("NAME=CSS[@attr]");
  app.add_option("--follow", follow,
                 "links to record and follow, comma-separated (repeatable): a (a, area), frame, "
                 "link (rel alternate, next, prev; hreflang), refresh, media (img, srcset, "
                 "source, video, audio, track), script, style (stylesheets, CSS url()), all "
                 "(default: a)")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->check(CLI::Validator(
          [](std::string& kind) {
            return LinkKindNamed(kind)
                       ? std::string()
                       : "unknown kind \"" + kind +
                             "\" (give a, frame, link, refresh, media, script, style or all)";
          },
          ""))
      ->type_name("KINDS");
  app.add_flag("--ignore-nofollow", o.fetch.extract.ignore_nofollow,
               "follow links a robots meta tag, X-Robots-Tag or rel=nofollow says not to "
               "(for a site's owner)");
  app.add_flag("--full-parse", o.fetch.extract.full_parse,
               "build every page's HTML tree with gumbo, never reading a page with the faster "
               "scanner (the records are the same)");
  app.add_flag("--skip-noindex", o.skip_noindex,
               "write no record for a page whose robots meta tag or X-Robots-Tag says noindex");
  app.add_flag("--canonical", o.canonical,
               "fetch the canonical URL a page names instead: the page's record becomes "
               "kind duplicate");
  app.add_flag("--text", o.fetch.extract.text, "add the page's visible text to each record");
  app.add_option("--max-text", o.fetch.extract.max_text, "cut the text to this many bytes")
      ->capture_default_str()
      ->transform(CLI::AsSizeValue(false))
      ->transform(NotNegative())  // added last, run first: on the text as given
      ->type_name("N");
  app.add_option("--max-links", o.fetch.extract.max_links,
                 "keep (and follow) at most this many links of a page (0: no limit)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber)
      ->type_name("N");
  app.add_option("--format", config.format,
                 "jsonl, csv or sqlite (default: from the output's extension, else jsonl)")
      ->check(CLI::IsMember({"jsonl", "csv", "sqlite"}))
      ->type_name("FORMAT");
  app.add_option("--stats", config.stats_path, "write the run's statistics as JSON to PATH")
      ->type_name("PATH");
  app.add_option("--lock", config.lock_path,
                 "hold a lock on PATH for the run; if another run holds it, exit 3 at once")
      ->type_name("PATH");
  app.add_option("--state", config.state_path,
                 "keep the frontier and each URL's outcome in this SQLite file: a cut-off "
                 "run resumes, a later one re-checks pages with conditional requests")
      ->type_name("PATH");
  app.add_option("--recrawl-after", recrawl_after,
                 "with --state: fetch again only URLs recorded at least this long ago "
                 "(0: every run; units s, m, h, d)")
      ->capture_default_str()
      ->check([](const std::string& text) {
        Result<std::chrono::milliseconds> d = ParseDuration(text);
        return d.ok() ? std::string() : d.status().message();
      })
      ->type_name("DURATION");
  app.add_option("--max-time", max_time,
                 "stop the run this long after it starts, as SIGTERM would, and exit 5 (0: no "
                 "limit; 90s, 30m, 2h, 1h30m; a bare number is seconds)")
      ->capture_default_str()
      ->check([](const std::string& text) {
        Result<std::chrono::milliseconds> d = ParseDuration(text);
        return d.ok() ? std::string() : d.status().message();
      })
      ->type_name("DURATION");
  app.add_option("--frontier", o.frontier,
                 "share the crawl with other forage processes through Redis at URL "
                 "(redis://HOST:PORT[/DB] or unix:///PATH); see README, \"Many machines\"")
      ->type_name("URL");
  app.add_option("--crawl-id", o.crawl_id,
                 "with --frontier: the shared crawl's name (A-Z a-z 0-9 . _ -)")
      ->type_name("NAME");
  app.add_option("--node-id", o.node_id,
                 "with --frontier: this process's name in the crawl (default: host name and "
                 "pid); restarted with it, a node carries on its output")
      ->type_name("ID");
  app.add_option("--lease-ttl", lease_ttl,
                 "with --frontier: how long this node's URLs outlive its last heartbeat "
                 "before other nodes take them (units s, m, h, d)")
      ->capture_default_str()
      ->check([](const std::string& text) {
        Result<std::chrono::milliseconds> d = ParseDuration(text);
        return d.ok() ? std::string() : d.status().message();
      })
      ->type_name("DURATION");
  app.add_flag("--changed-only", o.changed_only,
               "with --state: write no record for a page the server says is unchanged (304)");
  app.add_flag("--append", config.append,
               "add to an existing jsonl or sqlite output instead of replacing it");
  app.add_flag("--progress", progress, "show a progress line even when stderr is not a terminal");
  app.add_flag("--no-progress", no_progress, "never show the progress line");
  app.add_option("--config", config_path,
                 "read defaults from this TOML file; flags on the command line win")
      ->type_name("FILE");
  app.add_flag("-q,--quiet", quiet, "print only errors on standard error");
  app.add_option("--log-level", log_level,
                 "debug, info, warn, error or off (default: info on a terminal, else warn)")
      ->check(CLI::IsMember({"debug", "info", "warn", "error", "off"}))
      ->type_name("LEVEL");

  ParsedCommandLine out;
  // A config file's settings go in front of the real arguments: the last
  // value of an option counts, so the command line wins.
  std::vector<std::string> args{argc > 0 ? argv[0] : "forage"};
  ConfigArgs from_file;
  const std::optional<std::string> config_file = FindConfig(argc, argv);
  if (config_file) {
    auto loaded = LoadConfigFile(*config_file, app);
    if (!loaded.ok()) {
      out.exit_code = kExitUsage;
      out.text = "forage: error: " + loaded.status().message();
      return out;
    }
    from_file = std::move(loaded).value();
    config.config_path = *config_file;
    args.insert(args.end(), from_file.args.begin(), from_file.args.end());
  }
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  std::vector<const char*> all;
  for (const std::string& a : args) all.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(all.size()), all.data());
  } catch (const CLI::CallForHelp&) {
    out.text = app.help();
    return out;
  } catch (const CLI::CallForVersion&) {
    out.text = std::string("forage ") + FORAGE_VERSION + "\n";
    return out;
  } catch (const CLI::ParseError& e) {
    out.exit_code = kExitUsage;
    std::string what = e.what();
    // A value the file gave is blamed on its line and key.
    for (const ConfigArgs::Origin& origin : from_file.origins) {
      if (what.find(origin.option) != std::string::npos) {
        what = *config_file + ":" + std::to_string(origin.line) + ": " + origin.key + ": " + what;
        break;
      }
    }
    out.text = UsageLine(what);
    return out;
  }
  // The file's patterns and selectors are checked first, one by one, to
  // name the line a bad one stands on; ValidateOptions, below, checks every
  // one again with the rest of the options.
  for (const ConfigArgs::Origin& origin : from_file.origins) {
    Status bad;
    if (origin.option == "--include" || origin.option == "--exclude") {
      auto filter = ScopeFilter::Create(ScopeMode::kAny, {origin.value}, {});
      if (!filter.ok()) bad = filter.status();
    } else if (origin.option == "--strip-query") {
      bad = CheckStripPattern(origin.value);
    } else if (origin.option == "--select") {
      auto rule = ParseFieldRule(origin.value);
      if (!rule.ok()) bad = rule.status();
    }
    if (!bad.ok()) {
      out.exit_code = kExitUsage;
      out.text = UsageLine(*config_file + ":" + std::to_string(origin.line) + ": " + origin.key +
                           ": " + bad.message());
      return out;
    }
  }
  for (const std::string& text : select) {
    auto rule = ParseFieldRule(text);
    if (!rule.ok()) {
      out.exit_code = kExitUsage;
      out.text = UsageLine(rule.status().message());
      return out;
    }
    o.fetch.extract.select.push_back(std::move(rule).value());
  }
  // Given, --follow's kinds replace the default (a): "--follow media"
  // follows no anchors.
  if (!follow.empty()) {
    o.fetch.extract.follow = 0;
    for (const std::string& kind : follow) o.fetch.extract.follow |= *LinkKindNamed(kind);
  }
  if (progress && no_progress) {
    out.exit_code = kExitUsage;
    out.text = UsageLine("--progress and --no-progress contradict each other");
    return out;
  }
  config.progress = progress      ? CliConfig::Progress::kOn
                    : no_progress ? CliConfig::Progress::kOff
                                  : CliConfig::Progress::kAuto;
  // A node of a shared crawl may take no input: it works on what others admit.
  if (config.files.empty() && config.urls.empty() && o.frontier.empty()) {
    out.exit_code = kExitUsage;
    out.text = UsageLine("no input: give URL list FILEs, '-' for standard input, or --url URL");
    return out;
  }
  o.workers = workers;
  o.scope = scope == "domain" ? ScopeMode::kDomain
            : scope == "any"  ? ScopeMode::kAny
                              : ScopeMode::kHost;
  o.robots = !no_robots;
  o.delay = ToMillis(delay_s);
  o.retry_wait = ToMillis(retry_wait_s);
  o.parse_timeout = ToMillis(parse_timeout_s);
  o.fetch.stall_timeout = ToMillis(stall_timeout_s);
  o.fetch.fetcher_memory_mib =
      fetcher_memory == "auto" ? FetchSettings::kAutoFetcherMemory : std::stoull(fetcher_memory);
  o.fetch.timeout = ToMillis(timeout_s);
  o.fetch.connect_timeout = ToMillis(connect_timeout_s);
  o.recrawl_after = ParseDuration(recrawl_after).value();
  o.lease_ttl = ParseDuration(lease_ttl).value();
  o.max_time = ParseDuration(max_time).value();
  if (Status st = TakeRequestSettings(user, auth, netrc, no_cookies, proxy, &from_file, &o);
      !st.ok()) {
    out.exit_code = kExitUsage;
    out.text = UsageLine(st.message());
    return out;
  }
  // What the library needs of the options (patterns that compile, a
  // User-Agent fit for a header, --resolve entries, ...): usage errors too.
  if (Status st = ValidateOptions(o); !st.ok()) {
    out.exit_code = kExitUsage;
    out.text = UsageLine(st.message());
    return out;
  }
  if (!log_level.empty()) {
    ParseLogLevel(log_level, &config.log_level);
    config.log_level_set = true;
  }
  config.quiet = quiet;
  if (quiet) {
    config.log_level = std::max(config.log_level, LogLevel::kError);
    config.log_level_set = true;
  }
  out.config = std::move(config);
  return out;
}

}  // namespace forage
