#include "crawl/scope.h"

#include <arpa/inet.h>
#include <libpsl.h>
#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace forage {
namespace {

bool IsIpAddress(std::string_view host) {
  std::string h(host);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') return true;  // IPv6 literal
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, h.c_str(), buf) == 1 || inet_pton(AF_INET6, h.c_str(), buf) == 1;
}

const psl_ctx_t* PublicSuffixList() {
  // The system's list (Debian's publicsuffix package) is fresher than the
  // copy built into libpsl; either will do.
  static const psl_ctx_t* ctx = [] {
    const psl_ctx_t* latest = psl_latest(nullptr);
    return latest ? latest : psl_builtin();
  }();
  return ctx;
}

std::vector<std::unique_ptr<RE2>> Compile(const std::vector<std::string>& sources, const char* flag,
                                          Status* error) {
  std::vector<std::unique_ptr<RE2>> out;
  RE2::Options options;
  options.set_log_errors(false);
  for (const std::string& source : sources) {
    auto re = std::make_unique<RE2>(source, options);
    if (!re->ok()) {
      *error = Status::InvalidArgument(std::string(flag) + " \"" + source + "\": " + re->error());
      return {};
    }
    out.push_back(std::move(re));
  }
  return out;
}

bool AnyMatches(const std::vector<std::unique_ptr<RE2>>& patterns, std::string_view text) {
  re2::StringPiece piece(text.data(), text.size());
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const auto& re) { return RE2::PartialMatch(piece, *re); });
}

}  // namespace

struct ScopeFilter::Patterns {
  std::vector<std::unique_ptr<RE2>> include;
  std::vector<std::unique_ptr<RE2>> exclude;
};

Result<ScopeFilter> ScopeFilter::Create(ScopeMode mode, const std::vector<std::string>& include,
                                        const std::vector<std::string>& exclude) {
  auto patterns = std::make_unique<Patterns>();
  Status error;
  patterns->include = Compile(include, "--include", &error);
  if (!error.ok()) return error;
  patterns->exclude = Compile(exclude, "--exclude", &error);
  if (!error.ok()) return error;
  return ScopeFilter(mode, std::move(patterns));
}

ScopeFilter::ScopeFilter(ScopeMode mode, std::unique_ptr<Patterns> patterns)
    : mode_(mode), patterns_(std::move(patterns)) {}
ScopeFilter::ScopeFilter(ScopeFilter&&) noexcept = default;
ScopeFilter& ScopeFilter::operator=(ScopeFilter&&) noexcept = default;
ScopeFilter::~ScopeFilter() = default;

std::string ScopeFilter::RootOf(std::string_view host) const {
  switch (mode_) {
    case ScopeMode::kHost:
      return std::string(host);
    case ScopeMode::kDomain:
      return RegistrableDomain(host);
    case ScopeMode::kAny:
      break;
  }
  return "";
}

bool ScopeFilter::InScope(std::string_view root, std::string_view host) const {
  return mode_ == ScopeMode::kAny || RootOf(host) == root;
}

bool ScopeFilter::PassesPatterns(std::string_view canonical_url) const {
  if (!patterns_->include.empty() && !AnyMatches(patterns_->include, canonical_url)) return false;
  return !AnyMatches(patterns_->exclude, canonical_url);
}

bool ScopeFilter::IncludeMatches(std::string_view canonical_url) const {
  return AnyMatches(patterns_->include, canonical_url);
}

std::string RegistrableDomain(std::string_view host) {
  if (IsIpAddress(host)) return std::string(host);
  std::string h(host);
  const char* domain = psl_registrable_domain(PublicSuffixList(), h.c_str());
  return domain ? std::string(domain) : h;
}

bool IsPublicSuffix(std::string_view domain) {
  if (IsIpAddress(domain)) return false;
  std::string d(domain);
  return psl_is_public_suffix(PublicSuffixList(), d.c_str()) != 0;
}

bool HasBinaryExtension(std::string_view path_and_query) {
  static constexpr std::array<std::string_view, 52> kExtensions = {
      "png",  "jpg", "jpeg", "gif", "webp", "bmp",  "ico", "svg",  "tif",   "tiff", "avif",
      "heic", "mp3", "wav",  "ogg", "oga",  "flac", "aac", "m4a",  "opus",  "mp4",  "m4v",
      "webm", "mkv", "avi",  "mov", "wmv",  "flv",  "mpg", "mpeg", "zip",   "gz",   "tgz",
      "bz2",  "xz",  "zst",  "7z",  "rar",  "tar",  "pdf", "woff", "woff2", "ttf",  "otf",
      "eot",  "exe", "dmg",  "iso", "deb",  "rpm",  "apk", "msi"};
  std::string_view path = path_and_query.substr(0, path_and_query.find('?'));
  std::size_t dot = path.rfind('.');
  if (dot == std::string_view::npos || path.find('/', dot) != std::string_view::npos) return false;
  std::string ext(path.substr(dot + 1));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::find(kExtensions.begin(), kExtensions.end(), ext) != kExtensions.end();
}

}  // namespace forage
