#include "cli/progress_line.h"

#include <cstdio>

namespace forage {
namespace {

std::string Clock(double seconds) {
  auto s = static_cast<long long>(seconds);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  return buf;
}

std::string Bytes(std::uint64_t bytes) {
  char buf[32];
  if (bytes < 1024 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / 1024);
  } else if (bytes < (1ull << 30)) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  } else {
    std::snprintf(buf, sizeof buf, "%.2f GiB", static_cast<double>(bytes) / (1 << 30));
  }
  return buf;
}

}  // namespace

std::string FormatProgress(const CrawlProgress& p) {
  const double rate = p.seconds > 0 ? static_cast<double>(p.done) / p.seconds : 0;
  char head[160];
  std::snprintf(head, sizeof head, "%llu done, %llu to go | %llu ok, %llu failed",
                static_cast<unsigned long long>(p.done), static_cast<unsigned long long>(p.pending),
                static_cast<unsigned long long>(p.ok), static_cast<unsigned long long>(p.failed));
  std::string line = head;
  if (p.skipped) line += ", " + std::to_string(p.skipped) + " skipped";
  char rest[96];
  std::snprintf(rest, sizeof rest, " | %.0f pages/s | ", rate);
  line += rest + Bytes(p.bytes) + " | " + Clock(p.seconds);
  if (p.total && rate > 0 && *p.total >= p.done) {
    line += " | ETA " + Clock(static_cast<double>(*p.total - p.done) / rate);
  }
  return line;
}

}  // namespace forage
