#include "support/redis_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <utility>

namespace forage::test {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kReadyTimeout = 10s;
constexpr int kPortAttempts = 5;
constexpr std::string_view kReady = "Ready to accept connections";
constexpr std::string_view kPortTaken = "Address already in use";

bool Executable(const std::string& path) {
  return !path.empty() && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::string RedisServerPath() {
  const char* env = std::getenv("FORAGE_REDIS_SERVER");
  if (env != nullptr && *env != '\0') return env;
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    std::size_t colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    dirs = colon == std::string_view::npos ? "" : dirs.substr(colon + 1);
    std::string candidate = (dir.empty() ? "." : dir) + "/redis-server";
    if (Executable(candidate)) return candidate;
  }
  return "";
}

bool RedisAvailable() { return Executable(RedisServerPath()); }

RedisServer::RedisServer(std::vector<std::string> extra_args)
    : extra_args_(std::move(extra_args)), dir_(std::make_unique<TempDir>()) {
  for (std::size_t i = 0; i + 1 < extra_args_.size(); ++i) {
    if (extra_args_[i] == "--requirepass") password_ = extra_args_[i + 1];
  }
}

std::unique_ptr<RedisServer> RedisServer::Start(std::vector<std::string> extra_args) {
  std::unique_ptr<RedisServer> server(new RedisServer(std::move(extra_args)));
  // redis-server cannot be told to pick a free port and report it, so the
  // kernel picks one for a socket of ours; another process may bind it
  // before redis-server does, and then the next port is tried.
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    server->port_ = UnusedLocalPort();
    if (server->Launch()) return server;
  }
  server->Fail("every port tried was taken");
}

RedisServer::~RedisServer() {
  connection_.reset();
  process_.reset();  // SIGKILL and reap
}

pid_t RedisServer::pid() const { return process_ ? process_->pid() : -1; }

std::string RedisServer::url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

std::string RedisServer::unix_url() const { return "unix://" + dir() + "/redis.sock"; }

const std::string& RedisServer::log() {
  Drain();
  return log_;
}

void RedisServer::Fail(const std::string& what) {
  Drain();
  std::string err = process_ ? process_->err() : "";
  throw std::runtime_error("redis-server on port " + std::to_string(port_) + ": " + what +
                           "\n--- its output ---\n" + log_ +
                           (err.empty() ? "" : "--- stderr ---\n" + err));
}

void RedisServer::Drain() {
  if (!process_) return;
  while (std::optional<std::string> line = process_->ReadLine(0ms)) log_ += *line + "\n";
}

bool RedisServer::Launch() {
  const std::string socket = dir() + "/redis.sock";
  const std::pair<std::string, std::string> options[] = {
      {"--port", std::to_string(port_)},
      {"--bind", "127.0.0.1"},
      {"--unixsocket", socket},
      {"--unixsocketperm", "700"},
      {"--dir", dir()},
      {"--save", ""},  // no snapshots
      {"--appendonly", "no"},
      {"--daemonize", "no"},
      {"--logfile", ""},  // stdout
  };
  std::vector<std::string> argv{RedisServerPath()};
  for (const auto& [option, value] : options) {
    argv.push_back(option);
    argv.push_back(value);
  }
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  log_ += "--- redis-server on port " + std::to_string(port_) + " ---\n";
  const std::size_t this_run = log_.size();
  process_ = std::make_unique<ChildProcess>(argv);
  // Its log line is the synchronisation: by then it listens on both.
  const auto deadline = Clock::now() + kReadyTimeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) Fail("not ready after 10 s");
    std::optional<std::string> line = process_->ReadLine(left);
    if (line) {
      log_ += *line + "\n";
      if (line->find(kReady) != std::string::npos) return true;
      continue;
    }
    if (Clock::now() >= deadline) Fail("not ready after 10 s");
    // Its output ended: it exited, or is about to.
    std::optional<int> status = process_->Wait(std::chrono::milliseconds(kReadyTimeout));
    log_ += process_->out();
    if (log_.find(kPortTaken, this_run) != std::string::npos) {
      process_.reset();
      return false;
    }
    Fail("exited with status " + (status ? std::to_string(*status) : "unknown") +
         " before it was ready");
  }
}

void RedisServer::Kill() {
  connection_.reset();
  if (!process_) return;
  Drain();
  process_->Signal(SIGKILL);
  if (!process_->Wait(10s)) Fail("still running 10 s after SIGKILL");
  log_ += process_->out();
  process_.reset();
}

void RedisServer::Restart() {
  Kill();
  // The same port: what a client holds still names this server. The old
  // server's connections linger in TIME_WAIT, which redis-server's
  // SO_REUSEADDR lets it bind past.
  if (!Launch()) Fail("its port was taken while it was down");
}

void RedisServer::Pause() {
  if (!process_) Fail("Pause() without a running server");
  ::kill(process_->pid(), SIGSTOP);
  // The stop is reported to the parent; waiting for it means the server
  // stopped before the caller sends anything. WSTOPPED alone does not reap.
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(process_->pid()), &info, WSTOPPED) < 0 &&
         errno == EINTR) {
  }
}

void RedisServer::Resume() {
  if (process_) ::kill(process_->pid(), SIGCONT);
}

redis::Reply RedisServer::Command(const std::vector<std::string_view>& argv) {
  Drain();
  if (!connection_ || connection_->broken()) {
    connection_.reset();
    Result<redis::Address> address = redis::ParseAddress(url());
    if (!address.ok()) Fail(address.status().message());
    address.value().password = password_;
    Result<std::unique_ptr<redis::Connection>> opened =
        redis::Connection::Open(address.value(), 10s);
    if (!opened.ok()) Fail(opened.status().message());
    connection_ = std::move(opened).value();
  }
  Result<redis::Reply> reply = connection_->Command(argv);
  if (!reply.ok()) Fail(reply.status().message());
  return std::move(reply).value();
}

std::string RedisServer::Info(std::string_view section) {
  redis::Reply reply = Command({"INFO", section});
  if (reply.type != redis::Reply::Type::kString)
    Fail("INFO " + std::string(section) + ": " + reply.str);
  return reply.str;
}

}  // namespace forage::test
