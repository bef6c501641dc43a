// Sitemap jobs (--sitemaps) through forage::Fetcher against
// forage_test_server's /sitemap-gen: the body streams into a SitemapReader,
// never kept, whatever its size.

#include <catch2/catch.hpp>
#include <chrono>

#include "core/time_format.h"
#include "fetch/fetcher.h"
#include "parse/sitemap_reader.h"
#include "support/fetch_one.h"
#include "support/forage_run.h"

namespace forage {
namespace {

// Sitemaps of tens of MiB take a while under the sanitizers.
wire::FetchResult FetchOne(Fetcher& fetcher, wire::FetchJob job) {
  return test::FetchOne(fetcher, std::move(job), std::chrono::seconds(60));
}

std::unique_ptr<Fetcher> MakeFetcher(FetchSettings settings = {}) {
  auto fetcher = Fetcher::Create(settings);
  REQUIRE(fetcher.ok());
  return std::move(fetcher).value();
}

std::vector<std::string> Pages(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("http://sitemap.test/page/" + std::to_string(i));
  return out;
}

const std::int64_t kJan2 = *ParseW3cDatetime("2024-01-02");

TEST_CASE("A sitemap job gives its URLs with their lastmods and kind", "[fetch][sitemap]") {
  test::TestServer server;
  // --max-bytes does not bound a sitemap: its reader's limits do.
  FetchSettings settings;
  settings.max_bytes = 1000;
  auto fetcher = MakeFetcher(settings);
  for (const char* gzip : {"", "&gzip=1"}) {
    INFO("gzip: " << gzip);
    wire::FetchResult r = FetchOne(
        *fetcher, {1, wire::JobKind::kSitemap, server.Url(std::string("/sitemap-gen?urls=500") + gzip)});
    CHECK(r.error == ErrorKind::kNone);
    CHECK(r.error_message.empty());
    CHECK(r.status == 200);
    CHECK(r.sitemap_kind == static_cast<std::uint8_t>(SitemapKind::kUrlSet));
    CHECK(r.links == Pages(500));
    CHECK(r.lastmods == std::vector<std::int64_t>(500, kJan2));
    CHECK(r.body.empty());
    CHECK(r.truncated.empty());
    CHECK(r.bytes > 1000);
  }
}

TEST_CASE("A sitemap's redirects are followed by the fetcher", "[fetch][sitemap]") {
  test::TestServer server;
  auto fetcher = MakeFetcher();
  wire::FetchResult r = FetchOne(
      *fetcher, {1, wire::JobKind::kSitemap,
                 server.Url("/redirect-to?status=301&url=/sitemap-gen%3Furls%3D2")});
  CHECK(r.error == ErrorKind::kNone);
  CHECK(r.status == 200);
  CHECK(r.redirect_url.empty());
  CHECK(r.final_url == server.Url("/sitemap-gen?urls=2"));
  CHECK(r.links == Pages(2));
}

TEST_CASE("A sitemap job's failed answer is an http error with no links", "[fetch][sitemap]") {
  test::TestServer server;
  auto fetcher = MakeFetcher();
  wire::FetchResult r = FetchOne(*fetcher, {1, wire::JobKind::kSitemap, server.Url("/status/404")});
  CHECK(r.error == ErrorKind::kHttp);
  CHECK(r.status == 404);
  CHECK(r.links.empty());
  CHECK(r.lastmods.empty());
  CHECK(r.sitemap_kind == 0);
  // A page that is no sitemap is a sitemap error.
  wire::FetchResult page = FetchOne(*fetcher, {2, wire::JobKind::kSitemap, server.Url("/page/1")});
  CHECK(page.error == ErrorKind::kSitemap);
  CHECK((page.error_message.starts_with("XML error") ||
         page.error_message.starts_with("not a sitemap")));
  CHECK(page.links.empty());
}

TEST_CASE("A sitemap job sends no validators, credentials or cookies", "[fetch][sitemap]") {
  test::TestServer server;
  FetchSettings settings;
  settings.headers = {"X-Plain: yes", "Authorization: Bearer secret"};
  settings.credentials.cookie = "session=1";
  auto fetcher = MakeFetcher(settings);
  wire::FetchJob job{1, wire::JobKind::kSitemap, server.Url("/sitemap-gen?urls=1"), "\"v1\"",
                     "Mon, 01 Jan 2024 01:00:00 GMT"};
  job.trusted = true;
  job.cookie = "jar=2";
  wire::FetchResult r = FetchOne(*fetcher, job);
  CHECK(r.error == ErrorKind::kNone);
  nlohmann::json requests = server.Requests()["requests"];
  REQUIRE(requests.size() == 1);
  nlohmann::json headers = requests[0]["headers"];
  CHECK(headers["x-plain"] == nlohmann::json::array({"yes"}));
  CHECK_FALSE(headers.contains("authorization"));
  CHECK_FALSE(headers.contains("cookie"));
  CHECK_FALSE(headers.contains("if-none-match"));
  CHECK_FALSE(headers.contains("if-modified-since"));
}

TEST_CASE("A sitemap past 50,000 URLs gives the first 50,000 and a sitemap error",
          "[fetch][sitemap]") {
  test::TestServer server;
  auto fetcher = MakeFetcher();
  wire::FetchResult r =
      FetchOne(*fetcher, {1, wire::JobKind::kSitemap, server.Url("/sitemap-gen?urls=50001")});
  CHECK(r.error == ErrorKind::kSitemap);
  CHECK(r.error_message == "sitemap lists more than 50000 URLs; the rest were ignored");
  CHECK(r.status == 200);
  CHECK(r.links.size() == 50'000);
  CHECK(r.lastmods.size() == 50'000);
  CHECK(r.links.back() == "http://sitemap.test/page/49999");
}

TEST_CASE("A 60 MiB sitemap streams to its 50 MiB limit and is a sitemap error",
          "[fetch][sitemap]") {
  test::TestServer server;
  auto fetcher = MakeFetcher();
  for (const char* gzip : {"", "&gzip=1"}) {
    INFO("gzip: " << gzip);
    wire::FetchResult r = FetchOne(
        *fetcher, {1, wire::JobKind::kSitemap,
                   server.Url(std::string("/sitemap-gen?urls=5&pad=") +
                              std::to_string(60u << 20) + gzip)});
    CHECK(r.error == ErrorKind::kSitemap);
    CHECK(r.error_message == "sitemap is larger than 50 MiB uncompressed");
    CHECK(r.status == 200);
    CHECK(r.links == Pages(5));
    CHECK(r.lastmods == std::vector<std::int64_t>(5, kJan2));
    // Read no further than the limit (and a last piece), and kept nowhere.
    CHECK(r.bytes <= (50u << 20) + (1u << 20));
    CHECK(r.body.empty());
  }
}

}  // namespace
}  // namespace forage
