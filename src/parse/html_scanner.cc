#include "parse/html_scanner.h"

#include <cstring>

#include "core/ascii.h"
#include "parse/char_refs.h"

// The states named here are the WHATWG HTML standard's ("13.2.5 Tokenization",
// "13.2.6 Tree construction"). What is matched is gumbo 0.10.1's behaviour,
// which the standard's tokenizer of its time describes; where gumbo differs
// from today's standard, gumbo wins, since the scanner's answer must be
// gumbo's.

namespace forage {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool IsAlpha(char c) { return static_cast<unsigned char>((c | 0x20) - 'a') < 26; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
// What ends a tag name: whitespace, '/', '>'.
bool EndsTagName(char c) { return IsSpace(c) || c == '/' || c == '>'; }

// `n` bytes at `p` equal `lower` (lower-case ASCII), ignoring ASCII case.
bool MatchesNoCase(const char* p, std::string_view lower) {
  for (std::size_t i = 0; i < lower.size(); ++i) {
    char c = p[i];
    if (IsUpper(c)) c = static_cast<char>(c + ('a' - 'A'));
    if (c != lower[i]) return false;
  }
  return true;
}

// Code points gumbo's input stream replaces with U+FFFD (its
// utf8_is_invalid_code_point): C0 controls but tab, LF, FF and CR, DEL, C1
// controls, and the noncharacters. U+0000 never gets here (kNulByte).
bool GumboReplaces(char32_t c) {
  return (c >= 0x1 && c <= 0x8) || c == 0xB || (c >= 0xE && c <= 0x1F) ||
         (c >= 0x7F && c <= 0x9F) || (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
}

// Whether `s` holds a byte that could start what the input stream rewrites
// (CR, a replaced code point: their lead bytes) or, with `refs`, a
// character reference. A cheap test before the exact work.
bool MayNeedRewriting(std::string_view s, bool refs) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20) {
      if (c != '\t' && c != '\n' && c != '\f') return true;
    } else if (c == '&') {
      if (refs) return true;
    } else if (c == 0x7F || c == 0xC2 || c == 0xEF || c >= 0xF0) {
      return true;
    }
  }
  return false;
}

// Appends `s` (valid UTF-8) as gumbo's input stream gives it: CR and CR LF
// become LF, GumboReplaces code points U+FFFD.
void AppendAsStream(std::string_view s, std::string* out) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c == '\r') {
        *out += '\n';
        i += (i + 1 < s.size() && s[i + 1] == '\n') ? 2 : 1;
      } else {
        if (GumboReplaces(c)) {
          *out += kReplacement;
        } else {
          *out += static_cast<char>(c);
        }
        ++i;
      }
      continue;
    }
    const std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    char32_t cp = n == 4 ? (c & 0x07) : n == 3 ? (c & 0x0F) : (c & 0x1F);
    for (std::size_t k = 1; k < n && i + k < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    if (GumboReplaces(cp)) {
      *out += kReplacement;
    } else {
      out->append(s.substr(i, n));
    }
    i += n;
  }
}

// Whether a numeric reference in `text` ("&#...", "&#x...", ';' or not) has
// a value, in gumbo 0.10.1's int arithmetic (modulo 2^32), for which
// `pred` holds.
template <typename Pred>
bool AnyReferenceValue(std::string_view text, Pred pred) {
  for (std::size_t i = text.find("&#"); i != std::string_view::npos; i = text.find("&#", i + 2)) {
    std::size_t j = i + 2;
    const bool hex = j < text.size() && (text[j] == 'x' || text[j] == 'X');
    if (hex) ++j;
    std::uint32_t value = 0;
    bool digits = false;
    for (; j < text.size(); ++j) {
      const char c = text[j];
      std::uint32_t digit;
      if (c >= '0' && c <= '9') {
        digit = static_cast<std::uint32_t>(c - '0');
      } else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
        digit = static_cast<std::uint32_t>((c | 0x20) - 'a' + 10);
      } else {
        break;
      }
      value = value * (hex ? 16u : 10u) + digit;
      digits = true;
    }
    if (digits && pred(value)) return true;
  }
  return false;
}

enum class Phase : std::uint8_t { kBeforeHead, kInHead, kAfterHead, kBody };
enum class TableInner : std::uint8_t { kNone, kCell, kCaption };

// One open <table>: its open section (GUMBO_TAG_TBODY, THEAD, TFOOT, or
// UNKNOWN for none) and whether a cell or caption is open in it.
struct TableFrame {
  GumboTag section = GUMBO_TAG_UNKNOWN;
  TableInner inner = TableInner::kNone;
  GumboTag cell = GUMBO_TAG_UNKNOWN;  // TD or TH, when inner is kCell
  // Elements moved ahead of the table (FostersHarmlessly) that may still
  // be open, innermost last: an over-estimate, never an under-estimate.
  std::vector<GumboTag> fostered;
  // A Reconstructs() element was moved ahead of the table since its
  // structure last cleared the stack: a reopened copy may be open there.
  bool copy_open = false;
  // How many open elements (ScanRun::open_) the table had above it: what a
  // cell or caption opens in it, and the table itself, close down to that.
  std::size_t depth = 0;
};

// Elements that gumbo moves ahead of a table (foster parenting) without
// changing any answer, when written without attributes: plain containers
// and phrasing elements whose tree rules hold no surprise, and the void
// <br>, <hr> and <wbr>. (Documentation sites write "<p><br> </p>" between
// table rows.) While one may be open, whatever comes would be moved too, so
// only more of these may come.
bool FostersHarmlessly(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_SPAN:
    case GUMBO_TAG_B:
    case GUMBO_TAG_I:
    case GUMBO_TAG_EM:
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_CODE:
    case GUMBO_TAG_SMALL:
    case GUMBO_TAG_U:
    case GUMBO_TAG_S:
    case GUMBO_TAG_TT:
    case GUMBO_TAG_SUB:
    case GUMBO_TAG_SUP:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_WBR:
      return true;
    default:
      return false;
  }
}

// Of those, the ones whose in-body rules first reopen the formatting
// elements closed too early (reconstruct the active formatting elements):
// the copy lands ahead of the table too and stays open, so that a <style>
// or <script> after it would go there.
bool Reconstructs(GumboTag tag) {
  return tag != GUMBO_TAG_P && tag != GUMBO_TAG_DIV && tag != GUMBO_TAG_CENTER &&
         tag != GUMBO_TAG_HR;
}

// Tags that may be children of <head> ("in head" insertion mode).
bool IsHeadContent(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_BASE:
    case GUMBO_TAG_BASEFONT:
    case GUMBO_TAG_BGSOUND:
    case GUMBO_TAG_LINK:
    case GUMBO_TAG_META:
    case GUMBO_TAG_TITLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_TEMPLATE:
      return true;
    default:
      return false;
  }
}

bool IsTableStructure(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_COL:
    case GUMBO_TAG_COLGROUP:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TH:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TR:
      return true;
    default:
      return false;
  }
}

// What foreign content does not keep to itself: the HTML start tags that
// break out of <svg> ("in foreign content"), the SVG elements whose content
// is HTML again (desc, title, foreignObject), and what gumbo's tree then
// reads as a link or as raw text (a, area, style, script). The scanner
// hands such pages over; the rest of an <svg> is plain elements.
bool EndsPlainSvg(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_B:
    case GUMBO_TAG_BIG:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_CODE:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_EM:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_I:
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_LISTING:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_META:
    case GUMBO_TAG_NOBR:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_P:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_RUBY:
    case GUMBO_TAG_S:
    case GUMBO_TAG_SMALL:
    case GUMBO_TAG_SPAN:
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_STRIKE:
    case GUMBO_TAG_SUB:
    case GUMBO_TAG_SUP:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TT:
    case GUMBO_TAG_U:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_VAR:
    case GUMBO_TAG_FONT:
    case GUMBO_TAG_DESC:
    case GUMBO_TAG_TITLE:
    case GUMBO_TAG_FOREIGNOBJECT:
    case GUMBO_TAG_A:
    case GUMBO_TAG_AREA:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_TEMPLATE:
      return true;
    default:
      return false;
  }
}

// The formatting elements, which the adoption agency algorithm moves
// things around when they are closed out of order.
bool IsFormatting(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_A:
    case GUMBO_TAG_B:
    case GUMBO_TAG_BIG:
    case GUMBO_TAG_CODE:
    case GUMBO_TAG_EM:
    case GUMBO_TAG_FONT:
    case GUMBO_TAG_I:
    case GUMBO_TAG_NOBR:
    case GUMBO_TAG_S:
    case GUMBO_TAG_SMALL:
    case GUMBO_TAG_STRIKE:
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_TT:
    case GUMBO_TAG_U:
      return true;
    default:
      return false;
  }
}

// HTML's "special" elements, at which an end tag for another element
// stops looking (the in-body rules' "any other end tag").
bool IsSpecial(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_APPLET: case GUMBO_TAG_AREA:
    case GUMBO_TAG_ARTICLE: case GUMBO_TAG_ASIDE: case GUMBO_TAG_BASE:
    case GUMBO_TAG_BASEFONT: case GUMBO_TAG_BGSOUND: case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BODY: case GUMBO_TAG_BR: case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_CAPTION: case GUMBO_TAG_CENTER: case GUMBO_TAG_COL:
    case GUMBO_TAG_COLGROUP: case GUMBO_TAG_MENUITEM: case GUMBO_TAG_DD:
    case GUMBO_TAG_DETAILS: case GUMBO_TAG_DIR: case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_EMBED:
    case GUMBO_TAG_FIELDSET: case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FOOTER: case GUMBO_TAG_FORM: case GUMBO_TAG_FRAME:
    case GUMBO_TAG_FRAMESET: case GUMBO_TAG_H1: case GUMBO_TAG_H2:
    case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5:
    case GUMBO_TAG_H6: case GUMBO_TAG_HEAD: case GUMBO_TAG_HEADER:
    case GUMBO_TAG_HGROUP: case GUMBO_TAG_HR: case GUMBO_TAG_HTML:
    case GUMBO_TAG_IFRAME: case GUMBO_TAG_IMG: case GUMBO_TAG_INPUT:
    case GUMBO_TAG_ISINDEX: case GUMBO_TAG_LI: case GUMBO_TAG_LINK:
    case GUMBO_TAG_LISTING: case GUMBO_TAG_MAIN: case GUMBO_TAG_MARQUEE:
    case GUMBO_TAG_MENU: case GUMBO_TAG_META: case GUMBO_TAG_NAV:
    case GUMBO_TAG_NOEMBED: case GUMBO_TAG_NOFRAMES: case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_OBJECT: case GUMBO_TAG_OL: case GUMBO_TAG_P:
    case GUMBO_TAG_PARAM: case GUMBO_TAG_PLAINTEXT: case GUMBO_TAG_PRE:
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_SECTION: case GUMBO_TAG_SELECT:
    case GUMBO_TAG_SOURCE: case GUMBO_TAG_STYLE: case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_TABLE: case GUMBO_TAG_TBODY: case GUMBO_TAG_TD:
    case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TH: case GUMBO_TAG_THEAD: case GUMBO_TAG_TITLE:
    case GUMBO_TAG_TR: case GUMBO_TAG_TRACK: case GUMBO_TAG_UL:
    case GUMBO_TAG_WBR: case GUMBO_TAG_XMP:
      return true;
    default:
      return false;
  }
}

// Elements that never hold anything (void elements), as in-body start tags.
bool IsVoidElement(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_AREA: case GUMBO_TAG_BASE: case GUMBO_TAG_BASEFONT:
    case GUMBO_TAG_BGSOUND: case GUMBO_TAG_BR: case GUMBO_TAG_COL:
    case GUMBO_TAG_EMBED: case GUMBO_TAG_FRAME: case GUMBO_TAG_HR:
    case GUMBO_TAG_IMAGE: case GUMBO_TAG_IMG: case GUMBO_TAG_INPUT:
    case GUMBO_TAG_KEYGEN: case GUMBO_TAG_LINK: case GUMBO_TAG_MENUITEM:
    case GUMBO_TAG_META: case GUMBO_TAG_PARAM: case GUMBO_TAG_SOURCE:
    case GUMBO_TAG_TRACK: case GUMBO_TAG_WBR:
      return true;
    default:
      return false;
  }
}

bool IsSection(GumboTag tag) {
  return tag == GUMBO_TAG_TBODY || tag == GUMBO_TAG_THEAD || tag == GUMBO_TAG_TFOOT;
}

}  // namespace

// One scan of one page: the tokenizer's position and the tree model's state.
class ScanRun {
 public:
  ScanRun(HtmlScanner* scanner, std::string_view html, ElementSink* sink)
      : scanner_(*scanner), p_(html.data()), end_(html.data() + html.size()), sink_(sink) {}

  ScanOutcome Run();

 private:
  // A tag as read: its name (lower case), gumbo's tag for it, and whether
  // it ended in "/>". Its attributes are in scanner_.attributes_.
  struct Tag {
    std::string_view name;
    GumboTag tag = GUMBO_TAG_UNKNOWN;
    bool self_closing = false;
    bool bare = false;  // the name was followed by '>' at once
  };

  // --- tokenizer ---
  void Text(const char* begin, const char* end);
  // Whether text from `begin` (which holds a reference) is all whitespace
  // once its references are decoded.
  bool OnlyWhitespace(const char* begin, const char* end);
  void SkipComment();
  void SkipToGreaterThan();
  // Reads a tag's name and attributes from p_ (at the name's first letter).
  // False if the input ended first: the tag is dropped, as the tokenizer
  // drops a tag cut by the end of the input, and p_ is left at the end
  // (an end tag of raw text or script data too: what follows its
  // unclosed quote is never read as markup).
  bool ReadTag(bool keep_attributes, Tag* tag);
  bool ReadAttributes(bool keep, Tag* tag);
  // `has_value`: an '=' followed the name (a value, maybe empty, was read).
  void AddAttribute(std::string_view name, std::string_view value, bool has_value);
  // RCDATA and RAWTEXT: the text up to the end tag "</name" (then read and
  // dropped), or to the end of the input.
  std::string_view ReadRawText(std::string_view name);
  void SkipScriptData();
  // Whether `p` starts "</script" or "</SCRIPT" ... followed by what ends a
  // tag name: p points after "</".
  bool IsScriptEndTag(const char* p) const;

  // --- tree construction ---
  void StartTag(const Tag& tag);
  void EndTag(const Tag& tag);
  void ForeignStartTag(const Tag& tag);
  void HeadElement(const Tag& tag, bool in_head);
  void BodyStartTag(const Tag& tag);
  void TableStartTag(const Tag& tag);
  void BodyEndTag(GumboTag tag);
  // Gives the sink the current tag as an element; `text` its text, if any;
  // `html` false for an SVG element.
  void Emit(const Tag& tag, bool in_head, std::string_view text = {}, bool html = true);
  void GiveUp(ScanOutcome why) {
    if (outcome_ == ScanOutcome::kComplete) outcome_ = why;
    p_ = end_;
  }
  bool InTableMode() const {
    return !tables_.empty() && tables_.back().inner == TableInner::kNone;
  }
  // `name` in ASCII lower case (a copy only when it has upper case).
  std::string_view Lowered(std::string_view name);
  // A text or value as gumbo's tree would hold it.
  std::string_view Rewritten(std::string_view raw, bool refs, CharRefContext context);

  HtmlScanner& scanner_;
  const char* p_;
  const char* end_;
  ElementSink* sink_;
  ScanOutcome outcome_ = ScanOutcome::kComplete;

  Phase phase_ = Phase::kBeforeHead;
  bool html_made_ = false;  // the <html> element exists (written or implied)
  bool form_open_ = false;  // the form element pointer is set
  std::vector<TableFrame> tables_;
  // The open elements of an <svg>, outermost first (their names); while
  // any is open, tags are read as foreign content.
  std::vector<std::string_view> foreign_;
  // The name of a duplicate attribute without a value, which gumbo puts in
  // front of the next attribute's name (AddAttribute).
  std::string pending_name_;
  // The elements open in the body, as far as the scanner can tell: never
  // fewer than gumbo's (an element some rule closed without its end tag
  // stays here), innermost last. The adoption agency algorithm, which runs
  // when a formatting element is closed out of order, can move an element
  // after others in the tree; the scanner hands such pages over
  // (FormattingEndTag).
  std::vector<GumboTag> open_;
  // An end tag closed a formatting element with the element it named: gumbo
  // keeps it in its list of active formatting elements and reopens a copy
  // of it wherever content comes next, a copy open_ does not know of. From
  // then on CloseFormatting hands the page over.
  bool formatting_reopens_ = false;
  std::size_t Floor() const { return tables_.empty() ? 0 : tables_.back().depth; }
  // A formatting element's end tag, or an <a>/<nobr> start tag that closes
  // an open one: fine when it closes the innermost open element, handed
  // over otherwise. Returns false when it gave up.
  bool CloseFormatting(GumboTag tag);
  // Closes the table's open cell or caption, and what is open in it.
  void CloseCell(TableFrame* table) {
    table->inner = TableInner::kNone;
    open_.resize(std::min(open_.size(), table->depth));
  }
  // Closes the innermost table, and what is open in it.
  void CloseTable() {
    open_.resize(std::min(open_.size(), tables_.back().depth));
    tables_.pop_back();
  }
};

bool ScanRun::CloseFormatting(GumboTag tag) {
  if (formatting_reopens_) {
    GiveUp(ScanOutcome::kMisnested);
    return false;
  }
  for (std::size_t i = open_.size(); i > Floor(); --i) {
    if (open_[i - 1] != tag) continue;
    if (i != open_.size()) {
      GiveUp(ScanOutcome::kMisnested);
      return false;
    }
    open_.pop_back();
    return true;
  }
  return true;  // not open (in this cell): gumbo changes no element
}

std::string_view ScanRun::Lowered(std::string_view name) {
  for (char c : name) {
    if (IsUpper(c)) return scanner_.strings_.emplace_back(AsciiLowered(name));
  }
  return name;
}

std::string_view ScanRun::Rewritten(std::string_view raw, bool refs, CharRefContext context) {
  if (!MayNeedRewriting(raw, refs)) return raw;
  std::string& out = scanner_.strings_.emplace_back();
  if (!refs || raw.find('&') == std::string_view::npos) {
    AppendAsStream(raw, &out);
  } else {
    // The stream's rewriting first, then the references: neither CR nor a
    // replaced code point can be part of a reference, so this order gives
    // what the tokenizer's one pass does.
    std::string stream;
    AppendAsStream(raw, &stream);
    if (!AppendDecodedCharRefs(stream, context, &out)) GiveUp(ScanOutcome::kCharRef);
    // gumbo keeps values and texts as C strings: a reference that gave a
    // NUL byte (gumbo's numeric references wrap) ends them there.
    if (const std::size_t nul = out.find('\0'); nul != std::string::npos) out.resize(nul);
  }
  return out;
}

ScanOutcome ScanRun::Run() {
  while (p_ < end_) {
    const auto* lt = static_cast<const char*>(std::memchr(p_, '<', end_ - p_));
    if (!lt) {
      Text(p_, end_);
      break;
    }
    Text(p_, lt);
    p_ = lt;
    if (p_ + 1 == end_) {  // a '<' at the end is text
      Text(p_, end_);
      break;
    }
    const char c = p_[1];
    if (c == '!') {
      if (end_ - p_ >= 4 && p_[2] == '-' && p_[3] == '-') {
        p_ += 4;
        SkipComment();
      } else if (!foreign_.empty() && end_ - p_ >= 9 &&
                 std::string_view(p_ + 2, 7) == "[CDATA[") {
        GiveUp(ScanOutcome::kForeignContent);  // a real CDATA section
      } else {
        // DOCTYPE (a '>' ends it whatever quotes it has) and bogus
        // comments (CDATA sections too, outside foreign content) end at
        // the first '>'.
        p_ += 2;
        SkipToGreaterThan();
      }
    } else if (c == '/') {
      if (p_ + 2 == end_) {  // "</" at the end is text
        Text(p_, end_);
        break;
      }
      if (IsAlpha(p_[2])) {
        p_ += 2;
        Tag tag;
        if (!ReadTag(false, &tag)) break;
        EndTag(tag);
      } else if (p_[2] == '>') {
        p_ += 3;  // "</>" is nothing
      } else {
        p_ += 2;
        SkipToGreaterThan();  // a bogus comment
      }
    } else if (IsAlpha(c)) {
      ++p_;
      Tag tag;
      if (!ReadTag(true, &tag)) break;
      StartTag(tag);
    } else if (c == '?') {
      ++p_;
      SkipToGreaterThan();  // a bogus comment
    } else {
      Text(p_, p_ + 1);  // '<' then anything else is text
      ++p_;
    }
  }
  return outcome_;
}

void ScanRun::Text(const char* begin, const char* end) {
  if (phase_ == Phase::kBody && !InTableMode()) return;
  for (const char* q = begin; q < end; ++q) {
    if (IsSpace(*q)) continue;
    // Before the body, a reference is whitespace if what it gives is
    // ("&#32;", "&Tab;"): gumbo types a character token by its code point.
    if (*q == '&' && phase_ != Phase::kBody && OnlyWhitespace(q, end)) return;
    // Anything but whitespace: before <body> it ends the head (and starts
    // the body); in a table outside a cell, gumbo moves it ahead of the
    // table, and with it the formatting elements it reopens.
    if (phase_ != Phase::kBody) {
      html_made_ = true;
      phase_ = Phase::kBody;
    } else {
      GiveUp(ScanOutcome::kTableContent);
    }
    return;
  }
}

bool ScanRun::OnlyWhitespace(const char* begin, const char* end) {
  const std::string_view text(begin, end - begin);
  // A value that wraps to a negative int is a character to gumbo, not
  // whitespace, though the decoding gives its low byte alone.
  if (AnyReferenceValue(text, [](std::uint32_t v) { return v >= 0x80000000u; })) return false;
  std::string decoded;
  std::string stream;
  AppendAsStream(text, &stream);
  if (!AppendDecodedCharRefs(stream, CharRefContext::kText, &decoded)) return false;
  for (char c : decoded) {
    if (!IsSpace(c)) return false;
  }
  return true;
}

void ScanRun::SkipComment() {
  // After "<!--": "<!-->" and "<!--->" end at once; otherwise the comment
  // ends at the first "-->" or "--!>", or with the input.
  if (p_ < end_ && *p_ == '>') {
    ++p_;
    return;
  }
  if (end_ - p_ >= 2 && p_[0] == '-' && p_[1] == '>') {
    p_ += 2;
    return;
  }
  for (const char* q = p_; q < end_;) {
    const auto* dash = static_cast<const char*>(std::memchr(q, '-', end_ - q));
    if (!dash || end_ - dash < 3) break;
    if (dash[1] == '-') {
      if (dash[2] == '>') {
        p_ = dash + 3;
        return;
      }
      if (dash[2] == '!' && end_ - dash >= 4 && dash[3] == '>') {
        p_ = dash + 4;
        return;
      }
    }
    q = dash + 1;
  }
  p_ = end_;
}

void ScanRun::SkipToGreaterThan() {
  const auto* gt = static_cast<const char*>(std::memchr(p_, '>', end_ - p_));
  p_ = gt ? gt + 1 : end_;
}

bool ScanRun::ReadTag(bool keep_attributes, Tag* tag) {
  const char* name = p_;
  while (p_ < end_ && !EndsTagName(*p_)) ++p_;
  if (p_ == end_) return false;
  tag->name = std::string_view(name, p_ - name);
  tag->name = Lowered(tag->name);
  tag->tag = gumbo_tagn_enum(tag->name.data(), static_cast<unsigned>(tag->name.size()));
  tag->bare = *p_ == '>';
  scanner_.attributes_.clear();
  pending_name_.clear();
  return ReadAttributes(keep_attributes, tag);
}

bool ScanRun::ReadAttributes(bool keep, Tag* tag) {
  // From the "before attribute name" state.
  for (;;) {
    while (p_ < end_ && IsSpace(*p_)) ++p_;
    if (p_ == end_) return false;
    if (*p_ == '>') {
      ++p_;
      return true;
    }
    if (*p_ == '/') {  // self-closing start tag state
      ++p_;
      if (p_ == end_) return false;
      if (*p_ == '>') {
        ++p_;
        tag->self_closing = true;
        return true;
      }
      continue;  // the '/' is dropped; reconsume before an attribute name
    }
    // Attribute name: its first character may be '='.
    const char* name = p_++;
    while (p_ < end_ && !EndsTagName(*p_) && *p_ != '=') ++p_;
    const std::string_view name_view(name, p_ - name);
    while (p_ < end_ && IsSpace(*p_)) ++p_;
    if (p_ == end_) return false;
    std::string_view value;
    const bool has_value = *p_ == '=';
    if (has_value) {
      ++p_;
      while (p_ < end_ && IsSpace(*p_)) ++p_;
      if (p_ == end_) return false;
      if (*p_ == '"' || *p_ == '\'') {
        const char quote = *p_++;
        const auto* close = static_cast<const char*>(std::memchr(p_, quote, end_ - p_));
        if (!close) {  // the input ends in the value: the tag is dropped
          p_ = end_;
          return false;
        }
        value = std::string_view(p_, close - p_);
        p_ = close + 1;
      } else if (*p_ != '>') {  // unquoted; a '>' here means an empty value
        const char* begin = p_;
        while (p_ < end_ && !IsSpace(*p_) && *p_ != '>') ++p_;
        if (p_ == end_) return false;
        value = std::string_view(begin, p_ - begin);
      }
    }
    if (keep) AddAttribute(name_view, value, has_value);
  }
}

void ScanRun::AddAttribute(std::string_view name, std::string_view value, bool has_value) {
  name = Lowered(name);
  // A name with a rewritten character matches none we look for, rewritten
  // or not; it is still kept, rewritten, for the duplicate test's sake.
  name = Rewritten(name, false, CharRefContext::kAttribute);
  if (!pending_name_.empty()) {
    name = scanner_.strings_.emplace_back(pending_name_ + std::string(name));
    pending_name_.clear();
  }
  for (const AttributeView& a : scanner_.attributes_) {
    if (a.name == name) {
      // Of two attributes of a name, the first wins. gumbo 0.10.1, run
      // with max_errors = 0 (HtmlDocument), then skips clearing its name
      // buffer (its error record is what would have cleared it): a
      // duplicate without a value leaves its name at the front of the
      // next attribute's, as <a x x y=1> gives x and "xy".
      if (!has_value) pending_name_ = name;
      return;
    }
  }
  scanner_.attributes_.push_back({name, Rewritten(value, true, CharRefContext::kAttribute)});
}

std::string_view ScanRun::ReadRawText(std::string_view name) {
  const char* begin = p_;
  for (const char* q = p_; q < end_;) {
    const auto* lt = static_cast<const char*>(std::memchr(q, '<', end_ - q));
    if (!lt) break;
    const char* after = lt + 2 + name.size();  // past "</name"
    if (after < end_ && lt[1] == '/' && MatchesNoCase(lt + 2, name) && EndsTagName(*after)) {
      const std::string_view text(begin, lt - begin);
      p_ = after;
      Tag end_tag;
      ReadAttributes(false, &end_tag);  // an end tag cut by the input is dropped
      return text;
    }
    q = lt + 1;
  }
  p_ = end_;
  return std::string_view(begin, end_ - begin);
}

bool ScanRun::IsScriptEndTag(const char* p) const {
  return end_ - p > 6 && MatchesNoCase(p, "script") && EndsTagName(p[6]);
}

void ScanRun::SkipScriptData() {
  // The script data states: plain, escaped (after "<!--") and double
  // escaped (after "<script" in an escaped run), each escaped one counting
  // the dashes just seen, since "-->" after two of them ends the escape.
  enum class Escape : std::uint8_t { kNone, kEscaped, kDouble };
  Escape escape = Escape::kNone;
  int dashes = 0;  // 0, 1, or 2 and more
  // After '<' in an escaped state: whether letters from `p` then a
  // tag-name end spell "script"; *next is set past the end character when
  // they end in one, else to the first other byte.
  auto spells_script = [this](const char* p, const char** next) {
    const char* q = p;
    while (q < end_ && IsAlpha(*q)) ++q;
    if (q == end_ || !EndsTagName(*q)) {
      *next = q;
      return false;
    }
    *next = q + 1;
    return q - p == 6 && MatchesNoCase(p, "script");
  };
  const char* q = p_;
  while (q < end_) {
    if (escape == Escape::kNone) {
      const auto* lt = static_cast<const char*>(std::memchr(q, '<', end_ - q));
      if (!lt) break;
      q = lt + 1;
      if (q == end_) break;
      if (*q == '/') {
        if (IsScriptEndTag(q + 1)) {
          p_ = q + 7;
          Tag end_tag;
          ReadAttributes(false, &end_tag);
          return;
        }
        ++q;
      } else if (*q == '!') {
        // Script data escape start: "<!--" escapes, and leaves the state
        // at "escaped dash dash", so "<!-->" closes it at once.
        ++q;
        if (q < end_ && *q == '-' && q + 1 < end_ && q[1] == '-') {
          q += 2;
          escape = Escape::kEscaped;
          dashes = 2;
        }
      }
      continue;
    }
    const char c = *q;
    if (c == '<') {
      dashes = 0;
      if (escape == Escape::kEscaped) {
        if (q + 1 < end_ && q[1] == '/') {
          if (IsScriptEndTag(q + 2)) {
            p_ = q + 8;
            Tag end_tag;
            ReadAttributes(false, &end_tag);
            return;
          }
          q += 2;
        } else if (q + 1 < end_ && IsAlpha(q[1])) {
          const char* next;
          if (spells_script(q + 1, &next)) escape = Escape::kDouble;
          q = next;
        } else {
          ++q;
        }
      } else if (q + 1 < end_ && q[1] == '/') {
        const char* next;
        if (spells_script(q + 2, &next)) escape = Escape::kEscaped;
        q = next;
      } else {
        ++q;
      }
      continue;
    }
    ++q;
    if (c == '-') {
      if (dashes < 2) ++dashes;
    } else if (c == '>' && dashes == 2) {
      escape = Escape::kNone;  // "-->": back to plain script data
      dashes = 0;
    } else {
      dashes = 0;
    }
  }
  p_ = end_;
}

void ScanRun::Emit(const Tag& tag, bool in_head, std::string_view text, bool html) {
  ElementView view;
  view.tag = tag.tag;
  view.html = html;
  view.in_head = in_head;
  view.attributes = scanner_.attributes_;
  view.text = text;
  sink_->Element(view);
}

void ScanRun::StartTag(const Tag& tag) {
  if (!foreign_.empty()) return ForeignStartTag(tag);
  switch (tag.tag) {
    case GUMBO_TAG_MATH:
      return GiveUp(ScanOutcome::kForeignContent);
    case GUMBO_TAG_TEMPLATE:
      return GiveUp(ScanOutcome::kTemplate);
    case GUMBO_TAG_NOSCRIPT:
      return GiveUp(ScanOutcome::kNoscript);
    case GUMBO_TAG_SELECT:
      return GiveUp(ScanOutcome::kSelect);
    case GUMBO_TAG_FRAMESET:
    case GUMBO_TAG_FRAME:
      return GiveUp(ScanOutcome::kFrameset);
    case GUMBO_TAG_IMAGE:
    case GUMBO_TAG_ISINDEX:
      return GiveUp(ScanOutcome::kObsoleteTag);
    default:
      break;
  }
  if (tag.tag == GUMBO_TAG_HTML) {
    // The first makes the root element; a later one's attributes are
    // merged into it, which moves them ahead of what came between.
    if (!html_made_ && phase_ == Phase::kBeforeHead) {
      html_made_ = true;
      Emit(tag, false);
    } else if (!scanner_.attributes_.empty()) {
      GiveUp(ScanOutcome::kMergedAttributes);
    }
    return;
  }
  switch (phase_) {
    case Phase::kBeforeHead:
      html_made_ = true;
      if (tag.tag == GUMBO_TAG_HEAD) {
        phase_ = Phase::kInHead;
        return Emit(tag, false);
      }
      // gumbo 0.10.1 also takes <menuitem> in the head (not after it).
      if (IsHeadContent(tag.tag) || tag.tag == GUMBO_TAG_MENUITEM) {
        phase_ = Phase::kInHead;  // an implied <head>
        return HeadElement(tag, true);
      }
      break;  // an implied <head>, closed at once: to the body
    case Phase::kInHead:
      if (tag.tag == GUMBO_TAG_HEAD) return;
      if (IsHeadContent(tag.tag) || tag.tag == GUMBO_TAG_MENUITEM) return HeadElement(tag, true);
      break;
    case Phase::kAfterHead:
      if (tag.tag == GUMBO_TAG_HEAD) return;
      // <noscript> gave up already; the rest go back into <head>.
      if (IsHeadContent(tag.tag)) return HeadElement(tag, true);
      break;
    case Phase::kBody:
      return BodyStartTag(tag);
  }
  // Whatever else ends the head. A <body> tag makes the body with its
  // attributes; anything else implies an empty one and is read in it.
  phase_ = Phase::kBody;
  if (tag.tag == GUMBO_TAG_BODY) return Emit(tag, false);
  BodyStartTag(tag);
}

void ScanRun::HeadElement(const Tag& tag, bool in_head) {
  switch (tag.tag) {
    case GUMBO_TAG_TITLE: {
      const std::string_view raw = ReadRawText("title");
      std::string_view text;
      if (sink_->WantsText(GUMBO_TAG_TITLE)) text = Rewritten(raw, true, CharRefContext::kText);
      return Emit(tag, in_head, text);
    }
    case GUMBO_TAG_STYLE: {
      // ReadRawText leaves attributes_ alone: end tags' are not kept.
      const std::string_view raw = ReadRawText("style");
      std::string_view text;
      if (sink_->WantsText(GUMBO_TAG_STYLE)) text = Rewritten(raw, false, CharRefContext::kText);
      return Emit(tag, in_head, text);
    }
    case GUMBO_TAG_NOFRAMES:
      Emit(tag, in_head);
      ReadRawText("noframes");
      return;
    case GUMBO_TAG_SCRIPT:
      Emit(tag, in_head);
      return SkipScriptData();
    default:  // base, basefont, bgsound, link, meta, menuitem: void elements
      return Emit(tag, in_head);
  }
}

void ScanRun::BodyStartTag(const Tag& tag) {
  if (!tables_.empty()) {
    TableFrame& table = tables_.back();
    // A table's structure closes an open cell or caption, then is read
    // in the table.
    if (table.inner != TableInner::kNone && IsTableStructure(tag.tag)) CloseCell(&table);
    if (table.inner == TableInner::kNone) return TableStartTag(tag);
  }
  switch (tag.tag) {
    case GUMBO_TAG_BODY:
      if (!scanner_.attributes_.empty()) GiveUp(ScanOutcome::kMergedAttributes);
      return;
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_COL:
    case GUMBO_TAG_COLGROUP:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TH:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TR:
      return;  // ignored outside a table: no element
    case GUMBO_TAG_FORM:
      // Ignored while the form element pointer is set.
      if (form_open_) return;
      form_open_ = true;
      open_.push_back(GUMBO_TAG_FORM);
      return Emit(tag, false);
    case GUMBO_TAG_TABLE:
      Emit(tag, false);
      tables_.emplace_back();
      tables_.back().depth = open_.size();
      return;
    case GUMBO_TAG_SVG:
      Emit(tag, false, {}, false);
      if (!tag.self_closing) foreign_.push_back(tag.name);
      return;
    case GUMBO_TAG_TITLE:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_BASE:
    case GUMBO_TAG_BASEFONT:
    case GUMBO_TAG_BGSOUND:
    case GUMBO_TAG_LINK:
    case GUMBO_TAG_META:
      return HeadElement(tag, false);
    case GUMBO_TAG_TEXTAREA:
      Emit(tag, false);
      ReadRawText("textarea");
      return;
    case GUMBO_TAG_XMP:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_NOEMBED:
      Emit(tag, false);
      ReadRawText(tag.name);
      return;
    case GUMBO_TAG_PLAINTEXT:
      Emit(tag, false);
      p_ = end_;  // the rest is text
      return;
    case GUMBO_TAG_A:
    case GUMBO_TAG_NOBR:
      // An open one is closed first, by the adoption agency algorithm.
      if (!CloseFormatting(tag.tag)) return;
      [[fallthrough]];
    default:
      if (!IsVoidElement(tag.tag)) open_.push_back(tag.tag);
      return Emit(tag, false);
  }
}

void ScanRun::TableStartTag(const Tag& tag) {
  TableFrame& table = tables_.back();
  // The table's structure clears the stack back to the table: whatever was
  // moved ahead of it is closed.
  if (IsTableStructure(tag.tag)) {
    table.fostered.clear();
    table.copy_open = false;
  }
  switch (tag.tag) {
    case GUMBO_TAG_CAPTION:
      table.section = GUMBO_TAG_UNKNOWN;
      table.inner = TableInner::kCaption;
      return Emit(tag, false);
    case GUMBO_TAG_COLGROUP:
    case GUMBO_TAG_COL:
      table.section = GUMBO_TAG_UNKNOWN;
      return Emit(tag, false);
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TFOOT:
      table.section = tag.tag;
      return Emit(tag, false);
    case GUMBO_TAG_TR:
      if (table.section == GUMBO_TAG_UNKNOWN) table.section = GUMBO_TAG_TBODY;
      return Emit(tag, false);
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
      if (table.section == GUMBO_TAG_UNKNOWN) table.section = GUMBO_TAG_TBODY;
      table.inner = TableInner::kCell;
      table.cell = tag.tag;
      return Emit(tag, false);
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_SCRIPT:
      // Inserted in the table, not moved; but into an element moved ahead
      // of it, if one is open.
      if (!table.fostered.empty() || table.copy_open) {
        return GiveUp(ScanOutcome::kTableContent);
      }
      return HeadElement(tag, false);
    default:
      if (scanner_.attributes_.empty() && FostersHarmlessly(tag.tag)) {
        // The self-closing flag does not close a non-void HTML element.
        if (!IsVoidElement(tag.tag)) table.fostered.push_back(tag.tag);
        if (Reconstructs(tag.tag)) table.copy_open = true;
        return;
      }
      return GiveUp(ScanOutcome::kTableContent);
  }
}

void ScanRun::ForeignStartTag(const Tag& tag) {
  // In foreign content the tokenizer stays in the data state (no raw
  // text), a "/>" closes the element, and no HTML rule applies.
  if (EndsPlainSvg(tag.tag)) return GiveUp(ScanOutcome::kForeignContent);
  Emit(tag, false, {}, false);
  if (!tag.self_closing) foreign_.push_back(tag.name);
}

void ScanRun::EndTag(const Tag& end) {
  if (!foreign_.empty()) {
    // An end tag closing the current SVG element closes it; any other one
    // would close several, or go back to HTML rules. gumbo compares the
    // whole text between "</" and '>': "</svg >" closes nothing.
    if (end.bare && end.name == foreign_.back()) {
      foreign_.pop_back();
    } else {
      GiveUp(ScanOutcome::kForeignContent);
    }
    return;
  }
  const GumboTag tag = end.tag;
  if (tag == GUMBO_TAG_TEMPLATE) return;  // none is open: ignored
  switch (phase_) {
    case Phase::kBeforeHead:
      if (tag == GUMBO_TAG_HEAD) {
        html_made_ = true;
        phase_ = Phase::kAfterHead;  // an implied <head>, closed
      } else if (tag == GUMBO_TAG_BODY || tag == GUMBO_TAG_HTML || tag == GUMBO_TAG_BR) {
        html_made_ = true;
        phase_ = Phase::kBody;
      }
      return;  // other end tags are ignored
    case Phase::kInHead:
      if (tag == GUMBO_TAG_HEAD) {
        phase_ = Phase::kAfterHead;
      } else if (tag == GUMBO_TAG_BODY || tag == GUMBO_TAG_HTML || tag == GUMBO_TAG_BR) {
        phase_ = Phase::kBody;
      }
      return;
    case Phase::kAfterHead:
      if (tag == GUMBO_TAG_BODY || tag == GUMBO_TAG_HTML || tag == GUMBO_TAG_BR) {
        phase_ = Phase::kBody;
      }
      return;
    case Phase::kBody:
      return BodyEndTag(tag);
  }
}

void ScanRun::BodyEndTag(GumboTag tag) {
  if (!tables_.empty()) {
    TableFrame& table = tables_.back();
    switch (table.inner) {
      case TableInner::kNone:
        if (!table.fostered.empty() && tag != GUMBO_TAG_TABLE) {
          // Only the innermost element moved ahead of the table is known
          // to close by its end tag.
          if (tag == table.fostered.back()) {
            table.fostered.pop_back();
          } else {
            GiveUp(ScanOutcome::kTableContent);
          }
          return;
        }
        if (tag == GUMBO_TAG_TABLE) {
          CloseTable();
        } else if (IsSection(tag)) {
          if (table.section == tag) table.section = GUMBO_TAG_UNKNOWN;
        } else if (!IsTableStructure(tag) && tag != GUMBO_TAG_BODY && tag != GUMBO_TAG_HTML) {
          // Another end tag would be read in the body with content moved
          // ahead of the table.
          GiveUp(ScanOutcome::kTableContent);
        }
        return;
      case TableInner::kCell:
        if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) {
          if (tag == table.cell) CloseCell(&table);
          return;
        }
        if (tag == GUMBO_TAG_TABLE) {
          CloseTable();
          return;
        }
        if (IsSection(tag)) {
          if (table.section == tag) {
            CloseCell(&table);
            table.section = GUMBO_TAG_UNKNOWN;
          }
          return;
        }
        if (tag == GUMBO_TAG_TR) {
          CloseCell(&table);
          return;
        }
        if (tag == GUMBO_TAG_BODY || tag == GUMBO_TAG_CAPTION || tag == GUMBO_TAG_COL ||
            tag == GUMBO_TAG_COLGROUP || tag == GUMBO_TAG_HTML) {
          return;  // ignored in a cell
        }
        break;
      case TableInner::kCaption:
        if (tag == GUMBO_TAG_CAPTION) {
          CloseCell(&table);
          return;
        }
        if (tag == GUMBO_TAG_TABLE) {
          CloseTable();
          return;
        }
        if (IsTableStructure(tag) || tag == GUMBO_TAG_BODY || tag == GUMBO_TAG_HTML) return;
        break;
    }
  }
  if (IsFormatting(tag)) {
    CloseFormatting(tag);
    return;
  }
  if (tag == GUMBO_TAG_FORM) {
    // The form element pointer goes; the form alone leaves the stack.
    form_open_ = false;
    for (std::size_t i = open_.size(); i > Floor(); --i) {
      if (open_[i - 1] == GUMBO_TAG_FORM) {
        open_.erase(open_.begin() + static_cast<std::ptrdiff_t>(i - 1));
        break;
      }
    }
    return;
  }
  // Any other end tag closes its element and what is open in it, unless a
  // special element comes first (then gumbo ignores it; so does this).
  for (std::size_t i = open_.size(); i > Floor(); --i) {
    if (open_[i - 1] == tag) {
      for (std::size_t k = i; k < open_.size(); ++k) {
        if (IsFormatting(open_[k])) formatting_reopens_ = true;
      }
      open_.resize(i - 1);
      return;
    }
    if (IsSpecial(open_[i - 1])) return;
  }
}

std::string_view ScanOutcomeName(ScanOutcome outcome) {
  switch (outcome) {
    case ScanOutcome::kComplete:
      return "complete";
    case ScanOutcome::kNulByte:
      return "nul_byte";
    case ScanOutcome::kForeignContent:
      return "foreign_content";
    case ScanOutcome::kTemplate:
      return "template";
    case ScanOutcome::kNoscript:
      return "noscript";
    case ScanOutcome::kSelect:
      return "select";
    case ScanOutcome::kFrameset:
      return "frameset";
    case ScanOutcome::kTableContent:
      return "table_content";
    case ScanOutcome::kMergedAttributes:
      return "merged_attributes";
    case ScanOutcome::kObsoleteTag:
      return "obsolete_tag";
    case ScanOutcome::kInvalidUtf8:
      return "invalid_utf8";
    case ScanOutcome::kCharRef:
      return "char_ref";
    case ScanOutcome::kMisnested:
      return "misnested";
  }
  return "unknown";
}

ScanOutcome HtmlScanner::Scan(std::string_view html, ElementSink* sink) {
  attributes_.clear();
  strings_.clear();
  if (std::memchr(html.data(), '\0', html.size()) != nullptr) return ScanOutcome::kNulByte;
  // A reference whose value wraps to 0xFFFFFFFF is -1, gumbo's "no
  // character": it emits '&' and skips the next character, the '<' of a
  // tag maybe, wherever the reference stands.
  if (AnyReferenceValue(html, [](std::uint32_t v) { return v == 0xFFFFFFFFu; })) {
    return ScanOutcome::kCharRef;
  }
  return ScanRun(this, html, sink).Run();
}

}  // namespace forage
