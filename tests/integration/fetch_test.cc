// Whole runs of the forage binary against the local test server.

#include <catch2/catch.hpp>

#include "support/forage_run.h"

namespace forage::test {
namespace {

using nlohmann::json;

TEST_CASE("A 200-URL list yields exactly one ok record per URL", "[fetch][integration]") {
  TestServer server;
  TempDir dir;
  std::string list;
  for (int i = 0; i < 200; ++i) list += server.Url("/page/" + std::to_string(i)) + "\n";
  ForageRun run = RunForage({"-j", "2", "-c", "8", dir.Write("list.txt", list)});
  REQUIRE(run.exit_code == 0);
  REQUIRE(run.records.size() == 200);
  auto by = run.ByUrl();
  REQUIRE(by.size() == 200);
  for (int i = 0; i < 200; ++i) {
    std::string url = server.Url("/page/" + std::to_string(i));
    INFO(url);
    const json& r = by[url];
    CHECK(r["ok"] == true);
    CHECK(r["status"] == 200);
    CHECK(r["final_url"] == url);
    CHECK(r["depth"] == 0);
    CHECK(r["parent"].is_null());
    CHECK(r["error"].is_null());
    CHECK(r["title"] == "Page " + std::to_string(i));
    CHECK(r["description"] == "About page " + std::to_string(i));
    CHECK(r["content_type"] == "text/html; charset=utf-8");
    CHECK(r["bytes"].get<int>() > 300);
    CHECK(r["fields"] == json::object());
    CHECK(r["fetched_at"].get<std::string>().size() == 24);  // 2026-11-22T22:14:13.123Z
    // Links: absolute, fragment-free, deduplicated, http only, in order.
    json expected = json::array({server.Url("/page/" + std::to_string(i + 1)),
                                 server.Url("/page/" + std::to_string(i + 2)), url});
    CHECK(r["links"] == expected);
  }
}

TEST_CASE("Statuses >= 400 are http errors carrying the status", "[fetch][integration]") {
  TestServer server;
  std::vector<std::string> args{"-j", "1", "-q", "--retries", "0"};
  for (int status : {200, 204, 301, 404, 410, 500, 503}) {
    args.push_back("--url");
    args.push_back(server.Url("/status/" + std::to_string(status)));
  }
  ForageRun run = RunForage(args);
  CHECK(run.exit_code == 1);
  auto by = run.ByUrl();
  REQUIRE(by.size() == 7);
  for (int status : {200, 204}) {
    const json& r = by[server.Url("/status/" + std::to_string(status))];
    CHECK(r["ok"] == true);
    CHECK(r["status"] == status);
  }
  // 301 without a Location is just a response: not an error.
  CHECK(by[server.Url("/status/301")]["ok"] == true);
  for (int status : {404, 410, 500, 503}) {
    const json& r = by[server.Url("/status/" + std::to_string(status))];
    INFO(status);
    CHECK(r["ok"] == false);
    CHECK(r["status"] == status);
    CHECK(r["error"]["kind"] == "http");
    CHECK(r["title"].is_null());  // error pages are not parsed
  }
}

TEST_CASE("Redirects are followed to the final URL, loops stop", "[fetch][integration]") {
  TestServer server;
  ForageRun run = RunForage({"-j", "1", "-q", "--url", server.Url("/redirect/3"), "--url",
                             server.Url("/loop/a"), "--url", server.Url("/redirect-ftp")});
  CHECK(run.exit_code == 1);
  auto by = run.ByUrl();
  const json& chain = by[server.Url("/redirect/3")];
  CHECK(chain["ok"] == true);
  CHECK(chain["final_url"] == server.Url("/page/1"));
  CHECK(chain["title"] == "Page 1");
  CHECK(chain["links"][0] == server.Url("/page/2"));  // resolved against the final URL
  const json& loop = by[server.Url("/loop/a")];
  CHECK(loop["ok"] == false);
  CHECK(loop["error"]["kind"] == "redirect_loop");
  CHECK(by[server.Url("/redirect-ftp")]["error"]["kind"] == "unsupported_scheme");
}

TEST_CASE("Ten redirects are followed and the eleventh fails", "[fetch][integration]") {
  TestServer server;
  // /redirect/9 takes 10 hops to /page/1; /redirect/10 takes 11.
  ForageRun ten = RunForage({"-j", "1", "--url", server.Url("/redirect/9")});
  REQUIRE(ten.records.size() == 1);
  CHECK(ten.records[0]["final_url"] == server.Url("/page/1"));
  CHECK(ten.records[0]["ok"] == true);
  ForageRun eleven = RunForage({"-j", "1", "--url", server.Url("/redirect/10")});
  REQUIRE(eleven.records.size() == 1);
  CHECK(eleven.records[0]["error"]["kind"] == "redirect_loop");
}

TEST_CASE("A redirect to a URL already seen ends without a second fetch", "[fetch][integration]") {
  TestServer server({"--log-requests"});
  // /redirect/0 leads to /page/1, which is also listed: fetched once only.
  ForageRun run =
      RunForage({"-j", "1", "--url", server.Url("/page/1"), "--url", server.Url("/redirect/0")});
  CHECK(run.exit_code == 0);
  auto by = run.ByUrl();
  const json& hop = by[server.Url("/redirect/0")];
  CHECK(hop["ok"] == true);
  CHECK(hop["status"] == 302);
  CHECK(hop["final_url"] == server.Url("/page/1"));
  int page_fetches = 0;
  for (const std::string& line : server.LinesSoFar()) page_fetches += line == "GOT /page/1";
  CHECK(page_fetches == 1);
}

TEST_CASE("A stalled response hits --timeout", "[fetch][integration]") {
  TestServer server;
  ForageRun run = RunForage({"-j", "1", "--timeout", "0.5", "--url", server.Url("/stall"), "--url",
                             server.Url("/page/1")});
  CHECK(run.exit_code == 1);
  auto by = run.ByUrl();
  const json& r = by[server.Url("/stall")];
  CHECK(r["error"]["kind"] == "timeout");
  CHECK(r["elapsed_ms"].get<int>() >= 450);
  CHECK(r["elapsed_ms"].get<int>() < 10000);
  CHECK(by[server.Url("/page/1")]["ok"] == true);  // the other transfer was not held up
}

TEST_CASE("Bodies over --max-bytes are too_large, compressed or not", "[fetch][integration]") {
  TestServer server;
  ForageRun run =
      RunForage({"-j", "1", "--max-bytes", "1M", "--url", server.Url("/big?bytes=3000000"), "--url",
                 server.Url("/chunked?bytes=3000000"), "--url", server.Url("/big?bytes=1048576"),
                 "--url", server.Url("/bomb")});
  CHECK(run.exit_code == 1);
  auto by = run.ByUrl();
  for (const char* path : {"/big?bytes=3000000", "/chunked?bytes=3000000", "/bomb"}) {
    const json& r = by[server.Url(path)];
    INFO(path);
    CHECK(r["error"]["kind"] == "too_large");
    CHECK(r["bytes"].get<std::uint64_t>() <= (1u << 20));
    CHECK(r["status"] == 200);
  }
  const json& exact = by[server.Url("/big?bytes=1048576")];
  CHECK(exact["ok"] == true);  // exactly the limit is allowed
  CHECK(exact["bytes"] == 1048576);
}

TEST_CASE("A gzip bomb stops at the default limit without inflating in memory",
          "[fetch][integration]") {
  TestServer server;
  ForageRun run = RunForage({"-j", "1", "--url", server.Url("/bomb")});
  CHECK(run.exit_code == 1);
  REQUIRE(run.records.size() == 1);
  CHECK(run.records[0]["error"]["kind"] == "too_large");
  CHECK(run.records[0]["bytes"].get<std::uint64_t>() <= (10u << 20));
}

TEST_CASE("Compressed bodies are decoded and counted decoded", "[fetch][integration]") {
  TestServer server;
  // The server compresses text for clients that accept it: brotli for
  // forage (which offers gzip, deflate, br and zstd); /bomb is gzip and
  // /deflate is deflate whatever was offered.
  ForageRun run = RunForage(
      {"-j", "1", "--url", server.Url("/big?bytes=200000"), "--url", server.Url("/deflate")});
  CHECK(run.exit_code == 0);
  auto by = run.ByUrl();
  CHECK(by[server.Url("/big?bytes=200000")]["bytes"] == 200000);
  const json& deflated = by[server.Url("/deflate")];
  CHECK(deflated["title"] == "deflated");
  CHECK(deflated["bytes"] == 23 + 10000);
}

TEST_CASE("Binary content is recorded, not parsed", "[fetch][integration]") {
  TestServer server;
  ForageRun run = RunForage(
      {"-j", "1", "--url", server.Url("/binary"), "--url", server.Url("/big?bytes=5000")});
  CHECK(run.exit_code == 0);
  auto by = run.ByUrl();
  const json& bin = by[server.Url("/binary")];
  CHECK(bin["ok"] == true);
  CHECK(bin["content_type"] == "application/octet-stream");
  CHECK(bin["bytes"] == 4096);
  CHECK(bin["title"].is_null());
  CHECK(bin["links"].empty());
  CHECK(by[server.Url("/big?bytes=5000")]["content_type"] == "text/plain");
}

TEST_CASE("HTML served without a Content-Type is still parsed", "[fetch][integration]") {
  TestServer server;
  ForageRun run = RunForage({"-j", "1", "--url", server.Url("/no-type")});
  REQUIRE(run.records.size() == 1);
  CHECK(run.records[0]["title"] == "untyped");
  CHECK(run.records[0]["links"][0] == server.Url("/page/1"));
}

TEST_CASE("Network failures get their kinds", "[fetch][integration]") {
  TestServer server;
  // --no-robots: robots.txt would find these hosts unreachable first (tested apart).
  ForageRun run = RunForage({"-j", "1", "--no-robots", "--url", server.Url("/short"), "--url",
                             "http://127.0.0.1:1/", "--url", "http://nonexistent.invalid/"});
  CHECK(run.exit_code == 1);
  auto by = run.ByUrl();
  CHECK(by[server.Url("/short")]["error"]["kind"] == "network");
  const json& refused = by["http://127.0.0.1:1/"];
  CHECK(refused["error"]["kind"] == "connect");
  CHECK(refused["status"].is_null());
  CHECK_FALSE(refused["fetched_at"].is_null());  // it was sent, unlike an invalid URL
  CHECK(by["http://nonexistent.invalid/"]["error"]["kind"] == "dns");
}

TEST_CASE("The User-Agent names forage unless told otherwise", "[fetch][integration]") {
  TestServer server;
  ForageRun plain = RunForage({"-j", "1", "--url", server.Url("/ua")});
  REQUIRE(plain.records.size() == 1);
  CHECK(plain.records[0]["title"].get<std::string>().rfind("forage/", 0) == 0);
  ForageRun custom = RunForage({"-j", "1", "--user-agent", "probe/1", "--url", server.Url("/ua")});
  REQUIRE(custom.records.size() == 1);
  CHECK(custom.records[0]["title"] == "probe/1");
}

}  // namespace
}  // namespace forage::test
