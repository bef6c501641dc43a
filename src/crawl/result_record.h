#pragma once

#include "crawl/job_table.h"
#include "forage/crawler.h"
#include "forage/record.h"
#include "ipc/wire.h"

namespace forage {

// The record of a page job's last hop, from its fetcher's result (whose
// strings are moved out). The job's own fields (url, depth, parent) are
// filled in when the record is emitted.
Record RecordOfResult(const Job& job, wire::FetchResult& result);

// The record of a hop that redirected to `result.redirect_url`, should the
// job end there.
Record RecordOfRedirect(const Job& job, const wire::FetchResult& result);

// Counts a record into the run's summary.
void Tally(const Record& record, CrawlSummary* summary);

}  // namespace forage
