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
#include <thread>
#include <vector>

#include "core/fd.h"
#include "core/log.h"
#include "core/url.h"
#include "crawl/job_table.h"
#include "crawl/url_source.h"
#include "fetch/fetcher_main.h"
#include "ipc/frame_buffer.h"
#include "ipc/wire.h"
#include "ipc/worker_pool.h"

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
  void Dispatch();
  void ReadResults(std::size_t slot);
  bool HandleFrame(std::size_t slot, std::string_view payload);
  void OnDeath(std::size_t slot, const std::string& why);
  void Respawn(std::size_t slot);
  void StopNow(ErrorKind kind, const std::string& message);
  void DrainAndReap(std::size_t slot, Clock::time_point deadline);
  void FinishPool();
  void Emit(JobId id, Record record);
  void Fail(JobId id, ErrorKind kind, std::string message);
  bool AnyRunning() const;

  CrawlOptions options;
  UrlSource source;
  std::function<Status(const Record&)> on_record;
  UniqueFd stop_read, stop_write;
  std::atomic<bool> stop_requested{false};

  // Per run.
  std::size_t workers = 1;
  JobTable jobs;
  std::unique_ptr<WorkerPool> pool;
  std::vector<FrameBuffer> buffers;
  CrawlSummary summary;
  Status fatal;
  bool stopping = false;
  bool source_done = false;
  bool want_input = false;
  bool pool_lost = false;  // no fetcher can be kept alive any more
  std::size_t deaths_since_progress = 0;
};

Crawler::Crawler(CrawlOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Crawler::~Crawler() = default;

void Crawler::AddSeedUrl(std::string url) { impl_->source.AddUrl(std::move(url)); }
Status Crawler::AddSeedFile(const std::string& path) { return impl_->source.AddFile(path); }
void Crawler::OnRecord(std::function<Status(const Record&)> callback) {
  impl_->on_record = std::move(callback);
}
Result<CrawlSummary> Crawler::Run() { return impl_->Run(); }

void Crawler::RequestStop() {
  impl_->stop_requested.store(true);
  char byte = 1;
  [[maybe_unused]] ssize_t n = ::write(impl_->stop_write.get(), &byte, 1);
}

bool Crawler::Impl::AnyRunning() const {
  for (std::size_t i = 0; i < pool->size(); ++i) {
    if (pool->Running(i)) return true;
  }
  return false;
}

void Crawler::Impl::Emit(JobId id, Record record) {
  Job job = jobs.Complete(id);
  record.url = std::move(job.input);
  record.depth = job.depth;
  record.parent = std::move(job.parent);
  record.ok = !record.error.has_value();
  ++summary.records;
  ++(record.ok ? summary.ok : summary.failed);
  if (on_record && fatal.ok()) {
    Status st = on_record(record);
    if (!st.ok()) {
      fatal = st;
      stopping = true;
    }
  }
}

void Crawler::Impl::Fail(JobId id, ErrorKind kind, std::string message) {
  Record r;
  r.error = RecordError{kind, std::move(message)};
  Emit(id, std::move(r));
}

// Reads seeds while the queue is short, so a list of any size takes bounded
// memory. Bad lines complete at once with their error record.
void Crawler::Impl::Fill() {
  const std::size_t window = workers * static_cast<std::size_t>(options.concurrency) * 2 + 64;
  want_input = false;
  while (!source_done && jobs.Queued() < window && !stopping) {
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
    CheckedUrl checked = CheckInputUrl(line.text);
    if (line.too_long && !checked.error) {
      checked.error =
          RecordError{ErrorKind::kInvalidUrl,
                      "line longer than " + std::to_string(UrlSource::kMaxLineBytes) + " bytes"};
    }
    Job job;
    job.input = line.text;
    job.request_url = std::move(checked.url);
    job.where = line.where;
    JobId id = jobs.Add(std::move(job));
    if (checked.error) {
      LogWarn(line.where + ": " + std::string(ErrorKindName(checked.error->kind)) + ": " +
              checked.error->message);
      Fail(id, checked.error->kind, checked.error->message + " (" + line.where + ")");
    } else if (pool_lost) {
      Fail(id, ErrorKind::kWorkerCrash, "no fetcher process could be kept running");
    } else {
      jobs.QueueBack(id);
    }
  }
}

// Hands queued jobs to the least-loaded fetchers with room.
void Crawler::Impl::Dispatch() {
  const auto limit = static_cast<std::size_t>(options.concurrency);
  std::vector<bool> full(pool->size(), false);
  while (auto id = jobs.PeekQueued()) {
    std::size_t best = pool->size();
    for (std::size_t i = 0; i < pool->size(); ++i) {
      if (!pool->Running(i) || full[i] || jobs.AssignedTo(i) >= limit) continue;
      if (best == pool->size() || jobs.AssignedTo(i) < jobs.AssignedTo(best)) best = i;
    }
    if (best == pool->size()) return;
    const Job* job = jobs.Find(*id);
    if (pool->Push(best, wire::EncodeJob({*id, job->request_url}))) {
      jobs.PopQueued();
      jobs.Assign(*id, best);
    } else {
      full[best] = true;  // its ring is full for now; it frees as the fetcher pops
    }
  }
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
  std::optional<wire::FetchResult> result = wire::DecodeResult(payload);
  if (!result) return false;
  if (!jobs.IsAssigned(result->id, slot)) {
    LogWarn("fetcher " + std::to_string(slot) + " reported job " + std::to_string(result->id) +
            ", which it does not hold; ignored");
    return true;
  }
  deaths_since_progress = 0;
  Record r;
  r.final_url = std::move(result->final_url);
  if (result->status > 0) r.status = result->status;
  if (!result->content_type.empty()) r.content_type = std::move(result->content_type);
  r.bytes = result->bytes;
  r.elapsed_ms = result->elapsed_ms;
  r.title = std::move(result->title);
  r.description = std::move(result->description);
  r.links = std::move(result->links);
  if (result->error != ErrorKind::kNone) {
    r.error = RecordError{result->error, std::move(result->error_message)};
  }
  r.fetched_at_ms = result->fetched_at_ms;
  Emit(result->id, std::move(r));
  return true;
}

// A fetcher is gone (its pipe said EOF, or it misbehaved and was killed).
// Complete frames it wrote were handled already; a torn one is dropped. Its
// jobs are requeued once; a job it held through a second death fails.
void Crawler::Impl::OnDeath(std::size_t slot, const std::string& why) {
  std::size_t torn = buffers[slot].PendingBytes();
  buffers[slot] = FrameBuffer(wire::kMaxFrameBytes);
  std::vector<JobId> held = jobs.TakeAssigned(slot);
  ++summary.worker_deaths;
  LogWarn("fetcher " + std::to_string(slot) + " " + why + " while holding " +
          std::to_string(held.size()) + " URL(s)" +
          (torn ? "; dropped a torn frame of " + std::to_string(torn) + " bytes" : ""));
  for (auto it = held.rbegin(); it != held.rend(); ++it) {
    Job* job = jobs.Find(*it);
    if (++job->deaths >= 2) {
      deaths_since_progress = 0;  // a job reached its end: the run moves on
      Fail(*it, ErrorKind::kWorkerCrash,
           "the fetcher process died twice while fetching this URL (last " + why + ")");
    } else {
      jobs.QueueFront(*it);
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
// the pipes still count; every other job read so far gets `kind`.
void Crawler::Impl::StopNow(ErrorKind kind, const std::string& message) {
  stopping = true;
  pool->SignalAll(SIGKILL);
  auto deadline = Clock::now() + kExitGrace;
  for (std::size_t i = 0; i < pool->size(); ++i) DrainAndReap(i, deadline);
  for (std::size_t i = 0; i < pool->size(); ++i) {
    for (JobId id : jobs.TakeAssigned(i)) Fail(id, kind, message);
  }
  while (auto id = jobs.PeekQueued()) {
    jobs.PopQueued();
    Fail(*id, kind, message);
  }
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
  stopping = source_done = want_input = pool_lost = false;
  deaths_since_progress = 0;
  workers = options.workers > 0 ? static_cast<std::size_t>(options.workers)
                                : std::max(1u, std::thread::hardware_concurrency());
  if (options.concurrency < 1) return Status::Error("concurrency must be at least 1");

  SignalScope signals(options.handle_signals);
  const CrawlOptions fetcher_options = options;
  auto created = WorkerPool::Create(workers, [fetcher_options](WorkQueue q, int doorbell, int out) {
    return RunFetcher(fetcher_options, q, doorbell, out);
  });
  if (!created.ok()) return created.status();
  pool = std::move(created).value();
  buffers.assign(workers, FrameBuffer(wire::kMaxFrameBytes));
  for (std::size_t i = 0; i < workers; ++i) {
    if (Status st = pool->Spawn(i); !st.ok()) {
      pool.reset();
      return Status::Error("cannot start fetcher processes: " + st.message());
    }
  }

  std::vector<pollfd> fds;
  std::vector<std::size_t> fd_slot;
  while (!stopping) {
    Fill();
    if (pool_lost) {
      while (auto id = jobs.PeekQueued()) {
        jobs.PopQueued();
        Fail(*id, ErrorKind::kWorkerCrash, "no fetcher process could be kept running");
      }
    } else {
      Dispatch();
    }
    if (stopping) break;
    if (source_done && jobs.Empty()) break;
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
    int ready = ::poll(fds.data(), fds.size(), -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      fatal = Status::Error(std::string("poll: ") + std::strerror(errno));
      StopNow(ErrorKind::kOther, "the run failed: " + fatal.message());
      break;
    }
    for (std::size_t k = 0; k < n_slots && !stopping; ++k) {
      if (fds[k].revents != 0 && pool->Running(fd_slot[k])) ReadResults(fd_slot[k]);
    }
    int signo = signals.TakeSignal();
    if (signo != 0 || fds[n_slots].revents != 0) {
      summary.interrupted = true;
      LogInfo(signo ? std::string("caught ") + strsignal(signo) + "; stopping" : "stopping");
      StopNow(ErrorKind::kInterrupted, "the run was interrupted before this URL finished");
    }
  }
  if (!fatal.ok()) {
    if (!summary.interrupted) StopNow(ErrorKind::kOther, "the run failed: " + fatal.message());
    pool.reset();
    return fatal;
  }
  if (!summary.interrupted) FinishPool();
  pool.reset();
  summary.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return summary;
}

}  // namespace forage
