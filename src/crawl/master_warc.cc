// The master's side of --warc: the fetchers write the set's files, the
// master keeps the account of what is in them (WarcLedger).

#include "core/log.h"
#include "crawl/master.h"

namespace forage {

// The set's files left by earlier runs are repaired before any fetcher
// writes beside them.
Status Master::OpenWarc() {
  warc.reset();
  if (options.fetch.warc.path.empty()) return {};
  warc.emplace(options.fetch.warc.path);
  Result<std::vector<std::string>> said = warc->Prepare();
  if (!said.ok()) return said.status();
  for (const std::string& line : said.value()) LogWarn("--warc: " + line);
  return {};
}

// Every fetcher is gone: what they wrote past the records of the results
// taken is cut off.
void Master::CloseWarc() {
  if (!warc) return;
  if (Status st = warc->Finish(); !st.ok()) StopFor(Status::IOError("--warc: " + st.message()));
}

}  // namespace forage
