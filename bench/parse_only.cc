// The parse-bound ceiling: forage's own per-page work on pages read from disk,
// in one thread, with no network, no processes and no output. Per page it
// does what a fetcher does once a body has arrived (src/fetch/fetcher.cc,
// Fetcher::Finish): sniff the charset and decode to UTF-8, parse with gumbo
// over one reused ParseArena and extract title, description and links, then
// encode the result frame for the master.
//
// Usage: parse_only LIST [--rounds N]
//   LIST holds "URL<TAB>PATH" lines: the page's URL (links resolve against
//   it) and the file holding its body. Every file is read into memory first;
//   only the work on them is timed. With --rounds N (default 3) the whole set
//   is processed N times and the fastest round is reported.
// Prints one JSON object: pages, bytes, seconds for the whole per-page work
// ("total_s"), and the same work split by stage from separate passes:
// charset_s (sniff + decode), gumbo_s (the parse alone), extract_s (parse +
// extraction, minus gumbo_s), encode_s (the result frame).
// link_scan_s is an estimate, not forage's code path: what a link-only fast
// path (no DOM: a scan for <a href> that skips comments, scripts and styles,
// then the same URL resolution) would take on the same pages.
//
// Built by bench/run against the Release build's libforage.a.

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/url.h"
#include "ipc/wire.h"
#include "parse/charset.h"
#include "parse/extractor.h"
#include "parse/html_document.h"

namespace {

struct Page {
  std::string url;
  std::string body;
};

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Keeps the compiler from discarding work whose result is unused.
std::size_t g_sink = 0;

bool StartsWithNoCase(std::string_view s, std::size_t at, std::string_view word) {
  if (s.size() - at < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    char c = s[at + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != word[i]) return false;
  }
  return true;
}

// The href values of <a> tags, as a link-only crawler without a DOM finds
// them: comments, <script> and <style> bodies skipped; quoted or bare values.
// No entity decoding and no <base>: an estimate of the cost, not a parser.
std::vector<std::string_view> ScanHrefs(std::string_view html) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while ((i = html.find('<', i)) != std::string_view::npos) {
    if (html.compare(i, 4, "<!--") == 0) {
      std::size_t end = html.find("-->", i + 4);
      if (end == std::string_view::npos) break;
      i = end + 3;
      continue;
    }
    for (std::string_view raw : {std::string_view("script"), std::string_view("style")}) {
      if (StartsWithNoCase(html, i + 1, raw)) {
        std::string close = "</" + std::string(raw);
        std::size_t end = i + 1;
        while ((end = html.find("</", end)) != std::string_view::npos &&
               !StartsWithNoCase(html, end, close))
          end += 2;
        i = end == std::string_view::npos ? html.size() : end;
        break;
      }
    }
    if (i >= html.size()) break;
    std::size_t tag_end = html.find('>', i);
    if (tag_end == std::string_view::npos) break;
    if (StartsWithNoCase(html, i + 1, "a") && i + 2 < html.size() &&
        (html[i + 2] == ' ' || html[i + 2] == '\n' || html[i + 2] == '\t')) {
      std::string_view tag = html.substr(i, tag_end - i);
      for (std::size_t h = 0; (h = tag.find("href", h)) != std::string_view::npos; h += 4) {
        std::size_t v = h + 4;
        while (v < tag.size() && tag[v] == ' ') ++v;
        if (v >= tag.size() || tag[v] != '=') continue;
        ++v;
        while (v < tag.size() && tag[v] == ' ') ++v;
        if (v >= tag.size()) break;
        char q = tag[v];
        std::size_t end = (q == '"' || q == '\'') ? tag.find(q, ++v) : tag.find_first_of(" >", v);
        out.push_back(tag.substr(v, (end == std::string_view::npos ? tag.size() : end) - v));
        break;
      }
    }
    i = tag_end + 1;
  }
  return out;
}

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

  const std::string type = "text/html";
  ParseArena arena;
  double best_total = 1e30, best_charset = 1e30, best_gumbo = 1e30, best_extract = 1e30,
         best_encode = 1e30, best_scan = 1e30;
  std::size_t scanned_links = 0;
  std::size_t links = 0;
  for (int round = 0; round < rounds; ++round) {
    // The whole per-page work, as the fetcher does it.
    auto t0 = Clock::now();
    links = 0;
    for (const Page& p : pages) {
      Encoding encoding = SniffEncoding(p.body, type);
      ExtractedPage page = ExtractPage(ToUtf8(p.body, encoding), p.url, &arena);
      wire::FetchResult r;
      r.final_url = p.url;
      r.status = 200;
      r.title = std::move(page.title);
      r.description = std::move(page.description);
      r.links = std::move(page.links);
      links += r.links.size();
      g_sink += wire::EncodeResult(r).size();
    }
    best_total = std::min(best_total, Seconds(Clock::now() - t0));

    // The stages one at a time.
    std::vector<std::string> utf8;
    utf8.reserve(pages.size());
    t0 = Clock::now();
    for (const Page& p : pages) utf8.push_back(ToUtf8(p.body, SniffEncoding(p.body, type)));
    best_charset = std::min(best_charset, Seconds(Clock::now() - t0));

    // gumbo alone, then the whole extraction, page by page (so both see the
    // page in the same cache state); extraction = the difference.
    std::vector<wire::FetchResult> results;
    results.reserve(pages.size());
    Clock::duration gumbo{}, whole{};
    for (std::size_t i = 0; i < pages.size(); ++i) {
      t0 = Clock::now();
      {
        HtmlDocument doc(utf8[i], &arena);
        g_sink += doc.root() != nullptr;
      }
      auto t1 = Clock::now();
      ExtractedPage page = ExtractPage(utf8[i], pages[i].url, &arena);
      whole += Clock::now() - t1;
      gumbo += t1 - t0;
      wire::FetchResult r;
      r.final_url = pages[i].url;
      r.status = 200;
      r.title = std::move(page.title);
      r.description = std::move(page.description);
      r.links = std::move(page.links);
      results.push_back(std::move(r));
    }
    best_gumbo = std::min(best_gumbo, Seconds(gumbo));
    best_extract = std::min(best_extract, Seconds(whole - gumbo));

    t0 = Clock::now();
    for (const wire::FetchResult& r : results) g_sink += wire::EncodeResult(r).size();
    best_encode = std::min(best_encode, Seconds(Clock::now() - t0));

    // The link-only estimate: charset, scan, resolve; no DOM.
    t0 = Clock::now();
    scanned_links = 0;
    for (const Page& p : pages) {
      std::string html = ToUtf8(p.body, SniffEncoding(p.body, type));
      UrlResolver resolver(p.url);
      for (std::string_view href : ScanHrefs(html)) {
        if (auto link = resolver.ResolveLink(href)) ++scanned_links, g_sink += link->size();
      }
    }
    best_scan = std::min(best_scan, Seconds(Clock::now() - t0));
  }

  std::printf(
      "{\"pages\": %zu, \"bytes\": %zu, \"links\": %zu, \"rounds\": %d, \"total_s\": %.4f, "
      "\"pages_per_s\": %.1f, \"mb_per_s\": %.2f, \"charset_s\": %.4f, \"gumbo_s\": %.4f, "
      "\"extract_s\": %.4f, \"encode_s\": %.4f, \"link_scan_s\": %.4f, \"scanned_links\": %zu, "
      "\"sink\": %zu}\n",
      pages.size(), bytes, links, rounds, best_total, pages.size() / best_total,
      bytes / best_total / 1e6, best_charset, best_gumbo, best_extract, best_encode, best_scan,
      scanned_links, g_sink % 10);
  return 0;
}
