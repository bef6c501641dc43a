#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "forage/options.h"
#include "forage/status.h"

namespace forage {

// Whether a URL's path ends in an extension of a well-known binary format
// (images, audio, video, archives, pdf, fonts, executables): such links are
// not worth fetching as pages.
bool HasBinaryExtension(std::string_view path_and_query);

// Decides which discovered links a crawl may follow: the scope (same host,
// same registrable domain, or anywhere, relative to the listed URL a link
// descends from) and the --include/--exclude patterns. Listed URLs are not
// judged here: they are always fetched. Pure; master only.
class ScopeFilter {
 public:
  // Compiles the patterns (RE2 syntax, searched anywhere in the canonical
  // URL). A bad pattern fails, naming it and saying why.
  static Result<ScopeFilter> Create(ScopeMode mode, const std::vector<std::string>& include,
                                    const std::vector<std::string>& exclude);
  ScopeFilter(ScopeFilter&&) noexcept;
  ScopeFilter& operator=(ScopeFilter&&) noexcept;
  ~ScopeFilter();

  // The scope root a URL on `host` stands for: the host itself, or its
  // registrable domain (libpsl; an IP address or a bare name is its own), or
  // "" when any host is in scope.
  std::string RootOf(std::string_view host) const;
  // Whether a link to `host` is in the scope whose root is `root`.
  bool InScope(std::string_view root, std::string_view host) const;
  // --include (if any is given, one must match) and --exclude (none may).
  bool PassesPatterns(std::string_view canonical_url) const;
  // Whether some --include pattern matches (lets binary-looking links in).
  bool IncludeMatches(std::string_view canonical_url) const;
  // Whether a link is left out as a binary format (HasBinaryExtension) that
  // no --include pattern takes in; never once FollowBinary() is on.
  bool SkipsAsBinary(std::string_view canonical_url, std::string_view path_and_query) const {
    return !follow_binary_ && HasBinaryExtension(path_and_query) && !IncludeMatches(canonical_url);
  }
  // --follow media (or script, style): the run asked for such links.
  void FollowBinary(bool on) { follow_binary_ = on; }

 private:
  struct Patterns;
  ScopeFilter(ScopeMode mode, std::unique_ptr<Patterns> patterns);
  ScopeMode mode_;
  std::unique_ptr<Patterns> patterns_;
  bool follow_binary_ = false;
};

// The registrable domain of `host` ("a.b.example.co.uk" -> "example.co.uk")
// from the Public Suffix List; an IP address, or a name that has none
// ("localhost"), is its own domain.
std::string RegistrableDomain(std::string_view host);

// Whether `domain` (lower case, IDN labels in punycode) is a public suffix
// itself: "com", "co.uk", "github.io", and, by the list's implicit "*"
// rule, any single label ("localhost"). An IP address is not.
bool IsPublicSuffix(std::string_view domain);

}  // namespace forage
