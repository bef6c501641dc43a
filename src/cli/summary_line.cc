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

std::string FormatSummary(const CrawlSummary& s, const std::string& state_path) {
  char line[200];
  std::snprintf(line, sizeof line, "%llu URL(s): %llu ok, %llu failed, %llu skipped in %.2f s%s",
                static_cast<unsigned long long>(s.records), static_cast<unsigned long long>(s.ok),
                static_cast<unsigned long long>(s.failed),
                static_cast<unsigned long long>(s.skipped), s.seconds,
                s.interrupted ? " (interrupted)" : "");
  std::string summary = line;
  if (!state_path.empty()) {
    summary += "; " + std::to_string(s.unchanged) + " unchanged, " + std::to_string(s.not_due) +
               " not due" + (s.interrupted ? "; the rest stays pending in " + state_path : "");
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
