#pragma once

#include <chrono>
#include <string>

#include "core/log.h"
#include "forage/crawler.h"

namespace forage {

// A Retry-After hold longer than this, in all, is worth a word in the summary.
inline constexpr double kLongHoldSeconds = 60;

// The closing line of a run, for standard error: "12 URL(s): 10 ok, 2 failed,
// 0 skipped in 3.21 s", then " (interrupted)" if it was; with a state
// (`state_path` not empty) the pages unchanged and not due, and where an
// interrupted run's rest waits; then the hosts Retry-After held back longer
// than kLongHoldSeconds, longest first, at most five by name:
// "; Retry-After held back a.test for 120 s, b.test for 75 s".
// A run stopped at its --max-time (`max_time`, 0 when not known) says so
// instead of " (interrupted)", with the URLs it left and where they went:
// "; stopped at --max-time 30s: 1234 URL(s) left, recorded as interrupted"
// (with a state: "..., pending in PATH for the next run"; a node of a
// shared crawl, `shared_crawl`: "..., handed back to the crawl").
std::string FormatSummary(const CrawlSummary& summary, const std::string& state_path,
                          std::chrono::milliseconds max_time = {}, bool shared_crawl = false);

// A duration as --max-time would take it, units largest first: "1h30m",
// "45s", "1.5s", "250ms", "0s".
std::string FormatDuration(std::chrono::milliseconds duration);

// How loud the closing line is: a warning when something needs a look
// (records failed, the run was cut off, a host held it back longer than
// kLongHoldSeconds), so that cron mails it; info otherwise.
LogLevel SummaryLevel(const CrawlSummary& summary);

}  // namespace forage
