// A disk that fills up under the output. Each test mounts a small tmpfs in a
// mount namespace of its own (unshare --user --map-root-user --mount: no
// privileges needed, nothing outside the test sees it) and runs the real
// forage there until the file system is full.
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/forage_run.h"

namespace forage::test {
namespace {

using nlohmann::json;

constexpr int kUrls = 200;  // some 60 KB of records: four times the file system

struct FullDiskRun {
  std::optional<int> exit_code;  // of forage
  std::string output;            // the output file as forage left it
  std::string listing;           // `ls -a` of the file system afterwards
  std::string err;               // forage's standard error
};

// Runs forage with `args` on a 16 KiB tmpfs mounted at a fresh directory,
// which already holds out.jsonl with one line of an earlier run. `redirect`:
// records go to standard output, redirected to that file by the shell (so
// written in place); else forage writes the file itself (-o).
FullDiskRun RunOnFullDisk(const std::vector<std::string>& args, bool redirect) {
  TempDir dir;
  const std::string mount = dir.path() + "/fs";
  // $1: the mount point; the rest: the forage command. Prints the exit
  // status, then the output file, then the listing, between markers.
  const std::string script =
      "set -u; m=$1; shift; mkdir -p \"$m\" && mount -t tmpfs -o size=16k tmpfs \"$m\" || exit 97\n"
      "printf '{\"earlier\":true}\\n' > \"$m/out.jsonl\"\n" +
      std::string(redirect ? "\"$@\" > \"$m/out.jsonl\"\n" : "\"$@\" -o \"$m/out.jsonl\"\n") +
      "echo \"EXIT $?\"; echo '-- output'; cat \"$m/out.jsonl\"; echo '-- listing'; ls -a \"$m\"\n";
  std::vector<std::string> argv = {"/usr/bin/unshare", "--user", "--map-root-user", "--mount"};
  for (std::string a :
       {std::string("/bin/sh"), std::string("-c"), script, std::string("sh"), mount}) {
    argv.push_back(std::move(a));
  }
  for (std::string& a : ForageCommand(args)) argv.push_back(std::move(a));
  ChildProcess child(argv);
  child.CloseStdin();
  REQUIRE(child.Wait(60s) == 0);
  const std::string& out = child.out();
  INFO("stdout: " << out << "\nstderr: " << child.err());
  REQUIRE(out.rfind("EXIT ", 0) == 0);
  const std::size_t output_at = out.find("\n-- output\n");
  const std::size_t listing_at = out.find("-- listing\n");
  REQUIRE(output_at != std::string::npos);
  REQUIRE(listing_at != std::string::npos);
  FullDiskRun run;
  run.exit_code = std::stoi(out.substr(5, output_at - 5));
  run.output = out.substr(output_at + 11, listing_at - (output_at + 11));
  run.listing = out.substr(listing_at + 11);
  run.err = child.err();
  return run;
}

std::vector<std::string> PageArgs(const TestServer& server) {
  std::vector<std::string> args = {"-j", "2", "--no-robots"};
  for (int i = 0; i < kUrls; ++i) {
    args.push_back("--url");
    args.push_back(server.Url("/page/" + std::to_string(i)));
  }
  return args;
}

TEST_CASE("A full disk under redirected output leaves only whole records", "[disk][integration]") {
  TestServer server;
  FullDiskRun run = RunOnFullDisk(PageArgs(server), /*redirect=*/true);
  CHECK(run.exit_code == 1);
  CHECK(run.err.find("standard output: write: No space left on device") != std::string::npos);
  // Every line that made it is a whole record (ParseRecords fails the test
  // on any other), and the file ends with a newline: no torn record.
  std::vector<json> records = ParseRecords(run.output);
  CHECK(records.size() > 10);
  CHECK(records.size() < static_cast<std::size_t>(kUrls));
  REQUIRE_FALSE(run.output.empty());
  CHECK(run.output.back() == '\n');
  for (const json& r : records) CHECK(r["ok"] == true);
}

TEST_CASE("A full disk under -o leaves the earlier output in place and no temporary file",
          "[disk][integration]") {
  TestServer server;
  FullDiskRun run = RunOnFullDisk(PageArgs(server), /*redirect=*/false);
  CHECK(run.exit_code == 1);
  CHECK(run.err.find("No space left on device") != std::string::npos);
  CHECK(run.err.find("out.jsonl is left as it was") != std::string::npos);
  CHECK(run.output == "{\"earlier\":true}\n");
  CHECK(run.listing == ".\n..\nout.jsonl\n");
}

TEST_CASE("A full disk under the URLs waiting on disk: exit 4, every URL admitted recorded",
          "[disk][spill][integration]") {
  TestServer server;
  TempDir dir;
  const std::string mount = dir.path() + "/fs";
  const std::string stats = dir.path() + "/stats.json";
  // 3000 links, all but one past --queue-in-memory: some 170 KB to the
  // temporary file, whose first 64 KiB write fills the 16 KiB file system.
  const std::string script =
      "set -u; m=$1; shift; mkdir -p \"$m\" && mount -t tmpfs -o size=16k tmpfs \"$m\" || exit 97\n"
      "TMPDIR=$m exec \"$@\"\n";
  std::vector<std::string> argv = {"/usr/bin/unshare", "--user",  "--map-root-user",
                                   "--mount",          "/bin/sh", "-c",
                                   script,             "sh",      mount};
  for (std::string& a :
       ForageCommand({"-j", "1", "-d", "1", "--no-robots", "--queue-in-memory", "1", "--stats",
                      stats, "--url", server.Url("/manylinks?n=3000")})) {
    argv.push_back(std::move(a));
  }
  ChildProcess forage(argv);
  forage.CloseStdin();
  REQUIRE(forage.Wait(60s) == 4);
  INFO(forage.err());
  CHECK(forage.err().find("No space left on device") != std::string::npos);
  std::vector<json> records = ParseRecords(forage.out());
  std::set<std::string> urls;
  for (const json& r : records) CHECK(urls.insert(r["url"].get<std::string>()).second);
  CHECK(records.size() == 3001);
  for (int i = 0; i < 3000; ++i) CHECK(urls.count(server.Url("/page/" + std::to_string(i))) == 1);
  int interrupted = 0;
  for (const json& r : records) {
    if (r["url"] == server.Url("/manylinks?n=3000")) {
      CHECK(r["ok"] == true);
      continue;
    }
    CHECK(r["error"]["kind"] == "interrupted");
    ++interrupted;
  }
  CHECK(interrupted == 3000);
  json s = json::parse(ReadFile(stats));
  CHECK(s["records"] == 3001);
  CHECK(s["by_error"]["interrupted"] == 3000);
  CHECK(s["error"].get<std::string>().find("No space left on device") != std::string::npos);
}

}  // namespace
}  // namespace forage::test
