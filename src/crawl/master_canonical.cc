// --canonical: a page naming another URL as canonical has that URL admitted,
// and is a duplicate when the URL has a record of its own (see
// canonical_duplicate.h for the decisions).

#include <memory>

#include "crawl/canonical_duplicate.h"
#include "crawl/master.h"

namespace forage {

void Master::AdmitCanonical(const Job& job, Record& rec, Ended* ended) {
  std::optional<std::string> canonical = OtherCanonical(job, rec);
  if (!canonical) return;
  // A link of the page found at the page's own depth: --depth cannot keep
  // out a URL standing for a page that was let in. Scope, patterns,
  // --max-pages, the admit filter and the seen set judge it as any link.
  LinkSource from;
  from.depth = job.depth - 1;
  from.scope_root = job.scope_root;
  from.url = std::make_shared<const std::string>(*rec.final_url);
  if (CanonicalHasRecord(frontier->AdmitLink(from, *canonical, ended))) MarkDuplicate(&rec);
}

}  // namespace forage
