// Fetcher-level checks of conditional GET, driving forage::Fetcher directly
// against forage_test_server's /cond/ID.

#include <catch2/catch.hpp>
#include <chrono>

#include "fetch/fetcher.h"
#include "support/fetch_one.h"
#include "support/forage_run.h"

namespace forage {
namespace {

using nlohmann::json;

using test::FetchOne;

std::unique_ptr<Fetcher> MakeFetcher() {
  auto fetcher = Fetcher::Create(FetchSettings{});
  REQUIRE(fetcher.ok());
  return std::move(fetcher).value();
}

TEST_CASE("Without validators a 200 brings its ETag and Last-Modified", "[fetch][cond]") {
  test::TestServer server;
  auto fetcher = MakeFetcher();
  wire::FetchResult r =
      FetchOne(*fetcher, {1, wire::JobKind::kPage, server.Url("/cond/plain?link=/page/1")});
  CHECK(r.error == ErrorKind::kNone);
  CHECK(r.status == 200);
  CHECK(r.etag == "\"plain-v1\"");
  CHECK(r.last_modified == "Mon, 01 Jan 2024 01:00:00 GMT");
  CHECK(r.title == "cond plain v1");
  CHECK(r.links == std::vector<std::string>{server.Url("/page/1")});
  json cond = server.Stats()["cond"]["plain"];
  CHECK(cond["requests"] == 1);
  CHECK(cond["conditional"] == 0);

  wire::FetchResult bare =
      FetchOne(*fetcher, {2, wire::JobKind::kPage, server.Url("/cond/plain?etag=0&lm=0")});
  CHECK(bare.status == 200);
  CHECK(bare.etag.empty());
  CHECK(bare.last_modified.empty());
}

TEST_CASE("Validators are sent and a 304 is a success with no body, links or title",
          "[fetch][cond]") {
  test::TestServer server;
  auto fetcher = MakeFetcher();
  const std::string url = server.Url("/cond/p?link=/page/1");
  wire::FetchResult first = FetchOne(*fetcher, {1, wire::JobKind::kPage, url});
  REQUIRE(first.status == 200);

  SECTION("If-None-Match") {
    wire::FetchResult r = FetchOne(*fetcher, {2, wire::JobKind::kPage, url, first.etag, ""});
    CHECK(r.error == ErrorKind::kNone);
    CHECK(r.error_message.empty());
    CHECK(r.status == 304);
    CHECK(r.etag == first.etag);
    CHECK(r.last_modified == first.last_modified);
    CHECK(r.redirect_url.empty());
    CHECK_FALSE(r.title);
    CHECK_FALSE(r.description);
    CHECK(r.links.empty());
    CHECK(r.body.empty());
    CHECK(r.bytes == 0);
  }
  SECTION("If-Modified-Since") {
    wire::FetchResult r =
        FetchOne(*fetcher, {2, wire::JobKind::kPage, url, "", first.last_modified});
    CHECK(r.error == ErrorKind::kNone);
    CHECK(r.status == 304);
    CHECK(r.etag == first.etag);
    CHECK(r.links.empty());
  }
  json cond = server.Stats()["cond"]["p"];
  CHECK(cond["requests"] == 2);
  CHECK(cond["conditional"] == 1);
}

TEST_CASE("A changed page answers a conditional request with 200 and new validators",
          "[fetch][cond]") {
  test::TestServer server;
  auto fetcher = MakeFetcher();
  const std::string url = server.Url("/cond/c");
  wire::FetchResult first = FetchOne(*fetcher, {1, wire::JobKind::kPage, url});
  REQUIRE(first.status == 200);
  server.Send("bump c\n");
  REQUIRE(server.WaitFor("BUMPED c", std::chrono::seconds(10)));
  wire::FetchResult r =
      FetchOne(*fetcher, {2, wire::JobKind::kPage, url, first.etag, first.last_modified});
  CHECK(r.status == 200);
  CHECK(r.error == ErrorKind::kNone);
  CHECK(r.title == "cond c v2");
  CHECK(r.etag == "\"c-v2\"");
  CHECK(r.last_modified == "Mon, 01 Jan 2024 02:00:00 GMT");
  json cond = server.Stats()["cond"]["c"];
  CHECK(cond["conditional"] == 1);
  CHECK(cond["not_modified"] == 0);
}

TEST_CASE("robots.txt jobs and unsafe values send no validators", "[fetch][cond]") {
  test::TestServer server;
  auto fetcher = MakeFetcher();
  wire::FetchResult robots = FetchOne(*fetcher, {1, wire::JobKind::kRobots, server.Url("/cond/r"),
                                                 "\"r-v1\"", "Mon, 01 Jan 2024 01:00:00 GMT"});
  CHECK(robots.status == 200);
  wire::FetchResult unsafe = FetchOne(
      *fetcher, {2, wire::JobKind::kPage, server.Url("/cond/r"), "\"r-v1\"\r\nX-Evil: 1", ""});
  CHECK(unsafe.status == 200);
  json cond = server.Stats()["cond"]["r"];
  CHECK(cond["requests"] == 2);
  CHECK(cond["conditional"] == 0);
}

TEST_CASE("A 304 with a Location is not a redirect", "[fetch][cond]") {
  test::TestServer server;
  auto fetcher = MakeFetcher();
  wire::FetchResult r = FetchOne(
      *fetcher, {1, wire::JobKind::kPage, server.Url("/redirect-to?status=304&url=/page/1")});
  CHECK(r.status == 304);
  CHECK(r.error == ErrorKind::kNone);
  CHECK(r.redirect_url.empty());
  wire::FetchResult moved = FetchOne(
      *fetcher, {2, wire::JobKind::kPage, server.Url("/redirect-to?status=301&url=/page/1")});
  CHECK(moved.redirect_url == server.Url("/page/1"));
}

std::int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

TEST_CASE("A job that asks reports its request's sending, before its result", "[fetch][politeness]") {
  test::TestServer server;
  std::vector<wire::RequestSent> sent;
  std::size_t results_at_report = 0;
  std::vector<wire::FetchResult> done;
  auto created = Fetcher::Create(FetchSettings{}, nullptr, {},
                                 [&](const std::vector<wire::RequestSent>& batch) {
                                   results_at_report = done.size();
                                   sent.insert(sent.end(), batch.begin(), batch.end());
                                 });
  REQUIRE(created.ok());
  Fetcher& fetcher = *created.value();
  wire::FetchJob slow{1, wire::JobKind::kPage, server.Url("/slow/1?ms=300")};
  slow.report_sent = true;
  wire::FetchJob quiet{2, wire::JobKind::kPage, server.Url("/page/1")};  // did not ask
  wire::FetchJob refused{3, wire::JobKind::kPage, "http://127.0.0.1:1/"};  // nothing is sent
  refused.report_sent = true;
  const std::int64_t before = SteadyNs();
  fetcher.Start(slow);
  fetcher.Start(quiet);
  fetcher.Start(refused);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (done.size() < 3) {
    INFO("the fetcher never finished the jobs");
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    fetcher.Perform(&done);
    if (done.size() < 3) REQUIRE(fetcher.Wait(-1, 100, nullptr).ok());
  }
  const std::int64_t after = SteadyNs();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].id == 1);
  CHECK(sent[0].sent_ns >= before);
  CHECK(sent[0].sent_ns <= after);
  // Told while the server still held the answer back, not with the result.
  for (std::size_t i = 0; i < results_at_report; ++i) CHECK(done[i].id != 1);
  for (const wire::FetchResult& r : done) {
    INFO("job " << r.id);
    CHECK(r.error == (r.id == 3 ? ErrorKind::kConnect : ErrorKind::kNone));
  }
  CHECK(server.Stats()["hosts"]["127.0.0.1"]["requests"] == 2);
}

}  // namespace
}  // namespace forage
