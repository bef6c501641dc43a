#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/query_filter.h"
#include "crawl/frontier.h"
#include "crawl/scope.h"
#include "crawl/seen_set.h"
#include "crawl/spill_queue.h"
#include "forage/options.h"

namespace forage {

// The frontier of one process: a SeenSet, a Scheduler over the jobs in
// memory, SpillQueues for URLs beyond CrawlOptions::queue_in_memory (and
// for those a cut-off pass left in the state), robots.txt rules per origin,
// and a StateStore for the pass, when there is one. Master only; not
// thread-safe.
class LocalFrontier final : public Frontier {
 public:
  using AdmitFilter = std::function<bool(std::string_view url, int depth)>;

  // The scope patterns must compile (a bad one fails, naming it). With a
  // `state` (on which the caller began the pass), the pass a cut-off run
  // left is taken up here: its URLs count as seen, and those not yet
  // recorded wait first, in the order they were admitted; ones that end at
  // once go to `ended`.
  static Result<std::unique_ptr<LocalFrontier>> Create(const CrawlOptions& options,
                                                       StateStore* state, AdmitFilter filter,
                                                       Ended* ended);
  ~LocalFrontier() override;

  Admission AdmitListed(const InputLine& line, Ended* ended) override;
  Admission AdmitLink(const LinkSource& from, const std::string& link, Ended* ended) override;
  void AdmitSitemapEntries(const LinkSource& from, int level, bool index,
                           const std::vector<std::string>& urls,
                           const std::vector<std::int64_t>& lastmods, Ended* ended) override;
  std::vector<std::string> KnownLinks(const Job& page) override;
  bool AtPageLimit() const override;

  // Takes URLs waiting on disk back into memory while fewer than
  // queue_in_memory wait there (oldest first: the resumed pass before links
  // found since).
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

  std::optional<Job> TakeWaiting() override;
  void DropWaiting() override;

  FrontierCounts Counts() const override;
  const Status& status() const override { return status_; }


 private:
  // What the frontier knows of one origin's robots.txt.
  struct Robots {
    std::optional<RobotsRules> rules;  // nullopt while it is being fetched
    ErrorKind denial = ErrorKind::kRobots;
    std::string message;
    // --sitemaps: read the sitemaps it names once it is in (an origin first
    // reached by a page, not by a sitemap), with the scope of that page.
    bool discover = false;
    std::shared_ptr<const std::string> scope_root;
  };

  LocalFrontier(const CrawlOptions& options, StateStore* state, AdmitFilter filter,
                ScopeFilter scope, QueryFilter strip);
  void ResumePass(Ended* ended);
  Admission AdmitFound(const LinkSource& from, const std::string& link, std::int64_t lastmod_ms,
                       Ended* ended);
  Admission AdmitSitemap(const std::string& url, int level,
                         std::shared_ptr<const std::string> parent,
                         std::shared_ptr<const std::string> scope_root, Ended* ended);
  void DiscoverSitemaps(const Job& robots_job, Robots* robots, const RobotsRules& rules,
                        Ended* ended);
  void Spill(std::string url, int stored_depth, const std::string& parent,
             const std::string& scope_root, std::uint64_t key);
  Admission Queue(Job job, const CanonicalUrl& url, Ended* ended);
  bool Revisit(Job* job, Ended* ended);
  void Schedule(Job job, const CanonicalUrl& url, Ended* ended);
  bool ShouldSpill() const;
  std::size_t Spilled() const { return spill_.size() + resumed_.size(); }
  bool PopSpilled(SpillQueue::Entry* entry, bool* from_state);
  Job JobOfSpilled(SpillQueue::Entry& entry, bool from_state, std::optional<CanonicalUrl>* url);
  std::optional<CanonicalUrl> LinkTarget(Job* job) const;
  void EndClaim(Job* job, TimePoint now);
  void Fail(const Status& st);
  std::shared_ptr<const std::string> Intern(std::string_view name);

  // From the options.
  int depth_;
  std::uint64_t max_pages_;
  std::size_t queue_in_memory_;
  bool obey_robots_;
  bool sitemaps_;
  std::chrono::milliseconds recrawl_after_;

  StateStore* state_;
  AdmitFilter filter_;
  ScopeFilter scope_;
  QueryFilter strip_;  // --strip-query
  SeenSet seen_;
  Scheduler scheduler_;
  JobTable waiting_;  // jobs in memory, queued in scheduler_ (or claimed: see claimed_)
  std::unordered_map<std::string, Robots> robots_;
  // One shared copy of each origin's and host's name, for every job on it.
  std::unordered_map<std::string, std::shared_ptr<const std::string>> interned_;
  // Admitted URLs beyond queue_in_memory wait on disk, compact; `resumed_`
  // holds those a cut-off pass left pending, which go before any others.
  SpillQueue spill_, resumed_;
  SpillQueue::Entry entry_;  // reused, so its strings keep their capacity
  // The parent and scope root of the last job taken off the disk: the links
  // of one page come off one after another and share one copy of each.
  std::shared_ptr<const std::string> unspilled_parent_, unspilled_root_;
  bool spilled_any_ = false;
  std::vector<JobId> taking_;  // TakeWaiting's round
  std::size_t next_taken_ = 0;
  std::uint64_t admitted_ = 0;
  std::uint64_t not_due_ = 0;
  std::uint64_t resumed_count_ = 0;
  Status status_;
};

}  // namespace forage
