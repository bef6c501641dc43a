#include "fetch/address_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <optional>
#include <string>

namespace forage {
namespace {

// The socket address for the textual IPv4 or IPv6 `ip`, as curl hands it to
// its open-socket callback.
struct Address {
  sockaddr_storage storage{};
  socklen_t length = 0;
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

Address Parse(const std::string& ip) {
  Address a;
  if (ip.find(':') == std::string::npos) {
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_port = htons(80);
    REQUIRE(inet_pton(AF_INET, ip.c_str(), &v4.sin_addr) == 1);
    std::memcpy(&a.storage, &v4, sizeof v4);
    a.length = sizeof v4;
  } else {
    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(443);
    REQUIRE(inet_pton(AF_INET6, ip.c_str(), &v6.sin6_addr) == 1);
    std::memcpy(&a.storage, &v6, sizeof v6);
    a.length = sizeof v6;
  }
  return a;
}

AddressClass Class(const std::string& ip) {
  Address a = Parse(ip);
  auto c = ClassifyAddress(a.get(), a.length);
  REQUIRE(c);
  return *c;
}

TEST_CASE("Addresses are classed at the edges of every range", "[address_guard]") {
  struct Case {
    const char* ip;
    AddressClass want;
  };
  const Case cases[] = {
      {"0.0.0.0", AddressClass::kUnspecified},
      {"0.255.255.255", AddressClass::kUnspecified},
      {"1.0.0.0", AddressClass::kPublic},
      {"9.255.255.255", AddressClass::kPublic},
      {"10.0.0.0", AddressClass::kPrivate},
      {"10.255.255.255", AddressClass::kPrivate},
      {"11.0.0.0", AddressClass::kPublic},
      {"100.63.255.255", AddressClass::kPublic},
      {"100.64.0.0", AddressClass::kPrivate},
      {"100.127.255.255", AddressClass::kPrivate},
      {"100.128.0.0", AddressClass::kPublic},
      {"126.255.255.255", AddressClass::kPublic},
      {"127.0.0.1", AddressClass::kLoopback},
      {"127.255.255.254", AddressClass::kLoopback},
      {"128.0.0.0", AddressClass::kPublic},
      {"169.253.255.255", AddressClass::kPublic},
      {"169.254.0.0", AddressClass::kLinkLocal},
      {"169.254.169.254", AddressClass::kLinkLocal},
      {"169.255.0.0", AddressClass::kPublic},
      {"172.15.255.255", AddressClass::kPublic},
      {"172.16.0.0", AddressClass::kPrivate},
      {"172.31.255.255", AddressClass::kPrivate},
      {"172.32.0.0", AddressClass::kPublic},
      {"192.0.0.8", AddressClass::kReserved},
      {"192.0.1.0", AddressClass::kPublic},
      {"192.167.255.255", AddressClass::kPublic},
      {"192.168.0.1", AddressClass::kPrivate},
      {"192.169.0.0", AddressClass::kPublic},
      {"198.17.255.255", AddressClass::kPublic},
      {"198.18.0.0", AddressClass::kReserved},
      {"198.19.255.255", AddressClass::kReserved},
      {"198.20.0.0", AddressClass::kPublic},
      {"223.255.255.255", AddressClass::kPublic},
      {"224.0.0.1", AddressClass::kMulticast},
      {"239.255.255.255", AddressClass::kMulticast},
      {"240.0.0.0", AddressClass::kReserved},
      {"255.255.255.255", AddressClass::kReserved},
      {"93.184.216.34", AddressClass::kPublic},
      {"::", AddressClass::kUnspecified},
      {"::1", AddressClass::kLoopback},
      {"fc00::1", AddressClass::kPrivate},
      {"fdff:ffff::1", AddressClass::kPrivate},
      {"fe00::1", AddressClass::kPublic},
      {"fe80::1", AddressClass::kLinkLocal},
      {"febf:ffff::1", AddressClass::kLinkLocal},
      {"fec0::1", AddressClass::kPrivate},
      {"ff02::1", AddressClass::kMulticast},
      {"2606:2800:220:1::1", AddressClass::kPublic},
  };
  for (const Case& c : cases) {
    INFO(c.ip);
    CHECK(AddressClassName(Class(c.ip)) == std::string(AddressClassName(c.want)));
  }
}

// Every IPv6 form that carries an IPv4 address, with public and non-public
// addresses in it, and the neighbours of each prefix that carry none.
// ::7f00:1 (IPv4-compatible) used to pass --deny-private as a public address.
TEST_CASE("IPv6 addresses that carry an IPv4 address are judged by it", "[address_guard]") {
  struct Case {
    const char* form;
    const char* ip;
    AddressClass want;
    const char* carried;  // the IPv4 address a refusal names; "" for none
  };
  using C = AddressClass;
  const Case cases[] = {
      {"mapped", "::ffff:127.0.0.1", C::kLoopback, "127.0.0.1"},
      {"mapped", "::ffff:10.1.2.3", C::kPrivate, "10.1.2.3"},
      {"mapped", "::ffff:169.254.169.254", C::kLinkLocal, "169.254.169.254"},
      {"mapped", "::ffff:0.0.0.0", C::kUnspecified, "0.0.0.0"},
      {"mapped", "::ffff:8.8.8.8", C::kPublic, ""},
      {"translated", "::ffff:0:127.0.0.1", C::kLoopback, "127.0.0.1"},
      {"translated", "::ffff:0:192.168.0.1", C::kPrivate, "192.168.0.1"},
      {"translated", "::ffff:0:8.8.8.8", C::kPublic, ""},
      {"compatible", "::7f00:1", C::kLoopback, "127.0.0.1"},
      {"compatible", "::127.0.0.2", C::kLoopback, "127.0.0.2"},
      {"compatible", "::a00:1", C::kPrivate, "10.0.0.1"},
      {"compatible", "::a9fe:a9fe", C::kLinkLocal, "169.254.169.254"},
      {"compatible", "::e000:1", C::kMulticast, "224.0.0.1"},
      {"compatible", "::2", C::kUnspecified, "0.0.0.2"},
      {"compatible", "::808:808", C::kPublic, ""},
      {"not compatible: unspecified itself", "::", C::kUnspecified, ""},
      {"not compatible: loopback itself", "::1", C::kLoopback, ""},
      {"NAT64 well-known", "64:ff9b::127.0.0.1", C::kLoopback, "127.0.0.1"},
      {"NAT64 well-known", "64:ff9b::192.168.1.1", C::kPrivate, "192.168.1.1"},
      {"NAT64 well-known", "64:ff9b::8.8.8.8", C::kPublic, ""},
      {"NAT64 local-use", "64:ff9b:1::127.0.0.1", C::kLoopback, "127.0.0.1"},
      {"NAT64 local-use", "64:ff9b:1:abcd::10.0.0.1", C::kPrivate, "10.0.0.1"},
      {"NAT64 local-use", "64:ff9b:1:ffff:ffff:ffff:a9fe:a9fe", C::kLinkLocal, "169.254.169.254"},
      {"NAT64 local-use", "64:ff9b:1::8.8.8.8", C::kPublic, ""},
      {"not NAT64", "64:ff9b:2::127.0.0.1", C::kPublic, ""},
      {"6to4", "2002:7f00:1::", C::kLoopback, "127.0.0.1"},
      {"6to4", "2002:c0a8:101::1", C::kPrivate, "192.168.1.1"},
      {"6to4", "2002:a9fe:a9fe::1", C::kLinkLocal, "169.254.169.254"},
      {"6to4", "2002:808:808::1", C::kPublic, ""},
      // Teredo: server 65.54.227.120 (4136:e378), client inverted in the last 32 bits.
      {"Teredo, loopback client", "2001:0:4136:e378:8000:63bf:80ff:fffe", C::kLoopback,
       "127.0.0.1"},
      {"Teredo, private client", "2001:0:4136:e378:8000:63bf:3f57:fefe", C::kPrivate,
       "192.168.1.1"},
      {"Teredo, private server", "2001:0:a00:1:8000:63bf:f7f7:f7f7", C::kPrivate, "10.0.0.1"},
      {"Teredo, both public", "2001:0:4136:e378:8000:63bf:f7f7:f7f7", C::kPublic, ""},
      {"not Teredo", "2001:1::7f00:1", C::kPublic, ""},
      {"not Teredo", "2001:db8::7f00:1", C::kPublic, ""},
  };
  const AddressPolicy deny{true, false};
  for (const Case& c : cases) {
    INFO(c.form << ": " << c.ip);
    CHECK(AddressClassName(Class(c.ip)) == std::string(AddressClassName(c.want)));
    Address a = Parse(c.ip);
    std::optional<std::string> why = RefuseAddress(deny, a.get(), a.length);
    CHECK(why.has_value() == (c.want != C::kPublic));
    if (why) {
      const std::string carries = std::string(", which carries ") + c.carried + " (";
      CHECK((why->find(carries) != std::string::npos) == (*c.carried != 0));
    }
  }
}

TEST_CASE(
    "The policy refuses link-local by default and every non-public address under "
    "--deny-private",
    "[address_guard]") {
  const AddressPolicy defaults;
  const AddressPolicy deny{true, false};
  const AddressPolicy allow_link_local{false, true};
  const AddressPolicy deny_but_link_local{true, true};
  auto refused = [](const AddressPolicy& p, const std::string& ip) {
    Address a = Parse(ip);
    return RefuseAddress(p, a.get(), a.length);
  };

  SECTION("without flags only link-local is refused") {
    CHECK_FALSE(refused(defaults, "127.0.0.1"));
    CHECK_FALSE(refused(defaults, "10.0.0.1"));
    CHECK_FALSE(refused(defaults, "93.184.216.34"));
    auto why = refused(defaults, "169.254.169.254");
    REQUIRE(why);
    CHECK(*why ==
          "refused to connect to link-local address 169.254.169.254 (link-local; "
          "--allow-link-local permits it)");
    CHECK(refused(defaults, "fe80::1"));
    CHECK(refused(defaults, "::ffff:169.254.169.254"));
  }
  SECTION("--allow-link-local lifts that") {
    CHECK_FALSE(refused(allow_link_local, "169.254.169.254"));
    CHECK_FALSE(refused(allow_link_local, "fe80::1"));
  }
  SECTION("--deny-private refuses all but public addresses, link-local whatever the flag") {
    for (const char* ip : {"0.0.0.0", "127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1",
                           "100.64.0.1", "169.254.169.254", "224.0.0.1", "240.0.0.1", "::", "::1",
                           "fd00::1", "fe80::1", "ff02::1", "::ffff:127.0.0.1"}) {
      INFO(ip);
      CHECK(refused(deny, ip));
      CHECK(refused(deny_but_link_local, ip));
    }
    for (const char* ip : {"93.184.216.34", "8.8.8.8", "2606:2800:220:1::1", "::ffff:8.8.8.8"}) {
      INFO(ip);
      CHECK_FALSE(refused(deny, ip));
    }
    auto why = refused(deny, "::1");
    REQUIRE(why);
    CHECK(*why == "refused to connect to loopback address ::1 (--deny-private)");
  }
  SECTION("other families are refused only under --deny-private") {
    sockaddr_un unix_address{};
    unix_address.sun_family = AF_UNIX;
    const auto* a = reinterpret_cast<const sockaddr*>(&unix_address);
    CHECK_FALSE(ClassifyAddress(a, sizeof unix_address));
    CHECK_FALSE(RefuseAddress(defaults, a, sizeof unix_address));
    CHECK(RefuseAddress(deny, a, sizeof unix_address));
  }
  SECTION("a length too short for the family is not read") {
    Address a = Parse("127.0.0.1");
    CHECK_FALSE(ClassifyAddress(a.get(), sizeof(sockaddr_in) - 1));
    Address b = Parse("::1");
    CHECK_FALSE(ClassifyAddress(b.get(), sizeof(sockaddr_in6) - 1));
    CHECK(AddressText(b.get(), 4).empty());
  }
}

}  // namespace
}  // namespace forage
