// The parse-bound ceiling: forage's own per-page work on pages read from disk,
// in one thread, with no network, no processes and no output. Per page it
// does what a fetcher does once a body has arrived (src/fetch/fetcher.cc,
// Fetcher::Finish): ExtractBody (sniff the charset and decode to UTF-8,
// then ExtractPage: the streaming scanner, and gumbo over one reused
// ParseArena for the pages the scanner hands over), then encode the result
// frame for the master.
//
// Usage: parse_only LIST [--rounds N]
//   LIST holds "URL<TAB>PATH" lines: the page's URL (links resolve against
//   it) and the file holding its body. Every file is read into memory first;
//   only the work on them is timed. With --rounds N (default 3) the whole set
//   is processed N times and the fastest round of each figure is reported.
// Prints one JSON object:
//   pages, bytes, links (at the defaults), full_parse_links (with full_parse:
//   the same, or a warning goes to standard error), rounds;
//   total_s             the whole per-page work at the defaults (the scanner
//                       first, gumbo for the pages it hands over);
//   full_parse_total_s  the same with ExtractSettings::full_parse (--full-parse:
//                       gumbo for every page);
//   the defaults' work split by stage, from separate passes (they add up to
//   about total_s):
//     charset_s  SniffEncoding + ToUtf8;
//     scan_s     ScanPage up to its link resolution: the UTF-8 check and
//                HtmlScanner::Scan into a PageCollector, on every page (a
//                scan that ends in a hand-over is work the defaults pay too);
//     links_s    PageCollector::Finish on the pages scanned: the base URL,
//                link resolution (UrlResolver), the canonical link;
//     gumbo_s    gumbo's parse of the pages handed over;
//     extract_s  their extraction (tree walk and Finish): ExtractPage with
//                full_parse, minus gumbo_s;
//     encode_s   the result frame, every page;
//   full_gumbo_s, full_extract_s: gumbo_s and extract_s over every page, the
//     stages of --full-parse;
//   scanned: pages the scanner took; handed_over: {ScanOutcomeName: pages}
//     for the others (ScanPage's own answers).
// scan_s and links_s time ScanPage's two steps apart, so they repeat its
// code (HtmlScanner, PageCollector); an untimed pass through ScanPage itself
// first checks that they reach the same outcome on every page.
//
// Built by bench/run against the Release build's libforage.a.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/utf8.h"
#include "ipc/wire.h"
#include "parse/charset.h"
#include "parse/extractor.h"
#include "parse/html_document.h"
#include "parse/html_scanner.h"
#include "parse/page_collector.h"

namespace {

struct Page {
  std::string url;
  std::string body;
};

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Keeps the compiler from discarding work whose result is unused.
std::size_t g_sink = 0;

const std::string kType = "text/html";

forage::wire::FetchResult ResultOf(const Page& p, forage::ExtractedPage page) {
  forage::wire::FetchResult r;
  r.final_url = p.url;
  r.status = 200;
  r.title = std::move(page.title);
  r.description = std::move(page.description);
  r.links = std::move(page.links);
  return r;
}

// The whole per-page work as a fetcher does it: ExtractBody, then the frame.
// Returns the links found.
std::size_t WholeWork(const std::vector<Page>& pages, const forage::ExtractSettings& settings,
                      forage::ParseArena* arena) {
  std::size_t links = 0;
  for (const Page& p : pages) {
    forage::wire::FetchResult r =
        ResultOf(p, forage::ExtractBody(p.body, kType, p.url, settings, {}, arena));
    links += r.links.size();
    g_sink += forage::wire::EncodeResult(r).size();
  }
  return links;
}

void KeepBest(double* best, Clock::duration d) { *best = std::min(*best, Seconds(d)); }

}  // namespace

int main(int argc, char** argv) {
  using namespace forage;
  if (argc < 2) {
    std::fprintf(stderr, "usage: parse_only LIST [--rounds N]\n");
    return 2;
  }
  int rounds = 3;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--rounds") rounds = std::max(1, std::atoi(argv[i + 1]));
  }

  std::vector<Page> pages;
  std::size_t bytes = 0;
  {
    std::ifstream list(argv[1]);
    if (!list) {
      std::fprintf(stderr, "parse_only: cannot read %s\n", argv[1]);
      return 2;
    }
    std::string line;
    while (std::getline(list, line)) {
      auto tab = line.find('\t');
      if (tab == std::string::npos) continue;
      std::ifstream file(line.substr(tab + 1), std::ios::binary);
      if (!file) {
        std::fprintf(stderr, "parse_only: cannot read %s\n", line.substr(tab + 1).c_str());
        return 2;
      }
      std::ostringstream body;
      body << file.rdbuf();
      pages.push_back({line.substr(0, tab), std::move(body).str()});
      bytes += pages.back().body.size();
    }
  }

  const ExtractSettings defaults;
  ExtractSettings full = defaults;
  full.full_parse = true;

  // Untimed: the pages as UTF-8, and what ScanPage itself says of each.
  std::vector<std::string> utf8;
  std::vector<ScanOutcome> outcomes;
  utf8.reserve(pages.size());
  for (const Page& p : pages) {
    utf8.push_back(ToUtf8(p.body, SniffEncoding(p.body, kType)));
    ScanOutcome outcome = ScanOutcome::kComplete;
    std::optional<ExtractedPage> scanned = ScanPage(utf8.back(), p.url, defaults, {}, &outcome);
    outcomes.push_back(scanned ? ScanOutcome::kComplete : outcome);
  }

  ParseArena arena;
  double best_total = 1e30, best_full_total = 1e30, best_charset = 1e30, best_scan = 1e30,
         best_links = 1e30, best_gumbo = 1e30, best_extract = 1e30, best_full_gumbo = 1e30,
         best_full_extract = 1e30, best_encode = 1e30;
  std::size_t links = 0, full_links = 0;
  for (int round = 0; round < rounds; ++round) {
    // The whole per-page work, at the defaults and with --full-parse.
    auto t0 = Clock::now();
    links = WholeWork(pages, defaults, &arena);
    KeepBest(&best_total, Clock::now() - t0);
    t0 = Clock::now();
    full_links = WholeWork(pages, full, &arena);
    KeepBest(&best_full_total, Clock::now() - t0);

    // The stages one at a time.
    t0 = Clock::now();
    for (const Page& p : pages) g_sink += ToUtf8(p.body, SniffEncoding(p.body, kType)).size();
    KeepBest(&best_charset, Clock::now() - t0);

    // ScanPage's steps timed apart, page by page: the scan, then (when the
    // scanner takes the page) the link resolution.
    Clock::duration scan{}, resolve{};
    for (std::size_t i = 0; i < pages.size(); ++i) {
      auto s0 = Clock::now();
      ScanOutcome outcome = ScanOutcome::kInvalidUtf8;
      HtmlScanner scanner;
      PageCollector collector(defaults, "");
      if (FirstInvalidUtf8(utf8[i]) == utf8[i].size()) outcome = scanner.Scan(utf8[i], &collector);
      auto s1 = Clock::now();
      scan += s1 - s0;
      if (outcome != outcomes[i]) {
        std::fprintf(stderr, "parse_only: %s: ScanPage says %s, the timed scan %s\n",
                     pages[i].url.c_str(), std::string(ScanOutcomeName(outcomes[i])).c_str(),
                     std::string(ScanOutcomeName(outcome)).c_str());
        return 1;
      }
      if (outcome != ScanOutcome::kComplete) continue;
      ExtractedPage page;
      g_sink += collector.Finish(pages[i].url, {}, &page);
      resolve += Clock::now() - s1;
      g_sink += page.links.size();
    }
    KeepBest(&best_scan, scan);
    KeepBest(&best_links, resolve);

    // gumbo alone, then the whole extraction with full_parse, page by page
    // (so both see the page in the same cache state); extraction = the
    // difference. Summed over every page (--full-parse's stages) and over
    // the pages handed over (the defaults').
    std::vector<wire::FetchResult> results;
    results.reserve(pages.size());
    Clock::duration gumbo{}, whole{}, handed_gumbo{}, handed_whole{};
    for (std::size_t i = 0; i < pages.size(); ++i) {
      t0 = Clock::now();
      {
        HtmlDocument doc(utf8[i], &arena);
        g_sink += doc.root() != nullptr;
      }
      auto t1 = Clock::now();
      ExtractedPage page = ExtractPage(utf8[i], pages[i].url, &arena, full);
      auto t2 = Clock::now();
      gumbo += t1 - t0;
      whole += t2 - t1;
      if (outcomes[i] != ScanOutcome::kComplete) {
        handed_gumbo += t1 - t0;
        handed_whole += t2 - t1;
      }
      results.push_back(ResultOf(pages[i], std::move(page)));
    }
    KeepBest(&best_full_gumbo, gumbo);
    KeepBest(&best_full_extract, whole - gumbo);
    KeepBest(&best_gumbo, handed_gumbo);
    KeepBest(&best_extract, handed_whole - handed_gumbo);

    t0 = Clock::now();
    for (const wire::FetchResult& r : results) g_sink += wire::EncodeResult(r).size();
    KeepBest(&best_encode, Clock::now() - t0);
  }
  if (links != full_links) {  // the scanner promises gumbo's answers: a bug to report
    std::fprintf(stderr, "parse_only: warning: %zu links at the defaults, %zu with full_parse\n",
                 links, full_links);
  }

  std::size_t scanned = 0;
  std::map<std::string_view, std::size_t> handed;
  for (ScanOutcome o : outcomes) {
    if (o == ScanOutcome::kComplete) {
      ++scanned;
    } else {
      ++handed[ScanOutcomeName(o)];
    }
  }
  std::string handed_json = "{";
  for (const auto& [name, n] : handed) {
    if (handed_json.size() > 1) handed_json += ", ";
    handed_json += "\"" + std::string(name) + "\": " + std::to_string(n);
  }
  handed_json += "}";

  std::printf(
      "{\"pages\": %zu, \"bytes\": %zu, \"links\": %zu, \"full_parse_links\": %zu, \"rounds\": %d, "
      "\"total_s\": %.4f, \"pages_per_s\": %.1f, \"mb_per_s\": %.2f, \"full_parse_total_s\": %.4f, "
      "\"charset_s\": %.4f, \"scan_s\": %.4f, \"links_s\": %.4f, \"gumbo_s\": %.4f, "
      "\"extract_s\": %.4f, \"encode_s\": %.4f, \"full_gumbo_s\": %.4f, "
      "\"full_extract_s\": %.4f, \"scanned\": %zu, \"handed_over\": %s, \"sink\": %zu}\n",
      pages.size(), bytes, links, full_links, rounds, best_total, pages.size() / best_total,
      bytes / best_total / 1e6, best_full_total, best_charset, best_scan, best_links, best_gumbo,
      best_extract, best_encode, best_full_gumbo, best_full_extract, scanned, handed_json.c_str(),
      g_sink % 10);
  return 0;
}
