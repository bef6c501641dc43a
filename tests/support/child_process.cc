#include "support/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace forage::test {
namespace {

using Clock = std::chrono::steady_clock;

int MillisLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& stdin_path,
                           const std::vector<int>& closed) {
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) || ::pipe2(out, O_CLOEXEC) || ::pipe2(err, O_CLOEXEC)) {
    throw std::runtime_error("pipe failed");
  }
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    if (!stdin_path.empty()) {
      int fd = ::open(stdin_path.c_str(), O_RDONLY);
      if (fd < 0) ::_exit(127);
      ::dup2(fd, 0);
    } else {
      ::dup2(in[0], 0);
    }
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    for (int fd : closed) ::close(fd);
    ::signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  in_ = in[1];
  out_fd_ = out[0];
  err_fd_ = err[0];
  ::fcntl(out_fd_, F_SETFL, O_NONBLOCK);
  ::fcntl(err_fd_, F_SETFL, O_NONBLOCK);
}

ChildProcess::~ChildProcess() {
  if (!status_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  for (int fd : {in_, out_fd_, err_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

bool ChildProcess::PollOnce(Clock::time_point deadline) {
  pollfd fds[2];
  int n = 0;
  if (out_fd_ >= 0) fds[n++] = {out_fd_, POLLIN, 0};
  if (err_fd_ >= 0) fds[n++] = {err_fd_, POLLIN, 0};
  if (n == 0) return false;
  int ready = ::poll(fds, static_cast<nfds_t>(n), MillisLeft(deadline));
  if (ready < 0 && errno == EINTR) return true;
  if (ready <= 0) return false;  // deadline
  for (int i = 0; i < n; ++i) {
    if (!fds[i].revents) continue;
    bool is_out = fds[i].fd == out_fd_;
    char buf[65536];
    ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
    if (got > 0) {
      (is_out ? out_ : err_).append(buf, static_cast<std::size_t>(got));
    } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
      ::close(fds[i].fd);
      (is_out ? out_fd_ : err_fd_) = -1;
    }
  }
  return true;
}

bool ChildProcess::Pump(Clock::time_point deadline, bool stop_on_line) {
  for (;;) {
    if (stop_on_line && out_.find('\n') != std::string::npos) return true;
    if (out_fd_ < 0 && err_fd_ < 0) return false;
    if (!PollOnce(deadline)) return out_fd_ >= 0 || err_fd_ >= 0;
  }
}

std::optional<std::string> ChildProcess::ReadLine(Duration timeout) {
  Pump(Clock::now() + timeout, true);
  std::size_t nl = out_.find('\n');
  if (nl == std::string::npos) return std::nullopt;
  std::string line = out_.substr(0, nl);
  out_.erase(0, nl + 1);
  return line;
}

bool ChildProcess::WaitErr(const std::string& needle, Duration timeout) {
  const auto deadline = Clock::now() + timeout;
  while (err_.find(needle) == std::string::npos) {
    if (!PollOnce(deadline)) return false;
  }
  return true;
}

void ChildProcess::WriteStdin(const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(in_, data.data() + done, data.size() - done);
    if (n <= 0) {
      if (errno == EINTR) continue;
      return;
    }
    done += static_cast<std::size_t>(n);
  }
}

void ChildProcess::CloseStdin() {
  if (in_ >= 0) ::close(in_);
  in_ = -1;
}

void ChildProcess::Signal(int signal) {
  if (!status_) ::kill(pid_, signal);
}

std::optional<int> ChildProcess::Wait(Duration timeout) {
  if (status_) return status_;
  auto deadline = Clock::now() + timeout;
  // Output first: a child blocked on a full stdout would never exit.
  bool pipes_open = true;
  while ((pipes_open = Pump(deadline, false)) && MillisLeft(deadline) > 0) {
  }
  // Both pipes closed (or time is up): the exit follows, but a process can
  // close its pipes and live on, so poll waitpid against the deadline.
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      status_ = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
      return status_;
    }
    if (MillisLeft(deadline) == 0) return std::nullopt;
    // No descriptor reports a child's exit without a SIGCHLD handler; a
    // pidfd does (Linux 5.3+).
    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    if (pidfd < 0 && errno == ENOSYS && !pipes_open) {
      // Under valgrind 3.19, which does not know pidfd_open: a child that
      // closed its pipes is on its way out, so wait for it.
      if (::waitpid(pid_, &status, 0) == pid_) {
        status_ = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
      }
      return status_;
    }
    if (pidfd < 0) return std::nullopt;
    pollfd p{pidfd, POLLIN, 0};
    ::poll(&p, 1, MillisLeft(deadline));
    ::close(pidfd);
  }
}

std::vector<pid_t> ChildrenOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  std::vector<pid_t> out;
  pid_t child;
  while (in >> child) out.push_back(child);
  return out;
}

std::string ExeOf(pid_t pid) {
  std::error_code ec;
  return std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec).string();
}

std::string CommOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(in, name);
  return name;
}

bool WaitGone(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) return true;  // already gone
  pollfd p{pidfd, POLLIN, 0};
  bool gone = ::poll(&p, 1, MillisLeft(deadline)) > 0;
  ::close(pidfd);
  return gone;
}

}  // namespace forage::test
