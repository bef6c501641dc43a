#include "parse/extractor.h"

#include <strings.h>

#include <unordered_set>

#include "core/url.h"
#include "parse/html_document.h"
#include "parse/page_text.h"

namespace forage {
namespace {

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

const char* Attribute(const GumboElement& e, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&e.attributes, name);
  return a ? a->value : nullptr;
}

// Concatenated text of the node's descendants (what <title> holds).
std::string TextOf(const GumboNode* node) {
  std::string out;
  std::vector<const GumboNode*> stack{node};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
        n->type == GUMBO_NODE_CDATA) {
      out += n->v.text.text;
    } else if (n->type == GUMBO_NODE_ELEMENT) {
      const GumboVector& kids = n->v.element.children;
      for (unsigned i = kids.length; i-- > 0;) {
        stack.push_back(static_cast<const GumboNode*>(kids.data[i]));
      }
    }
  }
  return out;
}

}  // namespace

std::string CollapseWhitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char c : text) {
    if (IsAsciiSpace(c)) {
      pending_space = !out.empty();
    } else {
      if (pending_space) out += ' ';
      pending_space = false;
      out += c;
    }
  }
  return out;
}

PageData ExtractPage(std::string_view html, std::string_view document_url, ParseArena* arena,
                     const ExtractOptions& extra) {
  PageData page;
  HtmlDocument doc(html, arena);
  if (!doc.root()) return page;
  if (extra.fields) {
    for (const CompiledField& field : *extra.fields) {
      std::vector<std::string> values;
      for (const GumboNode* node : field.selector.MatchAll(doc.root())) {
        if (field.attr.empty()) {
          values.push_back(ElementText(node));
        } else if (const char* value = Attribute(node->v.element, field.attr.c_str())) {
          values.push_back(value);
        }
      }
      page.fields.emplace_back(field.name, std::move(values));
    }
  }
  if (extra.text) page.text = VisibleText(doc.root(), extra.max_text);

  std::optional<std::string> base_href;
  std::vector<const char*> hrefs;
  // Pre-order walk, children pushed in reverse, so that "first" means first
  // in document order.
  std::vector<const GumboNode*> stack{doc.root()};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type != GUMBO_NODE_ELEMENT) continue;
    const GumboElement& e = n->v.element;
    if (e.tag_namespace == GUMBO_NAMESPACE_HTML) {
      switch (e.tag) {
        case GUMBO_TAG_TITLE:
          if (!page.title) page.title = CollapseWhitespace(TextOf(n));
          break;
        case GUMBO_TAG_META:
          if (!page.description) {
            const char* name = Attribute(e, "name");
            const char* content = Attribute(e, "content");
            if (name && content && strcasecmp(name, "description") == 0) {
              page.description = CollapseWhitespace(content);
            }
          }
          break;
        case GUMBO_TAG_BASE:
          if (!base_href) {
            if (const char* href = Attribute(e, "href")) base_href = href;
          }
          break;
        default:
          break;
      }
    }
    // Links in any namespace: an SVG <a href> (or xlink:href, which gumbo
    // names "href" in the xlink namespace) navigates like an HTML one.
    if (e.tag == GUMBO_TAG_A || e.tag == GUMBO_TAG_AREA) {
      if (const char* href = Attribute(e, "href")) hrefs.push_back(href);
    }
    const GumboVector& kids = e.children;
    for (unsigned i = kids.length; i-- > 0;) {
      stack.push_back(static_cast<const GumboNode*>(kids.data[i]));
    }
  }

  // HTML's frozen base URL: the first <base href> parsed against the page's
  // URL, whatever its scheme (with "file:///x/" or "about:blank" relative
  // links then give no http(s) link); the page's URL when that fails.
  UrlResolver document(document_url);
  std::optional<UrlResolver> based;
  if (base_href) {
    Result<WhatwgUrl> base = document.ResolveUrl(*base_href);
    if (base.ok()) based.emplace(std::move(base).value());
  }
  const UrlResolver& resolver = based ? *based : document;
  if (!resolver.valid()) return page;
  std::unordered_set<std::string> seen;
  for (const char* href : hrefs) {
    std::optional<std::string> link = resolver.ResolveLink(href);
    if (link && seen.insert(*link).second) page.links.push_back(std::move(*link));
  }
  return page;
}

}  // namespace forage
