// ExtractHtml: the fetcher's page extraction, for callers that have the
// bytes already (include/forage/extract.h).

#include "forage/extract.h"

#include <algorithm>

#include "ipc/wire.h"
#include "parse/charset.h"
#include "parse/extractor.h"
#include "parse/html_document.h"

namespace forage {

Result<ExtractedPage> ExtractHtml(std::string_view body, std::string_view url,
                                  const ExtractSettings& settings) {
  std::vector<CompiledField> fields;
  for (const FieldRule& rule : settings.select) {
    auto selector = Selector::Parse(rule.css);
    if (!selector.ok()) {
      return selector.status().Prefixed("select " + rule.name);
    }
    fields.push_back(CompiledField{rule.name, std::move(selector).value(), rule.attr});
  }
  // An arena of its own: gumbo then never frees the tree node by node, which
  // would recurse as deep as the document nests.
  ParseArena arena;
  // The limits of a crawl's records (wire.h), though no frame is involved
  // here: a caller gets what a record would hold.
  ExtractOptions extra{&fields,
                       settings.text,
                       std::min<std::size_t>(settings.max_text, wire::kMaxTextBytes - 4),
                       settings.max_links,
                       wire::kMaxLinkBytes,
                       wire::kMaxFieldBytes};
  PageData page = ExtractPage(ToUtf8(body, SniffEncoding(body, settings.content_type)), url,
                              &arena, extra);
  ExtractedPage out;
  out.title = std::move(page.title);
  out.description = std::move(page.description);
  out.links = std::move(page.links);
  for (auto& [name, values] : page.fields) out.fields[name] = std::move(values);
  out.text = std::move(page.text);
  out.truncated = std::move(page.truncated);
  return out;
}

}  // namespace forage
