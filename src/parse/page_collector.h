#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "forage/extract.h"
#include "parse/element_view.h"
#include "parse/link_candidates.h"
#include "parse/page_signals.h"
#include "parse/robots_directives.h"

namespace forage {

// What every record carries of a page, gathered element by element from
// whichever parser walks it: the title, the description, the base URL, the
// robots directives and canonical link (PageSignals), and the links of the
// kinds settings.follow names (LinkCandidates), rel="nofollow" ones left
// out unless settings.ignore_nofollow. "First" means first given: elements
// must come in document order. One page per collector.
class PageCollector : public ElementSink {
 public:
  // `settings` and `token` (our robots product token, "" none) must outlive
  // the collector; so must what the elements given to it view.
  PageCollector(const ExtractSettings& settings, std::string_view token)
      : settings_(settings), candidates_(settings.follow), signals_(token) {}

  bool WantsText(GumboTag tag) const override;
  void Element(const ElementView& element) override;

  // Fills `page`'s title, description, links, noindex, nofollow and
  // canonical: links resolved against the first <base href> (or
  // `document_url`), distinct, within settings.max_links and the wire's
  // byte budget. `headers`: what the response's X-Robots-Tag said. Returns
  // whether links were cut by those limits. Call once, at the end.
  bool Finish(std::string_view document_url, const RobotsDirectives& headers,
              ExtractedPage* page);

 private:
  const ExtractSettings& settings_;
  LinkCandidates candidates_;
  PageSignals signals_;
  std::optional<std::string> title_;
  std::optional<std::string> description_;
  std::optional<std::string_view> base_href_;
};

}  // namespace forage
