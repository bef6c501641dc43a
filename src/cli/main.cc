// The forage command: options in, a Crawler run, an exit status out.

#include <clocale>
#include <cstdio>
#include <iostream>
#include <string>

#include "cli/cli_options.h"
#include "core/log.h"
#include "forage/crawler.h"
#include "out/jsonl_sink.h"

int main(int argc, char** argv) {
  using namespace forage;
  ParsedCommandLine parsed = ParseCommandLine(argc, argv);
  if (!parsed.config) {
    std::fputs(parsed.text.c_str(), parsed.exit_code == kExitOk ? stdout : stderr);
    if (parsed.exit_code != kExitOk) std::fputc('\n', stderr);
    return parsed.exit_code;
  }
  CliConfig& config = *parsed.config;
  SetLogLevel(config.log_level);
  // libcurl converts international host names to punycode only under an
  // UTF-8 character type.
  std::setlocale(LC_CTYPE, "C.UTF-8");

  Crawler crawler(config.options);
  for (std::string& url : config.urls) crawler.AddSeedUrl(std::move(url));
  for (const std::string& file : config.files) {
    if (Status st = crawler.AddSeedFile(file); !st.ok()) {
      LogError(st.message());
      return kExitUsage;
    }
  }
  auto sink = JsonlSink::Open(config.output);
  if (!sink.ok()) {
    LogError("cannot open output " + sink.status().message());
    return kExitUsage;
  }
  crawler.OnRecord([&sink, &config](const Record& record) -> Status {
    if (Status st = sink.value().Write(record); !st.ok()) {
      return Status::Error("cannot write records to " + config.output + ": " + st.message());
    }
    return {};
  });

  Result<CrawlSummary> run = crawler.Run();
  if (!run.ok()) {
    LogError(run.status().message());
    // A bad --include/--exclude pattern is found when the run starts.
    const std::string& m = run.status().message();
    bool usage = m.rfind("--include", 0) == 0 || m.rfind("--exclude", 0) == 0;
    return usage ? kExitUsage : kExitFatal;
  }
  const CrawlSummary& s = run.value();
  char line[200];
  std::snprintf(line, sizeof line, "%llu URL(s): %llu ok, %llu failed, %llu skipped in %.2f s%s",
                static_cast<unsigned long long>(s.records), static_cast<unsigned long long>(s.ok),
                static_cast<unsigned long long>(s.failed),
                static_cast<unsigned long long>(s.skipped), s.seconds,
                s.interrupted ? " (interrupted)" : "");
  LogInfo(line);
  if (s.interrupted) return kExitInterrupted;
  return s.failed > 0 ? kExitSomeFailed : kExitOk;
}
