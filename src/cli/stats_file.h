#pragma once

#include <string>

#include "forage/crawler.h"
#include "forage/status.h"

namespace forage {

// The run's statistics as a JSON object: counts (records, ok, failed,
// skipped, by HTTP status, by error kind), bytes, elapsed seconds, pages per
// second, results per fetcher, fetcher restarts, retries, robots denials,
// records with something cut ("truncated"), the hosts Retry-After held back
// and for how long; last "error": null, or what stopped the run (`error`,
// non-empty: exit status 4 or 1).
std::string StatsToJson(const CrawlSummary& summary, const std::string& error = "");

// Writes StatsToJson to `path` (replacing it). Fails naming the path.
Status WriteStatsFile(const std::string& path, const CrawlSummary& summary,
                      const std::string& error = "");

// Removes `path` if it is a regular file, so that no earlier run's statistics outlive
// a run that stops before it can write its own. Fails naming the path.
Status RemoveStatsFile(const std::string& path);

}  // namespace forage
