#pragma once

// --strip-query: URL parameters that name no page of their own (tracking
// tags, session ids), removed before a URL is admitted so that links
// differing only by them are one page.

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "forage/status.h"

namespace forage {

// What --strip-query-default (CrawlOptions::strip_query_default) removes:
// common click and campaign trackers and session ids. README lists them;
// keep the two in step. `sid` is left out on purpose: many sites use it for
// real content (a story, a shop section).
inline constexpr std::string_view kTrackingParameters[] = {
    // Campaign tags (Google Analytics' utm_source, utm_medium, utm_campaign,
    // utm_term, utm_content, utm_id, ...) and analytics cookies' link forms.
    "utm_*", "_ga", "_gl",
    // Ad click ids: Google, DoubleClick, Microsoft, Meta, Yandex, X, TikTok,
    // LinkedIn, Instagram.
    "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "fbclid", "yclid", "twclid",
    "ttclid", "li_fat_id", "igshid",
    // E-mail and marketing platforms: Mailchimp, Marketo, HubSpot,
    // Olytics, Adobe, Vero, Wicked Reports, Rakuten.
    "mc_cid", "mc_eid", "mkt_tok", "_hsenc", "_hsmi", "hsCtaTracking", "oly_anon_id", "oly_enc_id",
    "s_cid", "vero_id", "vero_conv", "wickedid", "rb_clickid",
    // Session ids in URLs (Java servlets also write ";jsessionid=" into the
    // path: see QueryFilter::Strip).
    "jsessionid", "phpsessid", "aspsessionid*", "sessionid"};

// Whether `pattern` may be a --strip-query pattern: not empty, and without
// "=" or "&" (a parameter's name holds neither). The message names the flag.
[[nodiscard]] Status CheckStripPattern(std::string_view pattern);

// The patterns in force for --strip-query `given`: kTrackingParameters
// first with `defaults`, then `given`, as they are. What nodes of a shared
// crawl must agree on.
std::vector<std::string> StripPatterns(const std::vector<std::string>& given, bool defaults);

// Whether `name` matches the glob `pattern`: "*" any run of bytes (none
// too), "?" exactly one byte, anything else itself, ASCII letters in either
// case ("UTM_*" matches "utm_Source"). Linear in the lengths' product at
// worst, no recursion.
bool MatchesNameGlob(std::string_view pattern, std::string_view name);

// Removes the query parameters (and path parameters) whose names match any
// of a set of glob patterns from URLs. Pure; any thread, once built.
class QueryFilter {
 public:
  QueryFilter() = default;  // removes nothing
  // `patterns` (each passing CheckStripPattern), and kTrackingParameters
  // before them with `defaults`. A bad pattern fails, naming it.
  static Result<QueryFilter> Create(const std::vector<std::string>& patterns, bool defaults);

  bool empty() const { return patterns_.empty(); }
  // Every pattern in force (StripPatterns).
  const std::vector<std::string>& patterns() const { return patterns_; }

  // Whether a parameter named `name` (percent-decoded) goes.
  bool Removes(std::string_view name) const;

  // `url` (an absolute URL as the WHATWG parser serializes it) without the
  // matching parameters; nullopt when none matches (then `url` stands as it
  // is). In the query (from "?" to "#"), parameters are split on "&" and a
  // parameter's name is what precedes its first "=" (all of it without
  // one), compared after percent-decoding: "utm%5Fsource" is utm_source. The
  // others keep their order and bytes; empty ones ("&&") go once any does,
  // and a query left empty takes its "?" with it. In the path, a
  // ";name=value" parameter (up to the next ";" or "/") goes when its name
  // matches, as Java servlet containers write ";jsessionid=..." there. The
  // fragment is left alone.
  std::optional<std::string> Strip(std::string_view url) const;

 private:
  std::vector<std::string> patterns_;
  std::unordered_set<std::string> exact_;  // wildcard-free patterns, lower case
  std::vector<std::string> globs_;         // the others, lower case
};

}  // namespace forage
