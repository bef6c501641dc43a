#pragma once

#include <chrono>
#include <map>
#include <string>
#include <unordered_map>

namespace forage {

// How long Retry-After has held each host back in a run, for the summary: a
// long hold is why a run took long, or seemed stuck. Holds that overlap are
// counted once; a hold is counted whole as asked, even if the run stops
// during it.
class HoldLog {
 public:
  using Clock = std::chrono::steady_clock;

  // `host` is held back from `now` until `until`.
  void Add(const std::string& host, Clock::time_point now, Clock::time_point until);

  // Seconds held back, by host.
  std::map<std::string, double> Seconds() const;

 private:
  struct Hold {
    Clock::time_point until{};
    Clock::duration total{};
  };
  std::unordered_map<std::string, Hold> holds_;
};

}  // namespace forage
