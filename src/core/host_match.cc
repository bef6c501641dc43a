#include "core/host_match.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

#include "core/ascii.h"
#include "core/url_host.h"

namespace forage {
namespace {

bool EndsWithLabel(std::string_view host, std::string_view domain) {
  return host.size() > domain.size() && host.ends_with(domain) &&
         host[host.size() - domain.size() - 1] == '.';
}

std::string_view Unbracket(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

// Specificity: higher wins. An exact name beats any wildcard.
int Rank(std::string_view pattern) {
  if (pattern == "*") return 0;
  const int labels = static_cast<int>(std::count(pattern.begin(), pattern.end(), '.')) + 1;
  return pattern.starts_with("*.") ? labels : 1000 + labels;
}

// An IPv4 or IPv6 address as bytes (4 or 16); 0 bytes if `text` is not one.
int AddressBytes(std::string_view text, std::array<unsigned char, 16>* out) {
  const std::string s(Unbracket(text));
  if (inet_pton(AF_INET, s.c_str(), out->data()) == 1) return 4;
  if (inet_pton(AF_INET6, s.c_str(), out->data()) == 1) return 16;
  return 0;
}

bool InNetwork(std::string_view network, std::string_view host) {
  std::size_t slash = network.find('/');
  std::string_view bits_text =
      slash == std::string_view::npos ? std::string_view() : network.substr(slash + 1);
  std::array<unsigned char, 16> net{}, addr{};
  const int net_len = AddressBytes(network.substr(0, slash), &net);
  if (net_len == 0 || AddressBytes(host, &addr) != net_len) return false;
  int bits = net_len * 8;
  if (slash != std::string_view::npos) {
    auto [end, ec] = std::from_chars(bits_text.data(), bits_text.data() + bits_text.size(), bits);
    if (ec != std::errc() || end != bits_text.data() + bits_text.size() || bits < 0 ||
        bits > net_len * 8) {
      return false;
    }
  }
  for (int i = 0; i < bits; ++i) {
    const int mask = 0x80 >> (i % 8);
    if ((net[i / 8] & mask) != (addr[i / 8] & mask)) return false;
  }
  return true;
}

}  // namespace

Result<std::string> NormalizeHostPattern(std::string_view pattern) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("host pattern \"" + std::string(pattern) + "\": " + why);
  };
  if (pattern == "*") return std::string("*");
  std::string_view name = pattern;
  const bool wildcard = name.starts_with("*.");
  if (wildcard) name.remove_prefix(2);
  if (name.empty()) return bad("names no host");
  if (name.find_first_of("*:/?#@ ") != std::string_view::npos && !name.starts_with('[')) {
    return bad("is a host name, \"*.\" and a host name, or \"*\" (no port, path or other \"*\")");
  }
  Result<std::string> host = ParseHost(name, /*opaque=*/false);
  if (!host.ok()) return bad(host.status().message());
  return wildcard ? "*." + host.value() : host.value();
}

bool HostPatternMatches(std::string_view pattern, std::string_view host) {
  if (pattern == "*") return true;
  if (pattern.starts_with("*.")) return EndsWithLabel(host, pattern.substr(2));
  return pattern == host;
}

const HostSettings* MatchHostSettings(const std::vector<HostSettings>& hosts,
                                      std::string_view host) {
  const HostSettings* best = nullptr;
  int best_rank = -1;
  for (const HostSettings& h : hosts) {
    if (!HostPatternMatches(h.pattern, host)) continue;
    const int rank = Rank(h.pattern);
    if (rank > best_rank) {
      best = &h;
      best_rank = rank;
    }
  }
  return best;
}

bool NoProxyMatches(std::string_view noproxy, std::string_view host) {
  const std::string_view bare = Unbracket(host);
  while (!noproxy.empty()) {
    const std::size_t end = std::min(noproxy.find_first_of(", \t"), noproxy.size());
    std::string_view entry = noproxy.substr(0, end);
    noproxy.remove_prefix(std::min(end + 1, noproxy.size()));
    if (entry.empty()) continue;
    if (entry == "*") return true;
    const std::string lowered = AsciiLowered(entry.starts_with('.') ? entry.substr(1) : entry);
    std::string_view e = Unbracket(lowered);
    if (e.empty()) continue;
    if (bare == e || EndsWithLabel(bare, e)) return true;
    if (InNetwork(e, bare)) return true;
  }
  return false;
}

}  // namespace forage
