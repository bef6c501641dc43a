#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "forage/crawler.h"
#include "forage/options.h"

namespace forage {
namespace {

using std::chrono::milliseconds;

TEST_CASE("ValidateOptions takes the defaults and good values", "[options]") {
  CHECK(ValidateOptions(CrawlOptions{}).ok());
  CrawlOptions o;
  o.workers = 0;  // one per CPU
  o.fetch.resolve = {"h:65535:127.0.0.1", "[::1]:80:[::1]"};
  o.fetch.user_agent = "bot/1 (+http://x/\tinfo)";
  o.fetch.extract.select = {{"price", "span.price", "data-v"}, {"h", "h1, h2", ""}};
  o.include = {"/docs/"};
  o.exclude = {"\\.pdf$"};
  o.strip_query = {"utm_*", "ref", "?"};
  o.strip_query_default = true;
  o.fetch.accept_types = {"text/html", " Application/XHTML+XML ", "image/*", "*/*"};
  o.fetch.keep_body = true;
  o.fetch.max_bytes = 256u << 20;
  o.delay = milliseconds(0);
  o.recrawl_after = milliseconds(0);
  o.fetch.extract.follow = kFollowAll;
  const Status st = ValidateOptions(o);
  INFO(st.message());
  CHECK(st.ok());
}

TEST_CASE("ValidateOptions refuses what a run cannot use, naming the setting", "[options]") {
  struct Case {
    std::function<void(CrawlOptions&)> set;
    const char* expected;  // the message starts with it
  };
  const std::vector<Case> cases = {
      {[](CrawlOptions& o) { o.fetch.concurrency = 0; }, "concurrency must be at least 1"},
      {[](CrawlOptions& o) { o.fetch.extract.follow = kFollowAll + 1; }, "--follow: "},
      {[](CrawlOptions& o) { o.per_host = 0; }, "per-host must be at least 1"},
      {[](CrawlOptions& o) { o.workers = -1; }, "--workers: must not be negative"},
      {[](CrawlOptions& o) { o.depth = -1; }, "--depth: must not be negative"},
      {[](CrawlOptions& o) { o.fetch.warc.cdx = true; }, "--warc-cdx: indexes the files of --warc"},
      {[](CrawlOptions& o) { o.retries = -1; }, "--retries: must not be negative"},
      {[](CrawlOptions& o) { o.fetch.timeout = milliseconds(-1); },
       "--timeout: must not be negative"},
      {[](CrawlOptions& o) { o.fetch.connect_timeout = milliseconds(-1); },
       "--connect-timeout: must not be negative"},
      {[](CrawlOptions& o) { o.fetch.stall_timeout = milliseconds(-1); },
       "--stall-timeout: must not be negative"},
      {[](CrawlOptions& o) { o.delay = milliseconds(-1); }, "--delay: must not be negative"},
      {[](CrawlOptions& o) { o.retry_wait = milliseconds(-1); },
       "--retry-wait: must not be negative"},
      {[](CrawlOptions& o) { o.parse_timeout = milliseconds(-1); },
       "--parse-timeout: must not be negative"},
      {[](CrawlOptions& o) { o.recrawl_after = milliseconds(-1); },
       "--recrawl-after: must not be negative"},
      {[](CrawlOptions& o) { o.max_time = milliseconds(-1); }, "--max-time: must not be negative"},
      {[](CrawlOptions& o) { o.include = {"([a-z"}; }, "--include \"([a-z\": "},
      {[](CrawlOptions& o) {
         o.exclude = {"ok", "["};
       },
       "--exclude \"[\": "},
      {[](CrawlOptions& o) {
         o.fetch.extract.select = {{"a", "h1", ""}, {"b", "div >", ""}};
       },
       "--select b: bad selector \"div >\""},
      {[](CrawlOptions& o) {
         o.strip_query = {"fbclid", ""};
       },
       "--strip-query: a pattern must not be empty"},
      {[](CrawlOptions& o) { o.strip_query = {"utm_source=x"}; },
       "--strip-query: \"utm_source=x\" is not a parameter name"},
      {[](CrawlOptions& o) { o.strip_query = {"a&b"}; }, "--strip-query: \"a&b\""},
      {[](CrawlOptions& o) { o.fetch.user_agent = ""; }, "--user-agent: must not be empty"},
      {[](CrawlOptions& o) { o.fetch.user_agent = "bot\r\nX-Evil: 1"; },
       "--user-agent: must not hold a line break or other control character"},
      {[](CrawlOptions& o) { o.fetch.user_agent = "bot\x7f"; },
       "--user-agent: must not hold a line break or other control character"},
      {[](CrawlOptions& o) {
         o.fetch.resolve = {"h:80:127.0.0.1", "h:99999:127.0.0.1"};
       },
       "--resolve: \"h:99999:127.0.0.1\" is not HOST:PORT:ADDRESS (PORT 1 to 65535)"},
      {[](CrawlOptions& o) { o.fetch.resolve = {""}; }, "--resolve: \"\" is not HOST:PORT:ADDRESS"},
      {[](CrawlOptions& o) {
         o.fetch.accept_types = {"text/html", "pdf"};
       },
       "--accept-type: \"pdf\" is not a media range (type/subtype, type/* or */*)"},
      {[](CrawlOptions& o) { o.fetch.accept_types = {"text/html; charset=utf-8"}; },
       "--accept-type: \"text/html; charset=utf-8\" is not a media range"},
      {[](CrawlOptions& o) { o.fetch.accept_types = {""}; }, "--accept-type: \"\" is not"},
      {[](CrawlOptions& o) {
         o.fetch.keep_body = true;
         o.fetch.max_bytes = (256u << 20) + 1;
       },
       "keep_body: --max-bytes may be at most 256M when bodies are kept"},
  };
  for (const Case& c : cases) {
    INFO(c.expected);
    CrawlOptions o;
    c.set(o);
    const Status st = ValidateOptions(o);
    REQUIRE_FALSE(st.ok());
    INFO(st.message());
    CHECK(st.message().rfind(c.expected, 0) == 0);
  }
}

TEST_CASE("Crawler::Run refuses options ValidateOptions refuses, before it starts anything",
          "[options][api]") {
  CrawlOptions o;
  o.fetch.resolve = {"nonsense"};
  o.fetcher_program = "/nonexistent/forage-fetcher";  // never reached
  Crawler crawler(o);
  crawler.AddSeed("http://127.0.0.1:1/");
  int records = 0;
  crawler.OnRecord([&](const Record&) {
    ++records;
    return Status();
  });
  Result<CrawlSummary> run = crawler.Run();
  REQUIRE_FALSE(run.ok());
  CHECK(run.status().message() == ValidateOptions(o).message());
  CHECK(records == 0);
}

}  // namespace
}  // namespace forage
