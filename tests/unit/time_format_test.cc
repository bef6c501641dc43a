#include "core/time_format.h"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace forage {
namespace {

TEST_CASE("W3C Datetimes of every precision give Unix milliseconds in UTC", "[time_format]") {
  const std::vector<std::pair<std::string, std::int64_t>> cases = {
      {"2005-01-01", 1104537600000},
      {"1997", 852076800000},
      {"1997-07", 867715200000},
      {"1997-07-16T19:20+01:00", 869077200000},
      {"1997-07-16T19:20:30+01:00", 869077230000},
      {"1997-07-16T19:20:30.45+01:00", 869077230450},
      {"1997-07-16T19:20:30.4567891+01:00", 869077230456},
      {"1997-07-16T18:20:30Z", 869077230000},
      {"2004-12-23T18:00:15+00:00", 1103824815000},
      {"2005-05-10T17:33:30+08:00", 1115717610000},
      {"2024-02-28T20:00-04:00", 1709164800000},
      {"2024-02-29", 1709164800000},
      {"1969-12-31T23:59:59Z", -1000},
      // No TZD, as many sitemaps write it: UTC.
      {"1997-07-16T18:20:30", 869077230000},
      {"1997-07-16T18:20", 869077200000},
  };
  for (const auto& [text, ms] : cases) {
    INFO(text);
    CHECK(ParseW3cDatetime(text) == ms);
  }
}

TEST_CASE("Malformed or impossible W3C Datetimes are refused", "[time_format]") {
  const std::vector<std::string> bad = {
      "",
      "97",
      "1997-7-16",
      "1997-07-16 19:20Z",
      "1997-07-16T19Z",
      "1997-07-16T19:20:30.Z",
      "1997-07-16T19:20:30+0100",
      "1997-07-16T19:20:30+01",
      "1997-07-16T24:00Z",
      "1997-07-16T19:60Z",
      "1997-07-16T19:20:60Z",
      "1997-07-16T19:20:30+24:00",
      "2023-02-29",
      "2024-13-01",
      "2024-00-10",
      "2024-04-31",
      " 2024-01-01",
      "2024-01-01 ",
      "2024-01-01T",
      "2024-01-01Z",
      "2024T10:00Z",
      "2024-01-01T10:00Zjunk",
      "yesterday",
  };
  for (const std::string& text : bad) {
    INFO(text);
    CHECK_FALSE(ParseW3cDatetime(text));
  }
}

}  // namespace
}  // namespace forage
