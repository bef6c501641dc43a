#pragma once

#include <gumbo.h>

#include <cstddef>
#include <string>

namespace forage {

// The visible text of a parsed HTML document (`root` is HtmlDocument::root(),
// or any node of it, a GUMBO_NODE_DOCUMENT included), as a reader would copy
// it from the rendered page. Null root gives "", and so does max_bytes 0.
//
// Dropped, with everything inside them: comments; <head> (so <title>),
// <script>, <style>, <template>, <noscript>, <noframes>, <noembed>; SVG and
// MathML; <iframe>, <object>, <applet>, <embed>, <canvas>, <video>, <audio>;
// form controls whose content is a value rather than text (<select>,
// <datalist>, <textarea>; <input> has none, hidden or not); <progress> and
// <meter> fallback; any element with a `hidden` attribute, whatever its value.
// Attributes are never text: no image alt, no input values, no titles.
// There is no CSS, so `style="display:none"` and `aria-hidden` do not hide.
// The contents of <details> count even when it is closed (gumbo 0.10.1 does
// not know <dialog>, whose contents count too).
//
// Layout:
// - Block-level elements (p, div, h1-h6, ul, ol, li, dl, dt, dd, table,
//   caption, tr, section, article, header, footer, nav, aside, main,
//   blockquote, pre, form, fieldset, legend, figure, figcaption, address,
//   details, summary, option, optgroup, hr, br, ...) begin and end a line;
//   inline elements (a, em, strong, span, ...) do not break lines.
// - Table cells (td, th) in one row are separated by one tab; empty cells
//   leave no trace, so columns do not stay aligned, and a block inside a
//   cell still takes a line of its own.
// - Within a line, runs of whitespace collapse to one space, and lines are
//   trimmed. Whitespace means ASCII whitespace (tab, LF, FF, CR, space) and
//   also U+00A0 (&nbsp;), which becomes an ordinary space, as browsers do
//   when copying. Other Unicode spaces are kept as they are.
// - Whitespace collapses inside <pre> as well: its line breaks become spaces.
//   Good enough for indexing and reading, not for copying code.
// - Lines are joined by one "\n": no blank lines (<br><br> is one break), no
//   leading or trailing newline.
//
// The result is cut to at most `max_bytes` bytes, never inside a UTF-8
// sequence (gumbo's text is valid UTF-8), and whitespace left at the end by
// the cut is trimmed: it is always a prefix of the uncut text. The walk stops
// once the limit is passed and is iterative, so any nesting depth is fine.
// With `cut`, *cut says whether anything was cut off.
std::string VisibleText(const GumboNode* root, std::size_t max_bytes, bool* cut = nullptr);

}  // namespace forage
