#pragma once

// The SSRF guard: which peer addresses a fetcher may connect to.
//
// A crawl of untrusted links must not be turned against the machine it runs
// on or the network behind it: a page (or a DNS answer, or a redirect) can
// point at 127.0.0.1, a router at 192.168.0.1 or a cloud's metadata service
// at 169.254.169.254. The check is made on the address a socket is about to
// connect to (curl's CURLOPT_OPENSOCKETFUNCTION), after name resolution and
// for every hop, so that neither DNS rebinding nor a redirect gets round it.

#include <sys/socket.h>

#include <optional>
#include <string>

namespace forage {

// What an IP address is, as far as the guard cares. IPv6 addresses that
// carry an IPv4 address are judged by it: IPv4-mapped (::ffff:0:0/96),
// IPv4-translated (::ffff:0:0:0/96), IPv4-compatible (::/96 but :: and ::1),
// NAT64 (64:ff9b::/96 and the local-use 64:ff9b:1::/48, the IPv4 address in
// the last 32 bits) and 6to4 (2002::/16, bits 16-47). A Teredo address
// (2001::/32) carries two, the client's (the last 32 bits, inverted) and the
// server's (bits 32-63): it is public only if both are.
enum class AddressClass {
  kPublic,       // anything else: a global unicast address
  kUnspecified,  // 0.0.0.0/8, ::
  kLoopback,     // 127.0.0.0/8, ::1
  kPrivate,      // 10/8, 172.16/12, 192.168/16, 100.64/10 (CGNAT), fc00::/7, fec0::/10
  kLinkLocal,    // 169.254.0.0/16 (cloud metadata lives there), fe80::/10
  kMulticast,    // 224.0.0.0/4, ff00::/8
  kReserved,     // 192.0.0.0/24, 198.18.0.0/15, 240.0.0.0/4 (255.255.255.255 included)
};

// The class of `address` (AF_INET or AF_INET6, `length` bytes); nullopt for
// any other family or a short length.
std::optional<AddressClass> ClassifyAddress(const sockaddr* address, socklen_t length);

// Words for a class, for messages: "loopback", "private", "link-local", ...
const char* AddressClassName(AddressClass c);

// The address without its port, e.g. "127.0.0.1" or "fe80::1"; "" if not IP.
std::string AddressText(const sockaddr* address, socklen_t length);

// --deny-private and --allow-link-local. Link-local addresses are refused
// unless allow_link_local (and always under deny_private); deny_private also
// refuses every other class but kPublic.
struct AddressPolicy {
  bool deny_private = false;
  bool allow_link_local = false;
};

// Why `address` may not be connected to under `policy` (a sentence naming
// the address, the IPv4 address it carries if that decided, and the flag),
// or nullopt when it may. A family other than
// IPv4 and IPv6 is refused under deny_private and allowed otherwise.
std::optional<std::string> RefuseAddress(const AddressPolicy& policy, const sockaddr* address,
                                         socklen_t length);

}  // namespace forage
