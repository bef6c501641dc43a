#pragma once

// Looking at a shared crawl from outside (`forage frontier status` and
// `forage frontier delete`): its counters, its nodes, its hosts' queues,
// read with plain commands (see crawl/redis_frontier.h for the keys).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "forage/status.h"
#include "redis/redis_client.h"

namespace forage {

struct SharedCrawlStatus {
  std::map<std::string, std::string> settings;  // as its first node stored them
  std::uint64_t admitted = 0;  // URLs admitted: each gets one record
  std::uint64_t done = 0;      // records committed
  std::uint64_t queued = 0;    // waiting in hosts' queues (robots.txt fetches included)
  std::uint64_t leased = 0;    // claimed by a node
  std::uint64_t retrying = 0;  // waiting for a retry's time
  std::uint64_t reclaimed = 0; // leases returned from nodes that died
  struct Node {
    std::string id;
    bool alive = false;            // its heartbeat has not lapsed
    std::uint64_t leases = 0;      // URLs it holds
    std::uint64_t records = 0;     // records it committed
    std::uint64_t unpublished = 0; // committed records its output has not marked as its own
    bool reading_input = false;
  };
  std::vector<Node> nodes;
  // Hosts with the most URLs waiting, most first (at most `top_hosts`).
  std::vector<std::pair<std::string, std::uint64_t>> hosts;
  std::uint64_t host_count = 0;  // hosts with a queue
};

// The crawl `crawl_id` at `address`; kNotFound if Redis holds no such crawl.
Result<SharedCrawlStatus> ReadSharedCrawl(redis::Connection& redis, const std::string& crawl_id,
                                          std::size_t top_hosts);

// Deletes every key of the crawl; refused (kBusy) while a node's heartbeat
// goes on, or while records wait unpublished, unless `force`. Returns the
// number of keys deleted.
Result<std::uint64_t> DeleteSharedCrawl(redis::Connection& redis, const std::string& crawl_id,
                                        bool force);

}  // namespace forage
