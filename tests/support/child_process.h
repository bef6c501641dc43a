#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace forage::test {

// A program run by a test, with pipes to its stdin, stdout and stderr. Waits
// are on descriptors with deadlines, never sleeps. The destructor kills
// (SIGKILL) and reaps the process if it is still running.
class ChildProcess {
 public:
  using Duration = std::chrono::milliseconds;

  // Starts argv[0] (a path) with arguments. stdin is a pipe unless
  // `stdin_path` names a file to read it from. The standard descriptors
  // (0, 1, 2) listed in `closed` are closed in the child instead (then
  // out() or err() stays empty).
  explicit ChildProcess(const std::vector<std::string>& argv, const std::string& stdin_path = "",
                        const std::vector<int>& closed = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  // The next whole line of stdout (without '\n'), or nullopt at EOF or when
  // `timeout` passes first.
  std::optional<std::string> ReadLine(Duration timeout);
  // Waits until stderr holds `needle` (anywhere in what was read so far or
  // arrives before `timeout`); stdout is read meanwhile, for ReadLine.
  bool WaitErr(const std::string& needle, Duration timeout);
  // Writes to the child's stdin; CloseStdin() sends EOF.
  void WriteStdin(const std::string& data);
  void CloseStdin();
  void Signal(int signal);

  // Waits for the exit, reading stdout and stderr meanwhile so the child
  // never blocks on a full pipe. Returns the exit status (128+N for a
  // signal), or nullopt if `timeout` passed (the child is left running).
  std::optional<int> Wait(Duration timeout);

  // Everything read so far that ReadLine has not returned / all of stderr.
  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }

 private:
  // Reads what is available from stdout/stderr until `deadline`, or until
  // stop() is true. Returns false once both are at EOF.
  bool Pump(std::chrono::steady_clock::time_point deadline, bool stop_on_line);
  // One poll of stdout and stderr until `deadline`, appending what is read;
  // false at the deadline or when both are closed.
  bool PollOnce(std::chrono::steady_clock::time_point deadline);

  pid_t pid_ = -1;
  int in_ = -1, out_fd_ = -1, err_fd_ = -1;
  std::string out_, err_;
  std::optional<int> status_;
};

// Child pids of `pid`, from /proc/PID/task/PID/children.
std::vector<pid_t> ChildrenOf(pid_t pid);
// The program process `pid` runs (/proc/PID/exe), and its name (comm, as ps
// shows it); "" when it is gone.
std::string ExeOf(pid_t pid);
std::string CommOf(pid_t pid);
// Waits until process `pid` no longer exists (or is a zombie), up to `timeout`.
bool WaitGone(pid_t pid, std::chrono::milliseconds timeout);

}  // namespace forage::test
