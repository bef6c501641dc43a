#include "crawl/canonical_duplicate.h"

#include <algorithm>

#include "core/url.h"

namespace forage {

std::optional<std::string> OtherCanonical(const Job& job, const Record& record) {
  if (record.error || !record.canonical) return std::nullopt;
  std::optional<CanonicalUrl> canonical = Canonicalize(*record.canonical);
  if (!canonical) return std::nullopt;
  // The same URL in another spelling ("HTTP://Host:80/a" for
  // "http://host/a") is the page itself.
  auto same = [&canonical](const std::string& url) {
    std::optional<CanonicalUrl> other = Canonicalize(url);
    return other && other->url == canonical->url;
  };
  if ((record.final_url && same(*record.final_url)) || same(job.input) ||
      (!job.current_url.empty() && same(job.current_url))) {
    return std::nullopt;
  }
  // A redirect's hop has no record of its own: this one is its record.
  if (std::find(job.chain.begin(), job.chain.end(), UrlFingerprint(canonical->url)) !=
      job.chain.end()) {
    return std::nullopt;
  }
  return *record.canonical;
}

bool CanonicalHasRecord(Admission admission) {
  return admission == Admission::kQueued || admission == Admission::kSeen ||
         admission == Admission::kNotDue;
}

void MarkDuplicate(Record* record) {
  record->error = RecordError{ErrorKind::kDuplicate, "duplicate of " + *record->canonical};
}

}  // namespace forage
