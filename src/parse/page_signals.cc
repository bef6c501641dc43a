#include "parse/page_signals.h"

#include <strings.h>

#include "parse/html_document.h"

namespace forage {
namespace {

}  // namespace

bool RelHasNofollow(const char* rel) { return TokenListHolds(rel, "nofollow"); }

void PageSignals::Visit(const GumboNode& node) {
  if (node.type != GUMBO_NODE_ELEMENT) return;
  const GumboElement& e = node.v.element;
  if (e.tag_namespace != GUMBO_NAMESPACE_HTML) return;
  if (e.tag == GUMBO_TAG_META) {
    const char* name = Attribute(e, "name");
    const char* content = Attribute(e, "content");
    if (!name || !content) return;
    const std::string_view n(name);
    const bool ours = !token_.empty() && n.size() == token_.size() &&
                      strncasecmp(name, token_.data(), n.size()) == 0;
    if (ours || strcasecmp(name, "robots") == 0) directives_ |= ParseRobotsContent(content);
  } else if (e.tag == GUMBO_TAG_LINK && !canonical_) {
    const GumboNode* parent = node.parent;
    const bool in_head =
        parent && parent->type == GUMBO_NODE_ELEMENT && parent->v.element.tag == GUMBO_TAG_HEAD;
    const char* href = Attribute(e, "href");
    if (in_head && href && TokenListHolds(Attribute(e, "rel"), "canonical")) canonical_ = href;
  }
}

}  // namespace forage
