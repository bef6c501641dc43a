#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "forage/version.h"

namespace forage {

// Everything that shapes a run. Each field has the default the command line
// documents; the CLI only overwrites what the user set.
struct CrawlOptions {
  // Fetcher processes forked at start and kept at this size; 0 means one per CPU.
  int workers = 0;
  // Transfers in flight inside each fetcher (its curl multi handle).
  int concurrency = 16;
  // Limit on a whole transfer, redirects and body included.
  std::chrono::milliseconds timeout{30'000};
  // Limit on connecting (DNS, TCP and TLS) for each connection.
  std::chrono::milliseconds connect_timeout{10'000};
  std::string user_agent = std::string("forage/") + kVersion;
  // Largest body accepted, counted after decompression; more gives too_large.
  std::uint64_t max_bytes = 10ull << 20;
  // Block SIGINT/SIGTERM in the calling process and turn them into a clean
  // stop (records of kind "interrupted"). An embedding program that handles
  // signals itself sets this to false and calls Crawler::RequestStop().
  bool handle_signals = true;
};

}  // namespace forage
