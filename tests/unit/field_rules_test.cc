#include "parse/field_rules.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "cli/cli_options.h"
#include "fetch/fetcher.h"
#include "forage/extract.h"
#include "forage/options.h"

namespace forage {
namespace {

TEST_CASE("CompileFieldRules compiles every rule in order", "[selector]") {
  auto fields = CompileFieldRules({{"price", "span.price", "data-v"}, {"h", "h1, h2", ""}});
  REQUIRE(fields.ok());
  REQUIRE(fields.value().size() == 2);
  CHECK(fields.value()[0].name == "price");
  CHECK(fields.value()[0].attr == "data-v");
  CHECK(fields.value()[1].name == "h");
  CHECK(fields.value()[1].attr.empty());
  CHECK(CompileFieldRules({}).ok());
}

TEST_CASE("A rule that does not compile is named the same way wherever it is compiled",
          "[selector]") {
  const std::vector<FieldRule> rules = {{"ok", "h1", ""}, {"bad", "div >", ""}};
  auto compiled = CompileFieldRules(rules);
  REQUIRE_FALSE(compiled.ok());
  const std::string why = compiled.status().message();
  CHECK(why.rfind("select bad: bad selector \"div >\"", 0) == 0);

  // ExtractHtml speaks of the setting, the command and the library's
  // checks of the flag.
  ExtractSettings settings;
  settings.select = rules;
  auto page = ExtractHtml("<p>x</p>", "http://x.test/", settings);
  REQUIRE_FALSE(page.ok());
  CHECK(page.status().message() == why);
  CrawlOptions options;
  options.fetch.extract.select = rules;
  CHECK(ValidateOptions(options).message() == "--" + why);
  auto rule = ParseFieldRule("bad=div >");
  REQUIRE_FALSE(rule.ok());
  CHECK(rule.status().message() == "--" + why);
  // A fetcher given such settings (which the master never sends) refuses
  // to start.
  FetchSettings fetch;
  fetch.extract.select = rules;
  auto fetcher = Fetcher::Create(fetch);
  REQUIRE_FALSE(fetcher.ok());
  CHECK(fetcher.status().message() == why);
}

}  // namespace
}  // namespace forage
