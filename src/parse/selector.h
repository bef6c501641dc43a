#pragma once

#include <gumbo.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "forage/status.h"

namespace forage {

namespace selector_internal {
struct Compiled;  // the parsed selector list; defined in selector.cc
}  // namespace selector_internal

// A CSS selector list, parsed once and matched against gumbo trees. Pure;
// cheap to copy; safe to share between threads once built.
//
// Supported (a subset of Selectors Level 4, as in cascadia/gumbo-query):
//   type selectors (ASCII case-insensitive, custom elements included) and `*`;
//   `.class` and `#id` (case-sensitive);
//   `[a]`, `[a=v]`, `[a~=v]`, `[a|=v]`, `[a^=v]`, `[a$=v]`, `[a*=v]`, the value an
//   identifier or a quoted string, compared case-sensitively, except that the
//   values of the attributes the HTML Standard lists in "Case-sensitivity of
//   selectors" (type, lang, rel, method, ...) are compared ASCII
//   case-insensitively on HTML elements (not in SVG or MathML); an ` i` flag
//   makes any comparison case-insensitive, an ` s` flag case-sensitive;
//   the combinators ` `, `>`, `+`, `~` (siblings are element siblings);
//   selector lists with `,`;
//   :first-child, :last-child, :only-child, :nth-child(An+B), :nth-last-child(An+B),
//   :first-of-type, :last-of-type, :only-of-type, :nth-of-type(An+B),
//   :nth-last-of-type(An+B), :empty, :root, and :not(compound, ...).
// Everything else (pseudo-elements, :hover, namespaces, `:nth-child(An+B of S)`,
// ...) is a parse error rather than a selector that silently matches nothing.
// As in CSS, comments are skipped, a NUL byte is read as U+FFFD, and so is a
// backslash at the very end.
//
// Combinators are matched against the whole tree the element lives in, as
// Element.querySelectorAll does: MatchAll(root) may return an element whose
// matching ancestors lie above `root`.
class Selector {
 public:
  // Parses `css`. On failure the Status says what is wrong and where, e.g.
  // `bad selector "div >": expected a selector after ">" at offset 4` (the
  // selector quoted with any NUL as U+FFFD, the offset in bytes of that).
  static Result<Selector> Parse(std::string_view css);

  // The HTML elements under `root` (root included) that match, each once, in
  // document order. `root` may also be a document node; null gives nothing.
  // Iterative, and linear in the size of the tree times the number of
  // compound selectors, however deep the tree.
  std::vector<const GumboNode*> MatchAll(const GumboNode* root) const;

  // Whether `element` (a GUMBO_NODE_ELEMENT or GUMBO_NODE_TEMPLATE) matches.
  // False for any other node, or null.
  bool Matches(const GumboNode* element) const;

 private:
  using Compiled = selector_internal::Compiled;
  explicit Selector(std::shared_ptr<const Compiled> compiled) : compiled_(std::move(compiled)) {}

  std::shared_ptr<const Compiled> compiled_;
};

// The text content of an element: all descendant text nodes (not comments),
// runs of ASCII whitespace collapsed to one space, trimmed. Iterative, so any
// depth is fine. Script and style contents count, as for DOM textContent.
std::string ElementText(const GumboNode* element);

}  // namespace forage
