#include "fetch/fetcher_loop.h"

#include <curl/curl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "core/fd.h"
#include "core/log.h"
#include "fetch/fetcher.h"
#include "fetch/fetcher_exit.h"
#include "ipc/wire.h"

namespace forage {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

// What a fetcher out of memory says, prepared while it still has memory.
std::string* g_out_of_memory_line = nullptr;

// operator new's handler once the limit is set: there is no memory left to
// unwind with (an exception through gumbo's or curl's C frames would end in
// std::terminate anyway), so the fetcher says why and leaves; the master
// requeues its jobs as after any death.
[[noreturn]] void OnOutOfMemory() {
  if (g_out_of_memory_line) {
    [[maybe_unused]] ssize_t n =
        ::write(STDERR_FILENO, g_out_of_memory_line->data(), g_out_of_memory_line->size());
  }
  ::_exit(kFetcherExitOutOfMemory);
}

// --fetcher-memory, as RLIMIT_DATA (heap and private writable mappings: what
// a parse tree takes) rather than RLIMIT_AS, which also counts address space
// merely reserved, such as glibc's per-thread malloc arenas.
void LimitMemory(const FetchSettings& settings) {
  std::uint64_t mib = settings.fetcher_memory_mib;
  if (mib == FetchSettings::kAutoFetcherMemory) {
    const std::uint64_t bodies = 2 * static_cast<std::uint64_t>(settings.concurrency) + 32;
    mib = 256 + bodies * ((settings.max_bytes + (1u << 20) - 1) >> 20);
  }
  if (mib == 0) return;
  if (kAddressSanitizer) {
    LogDebug("--fetcher-memory is not applied: AddressSanitizer's shadow memory would count");
    return;
  }
  const rlim_t bytes = mib > (RLIM_INFINITY >> 20) ? RLIM_INFINITY : static_cast<rlim_t>(mib) << 20;
  rlimit limit{bytes, bytes};
  if (::setrlimit(RLIMIT_DATA, &limit) != 0) {
    LogWarn(std::string("cannot limit this fetcher's memory: ") + std::strerror(errno));
    return;
  }
  static std::string line = LogLine(
      LogLevel::kError, "out of memory: this fetcher reached --fetcher-memory (" +
                            std::to_string(mib) + " MiB); it exits and the master replaces it");
  g_out_of_memory_line = &line;
  std::set_new_handler(OnOutOfMemory);
}

// How often a fetcher holding pages put off for the big-parse token tries
// the token again (a parse of a big page takes tens of milliseconds or more).
constexpr int kDeferredRetryMs = 5;

std::int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Empties the doorbell; true once the master has closed it (no more work).
// A short read left the pipe empty (a pipe's read returns all it holds up
// to the buffer's size); a ring or a close after it wakes the next wait.
bool DrainDoorbell(int fd) {
  char buf[256];
  for (;;) {
    ssize_t n = ReadSome(fd, buf, sizeof buf);
    if (n == static_cast<ssize_t>(sizeof buf)) continue;
    if (n > 0) return false;
    return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
  }
}

}  // namespace

int RunFetcher(const FetchSettings& settings, WorkQueue queue, int doorbell_fd, int result_fd,
               int big_parse_fd) {
  if (Status st = SetNonBlocking(doorbell_fd, true); !st.ok()) {
    LogError("doorbell: " + st.message());
    return kFetcherExitCannotWork;
  }
  LimitMemory(settings);
  // Each fetcher initialises libcurl for itself, after the fork: the master
  // never creates a curl handle, so nothing curl owns was copied into us.
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    LogError("curl_global_init failed");
    return kFetcherExitCannotWork;
  }
  auto on_parse = [&queue](std::uint64_t job, bool begin) {
    if (begin) {
      queue.BeginParse(job, SteadyMillis());
    } else {
      queue.EndParse(SteadyMillis());
    }
  };
  // A request's sending is told at once, in one write for the turn: the
  // master holds its host's next request until it knows, and parses of
  // other pages must not keep it waiting. A failed write (the master gone)
  // shows again at the next result.
  std::string sent_frames;
  auto on_sent = [&sent_frames, result_fd](const std::vector<wire::RequestSent>& sent) {
    sent_frames.clear();
    for (const wire::RequestSent& s : sent) sent_frames += wire::EncodeSent(s);
    (void)WriteAll(result_fd, sent_frames);
  };
  auto created = Fetcher::Create(settings, on_parse, OpenBigParseToken(big_parse_fd), on_sent);
  if (!created.ok()) {
    LogError(created.status().message());
    return kFetcherExitCannotWork;
  }
  Fetcher& fetcher = *created.value();
  // A WARC file is told before anything is written to it, at once: the
  // master must know which file a fetcher held if it dies.
  fetcher.SetWarcOpened([result_fd](std::uint32_t serial) {
    (void)WriteAll(result_fd, wire::EncodeWarcOpened(serial));
  });
  // Ready: the master hands this fetcher work only from now on, so that a
  // slow start (a program loading its libraries) does not delay the first
  // requests behind --delay's back.
  queue.Heartbeat(SteadyMillis());
  if (!WriteAll(result_fd, wire::EncodeReady()).ok()) return kFetcherExitDone;
  const auto concurrency = static_cast<std::size_t>(settings.concurrency);
  // The loop comes round, and stamps the heartbeat, at least four times per
  // --stall-timeout (at least once a second), so that only a fetcher that
  // really stopped is taken for one.
  const int beat_ms =
      static_cast<int>(std::clamp<std::int64_t>(settings.stall_timeout.count() / 4, 25, 1000));
  std::string payload;
  std::vector<wire::FetchResult> finished;
  std::string frames;
  bool closed = false;
  for (;;) {
    queue.Heartbeat(SteadyMillis());
    // Big pages put off while another fetcher parsed one come first: each
    // one parsed makes room for a new job.
    fetcher.ParseDeferred(&finished);
    while (fetcher.InFlight() < concurrency && queue.TryPop(&payload)) {
      std::optional<wire::FetchJob> job = wire::DecodeJob(payload);
      if (!job) {
        LogError("corrupt job frame in the work queue");
        return kFetcherExitCannotWork;
      }
      fetcher.Start(std::move(*job));
    }
    fetcher.Perform(&finished);
    if (!finished.empty()) {
      // One write for every result of this turn: one wake-up of the master.
      frames.clear();
      for (const wire::FetchResult& r : finished) frames += wire::EncodeResult(r);
      finished.clear();
      // Blocking write: a full pipe is back-pressure from a busy master.
      // Failure (EPIPE) means the master is gone, and so is our purpose.
      if (!WriteAll(result_fd, frames).ok()) return kFetcherExitDone;
    }
    // A page put off for the big-parse token counts as in flight, so a
    // closed doorbell never ends a fetcher that still holds one.
    if (closed && fetcher.InFlight() == 0) return kFetcherExitDone;
    // curl_multi_poll reports POLLIN but not POLLHUP on the extra fd, so the
    // doorbell is read after every wake-up rather than only when flagged.
    // While pages wait for the token, nothing would wake us when it is
    // free: look again soon. Otherwise wake at least every beat_ms.
    const int timeout_ms = fetcher.Deferred() > 0 ? kDeferredRetryMs : beat_ms;
    if (Status st = fetcher.Wait(closed ? -1 : doorbell_fd, timeout_ms, nullptr); !st.ok()) {
      LogError(st.message());
      return kFetcherExitCannotWork;
    }
    if (!closed) closed = DrainDoorbell(doorbell_fd);
  }
}

}  // namespace forage
