// ExtractHtml: the fetcher's page extraction, for callers that have the
// bytes already (include/forage/extract.h).

#include "forage/extract.h"

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
      return Status::Error("select " + rule.name + ": " + selector.status().message());
    }
    fields.push_back(CompiledField{rule.name, std::move(selector).value(), rule.attr});
  }
  // An arena of its own: gumbo then never frees the tree node by node, which
  // would recurse as deep as the document nests.
  ParseArena arena;
  ExtractOptions extra{&fields, settings.text, settings.max_text};
  PageData page = ExtractPage(ToUtf8(body, SniffEncoding(body, settings.content_type)), url,
                              &arena, extra);
  ExtractedPage out;
  out.title = std::move(page.title);
  out.description = std::move(page.description);
  out.links = std::move(page.links);
  for (auto& [name, values] : page.fields) out.fields[name] = std::move(values);
  out.text = std::move(page.text);
  return out;
}

}  // namespace forage
