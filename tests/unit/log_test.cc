#include "core/log.h"

#include <catch2/catch.hpp>
#include <string>

namespace forage {
namespace {

TEST_CASE("Log text is escaped so that a terminal shows it and does nothing else", "[log]") {
  CHECK(EscapeForTerminal("http://a.test/page?q=1") == "http://a.test/page?q=1");
  CHECK(EscapeForTerminal("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") ==
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  // C0 controls: ESC sequences, newlines that would forge a log line, BEL, NUL.
  CHECK(EscapeForTerminal("a\x1b[2Jb") == "a\\x1b[2Jb");
  CHECK(EscapeForTerminal("one\nforage: error: forged") == "one\\x0aforage: error: forged");
  CHECK(EscapeForTerminal("a\rb\tc\x07") == "a\\x0db\\x09c\\x07");
  CHECK(EscapeForTerminal(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(EscapeForTerminal("\x7f") == "\\x7f");
  // C1 controls (CSI is U+009B) and bytes that are not UTF-8.
  CHECK(EscapeForTerminal("x\xc2\x9b[31m") == "x\\xc2\\x9b[31m");
  CHECK(EscapeForTerminal("\xc2\xa0") == "\xc2\xa0");  // U+00A0 is printable
  CHECK(EscapeForTerminal("\xff\xfe") == "\\xff\\xfe");
  CHECK(EscapeForTerminal("\xc3") == "\\xc3");                             // cut short
  CHECK(EscapeForTerminal("\xc0\xaf") == "\\xc0\\xaf");                    // overlong '/'
  CHECK(EscapeForTerminal("\xed\xa0\x80") == "\\xed\\xa0\\x80");           // a surrogate
  CHECK(EscapeForTerminal("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");  // past U+10FFFF
  CHECK(EscapeForTerminal("") == "");
}

}  // namespace
}  // namespace forage
