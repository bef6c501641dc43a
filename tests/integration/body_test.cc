// What a crawl keeps of the bodies it fetches: each record's sha256,
// --accept-type, and the library's Record::body.

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "archive/digest.h"
#include "forage/crawler.h"
#include "forage/extract.h"
#include "support/forage_run.h"
#include "support/test_bodies.h"

namespace forage::test {
namespace {

using nlohmann::json;

std::string Sha256Hex(const std::string& bytes) {
  DigestStream sha256(DigestStream::Algorithm::kSha256);
  sha256.Update(bytes);
  return forage::Hex(sha256.Finish());
}

TEST_CASE("Records carry the sha256 of the decoded body, any type, whole bodies only",
          "[body][integration]") {
  TestServer server;
  const std::string pdf = server.Url("/typed?type=application/pdf&bytes=5000");
  const std::string chunked = server.Url("/chunked?bytes=200000");
  const std::string gzip = server.Url("/gzip?bytes=3000");
  const std::string empty = server.Url("/typed?type=text/plain&bytes=0");
  const std::string missing = server.Url("/status/404");
  const std::string no_content = server.Url("/status/204");
  const std::string moved = server.Url("/redirect-to?url=" + Escape("/gzip?bytes=10"));
  ForageRun run = RunForage({"-q", "--no-robots", "--url", pdf, "--url", chunked, "--url", gzip,
                             "--url", empty, "--url", missing, "--url", no_content, "--url",
                             moved});
  REQUIRE(run.exit_code == 1);  // the 404
  auto by = run.ByUrl();
  REQUIRE(by.size() == 7);
  CHECK(by[pdf]["sha256"] == Sha256Hex(TypedBody(5000)));
  CHECK(by[pdf]["bytes"] == 5000);
  CHECK(by[chunked]["sha256"] == Sha256Hex(std::string(200000, 'y')));
  // Of the body as decoded, not as sent.
  CHECK(by[gzip]["sha256"] == Sha256Hex(GzipPage(3000)));
  CHECK(by[gzip]["bytes"] == GzipPage(3000).size());
  CHECK(by[empty]["sha256"] ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // An error page's body is a body too.
  CHECK(by[missing]["sha256"] == Sha256Hex("<html><title>status 404</title></html>"));
  CHECK(by[no_content]["sha256"].is_null());
  // The redirect's target's body, not the hop's.
  CHECK(by[moved]["status"] == 200);
  CHECK(by[moved]["sha256"] == Sha256Hex(GzipPage(10)));
  for (const auto& [url, r] : by) CHECK(r.contains("sha256"));
}

TEST_CASE("A body cut by --max-bytes or by the network has no sha256", "[body][integration]") {
  TestServer server;
  const std::string big = server.Url("/big?bytes=5000");
  const std::string chunked = server.Url("/chunked?bytes=5000");
  const std::string bomb = server.Url("/bomb");
  const std::string small = server.Url("/big?bytes=1024");
  ForageRun run = RunForage({"-q", "--no-robots", "--max-bytes", "1k", "--retries", "0", "--url",
                             big, "--url", chunked, "--url", bomb, "--url", small});
  REQUIRE(run.exit_code == 1);
  auto by = run.ByUrl();
  REQUIRE(by.size() == 4);
  for (const std::string& url : {big, chunked, bomb}) {
    INFO(url);
    CHECK(by[url]["error"]["kind"] == "too_large");
    CHECK(by[url]["sha256"].is_null());
  }
  CHECK(by[small]["sha256"] == Sha256Hex(std::string(1024, 'x')));  // exactly at the limit: whole

  FaultServer faults;
  ForageRun cut = RunForage({"-q", "--retries", "0", "--no-robots", "--url",
                             server.Url("/short"), "--url", faults.Url("/reset-mid-body")});
  REQUIRE(cut.exit_code == 1);
  REQUIRE(cut.records.size() == 2);
  for (const json& r : cut.records) {
    INFO(r.dump());
    CHECK(r["error"]["kind"] == "network");
    CHECK(r["sha256"].is_null());
  }
}

TEST_CASE("With --accept-type a page of another type is dropped after its headers, and the run is ok",
          "[body][integration]") {
  TestServer server;
  // 8 MiB behind a 1 MiB --max-bytes: a single byte of it read would make
  // the record too_large, not unwanted_type.
  const std::string pdf = "/typed?type=" + Escape("application/pdf") + "&bytes=8388608";
  const std::string png = "/typed?type=image/png&bytes=100";
  const std::string untyped = "/typed?bytes=100";
  const std::string csv404 = "/status/404";
  const std::string hop = "/redirect-to?url=" + Escape("/page/1");
  const std::string seed =
      server.Url("/links?l=" + Escape(pdf) + "&l=" + Escape(png) + "&l=" + Escape(untyped) +
                 "&l=" + Escape(hop));
  TempDir dir;
  const std::string stats = dir.path() + "/stats.json";
  ForageRun run = RunForage({"-q", "--no-robots", "-d", "1", "--max-bytes", "1M", "--accept-type",
                             "text/html", "--accept-type", "image/*", "--stats", stats, "--url",
                             seed});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto by = run.ByUrl();
  REQUIRE(by.size() == 5);
  const json& dropped = by[server.Url(pdf)];
  INFO(dropped.dump());
  CHECK(dropped["ok"] == false);
  CHECK(dropped["status"] == 200);
  CHECK(dropped["content_type"] == "application/pdf");
  CHECK(dropped["bytes"] == 0);
  CHECK(dropped["sha256"].is_null());
  CHECK(dropped["error"]["kind"] == "unwanted_type");
  CHECK(dropped["error"]["message"] ==
        "content type application/pdf not accepted by --accept-type");
  CHECK(by[server.Url(png)]["sha256"] == Sha256Hex(TypedBody(100)));
  // Without a Content-Type a body is taken, as before.
  CHECK(by[server.Url(untyped)]["ok"] == true);
  CHECK(by[server.Url(untyped)]["sha256"] == Sha256Hex(TypedBody(100)));
  CHECK(by[seed]["ok"] == true);
  // A redirect passes whatever its type; its target is judged.
  CHECK(by[server.Url(hop)]["final_url"] == server.Url("/page/1"));
  CHECK(by[server.Url(hop)]["ok"] == true);
  json s = json::parse(ReadFile(stats));
  CHECK(s["by_error"]["unwanted_type"] == 1);
  CHECK(s["skipped"] == 1);
  CHECK(s["failed"] == 0);

  // Error statuses are not judged: a 404 stays http, and fails the run.
  ForageRun errors = RunForage({"-q", "--no-robots", "--accept-type", "application/json",
                                "--url", server.Url(csv404)});
  REQUIRE(errors.exit_code == 1);
  REQUIRE(errors.records.size() == 1);
  CHECK(errors.records[0]["error"]["kind"] == "http");
}

TEST_CASE("With --state an unwanted page is done: the next pass does not fetch it before it is due",
          "[body][integration][state]") {
  TestServer server;
  TempDir dir;
  const std::string state = dir.path() + "/crawl.state";
  const std::string pdf = server.Url("/typed?type=application/pdf&bytes=1000");
  const std::vector<std::string> args = {"-q", "--no-robots", "--state", state, "--recrawl-after",
                                         "1h", "--accept-type", "text/*", "--url", pdf};
  ForageRun first = RunForage(args);
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  REQUIRE(first.records.size() == 1);
  CHECK(first.records[0]["error"]["kind"] == "unwanted_type");
  ForageRun second = RunForage(args);
  INFO(second.err);
  REQUIRE(second.exit_code == 0);
  CHECK(second.records.empty());  // not due
  CHECK(server.Stats()["hosts"]["127.0.0.1"]["requests"] == 1);
}

CrawlOptions LibraryOptions() {
  CrawlOptions o;
  o.workers = 2;
  o.fetch.concurrency = 4;
  o.per_host = 100;
  o.robots = false;
  o.handle_signals = false;
  return o;
}

TEST_CASE("With keep_body each record hands its decoded body to the callback, and ExtractHtml reads it",
          "[body][crawler][integration]") {
  TestServer server;
  CrawlOptions options = LibraryOptions();
  options.fetch.keep_body = true;
  options.fetch.max_bytes = 100'000;
  const std::string pdf = server.Url("/typed?type=application/pdf&bytes=70000");
  const std::string gzip = server.Url("/gzip?bytes=2000");
  const std::string chunked = server.Url("/chunked?bytes=80000");
  const std::string empty = server.Url("/typed?type=text/plain&bytes=0");
  const std::string missing = server.Url("/status/404");
  const std::string big = server.Url("/big?bytes=200000");
  Crawler crawler(options);
  for (const std::string& url : {pdf, gzip, chunked, empty, missing, big}) crawler.AddSeed(url);
  std::map<std::string, Record> by;
  crawler.OnRecord([&](const Record& r) {
    by[r.url] = r;
    return Status();
  });
  auto run = crawler.Run();
  REQUIRE(run.ok());
  REQUIRE(by.size() == 6);
  CHECK(by[pdf].body == TypedBody(70000));
  CHECK(by[chunked].body == std::string(80000, 'y'));
  CHECK(by[empty].body == std::string());
  CHECK(by[missing].body == "<html><title>status 404</title></html>");
  // Decoded: what gzip sent inflated, as sha256 sees it.
  REQUIRE(by[gzip].body);
  CHECK(*by[gzip].body == GzipPage(2000));
  CHECK(by[gzip].sha256 == Sha256Hex(*by[gzip].body));
  CHECK(by[gzip].title == "gzipped");  // parsed as ever
  Result<ExtractedPage> page = ExtractHtml(*by[gzip].body, gzip, {}, "text/html; charset=utf-8");
  REQUIRE(page.ok());
  CHECK(page.value().title == "gzipped");
  CHECK(page.value().links == std::vector<std::string>{server.Url("/page/1")});
  // Past max_bytes: no body, as no sha256.
  REQUIRE(by[big].error);
  CHECK(by[big].error->kind == ErrorKind::kTooLarge);
  CHECK_FALSE(by[big].body);
  CHECK_FALSE(by[big].sha256);
}

TEST_CASE("Without keep_body records carry no body, only its sha256", "[body][crawler][integration]") {
  TestServer server;
  Crawler crawler(LibraryOptions());
  const std::string gzip = server.Url("/gzip?bytes=100");
  const std::string pdf = server.Url("/typed?type=application/pdf&bytes=100");
  crawler.AddSeed(gzip);
  crawler.AddSeed(pdf);
  std::map<std::string, Record> by;
  crawler.OnRecord([&](const Record& r) {
    by[r.url] = r;
    return Status();
  });
  auto run = crawler.Run();
  REQUIRE(run.ok());
  REQUIRE(by.size() == 2);
  for (const std::string& url : {gzip, pdf}) {
    INFO(url);
    CHECK_FALSE(by[url].body);
    CHECK(by[url].sha256);
  }
  CHECK(by[gzip].sha256 == Sha256Hex(GzipPage(100)));
}

}  // namespace
}  // namespace forage::test
