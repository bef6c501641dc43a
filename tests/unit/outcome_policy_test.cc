// The master's outcome policy: retries, redirects, robots.txt answers, as
// pure decisions with the random draw passed in.

#include "crawl/outcome_policy.h"

#include <catch2/catch.hpp>

namespace forage {
namespace {

using std::chrono::milliseconds;

Attempt Failed(ErrorKind kind, int status, int before, std::int64_t retry_after = -1) {
  return Attempt{kind, status, retry_after, before};
}

TEST_CASE("Retries: transient failures only, --retries times", "[policy]") {
  const RetryPolicy policy{2, milliseconds(1000)};
  CHECK(DecideRetry(policy, Failed(ErrorKind::kConnect, 0, 0), 1.0).retry);
  CHECK(DecideRetry(policy, Failed(ErrorKind::kTimeout, 0, 1), 1.0).retry);
  CHECK(DecideRetry(policy, Failed(ErrorKind::kHttp, 503, 0), 1.0).retry);
  CHECK(DecideRetry(policy, Failed(ErrorKind::kHttp, 429, 0), 1.0).retry);
  CHECK_FALSE(DecideRetry(policy, Failed(ErrorKind::kTimeout, 0, 2), 1.0).retry);  // used up
  CHECK_FALSE(DecideRetry(policy, Failed(ErrorKind::kHttp, 404, 0), 1.0).retry);
  CHECK_FALSE(DecideRetry(policy, Failed(ErrorKind::kDns, 0, 0), 1.0).retry);
  CHECK_FALSE(DecideRetry(policy, Failed(ErrorKind::kTls, 0, 0), 1.0).retry);
  CHECK_FALSE(DecideRetry(policy, Failed(ErrorKind::kNone, 200, 0), 1.0).retry);
  CHECK_FALSE(DecideRetry(RetryPolicy{0, milliseconds(1000)}, Failed(ErrorKind::kConnect, 0, 0), 1.0)
                  .retry);
}

TEST_CASE("Retries back off, doubling, with the jitter drawn", "[policy]") {
  const RetryPolicy policy{5, milliseconds(1000)};
  CHECK(DecideRetry(policy, Failed(ErrorKind::kConnect, 0, 0), 1.0).wait == milliseconds(1000));
  CHECK(DecideRetry(policy, Failed(ErrorKind::kConnect, 0, 1), 1.0).wait == milliseconds(2000));
  CHECK(DecideRetry(policy, Failed(ErrorKind::kConnect, 0, 2), 1.0).wait == milliseconds(4000));
  CHECK(DecideRetry(policy, Failed(ErrorKind::kConnect, 0, 2), 0.5).wait == milliseconds(2000));
  CHECK(DecideRetry(policy, Failed(ErrorKind::kConnect, 0, 2), 1.25).wait == milliseconds(5000));
  CHECK_FALSE(DecideRetry(policy, Failed(ErrorKind::kConnect, 0, 2), 1.0).pause_host);
}

TEST_CASE("Retries at --retries 100 wait at most five minutes", "[policy]") {
  // 1 << (attempts - 1) was undefined from 32 attempts on.
  const RetryPolicy policy{100, milliseconds(1000)};
  for (int before : {8, 9, 31, 32, 33, 63, 64, 99}) {
    CAPTURE(before);
    RetryDecision d = DecideRetry(policy, Failed(ErrorKind::kTimeout, 0, before), 1.49);
    CHECK(d.retry);
    CHECK(d.wait == RetryPolicy::kMaxWait);
  }
  CHECK(DecideRetry(policy, Failed(ErrorKind::kTimeout, 0, 7), 1.0).wait == milliseconds(128'000));
  CHECK_FALSE(DecideRetry(policy, Failed(ErrorKind::kTimeout, 0, 100), 1.0).retry);
}

TEST_CASE("Retry-After sets the wait, within the cap, and 429/503 pause the host", "[policy]") {
  const RetryPolicy policy{2, milliseconds(1000)};
  RetryDecision d = DecideRetry(policy, Failed(ErrorKind::kHttp, 429, 0, 7), 1.4);
  CHECK(d.retry);
  CHECK(d.wait == milliseconds(7000));  // as asked: no jitter
  CHECK(d.pause_host);
  CHECK(d.asked);
  d = DecideRetry(policy, Failed(ErrorKind::kHttp, 503, 0, 86400), 1.0);
  CHECK(d.wait == RetryPolicy::kMaxWait);
  d = DecideRetry(policy, Failed(ErrorKind::kHttp, 503, 0, 0), 1.0);
  CHECK(d.wait == milliseconds(0));
  d = DecideRetry(policy, Failed(ErrorKind::kHttp, 500, 0), 1.0);
  CHECK_FALSE(d.pause_host);
  CHECK_FALSE(d.asked);
  d = DecideRetry(policy, Failed(ErrorKind::kHttp, 503, 0), 1.0);
  CHECK(d.pause_host);  // paused for the back-off, not asked
  CHECK_FALSE(d.asked);
}

ScopeFilter HostScope() {
  return std::move(ScopeFilter::Create(ScopeMode::kHost, {}, {})).value();
}

Job PageJob(const std::string& url, int depth, const std::string& root) {
  Job job;
  job.input = url;
  job.depth = depth;
  job.scope_root = std::make_shared<const std::string>(root);
  return job;
}

TEST_CASE("Redirects are followed within scope, in ASCII", "[policy]") {
  ScopeFilter scope = HostScope();
  Job job = PageJob("http://a.test/x", 1, "a.test");
  RedirectDecision d = DecideRedirect(&job, "http://a.test/y#frag", scope, {});
  REQUIRE(d.target);
  CHECK(d.target->url == "http://a.test/y");
  CHECK(d.request_url == "http://a.test/y");
  CHECK(job.hops == 1);
  CHECK(job.chain.size() == 2);  // the job's own URL, then the target
  d = DecideRedirect(&job, "http://b\xc3\xbc.test/z", scope, {});
  CHECK(d.error == ErrorKind::kOutOfScope);
}

TEST_CASE("A redirect target loses its --strip-query parameters, also for loop detection",
          "[policy]") {
  ScopeFilter scope = HostScope();
  const QueryFilter strip = std::move(QueryFilter::Create({"utm_*"}, false)).value();
  Job job = PageJob("http://a.test/x", 1, "a.test");
  RedirectDecision d = DecideRedirect(&job, "http://a.test/y?utm_source=m&k=1#f", scope, strip);
  REQUIRE(d.target);
  CHECK(d.target->url == "http://a.test/y?k=1");
  CHECK(d.request_url == "http://a.test/y?k=1");
  // Back to where it started, tagged: a loop.
  job.current_url = d.request_url;
  d = DecideRedirect(&job, "http://a.test/x?utm_campaign=c", scope, strip);
  CHECK(d.error == ErrorKind::kRedirectLoop);
  // Without the filter the tagged URL is another one.
  Job plain = PageJob("http://a.test/x", 1, "a.test");
  d = DecideRedirect(&plain, "http://a.test/x?utm_campaign=c", scope, {});
  REQUIRE(d.target);
  CHECK(d.request_url == "http://a.test/x?utm_campaign=c");
}

TEST_CASE("A listed URL follows redirects anywhere and takes the scope of where it lands",
          "[policy]") {
  ScopeFilter scope = HostScope();
  Job job = PageJob("http://a.test/", 0, "a.test");
  RedirectDecision d = DecideRedirect(&job, "http://m\xc3\xbcnchen.test/", scope, {});
  REQUIRE(d.target);
  CHECK(d.request_url == "http://xn--mnchen-3ya.test/");
  CHECK(*job.scope_root == "xn--mnchen-3ya.test");
}

TEST_CASE("Redirect loops, long chains and bad targets end the record", "[policy]") {
  ScopeFilter scope = HostScope();
  Job job = PageJob("http://a.test/1", 0, "a.test");
  REQUIRE(DecideRedirect(&job, "http://a.test/2", scope, {}).target);
  job.current_url = "http://a.test/2";
  RedirectDecision d = DecideRedirect(&job, "http://a.test/1", scope, {});
  CHECK(d.error == ErrorKind::kRedirectLoop);
  CHECK(d.message == "redirect loop back to http://a.test/1");

  Job chain = PageJob("http://a.test/0", 0, "a.test");
  for (int i = 1; i <= kMaxRedirects; ++i) {
    REQUIRE(DecideRedirect(&chain, "http://a.test/" + std::to_string(i), scope, {}).target);
  }
  d = DecideRedirect(&chain, "http://a.test/next", scope, {});
  CHECK(d.error == ErrorKind::kRedirectLoop);
  CHECK(d.message == "more than 10 redirects");

  Job other = PageJob("http://a.test/", 0, "a.test");
  CHECK(DecideRedirect(&other, "ftp://a.test/", scope, {}).error == ErrorKind::kUnsupportedScheme);
  CHECK(DecideRedirect(&other, "http://[::1", scope, {}).error == ErrorKind::kInvalidUrl);
  CHECK(
      DecideRedirect(&other, "http://a.test/" + std::string(kMaxUrlBytes, 'a'), scope, {}).error ==
      ErrorKind::kInvalidUrl);
}

TEST_CASE("robots.txt answers: rules, allow all, or off limits with a reason", "[policy]") {
  RobotsVerdict v = JudgeRobots(ErrorKind::kNone, 200, "",
                                "User-agent: *\nDisallow: /private\nCrawl-delay: 90\n", "forage", 0);
  CHECK_FALSE(v.rules.IsAllowed("/private/x"));
  CHECK(v.rules.IsAllowed("/public"));
  CHECK(v.denial == ErrorKind::kRobots);
  REQUIRE(v.crawl_delay);
  CHECK(*v.crawl_delay == milliseconds(30'000));  // capped

  v = JudgeRobots(ErrorKind::kHttp, 404, "HTTP 404", "", "forage", 0);
  CHECK(v.rules.IsAllowed("/anything"));
  CHECK_FALSE(v.crawl_delay);

  v = JudgeRobots(ErrorKind::kHttp, 503, "HTTP 503", "", "forage", 2);
  CHECK_FALSE(v.rules.IsAllowed("/"));
  CHECK(v.denial == ErrorKind::kRobotsUnavailable);
  CHECK(v.message ==
        "robots.txt is unavailable (HTTP 503 after 3 tries), so the host is off limits for this run");

  v = JudgeRobots(ErrorKind::kTimeout, 200, "timed out after 1000 ms", "", "forage", 0);
  CHECK(v.denial == ErrorKind::kRobotsUnavailable);
  CHECK(v.message.find("timeout: timed out after 1000 ms") != std::string::npos);

  v = JudgeRobots(ErrorKind::kDns, 0, "no such host", "", "forage", 0);
  CHECK_FALSE(v.rules.IsAllowed("/"));
  CHECK(v.denial == ErrorKind::kDns);
  CHECK(v.message == "cannot reach the host for robots.txt: no such host");

  v = RobotsLost("the fetcher process died twice");
  CHECK_FALSE(v.rules.IsAllowed("/"));
  CHECK(v.denial == ErrorKind::kWorkerCrash);
}

}  // namespace
}  // namespace forage
