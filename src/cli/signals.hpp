#pragma once
// Ctrl-C and SIGTERM for the long-running commands (`runt agent`, `runt up`): blocked in every
// thread started after a StopSignals exists, so one thread waits for them and stops cleanly.

#include <csignal>
#include <pthread.h>

namespace runt::cli {

class StopSignals {
 public:
  StopSignals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Blocks until SIGINT or SIGTERM arrives (to this process or, by pthread_kill, this thread).
  int wait() {
    int received = 0;
    sigwait(&set_, &received);
    return received;
  }

 private:
  sigset_t set_;
};

}  // namespace runt::cli
