#include "parse/page_text.h"

#include <algorithm>
#include <vector>

#include "core/utf8.h"
#include "parse/html_document.h"

namespace forage {
namespace {

// What an element does to the text around it.
enum class Layout { kInline, kBlock, kCell, kDropped };

Layout LayoutOf(const GumboElement& e) {
  // SVG and MathML are drawn, not read: their <text>, <title> and <desc> are
  // labels and formulas that come out as word salad once flattened.
  if (e.tag_namespace != GUMBO_NAMESPACE_HTML) return Layout::kDropped;
  // `hidden` hides whatever its value, even "until-found": that text only
  // shows once the browser's find-in-page finds it.
  if (gumbo_get_attribute(&e.attributes, "hidden")) return Layout::kDropped;
  switch (e.tag) {
    // Never rendered, or rendered as something other than their contents:
    // code, data, fallbacks for when a feature is missing, embedded
    // documents, and controls whose contents are values to pick or edit.
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_TITLE:  // in <body> too: gumbo leaves a stray one there
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_NOSCRIPT:  // the walk plays a browser that runs scripts
    case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_NOEMBED:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_APPLET:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_DATALIST:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_PROGRESS:
    case GUMBO_TAG_METER:
    case GUMBO_TAG_FRAMESET:
      return Layout::kDropped;
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
      return Layout::kCell;
    // A <br> or <hr> is a block with nothing in it: both end the line, and
    // a second one in a row adds nothing, as blank lines are not kept.
    case GUMBO_TAG_BR:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_DIR:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_HGROUP:
    case GUMBO_TAG_HTML:
    case GUMBO_TAG_LEGEND:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_LISTING:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_OPTGROUP:
    case GUMBO_TAG_OPTION:
    case GUMBO_TAG_P:
    case GUMBO_TAG_PLAINTEXT:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_XMP:
      return Layout::kBlock;
    default:
      return Layout::kInline;
  }
}

// Separators between pieces of text, weakest first: where several meet
// (the space before a </p>, the newline it ends with, the tab of the next
// cell), only the strongest is written.
enum class Separator { kNone, kSpace, kTab, kNewline };

// Builds the text character by character. A separator is only remembered,
// and written just before the next visible character, and only if text is
// already there: so nothing leads or trails the text or its lines, and runs
// of separators collapse to one without looking back at what was written.
class TextBuilder {
 public:
  explicit TextBuilder(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  void Separate(Separator s) { pending_ = std::max(pending_, s); }

  void Append(const char* text) {
    for (const char* p = text; *p != '\0' && !full(); ++p) {
      if (IsAsciiSpace(*p)) {
        Separate(Separator::kSpace);
      } else if (p[0] == '\xC2' && p[1] == '\xA0') {
        // U+00A0 in valid UTF-8: C2 is a lead byte, so this is never the
        // tail of another character.
        Separate(Separator::kSpace);
        ++p;
      } else {
        if (pending_ != Separator::kNone && !out_.empty()) out_ += SeparatorChar(pending_);
        pending_ = Separator::kNone;
        out_ += *p;
      }
    }
  }

  // One byte past the limit is enough: it tells whether the cut falls
  // inside a character, and nothing after it can change the result.
  bool full() const { return out_.size() > max_bytes_; }

  std::string Finish() && {
    if (full()) {
      // Cut before the character that crosses the limit, not inside it.
      out_.resize(Utf8CutLength(out_, max_bytes_));
      // Text proper has no ASCII whitespace left in it: what is at the end
      // now is a separator that the cut stranded.
      while (!out_.empty() && (out_.back() == ' ' || out_.back() == '\t' || out_.back() == '\n')) {
        out_.pop_back();
      }
    }
    return std::move(out_);
  }

 private:
  static char SeparatorChar(Separator s) {
    return s == Separator::kNewline ? '\n' : s == Separator::kTab ? '\t' : ' ';
  }

  std::size_t max_bytes_;
  std::string out_;
  Separator pending_ = Separator::kNone;
};

void PushChildren(const GumboVector& kids, std::vector<const GumboNode*>& stack) {
  for (unsigned i = kids.length; i-- > 0;) {
    stack.push_back(static_cast<const GumboNode*>(kids.data[i]));
  }
}

}  // namespace

std::string VisibleText(const GumboNode* root, std::size_t max_bytes, bool* cut) {
  if (cut) *cut = false;
  if (!root) return {};
  TextBuilder text(max_bytes);
  // Pre-order walk with an explicit stack (documents nest 100,000 deep),
  // children pushed in reverse so that they pop in document order. A null
  // entry marks the end of a block: it pops once the block's contents have.
  std::vector<const GumboNode*> stack{root};
  while (!stack.empty() && !text.full()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (!n) {
      text.Separate(Separator::kNewline);
      continue;
    }
    switch (n->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA:  // only inside SVG or MathML, which are dropped
        text.Append(n->v.text.text);
        break;
      case GUMBO_NODE_DOCUMENT:
        PushChildren(n->v.document.children, stack);
        break;
      case GUMBO_NODE_ELEMENT:
        switch (LayoutOf(n->v.element)) {
          case Layout::kDropped:
            break;
          case Layout::kBlock:
            text.Separate(Separator::kNewline);
            stack.push_back(nullptr);
            PushChildren(n->v.element.children, stack);
            break;
          case Layout::kCell:
            // Only the start of a cell separates; the row's end is a block's.
            text.Separate(Separator::kTab);
            PushChildren(n->v.element.children, stack);
            break;
          case Layout::kInline:
            PushChildren(n->v.element.children, stack);
            break;
        }
        break;
      case GUMBO_NODE_TEMPLATE:  // a <template>'s contents are inert
      case GUMBO_NODE_COMMENT:
        break;
    }
  }
  if (cut) *cut = text.full();
  return std::move(text).Finish();
}

}  // namespace forage
