#include "parse/link_candidates.h"

#include <strings.h>

#include <optional>

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
std::uint32_t LinkElementKind(const GumboElement& e) {
  const char* rel = Attribute(e, "rel");
  auto holds = [rel](std::string_view word) { return TokenListHolds(rel, word); };
  // "alternate stylesheet" is a stylesheet.
  if (holds("stylesheet")) return kFollowStyles;
  if (holds("icon") || holds("canonical")) return 0;
  const bool navigation =
      holds("alternate") || holds("next") || holds("prev") || holds("previous");
  return (navigation || Attribute(e, "hreflang")) ? std::uint32_t{kFollowLinks} : 0;
}

// What attribute `name` of element `e` holds, as far as links go.
Role RoleOf(const GumboElement& e, std::string_view name) {
  if (name == "style") return {kFollowStyles, Form::kCss};
  if (e.tag == GUMBO_TAG_A || e.tag == GUMBO_TAG_AREA) {
    return name == "href" ? Role{kFollowAnchors, Form::kUrl} : Role{};
  }
  if (e.tag_namespace != GUMBO_NAMESPACE_HTML) return {};
  switch (e.tag) {
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_FRAME:
      return name == "src" ? Role{kFollowFrames, Form::kUrl} : Role{};
    case GUMBO_TAG_LINK:
      return name == "href" ? Role{LinkElementKind(e), Form::kUrl} : Role{};
    case GUMBO_TAG_META: {
      const char* equiv = Attribute(e, "http-equiv");
      return name == "content" && equiv && strcasecmp(equiv, "refresh") == 0
                 ? Role{kFollowRefresh, Form::kRefresh}
                 : Role{};
    }
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_SOURCE:
      if (name == "src") return {kFollowMedia, Form::kUrl};
      return name == "srcset" ? Role{kFollowMedia, Form::kSrcset} : Role{};
    case GUMBO_TAG_VIDEO:
      return name == "src" || name == "poster" ? Role{kFollowMedia, Form::kUrl} : Role{};
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_TRACK:
      return name == "src" ? Role{kFollowMedia, Form::kUrl} : Role{};
    case GUMBO_TAG_INPUT: {
      const char* type = Attribute(e, "type");
      return name == "src" && type && strcasecmp(type, "image") == 0
                 ? Role{kFollowMedia, Form::kUrl}
                 : Role{};
    }
    case GUMBO_TAG_SCRIPT:
      return name == "src" ? Role{kFollowScripts, Form::kUrl} : Role{};
    default:
      return {};
  }
}

}  // namespace

void LinkCandidates::Add(const GumboNode* node) {
  const GumboElement& e = node->v.element;
  // An element's first attribute of a name only: in foreign content,
  // xlink:href and href are both named "href", and an anchor has always
  // taken the first.
  bool href_seen = false;
  for (unsigned i = 0; i < e.attributes.length; ++i) {
    const auto* attribute = static_cast<const GumboAttribute*>(e.attributes.data[i]);
    const std::string_view name = attribute->name;
    if (name == "href") {
      if (href_seen) continue;
      href_seen = true;
    }
    const Role role = RoleOf(e, name);
    if ((role.kind & kinds_) == 0) continue;
    switch (role.form) {
      case Form::kUrl:
        references_.push_back(attribute->value);
        break;
      case Form::kSrcset:
        AddParsed(ParseSrcset(attribute->value));
        break;
      case Form::kRefresh:
        if (std::optional<std::string> url = ParseMetaRefresh(attribute->value)) {
          parsed_.push_back(std::move(*url));
          references_.push_back(parsed_.back());
        }
        break;
      case Form::kCss:
        AddParsed(FindCssUrls(attribute->value));
        break;
      case Form::kNone:
        break;
    }
  }
  if ((kinds_ & kFollowStyles) && e.tag == GUMBO_TAG_STYLE) {
    // gumbo gives a <style>'s text as one text child (raw text: no
    // elements, no entities).
    std::string css;
    for (unsigned i = 0; i < e.children.length; ++i) {
      const auto* child = static_cast<const GumboNode*>(e.children.data[i]);
      if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE ||
          child->type == GUMBO_NODE_CDATA) {
        css += child->v.text.text;
      }
    }
    AddParsed(FindCssUrls(css));
  }
}

void LinkCandidates::AddParsed(std::vector<std::string> urls) {
  for (std::string& url : urls) {
    parsed_.push_back(std::move(url));
    references_.push_back(parsed_.back());
  }
}

}  // namespace forage
