#pragma once

#include <string>
#include <string_view>

#include "forage/status.h"

namespace forage {

// The URL Standard's host parser (section 3.5), followed by its host
// serializer: `input` is a URL's host as written (percent-escapes and UTF-8
// allowed, no brackets stripped), and the result is what a serialized URL
// holds between "//" (or the userinfo's "@") and the port:
// - "[...]": an IPv6 address, in its shortest form (RFC 5952 "::"
//   compression, lower-case hex, an embedded IPv4 address as hex pieces);
// - with `opaque` (the URL's scheme is not special), anything else is an
//   opaque host: refused if it holds a forbidden host code point, else
//   percent-encoded with the C0 control set, case kept;
// - otherwise the input is percent-decoded and must be UTF-8; a domain of
//   ASCII without "xn--" labels is lower-cased, any other goes through
//   UTS #46 ToASCII (libidn2, non-transitional: IDN labels in punycode,
//   full-width forms folded); it is refused if empty or holding a forbidden
//   domain code point (controls, space, % # / : < > ? @ [ \ ] ^ |); and a
//   domain ending in a number ("1.2.3.4", "0x7f.1", "127.") must be an IPv4
//   address in the standard's loose syntax (decimal, 0x hex and 0 octal
//   parts, 1 to 4 of them), given back as a dotted quad.
// The failure's message says which rule refused the host, without echoing it.
// Where libidn2 2.3.3 departs from UTS #46 as the standard calls it (it
// also applies IDNA2008's rules: symbols such as U+2615 and hyphens at label
// ends are refused, and a label's punycode may not pass 63 bytes), the host
// is refused; see docs/conformance.md. Pure function, any thread;
// no locale is consulted.
Result<std::string> ParseHost(std::string_view input, bool opaque);

}  // namespace forage
