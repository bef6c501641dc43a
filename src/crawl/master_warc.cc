// The master's side of --warc: the fetchers write the set's files, the
// master keeps the account of what is in them (WarcLedger).

#include "core/log.h"
#include "crawl/master.h"

namespace forage {

namespace {
// The state's session entry holding the set's committed lengths.
constexpr std::string_view kStateKey = "warc";
}  // namespace

// The set's files left by earlier runs are repaired before any fetcher
// writes beside them.
Status Master::OpenWarc() {
  warc.reset();
  if (options.fetch.warc.path.empty()) return {};
  warc.emplace(options.fetch.warc.path);
  warc->set_cdx(options.fetch.warc.cdx);
  std::optional<std::string> stored;
  if (state) stored = state->GetSession(kStateKey);
  Result<std::vector<std::string>> said = warc->Prepare(stored, state != nullptr);
  // An archive that cannot be set up is an output that cannot be opened:
  // the user's to fix, exit 2 like -o or --state, before anything is fetched.
  if (!said.ok()) return Status::InvalidArgument(said.status().message());
  for (const std::string& line : said.value()) LogWarn("--warc: " + line);
  if (state && !stored) {
    // The state's id must be durable before any file carries it, or a run
    // killed before its first commit would leave files the next cannot
    // tell from another run's. No record is written yet: nothing committed
    // here runs ahead of the output.
    StoreWarc();
    if (Status st = state->Commit(); !st.ok()) return st;
  }
  // The warcinfo of each file: the run's settings (never a secret).
  std::string info;
  auto field = [&info](std::string_view name, const std::string& value) {
    info += std::string(name) + ": " + value + "\r\n";
  };
  field("http-header-user-agent", options.fetch.user_agent);
  field("robots", options.robots ? "obey" : "ignore");
  field("forage-depth", std::to_string(options.depth));
  if (!warc->state_id().empty()) field("forage-state", warc->state_id());
  options.fetch.warc.info = info;
  return {};
}

// Every fetcher is gone: what they wrote past the records of the results
// taken is cut off.
void Master::CloseWarc() {
  if (!warc) return;
  if (Status st = warc->Finish(); !st.ok()) StopFor(Status::IOError("--warc: " + st.message()));
}

// With a state, each commit holds the set's committed lengths, matched by
// the records it marks done.
void Master::StoreWarc() {
  if (warc && state) state->SetSession(kStateKey, warc->Serialize());
}

}  // namespace forage
