#include "parse/charset.h"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <utility>
#include <vector>

#include "core/utf8.h"

namespace forage {
namespace {

// ---------------------------------------------------------------------------------------------
// Labels

struct LabelEntry {
  std::string_view label;  // lower case, as in the Encoding Standard's table
  std::string_view name;   // canonical name
};

// The Encoding Standard's label table (https://encoding.spec.whatwg.org/#names-and-labels).
// About 230 entries; a label lookup happens a few times per page, so a linear scan is plenty.
constexpr LabelEntry kLabels[] = {
    // UTF-8
    {"unicode-1-1-utf-8", "UTF-8"},
    {"unicode11utf8", "UTF-8"},
    {"unicode20utf8", "UTF-8"},
    {"utf-8", "UTF-8"},
    {"utf8", "UTF-8"},
    {"x-unicode20utf8", "UTF-8"},
    // Legacy single-byte encodings
    {"866", "IBM866"},
    {"cp866", "IBM866"},
    {"csibm866", "IBM866"},
    {"ibm866", "IBM866"},
    {"csisolatin2", "ISO-8859-2"},
    {"iso-8859-2", "ISO-8859-2"},
    {"iso-ir-101", "ISO-8859-2"},
    {"iso8859-2", "ISO-8859-2"},
    {"iso88592", "ISO-8859-2"},
    {"iso_8859-2", "ISO-8859-2"},
    {"iso_8859-2:1987", "ISO-8859-2"},
    {"l2", "ISO-8859-2"},
    {"latin2", "ISO-8859-2"},
    {"csisolatin3", "ISO-8859-3"},
    {"iso-8859-3", "ISO-8859-3"},
    {"iso-ir-109", "ISO-8859-3"},
    {"iso8859-3", "ISO-8859-3"},
    {"iso88593", "ISO-8859-3"},
    {"iso_8859-3", "ISO-8859-3"},
    {"iso_8859-3:1988", "ISO-8859-3"},
    {"l3", "ISO-8859-3"},
    {"latin3", "ISO-8859-3"},
    {"csisolatin4", "ISO-8859-4"},
    {"iso-8859-4", "ISO-8859-4"},
    {"iso-ir-110", "ISO-8859-4"},
    {"iso8859-4", "ISO-8859-4"},
    {"iso88594", "ISO-8859-4"},
    {"iso_8859-4", "ISO-8859-4"},
    {"iso_8859-4:1988", "ISO-8859-4"},
    {"l4", "ISO-8859-4"},
    {"latin4", "ISO-8859-4"},
    {"csisolatincyrillic", "ISO-8859-5"},
    {"cyrillic", "ISO-8859-5"},
    {"iso-8859-5", "ISO-8859-5"},
    {"iso-ir-144", "ISO-8859-5"},
    {"iso8859-5", "ISO-8859-5"},
    {"iso88595", "ISO-8859-5"},
    {"iso_8859-5", "ISO-8859-5"},
    {"iso_8859-5:1988", "ISO-8859-5"},
    {"arabic", "ISO-8859-6"},
    {"asmo-708", "ISO-8859-6"},
    {"csiso88596e", "ISO-8859-6"},
    {"csiso88596i", "ISO-8859-6"},
    {"csisolatinarabic", "ISO-8859-6"},
    {"ecma-114", "ISO-8859-6"},
    {"iso-8859-6", "ISO-8859-6"},
    {"iso-8859-6-e", "ISO-8859-6"},
    {"iso-8859-6-i", "ISO-8859-6"},
    {"iso-ir-127", "ISO-8859-6"},
    {"iso8859-6", "ISO-8859-6"},
    {"iso88596", "ISO-8859-6"},
    {"iso_8859-6", "ISO-8859-6"},
    {"iso_8859-6:1987", "ISO-8859-6"},
    {"csisolatingreek", "ISO-8859-7"},
    {"ecma-118", "ISO-8859-7"},
    {"elot_928", "ISO-8859-7"},
    {"greek", "ISO-8859-7"},
    {"greek8", "ISO-8859-7"},
    {"iso-8859-7", "ISO-8859-7"},
    {"iso-ir-126", "ISO-8859-7"},
    {"iso8859-7", "ISO-8859-7"},
    {"iso88597", "ISO-8859-7"},
    {"iso_8859-7", "ISO-8859-7"},
    {"iso_8859-7:1987", "ISO-8859-7"},
    {"sun_eu_greek", "ISO-8859-7"},
    {"csiso88598e", "ISO-8859-8"},
    {"csisolatinhebrew", "ISO-8859-8"},
    {"hebrew", "ISO-8859-8"},
    {"iso-8859-8", "ISO-8859-8"},
    {"iso-8859-8-e", "ISO-8859-8"},
    {"iso-ir-138", "ISO-8859-8"},
    {"iso8859-8", "ISO-8859-8"},
    {"iso88598", "ISO-8859-8"},
    {"iso_8859-8", "ISO-8859-8"},
    {"iso_8859-8:1988", "ISO-8859-8"},
    {"visual", "ISO-8859-8"},
    {"csiso88598i", "ISO-8859-8-I"},
    {"iso-8859-8-i", "ISO-8859-8-I"},
    {"logical", "ISO-8859-8-I"},
    {"csisolatin6", "ISO-8859-10"},
    {"iso-8859-10", "ISO-8859-10"},
    {"iso-ir-157", "ISO-8859-10"},
    {"iso8859-10", "ISO-8859-10"},
    {"iso885910", "ISO-8859-10"},
    {"l6", "ISO-8859-10"},
    {"latin6", "ISO-8859-10"},
    {"iso-8859-13", "ISO-8859-13"},
    {"iso8859-13", "ISO-8859-13"},
    {"iso885913", "ISO-8859-13"},
    {"iso-8859-14", "ISO-8859-14"},
    {"iso8859-14", "ISO-8859-14"},
    {"iso885914", "ISO-8859-14"},
    {"csisolatin9", "ISO-8859-15"},
    {"iso-8859-15", "ISO-8859-15"},
    {"iso8859-15", "ISO-8859-15"},
    {"iso885915", "ISO-8859-15"},
    {"iso_8859-15", "ISO-8859-15"},
    {"l9", "ISO-8859-15"},
    {"iso-8859-16", "ISO-8859-16"},
    {"cskoi8r", "KOI8-R"},
    {"koi", "KOI8-R"},
    {"koi8", "KOI8-R"},
    {"koi8-r", "KOI8-R"},
    {"koi8_r", "KOI8-R"},
    {"koi8-ru", "KOI8-U"},
    {"koi8-u", "KOI8-U"},
    {"csmacintosh", "macintosh"},
    {"mac", "macintosh"},
    {"macintosh", "macintosh"},
    {"x-mac-roman", "macintosh"},
    {"dos-874", "windows-874"},
    {"iso-8859-11", "windows-874"},
    {"iso8859-11", "windows-874"},
    {"iso885911", "windows-874"},
    {"tis-620", "windows-874"},
    {"windows-874", "windows-874"},
    {"cp1250", "windows-1250"},
    {"windows-1250", "windows-1250"},
    {"x-cp1250", "windows-1250"},
    {"cp1251", "windows-1251"},
    {"windows-1251", "windows-1251"},
    {"x-cp1251", "windows-1251"},
    // Browsers decode ISO-8859-1 and US-ASCII as windows-1252: pages so labelled routinely
    // contain 0x80..0x9F bytes meaning curly quotes, dashes and the euro sign.
    {"ansi_x3.4-1968", "windows-1252"},
    {"ascii", "windows-1252"},
    {"cp1252", "windows-1252"},
    {"cp819", "windows-1252"},
    {"csisolatin1", "windows-1252"},
    {"ibm819", "windows-1252"},
    {"iso-8859-1", "windows-1252"},
    {"iso-ir-100", "windows-1252"},
    {"iso8859-1", "windows-1252"},
    {"iso88591", "windows-1252"},
    {"iso_8859-1", "windows-1252"},
    {"iso_8859-1:1987", "windows-1252"},
    {"l1", "windows-1252"},
    {"latin1", "windows-1252"},
    {"us-ascii", "windows-1252"},
    {"windows-1252", "windows-1252"},
    {"x-cp1252", "windows-1252"},
    {"cp1253", "windows-1253"},
    {"windows-1253", "windows-1253"},
    {"x-cp1253", "windows-1253"},
    // Likewise ISO-8859-9 is decoded as its Windows superset.
    {"cp1254", "windows-1254"},
    {"csisolatin5", "windows-1254"},
    {"iso-8859-9", "windows-1254"},
    {"iso-ir-148", "windows-1254"},
    {"iso8859-9", "windows-1254"},
    {"iso88599", "windows-1254"},
    {"iso_8859-9", "windows-1254"},
    {"iso_8859-9:1989", "windows-1254"},
    {"l5", "windows-1254"},
    {"latin5", "windows-1254"},
    {"windows-1254", "windows-1254"},
    {"x-cp1254", "windows-1254"},
    {"cp1255", "windows-1255"},
    {"windows-1255", "windows-1255"},
    {"x-cp1255", "windows-1255"},
    {"cp1256", "windows-1256"},
    {"windows-1256", "windows-1256"},
    {"x-cp1256", "windows-1256"},
    {"cp1257", "windows-1257"},
    {"windows-1257", "windows-1257"},
    {"x-cp1257", "windows-1257"},
    {"cp1258", "windows-1258"},
    {"windows-1258", "windows-1258"},
    {"x-cp1258", "windows-1258"},
    {"x-mac-cyrillic", "x-mac-cyrillic"},
    {"x-mac-ukrainian", "x-mac-cyrillic"},
    // Legacy multi-byte Chinese (simplified)
    {"chinese", "GBK"},
    {"csgb2312", "GBK"},
    {"csiso58gb231280", "GBK"},
    {"gb2312", "GBK"},
    {"gb_2312", "GBK"},
    {"gb_2312-80", "GBK"},
    {"gbk", "GBK"},
    {"iso-ir-58", "GBK"},
    {"x-gbk", "GBK"},
    {"gb18030", "gb18030"},
    // Legacy multi-byte Chinese (traditional)
    {"big5", "Big5"},
    {"big5-hkscs", "Big5"},
    {"cn-big5", "Big5"},
    {"csbig5", "Big5"},
    {"x-x-big5", "Big5"},
    // Legacy multi-byte Japanese
    {"cseucpkdfmtjapanese", "EUC-JP"},
    {"euc-jp", "EUC-JP"},
    {"x-euc-jp", "EUC-JP"},
    {"csiso2022jp", "ISO-2022-JP"},
    {"iso-2022-jp", "ISO-2022-JP"},
    {"csshiftjis", "Shift_JIS"},
    {"ms932", "Shift_JIS"},
    {"ms_kanji", "Shift_JIS"},
    {"shift-jis", "Shift_JIS"},
    {"shift_jis", "Shift_JIS"},
    {"sjis", "Shift_JIS"},
    {"windows-31j", "Shift_JIS"},
    {"x-sjis", "Shift_JIS"},
    // Legacy multi-byte Korean
    {"cseuckr", "EUC-KR"},
    {"csksc56011987", "EUC-KR"},
    {"euc-kr", "EUC-KR"},
    {"iso-ir-149", "EUC-KR"},
    {"korean", "EUC-KR"},
    {"ks_c_5601-1987", "EUC-KR"},
    {"ks_c_5601-1989", "EUC-KR"},
    {"ksc5601", "EUC-KR"},
    {"ksc_5601", "EUC-KR"},
    {"windows-949", "EUC-KR"},
    // UTF-16
    {"unicodefffe", "UTF-16BE"},
    {"utf-16be", "UTF-16BE"},
    {"csunicode", "UTF-16LE"},
    {"iso-10646-ucs-2", "UTF-16LE"},
    {"ucs-2", "UTF-16LE"},
    {"unicode", "UTF-16LE"},
    {"unicodefeff", "UTF-16LE"},
    {"utf-16", "UTF-16LE"},
    {"utf-16le", "UTF-16LE"},
    // The replacement encoding: labels of encodings (ISO-2022-KR, HZ, ...) whose decoders let
    // escape sequences hide markup from filters that read the bytes as ASCII. The standard
    // decodes any page so labelled to a single U+FFFD rather than guess.
    {"csiso2022kr", "replacement"},
    {"hz-gb-2312", "replacement"},
    {"iso-2022-cn", "replacement"},
    {"iso-2022-cn-ext", "replacement"},
    {"iso-2022-kr", "replacement"},
    {"replacement", "replacement"},
    // Bytes 0x80..0xFF to the private-use code points U+F780..U+F7FF. A <meta> naming it means
    // windows-1252 (HTML's prescan); only the Content-Type header can choose it.
    {"x-user-defined", "x-user-defined"},
};

// No label in the table is longer than this; longer input is rejected without copying it.
constexpr std::size_t kMaxLabelBytes = 32;

bool IsAsciiWhitespace(char c) {
  return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsAsciiAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

std::string_view TrimAsciiWhitespace(std::string_view s) {
  while (!s.empty() && IsAsciiWhitespace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiWhitespace(s.back())) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// Position of the first ASCII-case-insensitive occurrence of `needle` (lower case) in `hay` at
// or after `from`, or npos.
std::size_t FindIgnoreAsciiCase(std::string_view hay, std::string_view needle, std::size_t from) {
  if (needle.size() > hay.size()) return std::string_view::npos;
  for (std::size_t i = from; i + needle.size() <= hay.size(); ++i) {
    std::size_t j = 0;
    while (j < needle.size() && AsciiLower(hay[i + j]) == needle[j]) ++j;
    if (j == needle.size()) return i;
  }
  return std::string_view::npos;
}

bool IsUtf16(std::string_view name) { return name == "UTF-16LE" || name == "UTF-16BE"; }

// ---------------------------------------------------------------------------------------------
// Content-Type header

// Returns the value of the first `charset` parameter of a MIME type, unquoting a quoted-string
// (RFC 9110 section 5.6.4, backslash escapes included). Parameter names are case-insensitive.
std::optional<std::string> CharsetParameter(std::string_view content_type) {
  std::size_t pos = content_type.find(';');
  if (pos == std::string_view::npos) return std::nullopt;
  const std::size_t end = content_type.size();
  while (pos < end) {
    ++pos;  // past ';'
    while (pos < end && IsAsciiWhitespace(content_type[pos])) ++pos;
    const std::size_t name_start = pos;
    while (pos < end && content_type[pos] != ';' && content_type[pos] != '=') ++pos;
    const std::string_view name =
        TrimAsciiWhitespace(content_type.substr(name_start, pos - name_start));
    if (pos >= end || content_type[pos] == ';') continue;  // a parameter without a value
    ++pos;                                                 // past '='
    std::string value;
    if (pos < end && content_type[pos] == '"') {
      ++pos;
      while (pos < end && content_type[pos] != '"') {
        if (content_type[pos] == '\\' && pos + 1 < end) ++pos;
        value.push_back(content_type[pos++]);
      }
      while (pos < end && content_type[pos] != ';') ++pos;  // past the closing quote and junk
    } else {
      const std::size_t value_start = pos;
      while (pos < end && content_type[pos] != ';') ++pos;
      value = TrimAsciiWhitespace(content_type.substr(value_start, pos - value_start));
    }
    // The first charset parameter counts, as in the WHATWG MIME type parser.
    if (EqualsIgnoreAsciiCase(name, "charset")) return value;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// <meta> prescan (https://html.spec.whatwg.org/#prescan-a-byte-stream-to-determine-its-encoding)

constexpr std::size_t kPrescanBytes = 1024;

// The "algorithm for extracting a character encoding from a meta element": the charset named
// in a Content-Type value such as "text/html; charset=utf-8".
std::optional<std::string_view> CharsetFromMetaContent(std::string_view content) {
  std::size_t pos = 0;
  for (;;) {
    const std::size_t found = FindIgnoreAsciiCase(content, "charset", pos);
    if (found == std::string_view::npos) return std::nullopt;
    pos = found + 7;
    while (pos < content.size() && IsAsciiWhitespace(content[pos])) ++pos;
    if (pos < content.size() && content[pos] == '=') break;
    // "charset" not followed by '=': look for the next occurrence after it.
  }
  ++pos;
  while (pos < content.size() && IsAsciiWhitespace(content[pos])) ++pos;
  if (pos >= content.size()) return std::nullopt;
  const char c = content[pos];
  if (c == '"' || c == '\'') {
    const std::size_t close = content.find(c, pos + 1);
    if (close == std::string_view::npos) return std::nullopt;
    return content.substr(pos + 1, close - pos - 1);
  }
  std::size_t end = pos;
  while (end < content.size() && !IsAsciiWhitespace(content[end]) && content[end] != ';') ++end;
  return content.substr(pos, end - pos);
}

struct Attribute {
  std::string name;   // lower-cased
  std::string value;  // lower-cased
};

// Scans the start of a body the way the HTML standard's prescan does, so that "<meta" inside a
// comment or inside another tag's attribute value is not mistaken for a real <meta>.
class Prescanner {
 public:
  explicit Prescanner(std::string_view data) : data_(data) {}

  // The encoding a <meta> declares, or nullopt.
  std::optional<std::string> Run() {
    while (pos_ < data_.size()) {
      if (StartsWith("<!--")) {
        // The comment ends at the first "-->" whose '>' comes after the '<', so "<!-->" is a
        // whole (empty) comment, as in the standard.
        const std::size_t close = data_.find("-->", pos_ + 2);
        if (close == std::string_view::npos) return std::nullopt;
        pos_ = close + 3;
        continue;
      }
      if (StartsWithIgnoreCase("<meta") && pos_ + 5 < data_.size() &&
          (IsAsciiWhitespace(data_[pos_ + 5]) || data_[pos_ + 5] == '/')) {
        pos_ += 6;
        std::optional<std::string> encoding;
        if (!ScanMeta(&encoding)) return std::nullopt;  // ran out of bytes
        if (encoding) return encoding;
      } else if (pos_ + 1 < data_.size() && data_[pos_] == '<' &&
                 (IsAsciiAlpha(data_[pos_ + 1]) ||
                  (data_[pos_ + 1] == '/' && pos_ + 2 < data_.size() &&
                   IsAsciiAlpha(data_[pos_ + 2])))) {
        // Any other start or end tag: skip its name, then its attributes (whose values may
        // contain '<' and '>').
        while (pos_ < data_.size() && !IsAsciiWhitespace(data_[pos_]) && data_[pos_] != '>') {
          ++pos_;
        }
        Attribute attribute;
        bool out_of_bytes = false;
        while (GetAttribute(&attribute, &out_of_bytes)) {
        }
        if (out_of_bytes) return std::nullopt;
      } else if (StartsWith("<!") || StartsWith("</") || StartsWith("<?")) {
        const std::size_t close = data_.find('>', pos_ + 2);
        if (close == std::string_view::npos) return std::nullopt;
        pos_ = close;
      }
      ++pos_;  // "next byte"
    }
    return std::nullopt;
  }

 private:
  bool StartsWith(std::string_view prefix) const {
    return data_.substr(pos_, prefix.size()) == prefix;
  }

  bool StartsWithIgnoreCase(std::string_view prefix) const {
    return EqualsIgnoreAsciiCase(data_.substr(pos_, prefix.size()), prefix);
  }

  // Reads the attributes of a <meta> whose name has been consumed. Returns false if the data
  // ended inside the tag. Sets *encoding when the tag declares a known encoding.
  bool ScanMeta(std::optional<std::string>* encoding) {
    std::vector<std::string> seen_names;  // a tag has few attributes: a linear search will do
    bool got_pragma = false;
    std::optional<bool> need_pragma;
    bool charset_decided = false;        // a charset attribute or content's charset was seen
    std::optional<std::string> charset;  // nullopt here with charset_decided means "failure"
    Attribute attribute;
    bool out_of_bytes = false;
    while (GetAttribute(&attribute, &out_of_bytes)) {
      if (std::find(seen_names.begin(), seen_names.end(), attribute.name) != seen_names.end()) {
        continue;  // a repeated attribute is ignored
      }
      seen_names.push_back(attribute.name);
      if (attribute.name == "http-equiv") {
        if (attribute.value == "content-type") got_pragma = true;
      } else if (attribute.name == "content") {
        if (!charset_decided) {
          if (auto label = CharsetFromMetaContent(attribute.value)) {
            if (auto found = EncodingForLabel(*label)) {
              charset = std::move(found);
              charset_decided = true;
              need_pragma = true;
            }
          }
        }
      } else if (attribute.name == "charset") {
        if (!charset_decided) {
          charset = EncodingForLabel(attribute.value);
          charset_decided = true;
          need_pragma = false;
        }
      }
    }
    if (out_of_bytes) return false;
    if (!need_pragma) return true;
    if (*need_pragma && !got_pragma) return true;
    if (!charset) return true;
    // A document whose bytes can be scanned for ASCII "<meta" is not UTF-16; and a page may
    // not pick x-user-defined for itself (HTML's prescan).
    if (IsUtf16(*charset)) *charset = "UTF-8";
    if (*charset == "x-user-defined") *charset = "windows-1252";
    *encoding = std::move(charset);
    return true;
  }

  // The standard's "get an attribute". Returns false when there is no further attribute, with
  // *out_of_bytes set if that is because the data ended.
  bool GetAttribute(Attribute* attribute, bool* out_of_bytes) {
    attribute->name.clear();
    attribute->value.clear();
    const std::size_t n = data_.size();
    while (pos_ < n && (IsAsciiWhitespace(data_[pos_]) || data_[pos_] == '/')) ++pos_;
    if (pos_ >= n) return OutOfBytes(out_of_bytes);
    if (data_[pos_] == '>') return false;
    // The name.
    for (;;) {
      if (pos_ >= n) return OutOfBytes(out_of_bytes);
      const char c = data_[pos_];
      if (c == '=' && !attribute->name.empty()) {
        ++pos_;
        break;
      }
      if (IsAsciiWhitespace(c)) {
        while (pos_ < n && IsAsciiWhitespace(data_[pos_])) ++pos_;
        if (pos_ >= n) return OutOfBytes(out_of_bytes);
        if (data_[pos_] != '=') return true;  // a name without a value
        ++pos_;
        break;
      }
      if (c == '/' || c == '>') return true;
      attribute->name.push_back(AsciiLower(c));
      ++pos_;
    }
    // The value.
    while (pos_ < n && IsAsciiWhitespace(data_[pos_])) ++pos_;
    if (pos_ >= n) return OutOfBytes(out_of_bytes);
    const char first = data_[pos_];
    if (first == '"' || first == '\'') {
      ++pos_;
      for (;;) {
        if (pos_ >= n) return OutOfBytes(out_of_bytes);
        if (data_[pos_] == first) {
          ++pos_;
          return true;
        }
        attribute->value.push_back(AsciiLower(data_[pos_++]));
      }
    }
    if (first == '>') return true;
    for (;;) {
      if (pos_ >= n) return OutOfBytes(out_of_bytes);
      const char c = data_[pos_];
      if (IsAsciiWhitespace(c) || c == '>') return true;
      attribute->value.push_back(AsciiLower(c));
      ++pos_;
    }
  }

  bool OutOfBytes(bool* out_of_bytes) {
    *out_of_bytes = true;
    pos_ = data_.size();
    return false;
  }

  std::string_view data_;
  std::size_t pos_ = 0;
};

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

// ---------------------------------------------------------------------------------------------
// Decoding

// --- Single-byte encodings: a table lookup per byte.

struct SingleByteTable {
  std::string_view name;  // canonical name
  char16_t high[128];     // code point of byte 0x80 + i; 0xFFFD for an error
};

// kSingleByteTables: every single-byte encoding of the standard, generated from its indexes.
#include "parse/single_byte_tables.inc"

// x-user-defined is not an index but a rule: byte 0x80 + i is U+F780 + i.
constexpr SingleByteTable MakeXUserDefined() {
  SingleByteTable table{"x-user-defined", {}};
  for (int i = 0; i < 128; ++i) table.high[i] = static_cast<char16_t>(0xF780 + i);
  return table;
}
constexpr SingleByteTable kXUserDefined = MakeXUserDefined();

// A table's bytes 0x80..0xFF already in UTF-8, so that decoding copies instead of encoding.
struct Utf8Table {
  std::array<std::uint8_t, 128> size{};  // 2 or 3: the table is BMP only
  std::array<std::array<char, 3>, 128> bytes{};
};

constexpr Utf8Table MakeUtf8Table(const SingleByteTable& table) {
  Utf8Table utf8;
  for (int i = 0; i < 128; ++i) {
    char encoded[4] = {};
    utf8.size[i] = static_cast<std::uint8_t>(EncodeUtf8(table.high[i], encoded));
    utf8.bytes[i] = {encoded[0], encoded[1], encoded[2]};
  }
  return utf8;
}

constexpr std::size_t kSingleByteCount = std::size(kSingleByteTables);

// Index kSingleByteCount is x-user-defined.
constexpr std::array<Utf8Table, kSingleByteCount + 1> kUtf8Tables = [] {
  std::array<Utf8Table, kSingleByteCount + 1> tables{};
  for (std::size_t i = 0; i < kSingleByteCount; ++i)
    tables[i] = MakeUtf8Table(kSingleByteTables[i]);
  tables[kSingleByteCount] = MakeUtf8Table(kXUserDefined);
  return tables;
}();

// Whether the eight bytes at p are all ASCII.
bool AllAscii8(const unsigned char* p) {
  std::uint64_t word;
  std::memcpy(&word, p, 8);
  return (word & 0x8080808080808080ULL) == 0;
}

// Two passes: the first measures the output, so the second writes into a string allocated once
// at its final size.
std::string DecodeSingleByte(std::string_view input, const Utf8Table& table) {
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  const std::size_t n = input.size();
  std::size_t size = n;
  for (std::size_t i = 0; i < n;) {
    if (i + 8 <= n && AllAscii8(in + i)) {
      i += 8;
      continue;
    }
    if (in[i] >= 0x80) size += table.size[in[i] - 0x80] - 1;
    ++i;
  }
  std::string out(size, '\0');
  char* p = out.data();
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char byte = in[i];
    if (byte < 0x80) {
      *p++ = static_cast<char>(byte);
    } else {
      const std::size_t k = byte - 0x80;
      std::memcpy(p, table.bytes[k].data(), table.size[k]);
      p += table.size[k];
    }
  }
  return out;
}

// The Utf8Table of single-byte encoding `name` (canonical), or nullptr.
const Utf8Table* FindSingleByte(std::string_view name) {
  for (std::size_t i = 0; i < kSingleByteCount; ++i) {
    if (kSingleByteTables[i].name == name) return &kUtf8Tables[i];
  }
  if (name == kXUserDefined.name) return &kUtf8Tables[kSingleByteCount];
  return nullptr;
}

// --- UTF-16LE and UTF-16BE, the standard's shared UTF-16 decoder.

std::string DecodeUtf16(std::string_view input, bool big_endian) {
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  const std::size_t n = input.size();
  std::string out;
  // Each two-byte unit yields at most three bytes (a surrogate pair four for four bytes), and an
  // odd last byte one U+FFFD: reserving this, appending never reallocates.
  out.reserve(n / 2 * 3 + 3);
  std::optional<char16_t> lead_surrogate;
  std::size_t i = 0;
  while (i + 1 < n) {
    const char16_t unit = big_endian ? static_cast<char16_t>(in[i] << 8 | in[i + 1])
                                     : static_cast<char16_t>(in[i + 1] << 8 | in[i]);
    i += 2;
    if (lead_surrogate) {
      const char16_t lead = *lead_surrogate;
      lead_surrogate.reset();
      if (unit >= 0xDC00 && unit <= 0xDFFF) {
        AppendUtf8(0x10000 + ((lead - 0xD800) << 10) + (unit - 0xDC00), &out);
        continue;
      }
      // An unpaired lead surrogate; the unit after it is read again on its own.
      out.append(kReplacement);
      i -= 2;
      continue;
    }
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      lead_surrogate = unit;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      out.append(kReplacement);  // a trail surrogate without a lead
    } else {
      AppendUtf8(unit, &out);
    }
  }
  // The end of input inside a unit or after a lead surrogate is one error, not two.
  if (lead_surrogate || i < n) out.append(kReplacement);
  return out;
}

// --- Multi-byte CJK encodings: glibc's iconv.

// Bytes that glibc rejects but the Encoding Standard decodes.
enum class Quirk {
  kNone,
  // GBK and gb18030: a lone 0x80 is the euro sign, which glibc rejects.
  kLone80IsEuro,
  // Shift_JIS: a lone 0x80 is U+0080, which glibc's WINDOWS-31J rejects.
  kLone80IsC1,
};

struct Decoder {
  std::string_view name;             // canonical WHATWG name
  std::array<const char*, 3> iconv;  // glibc names to try in order; nullptr ends the list
  Quirk quirk;
};

// How each multi-byte encoding is decoded with glibc. Where glibc has several converters for a
// name, the one closest to what browsers decode comes first; the others are fallbacks for other
// iconvs.
constexpr Decoder kDecoders[] = {
    // The standard decodes GBK with the gb18030 decoder (a superset): pages labelled gb2312
    // routinely use GBK and GB18030 characters.
    {"GBK", {"GB18030", "GBK", nullptr}, Quirk::kLone80IsEuro},
    {"gb18030", {"GB18030", nullptr, nullptr}, Quirk::kLone80IsEuro},
    // The standard's Big5 includes the HKSCS extensions.
    {"Big5", {"BIG5-HKSCS", "BIG5", nullptr}, Quirk::kNone},
    // EUC-JP-MS has the NEC and IBM extensions (circled digits, ...) that the standard's
    // jis0208 index includes and glibc's plain EUC-JP rejects.
    {"EUC-JP", {"EUC-JP-MS", "EUC-JP", nullptr}, Quirk::kNone},
    {"ISO-2022-JP", {"ISO-2022-JP", nullptr, nullptr}, Quirk::kNone},
    // Not glibc's SHIFT_JIS: it decodes 0x5C as U+00A5 YEN SIGN and 0x7E as U+203E OVERLINE
    // (JIS X 0201 Roman), which would corrupt every backslash and tilde, URLs included, and it
    // lacks the Microsoft extensions that real pages use. Browsers decode Windows-31J.
    {"Shift_JIS", {"WINDOWS-31J", "CP932", "SHIFT_JIS"}, Quirk::kLone80IsC1},
    // The standard's EUC-KR is Microsoft's superset, code page 949 (Unified Hangul Code).
    {"EUC-KR", {"CP949", "UHC", "EUC-KR"}, Quirk::kNone},
};

const Decoder* FindDecoder(std::string_view name) {
  for (const Decoder& decoder : kDecoders) {
    if (decoder.name == name) return &decoder;
  }
  return nullptr;
}

// Owns an iconv conversion descriptor to UTF-8.
class IconvToUtf8 {
 public:
  explicit IconvToUtf8(const char* from) : cd_(iconv_open("UTF-8", from)) {}
  IconvToUtf8(const IconvToUtf8&) = delete;
  IconvToUtf8& operator=(const IconvToUtf8&) = delete;
  ~IconvToUtf8() {
    if (ok()) iconv_close(cd_);
  }

  bool ok() const { return cd_ != kInvalid; }
  iconv_t get() const { return cd_; }

 private:
  static inline const iconv_t kInvalid = reinterpret_cast<iconv_t>(static_cast<std::intptr_t>(-1));
  iconv_t cd_;
};

// The code point the standard gives a byte that glibc rejected, or nullopt for U+FFFD.
std::optional<char32_t> QuirkCodePoint(Quirk quirk, unsigned char byte) {
  switch (quirk) {
    case Quirk::kLone80IsEuro:
      if (byte == 0x80) return 0x20AC;
      break;
    case Quirk::kLone80IsC1:
      if (byte == 0x80) return 0x80;
      break;
    case Quirk::kNone:
      break;
  }
  return std::nullopt;
}

// Converts with an open descriptor. Grows the output geometrically, so the time is linear.
std::string DecodeWithIconv(std::string_view input, iconv_t cd, Quirk quirk) {
  std::string out;
  out.resize(input.size() + input.size() / 2 + 16);
  std::size_t used = 0;
  // glibc's iconv takes char** for input it never writes; the const_cast is safe.
  char* in_ptr = const_cast<char*>(input.data());
  std::size_t in_left = input.size();
  // Appends replacement text at `used`, keeping room for it.
  auto append = [&](std::string_view text) {
    if (out.size() - used < text.size()) out.resize(out.size() * 2 + text.size());
    std::memcpy(out.data() + used, text.data(), text.size());
    used += text.size();
  };
  bool flushing = false;  // all input consumed: now emitting any final shift sequence
  for (;;) {
    char* out_ptr = out.data() + used;
    std::size_t out_left = out.size() - used;
    const std::size_t result = flushing ? iconv(cd, nullptr, nullptr, &out_ptr, &out_left)
                                        : iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
    used = static_cast<std::size_t>(out_ptr - out.data());
    if (result != static_cast<std::size_t>(-1)) {
      if (flushing) break;
      flushing = true;
      continue;
    }
    const int error = errno;
    if (error == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    if (flushing) break;  // cannot happen for a conversion to UTF-8; don't loop on it
    if (error == EINVAL) {
      // A sequence truncated by the end of input: one U+FFFD for the whole tail.
      append(kReplacement);
      in_left = 0;
      flushing = true;
      continue;
    }
    // EILSEQ (or anything unexpected): replace and skip the offending byte, then go on.
    if (in_left == 0) {
      flushing = true;
      continue;
    }
    const auto byte = static_cast<unsigned char>(*in_ptr);
    if (const auto code_point = QuirkCodePoint(quirk, byte)) {
      std::string encoded;
      AppendUtf8(*code_point, &encoded);
      append(encoded);
    } else {
      append(kReplacement);
    }
    ++in_ptr;
    --in_left;
  }
  out.resize(used);
  return out;
}

// The canonical name of `name`, which may be a canonical name or any label; nullopt if neither.
std::optional<std::string> CanonicalName(std::string_view name) {
  for (const LabelEntry& entry : kLabels) {
    if (entry.name == name) return std::string(entry.name);
  }
  return EncodingForLabel(name);
}

}  // namespace

std::optional<std::string> EncodingForLabel(std::string_view label) {
  label = TrimAsciiWhitespace(label);
  if (label.empty() || label.size() > kMaxLabelBytes) return std::nullopt;
  for (const LabelEntry& entry : kLabels) {
    if (EqualsIgnoreAsciiCase(entry.label, label)) return std::string(entry.name);
  }
  return std::nullopt;
}

Encoding SniffEncoding(std::string_view body, std::string_view content_type) {
  Encoding encoding;
  if (body.substr(0, 3) == "\xEF\xBB\xBF") {
    encoding.name = "UTF-8";
    encoding.bom_bytes = 3;
    encoding.source = Encoding::Source::kBom;
    return encoding;
  }
  if (body.substr(0, 2) == "\xFE\xFF" || body.substr(0, 2) == "\xFF\xFE") {
    encoding.name = body[0] == '\xFE' ? "UTF-16BE" : "UTF-16LE";
    encoding.bom_bytes = 2;
    encoding.source = Encoding::Source::kBom;
    return encoding;
  }
  if (auto label = CharsetParameter(content_type)) {
    if (auto name = EncodingForLabel(*label)) {
      encoding.name = std::move(*name);
      encoding.source = Encoding::Source::kContentType;
      return encoding;
    }
  }
  if (auto name = Prescanner(body.substr(0, kPrescanBytes)).Run()) {
    encoding.name = std::move(*name);
    encoding.source = Encoding::Source::kMeta;
    return encoding;
  }
  encoding.name = "windows-1252";
  encoding.source = Encoding::Source::kDefault;
  return encoding;
}

std::string ToUtf8(std::string_view body, const Encoding& encoding) {
  body.remove_prefix(std::min(encoding.bom_bytes, body.size()));
  // Unknown names decode as windows-1252, the default of the sniffing algorithm.
  const std::string name = CanonicalName(encoding.name).value_or("windows-1252");
  if (name == "UTF-8") return MakeValidUtf8(body);
  if (const Utf8Table* table = FindSingleByte(name)) return DecodeSingleByte(body, *table);
  if (name == "replacement") return body.empty() ? std::string() : std::string(kReplacement);
  if (name == "UTF-16LE" || name == "UTF-16BE") return DecodeUtf16(body, name == "UTF-16BE");
  if (const Decoder* decoder = FindDecoder(name)) {
    for (const char* iconv_name : decoder->iconv) {
      if (iconv_name == nullptr) break;
      IconvToUtf8 converter(iconv_name);
      if (!converter.ok()) continue;
      std::string out = DecodeWithIconv(body, converter.get(), decoder->quirk);
      // iconv's UTF-8 output is valid; checking costs little and makes the promise hold.
      if (FirstInvalidUtf8(out) != out.size()) out = MakeValidUtf8(out);
      return out;
    }
  }
  // An iconv without the converter: windows-1252 is wrong for the page but never fails.
  return DecodeSingleByte(body, *FindSingleByte("windows-1252"));
}

}  // namespace forage
