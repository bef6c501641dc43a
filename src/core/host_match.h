#pragma once

// Host names matched against patterns: the config file's [hosts."PATTERN"]
// tables and a proxy's no-proxy list. Hosts are compared as a URL's parser
// gives them: lower case, an IDN in punycode, an IPv6 address in brackets.

#include <string>
#include <string_view>
#include <vector>

#include "forage/fetch_settings.h"
#include "forage/status.h"

namespace forage {

// A host table's pattern made canonical: "example.com" (one host, which may
// be an IP address), "*.example.com" (its subdomains at any depth) or "*".
// The name is lower-cased and an IDN turned to punycode, as URLs' hosts
// are; anything else (an empty name, a "*" elsewhere, a port, a path) fails
// with a message that names the pattern.
Result<std::string> NormalizeHostPattern(std::string_view pattern);

// Whether canonical `pattern` matches `host`.
bool HostPatternMatches(std::string_view pattern, std::string_view host);

// The most specific of `hosts` whose pattern matches `host` (an exact name,
// then the wildcard with the most labels, then "*"); nullptr if none does.
const HostSettings* MatchHostSettings(const std::vector<HostSettings>& hosts,
                                      std::string_view host);

// Whether `host` is reached without a proxy under `noproxy`, read as curl
// reads NO_PROXY: entries separated by commas or spaces; "*" alone matches
// every host; a name (a leading dot ignored) matches itself and its
// subdomains; an IP address matches itself, and ADDRESS/BITS a network.
bool NoProxyMatches(std::string_view noproxy, std::string_view host);

}  // namespace forage
