#pragma once

// The conformance harness: other projects' test data for the standards forage
// implements (../shared/external-suites: WPT's URL tests, google/robotstxt's
// cases, soupsieve's selector cases, the WHATWG Encoding Standard's indexes),
// run through the functions the forage command itself uses, and counted.

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "forage/status.h"

namespace forage::conformance {

// Differences from a suite that forage keeps on purpose, each with its reason
// (tests/conformance/differences.json; docs/conformance.md explains them).
class Differences {
 public:
  static Result<Differences> Load(const std::filesystem::path& path);

  // The reason `id` of `suite` is an accepted difference, or nullptr; marks
  // it as met, so that stale entries can be reported.
  const std::string* Find(const std::string& suite, const std::string& id);
  // Entries of `suite` that no failing case matched.
  std::vector<std::string> Unmet(const std::string& suite) const;

 private:
  std::map<std::pair<std::string, std::string>, std::string> reasons_;
  std::set<std::pair<std::string, std::string>> met_;
};

// One group of cases of a suite, counted. Cases outside a group's target are
// counted in a group of their own (`target` false), so nothing is hidden.
struct Group {
  std::string title;   // e.g. "RFC 9309 cases"
  bool target = true;  // a failure here fails a --strict run
  int passed = 0;
  int failed = 0;                     // not accepted
  int accepted = 0;                   // failed, but listed as a defensible difference
  int skipped = 0;                    // cannot be put through forage at all (the reason is given)
  std::vector<std::string> failures;  // "id: what forage did"
  std::map<std::string, int> skip_reasons;
};

struct Report {
  std::string suite;  // "robots", "url", "selectors", "encodings"
  std::vector<Group> groups;
  std::vector<std::string> unmet_differences;
};

// Records one case's outcome in `group`, consulting `differences`.
void Count(Group& group, Differences& differences, const std::string& suite, const std::string& id,
           bool passed, const std::string& detail);

// Each suite reads its data from `dir` (the external-suites folder).
Result<Report> RunRobotsSuite(const std::filesystem::path& dir, Differences& differences);
Result<Report> RunUrlSuite(const std::filesystem::path& dir, Differences& differences);
Result<Report> RunSelectorSuite(const std::filesystem::path& dir, Differences& differences);
Result<Report> RunEncodingSuite(const std::filesystem::path& dir, Differences& differences);

// Helpers shared by the suites.
Result<std::string> ReadFile(const std::filesystem::path& path);
// `s` as a JSON string literal, for ids and messages that must show every byte.
std::string Quote(const std::string& s);

}  // namespace forage::conformance
