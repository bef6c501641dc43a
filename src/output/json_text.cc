#include "output/json_text.h"

#include <cassert>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/utf8.h"

namespace forage {
namespace {

// The bytes JSON text cannot hold as they are: the quote, the backslash and
// the C0 controls.
constexpr bool NeedsEscape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// How many of s's first bytes, a multiple of eight, are ASCII that JSON
// holds as it is (no control, quote, backslash or byte past 0x7F).
std::size_t PlainAsciiPrefix(std::string_view s) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  // Whether some byte of w is zero (exact as a yes or no).
  auto has_zero = [](std::uint64_t w) { return (w - kOnes) & ~w & kHighBits; };
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    // A byte below 0x20 (w has no high bits here, so the subtraction's
    // borrow marks exactly those), a quote, a backslash.
    if ((w & kHighBits) != 0 || ((w - kOnes * 0x20) & kHighBits) != 0 ||
        has_zero(w ^ (kOnes * '"')) != 0 || has_zero(w ^ (kOnes * '\\')) != 0) {
      break;
    }
  }
  return i;
}

void AppendEscaped(unsigned char c, std::string* out) {
  switch (c) {
    case '"': *out += "\\\""; return;
    case '\\': *out += "\\\\"; return;
    case '\b': *out += "\\b"; return;
    case '\f': *out += "\\f"; return;
    case '\n': *out += "\\n"; return;
    case '\r': *out += "\\r"; return;
    case '\t': *out += "\\t"; return;
    default: {
      static constexpr char kHex[] = "0123456789abcdef";
      const char u[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out->append(u, sizeof u);
    }
  }
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  // Most strings (URLs, titles) are ASCII with nothing to escape: eight
  // bytes at a time while that holds, and the rest byte by byte.
  const std::size_t plain = PlainAsciiPrefix(s);
  if (FirstInvalidUtf8(s.substr(plain)) != s.size() - plain) {
    // Rare (a header value, an error message quoting the input): what
    // nlohmann writes for invalid UTF-8 is its own decoder's business, so
    // it writes this string itself.
    *out += nlohmann::json(std::string(s)).dump(-1, ' ', false,
                                                nlohmann::json::error_handler_t::replace);
    return;
  }
  out->reserve(out->size() + s.size() + 2);
  *out += '"';
  std::size_t run = 0;  // the start of the bytes not yet appended
  for (std::size_t i = plain; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (!NeedsEscape(c)) continue;
    out->append(s.data() + run, i - run);
    AppendEscaped(c, out);
    run = i + 1;
  }
  out->append(s.data() + run, s.size() - run);
  *out += '"';
}

void JsonText::Separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (has_member_[depth_]) *out_ += ',';
  has_member_[depth_] = true;
}

void JsonText::Open(char bracket) {
  Separate();
  *out_ += bracket;
  ++depth_;
  assert(depth_ <= kMaxDepth);
  has_member_[depth_] = false;
}

void JsonText::Close(char bracket) {
  *out_ += bracket;
  --depth_;
}

void JsonText::Key(std::string_view name) {
  Separate();
  AppendJsonString(name, out_);
  *out_ += ':';
  after_key_ = true;
}

void JsonText::String(std::string_view s) {
  Separate();
  AppendJsonString(s, out_);
}

void JsonText::Null() {
  Separate();
  *out_ += "null";
}

void JsonText::Bool(bool b) {
  Separate();
  *out_ += b ? "true" : "false";
}

void JsonText::Number(std::int64_t n) {
  Separate();
  char buf[24];
  *out_ += std::string_view(buf, std::to_chars(buf, buf + sizeof buf, n).ptr - buf);
}

void JsonText::Number(std::uint64_t n) {
  Separate();
  char buf[24];
  *out_ += std::string_view(buf, std::to_chars(buf, buf + sizeof buf, n).ptr - buf);
}

void JsonText::OptionalString(const std::optional<std::string>& s) {
  if (s) {
    String(*s);
  } else {
    Null();
  }
}

void JsonText::StringArray(const std::vector<std::string>& strings) {
  BeginArray();
  for (const std::string& s : strings) String(s);
  EndArray();
}

}  // namespace forage
