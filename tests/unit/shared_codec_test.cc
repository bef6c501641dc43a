#include "crawl/shared_codec.h"

#include <catch2/catch.hpp>
#include <set>

namespace forage {
namespace {

Job Link(std::string url, std::string parent) {
  Job job;
  job.input = std::move(url);
  job.depth = 2;
  job.parent = std::make_shared<const std::string>(std::move(parent));
  job.scope_root = std::make_shared<const std::string>("docs.example");
  return job;
}

TEST_CASE("a link's entry is small and comes back whole", "[shared_codec]") {
  Job job = Link("https://docs.example/guide/ch2.html", "https://docs.example/guide/index.html");
  const std::string entry = EncodeJobEntry(job);
  CHECK(entry[0] == kEntryPage);
  CHECK(entry[1] == '0');
  // The parent shares "https://docs.example/guide/" with the URL, and the
  // scope root is the URL's own host: neither is stored again.
  CHECK(entry.size() < job.input.size() + 20);
  std::optional<DecodedEntry> back = DecodeJobEntry(entry);
  REQUIRE(back);
  CHECK(back->reclaims == 0);
  CHECK_FALSE(back->ended);
  CHECK(back->job.input == job.input);
  CHECK(back->job.depth == 2);
  REQUIRE(back->job.parent);
  CHECK(*back->job.parent == *job.parent);
  REQUIRE(back->job.scope_root);
  CHECK(*back->job.scope_root == "docs.example");
  CHECK_FALSE(back->job.robots);
}

TEST_CASE("a job's history, current URL and another scope root survive", "[shared_codec]") {
  Job job = Link("https://a.example/x", "https://b.example/");
  job.scope_root = std::make_shared<const std::string>("example");
  job.current_url = "https://c.example/y?z=1";
  job.where = "urls.txt:7";
  job.deaths = 1;
  job.attempts = 2;
  job.hops = 3;
  job.chain = {1, 0xffffffffffffffffull, 42};
  job.first_fetched_at_ms = 1'790'000'000'123;
  job.elapsed_ms = 9876;
  std::optional<DecodedEntry> back = DecodeJobEntry(EncodeJobEntry(job));
  REQUIRE(back);
  const Job& j = back->job;
  CHECK(*j.scope_root == "example");
  CHECK(j.current_url == job.current_url);
  CHECK(j.where == job.where);
  CHECK(j.deaths == 1);
  CHECK(j.attempts == 2);
  CHECK(j.hops == 3);
  CHECK(j.chain == job.chain);
  CHECK(j.first_fetched_at_ms == job.first_fetched_at_ms);
  CHECK(j.elapsed_ms == 9876);
}

TEST_CASE("robots.txt and ended entries keep their kinds", "[shared_codec]") {
  Job robots;
  robots.input = "https://a.example/robots.txt";
  robots.robots = true;
  std::string entry = EncodeJobEntry(robots);
  CHECK(entry[0] == kEntryRobots);
  auto back = DecodeJobEntry(entry);
  REQUIRE(back);
  CHECK(back->job.robots);
  CHECK_FALSE(back->job.scope_root);

  Job listed;
  listed.input = "ftp://nope";
  listed.where = "list:3";
  RecordError error{ErrorKind::kInvalidUrl, "not an http(s) URL (list:3)"};
  entry = EncodeJobEntry(listed, &error);
  CHECK(entry[0] == kEntryEnded);
  back = DecodeJobEntry(entry);
  REQUIRE(back);
  REQUIRE(back->ended);
  CHECK(back->ended->kind == ErrorKind::kInvalidUrl);
  CHECK(back->ended->message == error.message);
}

TEST_CASE("the death count Lua bumps is read back", "[shared_codec]") {
  std::string entry = EncodeJobEntry(Link("https://a.example/p", "https://a.example/"));
  entry[1] = '3';
  auto back = DecodeJobEntry(entry);
  REQUIRE(back);
  CHECK(back->reclaims == 3);
}

TEST_CASE("a torn or foreign entry is refused", "[shared_codec]") {
  Job job = Link("https://docs.example/guide/ch2.html", "https://docs.example/guide/index.html");
  job.chain = {7, 8};
  job.where = "w";
  const std::string entry = EncodeJobEntry(job);
  for (std::size_t cut = 0; cut < entry.size(); ++cut) {
    CHECK_FALSE(DecodeJobEntry(entry.substr(0, cut)));
  }
  CHECK_FALSE(DecodeJobEntry(entry + "x"));
  std::string other = entry;
  other[0] = 'Q';
  CHECK_FALSE(DecodeJobEntry(other));
  other = entry;
  other[1] = 'x';
  CHECK_FALSE(DecodeJobEntry(other));
}

TEST_CASE("a record comes back field for field", "[shared_codec]") {
  Record r;
  r.url = "https://a.example/";
  r.final_url = "https://a.example/home";
  r.ok = true;
  r.status = 200;
  r.depth = 1;
  r.parent = "https://a.example/index";
  r.content_type = "text/html";
  r.bytes = 1ull << 40;
  r.elapsed_ms = 12;
  r.title = std::string("T\0t", 3);
  r.links = {"https://a.example/1", ""};
  r.fields = {{"price", {"1", "2"}}, {"none", {}}};
  r.text = "body";
  r.fetched_at_ms = 1'790'000'000'000;
  r.truncated = {"links"};
  std::optional<Record> back = DecodeRecord(EncodeRecord(r));
  REQUIRE(back);
  CHECK(back->url == r.url);
  CHECK(back->final_url == r.final_url);
  CHECK(back->ok);
  CHECK(back->status == 200);
  CHECK_FALSE(back->unchanged);
  CHECK(back->depth == 1);
  CHECK(back->parent == r.parent);
  CHECK(back->content_type == r.content_type);
  CHECK(back->bytes == r.bytes);
  CHECK(back->elapsed_ms == 12);
  CHECK(back->title == r.title);
  CHECK_FALSE(back->description);
  CHECK(back->links == r.links);
  CHECK(back->fields == r.fields);
  CHECK(back->text == r.text);
  CHECK_FALSE(back->error);
  CHECK(back->fetched_at_ms == r.fetched_at_ms);
  CHECK(back->truncated == r.truncated);

  Record failed;
  failed.url = "https://b.example/";
  failed.error = RecordError{ErrorKind::kTimeout, "too slow"};
  back = DecodeRecord(EncodeRecord(failed));
  REQUIRE(back);
  REQUIRE(back->error);
  CHECK(back->error->kind == ErrorKind::kTimeout);
  CHECK(back->error->message == "too slow");
  CHECK_FALSE(back->status);
  CHECK_FALSE(back->fetched_at_ms);

  const std::string bytes = EncodeRecord(r);
  for (std::size_t cut = 0; cut < bytes.size(); cut += 7)
    CHECK_FALSE(DecodeRecord(bytes.substr(0, cut)));
}

TEST_CASE("a record keeps its sha256, never its body, and an older node's record still decodes",
          "[shared_codec]") {
  Record r;
  r.url = "https://a.example/";
  r.status = 200;
  r.ok = true;
  r.sha256 = std::string(64, 'c');
  r.body = "kept for the callback only";
  std::string bytes = EncodeRecord(r);
  CHECK(bytes.find("kept for") == std::string::npos);
  std::optional<Record> back = DecodeRecord(bytes);
  REQUIRE(back);
  CHECK(back->sha256 == r.sha256);
  CHECK_FALSE(back->body);
  // Version 2: the same layout without noindex and canonical at its end
  // (a byte each here); version 1 also without the sha256 before them.
  r.sha256.reset();
  std::string v2 = EncodeRecord(r);
  v2 = v2.substr(0, v2.size() - 2);
  v2[0] = 2;
  back = DecodeRecord(v2);
  REQUIRE(back);
  CHECK_FALSE(back->noindex);
  CHECK_FALSE(back->canonical);
  std::string v1 = v2.substr(0, v2.size() - 1);  // the absent optional's byte
  v1[0] = 1;
  back = DecodeRecord(v1);
  REQUIRE(back);
  CHECK(back->url == r.url);
  CHECK_FALSE(back->sha256);
  v1[0] = 4;  // a layout from the future
  CHECK_FALSE(DecodeRecord(v1));
}

TEST_CASE("a record keeps its noindex and canonical", "[shared_codec]") {
  Record r;
  r.url = "https://a.example/dup";
  r.noindex = true;
  r.canonical = "https://a.example/";
  r.error = RecordError{ErrorKind::kDuplicate, "duplicate of https://a.example/"};
  std::optional<Record> back = DecodeRecord(EncodeRecord(r));
  REQUIRE(back);
  CHECK(back->noindex);
  CHECK(back->canonical == r.canonical);
  REQUIRE(back->error);
  CHECK(back->error->kind == ErrorKind::kDuplicate);
}

TEST_CASE("seen keys are stable, spread over every bucket, and tell URLs apart", "[shared_codec]") {
  const SeenKey a = SharedSeenKey("https://a.example/x");
  CHECK(a.bucket == SharedSeenKey("https://a.example/x").bucket);
  CHECK(a.fingerprint == SharedSeenKey("https://a.example/x").fingerprint);
  CHECK(a.bucket < 65536);
  std::set<std::uint32_t> buckets;
  std::set<std::uint64_t> mixed;
  for (int i = 0; i < 200'000; ++i) {
    const SeenKey k = SharedSeenKey("https://a.example/page" + std::to_string(i));
    buckets.insert(k.bucket);
    mixed.insert(k.Mixed());
  }
  CHECK(mixed.size() == 200'000);
  CHECK(buckets.size() > 62'000);  // 200,000 draws over 65,536 buckets leave ~3,100 empty
  CHECK(SharedSeenKey("x").FingerprintText() ==
        std::to_string(static_cast<std::int64_t>(SharedSeenKey("x").fingerprint)));
}

TEST_CASE("a robots verdict is rebuilt by another process", "[shared_codec]") {
  RobotsVerdict v =
      JudgeRobots(ErrorKind::kNone, 200, "", "User-agent: *\nDisallow: /private\nCrawl-delay: 2\n",
                  "forage/1", 0);
  auto back = DecodeRobotsVerdict(EncodeRobotsVerdict(v), "forage/1");
  REQUIRE(back);
  CHECK_FALSE(back->rules.IsAllowed("/private/x"));
  CHECK(back->rules.IsAllowed("/public"));
  REQUIRE(back->crawl_delay);
  CHECK(back->crawl_delay->count() == 2000);

  RobotsVerdict down = JudgeRobots(ErrorKind::kHttp, 503, "", "", "forage/1", 2);
  back = DecodeRobotsVerdict(EncodeRobotsVerdict(down), "forage/1");
  REQUIRE(back);
  CHECK_FALSE(back->rules.IsAllowed("/anything"));
  CHECK(back->denial == down.denial);
  CHECK(back->message == down.message);
  CHECK_FALSE(back->crawl_delay);

  RobotsVerdict none = JudgeRobots(ErrorKind::kHttp, 404, "", "", "forage/1", 0);
  back = DecodeRobotsVerdict(EncodeRobotsVerdict(none), "forage/1");
  REQUIRE(back);
  CHECK(back->rules.IsAllowed("/anything"));
  CHECK_FALSE(DecodeRobotsVerdict("garbage", "forage/1"));
}

}  // namespace
}  // namespace forage
