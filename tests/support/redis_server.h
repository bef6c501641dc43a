#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "redis/redis_client.h"
#include "support/child_process.h"
#include "support/forage_run.h"
#include "support/local_port.h"  // UnusedLocalPort, which callers of this header use

namespace forage::test {

// The redis-server tests run: $FORAGE_REDIS_SERVER when set, else the first
// `redis-server` on $PATH; "" when there is none.
std::string RedisServerPath();

// Whether RedisServerPath() names an executable. Catch2 2 has no SKIP: a
// test that needs Redis WARNs and returns when this is false.
bool RedisAvailable();

// A private redis-server for one test: 127.0.0.1 on a port of its own and a
// unix socket in a fresh temporary directory, no persistence (nothing is
// saved, a restart starts empty), its log on a pipe. Start returns once the
// server said it is ready; the destructor kills (SIGKILL) and reaps it and
// removes the directory. Fixture failures throw std::runtime_error with the
// server's log, which fails the test that called. One thread.
class RedisServer {
 public:
  // Starts RedisServerPath() with `extra_args` after forage's own
  // ("--requirepass", "pw" say), and waits up to 10 s for "Ready to accept
  // connections". A port someone took meanwhile is tried again with another,
  // a few times. Requires RedisAvailable().
  static std::unique_ptr<RedisServer> Start(std::vector<std::string> extra_args = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const { return port_; }
  // The server's process; -1 after Kill().
  pid_t pid() const;
  // "redis://127.0.0.1:PORT" and "unix:///DIR/redis.sock": no password, even
  // when --requirepass was among the arguments.
  std::string url() const;
  std::string unix_url() const;
  const std::string& dir() const { return dir_->path(); }
  // All the server printed so far, each start's output after the last.
  const std::string& log();

  // SIGKILL, then reaps it: every connection to it is closed when this returns.
  void Kill();
  // Kill() if running, then the same program, port and arguments again,
  // empty; waits until it is ready as Start does.
  void Restart();
  // SIGSTOP, returning once the server has stopped: connections stay open
  // and the kernel still accepts new ones, but nothing is answered.
  void Pause();
  // SIGCONT after Pause(). The destructor needs none: SIGKILL ends a stopped
  // process too.
  void Resume();

  // A command through a connection of the fixture's own (opened on first
  // use, and again after Kill or Restart, with the --requirepass password
  // if any). A Redis error is a kError Reply; a failed connection throws.
  redis::Reply Command(const std::vector<std::string_view>& argv);
  // INFO `section`'s text ("server", "commandstats", ...).
  std::string Info(std::string_view section);

 private:
  explicit RedisServer(std::vector<std::string> extra_args);
  // Runs the server on port_ and waits until it is ready: true; false if it
  // exited because the port was taken; throws for any other failure.
  bool Launch();
  // Moves what the server printed and nobody read into log_, without
  // waiting: also keeps the pipe from filling up and stalling the server.
  void Drain();
  [[noreturn]] void Fail(const std::string& what);

  std::vector<std::string> extra_args_;
  std::string password_;  // from --requirepass among extra_args_
  std::unique_ptr<TempDir> dir_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;
  std::string log_;
  std::unique_ptr<redis::Connection> connection_;
};

}  // namespace forage::test
