// soupsieve's selector cases (soupsieve_cases.json), through --select: each
// selector becomes the rule "x=SELECTOR@id" as the command line parses it
// (ParseFieldRule), and ExtractHtml, which a fetcher runs on every page,
// matches it on the case's markup. A case passes when the ids of the matches
// equal the expected ones (both sorted, as soupsieve compares them); a case
// soupsieve expects to raise passes when forage refuses the selector, as it
// refuses a bad --select before fetching anything.
//
// Only selectors within forage's documented subset (README, Fields) are
// counted: soupsieve implements far more (:has, :is, :lang, :contains, ...),
// and forage refuses those. Cases for XML or XHTML documents, namespaces and
// custom selectors are outside it too. Markup is parsed as HTML5 (gumbo), so
// cases asserted for "html" (all parsers) and "html5" (html5lib) count.

#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>

#include "cli/cli_options.h"
#include "conformance/suite.h"
#include "forage/extract.h"

namespace forage::conformance {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Whether `selector` uses only what the README documents: type, *, .class,
// #id, attribute selectors ([a], =, ~=, |=, ^=, $=, *=, with i or s), the
// four combinators, groups, and the structural pseudo-classes listed below.
// Empty reason: in the subset; else what is outside it.
std::string OutsideSubset(const std::string& selector) {
  static constexpr std::array<std::string_view, 13> kPseudoClasses = {
      "first-child",      "last-child",    "only-child",   "nth-child",    "not",
      "nth-last-child",   "first-of-type", "last-of-type", "only-of-type", "nth-of-type",
      "nth-last-of-type", "empty",         "root"};
  int brackets = 0;
  for (std::size_t i = 0; i < selector.size(); ++i) {
    const char c = selector[i];
    if (c == '\\') {
      ++i;  // an escaped character is part of a name, whatever it is
    } else if (c == '"' || c == '\'') {
      const std::size_t end = selector.find(c, i + 1);
      if (end == std::string::npos) return "";  // malformed: let the parser judge
      i = end;
    } else if (c == '[') {
      ++brackets;
    } else if (c == ']') {
      --brackets;
    } else if (c == '!' && brackets > 0) {
      return "the != attribute operator (a soupsieve extension)";
    } else if (c == '|' && (i + 1 >= selector.size() || selector[i + 1] != '=')) {
      return "namespaces";
    } else if (c == '&') {
      return "nesting (&)";
    } else if (c == ':' && brackets == 0) {
      if (i + 1 < selector.size() && selector[i + 1] == ':') return "pseudo-elements";
      std::size_t end = i + 1;
      while (end < selector.size() && IsNameChar(selector[end])) ++end;
      const std::string name = Lower(selector.substr(i + 1, end - i - 1));
      if (std::find(kPseudoClasses.begin(), kPseudoClasses.end(), name) == kPseudoClasses.end()) {
        return ":" + name;
      }
      if (name == "nth-child" || name == "nth-last-child") {
        const std::size_t close = selector.find(')', end);
        const std::string argument = Lower(selector.substr(end, close - end));
        if (argument.find(" of ") != std::string::npos) return ":" + name + "(... of S)";
      }
    }
  }
  return "";
}

}  // namespace

Result<Report> RunSelectorSuite(const std::filesystem::path& dir, Differences& differences) {
  Result<std::string> text = ReadFile(dir / "soupsieve_cases.json");
  if (!text.ok()) return text.status();
  Report report;
  report.suite = "selectors";
  report.groups.resize(3);
  report.groups[0].title = "matching cases within the documented subset";
  report.groups[1].title = "selectors soupsieve refuses (forage must refuse them too)";
  report.groups[2].title = "matching cases outside the subset (refused, or else matched right)";
  try {
    const nlohmann::json doc = nlohmann::json::parse(text.value());
    for (const nlohmann::json& c : doc.at("cases")) {
      const std::string name = c.at("name").get<std::string>();
      const std::string selector = c.at("selector").get<std::string>();
      const std::string id = name + " " + Quote(selector);
      Result<FieldRule> rule = ParseFieldRule("x=" + selector + "@id");
      ExtractSettings settings;
      // The markup is Unicode text (some cases hold U+FFFD); undeclared, its
      // UTF-8 would be sniffed as windows-1252, as HTML says for a page
      // without a charset.
      const std::string content_type = "text/html; charset=utf-8";
      if (rule.ok()) settings.select.push_back(rule.value());

      if (c.contains("raises")) {
        Group& group = report.groups[1];
        // What soupsieve refuses there is the custom selector's definition.
        if (c.contains("custom") || c.contains("custom_or_ns")) {
          ++group.skipped;
          ++group.skip_reasons["custom selectors (a soupsieve extension)"];
          continue;
        }
        bool refused = !rule.ok();
        if (!refused)
          refused = !ExtractHtml("<p>", "http://conformance.invalid/", settings, content_type).ok();
        Count(group, differences, report.suite, id, refused, "accepted the selector");
        continue;
      }
      std::string outside;
      const nlohmann::json modes = c.value("modes", nlohmann::json::array());
      const bool html = std::find(modes.begin(), modes.end(), "html") != modes.end() ||
                        std::find(modes.begin(), modes.end(), "html5") != modes.end();
      if (!html) {
        outside = "not asserted for HTML5 parsing (modes " + modes.dump() + ")";
      } else if (c.contains("namespaces") || c.contains("custom") || c.contains("custom_or_ns") ||
                 c.contains("xhtml_wrapped")) {
        outside = "namespaces, custom selectors or XHTML";
      } else {
        outside = OutsideSubset(selector);
      }
      if (!outside.empty()) {
        if (!html || outside == "namespaces, custom selectors or XHTML") {
          ++report.groups[2].skipped;
          ++report.groups[2].skip_reasons[html ? outside : "not asserted for HTML5 parsing"];
          continue;
        }
        // A selector beyond the subset must be refused, or else matched right:
        // never half understood.
        if (!rule.ok()) {
          Count(report.groups[2], differences, report.suite, id, true, "");
          continue;
        }
      }
      Group& group = report.groups[outside.empty() ? 0 : 2];
      if (!rule.ok()) {
        Count(group, differences, report.suite, id, false, "refused: " + rule.status().message());
        continue;
      }
      Result<ExtractedPage> page = ExtractHtml(
          c.at("markup").get<std::string>(), "http://conformance.invalid/", settings, content_type);
      if (!page.ok()) {
        Count(group, differences, report.suite, id, !outside.empty(),
              "refused: " + page.status().message());
        continue;
      }
      std::vector<std::string> ids = page.value().fields["x"];
      std::vector<std::string> expected = c.at("expected").get<std::vector<std::string>>();
      std::sort(ids.begin(), ids.end());
      std::sort(expected.begin(), expected.end());
      Count(group, differences, report.suite, id, ids == expected,
            "matched " +
                Quote(nlohmann::json(ids).dump(-1, ' ', false,
                                               nlohmann::json::error_handler_t::replace)) +
                ", expected " + nlohmann::json(expected).dump());
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::Corrupt("soupsieve_cases.json: " + std::string(e.what()));
  }
  report.unmet_differences = differences.Unmet(report.suite);
  return report;
}

}  // namespace forage::conformance
