// google/robotstxt's robots_test.cc cases (robots_google_cases.json): each
// body is parsed as the crawler parses a robots.txt it fetched
// (RobotsRules::Parse with the User-Agent, whose product token picks the
// group), and the URL is judged as the crawler judges a page: by the path and
// query of its canonical form.

#include <map>
#include <nlohmann/json.hpp>

#include "conformance/suite.h"
#include "core/url.h"
#include "crawl/robots.h"

namespace forage::conformance {
namespace {

std::string FromHex(const std::string& hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return bytes;
}

}  // namespace

Result<Report> RunRobotsSuite(const std::filesystem::path& dir, Differences& differences) {
  Result<std::string> text = ReadFile(dir / "robots_google_cases.json");
  if (!text.ok()) return text.status();
  Report report;
  report.suite = "robots";
  report.groups.resize(3);
  report.groups[0].title = "RFC 9309 cases";
  report.groups[1].title = "Google extensions (google_only)";
  report.groups[1].target = false;
  // Marked "disputed": google/robotstxt expects the opposite of what RFC 9309
  // section 2.2.2 says; forage follows the RFC, so the RFC's answer passes.
  report.groups[2].title = "disputed cases, judged by RFC 9309";
  std::map<std::string, int> ordinal;  // case ids: test name and its n-th expectation
  try {
    const nlohmann::json doc = nlohmann::json::parse(text.value());
    for (const nlohmann::json& c : doc.at("cases")) {
      const std::string test = c.at("test").get<std::string>();
      const std::string id = test + "#" + std::to_string(++ordinal[test]);
      const bool disputed = c.value("disputed", false);
      Group& group = report.groups[disputed ? 2 : c.value("google_only", false) ? 1 : 0];
      if (c.contains("skip")) {
        ++group.skipped;
        ++group.skip_reasons[c.at("skip").get<std::string>()];
        continue;
      }
      const std::string body = c.contains("robots_hex")
                                   ? FromHex(c.at("robots_hex").get<std::string>())
                                   : c.at("robots").get<std::string>();
      const std::string ua = c.at("ua").get<std::string>();
      const std::string url = c.at("url").get<std::string>();
      const bool expected = c.at("allowed").get<bool>() != disputed;
      const RobotsRules rules = RobotsRules::Parse(body, ua);
      // A URL that has no canonical form never reaches robots.txt in a crawl;
      // the suite's few empty URLs are judged as the empty path, "/".
      const std::optional<CanonicalUrl> canonical = Canonicalize(url);
      const std::string path = canonical ? std::string(canonical->path_and_query()) : "";
      const bool allowed = rules.IsAllowed(path);
      Count(group, differences, report.suite, id, allowed == expected,
            std::string(allowed ? "allowed " : "disallowed ") + Quote(url) + " for " + Quote(ua) +
                " by " + Quote(body));
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::Corrupt("robots_google_cases.json: " + std::string(e.what()));
  }
  report.unmet_differences = differences.Unmet(report.suite);
  return report;
}

}  // namespace forage::conformance
