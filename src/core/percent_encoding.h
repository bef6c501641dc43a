#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace forage {

// The URL Standard's percent-encode sets (section 1.3), each a superset of
// the one before it except as noted: the bytes a URL component may not hold
// raw. All of them hold the C0 controls and every byte above 0x7E, so a
// UTF-8 sequence is encoded byte by byte, which is the standard's "UTF-8
// percent-encode" of its code point.
enum class PercentEncodeSet : std::uint8_t {
  kC0Control,     // C0 controls and bytes > 0x7E: opaque paths and hosts
  kFragment,      // C0 control set and space " < > `
  kQuery,         // C0 control set and space " # < > (not `)
  kSpecialQuery,  // query set and ': the query of http, https, ws, wss, ftp, file
  kPath,          // query set and ? ^ ` { }
  kUserinfo,      // path set and / : ; = @ [ \ ] |
};

namespace percent_encoding_detail {
// Bit i of kSets[b] is set when byte b is in PercentEncodeSet(i).
struct SetTable {
  std::uint8_t bits[256];
};
constexpr SetTable MakeSetTable() {
  SetTable t{};
  auto add = [&t](int set, std::string_view chars) {
    for (char c : chars)
      t.bits[static_cast<unsigned char>(c)] |= static_cast<std::uint8_t>(1 << set);
  };
  for (int b = 0; b < 256; ++b) {
    if (b < 0x20 || b > 0x7e) t.bits[b] = 0x3f;  // in every set
  }
  add(1, " \"<>`");
  add(2, " \"#<>");
  add(3, " \"#<>'");
  add(4, " \"#<>?^`{}");
  add(5, " \"#<>?^`{}/:;=@[\\]|");
  return t;
}
inline constexpr SetTable kSets = MakeSetTable();
}  // namespace percent_encoding_detail

// Whether `byte` must be percent-encoded in a component using `set`.
inline bool InPercentEncodeSet(unsigned char byte, PercentEncodeSet set) {
  return (percent_encoding_detail::kSets.bits[byte] >> static_cast<int>(set)) & 1;
}

// Appends `byte` to `out`, as "%XX" (upper-case hex) if it is in `set`.
inline void AppendPercentEncoded(unsigned char byte, PercentEncodeSet set, std::string* out) {
  if (!InPercentEncodeSet(byte, set)) {
    out->push_back(static_cast<char>(byte));
    return;
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  const char escape[3] = {'%', kHex[byte >> 4], kHex[byte & 15]};
  out->append(escape, 3);
}

// Appends every byte of `bytes` as AppendPercentEncoded does.
void AppendPercentEncoded(std::string_view bytes, PercentEncodeSet set, std::string* out);

inline bool IsAsciiHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// The standard's percent-decode: each "%" followed by two hex digits becomes
// the byte they spell; any other "%" stays as it is.
std::string PercentDecode(std::string_view text);

}  // namespace forage
