#include "crawl/request_session.h"

#include <algorithm>

#include "core/log.h"
#include "core/time_format.h"
#include "core/url.h"
#include "fetch/request_plan.h"

namespace forage {
namespace {

bool HasSecretHeader(const std::vector<std::string>& headers) {
  return std::any_of(headers.begin(), headers.end(),
                     [](const std::string& line) { return IsSecretHeader(HeaderName(line)); });
}

}  // namespace

RequestSession::RequestSession(const CrawlOptions& options) : cookies_(options.fetch.cookies) {
  const FetchSettings& f = options.fetch;
  // Host tables trust a listed http origin too (their secrets go over
  // plain http only there).
  needs_trust_ = !f.credentials.empty() || !f.netrc_file.empty() || HasSecretHeader(f.headers) ||
                 !f.hosts.empty();
}

void RequestSession::NoteListed(std::string_view url) {
  if (!needs_trust_) return;
  // The origin as the frontier computes a job's (Job::origin).
  CheckedUrl checked = CheckInputUrl(url);
  if (checked.error) return;
  if (std::optional<CanonicalUrl> canonical = Canonicalize(checked.url)) {
    trusted_.emplace(canonical->origin());
  }
}

bool RequestSession::Trusted(const std::string& origin) const {
  return !trusted_.empty() && trusted_.count(origin) > 0;
}

Status RequestSession::LoadJar(std::string_view text, std::string_view where,
                               std::int64_t now_s) {
  Status st = jar_.Load(text, where, now_s);
  changed_ = false;
  return st;
}

std::string RequestSession::SaveJar(std::int64_t now_s) const { return jar_.Save(now_s); }

void RequestSession::Shape(const Job& job, wire::FetchJob* fetch) {
  if (needs_trust_ && job.origin) fetch->trusted = Trusted(*job.origin);
  if (cookies_ && !job.robots && !jar_.empty()) {
    fetch->cookie = jar_.HeaderFor(fetch->url, UnixMillisNow() / 1000);
  }
}

void RequestSession::Absorb(const wire::FetchResult& result, std::int64_t now_s) {
  if (!cookies_) return;
  for (const std::string& set_cookie : result.set_cookies) {
    std::string why;
    if (jar_.SetFromHeader(result.final_url, set_cookie, now_s, &why)) {
      changed_ = true;
    } else if (!why.empty()) {
      LogDebug("cookie from " + result.final_url + " ignored: " + why);
    }
  }
}

}  // namespace forage
