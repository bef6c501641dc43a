#include "fetch/fetcher_main.h"

#include <curl/curl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <vector>

#include "core/fd.h"
#include "core/log.h"
#include "fetch/fetcher.h"
#include "ipc/wire.h"

namespace forage {
namespace {

constexpr int kExitCannotWork = 3;
// How often a fetcher holding pages put off for the big-parse token tries
// the token again (a parse of a big page takes tens of milliseconds or more).
constexpr int kDeferredRetryMs = 5;

// Empties the doorbell; true once the master has closed it (no more work).
bool DrainDoorbell(int fd) {
  char buf[256];
  for (;;) {
    ssize_t n = ReadSome(fd, buf, sizeof buf);
    if (n > 0) continue;
    return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
  }
}

}  // namespace

int RunFetcher(const CrawlOptions& options, WorkQueue queue, int doorbell_fd, int result_fd,
               int big_parse_fd) {
  if (Status st = SetNonBlocking(doorbell_fd, true); !st.ok()) {
    LogError("doorbell: " + st.message());
    return kExitCannotWork;
  }
  // Each fetcher initialises libcurl for itself, after the fork: the master
  // never creates a curl handle, so nothing curl owns was copied into us.
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    LogError("curl_global_init failed");
    return kExitCannotWork;
  }
  auto on_parse = [&queue](std::uint64_t job, bool begin) {
    if (begin) {
      queue.BeginParse(job, std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now().time_since_epoch())
                                .count());
    } else {
      queue.EndParse();
    }
  };
  auto created = Fetcher::Create(options, on_parse, OpenBigParseToken(big_parse_fd));
  if (!created.ok()) {
    LogError(created.status().message());
    return kExitCannotWork;
  }
  Fetcher& fetcher = *created.value();
  // Ready: the master hands this fetcher work only from now on, so that a
  // slow start (a program loading its libraries) does not delay the first
  // requests behind --delay's back.
  if (!WriteAll(result_fd, wire::EncodeReady()).ok()) return 0;
  const auto concurrency = static_cast<std::size_t>(options.concurrency);
  std::string payload;
  std::vector<wire::FetchResult> finished;
  std::string frames;
  bool closed = false;
  for (;;) {
    // Big pages put off while another fetcher parsed one come first: each
    // one parsed makes room for a new job.
    fetcher.ParseDeferred(&finished);
    while (fetcher.InFlight() < concurrency && queue.TryPop(&payload)) {
      std::optional<wire::FetchJob> job = wire::DecodeJob(payload);
      if (!job) {
        LogError("corrupt job frame in the work queue");
        return kExitCannotWork;
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
      if (!WriteAll(result_fd, frames).ok()) return 0;
    }
    // A page put off for the big-parse token counts as in flight, so a
    // closed doorbell never ends a fetcher that still holds one.
    if (closed && fetcher.InFlight() == 0) return 0;
    // curl_multi_poll reports POLLIN but not POLLHUP on the extra fd, so the
    // doorbell is read after every wake-up rather than only when flagged.
    // While pages wait for the token, nothing would wake us when it is
    // free: look again soon.
    const int timeout_ms = fetcher.Deferred() > 0 ? kDeferredRetryMs : 1000;
    if (Status st = fetcher.Wait(closed ? -1 : doorbell_fd, timeout_ms, nullptr); !st.ok()) {
      LogError(st.message());
      return kExitCannotWork;
    }
    if (!closed) closed = DrainDoorbell(doorbell_fd);
  }
}

}  // namespace forage
