#include "parse/link_candidates.h"

#include <optional>

#include "core/ascii.h"
#include "forage/fetch_settings.h"
#include "parse/css_urls.h"
#include "parse/html_document.h"
#include "parse/meta_refresh.h"
#include "parse/srcset.h"

namespace forage {
namespace {

// How an attribute's value holds references.
enum class Form { kNone, kUrl, kSrcset, kRefresh, kCss };

struct Role {
  std::uint32_t kind = 0;
  Form form = Form::kNone;
};

// The kind of link a <link>'s href is, by its rel (ASCII whitespace
// separated, any case) and hreflang; 0 for none of ours.
std::uint32_t LinkElementKind(const ElementView& e) {
  const std::optional<std::string_view> rel = e.Find("rel");
  auto holds = [&rel](std::string_view word) { return TokenListHolds(rel, word); };
  // "alternate stylesheet" is a stylesheet.
  if (holds("stylesheet")) return kFollowStyles;
  if (holds("icon") || holds("canonical")) return 0;
  const bool navigation =
      holds("alternate") || holds("next") || holds("prev") || holds("previous");
  return (navigation || e.Find("hreflang")) ? std::uint32_t{kFollowLinks} : 0;
}

// What attribute `name` of element `e` holds, as far as links go.
// Whether attribute value `a` (nullopt: none) is `b`, ASCII case ignored.
bool EqualsNoCase(std::optional<std::string_view> a, std::string_view b) {
  return a && AsciiEqualsIgnoringCase(*a, b);
}

Role RoleOf(const ElementView& e, std::string_view name) {
  if (name == "style") return {kFollowStyles, Form::kCss};
  if (e.tag == GUMBO_TAG_A || e.tag == GUMBO_TAG_AREA) {
    return name == "href" ? Role{kFollowAnchors, Form::kUrl} : Role{};
  }
  if (!e.html) return {};
  switch (e.tag) {
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_FRAME:
      return name == "src" ? Role{kFollowFrames, Form::kUrl} : Role{};
    case GUMBO_TAG_LINK:
      return name == "href" ? Role{LinkElementKind(e), Form::kUrl} : Role{};
    case GUMBO_TAG_META:
      return name == "content" && EqualsNoCase(e.Find("http-equiv"), "refresh")
                 ? Role{kFollowRefresh, Form::kRefresh}
                 : Role{};
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_SOURCE:
      if (name == "src") return {kFollowMedia, Form::kUrl};
      return name == "srcset" ? Role{kFollowMedia, Form::kSrcset} : Role{};
    case GUMBO_TAG_VIDEO:
      return name == "src" || name == "poster" ? Role{kFollowMedia, Form::kUrl} : Role{};
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_TRACK:
      return name == "src" ? Role{kFollowMedia, Form::kUrl} : Role{};
    case GUMBO_TAG_INPUT:
      return name == "src" && EqualsNoCase(e.Find("type"), "image")
                 ? Role{kFollowMedia, Form::kUrl}
                 : Role{};
    case GUMBO_TAG_SCRIPT:
      return name == "src" ? Role{kFollowScripts, Form::kUrl} : Role{};
    default:
      return {};
  }
}

}  // namespace

void LinkCandidates::Add(const ElementView& e) {
  // An element's first attribute of a name only: in foreign content,
  // xlink:href and href are both named "href", and an anchor has always
  // taken the first.
  bool href_seen = false;
  for (const AttributeView& attribute : e.attributes) {
    if (attribute.name == "href") {
      if (href_seen) continue;
      href_seen = true;
    }
    const Role role = RoleOf(e, attribute.name);
    if ((role.kind & kinds_) == 0) continue;
    switch (role.form) {
      case Form::kUrl:
        references_.push_back(attribute.value);
        break;
      case Form::kSrcset:
        AddParsed(ParseSrcset(attribute.value));
        break;
      case Form::kRefresh:
        if (std::optional<std::string> url = ParseMetaRefresh(attribute.value)) {
          parsed_.push_back(std::move(*url));
          references_.push_back(parsed_.back());
        }
        break;
      case Form::kCss:
        AddParsed(FindCssUrls(attribute.value));
        break;
      case Form::kNone:
        break;
    }
  }
  // A <style>'s text (in HTML raw text: no elements, no character
  // references; an SVG <style>'s text is read too, as it always was).
  if ((kinds_ & kFollowStyles) && e.tag == GUMBO_TAG_STYLE) {
    AddParsed(FindCssUrls(e.text));
  }
}

bool LinkCandidates::WantsText(GumboTag tag) const {
  return (kinds_ & kFollowStyles) && tag == GUMBO_TAG_STYLE;
}

void LinkCandidates::AddParsed(std::vector<std::string> urls) {
  for (std::string& url : urls) {
    parsed_.push_back(std::move(url));
    references_.push_back(parsed_.back());
  }
}

}  // namespace forage
