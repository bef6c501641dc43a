#include "cli/stats_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/errno_status.h"
#include "core/fd.h"

namespace forage {

std::string StatsToJson(const CrawlSummary& s, const std::string& error) {
  nlohmann::ordered_json j;
  j["records"] = s.records;
  j["ok"] = s.ok;
  j["failed"] = s.failed;
  j["skipped"] = s.skipped;
  nlohmann::ordered_json by_status = nlohmann::ordered_json::object();
  for (const auto& [status, count] : s.by_status) {
    by_status[status ? std::to_string(status) : "none"] = count;
  }
  j["by_status"] = by_status;
  j["by_error"] = s.by_error;
  j["bytes"] = s.bytes;
  j["elapsed_seconds"] = s.seconds;
  j["pages_per_second"] = s.seconds > 0 ? static_cast<double>(s.records) / s.seconds : 0.0;
  j["results_per_fetcher"] = s.results_per_fetcher;
  j["fetcher_restarts"] = s.worker_deaths;
  j["retries"] = s.retries;
  j["robots_denied"] = s.robots_denied;
  j["truncated"] = s.truncated;
  j["held_back_seconds"] = s.held_back;
  j["seen_urls"] = s.seen_urls;
  j["unchanged"] = s.unchanged;
  j["not_due"] = s.not_due;
  j["resumed"] = s.resumed;
  j["interrupted"] = s.interrupted;
  j["max_time_reached"] = s.max_time_reached;
  j["unfinished"] = s.unfinished;
  j["error"] = error.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(error);
  return j.dump(2) + "\n";
}

Status WriteStatsFile(const std::string& path, const CrawlSummary& summary,
                      const std::string& error) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) return ErrnoStatus("cannot write --stats " + path, errno);
  if (Status st = WriteAll(fd.get(), StatsToJson(summary, error)); !st.ok()) {
    return st.Prefixed("cannot write --stats " + path);
  }
  return {};
}

Status RemoveStatsFile(const std::string& path) {
  // Only a regular file can hold an earlier run's numbers: /dev/stdout, a
  // pipe or a symbolic link's target stay.
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return {};
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return ErrnoStatus("cannot replace --stats " + path, errno);
  }
  return {};
}

}  // namespace forage
