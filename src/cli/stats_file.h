#pragma once

#include <string>

#include "forage/crawler.h"
#include "forage/status.h"

namespace forage {

// The run's statistics as a JSON object: counts (records, ok, failed,
// skipped, by HTTP status, by error kind), bytes, elapsed seconds, pages per
// second, results per fetcher, fetcher restarts, retries, robots denials,
// the hosts Retry-After held back and for how long.
std::string StatsToJson(const CrawlSummary& summary);

// Writes StatsToJson to `path` (replacing it). Fails naming the path.
Status WriteStatsFile(const std::string& path, const CrawlSummary& summary);

}  // namespace forage
