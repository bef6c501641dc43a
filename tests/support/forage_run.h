#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/child_process.h"

namespace forage::test {

using namespace std::chrono_literals;

// A directory under $TMPDIR (or /tmp) removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  // Writes `content` to path()/name and returns the full path.
  std::string Write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

// The names in directory `dir`, sorted.
std::vector<std::string> ListDir(const std::string& dir);

// The whole contents of the file at `path` ("" if it cannot be read).
std::string ReadFile(const std::string& path);

// For a probe fetcher in a test: waits up to a second for its (non-blocking)
// doorbell and empties it; true once the master has closed it.
bool AwaitDoorbell(int doorbell);

// `s` percent-encoded for use as a query value (all but A-Z a-z 0-9 - . _ ~).
std::string Escape(const std::string& s);

// forage_test_server on 127.0.0.1, started and waited for (its "PORT" line).
// With "--tls" among the flags (TlsServerFlags in support/test_certs.h) it
// speaks HTTPS, and scheme() and the URLs below say so.
class TestServer {
 public:
  explicit TestServer(const std::vector<std::string>& flags = {});
  // "http://127.0.0.1:PORT" + path ("https://..." under --tls).
  std::string Url(const std::string& path) const;
  int port() const { return port_; }
  // "http" or "https".
  const std::string& scheme() const { return scheme_; }
  // "SCHEME://HOST:PORT" + path, for a host name that --resolve maps here.
  std::string HostUrl(const std::string& host, const std::string& path) const;
  // The --resolve flags that send `hosts` to this server.
  std::vector<std::string> Resolve(const std::vector<std::string>& hosts) const;
  // /_stats, parsed: per-host request counts, concurrency and start times.
  // Asked on the server's stdin, not over HTTP(S), so it needs no
  // certificates and adds no connection.
  nlohmann::json Stats();
  // /_requests, parsed (asked the same way): {"requests": [{"host", "path",
  // "peer", "tls", "headers": {lower-case name: [values]}}, ...]}, oldest
  // first, every request the server routed before this call.
  nlohmann::json Requests();
  // The next stdout line starting with `prefix`, or nullopt after `timeout`.
  std::optional<std::string> WaitFor(const std::string& prefix, ChildProcess::Duration timeout);
  // Answers every held request, and all later ones, at once.
  void Release();
  // Writes `command` (a line, with its newline) to the server's stdin.
  void Send(const std::string& command);
  // The stdout lines printed so far and not yet read (say, "GOT" lines of
  // requests already answered), found by asking the server for a marker.
  std::vector<std::string> LinesSoFar();

 private:
  // The next stdout line: one a query passed over first, else a new one.
  std::optional<std::string> NextLine(ChildProcess::Duration timeout);
  // Writes `command` and returns the JSON on the line starting with `prefix`
  // that answers it; lines before that are kept for NextLine.
  nlohmann::json Query(const std::string& command, const std::string& prefix);

  std::unique_ptr<ChildProcess> process_;
  int port_ = 0;
  std::string scheme_ = "http";
  std::deque<std::string> pending_;  // lines read by Query, not yet by NextLine
};

// forage_fault_server (tests/support/fault_server.cc, which lists its
// routes) on 127.0.0.1, started and waited for (its "PORT" line); killed
// when this goes.
class FaultServer {
 public:
  explicit FaultServer(const std::vector<std::string>& flags = {});
  std::string Url(const std::string& path) const;
  int port() const { return port_; }
  // The stdout lines printed so far and not yet read ("GOT <conn> <target>"
  // with --log-requests), found by asking the server for a marker.
  std::vector<std::string> LinesSoFar();

 private:
  std::unique_ptr<ChildProcess> process_;
  int port_ = 0;
};

struct ForageRun {
  std::optional<int> exit_code;  // nullopt: did not finish in time (and was killed)
  std::vector<nlohmann::json> records;
  std::string err;
  // Records keyed by their "url"; the test fails on a duplicate key.
  std::map<std::string, nlohmann::json> ByUrl() const;
};

std::vector<std::string> ForageCommand(const std::vector<std::string>& args);
// `a` followed by `more` (say, a test's flags and server.Resolve(...)).
std::vector<std::string> Args(std::vector<std::string> a, const std::vector<std::string>& more);

// Runs the real forage binary to completion (or `timeout`, then kills it)
// and parses every stdout line as JSON.
ForageRun RunForage(const std::vector<std::string>& args, const std::string& stdin_text = "",
                    ChildProcess::Duration timeout = 60s);

// Parses JSON Lines; a line that is not JSON fails the current test.
std::vector<nlohmann::json> ParseRecords(const std::string& text);

}  // namespace forage::test
