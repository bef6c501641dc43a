#include "crawl/cookie_date.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

namespace forage {
namespace {

struct DateCase {
  std::string_view text;
  std::optional<std::int64_t> unix_s;
};

TEST_CASE("Cookie dates parse by the RFC 6265 section 5.1.1 algorithm", "[cookie]") {
  constexpr std::int64_t k1994 = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
  const DateCase kCases[] = {
      // The three formats of RFC 9110 section 5.6.7, and the zone ignored.
      {"Sun, 06 Nov 1994 08:49:37 GMT", k1994},
      {"Sunday, 06-Nov-94 08:49:37 GMT", k1994},
      {"Sun Nov  6 08:49:37 1994", k1994},
      {"Sun, 06 Nov 1994 08:49:37 +0200", k1994},
      // Any order, any case, words as long as they start with a month.
      {"1994 08:49:37 nov 6", k1994},
      {"06 NOVEMBER 1994 08:49:37", k1994},
      {"Novxyz 06 1994 08:49:37", k1994},
      // Trailing bytes after a non-digit are allowed in each kind of token.
      {"06th Nov 1994AD 08:49:37GMT", k1994},
      // One-digit fields, and delimiters of every kind.
      {"6 Nov 1994 1:2:3", 784083723},
      {"6/Nov/1994\t1:2:3", 784083723},
      {"[6]{Nov}~1994~ 1:2:3;", 784083723},
      {"Thu, 01 Jan 1970 00:00:00 GMT", 0},
      {"Wed, 09 Jun 2021 10:18:14 GMT", 1623233894},
      {"Thu, 29 Feb 2024 00:00:00 GMT", 1709164800},
      {"Fri, 31 Dec 9999 23:59:59 GMT", 253402300799},
      {"Mon, 01 Jan 1601 00:00:00 GMT", -11644473600},
      // Two-digit years: 70-99 are 19xx, 0-69 20xx, even written with four.
      {"01 Jan 70 00:00:00", 0},
      {"01 Jan 69 00:00:00", 3124224000},
      {"01 Jan 0069 00:00:00", 3124224000},
      // The first token of each kind wins; later ones are ignored.
      {"06 Nov 1994 08:49:37 07 Dec 2000 09:00:00", k1994},
      // Missing parts.
      {"", std::nullopt},
      {"Sun, 06 Nov 1994", std::nullopt},
      {"Nov 1994 08:49:37", std::nullopt},
      {"06 1994 08:49:37", std::nullopt},
      {"06 Nov 08:49:37", std::nullopt},
      // Too many digits: not a day ("123"), not a year ("12345"), not a time.
      {"123 Nov 1994 08:49:37", std::nullopt},
      {"06 Nov 12345 08:49:37", std::nullopt},
      {"06 Nov 1994 108:49:37", std::nullopt},
      {"06 Nov 1994 08:49:370", std::nullopt},
      {"06 Nov 1994 08:49", std::nullopt},
      // Out of range, or no such date.
      {"00 Nov 1994 08:49:37", std::nullopt},
      {"32 Jan 1994 08:49:37", std::nullopt},
      {"06 Nov 1994 24:00:00", std::nullopt},
      {"06 Nov 1994 23:60:00", std::nullopt},
      {"06 Nov 1994 23:59:60", std::nullopt},
      {"31 Dec 1600 23:59:59", std::nullopt},
      {"29 Feb 2023 00:00:00", std::nullopt},
      {"31 Apr 2023 00:00:00", std::nullopt},
      {"30 Feb 2000 00:00:00", std::nullopt},
  };
  for (const DateCase& c : kCases) {
    INFO("date: \"" << c.text << "\"");
    CHECK(ParseCookieDate(c.text) == c.unix_s);
  }
}

}  // namespace
}  // namespace forage
