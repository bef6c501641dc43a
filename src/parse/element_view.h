#pragma once

#include <gumbo.h>

#include <optional>
#include <span>
#include <string_view>

namespace forage {

// One attribute of an element: its name (lower case) and its value, with
// character references decoded, as a tree would hold them.
struct AttributeView {
  std::string_view name;
  std::string_view value;
};

// One element of a page as extraction sees it, whichever parser found it:
// gumbo's tree (ExtractPage's walk) or the streaming scanner (ScanHtml).
// Views only: what they view lives as long as the parse that made them.
struct ElementView {
  GumboTag tag = GUMBO_TAG_UNKNOWN;
  bool html = true;      // in the HTML namespace (false: SVG, MathML)
  bool in_head = false;  // a child of the document's <head>
  // In the order written. Of one name, only the first is here, except in
  // foreign content, where gumbo names both xlink:href and href "href".
  std::span<const AttributeView> attributes;
  // <title>: its text; <style>: its CSS. Empty for other elements, and for
  // these when the reader of the view did not ask for it (ElementSink).
  std::string_view text;

  // The value of the first attribute named `name`; nullopt when none is.
  std::optional<std::string_view> Find(std::string_view name) const {
    for (const AttributeView& a : attributes) {
      if (a.name == name) return a.value;
    }
    return std::nullopt;
  }
};

// What a parser hands elements to, in document order (gumbo's tree order,
// which the scanner reproduces or gives up).
class ElementSink {
 public:
  virtual ~ElementSink() = default;
  // Whether the view of an element of tag `tag` needs its `text`: a parser
  // skips the work when not.
  virtual bool WantsText(GumboTag tag) const = 0;
  virtual void Element(const ElementView& element) = 0;
};

}  // namespace forage
