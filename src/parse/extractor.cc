#include "parse/extractor.h"

#include <strings.h>

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "core/url.h"
#include "ipc/wire.h"
#include "parse/charset.h"
#include "parse/html_document.h"
#include "parse/link_candidates.h"
#include "parse/page_signals.h"
#include "parse/page_text.h"

namespace forage {
namespace {

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

// Whether a string of `bytes` still fits a budget of `limit` (0: none) of
// which *used is taken, counting 4 bytes more as a frame does; if it fits,
// it is taken.
bool Fits(std::size_t bytes, std::size_t limit, std::size_t* used) {
  const std::size_t need = bytes + 4;
  if (limit > 0 && (need > limit || *used > limit - need)) return false;
  *used += need;
  return true;
}

// Resolves `hrefs` in order into `links`, distinct, within max_links and
// the links' byte budget; true if a link was left out for them.
bool CollectLinks(const std::vector<std::string_view>& hrefs, const UrlResolver& resolver,
                  std::size_t max_links, std::vector<std::string>* links) {
  // The set views the strings in *links, which never reallocates: it has
  // room for every href, or for max_links.
  std::size_t room = hrefs.size();
  if (max_links > 0) room = std::min(room, max_links);
  links->reserve(room);
  std::unordered_set<std::string_view> seen;
  std::size_t bytes = 0;
  for (std::string_view href : hrefs) {
    std::optional<std::string> link = resolver.ResolveLink(href);
    if (!link || seen.count(*link) > 0) continue;
    if (links->size() == room || !Fits(link->size(), wire::kMaxLinkBytes, &bytes)) return true;
    links->push_back(std::move(*link));
    seen.insert(links->back());
  }
  return false;
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

ExtractedPage ExtractBody(std::string_view body, std::string_view content_type,
                          std::string_view url, const ExtractSettings& settings,
                          const std::vector<CompiledField>& fields, ParseArena* arena,
                          const PageRobots& robots) {
  // Bodies become UTF-8 before gumbo sees them: BOM, then the header's
  // charset, then a <meta> prescan, else windows-1252.
  return ExtractPage(ToUtf8(body, SniffEncoding(body, content_type)), url, arena, settings, fields,
                     robots);
}

ExtractedPage ExtractPage(std::string_view html, std::string_view document_url, ParseArena* arena,
                          const ExtractSettings& settings,
                          const std::vector<CompiledField>& fields, const PageRobots& robots) {
  ExtractedPage page;
  HtmlDocument doc(html, arena);
  if (!doc.root()) return page;
  std::vector<std::string> fields_cut;
  std::size_t field_bytes = 0;
  for (const CompiledField& field : fields) {
    std::vector<std::string> values;
    for (const GumboNode* node : field.selector.MatchAll(doc.root())) {
      std::string value;
      if (field.attr.empty()) {
        value = ElementText(node);
      } else if (const char* attr = Attribute(node->v.element, field.attr.c_str())) {
        value = attr;
      } else {
        continue;
      }
      if (!Fits(value.size(), wire::kMaxFieldBytes, &field_bytes)) {
        fields_cut.push_back("fields." + field.name);
        break;
      }
      values.push_back(std::move(value));
    }
    page.fields[field.name] = std::move(values);
  }
  bool text_cut = false;
  if (settings.text) {
    // Extraction stops at what a result frame may carry: the text with its
    // 4-byte length within kMaxTextBytes.
    const std::size_t max_text = std::min<std::size_t>(settings.max_text, wire::kMaxTextBytes - 4);
    page.text = VisibleText(doc.root(), max_text, &text_cut);
  }

  std::optional<std::string> base_href;
  LinkCandidates candidates(settings.follow);
  PageSignals signals(robots.token);
  // Pre-order walk, children pushed in reverse, so that "first" means first
  // in document order.
  std::vector<const GumboNode*> stack{doc.root()};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type != GUMBO_NODE_ELEMENT) continue;
    const GumboElement& e = n->v.element;
    signals.Visit(*n);
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
    // The links of the kinds settings.follow names (LinkCandidates): an
    // SVG <a href> (or xlink:href, which gumbo names "href" in the xlink
    // namespace) navigates like an HTML one. A link with rel="nofollow" is
    // left out, unless --ignore-nofollow.
    const bool rel_nofollow =
        (e.tag == GUMBO_TAG_A || e.tag == GUMBO_TAG_AREA || e.tag == GUMBO_TAG_LINK) &&
        !settings.ignore_nofollow && RelHasNofollow(Attribute(e, "rel"));
    if (!rel_nofollow) candidates.Add(n);
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
  RobotsDirectives said = robots.headers;
  said |= signals.directives();
  page.noindex = said.noindex;
  page.nofollow = said.nofollow;
  if (signals.canonical_href() && resolver.valid()) {
    // One longer than a URL may be could not be admitted anyway.
    page.canonical = resolver.ResolveLink(signals.canonical_href());
    if (page.canonical && page.canonical->size() > kMaxUrlBytes) page.canonical.reset();
  }
  // A nofollow page's links are not followed, so not recorded either.
  const bool follow = !page.nofollow || settings.ignore_nofollow;
  const bool links_cut = follow && resolver.valid() &&
                         CollectLinks(candidates.references(), resolver, settings.max_links,
                                      &page.links);
  // Named in record order.
  if (links_cut) page.truncated.push_back("links");
  for (std::string& name : fields_cut) page.truncated.push_back(std::move(name));
  if (text_cut) page.truncated.push_back("text");
  return page;
}

}  // namespace forage
