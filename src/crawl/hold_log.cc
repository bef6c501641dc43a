#include "crawl/hold_log.h"

#include <algorithm>

namespace forage {

void HoldLog::Add(const std::string& host, Clock::time_point now, Clock::time_point until) {
  Hold& hold = holds_[host];
  // Only the part not already held counts.
  hold.total += std::max(until - std::max(now, hold.until), Clock::duration::zero());
  hold.until = std::max(hold.until, until);
}

std::map<std::string, double> HoldLog::Seconds() const {
  std::map<std::string, double> out;
  for (const auto& [host, hold] : holds_) {
    out[host] = std::chrono::duration<double>(hold.total).count();
  }
  return out;
}

}  // namespace forage
