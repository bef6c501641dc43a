#include "core/utf8.h"

#include <cstdint>
#include <cstring>

namespace forage {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

// Examines the UTF-8 sequence starting at p[0] (n > 0 bytes available). Returns its length and
// sets *valid. For an invalid sequence the length is that of its maximal subpart: the longest
// prefix that could start a well-formed sequence (at least 1 byte), per Unicode Table 3-7.
// Ranges of the first trail byte, rather than decoding, are what keep out overlongs, surrogates
// and code points above U+10FFFF, and they find the maximal subpart on the way.
std::size_t Utf8Step(const unsigned char* p, std::size_t n, bool* valid) {
  const unsigned char lead = p[0];
  if (lead < 0x80) {
    *valid = true;
    return 1;
  }
  std::size_t trail_bytes;
  unsigned char low = 0x80;   // the allowed range of the first trail byte, which excludes
  unsigned char high = 0xBF;  // overlongs, surrogates and code points above U+10FFFF
  if (lead >= 0xC2 && lead <= 0xDF) {
    trail_bytes = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    trail_bytes = 2;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    trail_bytes = 3;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    *valid = false;  // 80..C1 (continuation or overlong lead) or F5..FF
    return 1;
  }
  for (std::size_t i = 1; i <= trail_bytes; ++i) {
    if (i >= n || p[i] < low || p[i] > high) {
      *valid = false;
      return i;
    }
    low = 0x80;
    high = 0xBF;
  }
  *valid = true;
  return trail_bytes + 1;
}

}  // namespace

Utf8Sequence FirstUtf8Sequence(std::string_view s) {
  Utf8Sequence sequence{};
  sequence.length =
      Utf8Step(reinterpret_cast<const unsigned char*>(s.data()), s.size(), &sequence.valid);
  return sequence;
}

std::size_t FirstInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  while (i < n) {
    // Most markup is ASCII: check 32 bytes at a time (which the compiler
    // turns into vector code), then eight.
    if (i + 32 <= n) {
      std::uint64_t w[4];
      std::memcpy(w, p + i, 32);
      if (((w[0] | w[1] | w[2] | w[3]) & kHighBits) == 0) {
        i += 32;
        continue;
      }
    }
    if (i + 8 <= n) {
      std::uint64_t word;
      std::memcpy(&word, p + i, 8);
      if ((word & kHighBits) == 0) {
        i += 8;
        continue;
      }
    }
    bool valid;
    const std::size_t length = Utf8Step(p + i, n - i, &valid);
    if (!valid) return i;
    i += length;
  }
  return n;
}

bool IsValidUtf8(std::string_view s) { return FirstInvalidUtf8(s) == s.size(); }

std::string MakeValidUtf8(std::string_view s) {
  std::size_t i = FirstInvalidUtf8(s);
  if (i == s.size()) return std::string(s);
  std::string out;
  out.reserve(s.size() + s.size() / 4 + 3);
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t run_start = 0;  // start of the valid bytes not yet copied
  while (i < s.size()) {
    bool valid;
    const std::size_t length = Utf8Step(p + i, s.size() - i, &valid);
    if (!valid) {
      out.append(s.data() + run_start, i - run_start);
      out.append(kReplacement);
      run_start = i + length;
    }
    i += length;
  }
  out.append(s.data() + run_start, s.size() - run_start);
  return out;
}

std::size_t Utf8CutLength(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s.size();
  // s[max_bytes] is the first byte dropped: while it continues a character,
  // that character would be split, so it goes too.
  std::size_t n = max_bytes;
  while (n > 0 && IsUtf8Continuation(s[n])) --n;
  return n;
}

void AppendUtf8(char32_t code_point, std::string* out) {
  char bytes[4];
  out->append(bytes, EncodeUtf8(code_point, bytes));
}

}  // namespace forage
