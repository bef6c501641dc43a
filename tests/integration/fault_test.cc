// Hostile servers, one fault a test, against the real forage binary.
//
// Each test lists the faulty URL among good pages of the same fault server
// (same host and port, so they share connections and the per-host limits),
// and checks the fault's documented error kind, that every good page still
// came back whole, that every URL got exactly one record, and the exit
// status. tests/support/fault_server.cc writes the faults byte by byte.
#include <catch2/catch.hpp>

#include "support/forage_run.h"

namespace forage::test {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// Good pages listed with every fault: /ok/0 .. /ok/kGood-1, half of them
// before the faulty URLs and half after.
constexpr int kGood = 6;

std::string OkUrl(const FaultServer& server, int n) {
  return server.Url("/ok/" + std::to_string(n));
}

// The body of /ok/N, byte for byte (see fault_server.cc's OkPage).
std::size_t OkBytes(int n) {
  const std::string body = "<!DOCTYPE html><html><head><title>ok " + std::to_string(n) +
                           "</title></head><body><p>A good page.</p><a href=\"/ok/" +
                           std::to_string(n + 1000) + "\">next</a></body></html>\n";
  return body.size();
}

struct FaultRun {
  ForageRun run;
  std::map<std::string, json> by;  // records by URL
  double seconds = 0;              // the run's wall time
};

// Runs forage over `faulty` (written to a URL list file, so URLs of any size
// fit) among the good pages, with `flags`, and checks what every fault test
// needs: one record per URL, every good page ok and whole.
FaultRun RunAmongGood(const FaultServer& server, const std::vector<std::string>& faulty,
                      const std::vector<std::string>& flags = {},
                      ChildProcess::Duration timeout = 30s) {
  TempDir dir;
  std::string list;
  for (int i = 0; i < kGood / 2; ++i) list += OkUrl(server, i) + "\n";
  for (const std::string& url : faulty) list += url + "\n";
  for (int i = kGood / 2; i < kGood; ++i) list += OkUrl(server, i) + "\n";
  std::vector<std::string> args{"-j", "1", "--no-progress"};
  args.insert(args.end(), flags.begin(), flags.end());
  args.push_back(dir.Write("urls.txt", list));
  FaultRun out;
  const Clock::time_point start = Clock::now();
  out.run = RunForage(args, "", timeout);
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  INFO("forage's stderr: " << out.run.err);
  REQUIRE(out.run.exit_code.has_value());  // it finished, and was not killed at the deadline
  CHECK(out.run.records.size() == faulty.size() + kGood);
  out.by = out.run.ByUrl();
  for (int i = 0; i < kGood; ++i) {
    const std::string url = OkUrl(server, i);
    INFO("good page " << url);
    REQUIRE(out.by.count(url) == 1);
    const json& r = out.by[url];
    CHECK(r["ok"] == true);
    CHECK(r["status"] == 200);
    CHECK(r["error"].is_null());
    CHECK(r["title"] == "ok " + std::to_string(i));
    CHECK(r["bytes"] == OkBytes(i));
    CHECK(r["links"] == json::array({OkUrl(server, i + 1000)}));
  }
  return out;
}

// The record of `url`, which must exist.
const json& RecordOf(FaultRun& f, const std::string& url) {
  INFO("no record for " << url.substr(0, 200));
  REQUIRE(f.by.count(url) == 1);
  return f.by[url];
}

bool Contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

// Requests the server logged (--log-requests) for targets starting with `prefix`.
int Requests(const std::vector<std::string>& lines, const std::string& prefix) {
  int n = 0;
  for (const std::string& line : lines) {
    std::size_t target = line.find(' ', 4);  // "GOT <conn> <target>"
    if (line.rfind("GOT ", 0) == 0 && target != std::string::npos &&
        line.compare(target + 1, prefix.size(), prefix) == 0) {
      ++n;
    }
  }
  return n;
}

TEST_CASE("A server that never answers is a timeout, and holds up nothing else",
          "[fault][integration]") {
  FaultServer server;
  const std::string url = server.Url("/never");
  FaultRun f = RunAmongGood(server, {url}, {"--timeout", "1.5", "--retries", "0"});
  CHECK(f.run.exit_code == 1);
  const json& r = RecordOf(f, url);
  CHECK(r["error"]["kind"] == "timeout");
  CHECK(r["status"].is_null());
  CHECK(r["elapsed_ms"].get<int>() >= 1400);
  CHECK(f.seconds < 10);
}

TEST_CASE("A server dripping a byte a second is a timeout", "[fault][integration]") {
  FaultServer server;
  const std::string url = server.Url("/drip?bytes=100");
  FaultRun f = RunAmongGood(server, {url}, {"--timeout", "1.5", "--retries", "0"});
  CHECK(f.run.exit_code == 1);
  const json& r = RecordOf(f, url);
  CHECK(r["error"]["kind"] == "timeout");
  CHECK(r["status"] == 200);  // the head came; the body never finished
  CHECK(r["bytes"].get<int>() < 100);
  CHECK(f.seconds < 10);
}

TEST_CASE("A reset in the middle of the body is a network error", "[fault][integration]") {
  FaultServer server;
  const std::string url = server.Url("/reset-mid-body");
  FaultRun f = RunAmongGood(server, {url});
  CHECK(f.run.exit_code == 1);
  const json& r = RecordOf(f, url);
  CHECK(r["error"]["kind"] == "network");
  CHECK(r["title"].is_null());  // a torn body is not parsed
}

TEST_CASE("A reset before any answer is a network error", "[fault][integration]") {
  FaultServer server;
  const std::string url = server.Url("/reset");
  FaultRun f = RunAmongGood(server, {url});
  CHECK(f.run.exit_code == 1);
  const json& r = RecordOf(f, url);
  CHECK(r["error"]["kind"] == "network");
  CHECK(r["status"].is_null());
}

TEST_CASE("An empty reply is a network error", "[fault][integration]") {
  FaultServer server;
  const std::string url = server.Url("/empty");
  FaultRun f = RunAmongGood(server, {url});
  CHECK(f.run.exit_code == 1);
  const json& r = RecordOf(f, url);
  CHECK(r["error"]["kind"] == "network");
  CHECK(r["status"].is_null());
}

TEST_CASE("A 503 with Retry-After is waited for, then an http error once retries are spent",
          "[fault][integration]") {
  FaultServer server({"--log-requests"});
  const std::string down = server.Url("/status/503?retry-after=1");
  const std::string back = server.Url("/retry/r503?status=503&after=1");
  FaultRun f = RunAmongGood(server, {down, back}, {"--retries", "1", "--retry-wait", "0.05"});
  CHECK(f.run.exit_code == 1);
  const json& r = RecordOf(f, down);
  CHECK(r["error"]["kind"] == "http");
  CHECK(r["status"] == 503);
  CHECK(RecordOf(f, back)["title"] == "retried r503");
  CHECK(f.seconds >= 0.9);  // Retry-After, not --retry-wait, set the pause
  const std::vector<std::string> lines = server.LinesSoFar();
  CHECK(Requests(lines, "/status/503") == 2);
  CHECK(Requests(lines, "/retry/r503") == 2);
}

TEST_CASE("A 429 with Retry-After is waited for, then an http error once retries are spent",
          "[fault][integration]") {
  FaultServer server({"--log-requests"});
  const std::string busy = server.Url("/status/429?retry-after=1");
  const std::string back = server.Url("/retry/r429?after=1");
  FaultRun f = RunAmongGood(server, {busy, back}, {"--retries", "1", "--retry-wait", "0.05"});
  CHECK(f.run.exit_code == 1);
  const json& r = RecordOf(f, busy);
  CHECK(r["error"]["kind"] == "http");
  CHECK(r["status"] == 429);
  CHECK(RecordOf(f, back)["title"] == "retried r429");
  CHECK(f.seconds >= 0.9);
  const std::vector<std::string> lines = server.LinesSoFar();
  CHECK(Requests(lines, "/status/429") == 2);
  CHECK(Requests(lines, "/retry/r429") == 2);
}

TEST_CASE("A flaky endpoint succeeds within --retries and fails past them",
          "[fault][integration]") {
  FaultServer server({"--log-requests"});
  const std::string flaky = server.Url("/flaky/f1?fail=2");
  const std::string broken = server.Url("/flaky/f2?fail=10&status=500");
  FaultRun f = RunAmongGood(server, {flaky, broken}, {"--retries", "2", "--retry-wait", "0.05"});
  CHECK(f.run.exit_code == 1);
  CHECK(RecordOf(f, flaky)["ok"] == true);
  CHECK(RecordOf(f, flaky)["title"] == "flaky f1");
  CHECK(RecordOf(f, broken)["error"]["kind"] == "http");
  CHECK(RecordOf(f, broken)["status"] == 500);
  const std::vector<std::string> lines = server.LinesSoFar();
  CHECK(Requests(lines, "/flaky/f1") == 3);
  CHECK(Requests(lines, "/flaky/f2") == 3);
}

TEST_CASE("Redirect chains are followed for ten hops and no more", "[fault][integration]") {
  FaultServer server;
  // /chain/ID/N takes N + 1 hops to /ok/ID.
  const std::string ten = server.Url("/chain/100/9");
  const std::string eleven = server.Url("/chain/101/10");
  FaultRun f = RunAmongGood(server, {ten, eleven});
  CHECK(f.run.exit_code == 1);
  const json& r = RecordOf(f, ten);
  CHECK(r["ok"] == true);
  CHECK(r["final_url"] == OkUrl(server, 100));
  CHECK(r["title"] == "ok 100");
  CHECK(RecordOf(f, eleven)["error"]["kind"] == "redirect_loop");
}

TEST_CASE("A redirect loop is redirect_loop", "[fault][integration]") {
  FaultServer server;
  const std::string url = server.Url("/loop/a");
  FaultRun f = RunAmongGood(server, {url});
  CHECK(f.run.exit_code == 1);
  const json& r = RecordOf(f, url);
  CHECK(r["error"]["kind"] == "redirect_loop");
  CHECK(r["status"] == 302);
}

TEST_CASE("Redirects to file://, ftp:// and gopher:// are unsupported_scheme",
          "[fault][integration]") {
  FaultServer server({"--log-requests"});
  const std::vector<std::string> targets = {"file:///etc/passwd", "ftp://127.0.0.1/x",
                                            "gopher://127.0.0.1:70/1"};
  std::vector<std::string> urls;
  for (const std::string& to : targets) urls.push_back(server.Url("/redirect?to=" + Escape(to)));
  FaultRun f = RunAmongGood(server, urls);
  CHECK(f.run.exit_code == 1);
  for (std::size_t i = 0; i < targets.size(); ++i) {
    INFO(targets[i]);
    const json& r = RecordOf(f, urls[i]);
    CHECK(r["error"]["kind"] == "unsupported_scheme");
    CHECK(r["status"] == 302);
    CHECK(r["final_url"] == targets[i]);
  }
  CHECK(Requests(server.LinesSoFar(), "/redirect") == 3);  // each asked once, never followed
}

TEST_CASE("A Content-Length longer than the body, then a close, is a network error",
          "[fault][integration]") {
  FaultServer server;
  const std::string url = server.Url("/cl-longer");
  FaultRun f = RunAmongGood(server, {url});
  CHECK(f.run.exit_code == 1);
  const json& r = RecordOf(f, url);
  CHECK(r["error"]["kind"] == "network");
  CHECK(r["status"] == 200);
}

TEST_CASE("A Content-Length longer than the body on a connection left open is a timeout",
          "[fault][integration]") {
  FaultServer server;
  const std::string url = server.Url("/cl-longer-hold");
  FaultRun f = RunAmongGood(server, {url}, {"--timeout", "1.5", "--retries", "0"});
  CHECK(f.run.exit_code == 1);
  const json& r = RecordOf(f, url);
  CHECK(r["error"]["kind"] == "timeout");
  CHECK(r["bytes"] == 100);
  CHECK(f.seconds < 10);
}

TEST_CASE("A Content-Length shorter than the body cuts it and spoils no later answer",
          "[fault][integration]") {
  FaultServer server({"--log-requests"});
  const std::string url = server.Url("/cl-shorter");
  // One transfer at a time, so every answer after the lie may come on the
  // connection that carries its surplus.
  FaultRun f = RunAmongGood(server, {url}, {"-c", "1", "--per-host", "1"});
  CHECK(f.run.exit_code == 0);
  const json& r = RecordOf(f, url);
  CHECK(r["ok"] == true);
  CHECK(r["bytes"] == 64);  // what the Content-Length promised
  CHECK(r["title"] == "short");
  CHECK(r["links"].empty());                              // the surplus is not part of the page
  CHECK(Requests(server.LinesSoFar(), "/ok/") == kGood);  // none asked twice
}

TEST_CASE(
    "A Content-Length shorter than the body, its surplus sent with the next answer, "
    "spoils that answer only as an error",
    "[fault][integration]") {
  // The surplus arrives only once the next request has gone out on the
  // connection, so no client can tell it from an answer that starts with
  // garbage: that answer fails (curl: "Received HTTP/0.9 when not allowed"),
  // but no record carries another page's bytes.
  FaultServer server;
  const std::string url = server.Url("/cl-shorter?surplus=later");
  TempDir dir;
  std::string list = url + "\n";
  for (int i = 0; i < kGood; ++i) list += OkUrl(server, i) + "\n";
  ForageRun run = RunForage(
      {"-j", "1", "-c", "1", "--per-host", "1", "--no-progress", dir.Write("urls.txt", list)}, "",
      30s);
  REQUIRE(run.exit_code.has_value());
  CHECK(run.records.size() == 1 + kGood);
  auto by = run.ByUrl();
  CHECK(by[url]["title"] == "short");
  CHECK(by[url]["bytes"] == 64);
  int spoiled = 0;
  for (int i = 0; i < kGood; ++i) {
    const json& r = by[OkUrl(server, i)];
    INFO(r.dump());
    if (r["ok"] == true) {
      CHECK(r["title"] == "ok " + std::to_string(i));
      CHECK(r["bytes"] == OkBytes(i));
    } else {
      CHECK(r["error"]["kind"] == "network");
      ++spoiled;
    }
  }
  CHECK(spoiled <= 1);
  CHECK(run.exit_code == (spoiled ? 1 : 0));
}

TEST_CASE("A 20 MiB body is too_large at the default --max-bytes, and whole above it",
          "[fault][integration]") {
  FaultServer server;
  const std::string url = server.Url("/big20m");
  FaultRun f = RunAmongGood(server, {url});
  CHECK(f.run.exit_code == 1);
  const json& r = RecordOf(f, url);
  CHECK(r["error"]["kind"] == "too_large");
  CHECK(r["bytes"].get<std::uint64_t>() <= (10u << 20));
  FaultRun big = RunAmongGood(server, {url}, {"--max-bytes", "32M"});
  CHECK(big.run.exit_code == 0);
  CHECK(RecordOf(big, url)["bytes"] == (20u << 20));
}

TEST_CASE("A gzip bomb stops at --max-bytes", "[fault][integration]") {
  FaultServer server;
  const std::string url = server.Url("/bomb");
  FaultRun f = RunAmongGood(server, {url}, {"--max-bytes", "4M"});
  CHECK(f.run.exit_code == 1);
  const json& r = RecordOf(f, url);
  CHECK(r["error"]["kind"] == "too_large");
  CHECK(r["bytes"].get<std::uint64_t>() <= (4u << 20));
}

TEST_CASE("Binary bytes labelled text/html are parsed harmlessly", "[fault][integration]") {
  FaultServer server;
  const std::string url = server.Url("/binary-html");
  FaultRun f = RunAmongGood(server, {url});
  CHECK(f.run.exit_code == 0);
  const json& r = RecordOf(f, url);
  CHECK(r["ok"] == true);
  CHECK(r["bytes"] == 64 * 1024);
  CHECK(r["content_type"] == "text/html");
  CHECK(r["links"].empty());
}

TEST_CASE("HTML nested 10,000 deep is parsed", "[fault][integration]") {
  FaultServer server;
  const std::string url = server.Url("/html/deep?n=10000");
  FaultRun f = RunAmongGood(server, {url});
  CHECK(f.run.exit_code == 0);
  const json& r = RecordOf(f, url);
  CHECK(r["ok"] == true);
  CHECK(r["title"] == "deep");
  CHECK(r["links"] == json::array({OkUrl(server, 1)}));
}

TEST_CASE("NUL bytes in HTML are replaced, not passed on", "[fault][integration]") {
  FaultServer server;
  const std::string url = server.Url("/html/nul");
  FaultRun f = RunAmongGood(server, {url});
  CHECK(f.run.exit_code == 0);
  const json& r = RecordOf(f, url);
  CHECK(r["ok"] == true);
  CHECK(r["title"] == "n\xEF\xBF\xBDul");  // U+FFFD, as HTML5 parsers do
  CHECK(r["links"][0] == OkUrl(server, 1));
  for (const json& link : r["links"]) CHECK_FALSE(Contains(link, std::string(1, '\0')));
}

TEST_CASE("Invalid UTF-8 in HTML becomes U+FFFD", "[fault][integration]") {
  FaultServer server;
  const std::string url = server.Url("/html/bad-utf8");
  FaultRun f = RunAmongGood(server, {url});
  CHECK(f.run.exit_code == 0);
  const json& r = RecordOf(f, url);
  CHECK(r["ok"] == true);
  // Every string parsed as JSON above, so it is valid UTF-8.
  CHECK(r["title"].get<std::string>().rfind("bad \xEF\xBF\xBD", 0) == 0);
  CHECK(r["links"][0] == OkUrl(server, 1));
}

TEST_CASE("An unterminated comment hides the rest of the page", "[fault][integration]") {
  FaultServer server;
  const std::string url = server.Url("/html/open-comment");
  FaultRun f = RunAmongGood(server, {url});
  CHECK(f.run.exit_code == 0);
  const json& r = RecordOf(f, url);
  CHECK(r["ok"] == true);
  CHECK(r["title"] == "open comment");
  CHECK(r["links"] == json::array({OkUrl(server, 1)}));
}

TEST_CASE("An unterminated script hides the rest of the page", "[fault][integration]") {
  FaultServer server;
  const std::string url = server.Url("/html/open-script");
  FaultRun f = RunAmongGood(server, {url});
  CHECK(f.run.exit_code == 0);
  const json& r = RecordOf(f, url);
  CHECK(r["ok"] == true);
  CHECK(r["title"] == "open script");
  CHECK(r["links"] == json::array({OkUrl(server, 1)}));
}

TEST_CASE("An unterminated title takes the rest of the page", "[fault][integration]") {
  FaultServer server;
  const std::string url = server.Url("/html/open-title");
  FaultRun f = RunAmongGood(server, {url});
  CHECK(f.run.exit_code == 0);
  const json& r = RecordOf(f, url);
  CHECK(r["ok"] == true);
  CHECK(r["title"] == "open title <a href=\"/ok/2\">two</a>");
  CHECK(r["links"].empty());
}

TEST_CASE("A host that does not resolve is dns", "[fault][integration]") {
  FaultServer server;
  const std::string url = "http://nonexistent.invalid:" + std::to_string(server.port()) + "/ok/0";
  FaultRun f = RunAmongGood(server, {url});
  CHECK(f.run.exit_code == 1);
  const json& r = RecordOf(f, url);
  CHECK(r["error"]["kind"] == "dns");
  CHECK(r["status"].is_null());
}

TEST_CASE("URLs of 100 KB and 1 MB are invalid_url, listed or given with --url",
          "[fault][integration]") {
  FaultServer server;
  const std::string url_100k = server.Url("/long/" + std::string(100 * 1024, 'a'));
  const std::string url_1m = server.Url("/long/" + std::string(1024 * 1024, 'b'));
  FaultRun f = RunAmongGood(server, {url_100k, url_1m});
  CHECK(f.run.exit_code == 1);
  int invalid = 0;
  for (const json& r : f.run.records) {
    if (r["ok"] == true) continue;
    const std::string& got = r["url"].get_ref<const std::string&>();
    INFO(got.substr(0, 100) << " (" << got.size() << " bytes): " << r["error"].dump());
    CHECK(r["error"]["kind"] == "invalid_url");
    CHECK(r["fetched_at"].is_null());  // never sent
    // The record names the URL as listed, or its first 64 KiB where the
    // line was longer than that.
    CHECK(got.size() >= 64 * 1024);
    CHECK((url_100k.rfind(got, 0) == 0 || url_1m.rfind(got, 0) == 0));
    ++invalid;
  }
  CHECK(invalid == 2);

  // A command-line argument may be up to 128 KiB long.
  const std::string arg_100k = server.Url("/long/" + std::string(100 * 1024, 'c'));
  ForageRun arg = RunForage({"-j", "1", "--url", arg_100k, "--url", OkUrl(server, 0)}, "", 30s);
  CHECK(arg.exit_code == 1);
  auto by = arg.ByUrl();
  REQUIRE(by.size() == 2);
  CHECK(by[OkUrl(server, 0)]["title"] == "ok 0");
  for (const auto& [url, r] : by) {
    if (url == OkUrl(server, 0)) continue;
    CHECK(arg_100k.rfind(url, 0) == 0);  // as given, or cut
    CHECK(r["error"]["kind"] == "invalid_url");
  }
}

TEST_CASE("A redirect to a 100 KB URL is a network error", "[fault][integration]") {
  // The Location line passes curl's 100 KiB limit on one header line.
  FaultServer server;
  const std::string url = server.Url("/long-redirect?kb=100");
  FaultRun f = RunAmongGood(server, {url});
  CHECK(f.run.exit_code == 1);
  const json& r = RecordOf(f, url);
  CHECK(r["error"]["kind"] == "network");
  CHECK(r["status"] == 302);
}

TEST_CASE("Response headers of 1 MB are a network error", "[fault][integration]") {
  FaultServer server;
  // One header line of 1 MiB (curl allows 100 KiB), and 1 MiB of 1 KiB
  // lines (curl allows 300 KiB in all).
  const std::string one = server.Url("/huge-header?kb=1024");
  const std::string many = server.Url("/many-headers?kb=1024");
  const std::string fine = server.Url("/many-headers?kb=200");
  FaultRun f = RunAmongGood(server, {one, many, fine});
  CHECK(f.run.exit_code == 1);
  for (const std::string& url : {one, many}) {
    INFO(url);
    const json& r = RecordOf(f, url);
    CHECK(r["error"]["kind"] == "network");
    CHECK(r["title"].is_null());
  }
  // curl 7.88 calls an over-long line "Out of memory"; the record says what happened.
  CHECK(RecordOf(f, one)["error"]["message"] ==
        "response header too large (a header line over curl's limit of 100 KiB)");
  CHECK(Contains(RecordOf(f, many)["error"]["message"].get<std::string>(),
                 "Too large response headers"));
  CHECK(RecordOf(f, fine)["title"] == "many headers");
}

TEST_CASE("A negative Content-Length is a network error", "[fault][integration]") {
  FaultServer server;
  const std::string url = server.Url("/cl-negative");
  FaultRun f = RunAmongGood(server, {url});
  CHECK(f.run.exit_code == 1);
  const json& r = RecordOf(f, url);
  CHECK(r["error"]["kind"] == "network");  // an answer that is not valid HTTP; was "other"
  CHECK(Contains(r["error"]["message"].get<std::string>(), "Content-Length"));
  CHECK(r["title"].is_null());
}

// A robots.txt that answers 200 and then trickles past --timeout timed out:
// its record used to say "unavailable (HTTP 200)", as if the status were the
// trouble, with kind robots and exit 0.
TEST_CASE("A robots.txt dripping past --timeout is robots_unavailable, saying it timed out",
          "[fault][robots][integration]") {
  FaultServer server({"--log-requests", "--robots", "/drip?bytes=100"});
  const std::string page = OkUrl(server, 1);
  ForageRun run = RunForage({"-j", "1", "--timeout", "1", "--retries", "0", "--url", page});
  INFO("forage's stderr: " << run.err);
  CHECK(run.exit_code == 1);
  REQUIRE(run.records.size() == 1);
  const json& r = run.records[0];
  CHECK(r["error"]["kind"] == "robots_unavailable");
  const std::string message = r["error"]["message"];
  CHECK(Contains(message, "robots.txt is unavailable (timeout: "));
  CHECK(Contains(message, "timed out"));
  CHECK_FALSE(Contains(message, "HTTP 200"));
  CHECK(r["fetched_at"].is_null());
  const std::vector<std::string> log = server.LinesSoFar();
  CHECK(Requests(log, "/robots.txt") == 1);
  CHECK(Requests(log, "/ok/") == 0);
}

// A crawled link over the job ring's 256 KiB (WorkQueue::kCapacityBytes)
// could never be pushed: it waited at the head of the dispatch for good and
// the run never ended. Links longer than a listed URL may be are not followed.
TEST_CASE("A crawled link too long for the job ring is not followed, and the run ends",
          "[fault][integration]") {
  FaultServer server;
  const std::string url = server.Url("/long-link?kb=300");
  // Only the long link is followed (links of the good pages are not).
  FaultRun f = RunAmongGood(server, {url}, {"-d", "1", "--include", "/long/"}, 20s);
  CHECK(f.run.exit_code == 0);
  CHECK(RecordOf(f, url)["title"] == "long link");
}

// A redirect's target is held to the limit on listed URLs (kMaxUrlBytes,
// 32 KiB).
TEST_CASE("A redirect to a 40 KB URL is invalid_url, as a listed one is",
          "[fault][integration]") {
  FaultServer server;
  const std::string url = server.Url("/long-redirect?kb=40");
  FaultRun f = RunAmongGood(server, {url});
  CHECK(f.run.exit_code == 1);
  const json& r = RecordOf(f, url);
  CHECK(r["error"]["kind"] == "invalid_url");
  CHECK(r["status"] == 302);
}

}  // namespace
}  // namespace forage::test
