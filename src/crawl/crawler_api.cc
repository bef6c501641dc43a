// forage::Crawler (include/forage/crawler.h), the library's face: a thin
// shell over the Master (crawl/master.h), and the state a run with
// CrawlOptions::state_path holds itself.

#include <unistd.h>

#include <algorithm>

#include "core/time_format.h"
#include "crawl/crawler_internals.h"
#include "crawl/master.h"
#include "forage/crawler.h"
#include "state/state_store.h"

namespace forage {

struct Crawler::Impl : Master {
  using Master::Master;
};

Crawler::Crawler(CrawlOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Crawler::~Crawler() = default;

void Crawler::AddSeed(std::string url) { impl_->source.AddUrl(std::move(url)); }
Status Crawler::AddSeedFile(const std::string& path) { return impl_->source.AddFile(path); }
void Crawler::OnAdmit(std::function<bool(std::string_view url, int depth)> filter) {
  impl_->on_admit = std::move(filter);
}
void Crawler::OnRecord(std::function<Status(const Record&)> callback) {
  impl_->on_record = std::move(callback);
}
void Crawler::OnProgress(std::function<void(const CrawlProgress&)> callback,
                         std::chrono::milliseconds every) {
  impl_->on_progress = std::move(callback);
  impl_->progress_every = std::max(every, std::chrono::milliseconds(1));
}
void CrawlerInternals::UseNodeOutput(Crawler& crawler, NodeOutput* output) {
  crawler.impl_->node_output = output;
}
void CrawlerInternals::UseState(Crawler& crawler, StateStore* state, bool commit_each_record) {
  crawler.impl_->state = state;
  crawler.impl_->commit_each_record = commit_each_record;
}
void Crawler::OnCommit(std::function<Status()> commit) { impl_->on_commit = std::move(commit); }

Result<CrawlSummary> Crawler::Run() {
  if (impl_->options.state_path.empty()) return impl_->Run();
  // CrawlOptions::state_path: this run holds the state and its pass itself.
  // Records go to OnRecord, which cannot be cut back, so a commit comes
  // after OnCommit has made them durable, and a kill repeats at most what
  // came after the last commit.
  if (impl_->state) {
    return Status::InvalidArgument(
        "CrawlOptions::state_path is set, and a state is in use already");
  }
  auto opened = StateStore::Open(impl_->options.state_path);
  if (!opened.ok()) return opened.status();
  std::unique_ptr<StateStore> store = std::move(opened).value();
  if (auto pass = store->BeginPass(UnixMillisNow()); !pass.ok()) return pass.status();
  impl_->state = store.get();
  impl_->commit_each_record = false;
  Result<CrawlSummary> run = impl_->Run();
  impl_->state = nullptr;
  // Every record of the pass is out and committed: the next run begins anew.
  if (run.ok() && !run.value().interrupted) {
    if (Status st = store->FinishPass(UnixMillisNow()); !st.ok()) return st;
  }
  return run;
}

const CrawlSummary& Crawler::LastSummary() const { return impl_->summary; }

void Crawler::RequestStop() {
  impl_->stop_requested.store(true);
  char byte = 1;
  [[maybe_unused]] ssize_t n = ::write(impl_->stop_write.get(), &byte, 1);
}

}  // namespace forage
