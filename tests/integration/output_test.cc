// Extraction and outputs through the real binary: --select, --text, the
// csv/sqlite/jsonl sinks, a failing sink, --stats, --config and the progress
// line on a terminal.

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "support/forage_run.h"
#include "support/raw_sqlite.h"

namespace forage::test {
namespace {

using nlohmann::json;

TEST_CASE("Select rules fill fields with texts and attribute values", "[output][integration]") {
  TestServer server;
  ForageRun run = RunForage({"--url", server.Url("/site/"), "--url", server.Url("/status/404"),
                             "--select", "title=title", "--select", "hrefs=a[href$=\".html\"]@href",
                             "--select", "none=table.missing"});
  CHECK(run.exit_code == 1);
  auto by = run.ByUrl();
  const json& page = by[server.Url("/site/")];
  CHECK(page["fields"]["title"] == json::array({"index"}));
  // Attribute values as written ("./b.html#frag" does not end in ".html").
  CHECK(page["fields"]["hrefs"] == json::array({"a.html", "sub/c.html", "/site/a.html",
                                                server.Url("/site/b.html"), "missing.html"}));
  CHECK(page["fields"]["none"] == json::array());
  // Every record names every field, parsed or not.
  CHECK(by[server.Url("/status/404")]["fields"] ==
        json({{"hrefs", json::array()}, {"none", json::array()}, {"title", json::array()}}));
}

TEST_CASE("A bad selector stops forage before it starts", "[output][integration]") {
  ForageRun run = RunForage({"--select", "x=div >", "--url", "http://127.0.0.1:1/"});
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("bad selector") != std::string::npos);
  CHECK(run.records.empty());
}

TEST_CASE("The text option adds the visible text, cut at --max-text", "[output][integration]") {
  TestServer server;
  ForageRun run = RunForage({"--text", "--url", server.Url("/page/3")});
  REQUIRE(run.records.size() == 1);
  std::string text = run.records[0]["text"];
  CHECK(text.find("Page 3") != std::string::npos);
  CHECK(text.find("Some text & more.") != std::string::npos);
  CHECK(text.find("About page") == std::string::npos);  // <meta> is not visible
  ForageRun cut = RunForage({"--text", "--max-text", "4", "--url", server.Url("/page/3")});
  CHECK(cut.records[0]["text"] == "Page");
  ForageRun without = RunForage({"--url", server.Url("/page/3")});
  CHECK_FALSE(without.records[0].contains("text"));
}

TEST_CASE("CSV output has a header and one row per record", "[output][integration]") {
  TestServer server;
  TempDir dir;
  std::string out = dir.path() + "/records.csv";
  ForageRun run = RunForage({"-o", out, "--url", server.Url("/page/1"), "--url",
                             server.Url("/status/500"), "--retries", "0"});
  CHECK(run.exit_code == 1);
  std::string csv = ReadFile(out);
  CHECK(csv.rfind("url,final_url,ok,status,", 0) == 0);
  int rows = 0;
  for (std::size_t i = 0; (i = csv.find("\r\n", i)) != std::string::npos; i += 2) ++rows;
  CHECK(rows == 3);  // header + 2 (no cell here holds a newline)
  CHECK(csv.find(server.Url("/status/500")) != std::string::npos);
}

TEST_CASE("CSV cells from a hostile URL list cannot run as spreadsheet formulas",
          "[output][integration]") {
  TempDir dir;
  std::string out = dir.path() + "/records.csv";
  const std::string list = dir.Write(
      "list.txt", "=HYPERLINK(\"http://evil.test/\",\"click\")\n@SUM(1+1)*cmd|' /C calc'!A0\n");
  ForageRun run = RunForage({"-o", out, list});
  CHECK(run.exit_code == 1);  // two invalid_url records
  std::string csv = ReadFile(out);
  CHECK(csv.find("\r\n\"'=HYPERLINK(\"\"http://evil.test/\"\",\"\"click\"\")\",") !=
        std::string::npos);
  CHECK(csv.find("\r\n\"'@SUM(1+1)*cmd|' /C calc'!A0\",") != std::string::npos);
  for (std::size_t i = 0; (i = csv.find("\r\n", i)) != std::string::npos; i += 2) {
    if (i + 2 < csv.size()) CHECK(std::string("=+-@").find(csv[i + 2]) == std::string::npos);
  }
}

TEST_CASE("Log lines show control characters from the input escaped", "[output][integration]") {
  TempDir dir;
  // A line with an ESC sequence (clear screen) and a forged log line, listed
  // twice so that the debug log quotes it back.
  const std::string evil = "http://127.0.0.1:1/\x1b[2J\rforage: error: forged";
  const std::string list = dir.Write("list.txt", evil + "\n" + evil + "\n");
  ForageRun run = RunForage({"--log-level", "debug", "--retries", "0", "--no-robots", list});
  CHECK(run.err.find("\\x1b[2J\\x0dforage: error: forged is listed again") != std::string::npos);
  CHECK(run.err.find('\x1b') == std::string::npos);
  CHECK(run.err.find('\r') == std::string::npos);
}

TEST_CASE("SQLite output has a pages table with a row per record", "[output][integration]") {
  TestServer server;
  TempDir dir;
  std::string db_path = dir.path() + "/records.sqlite";
  std::vector<std::string> args = {"-o", db_path, "--select", "h=h1"};
  for (int i = 0; i < 30; ++i) {
    args.push_back("--url");
    args.push_back(server.Url("/page/" + std::to_string(i)));
  }
  ForageRun run = RunForage(args);
  CHECK(run.exit_code == 0);
  test::Db db = test::OpenRaw(db_path, SQLITE_OPEN_READONLY);
  test::Stmt st = test::Prepare(db.get(), "SELECT count(*), sum(ok), min(fields) FROM pages");
  SqliteRun row(st.get());
  REQUIRE(row.Step() == SQLITE_ROW);
  CHECK(row.IntAt(0) == 30);
  CHECK(row.IntAt(1) == 30);
  json fields = json::parse(row.TextAt(2));
  CHECK(fields["h"].size() == 1);
}

TEST_CASE("A sink that fails stops the run with a message and status 1", "[output][integration]") {
  TestServer server;
  ForageRun run = RunForage({"-o", "/dev/full", "--url", server.Url("/page/1")});
  CHECK(run.exit_code == 1);
  CHECK(run.err.find("No space left on device") != std::string::npos);
}

TEST_CASE("The stats file holds the run's counts as JSON", "[output][integration]") {
  TestServer server;
  TempDir dir;
  std::string stats_path = dir.path() + "/stats.json";
  ForageRun run = RunForage({"-j", "2", "--stats", stats_path, "--retries", "1", "--retry-wait",
                             "0.01", "--url", server.Url("/page/1"), "--url", server.Url("/page/2"),
                             "--url", server.Url("/status/503"), "--url", "ftp://x/"});
  CHECK(run.exit_code == 1);
  json stats = json::parse(ReadFile(stats_path));
  CHECK(stats["records"] == 4);
  CHECK(stats["ok"] == 2);
  CHECK(stats["failed"] == 2);
  CHECK(stats["by_status"]["200"] == 2);
  CHECK(stats["by_status"]["503"] == 1);
  CHECK(stats["by_error"]["http"] == 1);
  CHECK(stats["by_error"]["unsupported_scheme"] == 1);
  CHECK(stats["retries"] == 1);
  CHECK(stats["results_per_fetcher"].size() == 2);
  CHECK(stats["bytes"].get<int>() > 0);
  CHECK(stats["fetcher_restarts"] == 0);
  CHECK(stats["truncated"] == 0);
  CHECK(stats["error"].is_null());
}

TEST_CASE("An earlier run's stats file never outlives a run that fails", "[output][integration]") {
  TestServer server;
  TempDir dir;
  const std::string stats_path = dir.Write("stats.json", "{\"records\":999}\n");
  // Exit 2 after the options were read (a missing input file): no stats.
  ForageRun usage = RunForage({"--stats", stats_path, dir.path() + "/missing.txt"});
  CHECK(usage.exit_code == 2);
  CHECK(ReadFile(stats_path).empty());
  CHECK(ListDir(dir.path()).empty());
  // Exit 4 (no temporary file for the URLs waiting beyond
  // --queue-in-memory): the stats of what was recorded, and why it stopped.
  std::vector<std::string> argv = {"/usr/bin/env", "TMPDIR=" + dir.path() + "/missing"};
  for (std::string& a :
       ForageCommand({"-j", "1", "-d", "1", "--no-robots", "--queue-in-memory", "1", "--stats",
                      stats_path, "--url", server.Url("/manylinks?n=20")})) {
    argv.push_back(std::move(a));
  }
  ChildProcess fatal(argv);
  fatal.CloseStdin();
  REQUIRE(fatal.Wait(60s) == 4);
  json stats = json::parse(ReadFile(stats_path));
  CHECK(stats["records"] == ParseRecords(fatal.out()).size());
  CHECK(stats["error"].get<std::string>().find("holding queued URLs") != std::string::npos);
}

TEST_CASE("A config file supplies options and fields", "[output][integration]") {
  TestServer server;
  TempDir dir;
  std::string config = dir.Write("forage.toml", "retries = 0\n[select]\nheading = \"h1\"\n");
  ForageRun run = RunForage({"--config", config, "--url", server.Url("/page/5")});
  REQUIRE(run.records.size() == 1);
  CHECK(run.records[0]["fields"]["heading"] == json::array({"Page 5"}));
}

// Runs forage with stderr on a pseudo-terminal and returns what the
// terminal showed, read until forage exits.
std::string RunOnTerminal(const std::vector<std::string>& args) {
  int master = -1, slave = -1;
  REQUIRE(::openpty(&master, &slave, nullptr, nullptr, nullptr) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int devnull = ::open("/dev/null", O_RDWR);
    ::dup2(devnull, 0);
    ::dup2(devnull, 1);
    ::dup2(slave, 2);
    std::vector<std::string> argv = ForageCommand(args);
    std::vector<char*> raw;
    for (std::string& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    ::execv(raw[0], raw.data());
    ::_exit(127);
  }
  ::close(slave);
  std::string screen;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  for (;;) {
    pollfd p{master, POLLIN, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[4096];
    ssize_t n = ::read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO once forage, the last holder of the terminal, is gone
    screen.append(buf, static_cast<std::size_t>(n));
  }
  ::close(master);
  int status = 0;
  ::kill(pid, SIGKILL);  // no-op when it has exited, a bound when it has not
  ::waitpid(pid, &status, 0);
  return screen;
}

TEST_CASE("The progress line is drawn on a terminal and not elsewhere", "[output][integration]") {
  TestServer server;
  std::vector<std::string> args = {"-j", "1", "-c", "1", "--delay", "0.3", "--no-robots"};
  for (int i = 0; i < 4; ++i) {
    args.push_back("--url");
    args.push_back(server.Url("/page/" + std::to_string(i)));
  }
  std::string screen = RunOnTerminal(args);
  CHECK(screen.find("\r\033[K") != std::string::npos);
  CHECK(screen.find(" done, ") != std::string::npos);
  CHECK(screen.find("pages/s") != std::string::npos);
  CHECK(screen.find("4 URL(s): 4 ok") != std::string::npos);  // the summary, below it
  // --no-progress on a terminal, and no terminal at all: no progress line.
  args.push_back("--no-progress");
  CHECK(RunOnTerminal(args).find(" done, ") == std::string::npos);
  args.pop_back();
  ForageRun piped = RunForage(args);
  CHECK(piped.err.find(" done, ") == std::string::npos);
  args.push_back("--progress");  // forced, even without a terminal
  CHECK(RunForage(args).err.find(" done, ") != std::string::npos);
}

}  // namespace
}  // namespace forage::test
