// ValidateOptions (include/forage/options.h): what a run needs of its
// options, checked once for the command line and for embedding programs.

#include <algorithm>
#include <charconv>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>

#include "archive/save_directory.h"
#include "core/query_filter.h"
#include "crawl/scope.h"
#include "crawl/validate_request.h"
#include "fetch/media_range.h"
#include "forage/options.h"
#include "ipc/wire.h"
#include "parse/field_rules.h"
#include "redis/redis_client.h"

namespace forage {
namespace {

// HOST:PORT:ADDRESS as curl's --resolve takes it (HOST may be a bracketed
// IPv6 address); the port must be one.
bool IsResolveEntry(std::string_view entry) {
  if (entry.empty()) return false;
  std::size_t host_end = entry[0] == '[' ? entry.find("]:") : entry.find(':');
  if (host_end == std::string_view::npos || host_end == 0) return false;
  if (entry[0] == '[') ++host_end;
  std::size_t port_end = entry.find(':', host_end + 1);
  if (port_end == std::string_view::npos || port_end + 1 == entry.size()) return false;
  std::string_view port = entry.substr(host_end + 1, port_end - host_end - 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return ec == std::errc() && end == port.data() + port.size() && value >= 1 && value <= 65535;
}

// A header value must not carry a line break (it would add headers of its
// own) nor any other control character but tab.
bool IsHeaderValue(std::string_view text) {
  return std::none_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && u != '\t') || u == 0x7f;
  });
}

// A crawl or node name: it becomes part of Redis keys and of messages.
bool IsNodeName(std::string_view name) {
  return !name.empty() && name.size() <= 100 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
  });
}

Status ValidateSharedCrawl(const CrawlOptions& options) {
  if (options.frontier.empty()) {
    for (const auto& [flag, value] : {std::pair{"--crawl-id", &options.crawl_id},
                                      std::pair{"--node-id", &options.node_id}}) {
      if (!value->empty()) return Status::InvalidArgument(std::string(flag) + ": needs --frontier");
    }
    return Status();
  }
  if (auto address = redis::ParseAddress(options.frontier); !address.ok()) {
    return address.status().Prefixed("--frontier");
  }
  if (options.crawl_id.empty()) {
    return Status::InvalidArgument("--frontier: needs --crawl-id NAME, the crawl's name");
  }
  for (const auto& [flag, value] : {std::pair{"--crawl-id", &options.crawl_id},
                                    std::pair{"--node-id", &options.node_id}}) {
    if (!value->empty() && !IsNodeName(*value)) {
      return Status::InvalidArgument(std::string(flag) + ": \"" + *value +
                                     "\" is not 1 to 100 of A-Z a-z 0-9 . _ -");
    }
  }
  if (options.lease_ttl < std::chrono::seconds(1)) {
    return Status::InvalidArgument("--lease-ttl: must be at least 1 s");
  }
  if (!options.state_path.empty()) {
    return Status::InvalidArgument(
        "--state cannot be combined with --frontier: a shared crawl keeps its state in Redis");
  }
  if (!options.fetch.warc.path.empty()) {
    // A node killed would leave records of exchanges whose URLs the crawl
    // gives to another node: the set could hold an exchange twice.
    return Status::InvalidArgument(
        "--warc cannot be combined with --frontier yet: a node's archive is not kept in step "
        "with the shared crawl");
  }
  if (options.sitemaps) {
    return Status::InvalidArgument(
        "--sitemaps cannot be combined with --frontier yet: a shared crawl reads no sitemaps");
  }
  for (const HostSettings& host : options.fetch.hosts) {
    if (host.per_host || host.delay) {
      return Status::InvalidArgument("hosts.\"" + host.pattern +
                                     "\": per-host and delay are not supported with --frontier "
                                     "(a shared crawl's politeness is the same for every host)");
    }
  }
  return Status();
}

}  // namespace

Status ValidateOptions(const CrawlOptions& options) {
  const FetchSettings& fetch = options.fetch;
  if (fetch.concurrency < 1) return Status::InvalidArgument("concurrency must be at least 1");
  if (options.per_host < 1) return Status::InvalidArgument("per-host must be at least 1");
  const std::pair<const char*, int> counts[] = {
      {"--workers", options.workers}, {"--depth", options.depth}, {"--retries", options.retries}};
  for (const auto& [flag, value] : counts) {
    if (value < 0) return Status::InvalidArgument(std::string(flag) + ": must not be negative");
  }
  const std::pair<const char*, std::chrono::milliseconds> durations[] = {
      {"--timeout", fetch.timeout},
      {"--connect-timeout", fetch.connect_timeout},
      {"--stall-timeout", fetch.stall_timeout},
      {"--delay", options.delay},
      {"--retry-wait", options.retry_wait},
      {"--parse-timeout", options.parse_timeout},
      {"--recrawl-after", options.recrawl_after}};
  for (const auto& [flag, value] : durations) {
    if (value.count() < 0) return Status::InvalidArgument(std::string(flag) + ": must not be negative");
  }
  if (options.max_time.count() < 0) {
    return Status::InvalidArgument("--max-time: must not be negative");
  }
  if (fetch.warc.cdx && fetch.warc.path.empty()) {
    return Status::InvalidArgument("--warc-cdx: indexes the files of --warc PATH, which is not given");
  }
  // The same order as the command line has always checked them in.
  if (auto filter = ScopeFilter::Create(options.scope, options.include, options.exclude);
      !filter.ok()) {
    return filter.status();
  }
  if ((fetch.extract.follow & ~std::uint32_t{kFollowAll}) != 0) {
    return Status::InvalidArgument("--follow: extract.follow holds bits that name no kind of link");
  }
  for (const std::string& pattern : options.strip_query) {
    if (Status st = CheckStripPattern(pattern); !st.ok()) return st;
  }
  if (auto fields = CompileFieldRules(fetch.extract.select); !fields.ok()) {
    return Status::InvalidArgument("--" + fields.status().message());
  }
  if (fetch.user_agent.empty()) return Status::InvalidArgument("--user-agent: must not be empty");
  if (!IsHeaderValue(fetch.user_agent)) {
    return Status::InvalidArgument("--user-agent: must not hold a line break or other control character");
  }
  for (const std::string& entry : fetch.resolve) {
    if (!IsResolveEntry(entry)) {
      return Status::InvalidArgument("--resolve: \"" + entry +
                           "\" is not HOST:PORT:ADDRESS (PORT 1 to 65535)");
    }
  }
  if (Status st = ValidateRequestSettings(fetch); !st.ok()) return st;
  for (const std::string& range : fetch.accept_types) {
    if (!IsMediaRange(range)) {
      return Status::InvalidArgument("--accept-type: \"" + range +
                                     "\" is not a media range (type/subtype, type/* or */*)");
    }
  }
  // A kept body travels whole in its result frame.
  if (fetch.keep_body && fetch.max_bytes > wire::kMaxBodyBytes) {
    return Status::InvalidArgument("keep_body: --max-bytes may be at most " +
                                   std::to_string(wire::kMaxBodyBytes >> 20) +
                                   "M when bodies are kept");
  }
  if (!options.cookie_jar.empty() && !fetch.cookies) {
    return Status::InvalidArgument("--cookie-jar: not with --no-cookies, which keeps no cookie");
  }
  if (!fetch.save_dir.empty()) {
    // Made now, so that a directory that cannot be stops the run before it
    // fetches anything; each fetcher opens it again for itself.
    if (fetch.save_dir.find('\0') != std::string::npos) {
      return Status::InvalidArgument("--save: a path cannot hold a NUL byte");
    }
    if (Result<SaveDirectory> dir = SaveDirectory::Open(fetch.save_dir); !dir.ok()) {
      return Status::InvalidArgument(dir.status().message());
    }
  }
  return ValidateSharedCrawl(options);
}

}  // namespace forage
