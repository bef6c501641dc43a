#include "core/utf8.h"

#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace forage {
namespace {

using namespace std::string_literals;  // "\0"s keeps embedded NULs

// EncodeUtf8 is constexpr, for tables built at compile time.
constexpr std::size_t kEuroBytes = [] {
  char out[4] = {};
  return EncodeUtf8(U'\u20AC', out);
}();
static_assert(kEuroBytes == 3);
static_assert(IsUtf8Continuation('\x80') && IsUtf8Continuation('\xBF'));
static_assert(!IsUtf8Continuation('\x7F') && !IsUtf8Continuation('\xC0'));

TEST_CASE("IsValidUtf8 accepts well-formed UTF-8 and nothing else", "[utf8]") {
  struct Case {
    std::string in;
    std::size_t first_invalid;  // in.size() when valid
  };
  const Case cases[] = {
      {"", 0},
      {"plain ASCII", 11},
      {"\0"s, 1},
      {"\x7F", 1},
      // One of each length, and the ends of each range.
      {"\xC2\x80 \xDF\xBF", 5},                  // U+0080, U+07FF
      {"\xE0\xA0\x80 \xEF\xBF\xBF", 7},          // U+0800, U+FFFF
      {"\xED\x9F\xBF \xEE\x80\x80", 7},          // U+D7FF, U+E000: either side of the surrogates
      {"\xF0\x90\x80\x80 \xF4\x8F\xBF\xBF", 9},  // U+10000, U+10FFFF
      // Overlong forms.
      {"\xC0\x80", 0},
      {"\xC1\xBF", 0},
      {"\xE0\x9F\xBF", 0},  // U+07FF in three bytes
      {"\xE0\x80\xAF", 0},
      {"\xF0\x8F\xBF\xBF", 0},  // U+FFFF in four bytes
      {"ab\xF0\x80\x80\xAF", 2},
      // Surrogates.
      {"\xED\xA0\x80", 0},
      {"x\xED\xBF\xBF", 1},
      // Above U+10FFFF, and leads that could only start such values.
      {"\xF4\x90\x80\x80", 0},
      {"\xF5\x80\x80\x80", 0},
      {"\xF8\x88\x80\x80\x80", 0},
      {"\xFF", 0},
      // Stray continuation bytes.
      {"\x80", 0},
      {"\xC3\xA9\xA9", 2},
      // Truncated sequences, at the end and before something else.
      {"\xC3", 0},
      {"ok\xE2\x82", 2},
      {"\xF0\x9F\x98", 0},
      {"\xE2\x82z", 0},
      {"\xF0\x9F\x98\xC3\xA9", 0},
      // Past the eight-byte ASCII fast path, at every alignment.
      {"0123456789abcdef\xFF", 16},
      {"0123456789abcde\xC3", 15},
      {"01234567\u20AC89abcdef", 19},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    CHECK(FirstInvalidUtf8(c.in) == c.first_invalid);
    CHECK(IsValidUtf8(c.in) == (c.first_invalid == c.in.size()));
  }
}

TEST_CASE("FirstUtf8Sequence measures one sequence, or its maximal invalid subpart", "[utf8]") {
  struct Case {
    std::string in;
    std::size_t length;
    bool valid;
  };
  const Case cases[] = {
      {"a", 1, true},
      {"\0z"s, 1, true},
      {"\xC3\xA9z", 2, true},
      {"\xE2\x82\xACz", 3, true},
      {"\xF0\x9F\x98\x80z", 4, true},
      {"\x80", 1, false},          // a continuation byte alone
      {"\xC0\xAF", 1, false},      // C0 and C1 never lead
      {"\xE0\x80\xAF", 1, false},  // overlong: the second byte is out of range
      {"\xED\xA0\x80", 1, false},  // surrogate: likewise
      {"\xF4\x90\x80\x80", 1, false},
      {"\xF5", 1, false},
      {"\xC3", 1, false},  // truncated: the bytes there are are the subpart
      {"\xE2\x82", 2, false},
      {"\xF0\x9F\x98", 3, false},
      {"\xE2\x82z", 2, false},
      {"\xF0\x9F\x98\xC3", 3, false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    const Utf8Sequence sequence = FirstUtf8Sequence(c.in);
    CHECK(sequence.length == c.length);
    CHECK(sequence.valid == c.valid);
  }
}

TEST_CASE("MakeValidUtf8 leaves valid text alone and makes anything valid", "[utf8]") {
  CHECK(MakeValidUtf8("caf\xC3\xA9 \xF0\x9F\x98\x80") == "caf\xC3\xA9 \xF0\x9F\x98\x80");
  CHECK(MakeValidUtf8("a\xC0\xAF\x62") == "a\uFFFD\uFFFDb");               // overlong: two subparts
  CHECK(MakeValidUtf8("\xED\xA0\x80") == "\uFFFD\uFFFD\uFFFD");            // surrogate
  CHECK(MakeValidUtf8("\xF4\x90\x80\x80") == "\uFFFD\uFFFD\uFFFD\uFFFD");  // > U+10FFFF
  CHECK(MakeValidUtf8("\xE2\x82") == "\uFFFD");                            // truncated: one
  // Random bytes, each kind of test string: the result is valid, and a
  // string is left as it was exactly when it was valid.
  std::mt19937 generator(16);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> size(0, 12);
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    const int n = size(generator);
    for (int i = 0; i < n; ++i) {
      // Mostly bytes that matter to UTF-8: leads, continuations, ASCII.
      const int b = byte(generator);
      s += static_cast<char>(b < 64 ? 0x80 + b % 64 : b < 128 ? 0xC0 + b % 64 : b % 128);
    }
    CAPTURE(s);
    const std::string valid = MakeValidUtf8(s);
    REQUIRE(IsValidUtf8(valid));
    REQUIRE((valid == s) == IsValidUtf8(s));
  }
}

TEST_CASE("Utf8CutLength cuts on a character boundary", "[utf8]") {
  const std::string text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z";  // a é € 😀 z: 1+2+3+4+1
  struct Case {
    std::size_t max_bytes;
    std::size_t kept;
  };
  const Case cases[] = {
      {0, 0},   {1, 1},   {2, 1},            // inside é
      {3, 3},   {4, 3},   {5, 3},            // inside €
      {6, 6},   {7, 6},   {8, 6},   {9, 6},  // inside 😀
      {10, 10}, {11, 11}, {12, 11}, {1000, 11},
  };
  for (const Case& c : cases) {
    CAPTURE(c.max_bytes);
    CHECK(Utf8CutLength(text, c.max_bytes) == c.kept);
  }
  // Every cut of valid text is valid text.
  for (std::size_t max = 0; max <= text.size(); ++max) {
    CHECK(IsValidUtf8(std::string_view(text).substr(0, Utf8CutLength(text, max))));
  }
  CHECK(Utf8CutLength("", 0) == 0);
  CHECK(Utf8CutLength("", 5) == 0);
  // Ill-formed input: only continuation bytes are backed over.
  CHECK(Utf8CutLength("\xFF\xFF\xFF", 1) == 1);
  CHECK(Utf8CutLength("\x80\x80\x80", 2) == 0);
}

TEST_CASE("AppendUtf8 writes each scalar value in the shortest form", "[utf8]") {
  struct Case {
    char32_t code_point;
    std::string bytes;
  };
  const Case cases[] = {
      {0x0, "\0"s},
      {0x41, "A"},
      {0x7F, "\x7F"},
      {0x80, "\xC2\x80"},
      {0x7FF, "\xDF\xBF"},
      {0x800, "\xE0\xA0\x80"},
      {0xD7FF, "\xED\x9F\xBF"},
      {0xE000, "\xEE\x80\x80"},
      {0xFFFD, "\xEF\xBF\xBD"},
      {0xFFFF, "\xEF\xBF\xBF"},
      {0x10000, "\xF0\x90\x80\x80"},
      {0x1F600, "\xF0\x9F\x98\x80"},
      {0x10FFFF, "\xF4\x8F\xBF\xBF"},
  };
  for (const Case& c : cases) {
    CAPTURE(static_cast<std::uint32_t>(c.code_point));
    std::string out = "x";
    AppendUtf8(c.code_point, &out);
    CHECK(out == "x" + c.bytes);
  }
  // Every scalar value encodes to one well-formed sequence of the right length.
  for (char32_t c = 0; c <= 0x10FFFF; ++c) {
    if (c == 0xD800) c = 0xE000;  // surrogates are no scalar values
    char bytes[4];
    const std::size_t n = EncodeUtf8(c, bytes);
    const std::size_t expected = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    const Utf8Sequence sequence = FirstUtf8Sequence(std::string_view(bytes, n));
    if (n != expected || !sequence.valid || sequence.length != n) {
      FAIL("U+" << std::hex << static_cast<std::uint32_t>(c) << " encodes wrongly");
    }
  }
}

}  // namespace
}  // namespace forage
