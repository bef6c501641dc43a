// The master: one thread, one poll loop. It reads seeds into the frontier,
// hands the jobs it claims to the fetchers through the supervisor, turns
// result frames into records, and keeps the pool whole. It never blocks on a
// fetcher: rings are pushed without waiting, result pipes are non-blocking.
// Which URL goes when is the frontier's business (crawl/frontier.h), what an
// outcome means the policy's (crawl/outcome_policy.h), and the processes
// the supervisor's (crawl/fetcher_supervisor.h).

#include "forage/crawler.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>

#include "core/errno_status.h"
#include "core/log.h"
#include "core/time_format.h"
#include "crawl/local_frontier.h"
#include "crawl/master.h"
#include "crawl/outcome_policy.h"
#include "crawl/pool_supervisor.h"
#include "crawl/result_record.h"
#include "crawl/signal_scope.h"
#include "fetch/fetcher_launcher.h"
#include "ipc/work_queue.h"

namespace forage {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kNoFetcher = "no fetcher process could be kept running";

Result<std::unique_ptr<FetcherSupervisor>> StartPool(const CrawlOptions& options,
                                                     std::size_t workers) {
  Result<std::unique_ptr<WorkerPool>> pool = LaunchFetcherPool(workers, options);
  if (!pool.ok()) return pool.status();
  return std::unique_ptr<FetcherSupervisor>(std::make_unique<PoolSupervisor>(
      std::move(pool).value(),
      PoolSupervisor::Limits{options.parse_timeout, options.fetch.stall_timeout}));
}

}  // namespace

Master::Master(CrawlOptions o) : options(std::move(o)) {
  if (auto p = MakePipe(); p.ok()) {
    stop_read = std::move(p.value().read);
    stop_write = std::move(p.value().write);
    (void)SetNonBlocking(stop_read.get(), true);
    (void)SetNonBlocking(stop_write.get(), true);
  }
}

// --- A run ----------------------------------------------------------------------

Result<CrawlSummary> Master::Run() {
  SignalScope signals(options.handle_signals);
  if (Status st = Prepare(); !st.ok()) {
    if (node) node->Leave();  // joined, but cannot work: the others need not wait for it
    node = nullptr;
    frontier.reset();
    return st;
  }
  Loop(signals);
  return Conclude(started);
}

// Everything a run starts from: counts cleared, the frontier (which takes
// up a cut-off pass), the fetchers started.
Status Master::Prepare() {
  started = Clock::now();
  run_deadline.reset();
  if (options.max_time.count() > 0) run_deadline = started + options.max_time;
  // A stop asked for before this run (or left from the last) does not count.
  stop_requested.store(false);
  char drain[64];
  while (::read(stop_read.get(), drain, sizeof drain) > 0) {
  }
  summary = {};
  fatal = {};
  stopping = source_done = want_input = pool_lost = output_failed = false;
  deaths_since_progress = 0;
  jobs = JobTable();
  unpushed.reset();
  holds = HoldLog();
  workers = options.workers > 0 ? static_cast<std::size_t>(options.workers)
                                : std::max(1u, std::thread::hardware_concurrency());
  if (Status st = ValidateOptions(options); !st.ok()) return st;
  if (Status st = OpenSession(); !st.ok()) return st;
  if (Status st = OpenWarc(); !st.ok()) return st;
  Ended resumed_ended;
  node = nullptr;
  if (!options.frontier.empty()) {
    if (Status st = JoinCrawl(); !st.ok()) return st;
  } else {
    auto made = LocalFrontier::Create(options, state, on_admit, &resumed_ended);
    if (!made.ok()) return made.status();
    frontier = std::move(made).value();
  }
  auto pool = make_supervisor ? make_supervisor(workers) : StartPool(options, workers);
  if (!pool.ok()) return pool.status();
  fetchers = std::move(pool).value();
  summary.results_per_fetcher.assign(fetchers->size(), 0);
  if (Status st = fetchers->Start(); !st.ok()) {
    fetchers.reset();
    return st;
  }
  last_commit = Clock::now();
  next_progress = Clock::now() + progress_every;
  EmitEnded(resumed_ended);
  return Status();
}

void Master::Loop(SignalScope& signals) {
  while (!stopping) {
    Fill();
    if (pool_lost && node) {
      // The crawl's other nodes take what this one cannot fetch.
      StopFor(Status::ResourceExhausted(kNoFetcher));
    } else if (pool_lost) {
      FailAll(ErrorKind::kWorkerCrash, kNoFetcher);
    } else {
      Dispatch();
    }
    if (stopping) break;
    if (source_done && jobs.Empty() && frontier->Counts().waiting == 0) break;
    if (stop_requested.load()) {
      summary.interrupted = true;
      StopNow(ErrorKind::kInterrupted, "the run was stopped before this URL finished");
      break;
    }
    // --max-time: checked once the turn's work is done, so a run whose last
    // record came in time completes; the poll below wakes for it.
    if (run_deadline && Clock::now() >= *run_deadline) {
      summary.interrupted = summary.max_time_reached = true;
      LogInfo("--max-time reached; stopping");
      StopNow(ErrorKind::kInterrupted, "the run reached its --max-time before this URL finished");
      break;
    }
    if (PollOnce(signals) < 0) break;
  }
}

// One wait for whichever comes first: a result, a signal, input, the
// frontier's next deadline (when a fetcher has room), a watch, a progress
// report or a state commit due; then what came. -1: the loop cannot go on.
int Master::PollOnce(SignalScope& signals) {
  std::vector<pollfd>& fds = poll_fds;
  fds.clear();
  fetchers->AddPollFds(&fds);
  const std::size_t n_fetchers = fds.size();
  bool any_running = false;
  for (std::size_t i = 0; i < fetchers->size(); ++i) any_running |= fetchers->Running(i);
  if (!any_running) {
    // Every fetcher failed to restart: nothing can make progress, so the
    // rest completes as worker_crash rather than waiting forever.
    if (!pool_lost) LogError("no fetcher process is running; giving up");
    pool_lost = true;
    return 0;
  }
  fds.push_back({stop_read.get(), POLLIN, 0});
  fds.push_back({signals.fd(), POLLIN, 0});
  if (want_input) fds.push_back({source.WaitFd(), POLLIN, 0});
  int timeout = -1;
  if (std::optional<Clock::time_point> deadline = Deadline()) {
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now()).count();
    timeout = static_cast<int>(std::clamp<long long>(ms, 0, 60'000));
  }
  if (::poll(fds.data(), fds.size(), timeout) < 0) {
    if (errno == EINTR) return 0;
    StopFor(ErrnoStatus("poll", errno));
    return -1;
  }
  fetchers->Collect(fds.data(), n_fetchers);
  FetcherSupervisor::Event event;
  while (!stopping && fetchers->Next(&event)) HandleEvent(event);
  MaybeCommitState(/*now=*/false);
  MaybeMark(/*now=*/false);
  if (!stopping) {
    fetchers->Watch(Clock::now(), Held());
    while (!stopping && fetchers->Next(&event)) HandleEvent(event);
  }
  if (on_progress && Clock::now() >= next_progress) {
    ReportProgress();
    next_progress = Clock::now() + progress_every;
  }
  const int signo = signals.TakeSignal();
  if (!stopping && (signo != 0 || fds[n_fetchers].revents != 0)) {
    summary.interrupted = true;
    LogInfo(signo ? std::string("caught ") + strsignal(signo) + "; stopping" : "stopping");
    StopNow(ErrorKind::kInterrupted, "the run was interrupted before this URL finished");
  }
  return 0;
}

// Reads seeds while little waits, so that a list of any size takes bounded
// memory; URLs waiting on disk come back into memory first. Bad lines end
// at once with their error record.
void Master::Fill() {
  Ended ended;
  frontier->Refill(&ended);
  EmitEnded(ended);
  if (node && node->ReplayDue() && !output_failed) {
    if (Status st = ReplayCommitted(); !st.ok()) StopFor(st);
  }
  const std::size_t window = workers * static_cast<std::size_t>(options.fetch.concurrency) * 2 + 64;
  want_input = false;
  // URLs waiting on disk count as waiting: the input waits for a crawl's
  // queue as before, however long that queue is.
  while (!source_done && frontier->Counts().waiting < window && !stopping) {
    if (frontier->AtPageLimit()) {
      source_done = true;  // --max-pages: nothing more is read
      if (node) node->InputDone();
      break;
    }
    InputLine line;
    UrlSource::Poll got = source.Next(&line);
    if (got == UrlSource::Poll::kWouldBlock) {
      want_input = true;
      break;
    }
    if (got == UrlSource::Poll::kExhausted) {
      source_done = true;
      if (node) node->InputDone();
      break;
    }
    if (session->NeedsTrust()) session->NoteListed(line.text);
    frontier->AdmitListed(line, &ended);
    EmitEnded(ended);
  }
}

// Hands claimed jobs to the least-loaded fetchers with room.
void Master::Dispatch() {
  const Clock::time_point now = Clock::now();
  while (HasRoom() && !stopping) {
    if (!unpushed) {
      Ended ended;
      std::optional<Claim> claim = frontier->ClaimNext(now, Room(), &ended);
      EmitEnded(ended);
      if (!claim) return;
      const bool confirm = claim->confirm;
      unpushed.emplace(jobs.Add(std::move(claim->job)), confirm);
    }
    if (!PushTo(unpushed->first, unpushed->second)) return;
    unpushed.reset();
  }
}

bool Master::PushTo(JobId id, bool confirm) {
  const auto limit = static_cast<std::size_t>(options.fetch.concurrency);
  std::size_t best = fetchers->size();
  for (std::size_t i = 0; i < fetchers->size(); ++i) {
    if (!fetchers->Ready(i) || jobs.AssignedTo(i) >= limit) continue;
    if (best == fetchers->size() || jobs.AssignedTo(i) < jobs.AssignedTo(best)) best = i;
  }
  if (best == fetchers->size()) return false;
  const Job& job = *jobs.Find(id);
  wire::FetchJob fetch;
  fetch.id = id;
  fetch.kind = job.robots    ? wire::JobKind::kRobots
               : job.sitemap ? wire::JobKind::kSitemap
                             : wire::JobKind::kPage;
  fetch.url = job.Url();
  fetch.if_none_match = job.etag;
  fetch.if_modified_since = job.last_modified;
  // Under a delay the host waits to hear when the request went out. A
  // robots.txt or sitemap job follows its redirects inside curl, so its last
  // request is known to have gone only once it ends (Finish).
  fetch.report_sent = confirm && !job.robots && !job.sitemap;
  session->Shape(job, &fetch);
  const std::string frame = wire::EncodeJob(fetch);
  if (frame.size() > WorkQueue::kCapacityBytes) {
    // No ring can ever hold it, and waiting for one would hold up every job
    // behind it for good.
    Fail(jobs.Complete(id), ErrorKind::kInvalidUrl,
         "job of " + std::to_string(frame.size()) + " bytes is too large to hand to a fetcher");
    return true;
  }
  // A full ring frees as its fetcher pops; the job waits in `unpushed`.
  if (!fetchers->Push(best, frame)) return false;
  jobs.Assign(id, best);
  return true;
}

// Jobs the fetchers that can take work could take now.
std::size_t Master::Room() const {
  std::size_t room = 0;
  const auto limit = static_cast<std::size_t>(options.fetch.concurrency);
  for (std::size_t i = 0; i < fetchers->size(); ++i) {
    if (fetchers->Ready(i) && jobs.AssignedTo(i) < limit) room += limit - jobs.AssignedTo(i);
  }
  return room;
}

bool Master::HasRoom() const {
  for (std::size_t i = 0; i < fetchers->size(); ++i) {
    if (fetchers->Ready(i) &&
        jobs.AssignedTo(i) < static_cast<std::size_t>(options.fetch.concurrency)) {
      return true;
    }
  }
  return false;
}

const std::vector<std::size_t>& Master::Held() {
  held_.resize(fetchers->size());
  for (std::size_t i = 0; i < held_.size(); ++i) held_[i] = jobs.AssignedTo(i);
  return held_;
}

std::optional<Clock::time_point> Master::Deadline() {
  const Clock::time_point now = Clock::now();
  std::optional<Clock::time_point> out = fetchers->WatchDeadline(now, Held());
  auto sooner = [&out](std::optional<Clock::time_point> at) {
    if (at && (!out || *at < *out)) out = at;
  };
  if (on_progress) sooner(next_progress);
  sooner(run_deadline);
  if (HasRoom()) sooner(frontier->NextDeadline());
  // An idle master still commits what it has within the interval.
  if (state && state->Uncommitted() > 0) sooner(last_commit + std::chrono::seconds(1));
  if (node) {
    sooner(node->UpkeepDeadline());
    if (node->Unmarked() > 0) sooner(last_mark + std::chrono::seconds(1));
  }
  return out;
}

// --- Records --------------------------------------------------------------------

// The one place records leave: each page job ends here exactly once. With a
// state, the URL is marked done there only once its record is written, so a
// record the output never took is fetched again by the next run.
void Master::Emit(Job job, Record record, StateStore::Outcome outcome) {
  const Clock::time_point now = Clock::now();
  if (job.robots) return frontier->Finish(job, nullptr, now);  // rules, not a record
  if (record.unchanged) ++summary.unchanged;
  // --skip-noindex drops the record the same way: the URL is done, in the
  // state or in a shared crawl (a shared frontier given no outcome would
  // hand the URL to another node); without either the outcome is unused.
  if ((record.unchanged && options.changed_only) || (record.noindex && options.skip_noindex)) {
    outcome.at_ms = UnixMillisNow();
    return frontier->Finish(job, fatal.ok() ? &outcome : nullptr, now);
  }
  record.url = std::move(job.input);
  record.depth = job.depth;
  if (job.parent) record.parent = *job.parent;
  record.ok = !record.error.has_value();
  if (!record.fetched_at_ms && job.first_fetched_at_ms)
    record.fetched_at_ms = job.first_fetched_at_ms;
  for (const FieldRule& rule : options.fetch.extract.select) record.fields.try_emplace(rule.name);
  if (node) return EmitShared(std::move(job), std::move(record));
  Tally(record, &summary);
  // Counted, but a failed output takes no more records, and with a state a
  // run that cannot go on leaves the rest pending there (it keeps its last
  // commit). Without a state every record is still written, interrupted
  // ones included.
  if (output_failed || (state && !fatal.ok())) return frontier->Finish(job, nullptr, now);
  if (on_record) {
    if (Status st = on_record(record); !st.ok()) {
      output_failed = true;
      StopFor(st);
      return frontier->Finish(job, nullptr, now);
    }
  }
  // A page robots.txt could not be had for was never looked at: it is
  // done in this pass (its record is out) but due in the next, whatever
  // --recrawl-after says.
  const bool unvisited = record.error && record.error->kind == ErrorKind::kRobotsUnavailable;
  outcome.at_ms = unvisited ? 0 : UnixMillisNow();
  frontier->Finish(job, &outcome, now);
  if (state && commit_each_record) MaybeCommitState(/*now=*/true);
}

void Master::Fail(Job job, ErrorKind kind, std::string message) {
  Record r;
  r.error = RecordError{kind, std::move(message)};
  Emit(std::move(job), std::move(r));
}

// Jobs the frontier ended at once, and a failure that keeps it from going on.
void Master::EmitEnded(Ended& ended) {
  for (EndedJob& e : ended) Fail(std::move(e.job), e.error.kind, std::move(e.error.message));
  ended.clear();
  if (!frontier->status().ok() && fatal.ok()) StopFor(frontier->status());
}

void Master::StopFor(const Status& st) {
  if (fatal.ok()) fatal = st;
  stopping = true;
}

void Master::ReportProgress() {
  CrawlProgress p;
  p.done = summary.records;
  p.ok = summary.ok;
  p.failed = summary.failed;
  p.skipped = summary.skipped;
  p.pending = jobs.size() + frontier->Counts().waiting;
  p.bytes = summary.bytes;
  p.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (options.depth == 0 && source_done) p.total = summary.records + p.pending;
  on_progress(p);
}

}  // namespace forage
