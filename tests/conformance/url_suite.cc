// The WPT URL tests (urltestdata.json), as links on a page: the way forage
// meets URLs most. Each case's input is the href of an <a> on a page parsed by
// ExtractHtml, which is what a fetcher runs on every page:
//  - when the base is an http(s) URL, on a page served at that URL;
//  - always, on a page served at an http URL whose <base href> is the case's
//    base ("about:blank" when it has none: against it every relative
//    reference fails, as against no base at all).
// forage records http(s) links only, without their fragment, so a case passes
// when each page's links are exactly [the expected href, fragment removed]
// for an http(s) href, and [] for a failure or any other scheme.
// The pages declare UTF-8, as WPT's own url/a-element.html does: undeclared,
// a page is windows-1252 and its non-ASCII hrefs are other characters.

#include <nlohmann/json.hpp>

#include "conformance/suite.h"
#include "core/url.h"
#include "forage/extract.h"

namespace forage::conformance {
namespace {

// The page URL used when the case's base is not an http(s) URL; .invalid
// never resolves, and nothing is fetched anyway.
constexpr char kPageUrl[] = "http://conformance.invalid/dir/page.html";
const std::string kHead = "<!DOCTYPE html><meta charset=\"utf-8\">";

bool IsHttp(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

// `s` as the value of a double-quoted HTML attribute meaning exactly `s`, or
// nullopt when HTML cannot carry it: the tokenizer turns U+0000 into U+FFFD
// however it is written. C0 controls are written as character references,
// since raw CR and CRLF become LF in HTML's input stream; C1 controls stay raw,
// since their references are remapped to windows-1252 characters.
std::optional<std::string> AttributeValue(const std::string& s) {
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == 0) return std::nullopt;
    if (c == '&') {
      out += "&amp;";
    } else if (c == '"') {
      out += "&quot;";
    } else if (c < 0x20) {
      out += "&#" + std::to_string(c) + ";";
    } else {
      out += ch;
    }
  }
  return out;
}

std::string Show(const std::vector<std::string>& links) {
  return links.empty() ? "no link"
                       : "links " + nlohmann::json(links).dump(
                                        -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

Result<Report> RunUrlSuite(const std::filesystem::path& dir, Differences& differences) {
  Result<std::string> text = ReadFile(dir / "urltestdata.json");
  if (!text.ok()) return text.status();
  Report report;
  report.suite = "url";
  report.groups.resize(2);
  report.groups[0].title = "cases whose result is an http(s) URL or failure";
  report.groups[1].title = "cases whose result has another scheme (no link expected)";
  try {
    const nlohmann::json doc = nlohmann::json::parse(text.value());
    for (const nlohmann::json& c : doc) {
      if (!c.is_object()) continue;  // comments
      const std::string input = c.at("input").get<std::string>();
      const bool has_base = c.contains("base") && c.at("base").is_string();
      const std::string base = has_base ? c.at("base").get<std::string>() : "";
      const bool failure = c.value("failure", false);
      const std::string href = failure ? "" : c.at("href").get<std::string>();
      std::vector<std::string> expected;
      if (!failure && IsHttp(href)) expected.emplace_back(StripFragment(href));
      Group& group = report.groups[failure || IsHttp(href) ? 0 : 1];
      const std::string id = Quote(input) + " against " + (has_base ? Quote(base) : "no base");

      const std::optional<std::string> input_attr = AttributeValue(input);
      const std::optional<std::string> base_attr = AttributeValue(has_base ? base : "about:blank");
      if (!input_attr || !base_attr) {
        ++group.skipped;
        ++group.skip_reasons["U+0000 cannot reach the URL parser from HTML (it becomes U+FFFD)"];
        continue;
      }
      const std::string link = "<a href=\"" + *input_attr + "\">x</a>";
      std::string detail;
      bool passed = true;
      // The page served at the base itself.
      if (has_base && IsHttp(base)) {
        Result<ExtractedPage> page = ExtractHtml(kHead + link, base);
        if (!page.ok()) return page.status();
        if (page.value().links != expected) {
          passed = false;
          detail += "page at the base: " + Show(page.value().links) + "; ";
        }
      }
      // A page elsewhere whose <base href> names the base.
      Result<ExtractedPage> page =
          ExtractHtml(kHead + "<base href=\"" + *base_attr + "\">" + link, kPageUrl);
      if (!page.ok()) return page.status();
      if (page.value().links != expected) {
        passed = false;
        detail += "with <base href>: " + Show(page.value().links) + "; ";
      }
      detail += "expected " + Show(expected);
      Count(group, differences, report.suite, id, passed, detail);
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::Corrupt("urltestdata.json: " + std::string(e.what()));
  }
  report.unmet_differences = differences.Unmet(report.suite);
  return report;
}

}  // namespace forage::conformance
