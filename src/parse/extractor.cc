#include "parse/extractor.h"

#include <algorithm>
#include <string_view>

#include "core/utf8.h"
#include "ipc/wire.h"
#include "parse/charset.h"
#include "parse/element_view.h"
#include "parse/html_document.h"
#include "parse/html_scanner.h"
#include "parse/page_collector.h"
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

// The views of a gumbo element's attributes, in the order written.
void ViewAttributes(const GumboElement& e, std::vector<AttributeView>* out) {
  out->clear();
  for (unsigned i = 0; i < e.attributes.length; ++i) {
    const auto* a = static_cast<const GumboAttribute*>(e.attributes.data[i]);
    out->push_back({a->name, a->value});
  }
}

// Gives `sink` the elements of gumbo's tree in document order (pre-order,
// children pushed in reverse), iteratively: deep nesting cannot overflow
// the stack. Template contents are not elements of the page (gumbo makes
// <template> a node of its own type).
void WalkTree(const GumboNode* root, ElementSink* sink) {
  std::vector<AttributeView> attributes;
  std::string text;
  std::vector<const GumboNode*> stack{root};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type != GUMBO_NODE_ELEMENT) continue;
    const GumboElement& e = n->v.element;
    ViewAttributes(e, &attributes);
    ElementView view;
    view.tag = e.tag;
    view.html = e.tag_namespace == GUMBO_NAMESPACE_HTML;
    view.in_head = n->parent && n->parent->type == GUMBO_NODE_ELEMENT &&
                   n->parent->v.element.tag == GUMBO_TAG_HEAD;
    view.attributes = attributes;
    if (sink->WantsText(e.tag)) {
      text = TextOf(n);
      view.text = text;
    }
    sink->Element(view);
    const GumboVector& kids = e.children;
    for (unsigned i = kids.length; i-- > 0;) {
      stack.push_back(static_cast<const GumboNode*>(kids.data[i]));
    }
  }
}

}  // namespace

bool FitsFrameBudget(std::size_t bytes, std::size_t limit, std::size_t* used) {
  const std::size_t need = bytes + 4;
  if (limit > 0 && (need > limit || *used > limit - need)) return false;
  *used += need;
  return true;
}

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

namespace {

// `body` as UTF-8, decoded as ToUtf8 decodes it (BOM, then the header's
// charset, then a <meta> prescan, else windows-1252): a view of the body
// itself when it is UTF-8 already, which most pages are, else of *decoded.
std::string_view Utf8Of(std::string_view body, std::string_view content_type,
                        std::string* decoded) {
  const Encoding encoding = SniffEncoding(body, content_type);
  if (encoding.name == "UTF-8") {
    const std::string_view rest = body.substr(std::min(encoding.bom_bytes, body.size()));
    if (FirstInvalidUtf8(rest) == rest.size()) return rest;
  }
  *decoded = ToUtf8(body, encoding);
  return *decoded;
}

// ScanPage on `html` known to be UTF-8.
std::optional<ExtractedPage> ScanUtf8(std::string_view html, std::string_view document_url,
                                      const ExtractSettings& settings, const PageRobots& robots,
                                      ScanOutcome* outcome) {
  HtmlScanner scanner;
  PageCollector collector(settings, robots.token);
  *outcome = scanner.Scan(html, &collector);
  if (*outcome != ScanOutcome::kComplete) return std::nullopt;
  ExtractedPage page;
  if (collector.Finish(document_url, robots.headers, &page)) page.truncated.push_back("links");
  return page;
}

// ExtractPage on `html` known to be UTF-8.
ExtractedPage ExtractUtf8(std::string_view html, std::string_view document_url, ParseArena* arena,
                          const ExtractSettings& settings,
                          const std::vector<CompiledField>& fields, const PageRobots& robots);

}  // namespace

std::optional<ExtractedPage> ScanBody(std::string_view body, std::string_view content_type,
                                      std::string_view url, const ExtractSettings& settings,
                                      const std::vector<CompiledField>& fields,
                                      const PageRobots& robots) {
  if (!fields.empty() || settings.text || settings.full_parse) return std::nullopt;
  std::string decoded;
  ScanOutcome outcome;
  return ScanUtf8(Utf8Of(body, content_type, &decoded), url, settings, robots, &outcome);
}

ExtractedPage ExtractBody(std::string_view body, std::string_view content_type,
                          std::string_view url, const ExtractSettings& settings,
                          const std::vector<CompiledField>& fields, ParseArena* arena,
                          const PageRobots& robots) {
  // Bodies become UTF-8 before gumbo sees them.
  std::string decoded;
  return ExtractUtf8(Utf8Of(body, content_type, &decoded), url, arena, settings, fields, robots);
}

std::optional<ExtractedPage> ScanPage(std::string_view html, std::string_view document_url,
                                      const ExtractSettings& settings, const PageRobots& robots,
                                      ScanOutcome* outcome) {
  // gumbo replaces bytes that are not UTF-8 in its own way; ExtractBody's
  // pages are UTF-8 already.
  if (FirstInvalidUtf8(html) != html.size()) {
    *outcome = ScanOutcome::kInvalidUtf8;
    return std::nullopt;
  }
  return ScanUtf8(html, document_url, settings, robots, outcome);
}

ExtractedPage ExtractPage(std::string_view html, std::string_view document_url, ParseArena* arena,
                          const ExtractSettings& settings,
                          const std::vector<CompiledField>& fields, const PageRobots& robots) {
  if (FirstInvalidUtf8(html) == html.size()) {
    return ExtractUtf8(html, document_url, arena, settings, fields, robots);
  }
  // What gumbo sees, but for the fast path, which needs UTF-8.
  ExtractSettings tree = settings;
  tree.full_parse = true;
  return ExtractUtf8(html, document_url, arena, tree, fields, robots);
}

namespace {

ExtractedPage ExtractUtf8(std::string_view html, std::string_view document_url, ParseArena* arena,
                          const ExtractSettings& settings,
                          const std::vector<CompiledField>& fields, const PageRobots& robots) {
  // The fast path: what every record carries, without a tree, when the
  // scanner vouches for giving gumbo's answer. --select and --text need the
  // tree.
  if (fields.empty() && !settings.text && !settings.full_parse) {
    ScanOutcome outcome;
    if (std::optional<ExtractedPage> page = ScanUtf8(html, document_url, settings, robots, &outcome)) {
      return std::move(*page);
    }
  }
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
      if (!FitsFrameBudget(value.size(), wire::kMaxFieldBytes, &field_bytes)) {
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
  PageCollector collector(settings, robots.token);
  WalkTree(doc.root(), &collector);
  const bool links_cut = collector.Finish(document_url, robots.headers, &page);
  // Named in record order.
  if (links_cut) page.truncated.push_back("links");
  for (std::string& name : fields_cut) page.truncated.push_back(std::move(name));
  if (text_cut) page.truncated.push_back("text");
  return page;
}

}  // namespace

}  // namespace forage
