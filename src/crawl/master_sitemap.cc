// What a sitemap job (--sitemaps) brings back: a record of its own, and the
// URLs it lists, admitted as its links (or, from an index, as sitemaps).

#include "core/log.h"
#include "core/time_format.h"
#include "crawl/master.h"
#include "crawl/result_record.h"

namespace forage {
namespace {

constexpr std::uint8_t kSitemapIndex = 2;  // wire::FetchResult::sitemap_kind

}  // namespace

void Master::SitemapRead(Job job, wire::FetchResult& r) {
  const Clock::time_point now = Clock::now();
  if (job.GuessedSitemap() && r.error != ErrorKind::kNone && r.links.empty()) {
    // A guess that found no sitemap (a 404, a page that is no sitemap) is no
    // news: no record, and with a state it is done for this pass.
    LogDebug("no sitemap at " + job.Url() + " (" + std::string(ErrorKindName(r.error)) + ")");
    StateStore::Outcome outcome;
    outcome.at_ms = UnixMillisNow();
    return frontier->Finish(job, state && fatal.ok() ? &outcome : nullptr, now);
  }
  std::vector<std::int64_t> lastmods = std::move(r.lastmods);
  for (std::int64_t& at : lastmods) {
    if (at == wire::kNoLastmod) at = 0;
  }
  const bool index = r.sitemap_kind == kSitemapIndex;
  Record rec = RecordOfResult(job, r);
  Ended ended;
  if (!rec.links.empty()) {
    // Links first, as for a page: a master killed between the two reads the
    // sitemap again, and never forgets what it listed.
    LinkSource from;
    from.depth = 0;
    from.scope_root = job.scope_root;
    from.url = std::make_shared<const std::string>(rec.final_url ? *rec.final_url : job.Url());
    frontier->AdmitSitemapEntries(from, job.sitemap, index, rec.links, lastmods, &ended);
  }
  Emit(std::move(job), std::move(rec));
  EmitEnded(ended);
}

}  // namespace forage
