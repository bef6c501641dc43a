// The end of a run: a stop (a signal, a failure) that cuts the work short,
// or the normal end once nothing is left; and the state commits on the way.

#include "core/log.h"
#include "crawl/master.h"

namespace forage {
namespace {

using Clock = std::chrono::steady_clock;

// How long fetchers get to leave after their doorbells close at the end of a
// run, and how long killed ones get to be reaped, before SIGKILL / giving up.
constexpr auto kExitGrace = std::chrono::seconds(5);

}  // namespace

// Interrupt or fatal error: cut all work now. Results already complete in
// the pipes still count. Without a state every other URL read or found so
// far gets a record of `kind`; with one they stay pending there.
void Master::StopNow(ErrorKind kind, const std::string& message) {
  stopping = true;
  fetchers->Stop(/*kill=*/true);
  Drain();
  unpushed.reset();
  if (!state && !node) {
    // The fetchers are gone: what they held ends here too. Each record
    // written from here on is a URL the stop left unfinished.
    const std::uint64_t before = summary.records;
    for (JobId id : jobs.LiveIds()) Fail(jobs.Complete(id), kind, message);
    FailAll(kind, message);
    summary.unfinished = summary.records - before;
    return;
  }
  // With a state the rest stays pending there; a node of a shared crawl
  // hands it back to the crawl's other nodes. Counted before it goes
  // (waiting URLs on disk are counted, not read); a node counts what it
  // held, the crawl's queue being the others' to take.
  summary.unfinished = node ? 0 : frontier->Counts().waiting;
  for (JobId id : jobs.LiveIds()) summary.unfinished += jobs.Find(id)->robots ? 0 : 1;
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
    CloseWarc();
    LeaveCrawl();
    if (!options.cookie_jar.empty()) StoreSession();
    finish_summary();
    return fatal;
  }
  if (!summary.interrupted) {
    // No work left: closed doorbells let the fetchers leave.
    fetchers->Stop(/*kill=*/false);
    Drain();
  }
  fetchers.reset();
  CloseWarc();
  LeaveCrawl();
  StoreSession();  // a state keeps the jar with the commit below
  if (!fatal.ok()) {
    finish_summary();
    return fatal;
  }
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

// Commits the state when enough has changed or enough time has passed (or
// `now`): the output is checkpointed first, so the position committed
// never runs ahead of the records written.
void Master::MaybeCommitState(bool now) {
  const bool jar = session && session->JarChanged() && options.cookie_jar.empty();
  if (!state || !fatal.ok() || (state->Uncommitted() == 0 && !jar)) return;
  constexpr std::size_t kBatch = 1000;
  constexpr auto kInterval = std::chrono::seconds(1);
  if (!now && state->Uncommitted() < kBatch && Clock::now() - last_commit < kInterval) return;
  if (Status st = CommitState(); !st.ok()) StopFor(st);
}

Status Master::CommitState() {
  if (options.cookie_jar.empty()) StoreSession();  // into the state, if the jar changed
  StoreWarc();
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

}  // namespace forage
