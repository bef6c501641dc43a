// The scanner's proof on real pages: every HTML page of the three
// documentation sites the benchmarks crawl (Debian's postgresql-doc-15,
// python3.11-doc and cppreference-doc-en-html, which scripts/install-deps.sh
// --test installs), the markup of the soupsieve selector cases in
// ../shared/external-suites, and the HTML fuzz corpus, decoded as a fetcher
// decodes them and compared under several settings
// (support/scan_compare.h): the scanner's answer is gumbo's, or the page
// was handed over. They run as one CTest test of their own ("scanner
// differential", with a longer timeout than the other tests'). Each site also reports the share the scanner took and
// why it handed pages over, and must keep that share.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "parse/charset.h"
#include "parse/html_scanner.h"
#include "support/scan_compare.h"

namespace forage {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct Tally {
  std::size_t pages = 0;
  std::size_t scanned = 0;
  std::map<std::string, std::size_t> handed_over;  // by ScanOutcomeName
  std::vector<std::string> differences;            // the first few

  // The settings pages are compared under: all of ScanCompareSettings() for
  // small pages; for the sites' thousands of big ones, the defaults and
  // every link kind with nofollow ignored, which between them read every
  // element the others do (the unit tests and the fuzzer take the rest).
  std::vector<ExtractSettings> settings = testing::ScanCompareSettings();

  void Add(std::string_view html, std::string_view url) {
    const testing::ScanComparison c = testing::CompareScanWithGumbo(html, url, settings);
    ++pages;
    if (c.outcome == ScanOutcome::kComplete) {
      ++scanned;
    } else {
      ++handed_over[std::string(ScanOutcomeName(c.outcome))];
    }
    if (!c.difference.empty() && differences.size() < 5) {
      differences.push_back(std::string(url) + ": " + c.difference);
    }
  }

  std::string Report(std::string_view name) const {
    std::ostringstream out;
    out << name << ": " << pages << " pages, the scanner took " << scanned << " ("
        << (pages ? 100.0 * scanned / pages : 0) << "%)";
    for (const auto& [why, n] : handed_over) out << "; " << why << " " << n;
    return out.str();
  }
};

// Every .html/.htm file under `root`, sorted.
std::vector<fs::path> HtmlFiles(const fs::path& root) {
  std::vector<fs::path> files;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(root)) {
    const std::string ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".html" || ext == ".htm")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// A documentation site: its pages as a fetcher would read them from nginx
// (Content-Type text/html, no charset: the <meta> decides), at
// http://docs.test/PATH. At least `min_share` of them must go the fast way.
void CheckSite(std::string_view package, const fs::path& root, double min_share) {
  if (!fs::is_directory(root)) {
    // CI installs the packages; elsewhere the test says what it skipped.
    if (std::getenv("CI")) FAIL(std::string(package) + " is not installed at " + root.string());
    WARN("skipped: " << package << " is not installed (scripts/install-deps.sh --test)");
    return;
  }
  Tally tally;
  tally.settings = {testing::ScanCompareSettings()[0], testing::ScanCompareSettings()[2]};
  for (const fs::path& file : HtmlFiles(root)) {
    const std::string body = ReadFile(file);
    const std::string html = ToUtf8(body, SniffEncoding(body, "text/html"));
    tally.Add(html, "http://docs.test/" + fs::relative(file, root).generic_string());
  }
  WARN(tally.Report(package));
  for (const std::string& d : tally.differences) FAIL_CHECK(d);
  CHECK(tally.differences.empty());
  CHECK(tally.pages > 100);
  CHECK(static_cast<double>(tally.scanned) >= min_share * static_cast<double>(tally.pages));
}

TEST_CASE("The scanner gives gumbo's answer on every page of postgresql-doc-15",
          "[html_scanner][differential][heavy]") {
  CheckSite("postgresql-doc-15", "/usr/share/doc/postgresql-doc-15/html", 0.99);
}

TEST_CASE("The scanner gives gumbo's answer on every page of python3.11-doc",
          "[html_scanner][differential][heavy]") {
  CheckSite("python3.11-doc", "/usr/share/doc/python3.11/html", 0.99);
}

TEST_CASE("The scanner gives gumbo's answer on every page of cppreference-doc-en-html",
          "[html_scanner][differential][heavy]") {
  CheckSite("cppreference-doc-en-html", "/usr/share/cppreference/doc/html", 0.95);
}

TEST_CASE("The scanner gives gumbo's answer on the soupsieve cases' markup and the fuzz corpus",
          "[html_scanner][differential][heavy]") {
  Tally tally;
  fs::path suites;
  if (const char* env = std::getenv("FORAGE_EXTERNAL_SUITES")) suites = env;
  if (suites.empty()) {
    suites = fs::path(FORAGE_SOURCE_DIR).parent_path() / "shared" / "external-suites";
  }
  const fs::path soupsieve = suites / "soupsieve_cases.json";
  if (fs::exists(soupsieve)) {
    const nlohmann::json cases = nlohmann::json::parse(ReadFile(soupsieve));
    for (const nlohmann::json& c : cases["cases"]) {
      if (c.contains("markup") && c["markup"].is_string()) {
        tally.Add(c["markup"].get<std::string>(), "http://example.com/dir/page.html");
      }
    }
    WARN(tally.Report("soupsieve markup"));
  } else {
    WARN("skipped: no soupsieve_cases.json (set FORAGE_EXTERNAL_SUITES)");
  }
  Tally corpus;
  const fs::path dir = fs::path(FORAGE_SOURCE_DIR) / "tests" / "fuzz" / "corpus" / "scanner";
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    const std::string html = MakeValidUtf8(ReadFile(e.path()));
    corpus.Add(html, "http://example.com/dir/page.html");
  }
  WARN(corpus.Report("fuzz corpus"));
  for (const std::string& d : tally.differences) FAIL_CHECK(d);
  for (const std::string& d : corpus.differences) FAIL_CHECK(d);
  CHECK(corpus.pages >= 3);
}

}  // namespace
}  // namespace forage
