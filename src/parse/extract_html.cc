// ExtractHtml: the fetcher's page extraction, for callers that have the
// bytes already (include/forage/extract.h).

#include "forage/extract.h"

#include "parse/extractor.h"
#include "parse/field_rules.h"
#include "parse/html_document.h"
#include "parse/robots_directives.h"

namespace forage {

Result<ExtractedPage> ExtractHtml(std::string_view body, std::string_view url,
                                  const ExtractSettings& settings, std::string_view content_type) {
  Result<std::vector<CompiledField>> fields = CompileFieldRules(settings.select);
  if (!fields.ok()) return fields.status();
  // An arena of its own: gumbo then never frees the tree node by node, which
  // would recurse as deep as the document nests.
  ParseArena arena;
  // The limits of a crawl's records (ExtractPage), though no frame is
  // involved here: a caller gets what a record would hold.
  const std::string token = RobotsProductToken(FetchSettings().user_agent);
  return ExtractBody(body, content_type, url, settings, fields.value(), &arena,
                     PageRobots{token, {}});
}

}  // namespace forage
