#include "crawl/shared_crawl_admin.h"

#include <algorithm>
#include <cstdlib>

namespace forage {
namespace {

std::string Prefix(const std::string& crawl_id) { return "forage:{" + crawl_id + "}:"; }

std::uint64_t Count(const redis::Reply& r) {
  if (r.type == redis::Reply::Type::kInteger) return static_cast<std::uint64_t>(r.integer);
  return std::strtoull(r.str.c_str(), nullptr, 10);
}

Result<redis::Reply> Ask(redis::Connection& redis, const std::vector<std::string_view>& argv) {
  Result<redis::Reply> r = redis.Command(argv);
  if (r.ok() && r.value().error()) {
    return Status::IOError("Redis at " + redis.address().display + ": " + r.value().str);
  }
  return r;
}

// Pairs of a flat reply (HGETALL, ZRANGE WITHSCORES) as a map.
std::map<std::string, std::string> Pairs(const redis::Reply& r) {
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i + 1 < r.elements.size(); i += 2) {
    out[r.elements[i].str] = r.elements[i + 1].str;
  }
  return out;
}

}  // namespace

Result<SharedCrawlStatus> ReadSharedCrawl(redis::Connection& redis, const std::string& crawl_id,
                                          std::size_t top_hosts) {
  const std::string k = Prefix(crawl_id);
  SharedCrawlStatus s;
  auto conf = Ask(redis, {"HGETALL", k + "conf"});
  if (!conf.ok()) return conf.status();
  s.settings = Pairs(conf.value());
  if (s.settings.empty()) {
    return Status::NotFound("no crawl " + crawl_id + " at " + redis.address().display);
  }
  auto now = Ask(redis, {"TIME"});
  if (!now.ok()) return now.status();
  const std::uint64_t now_ms =
      now.value().elements.size() == 2
          ? Count(now.value().elements[0]) * 1000 + Count(now.value().elements[1]) / 1000
          : 0;
  auto n = Ask(redis, {"HGETALL", k + "n"});
  if (!n.ok()) return n.status();
  std::map<std::string, std::string> counters = Pairs(n.value());
  s.admitted = std::strtoull(counters["admitted"].c_str(), nullptr, 10);
  s.done = std::strtoull(counters["done"].c_str(), nullptr, 10);
  s.reclaimed = std::strtoull(counters["reclaimed"].c_str(), nullptr, 10);
  for (const auto& [key, field] : {std::pair{"HLEN", "lease"}, std::pair{"ZCARD", "retry"}}) {
    auto got = Ask(redis, {key, k + field});
    if (!got.ok()) return got.status();
    (std::string_view(field) == "lease" ? s.leased : s.retrying) = Count(got.value());
  }

  // Nodes: those beating or once known, with what they hold and wrote.
  auto beats = Ask(redis, {"ZRANGE", k + "nodes", "0", "-1", "WITHSCORES"});
  auto known = Ask(redis, {"HKEYS", k + "ninfo"});
  auto records = Ask(redis, {"HGETALL", k + "nd"});
  auto readers = Ask(redis, {"SMEMBERS", k + "readers"});
  for (auto* r : {&beats, &known, &records, &readers}) {
    if (!r->ok()) return r->status();
  }
  std::map<std::string, std::string> beat = Pairs(beats.value());
  std::map<std::string, std::string> done_by = Pairs(records.value());
  std::vector<std::string> ids;
  for (const auto& [id, at] : beat) ids.push_back(id);
  for (const auto& r : known.value().elements) ids.push_back(r.str);
  for (const auto& [id, count] : done_by) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (const std::string& id : ids) {
    SharedCrawlStatus::Node node;
    node.id = id;
    auto it = beat.find(id);
    node.alive = it != beat.end() && std::strtoull(it->second.c_str(), nullptr, 10) > now_ms;
    node.records = std::strtoull(done_by[id].c_str(), nullptr, 10);
    auto held = Ask(redis, {"SCARD", k + "held:" + id});
    auto kept = Ask(redis, {"XLEN", k + "out:" + id});
    if (!held.ok()) return held.status();
    if (!kept.ok()) return kept.status();
    node.leases = Count(held.value());
    node.unpublished = Count(kept.value());
    for (const auto& r : readers.value().elements) node.reading_input |= r.str == id;
    s.nodes.push_back(std::move(node));
  }

  // Hosts: each queue's length, in one round trip.
  auto hosts = Ask(redis, {"SMEMBERS", k + "qs"});
  if (!hosts.ok()) return hosts.status();
  const auto& names = hosts.value().elements;
  for (const auto& name : names) {
    std::string key = k + "q:" + name.str;
    if (Status st = redis.Append({"LLEN", key}); !st.ok()) return st;
  }
  std::vector<std::pair<std::string, std::uint64_t>> lengths;
  for (const auto& name : names) {
    auto len = redis.GetReply();
    if (!len.ok()) return len.status();
    lengths.emplace_back(name.str, Count(len.value()));
    s.queued += Count(len.value());
  }
  s.host_count = lengths.size();
  std::sort(lengths.begin(), lengths.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (lengths.size() > top_hosts) lengths.resize(top_hosts);
  s.hosts = std::move(lengths);
  return s;
}

Result<std::uint64_t> DeleteSharedCrawl(redis::Connection& redis, const std::string& crawl_id,
                                        bool force) {
  if (!force) {
    auto status = ReadSharedCrawl(redis, crawl_id, 0);
    if (!status.ok()) return status.status();
    for (const SharedCrawlStatus::Node& node : status.value().nodes) {
      if (node.alive) {
        return Status::Busy("node " + node.id + " of crawl " + crawl_id +
                            " is still running; stop it first (or --force)");
      }
      if (node.unpublished > 0) {
        return Status::Busy("node " + node.id + " has " + std::to_string(node.unpublished) +
                            " record(s) its output has not taken yet; run it again with "
                            "--node-id " +
                            node.id + " to publish them (or --force)");
      }
    }
  }
  // SCAN with the crawl's prefix (its '{' and '}' are no glob characters,
  // but '*', '?', '[' and '\' in a crawl id cannot occur: see ValidateOptions).
  std::uint64_t deleted = 0;
  std::string cursor = "0";
  const std::string pattern = Prefix(crawl_id) + "*";
  do {
    auto page = Ask(redis, {"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
    if (!page.ok()) return page.status();
    if (page.value().elements.size() != 2) return Status::IOError("SCAN: an unexpected answer");
    cursor = page.value().elements[0].str;
    std::vector<std::string_view> unlink = {"UNLINK"};
    for (const auto& key : page.value().elements[1].elements) unlink.push_back(key.str);
    if (unlink.size() > 1) {
      auto gone = Ask(redis, unlink);
      if (!gone.ok()) return gone.status();
      deleted += Count(gone.value());
    }
  } while (cursor != "0");
  return deleted;
}

}  // namespace forage
