// RequestPlanner and host matching: where headers, credentials, cookies and
// proxies go, decided without curl.

#include <catch2/catch.hpp>

#include <algorithm>

#include "core/host_match.h"
#include "fetch/request_plan.h"

namespace forage {
namespace {

bool Has(const RequestPlan& plan, std::string_view line) {
  return std::find(plan.headers.begin(), plan.headers.end(), line) != plan.headers.end();
}

bool HasName(const RequestPlan& plan, std::string_view lower_name) {
  return std::any_of(plan.headers.begin(), plan.headers.end(),
                     [&](const std::string& l) { return HeaderName(l) == lower_name; });
}

HostSettings Table(std::string pattern) {
  HostSettings h;
  h.pattern = std::move(pattern);
  return h;
}

}  // namespace

TEST_CASE("Host patterns: exact, wildcard subdomains, everything", "[request]") {
  CHECK(HostPatternMatches("example.com", "example.com"));
  CHECK_FALSE(HostPatternMatches("example.com", "www.example.com"));
  CHECK(HostPatternMatches("*.example.com", "www.example.com"));
  CHECK(HostPatternMatches("*.example.com", "a.b.example.com"));
  CHECK_FALSE(HostPatternMatches("*.example.com", "example.com"));
  CHECK_FALSE(HostPatternMatches("*.example.com", "badexample.com"));
  CHECK(HostPatternMatches("*", "anything.test"));

  CHECK(NormalizeHostPattern("*.EXAMPLE.com").value() == "*.example.com");
  CHECK(NormalizeHostPattern("bücher.de").value() == "xn--bcher-kva.de");
  CHECK(NormalizeHostPattern("*").value() == "*");
  CHECK_FALSE(NormalizeHostPattern("example.com:8080").ok());
  CHECK_FALSE(NormalizeHostPattern("a.*.com").ok());
  CHECK_FALSE(NormalizeHostPattern("*.").ok());
  CHECK_FALSE(NormalizeHostPattern("").ok());
}

TEST_CASE("The most specific host table wins", "[request]") {
  std::vector<HostSettings> hosts = {Table("*"), Table("*.example.com"),
                                     Table("*.api.example.com"), Table("www.example.com")};
  CHECK(MatchHostSettings(hosts, "other.test")->pattern == "*");
  CHECK(MatchHostSettings(hosts, "a.example.com")->pattern == "*.example.com");
  CHECK(MatchHostSettings(hosts, "v1.api.example.com")->pattern == "*.api.example.com");
  CHECK(MatchHostSettings(hosts, "www.example.com")->pattern == "www.example.com");
  hosts.erase(hosts.begin());
  CHECK(MatchHostSettings(hosts, "other.test") == nullptr);
}

TEST_CASE("NO_PROXY as curl reads it", "[request]") {
  CHECK(NoProxyMatches("*", "a.test"));
  CHECK(NoProxyMatches("example.com", "example.com"));
  CHECK(NoProxyMatches("example.com", "www.example.com"));
  CHECK(NoProxyMatches(".example.com", "www.example.com"));
  CHECK_FALSE(NoProxyMatches("example.com", "badexample.com"));
  CHECK(NoProxyMatches("a.test, localhost ,b.test", "localhost"));
  CHECK(NoProxyMatches("a.test localhost", "localhost"));
  CHECK(NoProxyMatches("127.0.0.1", "127.0.0.1"));
  CHECK(NoProxyMatches("10.0.0.0/8", "10.2.3.4"));
  CHECK_FALSE(NoProxyMatches("10.0.0.0/8", "11.2.3.4"));
  CHECK(NoProxyMatches("::1", "[::1]"));
  CHECK(NoProxyMatches("fd00::/8", "[fd12::1]"));
  CHECK_FALSE(NoProxyMatches("", "a.test"));
  CHECK_FALSE(NoProxyMatches("*.test", "a.test"));  // "*" only alone
}

TEST_CASE("The run's credentials go only to trusted origins, never with robots.txt",
          "[request]") {
  FetchSettings s;
  s.headers = {"Authorization: Basic eDp5", "X-Trace: 1", "Cookie: pref=dark", "Accept:"};
  s.credentials.user = "user:secret";
  s.credentials.cookie = "token=abc";
  RequestPlanner planner(s);

  RequestPlan trusted = planner.Plan("https://a.test/x", true, "", false);
  CHECK(Has(trusted, "Authorization: Basic eDp5"));
  CHECK(Has(trusted, "X-Trace: 1"));
  CHECK(Has(trusted, "Accept:"));
  CHECK_FALSE(HasName(trusted, "cookie"));  // merged into the Cookie value
  CHECK(trusted.cookie == "token=abc; pref=dark");
  REQUIRE(trusted.userpwd);
  CHECK(*trusted.userpwd == "user:secret");

  RequestPlan other = planner.Plan("https://b.test/x", false, "", false);
  CHECK_FALSE(HasName(other, "authorization"));
  CHECK(Has(other, "X-Trace: 1"));  // not a secret: goes everywhere, as with curl
  CHECK(other.cookie.empty());
  CHECK(other.userpwd == nullptr);

  RequestPlan robots = planner.Plan("https://a.test/robots.txt", true, "", true);
  CHECK_FALSE(HasName(robots, "authorization"));
  CHECK(robots.cookie.empty());
  CHECK(robots.userpwd == nullptr);
}

TEST_CASE("Bearer tokens and the jar's cookies", "[request]") {
  FetchSettings s;
  s.credentials.bearer = "tok";
  s.credentials.cookie = "session=user; extra=1";
  RequestPlanner planner(s);
  RequestPlan p = planner.Plan("https://a.test/", true, "session=server; seen=1", false);
  CHECK(Has(p, "Authorization: Bearer tok"));
  // The jar's cookies first; the user's only for names the jar lacks.
  CHECK(p.cookie == "session=server; seen=1; extra=1");
  RequestPlan q = planner.Plan("https://b.test/", false, "seen=1", false);
  CHECK_FALSE(HasName(q, "authorization"));
  CHECK(q.cookie == "seen=1");
}

TEST_CASE("A host table's secrets go to its hosts over https, over http only when trusted",
          "[request]") {
  FetchSettings s;
  HostSettings api = Table("*.example.com");
  api.headers = {"X-Api-Key: k1", "Authorization: Token t"};
  api.credentials.user = "h:p";
  api.user_agent = "special/1";
  api.timeout = std::chrono::milliseconds(1234);
  s.hosts = {api};
  s.headers = {"X-Api-Key: run"};
  RequestPlanner planner(s);

  RequestPlan https = planner.Plan("https://www.example.com/", false, "", false);
  CHECK(Has(https, "X-Api-Key: k1"));  // the table's header replaces the run's
  CHECK_FALSE(Has(https, "X-Api-Key: run"));
  CHECK(Has(https, "Authorization: Token t"));
  REQUIRE(https.userpwd);
  CHECK(*https.userpwd == "h:p");
  CHECK(*https.user_agent == "special/1");
  CHECK(https.timeout == std::chrono::milliseconds(1234));

  RequestPlan http = planner.Plan("http://www.example.com/", false, "", false);
  CHECK(Has(http, "X-Api-Key: k1"));  // not a secret
  CHECK_FALSE(HasName(http, "authorization"));
  CHECK(http.userpwd == nullptr);

  RequestPlan listed_http = planner.Plan("http://www.example.com/", true, "", false);
  CHECK(Has(listed_http, "Authorization: Token t"));

  RequestPlan elsewhere = planner.Plan("https://example.org/", false, "", false);
  CHECK(Has(elsewhere, "X-Api-Key: run"));
  CHECK(*elsewhere.user_agent == s.user_agent);
  CHECK(elsewhere.timeout == s.timeout);
}

TEST_CASE(".netrc is used over https and for trusted http origins", "[request]") {
  FetchSettings s;
  s.netrc_file = "/nonexistent/netrc";
  RequestPlanner planner(s);
  CHECK(planner.Plan("https://a.test/", false, "", false).netrc);
  CHECK_FALSE(planner.Plan("http://a.test/", false, "", false).netrc);
  CHECK(planner.Plan("http://a.test/", true, "", false).netrc);
  CHECK_FALSE(planner.Plan("https://a.test/robots.txt", true, "", true).netrc);
}

TEST_CASE("Proxies per scheme, the no-proxy list, and the guard through a proxy", "[request]") {
  FetchSettings s;
  s.proxy.http = "http://proxy.test:3128";
  s.proxy.https = "socks5h://proxy.test:1080";
  s.proxy.noproxy = "direct.test";
  RequestPlanner planner(s);
  RequestPlan http = planner.Plan("http://a.test/", false, "", false);
  REQUIRE(http.proxy);
  CHECK(*http.proxy == "http://proxy.test:3128");
  RequestPlan https = planner.Plan("https://a.test/", false, "", false);
  REQUIRE(https.proxy);
  CHECK(*https.proxy == "socks5h://proxy.test:1080");
  CHECK(planner.Plan("http://www.direct.test/", false, "", false).proxy == nullptr);

  // Without --deny-private only link-local addresses are refused by name.
  CHECK_FALSE(planner.Plan("http://127.0.0.1:8080/", false, "", false).refused);
  CHECK(planner.Plan("http://169.254.169.254/", false, "", false).refused);

  s.deny_private = true;
  RequestPlanner guarded(s);
  auto refused = [&](std::string_view url) {
    return guarded.Plan(url, false, "", false).refused.has_value();
  };
  CHECK(refused("http://127.0.0.1:8080/"));
  CHECK(refused("http://10.1.2.3/"));
  CHECK(refused("http://[::1]/"));
  CHECK(refused("http://[::ffff:192.168.0.1]/"));
  CHECK(refused("http://localhost/"));
  CHECK(refused("http://a.localhost/"));
  CHECK_FALSE(refused("http://a.test/"));  // a name: only the proxy can judge it
  CHECK_FALSE(refused("http://93.184.216.34/"));
  CHECK_FALSE(refused("http://direct.test/"));  // direct: the socket guard judges it
  CHECK(guarded.Plan("http://127.0.0.1/", false, "", false).refused->find("--deny-private") !=
        std::string::npos);
}

TEST_CASE("No setting, no work: the plan is the run's UA and timeout", "[request]") {
  FetchSettings s;
  RequestPlanner planner(s);
  RequestPlan p = planner.Plan("https://a.test/", false, "", false);
  CHECK(p.headers.empty());
  CHECK(p.cookie.empty());
  CHECK(p.proxy == nullptr);
  CHECK(p.userpwd == nullptr);
  CHECK_FALSE(p.netrc);
  CHECK(*p.user_agent == s.user_agent);
}

}  // namespace forage
