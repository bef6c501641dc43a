#pragma once

#include <chrono>
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
class TestServer {
 public:
  explicit TestServer(const std::vector<std::string>& flags = {});
  std::string Url(const std::string& path) const;
  int port() const { return port_; }
  // "http://HOST:PORT" + path, for a host name that --resolve maps here.
  std::string HostUrl(const std::string& host, const std::string& path) const;
  // The --resolve flags that send `hosts` to this server.
  std::vector<std::string> Resolve(const std::vector<std::string>& hosts) const;
  // GET /_stats, parsed: per-host request counts, concurrency and start times.
  nlohmann::json Stats();
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
  std::unique_ptr<ChildProcess> process_;
  int port_ = 0;
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

// Runs the real forage binary to completion (or `timeout`, then kills it)
// and parses every stdout line as JSON.
ForageRun RunForage(const std::vector<std::string>& args, const std::string& stdin_text = "",
                    ChildProcess::Duration timeout = 60s);

// Parses JSON Lines; a line that is not JSON fails the current test.
std::vector<nlohmann::json> ParseRecords(const std::string& text);

}  // namespace forage::test
