// embed: a program built against the installed forage package. It crawls the
// URLs given on the command line and the pages they link to, one level down,
// printing "url status title" for each record, then the run's counts.
//
//   cmake -S examples/embed -B build-embed -DCMAKE_PREFIX_PATH=/usr/local
//   cmake --build build-embed && build-embed/embed https://example.com/
// or with pkg-config:
//   g++ -std=c++20 main.cc $(pkg-config --cflags --libs forage) -o embed
//
// Crawler::Run() starts its fetchers as the installed program
// libexec/forage/forage-fetcher, so a program with threads may call it too.
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

// The whole public API, installed under <prefix>/include.
#include <forage/forage.h>

namespace {

// The extractor on its own: no processes, no network.
bool PrintExtracted() {
  constexpr std::string_view kPage =
      "<html><head><title>Hello,\n forage</title></head><body>"
      "<a href=\"docs/\">docs</a> <a href=\"https://example.org/x#part\">x</a>"
      "<a href=\"mailto:someone@example.com\">mail</a></body></html>";
  // Default ExtractSettings (no --select rules, no text); the page's
  // Content-Type, as a server would send it, names its charset.
  forage::Result<forage::ExtractedPage> page =
      forage::ExtractHtml(kPage, "https://example.com/start/", {}, "text/html; charset=utf-8");
  if (!page.ok()) {
    std::fprintf(stderr, "embed: %s\n", page.status().message().c_str());
    return false;
  }
  std::printf("extracted title: %s\n", page.value().title.value_or("-").c_str());
  for (const std::string& link : page.value().links)
    std::printf("extracted link: %s\n", link.c_str());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s URL...\n", argv[0]);
    return 2;
  }
  std::printf("forage %s (headers %s)\n", forage::Version(), forage::kVersion);
  if (!PrintExtracted()) return 1;

  forage::CrawlOptions options;  // the forage command's defaults
  options.depth = 1;
  options.workers = 2;
  options.fetch.timeout = std::chrono::seconds(20);  // options.fetch: what each fetcher is given
  // The forage command's checks of its options; Run() makes them too.
  if (forage::Status st = forage::ValidateOptions(options); !st.ok()) {
    std::fprintf(stderr, "embed: %s\n", st.message().c_str());
    return 2;
  }
  forage::Crawler crawler(options);
  for (int i = 1; i < argc; ++i) crawler.AddSeed(argv[i]);
  crawler.OnAdmit([](std::string_view url, int depth) {
    return depth <= 1 && url.find("logout") == std::string_view::npos;
  });
  crawler.OnRecord([](const forage::Record& record) {
    const std::string status = record.status ? std::to_string(*record.status) : "-";
    const std::string title =
        record.error
            ? std::string(forage::ErrorKindName(record.error->kind)) + ": " + record.error->message
            : record.title.value_or("-");
    std::printf("%s %s %s\n", record.url.c_str(), status.c_str(), title.c_str());
    // A failed Status stops the run, and Run() returns it.
    if (std::fflush(stdout) != 0) return forage::Status::IOError("cannot write to standard output");
    return forage::Status();
  });

  forage::Result<forage::CrawlSummary> run = crawler.Run();
  if (!run.ok()) {
    std::fprintf(stderr, "embed: %s\n", run.status().message().c_str());
    return 1;
  }
  const forage::CrawlSummary& summary = run.value();
  std::printf("records %llu ok %llu failed %llu skipped %llu\n",
              static_cast<unsigned long long>(summary.records),
              static_cast<unsigned long long>(summary.ok),
              static_cast<unsigned long long>(summary.failed),
              static_cast<unsigned long long>(summary.skipped));
  return summary.failed == 0 && !summary.interrupted ? 0 : 1;
}
