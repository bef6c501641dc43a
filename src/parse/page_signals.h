#pragma once

#include <optional>
#include <string_view>

#include "parse/element_view.h"
#include "parse/robots_directives.h"

namespace forage {

// What a page's own markup tells a crawler, gathered element by element as
// a parser gives them (ElementView, in document order): the directives of <meta name="robots"> and
// of <meta name="TOKEN"> (TOKEN our product token; either name ignoring
// case, every such tag counting), and the first <link rel="canonical" href>
// that is a child of <head> (one in the body is ignored, as Google ignores
// it: page content, maybe another's, must not rename the page).
class PageSignals {
 public:
  // `token`: our robots product token ("" none: only name="robots" counts).
  // The view must outlive this object.
  explicit PageSignals(std::string_view token) : token_(token) {}

  // Looks at one element (any namespace; only HTML ones count).
  void Visit(const ElementView& element);

  const RobotsDirectives& directives() const { return directives_; }
  // The canonical link's href as written; nullopt when there is none. Views
  // what the element viewed.
  std::optional<std::string_view> canonical_href() const { return canonical_; }

 private:
  std::string_view token_;
  RobotsDirectives directives_;
  std::optional<std::string_view> canonical_;
};

// Whether a rel attribute's value (link types separated by ASCII
// whitespace) holds "nofollow", ignoring case: rel="nofollow ugc" does,
// rel="nofollowed" does not. nullopt (no attribute) does not.
bool RelHasNofollow(std::optional<std::string_view> rel);

}  // namespace forage
