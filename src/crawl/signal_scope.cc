#include "crawl/signal_scope.h"

#include <sys/signalfd.h>
#include <unistd.h>

namespace forage {

SignalScope::SignalScope(bool take_signals) {
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

SignalScope::~SignalScope() {
  if (taken_) {
    while (TakeSignal() != 0) {
    }
    fd_.Reset();
    sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  sigaction(SIGPIPE, &old_pipe_, nullptr);
}

int SignalScope::TakeSignal() {
  signalfd_siginfo info{};
  if (!fd_ || ::read(fd_.get(), &info, sizeof info) != sizeof info) return 0;
  return static_cast<int>(info.ssi_signo);
}

}  // namespace forage
