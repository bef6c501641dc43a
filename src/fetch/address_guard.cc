#include "fetch/address_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>
#include <cstring>

namespace forage {
namespace {

// a.b.c.d as one number, a in the high byte.
constexpr std::uint32_t V4(unsigned a, unsigned b, unsigned c, unsigned d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

bool InV4(std::uint32_t address, std::uint32_t network, int prefix) {
  const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
  return (address & mask) == (network & mask);
}

AddressClass ClassifyV4(std::uint32_t a) {
  if (InV4(a, V4(0, 0, 0, 0), 8)) return AddressClass::kUnspecified;  // "this network"
  if (InV4(a, V4(127, 0, 0, 0), 8)) return AddressClass::kLoopback;
  if (InV4(a, V4(10, 0, 0, 0), 8) || InV4(a, V4(172, 16, 0, 0), 12) ||
      InV4(a, V4(192, 168, 0, 0), 16) || InV4(a, V4(100, 64, 0, 0), 10)) {
    return AddressClass::kPrivate;
  }
  if (InV4(a, V4(169, 254, 0, 0), 16)) return AddressClass::kLinkLocal;
  if (InV4(a, V4(224, 0, 0, 0), 4)) return AddressClass::kMulticast;
  if (InV4(a, V4(192, 0, 0, 0), 24) || InV4(a, V4(198, 18, 0, 0), 15) ||
      InV4(a, V4(240, 0, 0, 0), 4)) {
    return AddressClass::kReserved;
  }
  return AddressClass::kPublic;
}

std::uint32_t V4At(const unsigned char* b) { return V4(b[0], b[1], b[2], b[3]); }

AddressClass ClassifyV6(const unsigned char* b) {
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  static constexpr unsigned char kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  // Addresses that carry an IPv4 address are what that address is: a
  // connection to ::ffff:127.0.0.1 reaches 127.0.0.1.
  if (std::memcmp(b, kMapped, 12) == 0 || std::memcmp(b, kNat64, 12) == 0) {
    return ClassifyV4(V4At(b + 12));
  }
  if (b[0] == 0x20 && b[1] == 0x02) return ClassifyV4(V4At(b + 2));  // 6to4
  bool zero_to_14 = true;
  for (int i = 0; i < 15; ++i) zero_to_14 = zero_to_14 && b[i] == 0;
  if (zero_to_14 && b[15] == 0) return AddressClass::kUnspecified;
  if (zero_to_14 && b[15] == 1) return AddressClass::kLoopback;
  if ((b[0] & 0xfe) == 0xfc) return AddressClass::kPrivate;                    // fc00::/7
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return AddressClass::kLinkLocal;  // fe80::/10
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return AddressClass::kPrivate;    // fec0::/10
  if (b[0] == 0xff) return AddressClass::kMulticast;
  return AddressClass::kPublic;
}

// An IPv4 or IPv6 address as its bytes in network order (4 or 16 of them).
struct IpAddress {
  int family = AF_UNSPEC;
  unsigned char bytes[16] = {};
};

// The address of `address` if it is IPv4 or IPv6 and `length` holds it all.
std::optional<IpAddress> IpOf(const sockaddr* address, socklen_t length) {
  IpAddress ip;
  if (address && address->sa_family == AF_INET && length >= sizeof(sockaddr_in)) {
    sockaddr_in v4;
    std::memcpy(&v4, address, sizeof v4);
    ip.family = AF_INET;
    std::memcpy(ip.bytes, &v4.sin_addr, 4);
    return ip;
  }
  if (address && address->sa_family == AF_INET6 && length >= sizeof(sockaddr_in6)) {
    sockaddr_in6 v6;
    std::memcpy(&v6, address, sizeof v6);
    ip.family = AF_INET6;
    std::memcpy(ip.bytes, &v6.sin6_addr, 16);
    return ip;
  }
  return std::nullopt;
}

}  // namespace

std::optional<AddressClass> ClassifyAddress(const sockaddr* address, socklen_t length) {
  std::optional<IpAddress> ip = IpOf(address, length);
  if (!ip) return std::nullopt;
  return ip->family == AF_INET ? ClassifyV4(V4At(ip->bytes)) : ClassifyV6(ip->bytes);
}

const char* AddressClassName(AddressClass c) {
  switch (c) {
    case AddressClass::kPublic:
      return "public";
    case AddressClass::kUnspecified:
      return "unspecified";
    case AddressClass::kLoopback:
      return "loopback";
    case AddressClass::kPrivate:
      return "private";
    case AddressClass::kLinkLocal:
      return "link-local";
    case AddressClass::kMulticast:
      return "multicast";
    case AddressClass::kReserved:
      return "reserved";
  }
  return "unknown";
}

std::string AddressText(const sockaddr* address, socklen_t length) {
  std::optional<IpAddress> ip = IpOf(address, length);
  char text[INET6_ADDRSTRLEN] = {};
  if (ip && inet_ntop(ip->family, ip->bytes, text, sizeof text)) return text;
  return "";
}

std::optional<std::string> RefuseAddress(const AddressPolicy& policy, const sockaddr* address,
                                         socklen_t length) {
  std::optional<AddressClass> c = ClassifyAddress(address, length);
  if (!c) {
    if (!policy.deny_private) return std::nullopt;
    return std::string(
        "refused to connect to an address that is not IPv4 or IPv6 "
        "(--deny-private)");
  }
  if (*c == AddressClass::kPublic) return std::nullopt;
  const std::string what =
      std::string(AddressClassName(*c)) + " address " + AddressText(address, length);
  if (policy.deny_private) return "refused to connect to " + what + " (--deny-private)";
  if (*c == AddressClass::kLinkLocal && !policy.allow_link_local) {
    return "refused to connect to " + what + " (link-local; --allow-link-local permits it)";
  }
  return std::nullopt;
}

}  // namespace forage
