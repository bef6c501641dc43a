#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace forage {

// UTF-8 as the Unicode Standard defines it (3.9, Table 3-7): a well-formed
// sequence is not an overlong form, encodes no surrogate (U+D800..U+DFFF) and
// nothing above U+10FFFF, and is not cut short. Every UTF-8 routine forage
// needs lives here; pure functions, safe from any process and thread.

// Whether `byte` is a continuation byte (10xxxxxx), which never begins a
// character.
constexpr bool IsUtf8Continuation(char byte) {
  return (static_cast<unsigned char>(byte) & 0xC0) == 0x80;
}

// The sequence at the start of `s`, which must not be empty: its length in
// bytes and whether it is well-formed. An ill-formed sequence's length is
// that of its maximal subpart (the longest prefix that could begin a
// well-formed sequence; at least 1 byte), so that stepping by `length`
// meets each error once, as the WHATWG UTF-8 decoder does.
struct Utf8Sequence {
  std::size_t length;
  bool valid;
};
Utf8Sequence FirstUtf8Sequence(std::string_view s);

// The index of the first byte of the first ill-formed sequence in `s`, or
// s.size() if `s` is well-formed. Linear; quick on ASCII.
std::size_t FirstInvalidUtf8(std::string_view s);

// Whether all of `s` is well-formed UTF-8 (the empty string is).
bool IsValidUtf8(std::string_view s);

// Returns `s` with every invalid UTF-8 sequence (bad lead or continuation bytes, overlong forms,
// surrogates U+D800..U+DFFF, code points above U+10FFFF, truncated sequences) replaced by
// U+FFFD, one per maximal invalid subpart as the Unicode Standard (3.9) and the WHATWG UTF-8
// decoder do. Valid input is returned unchanged. Linear time.
std::string MakeValidUtf8(std::string_view s);

// How many bytes of `s` to keep to cut it to at most `max_bytes` without
// splitting a character: s.size() if it fits; otherwise `max_bytes`, less
// the continuation bytes before the first byte not kept. For well-formed `s`
// the kept prefix is well-formed. (On ill-formed input the cut only backs
// off over continuation bytes, however many there are, down to 0.)
std::size_t Utf8CutLength(std::string_view s, std::size_t max_bytes);

// Writes `code_point`, which must be a Unicode scalar value (at most
// U+10FFFF, not a surrogate), as UTF-8 to out[0..3]. Returns the number of
// bytes written, 1 to 4. constexpr, so tables can be built at compile time.
constexpr std::size_t EncodeUtf8(char32_t code_point, char* out) {
  if (code_point < 0x80) {
    out[0] = static_cast<char>(code_point);
    return 1;
  }
  if (code_point < 0x800) {
    out[0] = static_cast<char>(0xC0 | (code_point >> 6));
    out[1] = static_cast<char>(0x80 | (code_point & 0x3F));
    return 2;
  }
  if (code_point < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (code_point >> 12));
    out[1] = static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (code_point & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (code_point >> 18));
  out[1] = static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (code_point & 0x3F));
  return 4;
}

// Appends `code_point` (a Unicode scalar value, as for EncodeUtf8) to *out as UTF-8.
void AppendUtf8(char32_t code_point, std::string* out);

}  // namespace forage
