#include "parse/charset.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <string_view>

namespace forage {
namespace {

using Source = Encoding::Source;
using namespace std::string_literals;  // "\0"s keeps embedded NULs

// An independent UTF-8 checker: decodes each sequence with bit arithmetic and rejects
// overlongs, surrogates and code points past U+10FFFF (unlike the module, which checks ranges
// of the second byte).
bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    std::size_t trail_bytes;
    std::uint32_t code_point;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      trail_bytes = 1;
      code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      trail_bytes = 2;
      code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      trail_bytes = 3;
      code_point = lead & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= trail_bytes) return false;
    for (std::size_t k = 1; k <= trail_bytes; ++k) {
      const auto trail = static_cast<unsigned char>(s[i + k]);
      if ((trail & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (trail & 0x3F);
    }
    constexpr std::uint32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};
    if (code_point < kMinimum[trail_bytes]) return false;
    if (code_point > 0x10FFFF) return false;
    if (code_point >= 0xD800 && code_point <= 0xDFFF) return false;
    i += trail_bytes + 1;
  }
  return true;
}

std::string RandomBytes(std::size_t size, std::uint32_t seed) {
  std::mt19937 generator(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(byte(generator));
  return bytes;
}

Encoding Named(std::string name) {
  Encoding encoding;
  encoding.name = std::move(name);
  return encoding;
}

TEST_CASE("the independent UTF-8 checker agrees with known cases", "[charset]") {
  CHECK(IsValidUtf8("plain"));
  CHECK(IsValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  CHECK_FALSE(IsValidUtf8("\xC0\xAF"));
  CHECK_FALSE(IsValidUtf8("\xED\xA0\x80"));
  CHECK_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));
  CHECK_FALSE(IsValidUtf8("\xE2\x82"));
  CHECK_FALSE(IsValidUtf8("\x80"));
}

TEST_CASE("a byte-order mark, a Content-Type charset or a meta prescan decides", "[charset]") {
  struct Case {
    std::string body;
    std::string content_type;
    std::string name;
    std::size_t bom_bytes;
    Source source;
  };
  const std::string far(1100, ' ');
  const std::string near(1000, ' ');
  const Case cases[] = {
      // A byte-order mark beats the header and a meta.
      {"\xEF\xBB\xBF<meta charset=shift_jis>", "text/html; charset=iso-8859-2", "UTF-8", 3,
       Source::kBom},
      {"\xFF\xFE<\0m\0"s, "text/html; charset=shift_jis", "UTF-16LE", 2, Source::kBom},
      {"\xFE\xFF\0<\0m"s, "text/html; charset=shift_jis", "UTF-16BE", 2, Source::kBom},
      {"\xFE\xFF", "", "UTF-16BE", 2, Source::kBom},
      // The Content-Type charset: quoted, unquoted, upper case, among other parameters.
      {"", "text/html; charset=\"Shift_JIS\"", "Shift_JIS", 0, Source::kContentType},
      {"", "text/html; charset=utf-8", "UTF-8", 0, Source::kContentType},
      {"", "text/html;charset=utf-8", "UTF-8", 0, Source::kContentType},
      {"", "TEXT/HTML; CHARSET=UTF-8", "UTF-8", 0, Source::kContentType},
      {"", "text/html; Charset=\"EUC-KR\"; q=1", "EUC-KR", 0, Source::kContentType},
      {"", "text/html; format=flowed; charset=koi8-r; q=0.5", "KOI8-R", 0, Source::kContentType},
      {"", "text/html; title=\"a;charset=big5\"; charset=gb2312", "GBK", 0, Source::kContentType},
      {"", "text/html; charset=latin1", "windows-1252", 0, Source::kContentType},
      {"", "text/html; charset=utf-16", "UTF-16LE", 0, Source::kContentType},
      // The header beats a meta.
      {"<meta charset=euc-kr>", "text/html; charset=gbk", "GBK", 0, Source::kContentType},
      // An unknown header label falls through to the meta, then to the default.
      {"<meta charset=big5>", "text/html; charset=bogus", "Big5", 0, Source::kMeta},
      {"<meta charset=big5>", "text/html; charset=", "Big5", 0, Source::kMeta},
      // x-user-defined and replacement are encodings a header may name.
      {"<meta charset=big5>", "text/html; charset=x-user-defined", "x-user-defined", 0,
       Source::kContentType},
      {"<meta charset=big5>", "text/html; charset=iso-2022-kr", "replacement", 0,
       Source::kContentType},
      // A byte-order mark beats them, UTF-16 ones included.
      {"\xFF\xFE\x61\0"s, "text/html; charset=hz-gb-2312", "UTF-16LE", 2, Source::kBom},
      {"\xEF\xBB\xBF", "text/html; charset=utf-16be", "UTF-8", 3, Source::kBom},
      {"", "text/html; charset=bogus", "windows-1252", 0, Source::kDefault},
      {"", "text/html", "windows-1252", 0, Source::kDefault},
      // <meta charset>.
      {"<meta charset=\"utf-8\">", "", "UTF-8", 0, Source::kMeta},
      {"<!DOCTYPE html><html><head><META CHARSET=EUC-JP>", "text/html", "EUC-JP", 0, Source::kMeta},
      {"<meta charset='iso-8859-2'/>", "", "ISO-8859-2", 0, Source::kMeta},
      {"<meta/charset=utf-8>", "", "UTF-8", 0, Source::kMeta},
      {"<meta name=\"x\"\n  charset = \" windows-1251 \" >", "", "windows-1251", 0, Source::kMeta},
      // <meta http-equiv="Content-Type" content="...">, either order, any quoting.
      {"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\">", "",
       "Shift_JIS", 0, Source::kMeta},
      {"<meta content=\"text/html; charset=windows-1251\" http-equiv=\"content-type\">", "",
       "windows-1251", 0, Source::kMeta},
      {"<meta http-equiv='Content-Type' content='text/html; charset=gb2312'>", "", "GBK", 0,
       Source::kMeta},
      {"<meta content='text/html; charset=koi8-r' http-equiv='CONTENT-TYPE'>", "", "KOI8-R", 0,
       Source::kMeta},
      {"<meta http-equiv=Content-Type content=text/html;charset=big5>", "", "Big5", 0,
       Source::kMeta},
      {"<meta content=text/html;charset=euc-kr http-equiv=content-type>", "", "EUC-KR", 0,
       Source::kMeta},
      {"<meta http-equiv=content-type content='text/html; charset = \"iso-8859-7\"'>", "",
       "ISO-8859-7", 0, Source::kMeta},
      // A content charset counts only with http-equiv=content-type.
      {"<meta content=\"text/html; charset=utf-8\">", "", "windows-1252", 0, Source::kDefault},
      {"<meta http-equiv=\"refresh\" content=\"0; charset=utf-8\">", "", "windows-1252", 0,
       Source::kDefault},
      // Within the first 1024 bytes only.
      {near + "<meta charset=utf-8>", "", "UTF-8", 0, Source::kMeta},
      {far + "<meta charset=utf-8>", "", "windows-1252", 0, Source::kDefault},
      {std::string(1010, ' ') + "<meta charset=utf-8>", "", "windows-1252", 0, Source::kDefault},
      // Not in comments, nor in other tags' attribute values, nor in other tag names.
      {"<!-- <meta charset=\"shift_jis\"> --><meta charset=\"euc-kr\">", "", "EUC-KR", 0,
       Source::kMeta},
      {"<!-- <meta charset=\"shift_jis\"> -->", "", "windows-1252", 0, Source::kDefault},
      {"<!-- unterminated <meta charset=\"shift_jis\">", "", "windows-1252", 0, Source::kDefault},
      {"<!--><meta charset=utf-8>", "", "UTF-8", 0, Source::kMeta},
      // A '>' inside a comment does not end it.
      {"<!-- a > b <meta charset=shift_jis> -->", "", "windows-1252", 0, Source::kDefault},
      {"<!-- a > b <meta charset=shift_jis> --><meta charset=koi8-u>", "", "KOI8-U", 0,
       Source::kMeta},
      {"<a title=\"<meta charset=sjis>\">x</a>", "", "windows-1252", 0, Source::kDefault},
      {"<metadata charset=utf-8>", "", "windows-1252", 0, Source::kDefault},
      {"<?xml version=\"1.0\"?><!DOCTYPE html><meta charset=utf-8>", "", "UTF-8", 0, Source::kMeta},
      // Unknown labels fall through to the next meta, or to the default.
      {"<meta charset=\"bogus\"><meta charset=\"iso-8859-5\">", "", "ISO-8859-5", 0, Source::kMeta},
      {"<meta charset=\"bogus\">", "", "windows-1252", 0, Source::kDefault},
      // A <meta> x-user-defined means windows-1252; a replacement label stands (HTML's prescan).
      {"<meta charset=\"x-user-defined\">", "", "windows-1252", 0, Source::kMeta},
      {"<meta charset=\"iso-2022-kr\">", "", "replacement", 0, Source::kMeta},
      // Only the first of repeated attributes counts.
      {"<meta charset=\"bogus\" charset=\"utf-8\">", "", "windows-1252", 0, Source::kDefault},
      // Latin-1 and ASCII labels mean windows-1252.
      {"<meta charset=latin1>", "", "windows-1252", 0, Source::kMeta},
      {"<meta charset=iso-8859-1>", "", "windows-1252", 0, Source::kMeta},
      {"<meta charset=ascii>", "", "windows-1252", 0, Source::kMeta},
      {"<meta charset=us-ascii>", "", "windows-1252", 0, Source::kMeta},
      // A UTF-16 meta means UTF-8: the bytes were ASCII-compatible to be read at all.
      {"<meta charset=\"utf-16\">", "", "UTF-8", 0, Source::kMeta},
      {"<meta charset=\"UTF-16BE\">", "", "UTF-8", 0, Source::kMeta},
      {"<meta http-equiv=content-type content=\"text/html; charset=utf-16le\">", "", "UTF-8", 0,
       Source::kMeta},
      // Nothing at all.
      {"", "", "windows-1252", 0, Source::kDefault},
      {"<html><body>hello</body></html>", "", "windows-1252", 0, Source::kDefault},
  };
  for (const Case& c : cases) {
    CAPTURE(c.body.substr(0, 80), c.content_type);
    const Encoding encoding = SniffEncoding(c.body, c.content_type);
    CHECK(encoding.name == c.name);
    CHECK(encoding.bom_bytes == c.bom_bytes);
    CHECK(encoding.source == c.source);
  }
}

TEST_CASE("labels map to canonical encoding names", "[charset]") {
  const std::pair<std::string, std::string> known[] = {
      {"utf-8", "UTF-8"},
      {"utf8", "UTF-8"},
      {"unicode-1-1-utf-8", "UTF-8"},
      {"  UTF-8\t\n", "UTF-8"},
      {"latin1", "windows-1252"},
      {"LATIN1", "windows-1252"},
      {"iso-8859-1", "windows-1252"},
      {"ISO_8859-1:1987", "windows-1252"},
      {"ascii", "windows-1252"},
      {"us-ascii", "windows-1252"},
      {"l1", "windows-1252"},
      {"cp1252", "windows-1252"},
      {"windows-1252", "windows-1252"},
      {"sjis", "Shift_JIS"},
      {"shift_jis", "Shift_JIS"},
      {"Shift-JIS", "Shift_JIS"},
      {"ms_kanji", "Shift_JIS"},
      {"windows-31j", "Shift_JIS"},
      {"x-sjis", "Shift_JIS"},
      {"euc-jp", "EUC-JP"},
      {"iso-2022-jp", "ISO-2022-JP"},
      {"gbk", "GBK"},
      {"gb2312", "GBK"},
      {"GB_2312-80", "GBK"},
      {"gb18030", "gb18030"},
      {"big5", "Big5"},
      {"big5-hkscs", "Big5"},
      {"euc-kr", "EUC-KR"},
      {"ks_c_5601-1987", "EUC-KR"},
      {"koi8-r", "KOI8-R"},
      {"koi8-u", "KOI8-U"},
      {"windows-1250", "windows-1250"},
      {"cp1251", "windows-1251"},
      {"windows-1254", "windows-1254"},
      {"iso-8859-9", "windows-1254"},
      {"latin5", "windows-1254"},
      {"windows-1258", "windows-1258"},
      {"iso-8859-2", "ISO-8859-2"},
      {"iso-8859-8-i", "ISO-8859-8-I"},
      {"iso-8859-11", "windows-874"},
      {"tis-620", "windows-874"},
      {"iso-8859-15", "ISO-8859-15"},
      {"iso-8859-16", "ISO-8859-16"},
      {"utf-16", "UTF-16LE"},
      {"utf-16le", "UTF-16LE"},
      {"utf-16be", "UTF-16BE"},
      {"macintosh", "macintosh"},
      {"x-mac-cyrillic", "x-mac-cyrillic"},
      {"ibm866", "IBM866"},
      {"x-user-defined", "x-user-defined"},
      {"replacement", "replacement"},
      {"hz-gb-2312", "replacement"},
      {" ISO-2022-KR ", "replacement"},
      {"csiso2022kr", "replacement"},
      {"iso-2022-cn-ext", "replacement"},
  };
  for (const auto& [label, name] : known) {
    CAPTURE(label);
    CHECK(EncodingForLabel(label) == name);
  }
  const std::string unknown[] = {"",      "   ",    "bogus",
                                 "utf-7", "utf-32", "iso-8859-12",
                                 "utf 8", "utf-8;", std::string(1000, 'a')};
  for (const std::string& label : unknown) {
    CAPTURE(label);
    CHECK_FALSE(EncodingForLabel(label).has_value());
  }
}

TEST_CASE("legacy encodings convert to UTF-8", "[charset]") {
  struct Case {
    std::string name;
    std::string bytes;
    std::string utf8;
  };
  const Case cases[] = {
      {"windows-1252", "caf\xE9 cr\xE8me", "café crème"},
      {"windows-1252", "\x80", "€"},
      {"windows-1252", "\x93quoted\x94 \x96 \x85", "“quoted” – …"},
      // Unassigned in glibc's table; the standard (and browsers) give the C1 control.
      {"windows-1252", "a\x81z", "a\xC2\x81z"},
      {"windows-1251", "\xCF\xF0\xE8\xE2\xE5\xF2", "Привет"},
      {"KOI8-R", "\xF0\xD2\xC9\xD7\xC5\xD4", "Привет"},
      {"KOI8-U", "\xAE\xBE", "ўЎ"},
      {"ISO-8859-2", "\xB1\xE6", "ąć"},
      {"ISO-8859-15", "\xA4", "€"},
      {"windows-874", "\xA1", "ก"},
      {"macintosh", "\x8E", "é"},
      {"IBM866", "\x80", "А"},
      {"Shift_JIS", "\x93\xFA\x96\x7B\x8C\xEA", "日本語"},
      // Backslash and tilde stay themselves (glibc's SHIFT_JIS would give ¥ and ‾).
      {"Shift_JIS", "C:\\dir\\~user", "C:\\dir\\~user"},
      {"Shift_JIS", "\x87\x40 \xB1", "① ｱ"},
      {"EUC-JP", "\xC6\xFC\xCB\xDC\xB8\xEC", "日本語"},
      {"EUC-JP", "\xAD\xA1", "①"},
      {"ISO-2022-JP", "\x1B$BF|K\\8l\x1B(B!", "日本語!"},
      {"GBK", "\xD6\xD0\xCE\xC4", "中文"},
      {"GBK", "\x80", "€"},
      {"gb18030", "\x81\x30\x81\x30", "\xC2\x80"},
      {"Big5", "\xA4\xA4\xA4\xE5", "中文"},
      {"EUC-KR", "\xC7\xD1\xB1\xB9\xBE\xEE", "한국어"},
      {"UTF-16LE", "h\0i\0\x3D\xD8\0\xDE"s, "hi😀"},
      {"UTF-16BE", "\0h\0i\x65\xE5"s, "hi日"},
      // Invalid bytes become U+FFFD and conversion goes on after them.
      {"Shift_JIS", "a\xA0-\xFD-z", "a\uFFFD-\uFFFD-z"},
      {"windows-1253", "\xC1\xAA\xC2", "Α\uFFFDΒ"},
      {"GBK", "a\xFF-z", "a\uFFFD-z"},
      {"EUC-KR", "\xC7\xD1\xFF\xC7\xD1", "한\uFFFD한"},
      {"UTF-16LE", "a\0\0\xD8z\0"s, "a\uFFFDz"},
      {"UTF-16BE", "\xDC\x00\0b"s, "\uFFFDb"},
      // A truncated multibyte tail becomes one U+FFFD.
      {"Shift_JIS", "abc\x93", "abc\uFFFD"},
      {"EUC-JP", "\xC6\xFC\xCB", "日\uFFFD"},
      {"gb18030", "\xD6\xD0\x81\x30\x81", "中\uFFFD"},
      {"UTF-16LE", "h\0i\0!"s, "hi\uFFFD"},
      {"UTF-16LE", "h\0\x3D\xD8"s, "h\uFFFD"},
      // UTF-8 is only repaired.
      {"UTF-8", "ok \xC3\xA9 \xFF!", "ok é \uFFFD!"},
      // Unknown names decode as windows-1252; a label is accepted too.
      {"no-such-encoding", "caf\xE9", "café"},
      {"latin1", "\x93quoted\x94", "“quoted”"},
      {"sjis", "\x93\xFA", "日"},
      {"utf8", "\xC3\xA9", "é"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name, c.bytes);
    const std::string out = ToUtf8(c.bytes, Named(c.name));
    CHECK(out == c.utf8);
    CHECK(IsValidUtf8(out));
  }
}

TEST_CASE("a page labelled ISO-8859-1 decodes as windows-1252", "[charset]") {
  const std::string body = "<p>\x93Hello,\x94 she said \x96 for \x80 5.</p>";
  const Encoding encoding = SniffEncoding(body, "text/html; charset=ISO-8859-1");
  CHECK(encoding.name == "windows-1252");
  CHECK(ToUtf8(body, encoding) == "<p>“Hello,” she said – for € 5.</p>");
}

TEST_CASE("sniffing and converting skip the byte-order mark", "[charset]") {
  struct Case {
    std::string body;
    std::string utf8;
  };
  const Case cases[] = {
      {"\xEF\xBB\xBF<p>caf\xC3\xA9</p>", "<p>café</p>"},
      {"\xEF\xBB\xBF", ""},
      {"\xFF\xFE<\0p\0>\0\xE9\0"s, "<p>é"},
      {"\xFE\xFF\0<\0p\0>\0\xE9"s, "<p>é"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.body);
    const Encoding encoding = SniffEncoding(c.body, "text/html; charset=windows-1252");
    CHECK(encoding.source == Source::kBom);
    const std::string out = ToUtf8(c.body, encoding);
    CHECK(out == c.utf8);
    CHECK(IsValidUtf8(out));
  }
  Encoding too_long = Named("UTF-8");
  too_long.bom_bytes = 10;
  CHECK(ToUtf8("abc", too_long).empty());
}

TEST_CASE("a sniffed Shift_JIS page converts end to end", "[charset]") {
  const std::string body =
      "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\">"
      "<title>\x93\xFA\x96\x7B\x8C\xEA</title></head></html>";
  const Encoding encoding = SniffEncoding(body, "text/html");
  REQUIRE(encoding.name == "Shift_JIS");
  CHECK(encoding.source == Source::kMeta);
  const std::string out = ToUtf8(body, encoding);
  CHECK(out.find("<title>日本語</title>") != std::string::npos);
}

TEST_CASE("MakeValidUtf8 replaces each maximal invalid subpart with U+FFFD", "[charset]") {
  struct Case {
    std::string in;
    std::string out;
  };
  const Case cases[] = {
      // Valid input is unchanged.
      {"", ""},
      {"plain ASCII, more than eight bytes", "plain ASCII, more than eight bytes"},
      {"\0nul"s, "\0nul"s},
      {"\xC3\xA9", "é"},
      {"\xE2\x82\xAC", "€"},
      {"\xF0\x9F\x98\x80", "😀"},
      {"\xED\x9F\xBF \xEE\x80\x80 \xEF\xBF\xBF", "\uD7FF \uE000 \uFFFF"},
      {"\xF4\x8F\xBF\xBF", "\U0010FFFF"},
      {"\xEF\xBF\xBD", "\uFFFD"},
      // Overlongs: C0 and C1 are never leads, E0 80.., F0 80.. are not maximal subparts.
      {"\xC0\xAF", "\uFFFD\uFFFD"},
      {"\xC1\xBF", "\uFFFD\uFFFD"},
      {"\xE0\x80\xAF", "\uFFFD\uFFFD\uFFFD"},
      {"\xF0\x80\x80\xAF", "\uFFFD\uFFFD\uFFFD\uFFFD"},
      // Surrogates.
      {"\xED\xA0\x80", "\uFFFD\uFFFD\uFFFD"},
      {"\xED\xBF\xBF", "\uFFFD\uFFFD\uFFFD"},
      // Past U+10FFFF, and leads F5..FF.
      {"\xF4\x90\x80\x80", "\uFFFD\uFFFD\uFFFD\uFFFD"},
      {"\xF5\x80\x80\x80", "\uFFFD\uFFFD\uFFFD\uFFFD"},
      {"\xF8\x88\x80\x80\x80", "\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD"},
      {"\xFE\xFF", "\uFFFD\uFFFD"},
      // Lone continuation bytes.
      {"\x80", "\uFFFD"},
      {"a\x80-\xBF-z", "a\uFFFD-\uFFFD-z"},
      {"\xC3\xA9\xA9", "é\uFFFD"},
      // Truncated sequences: one U+FFFD each, whatever follows.
      {"\xC3", "\uFFFD"},
      {"\xE2\x82", "\uFFFD"},
      {"\xF0\x9F\x98", "\uFFFD"},
      {"a\xE2\x82z", "a\uFFFDz"},
      {"\xF0\x9F\x98\xC3\xA9", "\uFFFDé"},
      {"\xE2\x82\xE2\x82\xAC", "\uFFFD€"},
      // The example of the Unicode Standard, section 3.9 (Table 3-8).
      {"\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64",
       "a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd"},
      // Invalid bytes after a long ASCII run (past the eight-byte fast path).
      {"0123456789abcdef\xFF-0123456789abcdef", "0123456789abcdef\uFFFD-0123456789abcdef"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    const std::string out = MakeValidUtf8(c.in);
    CHECK(out == c.out);
    CHECK(IsValidUtf8(out));
  }
}

// Where the iconv tables disagree with the standard's indexes (the reason the tables are ours).
TEST_CASE("single-byte encodings decode as the WHATWG indexes say", "[charset]") {
  struct Case {
    std::string name;
    std::string bytes;
    std::string utf8;
  };
  const Case cases[] = {
      // KOI8-U: the standard's table has the Belarusian and Ukrainian letters.
      {"KOI8-U", "\xA4\xAE\xBE", "єўЎ"},
      {"koi8-ru", "\xAE", "ў"},
      // windows-1255: Hebrew points glibc lacks.
      {"windows-1255", "\xCA\xD2", "\u05BA\u05C2"},
      // windows-1258: combining marks stay combining (glibc composes "a" + U+0301 into "á").
      {"windows-1258", "a\xEC", "a\u0301"},
      {"windows-1258", "\xD2", "\u0309"},
      // macintosh: 0xDB is the euro sign, not the currency sign.
      {"macintosh", "\xDB\xBD", "€Ω"},
      {"x-mac-cyrillic", "\xA2\xFF", "Ґ€"},
      {"x-mac-ukrainian", "\xA2", "Ґ"},
      // Unassigned in the index: an error, U+FFFD.
      {"windows-874", "\xDB", "\uFFFD"},
      {"ISO-8859-3", "\xA5", "\uFFFD"},
      // The C1 controls the Windows code pages leave unassigned.
      {"windows-1252", "\x81\x8D\x8F\x90\x9D", "\u0081\u008D\u008F\u0090\u009D"},
      // ISO-8859-8-I is ISO-8859-8's index.
      {"ISO-8859-8-I", "\xE0\xFA", "את"},
      // ASCII passes through, NUL included, in runs longer than the eight-byte fast path.
      {"KOI8-R", "0123456789abcdef\0\x7F\xC1"s,
       "0123456789abcdef\0\x7F"
       "а"s},
      {"windows-1251", "", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name, c.bytes);
    CHECK(ToUtf8(c.bytes, Named(c.name)) == c.utf8);
  }
}

TEST_CASE("x-user-defined maps 0x80..0xFF to U+F780..U+F7FF", "[charset]") {
  CHECK(ToUtf8("a\x80\xFF", Named("x-user-defined")) == "a\uF780\uF7FF");
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  const std::string out = ToUtf8(all, Named("x-user-defined"));
  CHECK(IsValidUtf8(out));
  CHECK(out.substr(0, 128) == all.substr(0, 128));
  CHECK(out.size() == 128 + 128 * 3);
  // By header, end to end.
  const std::string body = "<p>\xE9</p>";
  const Encoding encoding = SniffEncoding(body, "text/html; charset=X-User-Defined");
  CHECK(ToUtf8(body, encoding) == "<p>\uF7E9</p>");
}

TEST_CASE("the replacement encoding decodes a page to a single U+FFFD", "[charset]") {
  const std::string labels[] = {"replacement", "csiso2022kr",     "hz-gb-2312",
                                "iso-2022-cn", "iso-2022-cn-ext", "iso-2022-kr"};
  for (const std::string& label : labels) {
    CAPTURE(label);
    const std::string body = "<p>\x1B$)C\x0E!!\x0F <script>x</script></p>";
    const Encoding encoding = SniffEncoding(body, "text/html; charset=" + label);
    CHECK(encoding.name == "replacement");
    CHECK(ToUtf8(body, encoding) == "\uFFFD");
    CHECK(ToUtf8("", encoding).empty());
  }
  // Named by a <meta>, too.
  const std::string meta = "<meta charset=iso-2022-kr><p>hello</p>";
  CHECK(ToUtf8(meta, SniffEncoding(meta, "text/html")) == "\uFFFD");
}

TEST_CASE("UTF-16 decodes as the standard's shared UTF-16 decoder", "[charset]") {
  struct Case {
    std::string name;
    std::string bytes;
    std::string utf8;
  };
  const Case cases[] = {
      {"UTF-16LE", "", ""},
      {"UTF-16LE", "\x3D\xD8\x00\xDE"s, "😀"},
      {"UTF-16BE", "\xD8\x3D\xDE\x00"s, "😀"},
      // A lead surrogate then a lead: the first is an error, the second pairs with its trail.
      {"UTF-16BE", "\xD8\x3D\xD8\x3D\xDE\x00"s, "\uFFFD😀"},
      // A lead then a BMP unit: the unit is read on its own.
      {"UTF-16LE",
       "\x3D\xD8"
       "A\0"s,
       "\uFFFDA"},
      // A trail alone.
      {"UTF-16LE",
       "\x00\xDC"
       "B\0"s,
       "\uFFFDB"},
      // An odd last byte after a lead surrogate: one error, not two.
      {"UTF-16LE", "\x3D\xD8\x41"s, "\uFFFD"},
      {"UTF-16BE", "\0A\0"s, "A\uFFFD"},
      // U+FFFE and U+FFFF are code points like any other; NUL too.
      {"UTF-16BE", "\xFF\xFE\0\0"s, "\uFFFE\0"s},
      // Labels decode too.
      {"utf-16", "h\0i\0"s, "hi"},
      {"unicodefffe", "\0h"s, "h"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name, c.bytes);
    const std::string out = ToUtf8(c.bytes, Named(c.name));
    CHECK(out == c.utf8);
    CHECK(IsValidUtf8(out));
  }
}

// The external-suites folder, as forage_conformance finds it; empty when absent.
std::filesystem::path EncodingData() {
  std::filesystem::path dir;
  if (const char* env = std::getenv("FORAGE_EXTERNAL_SUITES")) dir = env;
  if (dir.empty()) {
    dir = std::filesystem::path(FORAGE_SOURCE_DIR).parent_path() / "shared" / "external-suites";
  }
  dir /= "whatwg-encoding";
  std::error_code error;
  return std::filesystem::is_regular_file(dir / "encodings.json", error) ? dir
                                                                         : std::filesystem::path();
}

std::string ReadWhole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Utf8Of(char32_t c) {
  std::string out;
  AppendUtf8(c, &out);
  return out;
}

// Catch2 2 has no SKIP: without the data this test says so in a warning and checks nothing.
// The CTest `encoding_tables` (scripts/gen-encoding-tables.py --check) compares the checked-in
// file with what the data generates, and is skipped properly.
TEST_CASE("every label and single-byte index of the Encoding Standard's data", "[charset]") {
  const std::filesystem::path data = EncodingData();
  if (data.empty()) {
    WARN("skipped: no whatwg-encoding data (set FORAGE_EXTERNAL_SUITES)");
    return;
  }
  const nlohmann::json doc = nlohmann::json::parse(ReadWhole(data / "encodings.json"));
  int labels = 0;
  int tables = 0;
  for (const nlohmann::json& category : doc) {
    for (const nlohmann::json& encoding : category.at("encodings")) {
      const std::string name = encoding.at("name").get<std::string>();
      for (const nlohmann::json& label : encoding.at("labels")) {
        CAPTURE(label.get<std::string>());
        CHECK(EncodingForLabel(label.get<std::string>()) == name);
        ++labels;
      }
      if (category.at("heading").get<std::string>() != "Legacy single-byte encodings") continue;
      std::string file = name == "ISO-8859-8-I" ? "iso-8859-8" : name;
      for (char& c : file) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const std::string index = ReadWhole(data / ("index-" + file + ".txt"));
      REQUIRE(!index.empty());
      std::vector<std::string> expected(128, "\uFFFD");
      std::istringstream lines(index);
      std::string line;
      while (std::getline(lines, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream fields(line);
        int pointer = -1;
        std::string code_point;
        if (!(fields >> pointer >> code_point)) continue;
        REQUIRE((pointer >= 0 && pointer < 128));
        expected[pointer] = Utf8Of(static_cast<char32_t>(std::stoul(code_point, nullptr, 16)));
      }
      for (int pointer = 0; pointer < 128; ++pointer) {
        CAPTURE(name, pointer);
        CHECK(ToUtf8(std::string(1, static_cast<char>(0x80 + pointer)), Named(name)) ==
              expected[pointer]);
      }
      ++tables;
    }
  }
  CHECK(labels >= 219);
  CHECK(tables == 28);
}

// No clock is read in these: a conversion that went quadratic would not
// finish within CTest's time limit (120 s), a linear one takes milliseconds.
TEST_CASE("a mebibyte of random bytes converts to valid UTF-8", "[charset]") {
  const std::string random = RandomBytes(1 << 20, 42);
  const std::string out = MakeValidUtf8(random);
  CHECK(IsValidUtf8(out));
  CHECK(out.size() >= random.size());

  // Mostly ASCII with the odd bad byte: the common shape of a mislabelled page.
  std::string mostly_ascii(1 << 20, 'x');
  for (std::size_t i = 0; i < mostly_ascii.size(); i += 997) mostly_ascii[i] = '\xE9';
  const std::string out2 = MakeValidUtf8(mostly_ascii);
  CHECK(IsValidUtf8(out2));
}

TEST_CASE("random bytes in any encoding convert to valid UTF-8 in linear time", "[charset]") {
  // 256 KiB: random bytes make an iconv error every other byte or so, each costing a call,
  // which sanitizer builds make slow. A quadratic conversion would still take minutes.
  const std::string random = RandomBytes(1 << 18, 7);
  const char* const names[] = {"windows-1252", "windows-1253", "Shift_JIS",      "EUC-JP",
                               "ISO-2022-JP",  "GBK",          "Big5",           "EUC-KR",
                               "UTF-16LE",     "UTF-16BE",     "UTF-8",          "KOI8-U",
                               "windows-1258", "macintosh",    "x-user-defined", "replacement"};
  for (const char* name : names) {
    CAPTURE(name);
    const std::string out = ToUtf8(random, Named(name));
    CHECK(IsValidUtf8(out));
    CHECK(!out.empty());
  }
}

}  // namespace
}  // namespace forage
