#include "parse/page_signals.h"

#include "core/ascii.h"
#include "parse/html_document.h"

namespace forage {

bool RelHasNofollow(std::optional<std::string_view> rel) { return TokenListHolds(rel, "nofollow"); }

void PageSignals::Visit(const ElementView& e) {
  if (!e.html) return;
  if (e.tag == GUMBO_TAG_META) {
    const std::optional<std::string_view> name = e.Find("name");
    const std::optional<std::string_view> content = e.Find("content");
    if (!name || !content) return;
    auto named = [&name](std::string_view word) {
      return !word.empty() && AsciiEqualsIgnoringCase(*name, word);
    };
    if (named(token_) || named("robots")) directives_ |= ParseRobotsContent(*content);
  } else if (e.tag == GUMBO_TAG_LINK && !canonical_ && e.in_head) {
    const std::optional<std::string_view> href = e.Find("href");
    if (href && TokenListHolds(e.Find("rel"), "canonical")) canonical_ = href;
  }
}

}  // namespace forage
