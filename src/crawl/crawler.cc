// The master: one thread, one poll loop. It reads seeds, hands jobs to the
// fetcher pool through the shared-memory rings, turns result frames into
// records, and keeps the pool whole. It never blocks on a fetcher: rings are
// pushed without waiting, doorbells and result pipes are non-blocking.

#include "forage/crawler.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/errno_status.h"
#include "core/fd.h"
#include "core/log.h"
#include "core/time_format.h"
#include "core/url.h"
#include "crawl/crawler_internals.h"
#include "crawl/hold_log.h"
#include "crawl/job_table.h"
#include "crawl/robots.h"
#include "crawl/scheduler.h"
#include "crawl/scope.h"
#include "crawl/seen_set.h"
#include "crawl/spill_queue.h"
#include "crawl/url_source.h"
#include "fetch/fetcher_launcher.h"
#include "ipc/frame_buffer.h"
#include "ipc/wire.h"
#include "ipc/worker_pool.h"
#include "parse/charset.h"
#include "parse/selector.h"
#include "state/state_store.h"

namespace forage {
namespace {

using Clock = std::chrono::steady_clock;

// How long fetchers get to leave after their doorbells close at the end of a
// run, and how long killed ones get to be reaped, before SIGKILL / giving up.
constexpr auto kExitGrace = std::chrono::seconds(5);

// While a run is on: SIGINT and SIGTERM blocked and read from a signalfd,
// SIGPIPE ignored (a closed pipe is an EPIPE to handle, not a death). Undone,
// pending signals included, when the run ends.
class SignalScope {
 public:
  explicit SignalScope(bool take_signals) {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &old_pipe_);
    if (!take_signals) return;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, &old_mask_);
    fd_.Reset(signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
    taken_ = true;
  }
  ~SignalScope() {
    if (taken_) {
      while (TakeSignal() != 0) {
      }
      fd_.Reset();
      sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
    }
    sigaction(SIGPIPE, &old_pipe_, nullptr);
  }
  int fd() const { return fd_.get(); }
  // The next pending signal number, or 0.
  int TakeSignal() {
    signalfd_siginfo info{};
    if (!fd_ || ::read(fd_.get(), &info, sizeof info) != sizeof info) return 0;
    return static_cast<int>(info.ssi_signo);
  }

 private:
  bool taken_ = false;
  UniqueFd fd_;
  sigset_t old_mask_{};
  struct sigaction old_pipe_ {};
};

}  // namespace

// What the master knows of one origin's robots.txt.
struct RobotsState {
  std::optional<RobotsRules> rules;  // nullopt while it is being fetched
  // What a disallowed page gets: kRobots, or, when robots.txt could not be
  // reached at all (no DNS, refused), that failure's own kind.
  ErrorKind denial = ErrorKind::kRobots;
  std::string denial_message = "robots.txt disallows this URL";
};

struct Crawler::Impl {
  explicit Impl(CrawlOptions o) : options(std::move(o)) {
    if (auto p = MakePipe(); p.ok()) {
      stop_read = std::move(p.value().read);
      stop_write = std::move(p.value().write);
      (void)SetNonBlocking(stop_read.get(), true);
      (void)SetNonBlocking(stop_write.get(), true);
    }
  }

  Result<CrawlSummary> Run();
  void Fill();
  void AdmitInput(const InputLine& line);
  void AdmitLink(const Job& from, const std::string& link);
  bool ShouldSpill() const;
  std::size_t Spilled() const { return spill.size() + resumed.size(); }
  void Unspill();
  void ScheduleSpilled(SpillQueue::Entry& entry, bool resumed_entry);
  JobId AddSpilled(SpillQueue::Entry& entry, bool resumed_entry, std::optional<CanonicalUrl>* url);
  void FailSpilled(ErrorKind kind, const std::string& message);
  void SpillFailed(const Status& st);
  bool AtPageLimit() const { return options.max_pages > 0 && admitted >= options.max_pages; }
  void Schedule(JobId id, const CanonicalUrl& url);
  std::shared_ptr<const std::string> Intern(std::string_view name);
  void Dispatch();
  bool PushTo(const Scheduler::Ready& ready);
  void ReadResults(std::size_t slot);
  bool HandleFrame(std::size_t slot, std::string_view payload);
  bool MaybeRetry(Job& job, const wire::FetchResult& r);
  void FollowRedirect(Job& job, wire::FetchResult& r);
  void HandleRobots(const Job& job, const wire::FetchResult& r);
  void ResolveRobots(const Job& fetch, RobotsRules rules, ErrorKind denial, std::string message);
  void WatchFetchers();
  std::optional<Clock::time_point> WatchDeadline();
  Clock::time_point LastSignOfLife(std::size_t slot);
  void OnDeath(std::size_t slot, const std::string& why, JobId culprit = 0);
  void Respawn(std::size_t slot);
  void StopNow(ErrorKind kind, const std::string& message);
  void DrainAndReap(std::size_t slot, Clock::time_point deadline);
  void FinishPool();
  void Emit(JobId id, Record record, StateStore::Outcome outcome = {});
  void Fail(JobId id, ErrorKind kind, std::string message);
  bool Revisit(JobId id);
  void ResumePass();
  void MaybeCommitState(bool now);
  Status CommitState();
  void DropLive();
  bool HasRoom() const;
  void ReportProgress(Clock::time_point started);

  CrawlOptions options;
  UrlSource source;
  std::function<Status(const Record&)> on_record;
  std::function<void(const CrawlProgress&)> on_progress;
  std::function<bool(std::string_view, int)> on_admit;
  StateStore* state = nullptr;
  bool commit_each_record = false;
  std::function<Status()> on_commit;
  Clock::time_point last_commit{};
  std::chrono::milliseconds progress_every{250};
  Clock::time_point next_progress{};
  UniqueFd stop_read, stop_write;
  std::atomic<bool> stop_requested{false};

  // Per run.
  std::size_t workers = 1;
  JobTable jobs;
  std::optional<Scheduler> scheduler;
  std::optional<ScopeFilter> scope;
  SeenSet seen;
  std::unordered_map<std::string, RobotsState> robots;
  // One shared copy of each origin's and host's name, for every job on it.
  std::unordered_map<std::string, std::shared_ptr<const std::string>> interned;
  std::unique_ptr<WorkerPool> pool;
  std::vector<FrameBuffer> buffers;
  // When each fetcher's result pipe last gave bytes: a sign of life that a
  // fetcher blocked writing to a busy master cannot stamp as a heartbeat.
  std::vector<Clock::time_point> last_heard;
  std::optional<Scheduler::Ready> unpushed;  // taken from the scheduler, not yet in a ring
  // Admitted URLs beyond options.queue_in_memory wait on disk, compact, and
  // become jobs as the queue in memory runs down (see ShouldSpill, Unspill).
  // `resumed` holds the URLs a cut-off run left pending in the state, which
  // go before any others.
  SpillQueue spill, resumed;
  SpillQueue::Entry spill_entry;  // reused, so its strings keep their capacity
  // The parent and scope root of the last job taken off the disk: the links
  // of one page come off one after another and share one copy of each.
  std::shared_ptr<const std::string> unspilled_parent, unspilled_root;
  bool spilled_any = false;  // this run (said once, in the debug log)
  std::mt19937_64 jitter{std::random_device{}()};
  CrawlSummary summary;
  Status fatal;
  std::uint64_t admitted = 0;  // page jobs admitted: each will be one record
  bool stopping = false;
  bool source_done = false;
  bool want_input = false;
  bool pool_lost = false;  // no fetcher can be kept alive any more
  bool output_failed = false;  // on_record failed: no more records are written
  HoldLog holds;  // how long Retry-After held each host back (CrawlSummary::held_back)
  std::size_t deaths_since_progress = 0;
};

Crawler::Crawler(CrawlOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Crawler::~Crawler() = default;

void Crawler::AddSeed(std::string url) { impl_->source.AddUrl(std::move(url)); }
Status Crawler::AddSeedFile(const std::string& path) { return impl_->source.AddFile(path); }
void Crawler::OnAdmit(std::function<bool(std::string_view url, int depth)> filter) {
  impl_->on_admit = std::move(filter);
}
void Crawler::OnRecord(std::function<Status(const Record&)> callback) {
  impl_->on_record = std::move(callback);
}
void Crawler::OnProgress(std::function<void(const CrawlProgress&)> callback,
                         std::chrono::milliseconds every) {
  impl_->on_progress = std::move(callback);
  impl_->progress_every = std::max(every, std::chrono::milliseconds(1));
}
void CrawlerInternals::UseState(Crawler& crawler, StateStore* state, bool commit_each_record) {
  crawler.impl_->state = state;
  crawler.impl_->commit_each_record = commit_each_record;
}
void Crawler::OnCommit(std::function<Status()> commit) { impl_->on_commit = std::move(commit); }

Result<CrawlSummary> Crawler::Run() {
  if (impl_->options.state_path.empty()) return impl_->Run();
  // CrawlOptions::state_path: this run holds the state and its pass itself.
  // Records go to OnRecord, which cannot be cut back, so a commit comes
  // after OnCommit has made them durable, and a kill repeats at most what
  // came after the last commit.
  if (impl_->state) {
    return Status::InvalidArgument(
        "CrawlOptions::state_path is set, and a state is in use already");
  }
  auto opened = StateStore::Open(impl_->options.state_path);
  if (!opened.ok()) return opened.status();
  std::unique_ptr<StateStore> store = std::move(opened).value();
  if (auto pass = store->BeginPass(UnixMillisNow()); !pass.ok()) return pass.status();
  impl_->state = store.get();
  impl_->commit_each_record = false;
  Result<CrawlSummary> run = impl_->Run();
  impl_->state = nullptr;
  // Every record of the pass is out and committed: the next run begins anew.
  if (run.ok() && !run.value().interrupted) {
    if (Status st = store->FinishPass(UnixMillisNow()); !st.ok()) return st;
  }
  return run;
}

const CrawlSummary& Crawler::LastSummary() const { return impl_->summary; }

void Crawler::RequestStop() {
  impl_->stop_requested.store(true);
  char byte = 1;
  [[maybe_unused]] ssize_t n = ::write(impl_->stop_write.get(), &byte, 1);
}

void Crawler::Impl::ReportProgress(Clock::time_point started) {
  CrawlProgress p;
  p.done = summary.records;
  p.ok = summary.ok;
  p.failed = summary.failed;
  p.skipped = summary.skipped;
  p.pending = jobs.size() + Spilled();
  p.bytes = summary.bytes;
  p.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (options.depth == 0 && source_done) p.total = summary.records + p.pending;
  on_progress(p);
}

bool Crawler::Impl::HasRoom() const {
  for (std::size_t i = 0; i < pool->size(); ++i) {
    if (pool->Ready(i) && jobs.AssignedTo(i) < static_cast<std::size_t>(options.concurrency)) {
      return true;
    }
  }
  return false;
}

// The one place records leave: each page job ends here exactly once. With a
// state, the URL is marked done there only once its record is written, so a
// record the output never took is fetched again by the next run.
void Crawler::Impl::Emit(JobId id, Record record, StateStore::Outcome outcome) {
  Job job = jobs.Complete(id);
  if (job.robots) return;  // a robots.txt fetch yields rules, not a record
  if (record.unchanged) ++summary.unchanged;
  if (record.unchanged && options.changed_only) {
    if (state && fatal.ok()) {
      outcome.at_ms = UnixMillisNow();
      state->Done(job.key, outcome);
    }
    return;
  }
  record.url = std::move(job.input);
  record.depth = job.depth;
  if (job.parent) record.parent = *job.parent;
  record.ok = !record.error.has_value();
  if (!record.fetched_at_ms && job.first_fetched_at_ms)
    record.fetched_at_ms = job.first_fetched_at_ms;
  for (const FieldRule& rule : options.select) record.fields.try_emplace(rule.name);
  ++summary.records;
  if (!record.truncated.empty()) ++summary.truncated;
  summary.bytes += record.bytes;
  ++summary.by_status[record.status.value_or(0)];
  if (record.ok) {
    ++summary.ok;
  } else if (IsFailure(record.error->kind)) {
    ++summary.failed;
  } else {
    ++summary.skipped;
  }
  if (record.error) {
    ++summary.by_error[std::string(ErrorKindName(record.error->kind))];
    if (record.error->kind == ErrorKind::kRobots) ++summary.robots_denied;
  }
  // Counted, but a failed output takes no more records, and with a state a
  // run that cannot go on leaves the rest pending there (it keeps its last
  // commit). Without a state every record is still written, interrupted
  // ones included.
  if (output_failed || (state && !fatal.ok())) return;
  if (on_record) {
    Status st = on_record(record);
    if (!st.ok()) {
      output_failed = true;
      if (fatal.ok()) fatal = st;
      stopping = true;
      return;
    }
  }
  if (state) {
    // A page robots.txt could not be had for was never looked at: it is
    // done in this pass (its record is out) but due in the next, whatever
    // --recrawl-after says.
    const bool unvisited = record.error && record.error->kind == ErrorKind::kRobotsUnavailable;
    outcome.at_ms = unvisited ? 0 : UnixMillisNow();
    state->Done(job.key, outcome);
    if (commit_each_record) MaybeCommitState(/*now=*/true);
  }
}

void Crawler::Impl::Fail(JobId id, ErrorKind kind, std::string message) {
  Record r;
  r.error = RecordError{kind, std::move(message)};
  Emit(id, std::move(r));
}

// Takes URLs waiting on disk back into memory while the queue there has
// room, then reads seeds while little is queued, so a list of any size takes
// bounded memory. Bad lines complete at once with their error record.
void Crawler::Impl::Fill() {
  Unspill();
  const std::size_t window = workers * static_cast<std::size_t>(options.concurrency) * 2 + 64;
  want_input = false;
  // URLs waiting on disk count as queued: the input waits for a crawl's
  // queue as before, however long that queue is.
  while (!source_done && scheduler->Pending() + Spilled() < window && !stopping) {
    if (AtPageLimit()) {
      source_done = true;  // --max-pages: nothing more is read
      return;
    }
    InputLine line;
    UrlSource::Poll got = source.Next(&line);
    if (got == UrlSource::Poll::kWouldBlock) {
      want_input = true;
      return;
    }
    if (got == UrlSource::Poll::kExhausted) {
      source_done = true;
      return;
    }
    AdmitInput(line);
  }
}

void Crawler::Impl::AdmitInput(const InputLine& line) {
  CheckedUrl checked = CheckInputUrl(line.text);
  if (line.too_long && !checked.error) {
    checked.error =
        RecordError{ErrorKind::kInvalidUrl,
                    "line longer than " + std::to_string(UrlSource::kMaxLineBytes) + " bytes"};
  }
  std::optional<CanonicalUrl> canonical;
  if (!checked.error) {
    canonical = Canonicalize(checked.url);
    if (!canonical) checked.error = RecordError{ErrorKind::kInvalidUrl, "not an http(s) URL"};
  }
  // A line that is no URL has a key of its own, so that a state remembers
  // its record too.
  const std::uint64_t key =
      canonical ? UrlFingerprint(canonical->url) : UrlFingerprint("not a URL: " + line.text);
  if (!seen.Insert(key)) {
    LogDebug(line.where + ": " + line.text + " is listed again" +
             (state ? " or was recorded by this pass already" : "") + "; skipped");
    return;
  }
  Job job;
  job.input = MakeValidUtf8(line.text);  // records hold valid UTF-8, whatever the input held
  job.where = line.where;
  job.key = key;
  ++admitted;
  if (state) state->Admit(key, job.input, 0, "");
  if (checked.error) {
    JobId id = jobs.Add(std::move(job));
    LogWarn(line.where + ": " + std::string(ErrorKindName(checked.error->kind)) + ": " +
            checked.error->message);
    Fail(id, checked.error->kind, checked.error->message + " (" + line.where + ")");
    return;
  }
  if (checked.url != job.input) job.current_url = std::move(checked.url);
  job.scope_root = std::make_shared<const std::string>(scope->RootOf(canonical->host()));
  JobId id = jobs.Add(std::move(job));
  if (pool_lost) {
    Fail(id, ErrorKind::kWorkerCrash, "no fetcher process could be kept running");
    return;
  }
  if (Revisit(id)) Schedule(id, *canonical);
}

// A link found on a page (`from` carries the page's depth, scope root and
// final URL as `parent`) is admitted when it is within depth, not
// binary-looking, in scope, passes the patterns, fits under --max-pages, was
// never seen before and the OnAdmit filter takes it. Otherwise it gets no
// record. Admitted, it becomes a job, or waits on disk (see ShouldSpill).
void Crawler::Impl::AdmitLink(const Job& from, const std::string& link) {
  if (from.depth + 1 > options.depth || AtPageLimit()) return;
  // Longer than a listed URL may be (it could not travel in one job frame):
  // not followed, like a link to another scheme.
  if (link.size() > kMaxUrlBytes) return;
  std::optional<CanonicalUrl> url = Canonicalize(link);
  if (!url) return;
  if (HasBinaryExtension(url->path_and_query()) && !scope->IncludeMatches(url->url)) return;
  if (!scope->InScope(*from.scope_root, url->host())) return;
  if (!scope->PassesPatterns(url->url)) return;
  std::uint64_t fingerprint = UrlFingerprint(url->url);
  if (!seen.Insert(fingerprint)) return;
  if (on_admit && !on_admit(link, from.depth + 1)) return;  // seen: not asked again
  ++admitted;
  if (state) state->Admit(fingerprint, link, from.depth + 1, *from.parent);
  if (ShouldSpill()) {
    if (!spilled_any) {
      LogDebug(std::to_string(options.queue_in_memory) +
               " URLs wait in memory; those found beyond wait in a temporary file in " +
               spill.dir());
      spilled_any = true;
    }
    spill_entry.url = link;
    spill_entry.depth = from.depth + 1;
    spill_entry.parent = *from.parent;
    spill_entry.scope_root = *from.scope_root;
    spill_entry.key = fingerprint;
    if (Status st = spill.Push(spill_entry); !st.ok()) SpillFailed(st);
    return;
  }
  Job job;
  job.input = link;
  job.depth = from.depth + 1;
  job.parent = from.parent;  // the page's final URL, shared by all its links
  job.scope_root = from.scope_root;
  job.key = fingerprint;
  JobId id = jobs.Add(std::move(job));
  if (Revisit(id)) Schedule(id, *url);
}

// A link waits on disk rather than as a job once options.queue_in_memory
// URLs wait in memory, and also while any wait on disk, so that it goes
// behind those, breadth first.
bool Crawler::Impl::ShouldSpill() const {
  return options.queue_in_memory > 0 &&
         (Spilled() > 0 || scheduler->Pending() >= options.queue_in_memory);
}

// Turns URLs waiting on disk into scheduled jobs, oldest first (the pass a
// cut-off run left before links found since), while fewer than
// options.queue_in_memory wait in memory.
void Crawler::Impl::Unspill() {
  const std::size_t limit = options.queue_in_memory;
  while (!stopping && Spilled() > 0 && (limit == 0 || scheduler->Pending() < limit)) {
    const bool from_state = !resumed.empty();
    if (Status st = (from_state ? resumed : spill).Pop(&spill_entry); !st.ok()) {
      return SpillFailed(st);
    }
    ScheduleSpilled(spill_entry, from_state);
  }
}

void Crawler::Impl::ScheduleSpilled(SpillQueue::Entry& entry, bool resumed_entry) {
  std::optional<CanonicalUrl> url;
  JobId id = AddSpilled(entry, resumed_entry, &url);
  if (!url) return Fail(id, ErrorKind::kInvalidUrl, "not an http(s) URL");
  if (Revisit(id)) Schedule(id, *url);
}

// The job of a URL taken off the disk, added to the table, and in *url its
// canonical form (nullopt if it has none). A link has what AdmitLink gave
// it; a URL `resumed_entry` from the state is one a cut-off run admitted:
// listed (depth 0) as the input gave it, or a link, and in scope of the
// root of its own host (the state does not keep the listed URL it descends from).
JobId Crawler::Impl::AddSpilled(SpillQueue::Entry& entry, bool resumed_entry,
                                std::optional<CanonicalUrl>* url) {
  auto shared = [](std::shared_ptr<const std::string>& last, std::string& text) {
    if (!last || *last != text) last = std::make_shared<const std::string>(std::move(text));
    return last;
  };
  Job job;
  job.input = std::move(entry.url);
  job.depth = entry.depth;
  job.key = entry.key;
  if (!resumed_entry) {
    *url = Canonicalize(job.input);
    job.parent = shared(unspilled_parent, entry.parent);
    job.scope_root = shared(unspilled_root, entry.scope_root);
    return jobs.Add(std::move(job));
  }
  if (!entry.parent.empty()) job.parent = shared(unspilled_parent, entry.parent);
  job.where = "the state " + state->path();
  if (job.depth == 0) {
    CheckedUrl checked = CheckInputUrl(job.input);
    if (!checked.error) *url = Canonicalize(checked.url);
    if (*url && checked.url != job.input) job.current_url = checked.url;
  } else {
    *url = Canonicalize(job.input);
  }
  if (*url) job.scope_root = std::make_shared<const std::string>(scope->RootOf((*url)->host()));
  return jobs.Add(std::move(job));
}

// The run ends before the URLs waiting on disk are fetched: each gets the
// record of `kind`, as a job waiting in memory does.
void Crawler::Impl::FailSpilled(ErrorKind kind, const std::string& message) {
  while (Spilled() > 0) {
    const bool from_state = !resumed.empty();
    if (Status st = (from_state ? resumed : spill).Pop(&spill_entry); !st.ok()) {
      return SpillFailed(st);
    }
    std::optional<CanonicalUrl> url;
    Fail(AddSpilled(spill_entry, from_state, &url), kind, message);
  }
}

// The disk holding waiting URLs failed (full, an I/O error): those URLs are
// lost to this run, which stops as when the state cannot be written. With a
// state they are still pending there for the next run.
void Crawler::Impl::SpillFailed(const Status& st) {
  if (fatal.ok()) fatal = st;
  stopping = true;
}

// With a state, a URL an earlier pass recorded is revisited: not at all
// while that record is younger than --recrawl-after (its stored links are
// followed instead, as if the page had been fetched), else conditionally,
// with the validators of that fetch. A page whose links the crawl needs but
// the state lacks is fetched in full. False when the job ended here.
bool Crawler::Impl::Revisit(JobId id) {
  if (!state) return true;
  Job& job = *jobs.Find(id);
  std::optional<StateStore::Known> known = state->Find(job.key);
  if (!known || known->done_ms == 0) return true;
  const bool follow = options.depth > job.depth;
  if (follow && !known->has_links) return true;
  const std::int64_t age_ms = UnixMillisNow() - known->done_ms;
  if (age_ms >= options.recrawl_after.count()) {
    job.etag = known->etag;
    job.last_modified = known->last_modified;
    return true;
  }
  ++summary.not_due;
  StateStore::Outcome same;
  same.at_ms = known->done_ms;  // the record's age goes on counting
  same.unchanged = true;
  state->Done(job.key, same);
  const Job done = jobs.Complete(id);
  if (follow) {
    Job from;  // what the stored links inherit
    from.depth = done.depth;
    from.scope_root = done.scope_root;
    from.parent = std::make_shared<const std::string>(done.Url());
    for (const std::string& link : state->Links(done.key)) AdmitLink(from, link);
  }
  return false;
}

// Takes up the pass a cut-off run left: every URL it admitted counts as
// seen (so neither the input nor a link brings it back), and those it had
// not recorded are scheduled again, in the order they were admitted. They
// wait on disk (`resumed`) until the queue in memory has room for them, so
// that a long crawl resumes in as little memory as it ran in; with no limit
// on that queue they all become jobs at once.
void Crawler::Impl::ResumePass() {
  std::vector<SpillQueue::Entry> pending;  // with no limit on the queue in memory
  Status kept;
  Status st = state->ForEachInPass([&](const StateStore::PassUrl& u) {
    seen.Insert(u.fingerprint);
    ++admitted;
    if (u.done || !kept.ok()) return;
    ++summary.resumed;
    SpillQueue::Entry entry{u.url, u.depth, u.parent, "", u.fingerprint};
    if (options.queue_in_memory == 0) {
      pending.push_back(std::move(entry));
    } else {
      kept = resumed.Push(entry);
    }
  });
  if (st.ok()) st = kept;
  if (!st.ok()) {
    fatal = st;
    stopping = true;
    return;
  }
  if (summary.resumed > 0) {
    LogInfo("resuming the last pass: " + std::to_string(summary.resumed) + " URL(s) to go, " +
            std::to_string(admitted - summary.resumed) + " recorded already");
  }
  for (SpillQueue::Entry& entry : pending) ScheduleSpilled(entry, /*resumed_entry=*/true);
}

// Commits the state when enough has changed or enough time has passed (or
// `now`): the output is checkpointed first, so the position committed
// never runs ahead of the records written.
void Crawler::Impl::MaybeCommitState(bool now) {
  if (!state || !fatal.ok() || state->Uncommitted() == 0) return;
  constexpr std::size_t kBatch = 1000;
  constexpr auto kInterval = std::chrono::seconds(1);
  if (!now && state->Uncommitted() < kBatch && Clock::now() - last_commit < kInterval) return;
  if (Status st = CommitState(); !st.ok()) {
    fatal = st;
    stopping = true;
  }
}

Status Crawler::Impl::CommitState() {
  if (on_commit) {
    if (Status st = on_commit(); !st.ok()) return st;
  }
  last_commit = Clock::now();
  Status st = state->Commit();
  if (st.ok()) {
    LogDebug("state committed; " + std::to_string(summary.records) +
             " record(s) written by this run");
  }
  return st;
}

// The run stops before these jobs end. Without a state each gets a record
// of the stop; with one they stay pending there for the next run, and so do
// the URLs waiting on disk.
void Crawler::Impl::DropLive() {
  for (JobId id : jobs.LiveIds()) jobs.Complete(id);
  spill = SpillQueue();
  resumed = SpillQueue();
}

// Queues a page job for the origin of `url`, behind that origin's robots.txt
// the first time it is seen; a page robots.txt is known to refuse completes
// here, without a fetch.
void Crawler::Impl::Schedule(JobId id, const CanonicalUrl& url) {
  Job& job = *jobs.Find(id);
  job.origin = Intern(url.origin());
  job.host = Intern(url.host());
  const std::string& origin = *job.origin;
  const std::string& host = *job.host;
  if (options.robots) {
    auto [it, added] = robots.try_emplace(origin);
    if (added) {
      Job fetch;
      fetch.input = origin + "/robots.txt";
      fetch.origin = job.origin;
      fetch.host = job.host;
      fetch.robots = true;
      scheduler->Block(host);
      scheduler->Enqueue(jobs.Add(std::move(fetch)), host, /*front=*/true);
    } else if (it->second.rules && !it->second.rules->IsAllowed(url.path_and_query())) {
      Fail(id, it->second.denial, it->second.denial_message);
      return;
    }
  }
  scheduler->Enqueue(id, host);
}

std::shared_ptr<const std::string> Crawler::Impl::Intern(std::string_view name) {
  auto [it, fresh] = interned.try_emplace(std::string(name));
  if (fresh) it->second = std::make_shared<const std::string>(it->first);
  return it->second;
}

// Hands ready jobs to the least-loaded fetchers with room.
void Crawler::Impl::Dispatch() {
  const Clock::time_point now = Clock::now();
  while (HasRoom()) {
    if (!unpushed) unpushed = scheduler->NextReady(now);
    if (!unpushed || !PushTo(*unpushed)) return;
    unpushed.reset();
  }
}

bool Crawler::Impl::PushTo(const Scheduler::Ready& ready) {
  const auto limit = static_cast<std::size_t>(options.concurrency);
  std::size_t best = pool->size();
  for (std::size_t i = 0; i < pool->size(); ++i) {
    if (!pool->Ready(i) || jobs.AssignedTo(i) >= limit) continue;
    if (best == pool->size() || jobs.AssignedTo(i) < jobs.AssignedTo(best)) best = i;
  }
  if (best == pool->size()) return false;
  const Job& job = *jobs.Find(ready.job);
  wire::FetchJob fetch;
  fetch.id = ready.job;
  fetch.kind = job.robots ? wire::JobKind::kRobots : wire::JobKind::kPage;
  fetch.url = job.Url();
  fetch.if_none_match = job.etag;
  fetch.if_modified_since = job.last_modified;
  // Under a delay the host waits to hear when the request went out. A
  // robots.txt job follows its redirects inside curl, so its last request
  // is known to have gone only once it ends (Finished).
  fetch.report_sent = ready.confirm && !job.robots;
  const std::string frame = wire::EncodeJob(fetch);
  if (frame.size() > WorkQueue::kCapacityBytes) {
    // No ring can ever hold it, and waiting for one would hold up every job
    // behind it for good.
    scheduler->Finished(ready.host, ready.job, Clock::now());
    Fail(ready.job, ErrorKind::kInvalidUrl,
         "job of " + std::to_string(frame.size()) + " bytes is too large to hand to a fetcher");
    return true;
  }
  // A full ring frees as its fetcher pops; the job waits in `unpushed`.
  if (!pool->Push(best, frame)) return false;
  jobs.Assign(ready.job, best);
  return true;
}

void Crawler::Impl::ReadResults(std::size_t slot) {
  char buf[64 * 1024];
  for (;;) {
    ssize_t n = ReadSome(pool->ResultFd(slot), buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n <= 0) {
      OnDeath(slot, pool->Reap(slot));
      return;
    }
    last_heard[slot] = Clock::now();
    FrameBuffer& frames = buffers[slot];
    frames.Append(std::string_view(buf, static_cast<std::size_t>(n)));
    std::string_view payload;
    for (;;) {
      FrameBuffer::State state = frames.Next(&payload);
      if (state == FrameBuffer::State::kNeedMore) break;
      if (state == FrameBuffer::State::kCorrupt || !HandleFrame(slot, payload)) {
        ::kill(pool->Pid(slot), SIGKILL);
        OnDeath(slot, "sent a corrupt frame; " + pool->Reap(slot));
        return;
      }
    }
  }
}

// One result frame from `slot`; false if it cannot be decoded.
bool Crawler::Impl::HandleFrame(std::size_t slot, std::string_view payload) {
  if (wire::IsReady(payload)) {
    pool->MarkReady(slot);
    return true;
  }
  if (std::optional<wire::RequestSent> sent = wire::DecodeSent(payload)) {
    // The same clock in every process; a time from the future (impossible
    // but for a bug) must not hold the host back.
    const Clock::time_point at = std::min(
        Clock::now(), Clock::time_point(std::chrono::duration_cast<Clock::duration>(
                          std::chrono::nanoseconds(sent->sent_ns))));
    if (jobs.IsAssigned(sent->id, slot)) scheduler->Started(*jobs.Find(sent->id)->host, sent->id, at);
    return true;
  }
  std::optional<wire::FetchResult> result = wire::DecodeResult(payload);
  if (!result) return false;
  if (!jobs.IsAssigned(result->id, slot)) {
    LogWarn("fetcher " + std::to_string(slot) + " reported job " + std::to_string(result->id) +
            ", which it does not hold; ignored");
    return true;
  }
  deaths_since_progress = 0;
  ++summary.results_per_fetcher[slot];
  Job& job = *jobs.Find(result->id);
  scheduler->Finished(*job.host, job.id, Clock::now());
  if (!job.first_fetched_at_ms) job.first_fetched_at_ms = result->fetched_at_ms;
  // robots.txt gets the same retries as a page before its answer counts.
  if (MaybeRetry(job, *result)) return true;
  if (job.robots) {
    HandleRobots(job, *result);
    jobs.Complete(result->id);
    return true;
  }
  if (!result->redirect_url.empty()) {
    FollowRedirect(job, *result);
    return true;
  }
  Record r;
  r.final_url = MakeValidUtf8(result->final_url);
  if (result->status > 0) r.status = result->status;
  if (!result->content_type.empty()) r.content_type = MakeValidUtf8(result->content_type);
  r.bytes = result->bytes;
  r.elapsed_ms = job.elapsed_ms + result->elapsed_ms;
  r.title = std::move(result->title);
  r.description = std::move(result->description);
  r.links = std::move(result->links);
  for (auto& [name, values] : result->fields) r.fields[name] = std::move(values);
  r.text = std::move(result->text);
  r.truncated = std::move(result->truncated);
  if (result->error != ErrorKind::kNone) {
    r.error = RecordError{result->error, MakeValidUtf8(result->error_message)};
  }
  r.fetched_at_ms = job.first_fetched_at_ms;
  const bool follow = !r.error && options.depth > job.depth;
  // A 304 answers the validators a revisit sent: the page is as the state
  // last saw it, links included.
  r.unchanged = !r.error && r.status == 304 && !(job.etag.empty() && job.last_modified.empty());
  StateStore::Outcome outcome;
  if (r.unchanged) {
    outcome.unchanged = true;
  } else if (!r.error) {
    outcome.etag = std::move(result->etag);
    outcome.last_modified = std::move(result->last_modified);
    if (follow) outcome.links = r.links;
  }
  Job from;  // what the page's links inherit
  std::vector<std::string> links;
  if (follow) {
    from.depth = job.depth;
    from.scope_root = job.scope_root;
    from.parent = std::make_shared<const std::string>(*r.final_url);
    links = r.unchanged ? state->Links(job.key) : r.links;
  }
  Emit(result->id, std::move(r), std::move(outcome));
  for (const std::string& link : links) AdmitLink(from, link);
  return true;
}

// Connect errors, timeouts, 429 and 5xx are tried again, --retries times,
// after a back-off that doubles each time (with jitter) or what Retry-After
// asks (at most 5 minutes). A 429 or 503 also holds back the whole host.
bool Crawler::Impl::MaybeRetry(Job& job, const wire::FetchResult& r) {
  const bool transient = r.error == ErrorKind::kConnect || r.error == ErrorKind::kTimeout ||
                         (r.error == ErrorKind::kHttp && (r.status == 429 || r.status >= 500));
  if (!transient || job.attempts >= options.retries) return false;
  ++job.attempts;
  ++summary.retries;
  using std::chrono::milliseconds;
  milliseconds wait;
  if (r.retry_after_s >= 0) {
    wait = std::min<milliseconds>(std::chrono::seconds(r.retry_after_s), std::chrono::minutes(5));
  } else {
    double base = static_cast<double>(options.retry_wait.count()) * (1 << (job.attempts - 1));
    std::uniform_real_distribution<double> spread(0.5, 1.5);
    wait = milliseconds(static_cast<long long>(base * spread(jitter)));
  }
  const Clock::time_point now = Clock::now();
  if (r.status == 429 || r.status == 503) {
    scheduler->PauseHost(*job.host, now + wait);
    if (r.retry_after_s >= 0) holds.Add(*job.host, now, now + wait);
  }
  LogDebug("retrying " + job.Url() + " in " + std::to_string(wait.count()) + " ms (" +
           std::string(ErrorKindName(r.error)) + ", attempt " + std::to_string(job.attempts + 1) +
           ")");
  job.elapsed_ms += r.elapsed_ms;
  jobs.Release(job.id);
  scheduler->EnqueueAt(job.id, *job.host, now + wait, /*front=*/job.robots);
  return true;
}

// forage follows redirects itself, so that each hop passes the checks a
// link does: loops and long chains, scope (for pages found by crawling;
// listed URLs follow their redirects anywhere), robots.txt and politeness. A
// hop to a URL already seen ends the record there, without a second fetch.
void Crawler::Impl::FollowRedirect(Job& job, wire::FetchResult& r) {
  JobId id = job.id;
  Record rec;
  rec.final_url = MakeValidUtf8(r.redirect_url);
  rec.status = r.status;
  rec.elapsed_ms = job.elapsed_ms + r.elapsed_ms;
  if (!r.content_type.empty()) rec.content_type = MakeValidUtf8(r.content_type);
  auto end = [&](ErrorKind kind, std::string message) {
    if (kind != ErrorKind::kNone) rec.error = RecordError{kind, std::move(message)};
    Emit(id, std::move(rec));
  };
  if (r.redirect_url.size() > kMaxUrlBytes) {
    return end(ErrorKind::kInvalidUrl, "redirect to a URL of " +
                                           std::to_string(r.redirect_url.size()) +
                                           " bytes; the limit is " + std::to_string(kMaxUrlBytes));
  }
  // The fetcher resolved the Location header (WhatwgUrl); what is requested
  // next is that URL serialized, in ASCII, so that an IDN host reaches
  // libcurl in punycode.
  Result<WhatwgUrl> parsed = WhatwgUrl::Parse(r.redirect_url);
  if (!parsed.ok()) {
    return end(ErrorKind::kInvalidUrl, "redirect to an invalid URL (" + parsed.status().message() +
                                           "): " + MakeValidUtf8(r.redirect_url));
  }
  std::optional<CanonicalUrl> target = CanonicalOf(parsed.value());
  if (!target) {
    return end(ErrorKind::kUnsupportedScheme,
               "redirect to a URL that is not http(s): " + MakeValidUtf8(r.redirect_url));
  }
  if (++job.hops > 10) return end(ErrorKind::kRedirectLoop, "more than 10 redirects");
  std::uint64_t fingerprint = UrlFingerprint(target->url);
  if (job.chain.empty()) {  // the chain starts at the job's own URL
    if (std::optional<CanonicalUrl> self = Canonicalize(job.Url())) {
      job.chain.push_back(UrlFingerprint(self->url));
    }
  }
  if (std::find(job.chain.begin(), job.chain.end(), fingerprint) != job.chain.end()) {
    return end(ErrorKind::kRedirectLoop, "redirect loop back to " + target->url);
  }
  job.chain.push_back(fingerprint);
  if (job.depth == 0) {
    // A listed URL's descendants are judged by where it really lives.
    job.scope_root = std::make_shared<const std::string>(scope->RootOf(target->host()));
  } else if (!scope->InScope(*job.scope_root, target->host())) {
    return end(ErrorKind::kOutOfScope, "redirect to " + target->url + " leaves the crawl's scope");
  }
  if (!seen.Insert(fingerprint)) return end(ErrorKind::kNone, "");
  job.current_url = parsed.value().Serialize(/*exclude_fragment=*/true);
  job.attempts = 0;
  job.elapsed_ms += r.elapsed_ms;
  jobs.Release(id);
  Schedule(id, *target);
}

// robots.txt answered: 2xx gives its rules, 4xx allows everything; a 5xx,
// timeout or other failure disallows everything for the run (RFC 9309
// section 2.3.1). That is an error, not the site's policy: those pages get
// robots_unavailable, which fails the run and which a state fetches again
// next time. When the host cannot be reached at all (DNS, refused, TLS, or
// an address the SSRF guard refuses) its pages are not fetched either, but
// they keep that failure's kind, since that is what went wrong.
void Crawler::Impl::HandleRobots(const Job& job, const wire::FetchResult& r) {
  if (r.error == ErrorKind::kNone && r.status >= 200 && r.status < 300) {
    return ResolveRobots(job, RobotsRules::Parse(r.body, options.user_agent), ErrorKind::kRobots,
                         "robots.txt disallows this URL");
  }
  if (r.error == ErrorKind::kNone || (r.error == ErrorKind::kHttp && r.status < 500)) {
    return ResolveRobots(job, RobotsRules::AllowAll(), ErrorKind::kRobots, "");
  }
  const bool unreachable = r.error == ErrorKind::kDns || r.error == ErrorKind::kConnect ||
                           r.error == ErrorKind::kTls || r.error == ErrorKind::kBlocked;
  if (unreachable) {
    return ResolveRobots(job, RobotsRules::DisallowAll(), r.error,
                         "cannot reach the host for robots.txt: " + r.error_message);
  }
  // What went wrong, not the status alone: a robots.txt trickling past
  // --timeout had answered 200 before it timed out.
  const std::string what = r.error == ErrorKind::kHttp
                               ? "HTTP " + std::to_string(r.status)
                               : std::string(ErrorKindName(r.error)) + ": " + r.error_message;
  const std::string tries =
      job.attempts > 0 ? " after " + std::to_string(job.attempts + 1) + " tries" : "";
  ResolveRobots(job, RobotsRules::DisallowAll(), ErrorKind::kRobotsUnavailable,
                "robots.txt is unavailable (" + MakeValidUtf8(what) + tries +
                    "), so the host is off limits for this run");
}

// `fetch` is the robots.txt job: its origin gets the rules, its host goes on.
void Crawler::Impl::ResolveRobots(const Job& fetch, RobotsRules rules, ErrorKind denial,
                                  std::string message) {
  const std::string& host = *fetch.host;
  RobotsState& state = robots[*fetch.origin];
  if (std::optional<double> delay = rules.CrawlDelay()) {
    // Crawl-delay raises --delay for this host, up to 30 s.
    auto ms = std::chrono::milliseconds(static_cast<long long>(std::min(*delay, 30.0) * 1000));
    scheduler->SetHostDelay(host, ms);
  }
  state.rules = std::move(rules);
  state.denial = denial;
  state.denial_message = std::move(message);
  // The host's queue may hold pages of its other origins too: only this
  // origin's are judged by these rules (origins are interned: compare pointers).
  std::vector<JobId> denied = scheduler->RemoveIf(host, [&](std::uint64_t id) {
    const Job* job = jobs.Find(id);
    if (job->robots || job->origin != fetch.origin) return false;
    std::optional<CanonicalUrl> url = Canonicalize(job->Url());
    return url && !state.rules->IsAllowed(url->path_and_query());
  });
  for (JobId id : denied) Fail(id, state.denial, state.denial_message);
  scheduler->Unblock(host, Clock::now());
}

// Two watches over the fetchers (the join-with-a-timeout of a process pool):
// - a fetcher parsing one page for longer than --parse-timeout is stuck in
//   a hostile document: it is killed, that page gets worker_crash, and its
//   other jobs go to the replacement;
// - a fetcher holding work that shows no sign of life for --stall-timeout
//   outside a parse has stopped (SIGSTOP, a deadlock): it is killed and its
//   jobs requeued, as after any death.
void Crawler::Impl::WatchFetchers() {
  const Clock::time_point now = Clock::now();
  const auto now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  for (std::size_t i = 0; i < pool->size(); ++i) {
    if (!pool->Running(i)) continue;
    WorkQueue::Parsing p = pool->Queue(i).CurrentParse();
    if (p.job != 0) {
      if (now_ms - p.since_ms < options.parse_timeout.count()) continue;
      ::kill(pool->Pid(i), SIGKILL);
      OnDeath(i, "was stuck parsing a page; " + pool->Reap(i), p.job);
    } else if (pool->Ready(i) && jobs.AssignedTo(i) > 0) {
      const Clock::duration silent = now - LastSignOfLife(i);
      if (silent < options.stall_timeout) continue;
      ::kill(pool->Pid(i), SIGKILL);
      OnDeath(i, "stopped responding (no sign of life for " +
                     std::to_string(std::chrono::duration<double>(silent).count()).substr(0, 4) +
                     " s, --stall-timeout); " + pool->Reap(i));
    }
  }
}

// The later of the fetcher's last heartbeat and the last bytes read from it.
Clock::time_point Crawler::Impl::LastSignOfLife(std::size_t slot) {
  const Clock::time_point beat{std::chrono::milliseconds(pool->Queue(slot).LastHeartbeat())};
  return std::max(beat, last_heard[slot]);
}

// When the master must look at the watches again. A parse that started, or
// a fetcher that stopped, after the master went to sleep sends no signal, so
// while any fetcher holds work the master also wakes every quarter of
// --parse-timeout: a stuck parse is then killed within 1.25 times the limit,
// at no cost to the pipes.
std::optional<Clock::time_point> Crawler::Impl::WatchDeadline() {
  std::optional<Clock::time_point> out;
  const Clock::time_point now = Clock::now();
  for (std::size_t i = 0; i < pool->size(); ++i) {
    if (!pool->Running(i) || jobs.AssignedTo(i) == 0) continue;
    Clock::time_point at = now + options.parse_timeout / 4;
    WorkQueue::Parsing p = pool->Queue(i).CurrentParse();
    if (p.job != 0) {
      at = std::min(
          at, Clock::time_point{std::chrono::milliseconds(p.since_ms) + options.parse_timeout});
    } else if (pool->Ready(i)) {
      at = std::min(at, LastSignOfLife(i) + options.stall_timeout);
    }
    if (!out || at < *out) out = at;
  }
  return out;
}

// A fetcher is gone (its pipe said EOF, or it was killed). Complete frames it
// wrote were handled already; a torn one is dropped. Its jobs are requeued
// once; a job it held through a second death fails, and so does `culprit`,
// the page that got it killed. A fetcher that died in the middle of a parse
// (a crash, or out of memory) was most likely killed by that page: then only
// that page counts the death, and the others go back as they were.
void Crawler::Impl::OnDeath(std::size_t slot, const std::string& why, JobId culprit) {
  JobId parsing = culprit == 0 ? pool->Queue(slot).CurrentParse().job : 0;
  std::size_t torn = buffers[slot].PendingBytes();
  buffers[slot] = FrameBuffer(wire::kMaxFrameBytes);
  std::vector<JobId> held = jobs.TakeAssigned(slot);
  if (std::find(held.begin(), held.end(), parsing) == held.end()) parsing = 0;
  ++summary.worker_deaths;
  LogWarn("fetcher " + std::to_string(slot) + " " + why + " while holding " +
          std::to_string(held.size()) + " URL(s)" +
          (torn ? "; dropped a torn frame of " + std::to_string(torn) + " bytes" : ""));
  const Clock::time_point now = Clock::now();
  for (JobId id : held) {
    Job* job = jobs.Find(id);
    scheduler->Finished(*job->host, id, now);
    std::string failure;
    if (id == culprit) {
      failure = "parsing the page took longer than --parse-timeout (" +
                std::to_string(options.parse_timeout.count() / 1000.0).substr(0, 5) + " s)";
    } else if (culprit == 0 && (parsing == 0 || parsing == id) && ++job->deaths >= 2) {
      failure = "the fetcher process died twice while " +
                std::string(parsing == id ? "parsing this page" : "fetching this URL") + " (last " +
                why + ")";
    }
    if (failure.empty()) {
      scheduler->Enqueue(id, *job->host, /*front=*/job->robots);
      continue;
    }
    deaths_since_progress = 0;  // a job reached its end: the run moves on
    if (job->robots) {
      Job fetch = jobs.Complete(id);
      ResolveRobots(fetch, RobotsRules::DisallowAll(), ErrorKind::kWorkerCrash,
                    "robots.txt could not be fetched: " + failure);
    } else {
      Fail(id, ErrorKind::kWorkerCrash, failure);
    }
  }
  if (!stopping) Respawn(slot);
}

void Crawler::Impl::Respawn(std::size_t slot) {
  // Fetchers that die without completing anything (say, they cannot start
  // at all) must not be respawned forever; every job that ends, even as
  // worker_crash, counts as progress.
  if (++deaths_since_progress > 3 * workers + 3) {
    if (!pool_lost) LogError("fetcher processes keep dying without doing any work; giving up");
    pool_lost = true;
    return;
  }
  last_heard[slot] = Clock::now();
  if (Status st = pool->Spawn(slot); !st.ok()) {
    LogError("cannot restart fetcher " + std::to_string(slot) + ": " + st.message());
  }
}

// Reads whatever `slot` still writes until EOF or `deadline`, then reaps it.
void Crawler::Impl::DrainAndReap(std::size_t slot, Clock::time_point deadline) {
  char buf[64 * 1024];
  while (pool->Running(slot)) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd p{pool->ResultFd(slot), POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) == 0) {
      pool->Reap(slot);  // kills it if need be
      break;
    }
    ssize_t n = ReadSome(pool->ResultFd(slot), buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (n <= 0) {
      pool->Reap(slot);
      break;
    }
    buffers[slot].Append(std::string_view(buf, static_cast<std::size_t>(n)));
    std::string_view payload;
    while (buffers[slot].Next(&payload) == FrameBuffer::State::kFrame) {
      if (!HandleFrame(slot, payload)) break;
    }
  }
}

// Interrupt or fatal error: cut all work now. Results already complete in
// the pipes still count; every other page read or found so far gets `kind`.
void Crawler::Impl::StopNow(ErrorKind kind, const std::string& message) {
  stopping = true;
  pool->SignalAll(SIGKILL);
  auto deadline = Clock::now() + kExitGrace;
  for (std::size_t i = 0; i < pool->size(); ++i) DrainAndReap(i, deadline);
  if (state) return DropLive();
  for (JobId id : jobs.LiveIds()) Fail(id, kind, message);
  FailSpilled(kind, message);
}

// Normal end: no work left, so closed doorbells let the fetchers leave.
void Crawler::Impl::FinishPool() {
  pool->CloseDoorbells();
  auto deadline = Clock::now() + kExitGrace;
  for (std::size_t i = 0; i < pool->size(); ++i) DrainAndReap(i, deadline);
}

Result<CrawlSummary> Crawler::Impl::Run() {
  const auto started = Clock::now();
  // A stop asked for before this run (or left from the last) does not count.
  stop_requested.store(false);
  char drain[64];
  while (::read(stop_read.get(), drain, sizeof drain) > 0) {
  }
  summary = {};
  fatal = {};
  admitted = 0;
  stopping = source_done = want_input = pool_lost = output_failed = false;
  deaths_since_progress = 0;
  seen = SeenSet();
  robots.clear();
  interned.clear();
  unpushed.reset();
  spill = SpillQueue();
  resumed = SpillQueue();
  unspilled_parent.reset();
  unspilled_root.reset();
  spilled_any = false;
  workers = options.workers > 0 ? static_cast<std::size_t>(options.workers)
                                : std::max(1u, std::thread::hardware_concurrency());
  if (options.concurrency < 1) return Status::InvalidArgument("concurrency must be at least 1");
  if (options.per_host < 1) return Status::InvalidArgument("per-host must be at least 1");
  for (const FieldRule& rule : options.select) {
    auto selector = Selector::Parse(rule.css);
    if (!selector.ok()) return selector.status().Prefixed("--select " + rule.name);
  }
  auto filter = ScopeFilter::Create(options.scope, options.include, options.exclude);
  if (!filter.ok()) return filter.status();
  scope.emplace(std::move(filter).value());
  scheduler.emplace(Scheduler::Limits{options.per_host, options.delay});

  SignalScope signals(options.handle_signals);
  Result<std::unique_ptr<WorkerPool>> created = LaunchFetcherPool(workers, options);
  if (!created.ok()) return created.status();
  pool = std::move(created).value();
  buffers.assign(workers, FrameBuffer(wire::kMaxFrameBytes));
  last_heard.assign(workers, Clock::now());
  summary.results_per_fetcher.assign(workers, 0);
  next_progress = Clock::now() + progress_every;
  for (std::size_t i = 0; i < workers; ++i) {
    if (Status st = pool->Spawn(i); !st.ok()) {
      pool.reset();
      return st.Prefixed("cannot start fetcher processes");
    }
  }
  last_commit = Clock::now();
  if (state) ResumePass();

  std::vector<pollfd> fds;
  std::vector<std::size_t> fd_slot;
  while (!stopping) {
    Fill();
    if (pool_lost) {
      for (JobId id : jobs.LiveIds()) {
        if (!jobs.Find(id)->slot) {
          Fail(id, ErrorKind::kWorkerCrash, "no fetcher process could be kept running");
        }
      }
      FailSpilled(ErrorKind::kWorkerCrash, "no fetcher process could be kept running");
    } else {
      Dispatch();
    }
    if (stopping) break;
    if (source_done && jobs.Empty() && Spilled() == 0) break;
    if (stop_requested.load()) {
      summary.interrupted = true;
      StopNow(ErrorKind::kInterrupted, "the run was stopped before this URL finished");
      break;
    }

    fds.clear();
    fd_slot.clear();
    for (std::size_t i = 0; i < pool->size(); ++i) {
      if (!pool->Running(i)) continue;
      fds.push_back({pool->ResultFd(i), POLLIN, 0});
      fd_slot.push_back(i);
    }
    const std::size_t n_slots = fds.size();
    fds.push_back({stop_read.get(), POLLIN, 0});
    fds.push_back({signals.fd(), POLLIN, 0});
    if (want_input) fds.push_back({source.WaitFd(), POLLIN, 0});
    if (n_slots == 0) {
      // Every fetcher failed to restart: nothing can make progress, so the
      // rest completes as worker_crash rather than waiting forever.
      if (!pool_lost) LogError("no fetcher process is running; giving up");
      pool_lost = true;
      continue;
    }
    // Wake for whichever comes first: a result, a signal, input, the
    // scheduler's next deadline (when a fetcher has room), or a parse that
    // may be overdue.
    std::optional<Clock::time_point> deadline = WatchDeadline();
    if (on_progress && (!deadline || next_progress < *deadline)) deadline = next_progress;
    if (HasRoom()) {
      std::optional<Clock::time_point> next = scheduler->NextDeadline();
      if (next && (!deadline || *next < *deadline)) deadline = next;
    }
    if (state && state->Uncommitted() > 0) {
      // An idle master still commits what it has within the interval.
      Clock::time_point commit_at = last_commit + std::chrono::seconds(1);
      if (!deadline || commit_at < *deadline) deadline = commit_at;
    }
    int timeout = -1;
    if (deadline) {
      auto ms = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now()).count();
      timeout = static_cast<int>(std::clamp<long long>(ms, 0, 60'000));
    }
    int ready = ::poll(fds.data(), fds.size(), timeout);
    if (ready < 0) {
      if (errno == EINTR) continue;
      fatal = ErrnoStatus("poll", errno);
      break;
    }
    for (std::size_t k = 0; k < n_slots && !stopping; ++k) {
      if (fds[k].revents != 0 && pool->Running(fd_slot[k])) ReadResults(fd_slot[k]);
    }
    MaybeCommitState(/*now=*/false);
    if (!stopping) WatchFetchers();
    if (on_progress && Clock::now() >= next_progress) {
      ReportProgress(started);
      next_progress = Clock::now() + progress_every;
    }
    int signo = signals.TakeSignal();
    if (!stopping && (signo != 0 || fds[n_slots].revents != 0)) {
      summary.interrupted = true;
      LogInfo(signo ? std::string("caught ") + strsignal(signo) + "; stopping" : "stopping");
      StopNow(ErrorKind::kInterrupted, "the run was interrupted before this URL finished");
    }
  }
  auto finish_summary = [&] {
    summary.seen_urls = seen.size();
    summary.seen_set_bytes = seen.MemoryBytes();
    summary.held_back = holds.Seconds();
    summary.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  };
  if (!fatal.ok()) {
    // Every URL admitted and not finished gets its record, as when a signal
    // stops the run (a full disk under the URLs waiting in a temporary file
    // loses none of them; see SpillQueue). With a state they stay pending
    // there instead. A failed output takes no more records.
    if (!summary.interrupted) {
      StopNow(ErrorKind::kInterrupted,
              "the run stopped before this URL finished: " + fatal.message());
    }
    pool.reset();
    finish_summary();
    // A state is left as last committed: what follows may not be written.
    return fatal;
  }
  if (!summary.interrupted) FinishPool();
  pool.reset();
  if (state) {
    MaybeCommitState(/*now=*/true);
    if (!fatal.ok()) {
      finish_summary();
      return fatal;
    }
  }
  if (on_progress) ReportProgress(started);
  finish_summary();
  return summary;
}

}  // namespace forage
