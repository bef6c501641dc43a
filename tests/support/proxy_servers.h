#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/child_process.h"
#include "support/forage_run.h"

namespace forage::test {

// The proxies that tests run: $FORAGE_TINYPROXY / $FORAGE_MICROSOCKS when
// set, else `tinyproxy` / `microsocks` on $PATH (or in /usr/sbin); "" when
// there is none. Catch2 2 has no SKIP: a test that needs one WARNs and
// returns when the matching *Available() is false.
// In a test: skips it, with a warning, when a Debian program it starts
// (tinyproxy, microsocks) is not installed.
#define REQUIRE_PROGRAM(available, name)          \
  if (!(available)) {                             \
    WARN(name " is not installed: test skipped"); \
    return;                                       \
  }

std::string TinyproxyPath();
std::string MicrosocksPath();
bool TinyproxyAvailable();
bool MicrosocksAvailable();

struct HttpProxyOptions {
  // Both set: tinyproxy demands them (BasicAuth): it answers 407 with
  // Proxy-Authenticate without a Proxy-Authorization header, but 401 with
  // WWW-Authenticate (as if from the origin) to wrong credentials.
  std::string user = {}, password = {};
  // The ports CONNECT may reach (ConnectPort lines); empty: any port.
  std::vector<int> connect_ports = {};
};

// A private tinyproxy (an HTTP forward proxy, and CONNECT for HTTPS) on
// 127.0.0.1 at a port of its own, serving clients on 127.0.0.1 only, with
// a Via header on what it forwards ("Via: 1.1 <host> (tinyproxy/1.11.1)")
// and its log (LogLevel Info) in a fresh temporary directory. Start returns
// once it listens; the destructor kills (SIGKILL) and reaps it and removes
// the directory. Fixture failures throw std::runtime_error with its log and
// stderr. One thread. Requires TinyproxyAvailable().
class HttpProxy {
 public:
  // Waits up to 10 s for it to listen; a port someone took meanwhile is
  // tried again with another, a few times.
  static std::unique_ptr<HttpProxy> Start(HttpProxyOptions options = {});
  ~HttpProxy();
  HttpProxy(const HttpProxy&) = delete;
  HttpProxy& operator=(const HttpProxy&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:PORT", and with the options' credentials
  // "http://USER:PASSWORD@127.0.0.1:PORT" (percent-encoded).
  std::string Url() const;
  std::string UrlWithCredentials() const;
  // The request lines it received, oldest first, e.g.
  // "GET http://127.0.0.1:4711/page/1 HTTP/1.1" or
  // "CONNECT 127.0.0.1:4711 HTTP/1.1": one per request it read, whatever
  // became of it (407, refused port, ...). Complete for every request whose
  // answer the client has seen: tinyproxy logs the line on reading it.
  std::vector<std::string> Requests() const;
  // Its log file so far, then its stderr.
  std::string log() const;

 private:
  explicit HttpProxy(HttpProxyOptions options);
  // Runs it on port_ and waits until it listens: true; false if it exited
  // because the port was taken; throws for any other failure.
  bool Launch();
  [[noreturn]] void Fail(const std::string& what) const;

  HttpProxyOptions options_;
  std::unique_ptr<TempDir> dir_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

struct SocksProxyOptions {
  // Both set: microsocks demands them (SOCKS5 username/password auth).
  std::string user = {}, password = {};
  // Its outgoing connections come from this address (-b), e.g. "127.0.0.2":
  // on Linux all of 127.0.0.0/8 is loopback, so a server on 127.0.0.1 sees
  // that peer for every request the proxy carried. Empty: the default.
  std::string bind_address = {};
};

// A private microsocks (a SOCKS5 proxy) on 127.0.0.1 at a port of its own.
// Start returns once it answers a SOCKS5 greeting; the destructor kills
// (SIGKILL) and reaps it. Fixture failures throw std::runtime_error with its
// stderr. One thread. Requires MicrosocksAvailable().
class SocksProxy {
 public:
  static std::unique_ptr<SocksProxy> Start(SocksProxyOptions options = {});
  ~SocksProxy();
  SocksProxy(const SocksProxy&) = delete;
  SocksProxy& operator=(const SocksProxy&) = delete;

  int port() const { return port_; }
  // "SCHEME://127.0.0.1:PORT": socks5h (the proxy resolves host names; it
  // knows nothing of a client's --resolve) or socks5 (the client does).
  std::string Url(const std::string& scheme = "socks5h") const;
  // The same with "USER:PASSWORD@" (percent-encoded).
  std::string UrlWithCredentials(const std::string& scheme = "socks5h") const;
  // "HOST:PORT" of each connection it made for a client, oldest first, as
  // the client named the host. Complete for every connection whose first
  // answer the client has seen: microsocks logs before it replies.
  std::vector<std::string> Connections();
  // What it printed so far (its stderr).
  const std::string& log();

 private:
  explicit SocksProxy(SocksProxyOptions options) : options_(std::move(options)) {}
  bool Launch();
  [[noreturn]] void Fail(const std::string& what);

  SocksProxyOptions options_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace forage::test
