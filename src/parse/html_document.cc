#include "parse/html_document.h"

namespace forage {

HtmlDocument::HtmlDocument(std::string_view html) : options_(kGumboDefaultOptions) {
  options_.max_errors = 0;
  output_ = gumbo_parse_with_options(&options_, html.data(), html.size());
}

HtmlDocument::~HtmlDocument() {
  if (output_) gumbo_destroy_output(&options_, output_);
}

}  // namespace forage
