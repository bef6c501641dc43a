// --strip-query and --strip-query-default with the real binary: links,
// listed URLs and redirect targets that differ only by tracking parameters
// are one page, fetched once and without them; records keep the URL as
// found in "url".

#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "support/forage_run.h"

namespace forage::test {
namespace {

using nlohmann::json;

// The request-targets the server saw, each with how often.
std::map<std::string, int> Targets(TestServer& server) {
  std::map<std::string, int> out;
  const json requests = server.Requests();
  for (const json& r : requests["requests"]) ++out[r["path"].get<std::string>()];
  return out;
}

TEST_CASE("Links differing only by stripped parameters are one page, fetched without them",
          "[strip_query][integration]") {
  TestServer server;
  const std::string links =
      "/links?l=" + Escape("/page/1?utm_source=a") + "&l=" + Escape("/page/1?utm_source=b&x=1") +
      "&l=" + Escape("/page/1?x=1&fbclid=z") + "&l=" + Escape("/page/1?UTM_Medium=m") +
      "&l=" + Escape("/page/4?REF_id=1&k=2") + "&l=" + Escape("/page/4?k=2") +
      "&l=" + Escape("/redirect-to?url=" + Escape("/page/3?gclid=9&k=3"));
  std::vector<std::string> args = {"-d",
                                   "1",
                                   "--strip-query-default",
                                   "--strip-query",
                                   "ref*",
                                   "--url",
                                   server.Url(links),
                                   "--url",
                                   server.Url("/ua?utm_campaign=c&mc_eid=e")};
  SECTION("links in memory") {}
  SECTION("links waiting on disk") { args.insert(args.end(), {"--queue-in-memory", "1"}); }
  ForageRun run = RunForage(args);
  INFO(run.err);
  CHECK(run.exit_code == 0);

  std::map<std::string, std::string> final_of;  // url -> final_url
  for (const json& r : run.records) {
    INFO(r.dump());
    CHECK(final_of.emplace(r["url"], r["final_url"].is_null() ? "" : r["final_url"]).second);
  }
  const std::map<std::string, std::string> expected = {
      {server.Url(links), server.Url(links)},
      // Listed: requested stripped, recorded as given.
      {server.Url("/ua?utm_campaign=c&mc_eid=e"), server.Url("/ua")},
      // Links: the first of each page stands for it, as found.
      {server.Url("/page/1?utm_source=a"), server.Url("/page/1")},
      {server.Url("/page/1?utm_source=b&x=1"), server.Url("/page/1?x=1")},
      {server.Url("/page/4?REF_id=1&k=2"), server.Url("/page/4?k=2")},
      // A redirect's target too.
      {server.Url("/redirect-to?url=" + Escape("/page/3?gclid=9&k=3")), server.Url("/page/3?k=3")},
  };
  std::string got;
  for (const auto& [url, final_url] : final_of) got += url + " -> " + final_url + "\n";
  INFO(got);
  CHECK(final_of == expected);

  std::map<std::string, int> targets = Targets(server);
  CHECK(targets["/page/1"] == 1);
  CHECK(targets["/page/1?x=1"] == 1);
  CHECK(targets["/ua"] == 1);
  CHECK(targets["/page/3?k=3"] == 1);
  CHECK(targets["/page/4?k=2"] == 1);
  for (const auto& [target, count] : targets) {
    // The pages fetched, not /links or /redirect-to, whose queries hold
    // the trackers as values.
    if (target.rfind("/page/", 0) != 0 && target.rfind("/ua", 0) != 0) continue;
    CAPTURE(target);
    for (const char* tracker : {"utm_", "UTM_", "fbclid", "gclid", "mc_eid", "REF_"}) {
      CHECK(target.find(tracker) == std::string::npos);
    }
  }
}

TEST_CASE("Without --strip-query tracking parameters make pages of their own",
          "[strip_query][integration]") {
  TestServer server;
  const std::string links = "/links?l=" + Escape("/page/1?utm_source=a") +
                            "&l=" + Escape("/page/1?utm_source=b") + "&l=" + Escape("/page/1");
  ForageRun run = RunForage({"-d", "1", "--url", server.Url(links)});
  CHECK(run.exit_code == 0);
  CHECK(run.records.size() == 4);
  std::map<std::string, int> targets = Targets(server);
  CHECK(targets["/page/1?utm_source=a"] == 1);
  CHECK(targets["/page/1"] == 1);
}

TEST_CASE("A --strip-query pattern that names no parameter is a usage error",
          "[strip_query][integration]") {
  ForageRun run = RunForage({"--strip-query", "utm_source=x", "--url", "http://127.0.0.1:1/"});
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.err, Catch::Contains("--strip-query: \"utm_source=x\" is not a parameter name"));
}

}  // namespace
}  // namespace forage::test
