#include "core/url_host.h"

#include <idn2.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <utility>

#include "core/percent_encoding.h"
#include "core/utf8.h"

namespace forage {
namespace {

constexpr int kEof = -1;

bool IsForbiddenHostCodePoint(unsigned char c) {
  switch (c) {
    case 0x00:
    case '\t':
    case '\n':
    case '\r':
    case ' ':
    case '#':
    case '/':
    case ':':
    case '<':
    case '>':
    case '?':
    case '@':
    case '[':
    case '\\':
    case ']':
    case '^':
    case '|':
      return true;
    default:
      return false;
  }
}

bool IsForbiddenDomainCodePoint(unsigned char c) {
  return IsForbiddenHostCodePoint(c) || c < 0x20 || c == '%' || c == 0x7f;
}

bool IsAsciiDigit(int c) { return c >= '0' && c <= '9'; }

int HexValue(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool StartsWithXn(std::string_view label) {
  return label.size() >= 4 && AsciiLower(label[0]) == 'x' && AsciiLower(label[1]) == 'n' &&
         label[2] == '-' && label[3] == '-';
}

// --- IPv6 --------------------------------------------------------------------

using Ipv6Address = std::array<std::uint16_t, 8>;

// The standard's IPv6 parser, step by step; `input` is between the brackets.
std::optional<Ipv6Address> ParseIpv6(std::string_view input) {
  Ipv6Address address{};
  int piece_index = 0;
  int compress = -1;
  std::size_t p = 0;
  const std::size_t n = input.size();
  auto c = [&] { return p < n ? static_cast<unsigned char>(input[p]) : kEof; };
  if (c() == ':') {
    if (p + 1 >= n || input[p + 1] != ':') return std::nullopt;
    p += 2;
    compress = ++piece_index;
  }
  while (c() != kEof) {
    if (piece_index == 8) return std::nullopt;
    if (c() == ':') {
      if (compress != -1) return std::nullopt;
      ++p;
      compress = ++piece_index;
      continue;
    }
    unsigned value = 0;
    int length = 0;
    while (length < 4 && c() != kEof && IsAsciiHexDigit(static_cast<char>(c()))) {
      value = value * 0x10 + static_cast<unsigned>(HexValue(c()));
      ++p;
      ++length;
    }
    if (c() == '.') {  // an IPv4 address in the last two pieces
      if (length == 0) return std::nullopt;
      p -= static_cast<std::size_t>(length);
      if (piece_index > 6) return std::nullopt;
      int numbers_seen = 0;
      while (c() != kEof) {
        int ipv4_piece = -1;
        if (numbers_seen > 0) {
          if (c() == '.' && numbers_seen < 4) {
            ++p;
          } else {
            return std::nullopt;
          }
        }
        if (!IsAsciiDigit(c())) return std::nullopt;
        while (IsAsciiDigit(c())) {
          const int number = c() - '0';
          if (ipv4_piece == -1) {
            ipv4_piece = number;
          } else if (ipv4_piece == 0) {
            return std::nullopt;  // a leading zero
          } else {
            ipv4_piece = ipv4_piece * 10 + number;
          }
          if (ipv4_piece > 255) return std::nullopt;
          ++p;
        }
        address[piece_index] =
            static_cast<std::uint16_t>(address[piece_index] * 0x100 + ipv4_piece);
        ++numbers_seen;
        if (numbers_seen == 2 || numbers_seen == 4) ++piece_index;
      }
      if (numbers_seen != 4) return std::nullopt;
      break;
    }
    if (c() == ':') {
      ++p;
      if (c() == kEof) return std::nullopt;
    } else if (c() != kEof) {
      return std::nullopt;
    }
    address[piece_index] = static_cast<std::uint16_t>(value);
    ++piece_index;
  }
  if (compress != -1) {
    int swaps = piece_index - compress;
    piece_index = 7;
    while (piece_index != 0 && swaps > 0) {
      std::swap(address[piece_index], address[compress + swaps - 1]);
      --piece_index;
      --swaps;
    }
  } else if (piece_index != 8) {
    return std::nullopt;
  }
  return address;
}

// "[...]": the longest run of two or more zero pieces (the first, on a tie)
// becomes "::".
std::string SerializeIpv6(const Ipv6Address& address) {
  int longest_index = -1;
  int longest_size = 1;
  int found_index = -1;
  int found_size = 0;
  for (int i = 0; i < 8; ++i) {
    if (address[i] != 0) {
      if (found_size > longest_size) {
        longest_index = found_index;
        longest_size = found_size;
      }
      found_index = -1;
      found_size = 0;
    } else {
      if (found_index == -1) found_index = i;
      ++found_size;
    }
  }
  const int compress = found_size > longest_size ? found_index : longest_index;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "[";
  bool ignore0 = false;
  for (int i = 0; i < 8; ++i) {
    if (ignore0 && address[i] == 0) continue;
    ignore0 = false;
    if (compress == i) {
      out += i == 0 ? "::" : ":";
      ignore0 = true;
      continue;
    }
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const int digit = (address[i] >> shift) & 15;
      if (digit != 0 || started || shift == 0) {
        out += kHex[digit];
        started = true;
      }
    }
    if (i != 7) out += ':';
  }
  out += ']';
  return out;
}

// --- IPv4 --------------------------------------------------------------------

// Values at or above 2^32 are all refused alike: they are kept as 2^32.
constexpr std::uint64_t kIpv4TooBig = std::uint64_t{1} << 32;

// The standard's IPv4 number parser: decimal, "0x" hex or "0" octal.
std::optional<std::uint64_t> ParseIpv4Number(std::string_view input) {
  if (input.empty()) return std::nullopt;
  int radix = 10;
  if (input.size() >= 2 && input[0] == '0' && (input[1] == 'x' || input[1] == 'X')) {
    input.remove_prefix(2);
    radix = 16;
  } else if (input.size() >= 2 && input[0] == '0') {
    input.remove_prefix(1);
    radix = 8;
  }
  std::uint64_t value = 0;
  for (char ch : input) {
    int digit;
    if (radix == 16 && IsAsciiHexDigit(ch)) {
      digit = HexValue(ch);
    } else if (ch >= '0' && ch < '0' + std::min(radix, 10)) {
      digit = ch - '0';
    } else {
      return std::nullopt;
    }
    value = std::min(value * static_cast<std::uint64_t>(radix) + static_cast<std::uint64_t>(digit),
                     kIpv4TooBig);
  }
  return value;  // "0x" alone is 0
}

// The last label, ignoring one trailing empty label.
std::string_view LastLabel(std::string_view domain) {
  if (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
  const std::size_t dot = domain.rfind('.');
  return dot == std::string_view::npos ? domain : domain.substr(dot + 1);
}

bool EndsInANumber(std::string_view domain) {
  if (domain == ".") return false;  // parts [""]: no last label
  const std::string_view last = LastLabel(domain);
  if (last.empty()) return false;
  bool digits = true;
  for (char ch : last) digits = digits && IsAsciiDigit(ch);
  return digits || ParseIpv4Number(last).has_value();
}

Result<std::string> ParseIpv4(std::string_view input) {
  if (!input.empty() && input.back() == '.') input.remove_suffix(1);  // one empty last part
  std::array<std::uint64_t, 4> numbers{};
  std::size_t count = 0;
  for (;;) {
    const std::size_t dot = input.find('.');
    if (count == 4) return Status::InvalidArgument("an IPv4 address has more than four parts");
    std::optional<std::uint64_t> number = ParseIpv4Number(input.substr(0, dot));
    if (!number) return Status::InvalidArgument("an IPv4 address part is not a number");
    numbers[count++] = *number;
    if (dot == std::string_view::npos) break;
    input.remove_prefix(dot + 1);
  }
  for (std::size_t i = 0; i + 1 < count; ++i) {
    if (numbers[i] > 255) return Status::InvalidArgument("an IPv4 address part is above 255");
  }
  std::uint64_t ipv4 = numbers[count - 1];
  if (ipv4 >= (std::uint64_t{1} << (8 * (5 - count)))) {
    return Status::InvalidArgument("an IPv4 address is out of range");
  }
  for (std::size_t i = 0; i + 1 < count; ++i) ipv4 += numbers[i] << (8 * (3 - i));
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) {
    out += std::to_string((ipv4 >> shift) & 255);
    if (shift != 0) out += '.';
  }
  return out;
}

// --- Domains -----------------------------------------------------------------

struct Idn2Free {
  void operator()(char* p) const { idn2_free(p); }
};

// The length of the label separator at s[i] (".", or U+3002, U+FF0E, U+FF61,
// which UTS #46 maps to "."), or 0.
std::size_t SeparatorAt(std::string_view s, std::size_t i) {
  if (s[i] == '.') return 1;
  if (i + 3 > s.size()) return 0;
  const std::string_view three = s.substr(i, 3);
  return three == "\xe3\x80\x82" || three == "\xef\xbc\x8e" || three == "\xef\xbd\xa1" ? 3 : 0;
}

// UTS #46 ToASCII as the URL Standard's "domain to ASCII" calls it, for a
// domain that is not plain ASCII. Label by label, so that ASCII labels are
// taken as UTS #46 takes them (lower-cased, any length, hyphens anywhere)
// and only the others meet libidn2's extra IDNA2008 checks.
Result<std::string> DomainToAsciiIdna(std::string_view domain) {
  // An ASCII code point is never mapped to another (but for case), so a
  // forbidden one would be in the result: refuse it now, which also keeps
  // NUL away from libidn2's C strings.
  for (char ch : domain) {
    if (IsForbiddenDomainCodePoint(static_cast<unsigned char>(ch))) {
      return Status::InvalidArgument("the host holds a forbidden code point");
    }
  }
  if (!IsValidUtf8(domain)) return Status::InvalidArgument("the host is not UTF-8");
  std::string out;
  std::size_t begin = 0;
  for (std::size_t i = 0;; ++i) {
    const std::size_t separator = i < domain.size() ? SeparatorAt(domain, i) : 1;
    if (separator == 0) continue;
    const std::string_view label = domain.substr(begin, i - begin);
    bool ascii = true;
    for (char ch : label) ascii = ascii && static_cast<unsigned char>(ch) < 0x80;
    if (ascii && !StartsWithXn(label)) {
      for (char ch : label) out += AsciiLower(ch);
    } else {
      char* raw = nullptr;
      const int rc = idn2_to_ascii_8z(std::string(label).c_str(), &raw, IDN2_NONTRANSITIONAL);
      std::unique_ptr<char, Idn2Free> converted(raw);
      if (rc != IDN2_OK) {
        return Status::InvalidArgument(std::string("IDNA refuses a label of the host (") +
                                       idn2_strerror_name(rc) + ")");
      }
      out += converted.get();
    }
    if (i >= domain.size()) break;
    out += '.';
    i += separator - 1;
    begin = i + 1;
  }
  return out;
}

Result<std::string> DomainToAscii(std::string_view domain) {
  bool ascii = true;
  for (char ch : domain) ascii = ascii && static_cast<unsigned char>(ch) < 0x80;
  bool xn = false;
  if (ascii) {
    for (std::size_t begin = 0; begin <= domain.size() && !xn;) {
      std::size_t dot = domain.find('.', begin);
      if (dot == std::string_view::npos) dot = domain.size();
      xn = StartsWithXn(domain.substr(begin, dot - begin));
      begin = dot + 1;
    }
  }
  std::string out;
  if (ascii && !xn) {
    // What ToASCII does to such a domain: lower-case it.
    out.resize(domain.size());
    for (std::size_t i = 0; i < domain.size(); ++i) out[i] = AsciiLower(domain[i]);
  } else {
    Result<std::string> converted = DomainToAsciiIdna(domain);
    if (!converted.ok()) return converted;
    out = std::move(converted).value();
  }
  if (out.empty()) return Status::InvalidArgument("the host is empty");
  for (char ch : out) {
    if (IsForbiddenDomainCodePoint(static_cast<unsigned char>(ch))) {
      return Status::InvalidArgument("the host holds a forbidden code point");
    }
  }
  return out;
}

// --- Opaque hosts ------------------------------------------------------------

Result<std::string> ParseOpaqueHost(std::string_view input) {
  for (char ch : input) {
    if (IsForbiddenHostCodePoint(static_cast<unsigned char>(ch))) {
      return Status::InvalidArgument("the host holds a forbidden code point");
    }
  }
  std::string out;
  AppendPercentEncoded(input, PercentEncodeSet::kC0Control, &out);
  return out;
}

}  // namespace

Result<std::string> ParseHost(std::string_view input, bool opaque) {
  if (!input.empty() && input.front() == '[') {
    if (input.back() != ']' || input.size() < 2) {
      return Status::InvalidArgument("an IPv6 address lacks its closing \"]\"");
    }
    std::optional<Ipv6Address> address = ParseIpv6(input.substr(1, input.size() - 2));
    if (!address) return Status::InvalidArgument("invalid IPv6 address");
    return SerializeIpv6(*address);
  }
  if (opaque) return ParseOpaqueHost(input);
  if (input.empty()) return Status::InvalidArgument("the host is empty");
  Result<std::string> domain = input.find('%') == std::string_view::npos
                                   ? DomainToAscii(input)
                                   : DomainToAscii(PercentDecode(input));
  if (!domain.ok()) return domain;
  if (EndsInANumber(domain.value())) return ParseIpv4(domain.value());
  return domain;
}

}  // namespace forage
