#include "crawl/result_record.h"

#include <string>

#include "core/utf8.h"

namespace forage {

Record RecordOfResult(const Job& job, wire::FetchResult& r) {
  Record rec;
  rec.final_url = MakeValidUtf8(r.final_url);
  if (r.status > 0) rec.status = r.status;
  if (!r.content_type.empty()) rec.content_type = MakeValidUtf8(r.content_type);
  rec.bytes = r.bytes;
  rec.elapsed_ms = job.elapsed_ms + r.elapsed_ms;
  rec.title = std::move(r.title);
  rec.description = std::move(r.description);
  rec.links = std::move(r.links);
  for (auto& [name, values] : r.fields) rec.fields[name] = std::move(values);
  rec.text = std::move(r.text);
  rec.truncated = std::move(r.truncated);
  rec.headers = std::move(r.headers);
  if (!r.saved.empty()) rec.saved = MakeValidUtf8(r.saved);
  if (!r.sha256.empty()) rec.sha256 = std::move(r.sha256);
  rec.noindex = r.noindex;
  if (!r.canonical.empty()) rec.canonical = MakeValidUtf8(r.canonical);
  // The one copy of a kept body in the master: it goes with the record to
  // the record callback and is freed with it.
  if (r.page_body) rec.body = std::move(r.body);
  if (r.error != ErrorKind::kNone) rec.error = RecordError{r.error, MakeValidUtf8(r.error_message)};
  rec.fetched_at_ms = job.first_fetched_at_ms;
  // A 304 answers the validators a revisit sent: the page is as the state
  // last saw it, links included.
  rec.unchanged =
      !rec.error && rec.status == 304 && !(job.etag.empty() && job.last_modified.empty());
  return rec;
}

Record RecordOfRedirect(const Job& job, const wire::FetchResult& r) {
  Record rec;
  rec.final_url = MakeValidUtf8(r.redirect_url);
  rec.status = r.status;
  rec.elapsed_ms = job.elapsed_ms + r.elapsed_ms;
  if (!r.content_type.empty()) rec.content_type = MakeValidUtf8(r.content_type);
  return rec;
}

void Tally(const Record& record, CrawlSummary* s) {
  ++s->records;
  if (!record.truncated.empty()) ++s->truncated;
  s->bytes += record.bytes;
  ++s->by_status[record.status.value_or(0)];
  if (record.ok) {
    ++s->ok;
  } else if (IsFailure(record.error->kind)) {
    ++s->failed;
  } else {
    ++s->skipped;
  }
  if (record.error) {
    ++s->by_error[std::string(ErrorKindName(record.error->kind))];
    if (record.error->kind == ErrorKind::kRobots) ++s->robots_denied;
  }
}

}  // namespace forage
