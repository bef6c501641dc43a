#pragma once

// The scanner's promise, checked: for a page, ScanPage (the streaming
// scanner) either hands the page over or gives what ExtractPage gives with
// gumbo's tree (settings.full_parse), under several settings that between
// them look at every element and attribute the extraction reads. Shared by
// the unit tests, the differential test over the documentation sites and
// the fuzz target, so they hold the scanner to one standard.

#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "forage/extract.h"
#include "forage/fetch_settings.h"
#include "parse/extractor.h"
#include "parse/html_scanner.h"

namespace forage::testing {

// The settings a page is compared under: the defaults (anchors); every
// link kind with rel="nofollow" and robots nofollow obeyed; every kind,
// ignoring nofollow; and a limit of three links.
inline std::vector<ExtractSettings> ScanCompareSettings() {
  std::vector<ExtractSettings> all(4);
  all[1].follow = kFollowAll;
  all[2].follow = kFollowAll;
  all[2].ignore_nofollow = true;
  all[3].max_links = 3;
  return all;
}

inline std::string DescribePage(const ExtractedPage& page) {
  std::ostringstream out;
  out << "title=" << (page.title ? "[" + *page.title + "]" : "none")
      << " description=" << (page.description ? "[" + *page.description + "]" : "none")
      << " canonical=" << (page.canonical ? *page.canonical : "none")
      << " noindex=" << page.noindex << " nofollow=" << page.nofollow << " truncated=";
  for (const std::string& t : page.truncated) out << t << ',';
  out << " links(" << page.links.size() << "):";
  for (const std::string& link : page.links) out << "\n  " << link;
  return out.str();
}

struct ScanComparison {
  ScanOutcome outcome = ScanOutcome::kComplete;  // what the scanner did (default settings)
  std::string difference;                        // "" when none
};

// Compares both paths on `html` (UTF-8) served at `url`, with our robots
// token "forage", under each of `all` (by default ScanCompareSettings()).
// The outcome does not depend on the settings; a difference names the
// settings and both answers.
inline ScanComparison CompareScanWithGumbo(std::string_view html, std::string_view url,
                                           const std::vector<ExtractSettings>& all =
                                               ScanCompareSettings()) {
  ScanComparison result;
  const PageRobots robots{"forage", {}};
  for (std::size_t i = 0; i < all.size(); ++i) {
    ScanOutcome outcome;
    std::optional<ExtractedPage> scanned = ScanPage(html, url, all[i], robots, &outcome);
    if (i == 0) result.outcome = outcome;
    if (outcome != result.outcome) {
      result.difference = "outcome depends on the settings";
      return result;
    }
    if (!scanned) return result;
    ExtractSettings full = all[i];
    full.full_parse = true;
    const ExtractedPage parsed = ExtractPage(html, url, nullptr, full, {}, robots);
    const std::string a = DescribePage(*scanned);
    const std::string b = DescribePage(parsed);
    if (a != b) {
      result.difference = "settings #" + std::to_string(i) + "\nscanner: " + a + "\ngumbo:   " + b;
      return result;
    }
  }
  return result;
}

}  // namespace forage::testing
