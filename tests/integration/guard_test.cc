// The SSRF guard (--deny-private, --allow-link-local) against the real
// binary. Every refused address is refused before a socket is opened, so no
// packet leaves the machine even for the link-local addresses used here.
#include <catch2/catch.hpp>

#include "support/forage_run.h"

namespace forage::test {
namespace {

using json = nlohmann::json;

// Requests the test server has had from any host.
long Requests(TestServer& server) {
  long n = 0;
  const json hosts = server.Stats()["hosts"];
  for (const auto& [host, stats] : hosts.items()) {
    n += stats["requests"].get<long>();
  }
  return n;
}

TEST_CASE("Under --deny-private loopback is blocked before connecting, robots.txt included",
          "[guard][integration]") {
  TestServer server;
  const std::string ipv4 = server.Url("/page/1");
  const std::string ipv6 = "http://[::1]:" + std::to_string(server.port()) + "/page/1";
  ForageRun run = RunForage({"-j", "1", "--deny-private", "--url", ipv4, "--url", ipv6});
  CHECK(run.exit_code == 0);  // blocked is policy, not a failure
  auto by = run.ByUrl();
  REQUIRE(by.size() == 2);
  CHECK(by[ipv4]["error"]["kind"] == "blocked");
  CHECK(by[ipv4]["error"]["message"] ==
        "cannot reach the host for robots.txt: refused to connect to loopback address "
        "127.0.0.1 (--deny-private)");
  CHECK(by[ipv6]["error"]["kind"] == "blocked");
  CHECK(by[ipv6]["error"]["message"].get<std::string>().find("loopback address ::1") !=
        std::string::npos);
  CHECK(Requests(server) == 0);

  SECTION("and without robots.txt the page itself is refused") {
    ForageRun page = RunForage({"-j", "1", "--deny-private", "--no-robots", "--url", ipv4});
    REQUIRE(page.records.size() == 1);
    CHECK(page.records[0]["error"]["kind"] == "blocked");
    CHECK(page.records[0]["error"]["message"] ==
          "refused to connect to loopback address 127.0.0.1 (--deny-private)");
    CHECK(page.records[0]["status"].is_null());
    CHECK(Requests(server) == 0);
  }
}

// An IPv4-compatible address (::7f00:1, that is ::127.0.0.1) used to pass
// --deny-private as a public IPv6 address. Each form is refused before a
// socket is made, so nothing is sent, whether or not the sandbox routes it.
TEST_CASE("Under --deny-private IPv6 addresses carrying a loopback IPv4 one are blocked",
          "[guard][integration]") {
  TestServer server;
  const std::string port = std::to_string(server.port());
  const std::vector<std::string> hosts = {
      "[::7f00:1]",                              // IPv4-compatible
      "[::ffff:7f00:1]",                         // IPv4-mapped
      "[::ffff:0:7f00:1]",                       // IPv4-translated
      "[64:ff9b::7f00:1]",                       // NAT64, well-known prefix
      "[64:ff9b:1::7f00:1]",                     // NAT64, local-use prefix
      "[2002:7f00:1::1]",                        // 6to4
      "[2001:0:4136:e378:8000:63bf:80ff:fffe]",  // Teredo, client 127.0.0.1
  };
  std::vector<std::string> args = {"-j", "1", "--deny-private", "--no-robots"};
  for (const std::string& host : hosts) {
    args.push_back("--url");
    args.push_back("http://" + host + ":" + port + "/page/1");
  }
  ForageRun run = RunForage(args);
  INFO("forage's stderr: " << run.err);
  CHECK(run.exit_code == 0);
  REQUIRE(run.records.size() == hosts.size());
  for (const json& r : run.records) {
    INFO(r.dump());
    CHECK(r["error"]["kind"] == "blocked");
    const std::string message = r["error"]["message"];
    CHECK(message.find("refused to connect to loopback address ") == 0);
    CHECK(message.find(", which carries 127.0.0.1 (--deny-private)") != std::string::npos);
  }
  CHECK(Requests(server) == 0);
}

TEST_CASE("The guard judges the address a name resolves to, not the name", "[guard][integration]") {
  TestServer server;
  // A name that resolves to a private address, as a rebinding DNS server
  // would answer the second time round.
  const std::string url = server.HostUrl("rebind.test", "/page/1");
  std::vector<std::string> args = {"-j", "1", "--no-robots", "--url", url};
  for (const std::string& flag : server.Resolve({"rebind.test"})) args.push_back(flag);

  ForageRun open = RunForage(args);
  REQUIRE(open.records.size() == 1);
  CHECK(open.records[0]["ok"] == true);  // loopback is allowed without the flag
  CHECK(Requests(server) == 1);

  args.push_back("--deny-private");
  ForageRun guarded = RunForage(args);
  REQUIRE(guarded.records.size() == 1);
  CHECK(guarded.records[0]["error"]["kind"] == "blocked");
  CHECK(Requests(server) == 1);  // no second request
}

TEST_CASE("Link-local addresses are refused unless --allow-link-local, also after a redirect",
          "[guard][integration]") {
  TestServer server;
  const std::string metadata = "http://169.254.169.254/latest/meta-data/";
  // Another URL there: a hop to a URL already seen would end at the hop.
  const std::string user_data = "http://169.254.169.254/latest/user-data";
  const std::string hop = server.Url("/redirect-to?url=" + Escape(user_data));
  ForageRun run = RunForage({"-j", "1", "--no-robots", "--url", metadata, "--url", hop});
  CHECK(run.exit_code == 0);
  auto by = run.ByUrl();
  REQUIRE(by.size() == 2);
  CHECK(by[metadata]["error"]["kind"] == "blocked");
  CHECK(by[metadata]["error"]["message"] ==
        "refused to connect to link-local address 169.254.169.254 (link-local; "
        "--allow-link-local permits it)");
  // The redirect was followed (the server saw the first hop), its target refused.
  CHECK(by[hop]["error"]["kind"] == "blocked");
  CHECK(by[hop]["final_url"] == user_data);
  CHECK(Requests(server) == 1);
}

TEST_CASE("The guard's flags come from the config file too", "[guard][integration]") {
  TestServer server;
  TempDir dir;
  const std::string config = dir.Write("forage.toml", "deny-private = true\nno-robots = true\n");
  ForageRun run = RunForage({"-j", "1", "--config", config, "--url", server.Url("/page/1")});
  REQUIRE(run.records.size() == 1);
  CHECK(run.records[0]["error"]["kind"] == "blocked");
}

}  // namespace
}  // namespace forage::test
