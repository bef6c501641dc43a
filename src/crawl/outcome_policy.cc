#include "crawl/outcome_policy.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/utf8.h"
#include "core/whatwg_url.h"

namespace forage {

RetryDecision DecideRetry(const RetryPolicy& policy, const Attempt& a, double jitter) {
  RetryDecision d;
  const bool transient = a.error == ErrorKind::kConnect || a.error == ErrorKind::kTimeout ||
                         (a.error == ErrorKind::kHttp && (a.status == 429 || a.status >= 500));
  if (!transient || a.attempts_before >= policy.retries) return d;
  d.retry = true;
  using std::chrono::milliseconds;
  const milliseconds cap = RetryPolicy::kMaxWait;
  if (a.retry_after_s >= 0) {
    d.asked = true;
    d.wait = a.retry_after_s >= cap.count() / 1000 ? cap
                                                    : milliseconds(a.retry_after_s * 1000);
  } else {
    // first_wait x 2^attempts_before, in floating point: no shift overflows
    // at --retries 100, and the cap applies before the jitter can push it over.
    const double doubled = static_cast<double>(policy.first_wait.count()) *
                           std::ldexp(1.0, std::min(a.attempts_before, 62));
    const double ms = std::min(doubled * std::clamp(jitter, 0.5, 1.5),
                               static_cast<double>(cap.count()));
    d.wait = milliseconds(static_cast<long long>(ms));
  }
  d.pause_host = a.status == 429 || a.status == 503;
  return d;
}

RedirectDecision DecideRedirect(Job* job, std::string_view location, const ScopeFilter& scope,
                                const QueryFilter& strip) {
  RedirectDecision d;
  auto end = [&](ErrorKind kind, std::string message) {
    d.error = kind;
    d.message = std::move(message);
    return d;
  };
  if (location.size() > kMaxUrlBytes) {
    return end(ErrorKind::kInvalidUrl, "redirect to a URL of " + std::to_string(location.size()) +
                                           " bytes; the limit is " + std::to_string(kMaxUrlBytes));
  }
  Result<WhatwgUrl> parsed = WhatwgUrl::Parse(location);
  if (!parsed.ok()) {
    return end(ErrorKind::kInvalidUrl, "redirect to an invalid URL (" + parsed.status().message() +
                                           "): " + MakeValidUtf8(location));
  }
  std::string request_url = parsed.value().Serialize(/*exclude_fragment=*/true);
  std::optional<CanonicalUrl> target;
  if (std::optional<std::string> stripped = strip.Strip(request_url)) {
    request_url = std::move(*stripped);
    target = Canonicalize(request_url);
  } else {
    target = CanonicalOf(parsed.value());
  }
  if (!target) {
    return end(ErrorKind::kUnsupportedScheme,
               "redirect to a URL that is not http(s): " + MakeValidUtf8(location));
  }
  if (++job->hops > kMaxRedirects) {
    return end(ErrorKind::kRedirectLoop,
               "more than " + std::to_string(kMaxRedirects) + " redirects");
  }
  const std::uint64_t fingerprint = UrlFingerprint(target->url);
  if (job->chain.empty()) {  // the chain starts at the job's own URL
    if (std::optional<CanonicalUrl> self = Canonicalize(job->Url())) {
      job->chain.push_back(UrlFingerprint(self->url));
    }
  }
  if (std::find(job->chain.begin(), job->chain.end(), fingerprint) != job->chain.end()) {
    return end(ErrorKind::kRedirectLoop, "redirect loop back to " + target->url);
  }
  job->chain.push_back(fingerprint);
  if (job->depth == 0) {
    // A listed URL's descendants are judged by where it really lives.
    job->scope_root = std::make_shared<const std::string>(scope.RootOf(target->host()));
  } else if (!scope.InScope(*job->scope_root, target->host())) {
    return end(ErrorKind::kOutOfScope, "redirect to " + target->url + " leaves the crawl's scope");
  }
  d.request_url = std::move(request_url);
  d.target = std::move(target);
  return d;
}

RobotsVerdict JudgeRobots(ErrorKind error, int status, std::string_view error_message,
                          std::string_view body, std::string_view user_agent, int attempts) {
  RobotsVerdict v;
  if (error == ErrorKind::kNone && status >= 200 && status < 300) {
    v.rules = RobotsRules::Parse(body, user_agent);
    v.basis = RobotsVerdict::Basis::kParsed;
    v.body = body.substr(0, RobotsRules::kMaxBytes);
    if (std::optional<double> delay = v.rules.CrawlDelay()) {
      v.crawl_delay =
          std::chrono::milliseconds(static_cast<long long>(std::min(*delay, 30.0) * 1000));
    }
    return v;
  }
  if (error == ErrorKind::kNone || (error == ErrorKind::kHttp && status < 500)) {
    v.message.clear();  // nothing is disallowed
    return v;
  }
  v.rules = RobotsRules::DisallowAll();
  v.basis = RobotsVerdict::Basis::kDisallowAll;
  const bool unreachable = error == ErrorKind::kDns || error == ErrorKind::kConnect ||
                           error == ErrorKind::kTls || error == ErrorKind::kBlocked;
  if (unreachable) {
    v.denial = error;
    v.message = "cannot reach the host for robots.txt: " + std::string(error_message);
    return v;
  }
  // What went wrong, not the status alone: a robots.txt trickling past
  // --timeout had answered 200 before it timed out.
  const std::string what = error == ErrorKind::kHttp
                               ? "HTTP " + std::to_string(status)
                               : std::string(ErrorKindName(error)) + ": " +
                                     std::string(error_message);
  const std::string tries =
      attempts > 0 ? " after " + std::to_string(attempts + 1) + " tries" : "";
  v.denial = ErrorKind::kRobotsUnavailable;
  v.message = "robots.txt is unavailable (" + MakeValidUtf8(what) + tries +
              "), so the host is off limits for this run";
  return v;
}

RobotsVerdict RobotsLost(const std::string& failure) {
  RobotsVerdict v;
  v.rules = RobotsRules::DisallowAll();
  v.basis = RobotsVerdict::Basis::kDisallowAll;
  v.denial = ErrorKind::kWorkerCrash;
  v.message = "robots.txt could not be fetched: " + failure;
  return v;
}

}  // namespace forage
