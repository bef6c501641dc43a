#include "ipc/worker_pool.h"

#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/errno_status.h"
#include "core/log.h"
#include "ipc/fetcher_fds.h"
#include "fetch/fetcher_exit.h"

namespace forage {
namespace {

void RingDoorbell(int fd) {
  // A full doorbell (EAGAIN) already holds an unread ring: nothing to add.
  char byte = 1;
  [[maybe_unused]] ssize_t n = ::write(fd, &byte, 1);
}

// Set in a forked fetcher only, before its entry runs.
int g_inherited_big_parse_fd = -1;

std::string DescribeWaitStatus(int status) {
  if (WIFSIGNALED(status)) {
    return std::string("killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
           strsignal(WTERMSIG(status)) + ")";
  }
  if (WIFEXITED(status)) return DescribeFetcherExit(WEXITSTATUS(status));
  return "ended";
}

// What this process's malloc holds from the system: its heap and its own
// mappings.
std::size_t HeapBytes() {
  const struct mallinfo2 m = ::mallinfo2();
  return m.arena + m.hblkhd;
}

}  // namespace

Result<std::unique_ptr<WorkerPool>> WorkerPool::Create(std::size_t size, FetcherEntry entry) {
  return Make(size, std::move(entry), "", "");
}

Result<std::unique_ptr<WorkerPool>> WorkerPool::CreateSpawning(std::size_t size,
                                                               std::string program,
                                                               std::string config,
                                                               FetcherEntry first_start) {
  return Make(size, std::move(first_start), std::move(program), std::move(config));
}

Result<std::unique_ptr<WorkerPool>> WorkerPool::Make(std::size_t size, FetcherEntry entry,
                                                     std::string program, std::string config) {
  auto region = WorkQueueRegion::Create(size);
  if (!region.ok()) return region.status();
  // Empty: only its locks matter (see the class comment).
  UniqueFd big_parse(::memfd_create("forage-big-parse", MFD_CLOEXEC));
  if (!big_parse) {
    return ErrnoStatus("memfd_create (big-parse token)", errno);
  }
  return std::unique_ptr<WorkerPool>(new WorkerPool(std::move(region).value(), std::move(big_parse),
                                                    size, std::move(entry), std::move(program),
                                                    std::move(config)));
}

int WorkerPool::InheritedBigParseFd() { return g_inherited_big_parse_fd; }

WorkerPool::WorkerPool(std::unique_ptr<WorkQueueRegion> region, UniqueFd big_parse,
                       std::size_t size, FetcherEntry entry, std::string program,
                       std::string config)
    : region_(std::move(region)),
      big_parse_(std::move(big_parse)),
      slots_(size),
      entry_(std::move(entry)),
      program_(std::move(program)),
      config_(std::move(config)) {}

WorkerPool::~WorkerPool() {
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (Running(i)) {
      ::kill(slots_[i].pid, SIGKILL);
      Reap(i);
    }
  }
}

Status WorkerPool::Spawn(std::size_t slot) {
  Slot& s = slots_[slot];
  region_->Reset(slot);
  auto doorbell = MakePipe();
  if (!doorbell.ok()) return doorbell.status();
  auto results = MakePipe();
  if (!results.ok()) return results.status();
  if (Status st = SetNonBlocking(doorbell.value().write.get(), true); !st.ok()) return st;
  if (Status st = SetNonBlocking(results.value().read.get(), true); !st.ok()) return st;

  pid_t pid = -1;
  const bool fork_first = entry_ && !s.started && HeapBytes() < kForkHeapBytes;
  s.started = true;
  if (!program_.empty() && !fork_first) {
    auto spawned = SpawnProgram(slot, doorbell.value().read.get(), results.value().write.get());
    if (!spawned.ok()) return spawned.status();
    pid = spawned.value();
  } else {
    pid_t master = ::getpid();
    std::fflush(nullptr);  // a buffered stdio line would otherwise be written twice
    pid = ::fork();
    if (pid < 0) return ErrnoStatus("fork", errno);
    if (pid == 0) RunChild(slot, doorbell.value().read.get(), results.value().write.get(), master);
  }
  s.pid = pid;
  s.ready = false;
  s.doorbell = std::move(doorbell.value().write);
  s.results = std::move(results.value().read);
  // The child's ends close here, as the Pipes go out of scope: from now on
  // the child alone holds the result pipe's write end, so its death is EOF.
  return {};
}

void WorkerPool::RunChild(std::size_t slot, int doorbell_fd, int result_fd, pid_t master) {
  // Die with the master. PR_SET_PDEATHSIG is tied to the thread that forked
  // us, which is the master's only thread; the getppid check closes the race
  // with a master that died before the prctl.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != master) ::_exit(kFetcherExitDone);
  // Named as a spawned one is, for ps, top and perf.
  ::prctl(PR_SET_NAME, "forage-fetcher");

  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGINT, SIG_IGN);
  ::signal(SIGTERM, SIG_DFL);
  ::signal(SIGPIPE, SIG_IGN);
  ::signal(SIGXFSZ, SIG_IGN);  // a write past RLIMIT_FSIZE fails (EFBIG) instead
  ::signal(SIGCHLD, SIG_DFL);

  // Keep exactly our three descriptors (at the numbers every fetcher finds
  // them at, fetcher_fds.h) and stderr. Move them out of the way first so
  // that the dup2s cannot clobber each other.
  int doorbell = ::fcntl(doorbell_fd, F_DUPFD, fetcher_fds::kEnd);
  int result = ::fcntl(result_fd, F_DUPFD, fetcher_fds::kEnd);
  int big_parse = ::fcntl(big_parse_.get(), F_DUPFD, fetcher_fds::kEnd);
  if (doorbell < 0 || result < 0 || big_parse < 0) ::_exit(kFetcherExitSoftware);
  ::dup2(doorbell, fetcher_fds::kDoorbell);
  ::dup2(result, fetcher_fds::kResult);
  ::dup2(big_parse, fetcher_fds::kBigParse);
  // A forked fetcher has no ring or config descriptor: those numbers stay closed.
  ::close(fetcher_fds::kRing);
  ::close(fetcher_fds::kConfig);
  ::close_range(fetcher_fds::kEnd, ~0U, 0);
  int devnull = ::open("/dev/null", O_RDWR);
  if (devnull >= 0) {
    ::dup2(devnull, STDIN_FILENO);
    ::dup2(devnull, STDOUT_FILENO);
    if (devnull > STDERR_FILENO) ::close(devnull);
  }
  g_inherited_big_parse_fd = fetcher_fds::kBigParse;
  SetLogRole("fetcher " + std::to_string(slot));
  int code = kFetcherExitSoftware;
  try {
    code = entry_(region_->Queue(slot), fetcher_fds::kDoorbell, fetcher_fds::kResult);
  } catch (const std::exception& e) {
    LogError(std::string("unexpected exception: ") + e.what());
  } catch (...) {
    LogError("unexpected exception");
  }
  ::_exit(code);
}

// posix_spawn runs no code of ours in the child: file actions put the
// descriptors in place, the attributes reset the signal mask and every
// handler, and the program does the rest (see fetch/fetcher_process_main.cc).
Result<pid_t> WorkerPool::SpawnProgram(std::size_t slot, int doorbell_fd, int result_fd) {
  UniqueFd config(::memfd_create("forage-fetcher-config", MFD_CLOEXEC));
  if (!config) return ErrnoStatus("memfd_create", errno);
  if (Status st = WriteAll(config.get(), config_); !st.ok()) return st;
  ::lseek(config.get(), 0, SEEK_SET);
  // Copies above the target numbers first, so that no dup2 below can
  // overwrite a descriptor another one still needs.
  struct Placed {
    int source;
    int target;  // as the program finds it (fetcher_fds.h)
  };
  const Placed placed[] = {{region_->Fd(slot), fetcher_fds::kRing},
                           {doorbell_fd, fetcher_fds::kDoorbell},
                           {result_fd, fetcher_fds::kResult},
                           {config.get(), fetcher_fds::kConfig},
                           {big_parse_.get(), fetcher_fds::kBigParse}};
  std::vector<UniqueFd> high;
  for (const Placed& p : placed) {
    high.emplace_back(::fcntl(p.source, F_DUPFD_CLOEXEC, fetcher_fds::kEnd));
    if (!high.back()) return ErrnoStatus("fcntl", errno);
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  for (std::size_t i = 0; i < high.size(); ++i) {
    posix_spawn_file_actions_adddup2(&actions, high[i].get(), placed[i].target);
  }
  posix_spawn_file_actions_addclosefrom_np(&actions, fetcher_fds::kEnd);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  const std::string master = std::to_string(::getpid());
  const std::string slot_name = std::to_string(slot);
  char* argv[] = {const_cast<char*>(program_.c_str()), const_cast<char*>("--master"),
                  const_cast<char*>(master.c_str()), const_cast<char*>("--slot"),
                  const_cast<char*>(slot_name.c_str()), nullptr};
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, program_.c_str(), &actions, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return ErrnoStatus("cannot start the fetcher program " + program_, rc);
  }
  return pid;
}

bool WorkerPool::Push(std::size_t slot, std::string_view frame, Ring ring) {
  Slot& s = slots_[slot];
  if (!Running(slot) || !region_->Queue(slot).TryPush(frame)) return false;
  if (ring == Ring::kNow) {
    RingDoorbell(s.doorbell.get());
  } else {
    s.ring_pending = true;
  }
  return true;
}

void WorkerPool::RingPending() {
  for (Slot& s : slots_) {
    if (!s.ring_pending) continue;
    s.ring_pending = false;
    if (s.pid > 0 && s.doorbell) RingDoorbell(s.doorbell.get());
  }
}

std::string WorkerPool::Reap(std::size_t slot) {
  Slot& s = slots_[slot];
  if (s.pid <= 0) return "not running";
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(s.pid, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == 0) {
    // Still alive although its pipe says otherwise (or we were asked to get
    // rid of it): it goes now.
    ::kill(s.pid, SIGKILL);
    do {
      r = ::waitpid(s.pid, &status, 0);
    } while (r < 0 && errno == EINTR);
  }
  s.pid = -1;
  s.ring_pending = false;
  s.doorbell.Reset();
  s.results.Reset();
  return r > 0 ? DescribeWaitStatus(status) : "lost (waitpid failed)";
}

void WorkerPool::CloseDoorbells() {
  for (Slot& s : slots_) s.doorbell.Reset();
}

void WorkerPool::SignalAll(int signal) {
  for (const Slot& s : slots_) {
    if (s.pid > 0) ::kill(s.pid, signal);
  }
}

}  // namespace forage
