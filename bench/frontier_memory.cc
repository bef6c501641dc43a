// Measures the master's memory per URL: per URL remembered in the seen set,
// and per URL waiting in the frontier (a Job plus its scheduler entry).
// Built and run by bench/frontier_memory.sh; prints a Markdown table.

#include <malloc.h>

#include <cstdio>
#include <memory>
#include <string>
#include <unordered_map>

#include "core/url.h"
#include "crawl/job_table.h"
#include "crawl/scheduler.h"
#include "crawl/seen_set.h"

namespace {

// Heap in use, small blocks and mmapped large ones alike.
std::size_t HeapBytes() {
  struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

// Realistic URLs: ~100 hosts, paths of a few segments, some queries.
std::string UrlFor(std::size_t i) {
  return "https://www.site" + std::to_string(i % 100) + ".example.com/articles/" +
         std::to_string(2000 + i % 25) + "/" + std::to_string(i) + "/some-title-words.html" +
         (i % 3 == 0 ? "?page=" + std::to_string(i % 7) : "");
}

}  // namespace

int main() {
  using namespace forage;
  constexpr std::size_t kUrls = 1'000'000;
  std::size_t url_bytes = 0;
  for (std::size_t i = 0; i < kUrls; ++i) url_bytes += UrlFor(i).size();

  std::size_t before = HeapBytes();
  {
    SeenSet seen;
    for (std::size_t i = 0; i < kUrls; ++i) seen.Insert(UrlFingerprint(UrlFor(i)));
    std::size_t seen_bytes = HeapBytes() - before;
    std::printf("| what | per URL (bytes) |\n|---|---:|\n");
    std::printf("| seen set (1,000,000 URLs, table %.1f MiB) | %.1f |\n",
                seen.MemoryBytes() / 1048576.0, static_cast<double>(seen_bytes) / kUrls);
  }

  before = HeapBytes();
  {
    JobTable jobs;
    Scheduler scheduler({4, std::chrono::milliseconds(0)});
    auto root = std::make_shared<const std::string>("www.site1.example.com");
    auto parent = std::make_shared<const std::string>("https://www.site1.example.com/index.html");
    // As the crawler does: each origin's name is held once, shared by its jobs.
    std::unordered_map<std::string, std::shared_ptr<const std::string>> origins;
    for (std::size_t i = 0; i < kUrls; ++i) {
      Job job;
      job.input = UrlFor(i);
      auto url = Canonicalize(job.input);
      auto [it, fresh] = origins.try_emplace(std::string(url->origin()));
      if (fresh) it->second = std::make_shared<const std::string>(it->first);
      job.origin = it->second;
      job.depth = 1;
      job.parent = parent;
      job.scope_root = root;
      scheduler.Enqueue(jobs.Add(std::move(job)), *it->second);
    }
    std::size_t queued_bytes = HeapBytes() - before;
    std::printf("| queued URL (Job + scheduler entry; mean URL %.0f bytes) | %.0f |\n",
                static_cast<double>(url_bytes) / kUrls, static_cast<double>(queued_bytes) / kUrls);
  }
  return 0;
}
