// forage-fetcher: one fetcher as a program of its own, started by a master
// with posix_spawn (see WorkerPool). A fresh process image, so an embedding
// program's threads and locks never reach it. Not for running by hand.
//
// It finds, as WorkerPool::CreateSpawning documents: fd 3 its ring's memfd,
// fd 4 its doorbell, fd 5 its result pipe, fd 6 its configuration, fd 7 the
// pool's big-parse token; and the arguments "--master PID --slot N".

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/fd.h"
#include "core/log.h"
#include "fetch/fetcher_exit.h"
#include "fetch/fetcher_loop.h"
#include "ipc/wire.h"
#include "ipc/work_queue.h"

namespace {

constexpr int kRingFd = 3, kDoorbellFd = 4, kResultFd = 5, kConfigFd = 6, kBigParseFd = 7;

forage::CrawlOptions OptionsFrom(const forage::wire::FetcherConfig& c) {
  forage::CrawlOptions o;
  o.concurrency = c.concurrency;
  o.timeout = std::chrono::milliseconds(c.timeout_ms);
  o.connect_timeout = std::chrono::milliseconds(c.connect_timeout_ms);
  o.user_agent = c.user_agent;
  o.max_bytes = c.max_bytes;
  o.resolve = c.resolve;
  for (const auto& [name, css, attr] : c.select) o.select.push_back({name, css, attr});
  o.text = c.text;
  o.max_text = c.max_text;
  o.max_links = c.max_links;
  o.deny_private = c.deny_private;
  o.allow_link_local = c.allow_link_local;
  o.stall_timeout = std::chrono::milliseconds(c.stall_timeout_ms);
  o.fetcher_memory_mib = c.fetcher_memory_mib;
  return o;
}

}  // namespace

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
  SetLogRole(std::string("fetcher ") + argv[4]);

  std::string bytes;
  char buf[4096];
  for (;;) {
    ssize_t n = ReadSome(kConfigFd, buf, sizeof buf);
    if (n <= 0) break;
    bytes.append(buf, static_cast<std::size_t>(n));
  }
  ::close(kConfigFd);
  std::optional<wire::FetcherConfig> config = wire::DecodeFetcherConfig(bytes);
  if (!config) {
    LogError("unreadable configuration from the master");
    return kFetcherExitCannotWork;
  }
  SetLogLevel(static_cast<LogLevel>(config->log_level));
  auto region = WorkQueueRegion::Attach(kRingFd);
  ::close(kRingFd);  // the mapping stays
  if (!region.ok()) {
    LogError(region.status().message());
    return kFetcherExitCannotWork;
  }
  return RunFetcher(OptionsFrom(*config), region.value()->Queue(0), kDoorbellFd, kResultFd,
                    kBigParseFd);
}
