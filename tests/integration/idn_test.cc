// URLs through the real binary as browsers read them (the WHATWG URL
// Standard): IDN hosts reach libcurl in punycode, whatever the locale;
// invalid hosts are invalid_url and never links; links are encoded as the
// standard says. The test server answers for any host name that --resolve
// sends to it.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support/forage_run.h"

namespace forage::test {
namespace {

using nlohmann::json;

// "bücher" in UTF-8, and its punycode.
const std::string kBucher =
    "b\xc3\xbc"
    "cher";
const std::string kBucherAscii = "xn--bcher-kva";

TEST_CASE("A listed IDN URL is fetched at its punycode host", "[idn][integration]") {
  TestServer server;
  const std::string host = kBucher + ".localhost";
  const std::string listed = server.HostUrl(host, "/page/1");
  // forage's fetchers run with no UTF-8 locale; nothing may depend on one.
  ForageRun run = RunForage(Args({"--url", listed, "--url",
                                  server.HostUrl("B\xc3\x9c"
                                                 "CHER.localhost",
                                                 "/page/2")},
                                 server.Resolve({kBucherAscii + ".localhost"})));
  CHECK(run.exit_code == 0);
  REQUIRE(run.records.size() == 2);
  auto by = run.ByUrl();
  const json& record = by[listed];  // the record keeps the spelling listed
  CHECK(record["ok"] == true);
  CHECK(record["status"] == 200);
  CHECK(record["final_url"] == server.HostUrl(kBucherAscii + ".localhost", "/page/1"));
  const json& upper =
      by[server.HostUrl("B\xc3\x9c"
                        "CHER.localhost",
                        "/page/2")];
  CHECK(upper["ok"] == true);
  CHECK(upper["final_url"] == server.HostUrl(kBucherAscii + ".localhost", "/page/2"));
}

TEST_CASE("IDN links and redirects are followed at their punycode host", "[idn][integration]") {
  TestServer server;
  const std::string idn_page = server.HostUrl(kBucher + ".test", "/page/5");
  const std::string idn_hop = server.HostUrl(
      "a.test", "/redirect-to?url=" + Escape(server.HostUrl(kBucher + ".test", "/page/6")));
  const std::string seed =
      server.HostUrl("a.test", "/links?l=" + Escape(idn_page) + "&l=" + Escape(idn_hop));
  ForageRun run = RunForage(Args({"-d", "1", "--scope", "any", "--url", seed},
                                 server.Resolve({"a.test", kBucherAscii + ".test"})));
  CHECK(run.exit_code == 0);
  auto by = run.ByUrl();
  REQUIRE(by.count(seed) == 1);
  const std::string ascii_page = server.HostUrl(kBucherAscii + ".test", "/page/5");
  CHECK(by[seed]["links"] == json::array({ascii_page, idn_hop}));
  REQUIRE(by.count(ascii_page) == 1);  // the link as recorded: in punycode
  CHECK(by[ascii_page]["ok"] == true);
  REQUIRE(by.count(idn_hop) == 1);
  CHECK(by[idn_hop]["ok"] == true);
  CHECK(by[idn_hop]["final_url"] == server.HostUrl(kBucherAscii + ".test", "/page/6"));
}

TEST_CASE("Invalid hosts are invalid_url as input and never links", "[idn][integration]") {
  TestServer server;
  const std::vector<std::string> bad = {"http://a|b/", "http://256.256.256.256/",
                                        "http://a\xe3\x80\x80"
                                        "b/",
                                        "http://[::1/", "http://xn--pokxncvks/"};
  std::string page = "/links?l=/page/1";
  for (const std::string& url : bad) page += "&l=" + Escape(url);
  page += "&l=" + Escape("/s?q=a b&x=\"<>`{}");
  std::vector<std::string> args = {"--no-robots", "--url", server.Url(page)};
  for (const std::string& url : bad) args.insert(args.end(), {"--url", url});
  ForageRun run = RunForage(args);
  CHECK(run.exit_code == 1);  // the invalid inputs fail the run
  auto by = run.ByUrl();
  for (const std::string& url : bad) {
    INFO(url);
    REQUIRE(by.count(url) == 1);
    CHECK(by[url]["error"]["kind"] == "invalid_url");
  }
  // Links: only the good ones, encoded as a browser encodes them.
  CHECK(by[server.Url(page)]["links"] ==
        json::array({server.Url("/page/1"), server.Url("/s?q=a%20b&x=%22%3C%3E`{}")}));
}

}  // namespace
}  // namespace forage::test
