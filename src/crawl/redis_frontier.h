#pragma once

// The frontier of a crawl that several masters ("nodes", on one machine or
// many) share through Redis: one seen set, one queue per host, robots.txt
// per origin, retries, leases and counters, changed only by Lua scripts
// (crawl/redis_lua/) that run atomically with Redis's clock.
//
// Keys, all under "forage:{CRAWL}:" (the hash tag puts a crawl in one slot):
//   conf          hash   the settings that must agree, set by the first node
//   n             hash   admitted, done, seeded, reclaimed
//   s:BUCKET      set    64-bit fingerprints of the URLs admitted, in 65,536
//                        buckets (intsets: about 10 bytes a URL)
//   q:HOST        list   job entries waiting for HOST (crawl/shared_codec.h)
//   qs            set    hosts with a queue
//   h:HOST        hash   f in flight, a the lease whose start awaits Sent,
//                        t next start (ms), p paused until, b robots.txt
//                        fetches blocking it, d Crawl-delay (ms)
//   ready         zset   hosts that may start a request, by when
//   retry         zset   "SEQ\nHOST\nENTRY" by when it is due
//   seq           string lease tokens and retry sequence numbers
//   lease         hash   token -> "NODE\nHOST\nC\nENTRY"
//   held:NODE     set    the node's lease tokens
//   nodes         zset   node -> when its heartbeat lapses
//   ninfo         hash   node -> the incarnation (run) that holds the id
//   readers       set    nodes still reading input
//   r:ORIGIN      string "?" while robots.txt is fetched, then the verdict
//   out:NODE      stream records the node committed, until its output has them
//   marks, markid hash   node -> where its output stood, and the last stream id in it
//   nd            hash   node -> records committed
//
// A lease lives as long as its node's heartbeat (every --lease-ttl / 3);
// a node whose heartbeat lapses has its leases returned to the head of
// their hosts' queues by whichever node runs a script next. Every change a
// node makes under a lease checks that the lease is still its own (a token
// in held:NODE): a node that was stopped past its TTL, or cut off, cannot
// record a URL another node took since.

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/query_filter.h"
#include "crawl/crawl_node.h"
#include "crawl/frontier.h"
#include "crawl/redis_scripts.h"
#include "crawl/scope.h"
#include "forage/options.h"
#include "redis/redis_client.h"

namespace forage {

class RedisFrontier final : public Frontier, public CrawlNode {
 public:
  using TimePoint = Frontier::TimePoint;
  using AdmitFilter = std::function<bool(std::string_view url, int depth)>;

  // Connects to options.frontier, refuses a Redis that may evict keys, and
  // joins crawl options.crawl_id as options.node_id (see ValidateOptions),
  // storing the settings that must agree if it is the first node, else
  // comparing them. A node id whose last run is still beating is waited for
  // up to one heartbeat TTL (a run killed moments ago), then refused.
  // `reads_input`: this node takes input (the crawl waits for it to read
  // all of it). Failures are kInvalidArgument (the message says what to
  // change), kIOError (Redis cannot be reached: names its address) or kBusy.
  static Result<std::unique_ptr<RedisFrontier>> Create(const CrawlOptions& options,
                                                       AdmitFilter filter, bool reads_input);
  ~RedisFrontier() override;

  // --- Frontier ---
  Admission AdmitListed(const InputLine& line, Ended* ended) override;
  Admission AdmitLink(const LinkSource& from, const std::string& link, Ended* ended) override;
  void AdmitLinks(const LinkSource& from, const std::vector<std::string>& links,
                  Ended* ended) override;
  std::vector<std::string> KnownLinks(const Job&) override { return {}; }
  bool AtPageLimit() const override { return at_limit_; }
  void Refill(Ended* ended) override;
  std::optional<Claim> ClaimNext(TimePoint now, std::size_t room, Ended* ended) override;
  std::optional<TimePoint> NextDeadline() const override;
  void Sent(const Job& job, TimePoint at) override;
  void Finish(const Job& job, const StateStore::Outcome* recorded, TimePoint now) override;
  void RetryAt(Job job, TimePoint at, TimePoint now) override;
  void Return(Job job, TimePoint now) override;
  std::optional<Stopped> Redirect(Job job, std::string_view location, TimePoint now,
                                  Ended* ended) override;
  void PutRobots(Job robots_job, RobotsVerdict verdict, TimePoint now, Ended* ended) override;
  void PauseHost(const std::string& host, TimePoint until) override;
  std::optional<Job> TakeWaiting() override { return std::nullopt; }
  void DropWaiting() override;
  FrontierCounts Counts() const override;
  const Status& status() const override { return status_; }

  // --- CrawlNode ---
  bool Commit(const Job& job, const Record* record, bool sent) override;
  void OutputHas() override;
  std::size_t Unmarked() const override { return unmarked_; }
  Status SaveMark(const std::string& mark) override;
  const std::string& mark() const override { return mark_; }
  Status Replay(const std::function<Status(const Record&)>& write) override;
  bool ReplayDue() const override { return replay_due_; }
  void InputDone() override;
  void Leave() override;
  std::optional<TimePoint> UpkeepDeadline() const override;

 private:
  struct Robots {
    RobotsRules rules = RobotsRules::AllowAll();
    ErrorKind denial = ErrorKind::kRobots;
    std::string message;
  };
  struct Pending;  // a URL on its way to admit.lua

  RedisFrontier(const CrawlOptions& options, AdmitFilter filter, ScopeFilter scope,
                QueryFilter strip, bool reads_input);
  Status Join();
  Result<redis::Reply> Run(redis::Script& script, const std::vector<std::string_view>& args);
  bool Answer(const Result<redis::Reply>& reply, std::size_t* first_extra = nullptr);
  void Lost(const Status& why);
  void Reconnect(TimePoint now);
  void Beat(TimePoint now);
  void FlushListed(Ended* ended);
  void Admit(std::vector<Pending>& pending, Ended* ended);
  Admission Screen(const LinkSource& from, const std::string& link,
                   std::optional<CanonicalUrl>* url, std::optional<std::string>* stripped) const;
  bool Release(const Job& job, const char* how, bool sent, const std::vector<std::string>& extra,
               const char* what);
  std::optional<Claim> TakeClaim(Ended* ended);
  bool Judge(Job* job, Ended* ended, int reclaims);
  const Robots* RobotsOf(std::string_view origin);
  std::shared_ptr<const std::string> Intern(std::string_view name);
  bool KnownSeen(std::uint64_t key) const;
  void RememberSeen(std::uint64_t key);
  void Fail(Status st);

  // From the options.
  redis::Address address_;
  std::string crawl_;
  std::string prefix_;  // "forage:{CRAWL}:"
  std::string node_;
  std::string incarnation_;
  std::chrono::milliseconds ttl_;
  std::chrono::milliseconds io_timeout_;
  std::vector<std::pair<std::string, std::string>> settings_;
  int depth_;
  std::uint64_t max_pages_;
  bool obey_robots_;
  std::string user_agent_;
  AdmitFilter filter_;
  ScopeFilter scope_;
  QueryFilter strip_;  // --strip-query
  bool reads_input_;
  bool input_done_ = false;

  RedisScripts scripts_;
  std::unique_ptr<redis::Connection> conn_;
  std::string epoch_;
  Status status_;
  // The connection broke at lost_since_: no work is taken until it is back.
  std::optional<TimePoint> lost_since_;
  TimePoint next_reconnect_{};
  std::vector<std::string> abandoned_;  // leases whose jobs ended while Redis was away
  TimePoint next_beat_{};

  // The crawl as the last script saw it.
  std::uint64_t admitted_ = 0;
  std::uint64_t done_ = 0;
  std::uint64_t other_readers_ = 0;
  bool seeded_ = false;
  bool at_limit_ = false;
  std::int64_t wake_ms_ = -1;

  std::size_t held_ = 0;         // leases this node holds
  std::deque<Claim> claimed_;    // claimed in a batch, not yet handed out
  std::vector<Pending> listed_;  // input lines waiting to be admitted in a batch
  TimePoint next_poll_{};
  bool poke_ = true;  // something changed here that may make work claimable

  std::unordered_map<std::string, Robots> robots_;  // origins whose verdict is known
  std::unordered_map<std::string, std::shared_ptr<const std::string>> interned_;
  std::vector<std::uint64_t> seen_cache_;  // fingerprints known to be admitted, direct-mapped

  std::string mark_, mark_id_;
  std::string committed_id_, written_id_;  // the last record committed / in the output
  std::size_t unmarked_ = 0;
  bool replay_due_ = false;
};

}  // namespace forage
