// state: a scheduled crawl with a state, built against the installed forage
// package. Each run prints "url status" for each record, then the run's
// counts. A run that is stopped (Ctrl-C, or --stop-after) leaves its pass
// unfinished, and the next run with the same state goes on with it: every
// URL gets one record across the two. A run that completes finishes the
// pass; the next one begins a new pass, which fetches again only the pages
// recorded at least --recrawl-after seconds ago, conditionally.
//
//   cmake -S examples/state -B build-state -DCMAKE_PREFIX_PATH=/usr/local
//   cmake --build build-state
//   build-state/state crawl.state --recrawl-after 3600 https://example.com/

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <forage/forage.h>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s STATE [--stop-after N] [--recrawl-after SECONDS] URL...\n",
                 argv[0]);
    return 2;
  }
  forage::CrawlOptions options;  // the forage command's defaults
  options.workers = 2;
  options.state_path = argv[1];
  long stop_after = 0;
  std::vector<std::string> seeds;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--stop-after") == 0 && i + 1 < argc) {
      stop_after = std::atol(argv[++i]);
    } else if (std::strcmp(argv[i], "--recrawl-after") == 0 && i + 1 < argc) {
      options.recrawl_after = std::chrono::seconds(std::atol(argv[++i]));
    } else {
      seeds.push_back(argv[i]);
    }
  }

  forage::Crawler crawler(options);
  for (const std::string& seed : seeds) crawler.AddSeed(seed);
  long records = 0;
  crawler.OnRecord([&](const forage::Record& record) {
    std::printf("%s %d\n", record.url.c_str(), record.status.value_or(0));
    if (++records == stop_after) crawler.RequestStop();  // as Ctrl-C would
    return forage::Status();
  });
  // Before each commit of the state: what was printed must be safe, for the
  // state will not offer those records again.
  crawler.OnCommit([] {
    if (std::fflush(stdout) != 0) return forage::Status::IOError("cannot write standard output");
    return forage::Status();
  });

  forage::Result<forage::CrawlSummary> run = crawler.Run();
  if (!run.ok()) {
    std::fprintf(stderr, "state: %s\n", run.status().message().c_str());
    // Branch on the code, never on the message.
    return run.status().IsBusy() ? 3 : 1;
  }
  const forage::CrawlSummary& s = run.value();
  std::printf("records %llu resumed %llu not_due %llu unchanged %llu interrupted %d\n",
              static_cast<unsigned long long>(s.records),
              static_cast<unsigned long long>(s.resumed),
              static_cast<unsigned long long>(s.not_due),
              static_cast<unsigned long long>(s.unchanged), s.interrupted ? 1 : 0);
  return s.failed == 0 ? 0 : 1;
}
