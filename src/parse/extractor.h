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
};

// A --select rule ready to match.
struct CompiledField {
  std::string name;
  Selector selector;
  std::string attr;  // empty: the element's text
};

// What to extract beyond title, description and links.
struct ExtractOptions {
  const std::vector<CompiledField>* fields = nullptr;
  bool text = false;
  std::size_t max_text = 0;
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
