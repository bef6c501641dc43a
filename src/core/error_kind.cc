#include "forage/error_kind.h"

#include <array>

namespace forage {
namespace {

// Indexed by the enum's value.
constexpr std::array<std::string_view, 21> kNames = {
    "none",         "invalid_url",   "unsupported_scheme",
    "dns",          "connect",       "tls",
    "timeout",      "network",       "http",
    "too_large",    "redirect_loop", "worker_crash",
    "interrupted",  "other",         "robots",
    "out_of_scope", "blocked",       "robots_unavailable",
    "unwanted_type", "sitemap",      "duplicate",
};

}  // namespace

std::string_view ErrorKindName(ErrorKind kind) {
  auto i = static_cast<std::size_t>(kind);
  return i < kNames.size() ? kNames[i] : "other";
}

std::optional<ErrorKind> ErrorKindFromName(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<ErrorKind>(i);
  }
  return std::nullopt;
}

bool IsFailure(ErrorKind kind) {
  return kind != ErrorKind::kNone && kind != ErrorKind::kRobots &&
         kind != ErrorKind::kOutOfScope && kind != ErrorKind::kBlocked &&
         kind != ErrorKind::kUnwantedType && kind != ErrorKind::kDuplicate;
}

std::optional<ErrorKind> ErrorKindFromNumber(std::uint8_t value) {
  if (value >= kNames.size()) return std::nullopt;
  return static_cast<ErrorKind>(value);
}

}  // namespace forage
