#pragma once

// --canonical (CrawlOptions::canonical): what becomes of a page that names
// another URL as its canonical one. Pure decisions; the master
// (master_canonical.cc) admits the URL and applies them.

#include <optional>
#include <string>

#include "crawl/frontier.h"
#include "crawl/job_table.h"
#include "forage/record.h"

namespace forage {

// The canonical URL the record of `job` names, when it is not the page's
// own: not its final URL, nor the URL it was asked by, nor any URL of its
// redirect chain (compared in canonical form, Canonicalize). nullopt when
// the record is an error, names no canonical URL, or names the page itself.
std::optional<std::string> OtherCanonical(const Job& job, const Record& record);

// Whether admitting the canonical URL as a link said that it has, or will
// have, a record of its own: queued now, seen before in this run, or
// recorded recently by an earlier pass (--state, not due). Refused or ended
// at once (a robots.txt refusal: its record is no page) it has none.
bool CanonicalHasRecord(Admission admission);

// Makes `record`, an ok page's whose canonical URL has a record of its own,
// a duplicate: kind "duplicate", "duplicate of URL"; all else is kept.
void MarkDuplicate(Record* record);

}  // namespace forage
