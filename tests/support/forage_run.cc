#include "support/forage_run.h"

#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace forage::test {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/forage-test-XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::Write(const std::string& name, const std::string& content) const {
  std::string full = path_ + "/" + name;
  std::ofstream(full, std::ios::binary) << content;
  return full;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool AwaitDoorbell(int doorbell) {
  pollfd p{doorbell, POLLIN, 0};
  ::poll(&p, 1, 1000);
  char buf[64];
  ssize_t n;
  while ((n = ::read(doorbell, buf, sizeof buf)) > 0) {
  }
  return n == 0;
}

std::string Escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

TestServer::TestServer(const std::vector<std::string>& flags) {
  std::vector<std::string> argv{TEST_SERVER_BIN};
  argv.insert(argv.end(), flags.begin(), flags.end());
  if (std::find(flags.begin(), flags.end(), "--tls") != flags.end()) scheme_ = "https";
  process_ = std::make_unique<ChildProcess>(argv);
  std::optional<std::string> line = WaitFor("PORT ", 10s);
  if (!line) throw std::runtime_error("test server never printed its port: " + process_->err());
  port_ = std::stoi(line->substr(5));
}

std::string TestServer::Url(const std::string& path) const {
  return scheme_ + "://127.0.0.1:" + std::to_string(port_) + path;
}

std::string TestServer::HostUrl(const std::string& host, const std::string& path) const {
  return scheme_ + "://" + host + ":" + std::to_string(port_) + path;
}

std::vector<std::string> TestServer::Resolve(const std::vector<std::string>& hosts) const {
  std::vector<std::string> flags;
  for (const std::string& host : hosts) {
    flags.push_back("--resolve");
    flags.push_back(host + ":" + std::to_string(port_) + ":127.0.0.1");
  }
  return flags;
}

nlohmann::json TestServer::Stats() { return Query("stats\n", "STATS "); }

nlohmann::json TestServer::Requests() { return Query("requests\n", "REQUESTS "); }

nlohmann::json TestServer::Query(const std::string& command, const std::string& prefix) {
  process_->WriteStdin(command);
  // Lines printed before the answer (HELD, GOT, ...) belong to whoever
  // waits for them later: keep them, in order.
  while (std::optional<std::string> line = process_->ReadLine(10s)) {
    if (line->rfind(prefix, 0) == 0) return nlohmann::json::parse(line->substr(prefix.size()));
    pending_.push_back(std::move(*line));
  }
  throw std::runtime_error("test server never answered \"" + command.substr(0, command.size() - 1) +
                           "\": " + process_->err());
}

std::optional<std::string> TestServer::NextLine(ChildProcess::Duration timeout) {
  if (!pending_.empty()) {
    std::string line = std::move(pending_.front());
    pending_.pop_front();
    return line;
  }
  return process_->ReadLine(timeout);
}

std::optional<std::string> TestServer::WaitFor(const std::string& prefix,
                                               ChildProcess::Duration timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    std::optional<std::string> line = NextLine(left);
    if (!line) return std::nullopt;
    if (line->rfind(prefix, 0) == 0) return line;
  }
}

std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

void TestServer::Release() { process_->WriteStdin("release\n"); }
void TestServer::Send(const std::string& command) { process_->WriteStdin(command); }

std::vector<std::string> TestServer::LinesSoFar() {
  process_->WriteStdin("mark\n");
  std::vector<std::string> lines;
  while (std::optional<std::string> line = NextLine(10s)) {
    if (*line == "MARK") return lines;
    lines.push_back(*line);
  }
  throw std::runtime_error("test server never answered the marker");
}

FaultServer::FaultServer(const std::vector<std::string>& flags) {
  std::vector<std::string> argv{FAULT_SERVER_BIN};
  argv.insert(argv.end(), flags.begin(), flags.end());
  process_ = std::make_unique<ChildProcess>(argv);
  for (;;) {
    std::optional<std::string> line = process_->ReadLine(10s);
    if (!line) throw std::runtime_error("fault server never printed its port: " + process_->err());
    if (line->rfind("PORT ", 0) == 0) {
      port_ = std::stoi(line->substr(5));
      return;
    }
  }
}

std::string FaultServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<std::string> FaultServer::LinesSoFar() {
  process_->WriteStdin("mark\n");
  std::vector<std::string> lines;
  while (std::optional<std::string> line = process_->ReadLine(10s)) {
    if (*line == "MARK") return lines;
    lines.push_back(*line);
  }
  throw std::runtime_error("fault server never answered the marker");
}

std::map<std::string, nlohmann::json> ForageRun::ByUrl() const {
  std::map<std::string, nlohmann::json> out;
  for (const auto& r : records) {
    std::string url = r.at("url");
    INFO("duplicate record for " << url);
    CHECK(out.count(url) == 0);
    out[url] = r;
  }
  return out;
}

std::vector<std::string> Args(std::vector<std::string> a, const std::vector<std::string>& more) {
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

std::vector<std::string> ForageCommand(const std::vector<std::string>& args) {
  std::vector<std::string> argv{FORAGE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

std::vector<nlohmann::json> ParseRecords(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    INFO("record line: " << line);
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
    out.push_back(std::move(j));
  }
  return out;
}

ForageRun RunForage(const std::vector<std::string>& args, const std::string& stdin_text,
                    ChildProcess::Duration timeout) {
  ChildProcess child(ForageCommand(args));
  child.WriteStdin(stdin_text);
  child.CloseStdin();
  ForageRun run;
  run.exit_code = child.Wait(timeout);
  run.records = ParseRecords(child.out());
  run.err = child.err();
  return run;
}

}  // namespace forage::test
