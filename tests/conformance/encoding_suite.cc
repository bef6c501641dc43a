// The WHATWG Encoding Standard (encodings.json and its single-byte indexes),
// as pages: every label of every encoding declared once by the Content-Type
// header and once by <meta charset>, decoded by ExtractHtml exactly as a
// fetcher decodes what it fetched. What a page decodes to is read back
// through --select: each sample character stands alone in a <p title="...">,
// whose attribute value comes back unchanged.
//
// Expected, per the Encoding Standard and HTML's prescan:
//  - single-byte encodings: bytes 0x80-0xFF (and printable ASCII) decode as
//    the index says, unmapped bytes as U+FFFD; C1 controls (U+0080-U+009F)
//    as U+FFFD too, since gumbo replaces them in every page;
//  - UTF-8 and the multi-byte encodings: a sample of characters (the
//    indexes of the multi-byte encodings are not in the data set), C1
//    controls again as U+FFFD;
//  - UTF-16BE/LE: by header, a page written in that encoding, with an
//    unpaired surrogate that decodes to U+FFFD; by <meta>, the label means
//    UTF-8;
//  - x-user-defined: by header, 0x80-0xFF become U+F780-U+F7FF; by <meta>, it
//    means windows-1252;
//  - replacement: the whole body decodes to a single U+FFFD, which is all the
//    page's text.

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "conformance/suite.h"
#include "forage/extract.h"

namespace forage::conformance {
namespace {

std::string Utf8(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

// index-NAME.txt: pointer (0-127, for bytes 0x80-0xFF) to code point.
Result<std::map<int, char32_t>> ReadIndex(const std::filesystem::path& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  std::map<int, char32_t> index;
  std::istringstream lines(text.value());
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    int pointer = 0;
    std::string code;
    if (fields >> pointer >> code)
      index[pointer] = static_cast<char32_t>(std::stoul(code, nullptr, 16));
  }
  return index;
}

// A sample: the bytes of some characters in an encoding, and what they mean.
struct Sample {
  std::vector<std::string> bytes;     // one entry per <p title>
  std::vector<std::string> expected;  // UTF-8, one per entry
};

// Printable ASCII but the characters that end or escape a quoted attribute
// value, then each byte 0x80-0xFF through `decode`.
Sample SingleByteSample(const std::map<int, char32_t>& index) {
  Sample sample;
  for (int b = 0x21; b < 0x7F; ++b) {
    if (b == '"' || b == '&') continue;
    sample.bytes.emplace_back(1, static_cast<char>(b));
    sample.expected.emplace_back(1, static_cast<char>(b));
  }
  for (int b = 0x80; b <= 0xFF; ++b) {
    sample.bytes.emplace_back(1, static_cast<char>(b));
    auto it = index.find(b - 0x80);
    char32_t c = it == index.end() ? U'\uFFFD' : it->second;
    // gumbo 0.10.1 follows an older HTML standard that replaced control
    // characters in the input with U+FFFD; the decoder's answer for these is
    // checked by the unit tests, and a record always carries gumbo's.
    if (c >= 0x80 && c <= 0x9F) c = U'\uFFFD';
    sample.expected.push_back(Utf8(c));
  }
  return sample;
}

// Well-known characters of the encodings whose indexes the data set lacks.
std::optional<Sample> MultiByteSample(const std::string& name) {
  static const std::map<std::string, Sample> kSamples = {
      {"UTF-8",
       {{"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xFF"},
        {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xEF\xBF\xBD"}}},
      {"GBK", {{"\xD6\xD0\xCE\xC4", "\x80"}, {"\xE4\xB8\xAD\xE6\x96\x87", "\xE2\x82\xAC"}}},
      {"gb18030",
       {{"\xD6\xD0\xCE\xC4", "\x81\x30\x81\x30", "\x90\x30\x81\x30", "\x80"},
        {"\xE4\xB8\xAD\xE6\x96\x87", "\xC2\x80", "\xF0\x90\x80\x80", "\xE2\x82\xAC"}}},
      {"Big5", {{"\xA4\xA4\xA4\xE5"}, {"\xE4\xB8\xAD\xE6\x96\x87"}}},
      {"EUC-JP", {{"\xC6\xFC\xCB\xDC\xB8\xEC"}, {"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"}}},
      {"ISO-2022-JP",
       {{"\x1B\x24\x42\x46\x7C\x4B\x5C\x38\x6C\x1B\x28\x42"},
        {"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"}}},
      {"Shift_JIS", {{"\x93\xFA\x96\x7B\x8C\xEA"}, {"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"}}},
      {"EUC-KR", {{"\xC7\xD1\xB1\xB9"}, {"\xED\x95\x9C\xEA\xB5\xAD"}}},
  };
  auto it = kSamples.find(name);
  if (it == kSamples.end()) return std::nullopt;
  Sample sample = it->second;
  // gumbo turns C1 controls into U+FFFD, as for the single-byte encodings.
  for (std::string& expected : sample.expected) {
    if (expected.size() == 2 && expected[0] == '\xC2' &&
        static_cast<unsigned char>(expected[1]) <= 0x9F) {
      expected = "\xEF\xBF\xBD";
    }
  }
  return sample;
}

// Bytes as "0xD6D0": a sample in a legacy encoding is not UTF-8.
std::string Hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out = "0x";
  for (char c : bytes) {
    out += kDigits[static_cast<unsigned char>(c) >> 4];
    out += kDigits[static_cast<unsigned char>(c) & 0xF];
  }
  return out;
}

std::string Page(const std::string& head, const Sample& sample) {
  std::string page = "<!DOCTYPE html>" + head + "<title>t</title>";
  for (const std::string& bytes : sample.bytes) page += "<p title=\"" + bytes + "\"></p>";
  return page;
}

// `s` (ASCII or UTF-8) as UTF-16 code units in the given byte order.
std::string ToUtf16(const std::string& utf8, bool big_endian) {
  std::string out;
  auto unit = [&](char16_t u) {
    const char hi = static_cast<char>(u >> 8), lo = static_cast<char>(u & 0xFF);
    out += big_endian ? hi : lo;
    out += big_endian ? lo : hi;
  };
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    char32_t cp = c;
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (extra) cp = c & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    i += 1 + extra;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      unit(static_cast<char16_t>(0xD800 + (cp >> 10)));
      unit(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      unit(static_cast<char16_t>(cp));
    }
  }
  return out;
}

}  // namespace

Result<Report> RunEncodingSuite(const std::filesystem::path& dir, Differences& differences) {
  const std::filesystem::path data = dir / "whatwg-encoding";
  Result<std::string> text = ReadFile(data / "encodings.json");
  if (!text.ok()) return text.status();
  Report report;
  report.suite = "encodings";
  report.groups.resize(1);
  report.groups[0].title = "labels, each declared by Content-Type and by <meta charset>";
  Group& group = report.groups[0];
  const Sample utf8_sample = *MultiByteSample("UTF-8");
  ExtractSettings settings;
  settings.select.push_back({"x", "p", "title"});
  settings.text = true;
  try {
    const nlohmann::json doc = nlohmann::json::parse(text.value());
    for (const nlohmann::json& category : doc) {
      const std::string heading = category.at("heading").get<std::string>();
      for (const nlohmann::json& encoding : category.at("encodings")) {
        const std::string name = encoding.at("name").get<std::string>();
        std::optional<Sample> sample;
        if (heading == "Legacy single-byte encodings") {
          std::string file = name == "ISO-8859-8-I" ? "iso-8859-8" : name;
          for (char& c : file) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          Result<std::map<int, char32_t>> index = ReadIndex(data / ("index-" + file + ".txt"));
          if (!index.ok()) return index.status();
          sample = SingleByteSample(index.value());
        } else {
          sample = MultiByteSample(name);
        }
        std::map<int, char32_t> windows_1252;
        if (name == "x-user-defined") {
          Result<std::map<int, char32_t>> index = ReadIndex(data / "index-windows-1252.txt");
          if (!index.ok()) return index.status();
          windows_1252 = index.value();
        }
        for (const nlohmann::json& label_json : encoding.at("labels")) {
          const std::string label = label_json.get<std::string>();
          for (const bool by_meta : {false, true}) {
            const std::string id = label + (by_meta ? " by <meta>" : " by Content-Type");
            const std::string content_type = by_meta ? "text/html" : "text/html; charset=" + label;
            const std::string head = by_meta ? "<meta charset=\"" + label + "\">" : "";
            std::string body;
            Sample expect;
            bool whole_replacement = false;
            if (name == "replacement") {
              body = Page(head, utf8_sample);
              whole_replacement = true;
            } else if (name == "UTF-16BE" || name == "UTF-16LE") {
              expect = utf8_sample;
              if (!by_meta) {
                // Not the invalid UTF-8 sample, which ToUtf16 cannot carry, but a
                // lone lead surrogate (written here as U+D800 would be in UTF-8).
                expect.bytes.back() = "\xED\xA0\x80";
                expect.expected.back() = "\xEF\xBF\xBD";
              }
              body = by_meta ? Page(head, expect) : ToUtf16(Page(head, expect), name == "UTF-16BE");
            } else if (name == "x-user-defined") {
              Sample user_defined = SingleByteSample({});
              for (int b = 0x80; b <= 0xFF; ++b) {
                user_defined.expected[user_defined.expected.size() - 0x80 + (b - 0x80)] =
                    Utf8(0xF780 + b - 0x80);
              }
              expect = by_meta ? SingleByteSample(windows_1252) : user_defined;
              body = Page(head, expect);
            } else {
              expect = *sample;
              body = Page(head, expect);
            }
            Result<ExtractedPage> page =
                ExtractHtml(body, "http://conformance.invalid/", settings, content_type);
            if (!page.ok()) return page.status();
            const std::vector<std::string>& got = page.value().fields["x"];
            if (whole_replacement) {
              const std::string got_text = page.value().text.value_or("");
              Count(group, differences, report.suite, id, got.empty() && got_text == "\xEF\xBF\xBD",
                    "text " + Quote(got_text) + ", expected a single U+FFFD");
              continue;
            }
            std::string detail;
            if (got.size() != expect.expected.size()) {
              detail = std::to_string(got.size()) + " samples decoded, expected " +
                       std::to_string(expect.expected.size());
            } else {
              int wrong = 0;
              for (std::size_t i = 0; i < got.size(); ++i) {
                if (got[i] == expect.expected[i]) continue;
                if (++wrong <= 4) {
                  std::ostringstream line;
                  line << Hex(expect.bytes[i]) << " -> " << Quote(got[i]) << " (expected "
                       << Quote(expect.expected[i]) << ") ";
                  detail += line.str();
                }
              }
              if (wrong > 4) detail += "and " + std::to_string(wrong - 4) + " more";
            }
            Count(group, differences, report.suite, id, detail.empty(), detail);
          }
        }
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::Corrupt("encodings.json: " + std::string(e.what()));
  }
  report.unmet_differences = differences.Unmet(report.suite);
  return report;
}

}  // namespace forage::conformance
