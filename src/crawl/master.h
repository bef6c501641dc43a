#pragma once

// The master behind forage::Crawler: one thread, one poll loop. It reads
// seeds into the frontier, hands the jobs it claims to the fetchers through
// a FetcherSupervisor, turns result frames into records, and keeps the pool
// whole (crawler.cc). Declared here, not in the public header, so that tests
// can run it against a fake supervisor (set make_supervisor).

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <vector>

#include "core/fd.h"
#include "crawl/crawl_node.h"
#include "crawl/crawler_internals.h"
#include "crawl/fetcher_supervisor.h"
#include "crawl/frontier.h"
#include "crawl/hold_log.h"
#include "crawl/job_table.h"
#include "archive/warc_set.h"
#include "crawl/request_session.h"
#include "crawl/url_source.h"
#include "forage/crawler.h"
#include "ipc/wire.h"
#include "state/state_store.h"

namespace forage {

class SignalScope;

struct Master {
  using Clock = std::chrono::steady_clock;
  using SupervisorFactory =
      std::function<Result<std::unique_ptr<FetcherSupervisor>>(std::size_t workers)>;

  explicit Master(CrawlOptions o);
  Result<CrawlSummary> Run();

  // --- Set before Run -------------------------------------------------------------
  CrawlOptions options;
  UrlSource source;
  std::function<Status(const Record&)> on_record;
  std::function<void(const CrawlProgress&)> on_progress;
  std::function<bool(std::string_view, int)> on_admit;
  StateStore* state = nullptr;
  bool commit_each_record = false;
  std::function<Status()> on_commit;  // before each state commit, and each node mark
  NodeOutput* node_output = nullptr;  // see CrawlerInternals::UseNodeOutput
  std::chrono::milliseconds progress_every{250};
  // The fetchers: by default a PoolSupervisor over forage-fetcher processes.
  SupervisorFactory make_supervisor;
  UniqueFd stop_read, stop_write;
  std::atomic<bool> stop_requested{false};
  CrawlSummary summary;

 private:
  Status Prepare();
  void Loop(SignalScope& signals);
  int PollOnce(SignalScope& signals);
  Result<CrawlSummary> Conclude(Clock::time_point started);
  void Fill();
  void Dispatch();
  bool PushTo(JobId id, bool confirm);
  bool HasRoom() const;
  void HandleEvent(const FetcherSupervisor::Event& event);
  bool HandleFrame(std::size_t slot, std::string_view payload);
  void HandleResult(std::size_t slot, wire::FetchResult& result);
  bool Retry(Job& job, const wire::FetchResult& result, Clock::time_point now);
  void Redirected(Job job, const wire::FetchResult& result, Clock::time_point now);
  void SitemapRead(Job job, wire::FetchResult& result);
  // --canonical: admits the canonical URL `rec` names, if another, and makes
  // `rec` a duplicate if that URL has a record of its own
  // (master_canonical.cc).
  void AdmitCanonical(const Job& job, Record& rec, Ended* ended);
  void OnDeath(const FetcherSupervisor::Event& death);
  void Respawn(std::size_t slot);
  // How many jobs each fetcher slot holds, in held_ (reused every turn).
  const std::vector<std::size_t>& Held();
  std::optional<Clock::time_point> Deadline();
  void StopNow(ErrorKind kind, const std::string& message);
  void FailAll(ErrorKind kind, const std::string& message);
  void Drain();
  void Emit(Job job, Record record, StateStore::Outcome outcome = {});
  void Fail(Job job, ErrorKind kind, std::string message);
  void EmitEnded(Ended& ended);
  void MaybeCommitState(bool now);
  Status CommitState();
  Status JoinCrawl();
  Status ReplayCommitted();
  void EmitShared(Job job, Record record);
  void MaybeMark(bool now);
  void LeaveCrawl();
  std::size_t Room() const;
  void ReportProgress();
  void StopFor(const Status& st);
  Status OpenWarc();
  void CloseWarc();
  void StoreWarc();
  Status OpenSession();
  void StoreSession();

  // --- Per run ----------------------------------------------------------------------
  std::size_t workers = 1;
  std::unique_ptr<Frontier> frontier;
  // The frontier as a node of a shared crawl (CrawlOptions::frontier), or
  // nullptr when this master crawls alone.
  CrawlNode* node = nullptr;
  std::unique_ptr<FetcherSupervisor> fetchers;
  std::optional<WarcLedger> warc;  // --warc: the set the fetchers write
  // Trusted origins and the cookie jar (see RequestSession).
  std::optional<RequestSession> session;
  JobTable jobs;  // claimed from the frontier: held by a slot, or about to be
  // Claimed, not yet in a ring (its fetcher's ring was full).
  std::optional<std::pair<JobId, bool>> unpushed;
  std::mt19937_64 jitter{std::random_device{}()};
  Status fatal;
  bool stopping = false;
  bool source_done = false;
  bool want_input = false;
  bool pool_lost = false;      // no fetcher can be kept alive any more
  bool output_failed = false;  // on_record failed: no more records are written
  HoldLog holds;  // how long Retry-After held each host back (CrawlSummary::held_back)
  std::size_t deaths_since_progress = 0;
  Clock::time_point started{};
  // CrawlOptions::max_time from `started`: the loop stops there as on SIGTERM.
  std::optional<Clock::time_point> run_deadline;
  Clock::time_point last_commit{};
  Clock::time_point last_mark{};
  Clock::time_point next_progress{};
  // Reused by every turn of the loop rather than allocated anew.
  std::vector<pollfd> poll_fds;
  std::vector<std::size_t> held_;
};

}  // namespace forage
