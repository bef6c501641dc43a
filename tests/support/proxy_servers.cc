#include "support/proxy_servers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "support/find_program.h"
#include "support/local_port.h"

namespace forage::test {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kReadyTimeout = 10s;
constexpr int kPortAttempts = 5;

// tinyproxy logs this (LogLevel Info) once its socket listens, and
// `-d` prints the second to stderr before exiting 71 when the bind fails.
constexpr std::string_view kTinyproxyListening = "Starting main loop. Accepting connections.";
constexpr std::string_view kTinyproxyPortTaken = "Could not create listening sockets";
// microsocks prints this to stderr before exiting 1 when the bind fails.
constexpr std::string_view kMicrosocksPortTaken = "Address already in use";

std::string Credentials(const std::string& user, const std::string& password) {
  return user.empty() ? "" : Escape(user) + ":" + Escape(password) + "@";
}

std::chrono::milliseconds Left(Clock::time_point deadline) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
}

// Whether a SOCKS5 server answers a greeting on 127.0.0.1:port (RFC 1928:
// version 5, offering "no auth" and "username/password"; it answers version
// 5 and its choice). More than Accepting(): whatever took the port, had
// microsocks failed to bind it, would not speak SOCKS5.
bool SocksGreets(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  timeval tv{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const unsigned char greeting[] = {5, 2, 0, 2};
  unsigned char reply[2] = {0, 0};
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
            ::send(fd, greeting, sizeof greeting, MSG_NOSIGNAL) == sizeof greeting &&
            ::recv(fd, reply, sizeof reply, MSG_WAITALL) == sizeof reply && reply[0] == 5;
  ::close(fd);
  return ok;
}

}  // namespace

std::string TinyproxyPath() { return FindProgram("tinyproxy", "FORAGE_TINYPROXY"); }
std::string MicrosocksPath() { return FindProgram("microsocks", "FORAGE_MICROSOCKS"); }
bool TinyproxyAvailable() { return IsExecutable(TinyproxyPath()); }
bool MicrosocksAvailable() { return IsExecutable(MicrosocksPath()); }

// --- HttpProxy ---

HttpProxy::HttpProxy(HttpProxyOptions options)
    : options_(std::move(options)), dir_(std::make_unique<TempDir>()) {}

std::unique_ptr<HttpProxy> HttpProxy::Start(HttpProxyOptions options) {
  std::unique_ptr<HttpProxy> proxy(new HttpProxy(std::move(options)));
  // tinyproxy takes its port from the config file only, so the kernel picks
  // one for a socket of ours; another process may bind it first, and then
  // the next port is tried.
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    proxy->port_ = UnusedLocalPort();
    if (proxy->Launch()) return proxy;
  }
  proxy->Fail("every port tried was taken");
}

HttpProxy::~HttpProxy() { process_.reset(); }  // SIGKILL and reap, before the directory goes

std::string HttpProxy::Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string HttpProxy::UrlWithCredentials() const {
  return "http://" + Credentials(options_.user, options_.password) +
         "127.0.0.1:" + std::to_string(port_);
}

std::string HttpProxy::log() const {
  return ReadFile(dir_->path() + "/tinyproxy.log") + (process_ ? process_->err() : "");
}

void HttpProxy::Fail(const std::string& what) const {
  throw std::runtime_error("tinyproxy on port " + std::to_string(port_) + ": " + what +
                           "\n--- its log and stderr ---\n" + log());
}

std::vector<std::string> HttpProxy::Requests() const {
  // Lines like
  // CONNECT   Dec 05 17:56:44.803 [20572]: Request (file descriptor 5): GET http://... HTTP/1.1
  // (CONNECT there is the log level tinyproxy files requests under).
  constexpr std::string_view kMarker = "]: Request (file descriptor ";
  std::vector<std::string> requests;
  std::istringstream in(ReadFile(dir_->path() + "/tinyproxy.log"));
  std::string line;
  while (std::getline(in, line)) {
    std::size_t at = line.find(kMarker);
    if (at == std::string::npos) continue;
    std::size_t colon = line.find("): ", at + kMarker.size());
    if (colon != std::string::npos) requests.push_back(line.substr(colon + 3));
  }
  return requests;
}

bool HttpProxy::Launch() {
  const std::string log_path = dir_->path() + "/tinyproxy.log";
  std::string config = "Port " + std::to_string(port_) +
                       "\n"
                       "Listen 127.0.0.1\n"
                       "Allow 127.0.0.1\n"
                       "LogFile \"" +
                       log_path +
                       "\"\n"
                       "LogLevel Info\n"
                       "DisableViaHeader No\n"
                       "Timeout 60\n"
                       "MaxClients 100\n";
  if (!options_.user.empty()) {
    config += "BasicAuth " + options_.user + " " + options_.password + "\n";
  }
  for (int port : options_.connect_ports) config += "ConnectPort " + std::to_string(port) + "\n";
  const std::string config_path = dir_->Write("tinyproxy.conf", config);
  // A fresh log per attempt: its "listening" line must be this run's.
  std::remove(log_path.c_str());
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{TinyproxyPath(), "-d", "-c", config_path});
  // Ready once this run logged that it listens and a connection is
  // accepted; the log line says the socket is tinyproxy's own.
  const auto deadline = Clock::now() + kReadyTimeout;
  for (;;) {
    if (ReadFile(log_path).find(kTinyproxyListening) != std::string::npos) {
      if (WaitAccepting(port_, *process_, std::max(Left(deadline), 0ms))) return true;
    }
    if (process_->Wait(std::max(std::min(Left(deadline), 20ms), 0ms))) {
      if (process_->err().find(kTinyproxyPortTaken) != std::string::npos) {
        process_.reset();
        return false;
      }
      Fail("exited before it listened");
    }
    if (Left(deadline) <= 0ms) Fail("not listening after 10 s");
  }
}

// --- SocksProxy ---

std::unique_ptr<SocksProxy> SocksProxy::Start(SocksProxyOptions options) {
  std::unique_ptr<SocksProxy> proxy(new SocksProxy(std::move(options)));
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    proxy->port_ = UnusedLocalPort();
    if (proxy->Launch()) return proxy;
  }
  proxy->Fail("every port tried was taken");
}

SocksProxy::~SocksProxy() { process_.reset(); }

std::string SocksProxy::Url(const std::string& scheme) const {
  return scheme + "://127.0.0.1:" + std::to_string(port_);
}

std::string SocksProxy::UrlWithCredentials(const std::string& scheme) const {
  return scheme + "://" + Credentials(options_.user, options_.password) +
         "127.0.0.1:" + std::to_string(port_);
}

const std::string& SocksProxy::log() {
  static const std::string kNone;
  if (!process_) return kNone;
  process_->Wait(0ms);  // reads what it printed, without waiting
  return process_->err();
}

void SocksProxy::Fail(const std::string& what) {
  std::string err = process_ ? log() : "";
  throw std::runtime_error("microsocks on port " + std::to_string(port_) + ": " + what +
                           "\n--- its stderr ---\n" + err);
}

std::vector<std::string> SocksProxy::Connections() {
  // "client[5] 127.0.0.1: connected to 127.0.0.1:4711", one per connection.
  constexpr std::string_view kMarker = ": connected to ";
  std::vector<std::string> targets;
  std::istringstream in(log());
  std::string line;
  while (std::getline(in, line)) {
    std::size_t at = line.find(kMarker);
    if (at != std::string::npos) targets.push_back(line.substr(at + kMarker.size()));
  }
  return targets;
}

bool SocksProxy::Launch() {
  std::vector<std::string> argv{MicrosocksPath(), "-i", "127.0.0.1", "-p", std::to_string(port_)};
  if (!options_.user.empty()) {
    argv.insert(argv.end(), {"-u", options_.user, "-P", options_.password});
  }
  if (!options_.bind_address.empty()) argv.insert(argv.end(), {"-b", options_.bind_address});
  process_ = std::make_unique<ChildProcess>(argv);
  const auto deadline = Clock::now() + kReadyTimeout;
  for (;;) {
    if (SocksGreets(port_)) return true;
    if (process_->Wait(std::max(std::min(Left(deadline), 20ms), 0ms))) {
      if (process_->err().find(kMicrosocksPortTaken) != std::string::npos) {
        process_.reset();
        return false;
      }
      Fail("exited before it listened");
    }
    if (Left(deadline) <= 0ms) Fail("not answering after 10 s");
  }
}

}  // namespace forage::test
