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
#include "parse/selector.h"

namespace forage {
namespace {

using Clock = std::chrono::steady_clock;

// How long fetchers get to leave after their doorbells close at the end of a
// run, and how long killed ones get to be reaped, before SIGKILL / giving up.
constexpr auto kExitGrace = std::chrono::seconds(5);
constexpr const char* kNoFetcher = "no fetcher process could be kept running";

Result<std::unique_ptr<FetcherSupervisor>> StartPool(const CrawlOptions& options,
                                                     std::size_t workers) {
  Result<std::unique_ptr<WorkerPool>> pool = LaunchFetcherPool(workers, options);
  if (!pool.ok()) return pool.status();
  return std::unique_ptr<FetcherSupervisor>(std::make_unique<PoolSupervisor>(
      std::move(pool).value(),
      PoolSupervisor::Limits{options.parse_timeout, options.stall_timeout}));
}

// "10", "0.5", "2.25": seconds as a person would write them.
std::string SecondsText(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(ms.count()) / 1000.0);
  return buf;
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

struct Crawler::Impl : Master {
  using Master::Master;
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
void Crawler::UseState(StateStore* state, bool commit_each_record) {
  impl_->state = state;
  impl_->commit_each_record = commit_each_record;
}
void Crawler::OnCheckpoint(std::function<Result<std::int64_t>()> checkpoint) {
  impl_->on_checkpoint = std::move(checkpoint);
}
Result<CrawlSummary> Crawler::Run() { return impl_->Run(); }

const CrawlSummary& Crawler::LastSummary() const { return impl_->summary; }

void Crawler::RequestStop() {
  impl_->stop_requested.store(true);
  char byte = 1;
  [[maybe_unused]] ssize_t n = ::write(impl_->stop_write.get(), &byte, 1);
}

// --- A run ----------------------------------------------------------------------

Result<CrawlSummary> Master::Run() {
  SignalScope signals(options.handle_signals);
  if (Status st = Prepare(); !st.ok()) {
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
  if (options.concurrency < 1) return Status::Error("concurrency must be at least 1");
  if (options.per_host < 1) return Status::Error("per-host must be at least 1");
  for (const FieldRule& rule : options.select) {
    auto selector = Selector::Parse(rule.css);
    if (!selector.ok())
      return Status::Error("--select " + rule.name + ": " + selector.status().message());
  }
  Ended resumed_ended;
  auto made = LocalFrontier::Create(options, state, on_admit, &resumed_ended);
  if (!made.ok()) return made.status();
  frontier = std::move(made).value();
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
    if (pool_lost) {
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
    if (PollOnce(signals) < 0) break;
  }
}

// One wait for whichever comes first: a result, a signal, input, the
// frontier's next deadline (when a fetcher has room), a watch, a progress
// report or a state commit due; then what came. -1: the loop cannot go on.
int Master::PollOnce(SignalScope& signals) {
  std::vector<pollfd> fds;
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
    StopFor(Status::Error(std::string("poll: ") + std::strerror(errno)));
    return -1;
  }
  fetchers->Collect(fds.data(), n_fetchers);
  FetcherSupervisor::Event event;
  while (!stopping && fetchers->Next(&event)) HandleEvent(event);
  MaybeCommitState(/*now=*/false);
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
  const std::size_t window = workers * static_cast<std::size_t>(options.concurrency) * 2 + 64;
  want_input = false;
  // URLs waiting on disk count as waiting: the input waits for a crawl's
  // queue as before, however long that queue is.
  while (!source_done && frontier->Counts().waiting < window && !stopping) {
    if (frontier->AtPageLimit()) {
      source_done = true;  // --max-pages: nothing more is read
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
      break;
    }
    frontier->AdmitListed(line, &ended);
    EmitEnded(ended);
  }
}

// Hands claimed jobs to the least-loaded fetchers with room.
void Master::Dispatch() {
  const Clock::time_point now = Clock::now();
  while (HasRoom()) {
    if (!unpushed) {
      std::optional<Claim> claim = frontier->ClaimNext(now);
      if (!claim) return;
      const bool confirm = claim->confirm;
      unpushed.emplace(jobs.Add(std::move(claim->job)), confirm);
    }
    if (!PushTo(unpushed->first, unpushed->second)) return;
    unpushed.reset();
  }
}

bool Master::PushTo(JobId id, bool confirm) {
  const auto limit = static_cast<std::size_t>(options.concurrency);
  std::size_t best = fetchers->size();
  for (std::size_t i = 0; i < fetchers->size(); ++i) {
    if (!fetchers->Ready(i) || jobs.AssignedTo(i) >= limit) continue;
    if (best == fetchers->size() || jobs.AssignedTo(i) < jobs.AssignedTo(best)) best = i;
  }
  if (best == fetchers->size()) return false;
  const Job& job = *jobs.Find(id);
  wire::FetchJob fetch;
  fetch.id = id;
  fetch.kind = job.robots ? wire::JobKind::kRobots : wire::JobKind::kPage;
  fetch.url = job.Url();
  fetch.if_none_match = job.etag;
  fetch.if_modified_since = job.last_modified;
  // Under a delay the host waits to hear when the request went out. A
  // robots.txt job follows its redirects inside curl, so its last request
  // is known to have gone only once it ends (Finish).
  fetch.report_sent = confirm && !job.robots;
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

bool Master::HasRoom() const {
  for (std::size_t i = 0; i < fetchers->size(); ++i) {
    if (fetchers->Ready(i) && jobs.AssignedTo(i) < static_cast<std::size_t>(options.concurrency)) {
      return true;
    }
  }
  return false;
}

std::vector<std::size_t> Master::Held() const {
  std::vector<std::size_t> held(fetchers->size());
  for (std::size_t i = 0; i < held.size(); ++i) held[i] = jobs.AssignedTo(i);
  return held;
}

std::optional<Clock::time_point> Master::Deadline() {
  const Clock::time_point now = Clock::now();
  std::optional<Clock::time_point> out = fetchers->WatchDeadline(now, Held());
  auto sooner = [&out](std::optional<Clock::time_point> at) {
    if (at && (!out || *at < *out)) out = at;
  };
  if (on_progress) sooner(next_progress);
  if (HasRoom()) sooner(frontier->NextDeadline());
  // An idle master still commits what it has within the interval.
  if (state && state->Uncommitted() > 0) sooner(last_commit + std::chrono::seconds(1));
  return out;
}

// --- What the fetchers send ------------------------------------------------------

void Master::HandleEvent(const FetcherSupervisor::Event& event) {
  if (event.kind == FetcherSupervisor::Event::Kind::kDeath) return OnDeath(event);
  if (!HandleFrame(event.slot, event.frame)) fetchers->Kill(event.slot, "sent a corrupt frame");
}

// One frame from `slot`; false if it cannot be decoded.
bool Master::HandleFrame(std::size_t slot, std::string_view payload) {
  if (std::optional<wire::RequestSent> sent = wire::DecodeSent(payload)) {
    // The same clock in every process; a time from the future (impossible
    // but for a bug) must not hold the host back.
    const Clock::time_point at = std::min(
        Clock::now(), Clock::time_point(std::chrono::duration_cast<Clock::duration>(
                          std::chrono::nanoseconds(sent->sent_ns))));
    if (jobs.IsAssigned(sent->id, slot)) frontier->Sent(*jobs.Find(sent->id), at);
    return true;
  }
  std::optional<wire::FetchResult> result = wire::DecodeResult(payload);
  if (!result) return false;
  HandleResult(slot, *result);
  return true;
}

void Master::HandleResult(std::size_t slot, wire::FetchResult& r) {
  if (!jobs.IsAssigned(r.id, slot)) {
    LogWarn("fetcher " + std::to_string(slot) + " reported job " + std::to_string(r.id) +
            ", which it does not hold; ignored");
    return;
  }
  deaths_since_progress = 0;
  ++summary.results_per_fetcher[slot];
  const Clock::time_point now = Clock::now();
  Job job = jobs.Complete(r.id);
  if (!job.first_fetched_at_ms) job.first_fetched_at_ms = r.fetched_at_ms;
  // robots.txt gets the same retries as a page before its answer counts.
  if (Retry(job, r, now)) return;
  Ended ended;
  if (job.robots) {
    RobotsVerdict verdict = JudgeRobots(r.error, r.status, r.error_message, r.body,
                                        options.user_agent, job.attempts);
    frontier->PutRobots(std::move(job), std::move(verdict), now, &ended);
    return EmitEnded(ended);
  }
  if (!r.redirect_url.empty()) return Redirected(std::move(job), r, now);
  Record rec = RecordOfResult(job, r);
  const bool follow = !rec.error && options.depth > job.depth;
  StateStore::Outcome outcome;
  if (rec.unchanged) {
    outcome.unchanged = true;
  } else if (!rec.error) {
    outcome.etag = std::move(r.etag);
    outcome.last_modified = std::move(r.last_modified);
    if (follow) outcome.links = rec.links;
  }
  LinkSource from;  // what the page's links inherit
  std::vector<std::string> links;
  if (follow) {
    from.depth = job.depth;
    from.scope_root = job.scope_root;
    from.url = std::make_shared<const std::string>(*rec.final_url);
    links = rec.unchanged ? frontier->KnownLinks(job) : rec.links;
  }
  Emit(std::move(job), std::move(rec), std::move(outcome));
  for (const std::string& link : links) frontier->AdmitLink(from, link, &ended);
  EmitEnded(ended);
}

bool Master::Retry(Job& job, const wire::FetchResult& r, Clock::time_point now) {
  std::uniform_real_distribution<double> spread(0.5, 1.5);
  const RetryDecision d = DecideRetry(RetryPolicy{options.retries, options.retry_wait},
                                      Attempt{r.error, r.status, r.retry_after_s, job.attempts},
                                      spread(jitter));
  if (!d.retry) return false;
  ++job.attempts;
  ++summary.retries;
  if (d.pause_host) {
    frontier->PauseHost(*job.host, now + d.wait);
    if (d.asked) holds.Add(*job.host, now, now + d.wait);
  }
  LogDebug("retrying " + job.Url() + " in " + std::to_string(d.wait.count()) + " ms (" +
           std::string(ErrorKindName(r.error)) + ", attempt " + std::to_string(job.attempts + 1) +
           ")");
  job.elapsed_ms += r.elapsed_ms;
  frontier->RetryAt(std::move(job), now + d.wait, now);
  return true;
}

// The hop's record is written only if the redirect is not followed.
void Master::Redirected(Job job, const wire::FetchResult& r, Clock::time_point now) {
  Record rec = RecordOfRedirect(job, r);
  job.elapsed_ms += r.elapsed_ms;
  Ended ended;
  std::optional<Frontier::Stopped> stopped =
      frontier->Redirect(std::move(job), r.redirect_url, now, &ended);
  if (stopped) {
    if (stopped->error) rec.error = std::move(stopped->error);
    Emit(std::move(stopped->job), std::move(rec));
  }
  EmitEnded(ended);
}

// A fetcher is gone. Its jobs go back to the frontier once; a job it held
// through a second death fails, and so does the culprit, the page that got
// it killed. A fetcher that died in the middle of a parse (a crash, or out
// of memory) was most likely killed by that page: then only that page
// counts the death, and the others go back as they were.
void Master::OnDeath(const FetcherSupervisor::Event& death) {
  std::vector<JobId> held = jobs.TakeAssigned(death.slot);
  JobId parsing = death.parsing;
  if (std::find(held.begin(), held.end(), parsing) == held.end()) parsing = 0;
  ++summary.worker_deaths;
  LogWarn("fetcher " + std::to_string(death.slot) + " " + death.why + " while holding " +
          std::to_string(held.size()) + " URL(s)" +
          (death.torn ? "; dropped a torn frame of " + std::to_string(death.torn) + " bytes"
                      : ""));
  const Clock::time_point now = Clock::now();
  for (JobId id : held) {
    Job job = jobs.Complete(id);
    std::string failure;
    if (id == death.culprit) {
      failure = "parsing the page took longer than --parse-timeout (" +
                SecondsText(options.parse_timeout) + " s)";
    } else if (death.culprit == 0 && (parsing == 0 || parsing == id) && ++job.deaths >= 2) {
      failure = "the fetcher process died twice while " +
                std::string(parsing == id ? "parsing this page" : "fetching this URL") +
                " (last " + death.why + ")";
    }
    if (failure.empty()) {
      frontier->Return(std::move(job), now);
      continue;
    }
    deaths_since_progress = 0;  // a job reached its end: the run moves on
    if (job.robots) {
      Ended ended;
      frontier->PutRobots(std::move(job), RobotsLost(failure), now, &ended);
      EmitEnded(ended);
    } else {
      Fail(std::move(job), ErrorKind::kWorkerCrash, failure);
    }
  }
  if (!stopping) Respawn(death.slot);
}

void Master::Respawn(std::size_t slot) {
  // Fetchers that die without completing anything (say, they cannot start
  // at all) must not be respawned forever; every job that ends, even as
  // worker_crash, counts as progress.
  if (++deaths_since_progress > 3 * workers + 3) {
    if (!pool_lost) LogError("fetcher processes keep dying without doing any work; giving up");
    pool_lost = true;
    return;
  }
  if (Status st = fetchers->Respawn(slot); !st.ok()) {
    LogError("cannot restart fetcher " + std::to_string(slot) + ": " + st.message());
  }
}

// --- The end --------------------------------------------------------------------

// Interrupt or fatal error: cut all work now. Results already complete in
// the pipes still count. Without a state every other URL read or found so
// far gets a record of `kind`; with one they stay pending there.
void Master::StopNow(ErrorKind kind, const std::string& message) {
  stopping = true;
  fetchers->Stop(/*kill=*/true);
  Drain();
  unpushed.reset();
  if (!state) return FailAll(kind, message);
  const Clock::time_point now = Clock::now();
  for (JobId id : jobs.LiveIds()) frontier->Finish(jobs.Complete(id), nullptr, now);
  frontier->DropWaiting();
}

// Every URL no fetcher holds gets a record of `kind`: those claimed and not
// yet handed over, then those waiting, in memory and on disk.
void Master::FailAll(ErrorKind kind, const std::string& message) {
  for (JobId id : jobs.LiveIds()) {
    if (jobs.Find(id)->slot) continue;
    if (unpushed && unpushed->first == id) unpushed.reset();
    Fail(jobs.Complete(id), kind, message);
  }
  while (std::optional<Job> job = frontier->TakeWaiting()) Fail(std::move(*job), kind, message);
}

void Master::Drain() {
  const Clock::time_point deadline = Clock::now() + kExitGrace;
  FetcherSupervisor::Event event;
  while (fetchers->Drain(deadline, &event)) HandleFrame(event.slot, event.frame);
}

Result<CrawlSummary> Master::Conclude(Clock::time_point run_started) {
  auto finish_summary = [&] {
    const FrontierCounts counts = frontier->Counts();
    summary.seen_urls = counts.seen;
    summary.seen_set_bytes = counts.seen_bytes;
    summary.not_due = counts.not_due;
    summary.resumed = counts.resumed;
    summary.held_back = holds.Seconds();
    summary.seconds = std::chrono::duration<double>(Clock::now() - run_started).count();
  };
  if (!fatal.ok()) {
    // Every URL admitted and not finished gets its record, as when a signal
    // stops the run (a full disk under the URLs waiting in a temporary file
    // loses none of them; see SpillQueue). With a state they stay pending
    // there instead, and the state is left as last committed: what follows
    // may not be written. A failed output takes no more records.
    if (!summary.interrupted) {
      StopNow(ErrorKind::kInterrupted,
              "the run stopped before this URL finished: " + fatal.message());
    }
    fetchers.reset();
    finish_summary();
    return fatal;
  }
  if (!summary.interrupted) {
    // No work left: closed doorbells let the fetchers leave.
    fetchers->Stop(/*kill=*/false);
    Drain();
  }
  fetchers.reset();
  if (state) {
    MaybeCommitState(/*now=*/true);
    if (!fatal.ok()) {
      finish_summary();
      return fatal;
    }
  }
  if (on_progress) ReportProgress();
  finish_summary();
  return summary;
}

// --- Records --------------------------------------------------------------------

// The one place records leave: each page job ends here exactly once. With a
// state, the URL is marked done there only once its record is written, so a
// record the output never took is fetched again by the next run.
void Master::Emit(Job job, Record record, StateStore::Outcome outcome) {
  const Clock::time_point now = Clock::now();
  if (job.robots) return frontier->Finish(job, nullptr, now);  // rules, not a record
  if (record.unchanged) ++summary.unchanged;
  if (record.unchanged && options.changed_only) {
    outcome.at_ms = UnixMillisNow();
    return frontier->Finish(job, state && fatal.ok() ? &outcome : nullptr, now);
  }
  record.url = std::move(job.input);
  record.depth = job.depth;
  if (job.parent) record.parent = *job.parent;
  record.ok = !record.error.has_value();
  if (!record.fetched_at_ms && job.first_fetched_at_ms)
    record.fetched_at_ms = job.first_fetched_at_ms;
  for (const FieldRule& rule : options.select) record.fields.try_emplace(rule.name);
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

// Commits the state when enough has changed or enough time has passed (or
// `now`): the output is checkpointed first, so the position committed
// never runs ahead of the records written.
void Master::MaybeCommitState(bool now) {
  if (!state || !fatal.ok() || state->Uncommitted() == 0) return;
  constexpr std::size_t kBatch = 1000;
  constexpr auto kInterval = std::chrono::seconds(1);
  if (!now && state->Uncommitted() < kBatch && Clock::now() - last_commit < kInterval) return;
  if (Status st = CommitState(); !st.ok()) StopFor(st);
}

Status Master::CommitState() {
  if (on_checkpoint) {
    Result<std::int64_t> position = on_checkpoint();
    if (!position.ok()) return position.status();
    state->SetOutputPosition(position.value());
  }
  last_commit = Clock::now();
  Status st = state->Commit();
  if (st.ok()) {
    LogDebug("state committed; " + std::to_string(summary.records) +
             " record(s) written by this run");
  }
  return st;
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
