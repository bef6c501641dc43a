// What the fetchers send the master: frames (a request sent, a result) and
// deaths. A result ends its claim one of four ways: tried again later, a
// robots.txt answer for its origin, a redirect's next hop, or a record.

#include <algorithm>
#include <cstdio>

#include "core/host_match.h"
#include "core/log.h"
#include "core/time_format.h"
#include "crawl/master.h"
#include "crawl/outcome_policy.h"
#include "crawl/result_record.h"

namespace forage {
namespace {

using Clock = std::chrono::steady_clock;

// "10", "0.5", "2.25": seconds as a person would write them.
std::string SecondsText(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}

}  // namespace

void Master::HandleEvent(const FetcherSupervisor::Event& event) {
  if (event.kind == FetcherSupervisor::Event::Kind::kDeath) return OnDeath(event);
  if (!HandleFrame(event.slot, event.frame)) fetchers->Kill(event.slot, "sent a corrupt frame");
}

// One frame from `slot`; false if it cannot be decoded.
bool Master::HandleFrame(std::size_t slot, std::string_view payload) {
  if (std::optional<wire::RequestSent> sent = wire::DecodeSent(payload)) {
    // The same clock in every process; a time from the future (impossible
    // but for a bug) must not hold the host back.
    const Clock::time_point at = std::min(
        Clock::now(), Clock::time_point(std::chrono::duration_cast<Clock::duration>(
                          std::chrono::nanoseconds(sent->sent_ns))));
    if (jobs.IsAssigned(sent->id, slot)) frontier->Sent(*jobs.Find(sent->id), at);
    return true;
  }
  if (std::optional<std::uint32_t> serial = wire::DecodeWarcOpened(payload)) {
    if (warc) warc->Opened(slot, *serial);
    return true;
  }
  std::optional<wire::FetchResult> result = wire::DecodeResult(payload);
  if (!result) return false;
  HandleResult(slot, *result);
  return true;
}

void Master::HandleResult(std::size_t slot, wire::FetchResult& r) {
  if (!jobs.IsAssigned(r.id, slot)) {
    LogWarn("fetcher " + std::to_string(slot) + " reported job " + std::to_string(r.id) +
            ", which it does not hold; ignored");
    return;
  }
  if (!r.warc_error.empty()) {
    // The archive cannot hold this exchange: the run stops, as for a failed
    // output, and the URL stays unfinished (its records were cut off).
    StopFor(Status::IOError("--warc: " + r.warc_error));
    return;
  }
  if (warc && r.warc.length > 0) warc->Taken(slot, r.warc.serial, r.warc.offset + r.warc.length);
  deaths_since_progress = 0;
  ++summary.results_per_fetcher[slot];
  const Clock::time_point now = Clock::now();
  Job job = jobs.Complete(r.id);
  // Cookies count from the response that set them, whatever comes of it (a
  // login often answers with a redirect).
  if (!r.set_cookies.empty()) session->Absorb(r, UnixMillisNow() / 1000);
  if (!job.first_fetched_at_ms) job.first_fetched_at_ms = r.fetched_at_ms;
  // robots.txt gets the same retries as a page before its answer counts.
  if (Retry(job, r, now)) return;
  Ended ended;
  if (job.robots) {
    // The rules are matched against the User-Agent the host's requests send.
    const HostSettings* table =
        job.host && !options.fetch.hosts.empty() ? MatchHostSettings(options.fetch.hosts, *job.host)
                                                 : nullptr;
    const std::string& agent =
        table && table->user_agent ? *table->user_agent : options.fetch.user_agent;
    RobotsVerdict verdict = JudgeRobots(r.error, r.status, r.error_message, r.body, agent,
                                        job.attempts);
    frontier->PutRobots(std::move(job), std::move(verdict), now, &ended);
    return EmitEnded(ended);
  }
  if (job.sitemap > 0) return SitemapRead(std::move(job), r);
  if (!r.redirect_url.empty()) return Redirected(std::move(job), r, now);
  Record rec = RecordOfResult(job, r);
  const bool follow = !rec.error && options.depth > job.depth;
  StateStore::Outcome outcome;
  if (rec.unchanged) {
    outcome.unchanged = true;
  } else if (!rec.error) {
    outcome.etag = std::move(r.etag);
    outcome.last_modified = std::move(r.last_modified);
    if (follow) outcome.links = rec.links;
  }
  LinkSource from;  // what the page's links inherit
  std::vector<std::string> links;
  if (follow) {
    from.depth = job.depth;
    from.scope_root = job.scope_root;
    from.url = std::make_shared<const std::string>(*rec.final_url);
    links = rec.unchanged ? frontier->KnownLinks(job) : rec.links;
  }
  if (options.canonical) AdmitCanonical(job, rec, &ended);
  // Links first: a master killed between the two has its page fetched
  // again (its lease lapses), never its links forgotten. What the links
  // end at once follows the page's record.
  if (!links.empty()) frontier->AdmitLinks(from, links, &ended);
  Emit(std::move(job), std::move(rec), std::move(outcome));
  EmitEnded(ended);
}

bool Master::Retry(Job& job, const wire::FetchResult& r, Clock::time_point now) {
  std::uniform_real_distribution<double> spread(0.5, 1.5);
  const RetryDecision d = DecideRetry(RetryPolicy{options.retries, options.retry_wait},
                                      Attempt{r.error, r.status, r.retry_after_s, job.attempts},
                                      spread(jitter));
  if (!d.retry) return false;
  ++job.attempts;
  ++summary.retries;
  if (d.pause_host) {
    frontier->PauseHost(*job.host, now + d.wait);
    if (d.asked) holds.Add(*job.host, now, now + d.wait);
  }
  LogDebug("retrying " + job.Url() + " in " + std::to_string(d.wait.count()) + " ms (" +
           std::string(ErrorKindName(r.error)) + ", attempt " + std::to_string(job.attempts + 1) +
           ")");
  job.elapsed_ms += r.elapsed_ms;
  frontier->RetryAt(std::move(job), now + d.wait, now);
  return true;
}

// The hop's record is written only if the redirect is not followed.
void Master::Redirected(Job job, const wire::FetchResult& r, Clock::time_point now) {
  Record rec = RecordOfRedirect(job, r);
  job.elapsed_ms += r.elapsed_ms;
  Ended ended;
  std::optional<Frontier::Stopped> stopped =
      frontier->Redirect(std::move(job), r.redirect_url, now, &ended);
  if (stopped) {
    if (stopped->error) rec.error = std::move(stopped->error);
    Emit(std::move(stopped->job), std::move(rec));
  }
  EmitEnded(ended);
}

// A fetcher is gone. Its jobs go back to the frontier once; a job it held
// through a second death fails, and so does the culprit, the page that got
// it killed. A fetcher that died in the middle of a parse (a crash, or out
// of memory) was most likely killed by that page: then only that page
// counts the death, and the others go back as they were.
void Master::OnDeath(const FetcherSupervisor::Event& death) {
  // Records it wrote for results it never sent go: those URLs are fetched
  // (and archived) again.
  if (warc) {
    if (Status st = warc->Gone(death.slot); !st.ok()) StopFor(Status::IOError("--warc: " + st.message()));
  }
  std::vector<JobId> held = jobs.TakeAssigned(death.slot);
  JobId parsing = death.parsing;
  if (std::find(held.begin(), held.end(), parsing) == held.end()) parsing = 0;
  ++summary.worker_deaths;
  LogWarn("fetcher " + std::to_string(death.slot) + " " + death.why + " while holding " +
          std::to_string(held.size()) + " URL(s)" +
          (death.torn ? "; dropped a torn frame of " + std::to_string(death.torn) + " bytes"
                      : ""));
  const Clock::time_point now = Clock::now();
  for (JobId id : held) {
    Job job = jobs.Complete(id);
    std::string failure;
    if (id == death.culprit) {
      failure = "parsing the page took longer than --parse-timeout (" +
                SecondsText(options.parse_timeout) + " s)";
    } else if (death.culprit == 0 && (parsing == 0 || parsing == id) && ++job.deaths >= 2) {
      failure = "the fetcher process died twice while " +
                std::string(parsing == id ? "parsing this page" : "fetching this URL") +
                " (last " + death.why + ")";
    }
    if (failure.empty()) {
      frontier->Return(std::move(job), now);
      continue;
    }
    deaths_since_progress = 0;  // a job reached its end: the run moves on
    if (job.robots) {
      Ended ended;
      frontier->PutRobots(std::move(job), RobotsLost(failure), now, &ended);
      EmitEnded(ended);
    } else {
      Fail(std::move(job), ErrorKind::kWorkerCrash, failure);
    }
  }
  if (!stopping) Respawn(death.slot);
}

void Master::Respawn(std::size_t slot) {
  // Fetchers that die without completing anything (say, they cannot start
  // at all) must not be respawned forever; every job that ends, even as
  // worker_crash, counts as progress.
  if (++deaths_since_progress > 3 * workers + 3) {
    if (!pool_lost) LogError("fetcher processes keep dying without doing any work; giving up");
    pool_lost = true;
    return;
  }
  if (Status st = fetchers->Respawn(slot); !st.ok()) {
    LogError("cannot restart fetcher " + std::to_string(slot) + ": " + st.message());
  }
}

}  // namespace forage
