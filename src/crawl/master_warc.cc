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
  // An archive that cannot be set up is an output that cannot be opened:
  // the user's to fix, exit 2 like -o or --state, before anything is fetched.
  if (!said.ok()) return Status::InvalidArgument(said.status().message());
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
