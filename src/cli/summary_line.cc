#include "cli/summary_line.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

namespace forage {
namespace {

constexpr std::size_t kMostHostsNamed = 5;

// The hosts held back longer than kLongHoldSeconds, longest first (by name on
// a tie, so the line does not change from run to run).
std::vector<std::pair<std::string, double>> LongHolds(const CrawlSummary& s) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& [host, seconds] : s.held_back) {
    if (seconds > kLongHoldSeconds) out.emplace_back(host, seconds);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

}  // namespace

std::string FormatDuration(std::chrono::milliseconds duration) {
  long long ms = duration.count();
  if (ms < 0) return "-" + FormatDuration(-duration);
  if (ms == 0) return "0s";
  if (ms < 1000) return std::to_string(ms) + "ms";
  std::string out;
  for (const auto& [unit, size] :
       {std::pair{"d", 86'400'000LL}, std::pair{"h", 3'600'000LL}, std::pair{"m", 60'000LL}}) {
    if (ms >= size) out += std::to_string(ms / size) + unit;
    ms %= size;
  }
  if (ms > 0) {
    std::string seconds = std::to_string(ms / 1000);
    if (ms % 1000 != 0) {
      char fraction[8];
      std::snprintf(fraction, sizeof fraction, ".%03lld", ms % 1000);
      seconds += fraction;
      while (seconds.back() == '0') seconds.pop_back();
    }
    out += seconds + "s";
  }
  return out;
}

std::string FormatSummary(const CrawlSummary& s, const std::string& state_path,
                          std::chrono::milliseconds max_time, bool shared_crawl) {
  // A run stopped at its deadline says so below, with what it left.
  const bool signalled = s.interrupted && !s.max_time_reached;
  char line[200];
  std::snprintf(line, sizeof line, "%llu URL(s): %llu ok, %llu failed, %llu skipped in %.2f s%s",
                static_cast<unsigned long long>(s.records), static_cast<unsigned long long>(s.ok),
                static_cast<unsigned long long>(s.failed),
                static_cast<unsigned long long>(s.skipped), s.seconds,
                signalled ? " (interrupted)" : "");
  std::string summary = line;
  if (!state_path.empty()) {
    summary += "; " + std::to_string(s.unchanged) + " unchanged, " + std::to_string(s.not_due) +
               " not due" + (signalled ? "; the rest stays pending in " + state_path : "");
  }
  if (s.max_time_reached) {
    summary += "; stopped at --max-time" +
               (max_time.count() > 0 ? " " + FormatDuration(max_time) : std::string()) + ": " +
               std::to_string(s.unfinished) + " URL(s) left, " +
               (shared_crawl         ? std::string("handed back to the crawl")
                : state_path.empty() ? std::string("recorded as interrupted")
                                     : "pending in " + state_path + " for the next run");
  }
  const std::vector<std::pair<std::string, double>> holds = LongHolds(s);
  for (std::size_t i = 0; i < holds.size() && i < kMostHostsNamed; ++i) {
    summary += i == 0 ? "; Retry-After held back " : ", ";
    summary += holds[i].first + " for " +
               std::to_string(static_cast<long long>(std::lround(holds[i].second))) + " s";
  }
  if (holds.size() > kMostHostsNamed) {
    summary += " and " + std::to_string(holds.size() - kMostHostsNamed) + " more host(s)";
  }
  return summary;
}

LogLevel SummaryLevel(const CrawlSummary& s) {
  const bool long_hold = !LongHolds(s).empty();
  return s.failed > 0 || s.interrupted || long_hold ? LogLevel::kWarn : LogLevel::kInfo;
}

}  // namespace forage
