// Measures what a shared crawl (--frontier) keeps in Redis per URL: with
// every URL admitted and waiting in its host's queue, and for the seen set
// alone once the queues are gone; and how fast URLs are admitted through
// RedisFrontier::AdmitLinks and its Lua script. Built and run by
// bench/redis_memory.sh against a private redis-server; prints a Markdown table.
//
// Usage: redis_memory REDIS_URL N... [--batch B] [--hosts H]
// Each N runs on an emptied Redis (FLUSHALL): N distinct synthetic URLs are
// admitted B at a time (a page's links: 70% to the page's own host, the rest
// anywhere among H hosts), then used_memory (INFO memory) is read with
// everything waiting; the queue keys (q:*, qs, ready, h:*) are deleted and
// used_memory read again: what is left is the seen set (and a few small
// keys). Bytes are over the used_memory of the empty Redis.
//
// A first pass of 10,000 URLs warms the process up and is shown apart: in a
// fresh process glibc's malloc hands the memory AdmitLinks calls free
// back to the kernel whenever more than M_TRIM_THRESHOLD (128 KB) is free at
// the top of its heap, and faults it in again on the next call, until the
// first large free raises its dynamic thresholds; that pass costs the
// admitting process about twice the CPU per URL of the later ones (with
// GLIBC_TUNABLES=glibc.malloc.trim_threshold=8388608 it does not).

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "crawl/redis_frontier.h"
#include "forage/options.h"
#include "redis/redis_client.h"

namespace {

using namespace forage;
using Clock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "redis_memory: %s\n", what.c_str());
  std::exit(1);
}

std::uint64_t Mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

constexpr const char* kWords[] = {
    "news",    "world",   "article", "review", "story",  "guide",   "products", "category",
    "item",    "blog",    "post",    "update", "report", "market",  "science",  "travel",
    "food",    "recipes", "how-to",  "best",   "cheap",  "results", "season",   "analysis",
    "opinion", "events",  "help",    "docs",   "api",    "forum",   "thread",   "search"};
constexpr std::size_t kWordCount = sizeof kWords / sizeof kWords[0];

std::string Thousands(std::size_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(i, ",");
  return s;
}

std::string HostName(std::uint64_t h) { return "www.site" + std::to_string(h) + ".example.com"; }

// A path of 60 to 90 bytes, unique to `i`: words, a date, an id.
std::string PathFor(std::uint64_t i) {
  std::uint64_t r = Mix(i);
  const std::size_t target = 60 + r % 31;
  const std::string tail = "-" + std::to_string(i) + ".html";
  std::string path = "/" + std::string(kWords[(r >> 8) % kWordCount]) + "/20" +
                     std::to_string(10 + (r >> 16) % 15) + "/" +
                     std::to_string(10 + (r >> 20) % 90) + "/";
  std::uint64_t w = r >> 28;
  bool first = true;
  while (path.size() + tail.size() < target) {
    if (!first) path += '-';
    first = false;
    path += kWords[w % kWordCount];
    w = w / kWordCount + Mix(w);
  }
  if (path.size() + tail.size() > target && !first) {
    path.resize(std::max<std::size_t>(target - tail.size(), path.find_last_of('/') + 2));
  }
  return path + tail;
}

double CpuSeconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

class Admin {
 public:
  explicit Admin(const std::string& url) {
    auto address = redis::ParseAddress(url);
    if (!address.ok()) Die(address.status().message());
    auto conn = redis::Connection::Open(address.value(), std::chrono::minutes(10));
    if (!conn.ok()) Die(conn.status().message());
    conn_ = std::move(conn).value();
  }

  redis::Reply Do(const std::vector<std::string_view>& argv) {
    auto r = conn_->Command(argv);
    if (!r.ok()) Die(r.status().message());
    if (r.value().error()) Die(std::string(argv[0]) + ": " + r.value().str);
    return std::move(r).value();
  }

  std::string Info(const std::string& section, const std::string& field) {
    const std::string text = Do({"INFO", section}).str;
    const std::size_t at = text.find(field + ":");
    if (at == std::string::npos) Die("INFO " + section + " has no " + field);
    const std::size_t start = at + field.size() + 1;
    return text.substr(start, text.find_first_of("\r\n", start) - start);
  }
  long long UsedMemory() { return std::atoll(Info("memory", "used_memory").c_str()); }
  double CpuSeconds() {
    return std::atof(Info("cpu", "used_cpu_sys").c_str()) +
           std::atof(Info("cpu", "used_cpu_user").c_str());
  }

  std::vector<std::string> Keys(const std::string& pattern) {
    std::vector<std::string> keys;
    std::string cursor = "0";
    do {
      redis::Reply r = Do({"SCAN", cursor, "MATCH", pattern, "COUNT", "10000"});
      cursor = r.elements.at(0).str;
      for (const redis::Reply& k : r.elements.at(1).elements) keys.push_back(k.str);
    } while (cursor != "0");
    return keys;
  }

  // Runs `command KEY tail...` for each key, pipelined; the replies in order.
  std::vector<redis::Reply> Each(const std::vector<std::string>& keys,
                                 const std::vector<std::string_view>& command,
                                 const std::vector<std::string_view>& tail = {}) {
    std::vector<redis::Reply> out;
    out.reserve(keys.size());
    constexpr std::size_t kWindow = 1000;
    for (std::size_t i = 0; i < keys.size(); i += kWindow) {
      const std::size_t end = std::min(keys.size(), i + kWindow);
      for (std::size_t k = i; k < end; ++k) {
        std::vector<std::string_view> argv = command;
        argv.push_back(keys[k]);
        argv.insert(argv.end(), tail.begin(), tail.end());
        if (Status st = conn_->Append(argv); !st.ok()) Die(st.message());
      }
      for (std::size_t k = i; k < end; ++k) {
        auto r = conn_->GetReply();
        if (!r.ok()) Die(r.status().message());
        out.push_back(std::move(r).value());
      }
    }
    return out;
  }

  long long MemoryUsage(const std::vector<std::string>& keys) {
    long long sum = 0;
    for (const redis::Reply& r : Each(keys, {"MEMORY", "USAGE"}, {"SAMPLES", "0"})) {
      sum += r.integer;
    }
    return sum;
  }

 private:
  std::unique_ptr<redis::Connection> conn_;
};

struct Row {
  std::string label;
  std::size_t urls = 0;
  double mean_url = 0;
  double admit_s = 0;
  double node_cpu_s = 0;
  double redis_cpu_s = 0;
  long long all_bytes = 0;       // used_memory over the empty Redis, everything waiting
  long long seen_keys_bytes = 0;  // MEMORY USAGE of the s:* keys
  long long queue_keys_bytes = 0;  // MEMORY USAGE of the q:* keys
  long long seen_bytes = 0;  // used_memory over the empty Redis, queues deleted
  std::size_t buckets = 0, not_intset = 0;
  long long max_bucket = 0;
  std::size_t hosts = 0;
};

Row Measure(const std::string& url, std::size_t n, std::size_t batch, std::size_t hosts) {
  Row row;
  row.urls = n;
  Admin admin(url);
  admin.Do({"FLUSHALL"});
  const long long empty = admin.UsedMemory();

  CrawlOptions o;
  o.frontier = url;
  o.crawl_id = "mem";
  o.node_id = "bench";
  o.depth = 1000;
  o.scope = ScopeMode::kAny;
  o.robots = false;
  o.lease_ttl = std::chrono::minutes(10);
  auto created = RedisFrontier::Create(o, nullptr, /*reads_input=*/false);
  if (!created.ok()) Die(created.status().message());
  std::unique_ptr<RedisFrontier> frontier = std::move(created).value();

  const auto root = std::make_shared<const std::string>("");  // --scope any
  Ended ended;
  std::vector<std::string> links;
  std::size_t url_bytes = 0;
  const double redis_cpu0 = admin.CpuSeconds(), node_cpu0 = CpuSeconds();
  const Clock::time_point t0 = Clock::now();
  for (std::size_t i = 0, page = 0; i < n; i += batch, ++page) {
    const std::uint64_t own = Mix(page ^ 0x5eed) % hosts;
    links.clear();
    for (std::size_t k = i; k < std::min(n, i + batch); ++k) {
      const std::uint64_t r = Mix(k ^ 0xabcdef);
      const std::uint64_t h = r % 10 < 7 ? own : (r >> 8) % hosts;
      links.push_back("https://" + HostName(h) + PathFor(k));
      url_bytes += links.back().size();
    }
    LinkSource from;
    from.depth = 0;
    from.url = std::make_shared<const std::string>("https://" + HostName(own) +
                                                   PathFor(n + page));
    from.scope_root = root;
    frontier->AdmitLinks(from, links, &ended);
    frontier->Refill(&ended);  // the heartbeat, as the crawler's loop does
    if (!frontier->status().ok()) Die(frontier->status().message());
    if (!ended.empty()) Die("a URL ended at once: " + ended.front().job.input);
    if ((i / batch) % (1'000'000 / batch) == 0 && i > 0) {
      std::fprintf(stderr, "[redis_memory] %zu URLs admitted, %.0f s\n", i,
                   std::chrono::duration<double>(Clock::now() - t0).count());
    }
  }
  row.admit_s = std::chrono::duration<double>(Clock::now() - t0).count();
  row.node_cpu_s = CpuSeconds() - node_cpu0;
  row.redis_cpu_s = admin.CpuSeconds() - redis_cpu0;
  row.mean_url = static_cast<double>(url_bytes) / n;
  const std::string prefix = "forage:{mem}:";
  const long long admitted = std::atoll(admin.Do({"HGET", prefix + "n", "admitted"}).str.c_str());
  if (static_cast<std::size_t>(admitted) != n) {
    Die("the crawl admitted " + std::to_string(admitted) + " URLs of " + std::to_string(n));
  }

  row.all_bytes = admin.UsedMemory() - empty;
  const std::vector<std::string> buckets = admin.Keys(prefix + "s:*");
  const std::vector<std::string> queues = admin.Keys(prefix + "q:*");
  row.seen_keys_bytes = admin.MemoryUsage(buckets);
  row.queue_keys_bytes = admin.MemoryUsage(queues);
  row.buckets = buckets.size();
  row.hosts = queues.size();
  for (const redis::Reply& r : admin.Each(buckets, {"OBJECT", "ENCODING"})) {
    if (r.str != "intset") ++row.not_intset;
  }
  for (const redis::Reply& r : admin.Each(buckets, {"SCARD"})) {
    row.max_bucket = std::max(row.max_bucket, r.integer);
  }

  // The seen set alone: what stays of a crawl once nothing waits.
  std::vector<std::string> doomed = queues;
  for (const std::string& k : admin.Keys(prefix + "h:*")) doomed.push_back(k);
  doomed.push_back(prefix + "qs");
  doomed.push_back(prefix + "ready");
  admin.Each(doomed, {"DEL"});
  row.seen_bytes = admin.UsedMemory() - empty;
  frontier->Leave();
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  std::vector<std::size_t> sizes;
  std::size_t batch = 100, hosts = 10'000;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--batch" && i + 1 < argc) {
      batch = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--hosts" && i + 1 < argc) {
      hosts = std::strtoull(argv[++i], nullptr, 10);
    } else if (url.empty()) {
      url = a;
    } else {
      sizes.push_back(std::strtoull(a.c_str(), nullptr, 10));
    }
  }
  if (url.empty() || sizes.empty() || batch == 0 || hosts == 0) {
    Die("usage: redis_memory REDIS_URL N... [--batch B] [--hosts H]");
  }
  std::vector<Row> rows;
  std::fprintf(stderr, "[redis_memory] warm-up, 10000 URLs\n");
  rows.push_back(Measure(url, 10'000, batch, hosts));
  rows.back().label = "10,000 (warm-up: a fresh process)";
  for (std::size_t n : sizes) {
    std::fprintf(stderr, "[redis_memory] %zu URLs\n", n);
    rows.push_back(Measure(url, n, batch, hosts));
    rows.back().label = Thousands(n);
  }
  std::printf(
      "| URLs | mean URL bytes | all waiting: bytes/URL | seen set alone: bytes/URL | "
      "s:* MEMORY USAGE bytes/URL | q:* MEMORY USAGE bytes/URL | buckets (not intset) | "
      "largest bucket | hosts | admit URLs/s | Redis CPU us/URL | node CPU us/URL |\n"
      "|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|\n");
  for (const Row& r : rows) {
    const double n = static_cast<double>(r.urls);
    std::printf("| %s | %.0f | %.1f | %.1f | %.1f | %.1f | %zu (%zu) | %lld | %zu | %.0f | %.2f | "
                "%.2f |\n",
                r.label.c_str(), r.mean_url, r.all_bytes / n, r.seen_bytes / n, r.seen_keys_bytes / n,
                r.queue_keys_bytes / n, r.buckets, r.not_intset, r.max_bucket, r.hosts,
                n / r.admit_s, 1e6 * r.redis_cpu_s / n, 1e6 * r.node_cpu_s / n);
  }
  std::printf("\nBatch: %zu links per AdmitLinks call (one page's links: 70%% to its own host), "
              "%zu hosts, --scope any, robots.txt off.\n",
              batch, hosts);
  return 0;
}
