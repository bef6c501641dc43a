#pragma once

#include <signal.h>

#include "core/fd.h"

namespace forage {

// While a run is on: SIGINT and SIGTERM blocked and read from a signalfd,
// SIGPIPE ignored (a closed pipe is an EPIPE to handle, not a death). Undone,
// pending signals included, when the run ends.
class SignalScope {
 public:
  explicit SignalScope(bool take_signals);
  ~SignalScope();
  SignalScope(const SignalScope&) = delete;
  SignalScope& operator=(const SignalScope&) = delete;

  // -1 when signals are not taken.
  int fd() const { return fd_.get(); }
  // The next pending signal number, or 0.
  int TakeSignal();

 private:
  bool taken_ = false;
  UniqueFd fd_;
  sigset_t old_mask_{};
  struct sigaction old_pipe_ {};
};

}  // namespace forage
