#include "fetch/address_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>
#include <cstring>
#include <optional>

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

bool AllZero(const unsigned char* b, int n) {
  for (int i = 0; i < n; ++i) {
    if (b[i] != 0) return false;
  }
  return true;
}

// The IPv4 addresses an IPv6 address carries: where a connection to it ends
// up, through the host's own stack, a translator or a tunnel. Each is judged,
// since a connection to ::ffff:127.0.0.1 or 64:ff9b::10.0.0.1 reaches the
// IPv4 address behind it.
struct CarriedV4 {
  std::uint32_t address[2] = {};
  int count = 0;
};

CarriedV4 CarriedBy(const unsigned char* b) {
  CarriedV4 out;
  auto carry = [&out](std::uint32_t a) { out.address[out.count++] = a; };
  static constexpr unsigned char kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  static constexpr unsigned char kNat64Local[6] = {0, 0x64, 0xff, 0x9b, 0, 1};
  if (AllZero(b, 10) && b[10] == 0xff && b[11] == 0xff) {
    carry(V4At(b + 12));  // IPv4-mapped, ::ffff:0:0/96 (RFC 4291)
  } else if (AllZero(b, 8) && b[8] == 0xff && b[9] == 0xff && b[10] == 0 && b[11] == 0) {
    carry(V4At(b + 12));  // IPv4-translated, ::ffff:0:0:0/96 (RFC 2765)
  } else if (AllZero(b, 12) && !(AllZero(b + 12, 3) && b[15] <= 1)) {
    carry(V4At(b + 12));  // IPv4-compatible, ::/96 but :: and ::1 (RFC 4291, deprecated)
  } else if (std::memcmp(b, kNat64, sizeof kNat64) == 0 ||
             std::memcmp(b, kNat64Local, sizeof kNat64Local) == 0) {
    // NAT64, the well-known 64:ff9b::/96 (RFC 6052) and the local-use
    // 64:ff9b:1::/48 (RFC 8215), with the IPv4 address in the last 32 bits.
    carry(V4At(b + 12));
  } else if (b[0] == 0x20 && b[1] == 0x02) {
    carry(V4At(b + 2));  // 6to4, 2002::/16: the site's IPv4 address in bits 16-47 (RFC 3056)
  } else if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {
    // Teredo, 2001::/32 (RFC 4380): the client's IPv4 address is the last 32
    // bits inverted, the server's is bits 32-63. The client's goes first: it
    // is where the packets end up.
    carry(~V4At(b + 12));
    carry(V4At(b + 4));
  }
  return out;
}

// The class of an IPv6 address that carries no IPv4 address.
AddressClass ClassifyOwnV6(const unsigned char* b) {
  if (AllZero(b, 15) && b[15] == 0) return AddressClass::kUnspecified;
  if (AllZero(b, 15) && b[15] == 1) return AddressClass::kLoopback;
  if ((b[0] & 0xfe) == 0xfc) return AddressClass::kPrivate;                    // fc00::/7
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return AddressClass::kLinkLocal;  // fe80::/10
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return AddressClass::kPrivate;    // fec0::/10
  if (b[0] == 0xff) return AddressClass::kMulticast;
  return AddressClass::kPublic;
}

// The class of an address, and the IPv4 address an IPv6 one carries that
// decided it, if one did.
struct Judgement {
  AddressClass c = AddressClass::kPublic;
  std::optional<std::uint32_t> via;
};

Judgement JudgeV6(const unsigned char* b) {
  const CarriedV4 carried = CarriedBy(b);
  Judgement out;
  if (carried.count == 0) {
    out.c = ClassifyOwnV6(b);
    return out;
  }
  for (int i = 0; i < carried.count && out.c == AddressClass::kPublic; ++i) {
    out.c = ClassifyV4(carried.address[i]);
    out.via = carried.address[i];
  }
  if (out.c == AddressClass::kPublic) out.via.reset();
  return out;
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
  return ip->family == AF_INET ? ClassifyV4(V4At(ip->bytes)) : JudgeV6(ip->bytes).c;
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
  std::optional<IpAddress> ip = IpOf(address, length);
  if (!ip) {
    if (!policy.deny_private) return std::nullopt;
    return std::string(
        "refused to connect to an address that is not IPv4 or IPv6 "
        "(--deny-private)");
  }
  Judgement judged;
  if (ip->family == AF_INET) {
    judged.c = ClassifyV4(V4At(ip->bytes));
  } else {
    judged = JudgeV6(ip->bytes);
  }
  const AddressClass c = judged.c;
  if (c == AddressClass::kPublic) return std::nullopt;
  std::string what = std::string(AddressClassName(c)) + " address " + AddressText(address, length);
  if (judged.via) {
    // The IPv6 spelling may hide the IPv4 address that decided: name it.
    const std::uint32_t network_order = htonl(*judged.via);
    char text[INET_ADDRSTRLEN] = {};
    if (inet_ntop(AF_INET, &network_order, text, sizeof text)) {
      what += std::string(", which carries ") + text;
    }
  }
  if (policy.deny_private) return "refused to connect to " + what + " (--deny-private)";
  if (c == AddressClass::kLinkLocal && !policy.allow_link_local) {
    return "refused to connect to " + what + " (link-local; --allow-link-local permits it)";
  }
  return std::nullopt;
}

}  // namespace forage
