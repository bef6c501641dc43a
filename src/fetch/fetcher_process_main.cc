// forage-fetcher: one fetcher as a program of its own, started by a master
// with posix_spawn (see WorkerPool). A fresh process image, so an embedding
// program's threads and locks never reach it. Not for running by hand.
//
// It finds its ring, doorbell, result pipe, configuration and the pool's
// big-parse token at the descriptors ipc/fetcher_fds.h names, and the
// arguments "--master PID --slot N".

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "core/allocator.h"
#include "core/fd.h"
#include "core/log.h"
#include "fetch/fetcher_exit.h"
#include "fetch/fetcher_loop.h"
#include "ipc/fetcher_fds.h"
#include "ipc/wire.h"
#include "ipc/work_queue.h"

int main(int argc, char** argv) {
  using namespace forage;
  if (argc != 5 || std::strcmp(argv[1], "--master") != 0 || std::strcmp(argv[3], "--slot") != 0) {
    std::fputs("forage-fetcher: this program is started by forage, not by hand\n", stderr);
    return kFetcherExitUsage;
  }
  // Die with the master; the getppid check closes the race with a master
  // that died before the prctl.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != static_cast<pid_t>(std::atol(argv[2]))) return kFetcherExitDone;
  ::signal(SIGINT, SIG_IGN);
  ::signal(SIGPIPE, SIG_IGN);
  // A file past RLIMIT_FSIZE (a WARC file, a saved body) is a failed write
  // (EFBIG), reported like a full disk, not a death.
  ::signal(SIGXFSZ, SIG_IGN);
  SetLogRole(std::string("fetcher ") + argv[4]);
  KeepFreedMemoryForReuse();

  std::string bytes;
  char buf[4096];
  for (;;) {
    ssize_t n = ReadSome(fetcher_fds::kConfig, buf, sizeof buf);
    if (n <= 0) break;
    bytes.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fetcher_fds::kConfig);
  LogLevel log_level = LogLevel::kInfo;
  std::optional<FetchSettings> settings = wire::DecodeFetcherConfig(bytes, &log_level);
  if (!settings) {
    LogError("unreadable configuration from the master");
    return kFetcherExitCannotWork;
  }
  SetLogLevel(log_level);
  auto region = WorkQueueRegion::Attach(fetcher_fds::kRing);
  ::close(fetcher_fds::kRing);  // the mapping stays
  if (!region.ok()) {
    LogError(region.status().message());
    return kFetcherExitCannotWork;
  }
  return RunFetcher(*settings, region.value()->Queue(0), fetcher_fds::kDoorbell,
                    fetcher_fds::kResult, fetcher_fds::kBigParse);
}
