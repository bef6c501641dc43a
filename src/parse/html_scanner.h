#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "parse/element_view.h"

namespace forage {

// How a scan ended: complete, or why the page must go to gumbo instead.
enum class ScanOutcome : std::uint8_t {
  kComplete = 0,      // every element was given, as gumbo's tree holds it
  kNulByte,           // a U+0000: gumbo's handling depends on the insertion mode
  kForeignContent,    // <math>, or <svg> with more than plain SVG elements
  kTemplate,          // <template>: gumbo keeps its contents out of the page's elements
  kNoscript,          // <noscript>
  kSelect,            // <select>: its insertion mode ignores most tags
  kFrameset,          // <frameset>, <frame>
  kTableContent,      // in a table outside a cell: content gumbo moves ahead of the
                      // table (foster parenting) that could change an answer, or
                      // a tag reshaping the table
  kMergedAttributes,  // a later <html> or <body> tag with attributes (gumbo merges them)
  kObsoleteTag,       // <image>, <isindex>: gumbo rewrites them
  kInvalidUtf8,       // input that is not UTF-8 (ScanPage's test; Scan requires UTF-8)
  kCharRef,           // a numeric reference gumbo's arithmetic reads past (&#4294967295;)
  kMisnested,         // a formatting element closed out of order: gumbo's adoption
                      // agency algorithm may move elements after others
};

// A short lower-case name for `outcome` ("complete", "foreign_content", ...).
std::string_view ScanOutcomeName(ScanOutcome outcome);

// A streaming reader of HTML that gives an ElementSink the elements of a page
// without building a tree, exactly as ExtractPage's walk of gumbo's tree
// would give them: same elements in the same order, same attributes (first
// of a name, names in lower case, values with character references decoded
// and the input stream's normalisations), the <title>'s text and <style>'s
// CSS. It follows the WHATWG tokenizer in the states that decide where tags
// are (data, tags, attributes, comments, bogus comments, DOCTYPE, RCDATA,
// RAWTEXT, script data with its escapes, PLAINTEXT) and models the part of
// tree construction that decides which tags become elements, in which
// order, and which are children of <head>: the head and body phases, tables
// and their cells (with the plainest content a table moves ahead of
// itself), forms, and <svg> drawings made of plain SVG elements. Where tree construction would do anything it does
// not model (ScanOutcome), it stops and says why; the caller then throws
// away what the sink got and parses with gumbo. A differential test and a
// fuzzer hold it to that (tests/unit/html_scanner_test.cc,
// tests/fuzz/fuzz_scanner.cc).
//
// Linear in the input, no recursion, memory within a small multiple of the
// input. Reusable across pages; one thread at a time.
class HtmlScanner {
 public:
  HtmlScanner() = default;
  HtmlScanner(const HtmlScanner&) = delete;
  HtmlScanner& operator=(const HtmlScanner&) = delete;

  // Scans `html`, which must be valid UTF-8 (ExtractBody's decoding makes
  // it so), giving `sink` its elements. The views given stay valid until
  // the next Scan or the scanner's destruction; `html` must live as long.
  ScanOutcome Scan(std::string_view html, ElementSink* sink);

 private:
  friend class ScanRun;
  std::vector<AttributeView> attributes_;  // the current tag's
  std::deque<std::string> strings_;        // values, names and texts rewritten
};

}  // namespace forage
