#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace forage {

using JobId = std::uint64_t;

// One scheduled URL, from admission until its record is written; or a
// robots.txt fetch, which yields rules instead of a record.
struct Job {
  JobId id = 0;
  std::string input;        // the URL as given or found: the record's "url"
  std::string current_url;  // what to request, when not `input` itself (normalised, redirected)
  // The current hop's "scheme://host[:port]" (robots.txt is per origin) and
  // host name (politeness is per host: the scheduler's key); each held once
  // and shared by every job on it.
  std::shared_ptr<const std::string> origin;
  std::shared_ptr<const std::string> host;
  std::string where;  // input position, for messages (listed URLs only)
  int depth = 0;
  std::shared_ptr<const std::string> parent;      // the page that linked here
  std::shared_ptr<const std::string> scope_root;  // see ScopeFilter::RootOf
  bool robots = false;  // fetches its origin's robots.txt: rules, not a record
  // --sitemaps: a sitemap job, and how deep in sitemap indexes (1: named by
  // robots.txt or guessed, 2: named by a sitemap index, ...); 0: a page.
  // Sitemap jobs have depth 0. A state or spill file keeps the level as a
  // negative depth (see SitemapDepth).
  int sitemap = 0;
  // A page a sitemap listed: its <lastmod>, Unix ms (0: none).
  std::int64_t lastmod_ms = 0;
  int deaths = 0;       // fetcher deaths this job was in flight for
  int node_deaths = 0;  // shared crawls: nodes that died holding it
  int attempts = 0;     // failed attempts at the current hop (retries)
  int hops = 0;         // redirects followed
  // Fingerprints of the URLs of this job's redirect chain, from its first
  // redirect on (a job that never redirects allocates nothing here).
  std::vector<std::uint64_t> chain;
  std::int64_t first_fetched_at_ms = 0;  // when the first hop was sent
  std::uint64_t elapsed_ms = 0;          // of the hops before the current one
  std::optional<std::size_t> slot;       // the fetcher holding it, if any
  bool claimed = false;  // handed out by the frontier, whose host slot it holds
  std::uint64_t lease = 0;  // a shared frontier's lease token for the claim
  // With a state: the URL's key there (its fingerprint), and the validators
  // of its last fetch when it is revisited (sent as If-None-Match and
  // If-Modified-Since).
  std::uint64_t key = 0;
  std::string etag;
  std::string last_modified;

  const std::string& Url() const { return current_url.empty() ? input : current_url; }
  // A sitemap /sitemap.xml guessed for an origin whose robots.txt named none:
  // neither named by anything nor listed. Not there, it gets no record.
  bool GuessedSitemap() const { return sitemap == 1 && !parent && where.empty(); }
};

// The depth a state or spill file keeps for a job: a sitemap's level as a
// negative number, else its depth; and back.
inline int StoredDepth(const Job& job) { return job.sitemap > 0 ? -job.sitemap : job.depth; }
inline void SetStoredDepth(Job* job, int stored) {
  job->sitemap = stored < 0 ? -stored : 0;
  job->depth = stored < 0 ? 0 : stored;
}

// Every live job and which fetcher slot holds it (pushed to its ring or in
// flight there) until its result arrives. The master's private memory is the
// truth about who holds what. Master only; not thread-safe.
class JobTable {
 public:
  // Adds `job` under its id, or under a new one if it has none (0); ids are
  // unique to the table that made them, so a job taken out of one table
  // (Complete) can go into another under the same id.
  JobId Add(Job job);
  Job* Find(JobId id);
  bool Empty() const { return jobs_.empty(); }
  std::size_t size() const { return jobs_.size(); }
  std::vector<JobId> LiveIds() const;

  // `id` must be live and held by no slot.
  void Assign(JobId id, std::size_t slot);
  std::size_t AssignedTo(std::size_t slot) const;
  // Whether `id` is live and held by `slot`.
  bool IsAssigned(JobId id, std::size_t slot) const;
  // The slot that held `id` no longer does (its result came, it will retry).
  void Release(JobId id);
  // Everything `slot` held, in assignment order; the jobs stay live, held by
  // no slot, until the caller requeues or completes them.
  std::vector<JobId> TakeAssigned(std::size_t slot);

  // Removes a live job for good and returns it. Each job is completed exactly
  // once; completing an unknown job is a bug (asserted).
  Job Complete(JobId id);

 private:
  std::unordered_map<JobId, Job> jobs_;
  std::vector<std::vector<JobId>> assigned_;  // per slot; small (<= concurrency)
  JobId next_id_ = 1;
};

}  // namespace forage
