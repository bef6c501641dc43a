#pragma once

#include <gumbo.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace forage {

// HTML's ASCII whitespace: tab, line feed, form feed, carriage return, space.
inline bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// The value of an element's attribute `name`, or nullptr when it has none.
inline const char* Attribute(const GumboElement& e, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&e.attributes, name);
  return a ? a->value : nullptr;
}

// Whether the ASCII-whitespace-separated token list `list` (a rel value,
// say; nullopt: none) holds `word`, ASCII case ignored.
bool TokenListHolds(std::optional<std::string_view> list, std::string_view word);

// Memory for one parse: gumbo's allocations are bump-allocated from large
// blocks and never freed one by one. Parsing makes hundreds of small
// allocations per kilobyte of HTML, so this roughly halves parse time, and
// the whole tree is released at once instead of node by node. Vectors that
// gumbo grows leave their old copies behind: at most doubling the memory of
// a parse, which malloc's own overhead mostly matched anyway. Allocations
// are rounded to 8 bytes, enough for gumbo's structures (pointers and
// integers), not malloc's 16: a sixth less memory on a 2.5 MB page.
class ParseArena {
 public:
  ParseArena() = default;
  ParseArena(const ParseArena&) = delete;
  ParseArena& operator=(const ParseArena&) = delete;

  void* Allocate(std::size_t size);
  // Frees everything but the first block, which is kept for the next parse.
  void Reset();
  std::size_t BytesReserved() const { return reserved_; }

 private:
  static constexpr std::size_t kBlockBytes = 256 * 1024;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  std::size_t left_ = 0;
  std::size_t reserved_ = 0;
};

// A parsed HTML document. Parsing uses max_errors = 0, because gumbo 0.10.1
// copies its stack of open elements for every parse error it records, which
// is quadratic in time and memory on hostile nesting: 20,000 nested <div>s
// take 10.7 s and 3 GiB with the default options, 0.7 s and 4 MiB with
// max_errors = 0 (upstream gumbo-parser issue 391). The input should be
// UTF-8; gumbo replaces invalid bytes with U+FFFD.
//
// With an arena, the tree lives in it: the document must not outlive the
// arena's next Reset(), which the destructor performs. Without one, gumbo's
// output is freed on destruction as usual.
class HtmlDocument {
 public:
  explicit HtmlDocument(std::string_view html, ParseArena* arena = nullptr);
  ~HtmlDocument();
  HtmlDocument(const HtmlDocument&) = delete;
  HtmlDocument& operator=(const HtmlDocument&) = delete;

  // Null only if gumbo ran out of memory.
  const GumboNode* root() const { return output_ ? output_->root : nullptr; }

 private:
  GumboOptions options_;
  ParseArena* arena_;
  GumboOutput* output_;
};

}  // namespace forage
