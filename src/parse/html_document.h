#pragma once

#include <gumbo.h>

#include <string_view>

namespace forage {

// A parsed HTML document: owns gumbo's output and frees it on destruction.
// Parsing uses max_errors = 0, because gumbo 0.10.1 copies its stack of open
// elements for every parse error it records, which is quadratic in time and
// memory on hostile nesting (../shared/PITFALLS.md section 5). The input
// should be UTF-8; gumbo replaces invalid bytes with U+FFFD.
class HtmlDocument {
 public:
  explicit HtmlDocument(std::string_view html);
  ~HtmlDocument();
  HtmlDocument(const HtmlDocument&) = delete;
  HtmlDocument& operator=(const HtmlDocument&) = delete;

  // Null only if gumbo ran out of memory.
  const GumboNode* root() const { return output_ ? output_->root : nullptr; }

 private:
  GumboOptions options_;
  GumboOutput* output_;
};

}  // namespace forage
