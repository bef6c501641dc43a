// forage_conformance: runs other projects' conformance data through forage
// and prints pass/fail counts per suite. See docs/conformance.md.
//
//   forage_conformance [--data DIR] [--suite NAME]... [--differences FILE]
//                      [--strict] [--verbose]
//
// DIR defaults to $FORAGE_EXTERNAL_SUITES, else ../shared/external-suites
// beside the source tree. Exit status: 0, or 1 with --strict when a case of a
// target group fails without being listed as a difference, or a listed
// difference no longer fails (so the list stays true); 2 for bad arguments or
// unreadable data; 77 when DIR does not exist (CTest counts it as skipped).

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "conformance/suite.h"

namespace fs = std::filesystem;
using namespace forage::conformance;

namespace {

constexpr int kSkipped = 77;

void Usage() {
  std::fputs(
      "usage: forage_conformance [--data DIR] [--suite robots|url|selectors|encodings]...\n"
      "                          [--differences FILE] [--strict] [--verbose]\n",
      stderr);
}

void Print(const Report& report, bool verbose) {
  for (const Group& group : report.groups) {
    std::printf("%-10s %s: %d passed, %d failed", report.suite.c_str(), group.title.c_str(),
                group.passed, group.failed);
    if (group.accepted) std::printf(", %d accepted differences", group.accepted);
    if (group.skipped) std::printf(", %d skipped", group.skipped);
    std::printf("\n");
    if (verbose) {
      for (const auto& [reason, n] : group.skip_reasons) {
        std::printf("    skipped %d: %s\n", n, reason.c_str());
      }
    }
    const std::size_t shown =
        verbose ? group.failures.size() : std::min<std::size_t>(10, group.failures.size());
    for (std::size_t i = 0; i < shown; ++i) std::printf("    FAIL %s\n", group.failures[i].c_str());
    if (shown < group.failures.size()) {
      std::printf("    ... and %zu more (--verbose shows all)\n", group.failures.size() - shown);
    }
  }
  for (const std::string& id : report.unmet_differences) {
    std::printf("    STALE difference (the case no longer fails): %s\n", id.c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  fs::path data;
  if (const char* env = std::getenv("FORAGE_EXTERNAL_SUITES")) data = env;
  if (data.empty()) data = fs::path(FORAGE_SOURCE_DIR).parent_path() / "shared" / "external-suites";
  fs::path differences_path =
      fs::path(FORAGE_SOURCE_DIR) / "tests" / "conformance" / "differences.json";
  std::vector<std::string> suites;
  bool strict = false;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        Usage();
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--data") {
      data = value();
    } else if (arg == "--suite") {
      suites.push_back(value());
    } else if (arg == "--differences") {
      differences_path = value();
    } else if (arg == "--strict") {
      strict = true;
    } else if (arg == "--verbose" || arg == "-v") {
      verbose = true;
    } else if (arg == "--help" || arg == "-h") {
      Usage();
      return 0;
    } else {
      Usage();
      return 2;
    }
  }
  if (!fs::is_directory(data)) {
    std::printf("conformance: skipped, no data at %s\n", data.c_str());
    return kSkipped;
  }
  forage::Result<Differences> differences = Differences::Load(differences_path);
  if (!differences.ok()) {
    std::fprintf(stderr, "forage_conformance: %s\n", differences.status().message().c_str());
    return 2;
  }
  using Runner = std::function<forage::Result<Report>(const fs::path&, Differences&)>;
  const std::vector<std::pair<std::string, Runner>> runners = {
      {"robots", RunRobotsSuite},
      {"url", RunUrlSuite},
      {"selectors", RunSelectorSuite},
      {"encodings", RunEncodingSuite},
  };
  for (const std::string& name : suites) {
    bool known = false;
    for (const auto& runner : runners) known = known || runner.first == name;
    if (!known) {
      std::fprintf(stderr, "forage_conformance: no suite named %s\n", name.c_str());
      return 2;
    }
  }
  int passed = 0;
  int failed = 0;
  bool clean = true;
  for (const auto& [name, run] : runners) {
    if (!suites.empty() && std::find(suites.begin(), suites.end(), name) == suites.end()) continue;
    forage::Result<Report> report = run(data, differences.value());
    if (!report.ok()) {
      std::fprintf(stderr, "forage_conformance: %s\n", report.status().message().c_str());
      return 2;
    }
    Print(report.value(), verbose);
    for (const Group& group : report.value().groups) {
      passed += group.passed + group.accepted;
      failed += group.failed;
      if (group.target && group.failed) clean = false;
    }
    if (!report.value().unmet_differences.empty()) clean = false;
  }
  std::printf("conformance: %d passed, %d failed\n", passed, failed);
  return strict && !clean ? 1 : 0;
}
