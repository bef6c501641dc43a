#include "parse/page_signals.h"

#include <strings.h>

#include "parse/html_document.h"

namespace forage {
namespace {

// Whether the space-separated list `list` holds `word`, ignoring case.
bool HoldsWord(const char* list, std::string_view word) {
  if (!list) return false;
  std::string_view rest(list);
  while (!rest.empty()) {
    std::size_t n = 0;
    while (n < rest.size() && !IsAsciiSpace(rest[n])) ++n;
    if (n == word.size() && strncasecmp(rest.data(), word.data(), n) == 0) return true;
    rest.remove_prefix(n);
    while (!rest.empty() && IsAsciiSpace(rest.front())) rest.remove_prefix(1);
  }
  return false;
}

}  // namespace

bool RelHasNofollow(const char* rel) { return HoldsWord(rel, "nofollow"); }

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
    if (in_head && href && HoldsWord(Attribute(e, "rel"), "canonical")) canonical_ = href;
  }
}

}  // namespace forage
