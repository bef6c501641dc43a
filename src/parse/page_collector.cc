#include "parse/page_collector.h"

#include <algorithm>
#include <unordered_set>

#include "core/ascii.h"
#include "core/url.h"
#include "ipc/wire.h"
#include "parse/extractor.h"

namespace forage {
namespace {

// Resolves `hrefs` in order into `links`, distinct, within max_links and
// the links' byte budget; true if a link was left out for them.
bool CollectLinks(const std::vector<std::string_view>& hrefs, const UrlResolver& resolver,
                  std::size_t max_links, std::vector<std::string>* links) {
  // The set views the strings in *links, which never reallocates: it has
  // room for every href, or for max_links.
  std::size_t room = hrefs.size();
  if (max_links > 0) room = std::min(room, max_links);
  links->reserve(room);
  std::unordered_set<std::string_view> seen;
  std::size_t bytes = 0;
  for (std::string_view href : hrefs) {
    std::optional<std::string> link = resolver.ResolveLink(href);
    if (!link || seen.count(*link) > 0) continue;
    if (links->size() == room || !FitsFrameBudget(link->size(), wire::kMaxLinkBytes, &bytes)) {
      return true;
    }
    links->push_back(std::move(*link));
    seen.insert(links->back());
  }
  return false;
}

}  // namespace

bool PageCollector::WantsText(GumboTag tag) const {
  return (tag == GUMBO_TAG_TITLE && !title_) || candidates_.WantsText(tag);
}

void PageCollector::Element(const ElementView& e) {
  signals_.Visit(e);
  if (e.html) {
    switch (e.tag) {
      case GUMBO_TAG_TITLE:
        if (!title_) title_ = CollapseWhitespace(e.text);
        break;
      case GUMBO_TAG_META:
        if (!description_) {
          const std::optional<std::string_view> name = e.Find("name");
          const std::optional<std::string_view> content = e.Find("content");
          if (name && content && AsciiEqualsIgnoringCase(*name, "description")) {
            description_ = CollapseWhitespace(*content);
          }
        }
        break;
      case GUMBO_TAG_BASE:
        if (!base_href_) base_href_ = e.Find("href");
        break;
      default:
        break;
    }
  }
  // The links of the kinds settings.follow names (LinkCandidates): an SVG
  // <a href> (or xlink:href, which gumbo names "href" in the xlink
  // namespace) navigates like an HTML one. A link with rel="nofollow" is
  // left out, unless --ignore-nofollow.
  const bool rel_nofollow =
      (e.tag == GUMBO_TAG_A || e.tag == GUMBO_TAG_AREA || e.tag == GUMBO_TAG_LINK) &&
      !settings_.ignore_nofollow && RelHasNofollow(e.Find("rel"));
  if (!rel_nofollow) candidates_.Add(e);
}

bool PageCollector::Finish(std::string_view document_url, const RobotsDirectives& headers,
                           ExtractedPage* page) {
  page->title = std::move(title_);
  page->description = std::move(description_);
  // HTML's frozen base URL: the first <base href> parsed against the page's
  // URL, whatever its scheme (with "file:///x/" or "about:blank" relative
  // links then give no http(s) link); the page's URL when that fails.
  UrlResolver document(document_url);
  std::optional<UrlResolver> based;
  if (base_href_) {
    Result<WhatwgUrl> base = document.ResolveUrl(*base_href_);
    if (base.ok()) based.emplace(std::move(base).value());
  }
  const UrlResolver& resolver = based ? *based : document;
  RobotsDirectives said = headers;
  said |= signals_.directives();
  page->noindex = said.noindex;
  page->nofollow = said.nofollow;
  if (signals_.canonical_href() && resolver.valid()) {
    // One longer than a URL may be could not be admitted anyway.
    page->canonical = resolver.ResolveLink(*signals_.canonical_href());
    if (page->canonical && page->canonical->size() > kMaxUrlBytes) page->canonical.reset();
  }
  // A nofollow page's links are not followed, so not recorded either.
  const bool follow = !page->nofollow || settings_.ignore_nofollow;
  return follow && resolver.valid() &&
         CollectLinks(candidates_.references(), resolver, settings_.max_links, &page->links);
}

}  // namespace forage
