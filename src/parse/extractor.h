#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parse/selector.h"

namespace forage {

// What forage records of an HTML page.
struct PageData {
  std::optional<std::string> title;        // first <title>, whitespace collapsed
  std::optional<std::string> description;  // first <meta name="description" content>
  // a[href] and area[href] resolved as browsers do (the WHATWG URL parser)
  // against the first <base href> (itself resolved against the document URL,
  // any scheme) or, when that fails, the document URL; http(s) only,
  // serialized in ASCII (IDN hosts in punycode), fragment removed,
  // duplicates dropped, in document order.
  std::vector<std::string> links;
  std::vector<std::pair<std::string, std::vector<std::string>>> fields;  // ExtractOptions::fields
  std::optional<std::string> text;                                       // ExtractOptions::text
  // What the limits of ExtractOptions cut, in this order: "links", then
  // "fields.NAME" for each field cut (in the rules' order), then "text".
  std::vector<std::string> truncated;
};

// A --select rule ready to match.
struct CompiledField {
  std::string name;
  Selector selector;
  std::string attr;  // empty: the element's text
};

// What to extract beyond title, description and links, and how much of it.
// A limit of 0 is none. Byte budgets count each string kept with 4 bytes
// more, as a frame carries it (see wire.h), so that what they let through
// fits the frame budget that derives them.
struct ExtractOptions {
  const std::vector<CompiledField>* fields = nullptr;
  bool text = false;
  std::size_t max_text = 0;  // the text is cut to this many bytes (VisibleText)
  // Links: the first max_links distinct ones, while their bytes stay within
  // max_link_bytes; a link past either ends the list ("links" is cut). The
  // rest are never resolved into strings, so a page of a million links
  // costs no more memory than one of max_links.
  std::size_t max_links = 0;
  std::size_t max_link_bytes = 0;
  // Fields: the values of every field together, in the rules' order, each
  // value whole; the first value of a field that does not fit ends that
  // field ("fields.NAME" is cut), and the next field goes on with what is
  // left.
  std::size_t max_field_bytes = 0;
};

class ParseArena;

// Parses `html` (UTF-8) served at `document_url` and extracts its PageData.
// Walks the tree iteratively, so deep nesting cannot overflow the stack.
// With an arena (reused across calls by a fetcher), gumbo allocates from it.
PageData ExtractPage(std::string_view html, std::string_view document_url,
                     ParseArena* arena = nullptr, const ExtractOptions& extra = {});

// Collapses runs of ASCII whitespace to one space and trims both ends.
std::string CollapseWhitespace(std::string_view text);

}  // namespace forage
