// JsonText and the records written with it against nlohmann::json, which
// wrote them before: the same bytes for the same values, whatever the
// strings hold.

#include "output/json_text.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "core/time_format.h"
#include "output/jsonl_sink.h"
#include "output/sink.h"

namespace forage {
namespace {

using Json = nlohmann::ordered_json;

std::string Dumped(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string Written(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

// The record as nlohmann wrote it (RecordToJson's earlier body).
std::string ReferenceRecordJson(const Record& r, const SinkOptions& options) {
  auto or_null = [](const auto& v) { return v ? Json(*v) : Json(nullptr); };
  auto fields = [](const std::map<std::string, std::vector<std::string>>& f) {
    Json j = Json::object();
    for (const auto& [name, values] : f) j[name] = values;
    return j;
  };
  Json j;
  j["url"] = r.url;
  j["final_url"] = or_null(r.final_url);
  j["ok"] = r.ok;
  j["status"] = or_null(r.status);
  j["unchanged"] = r.unchanged;
  j["depth"] = r.depth;
  j["parent"] = or_null(r.parent);
  j["content_type"] = or_null(r.content_type);
  j["bytes"] = r.bytes;
  j["elapsed_ms"] = r.elapsed_ms;
  j["title"] = or_null(r.title);
  j["description"] = or_null(r.description);
  j["links"] = r.links;
  j["fields"] = fields(r.fields);
  if (options.with_text) j["text"] = or_null(r.text);
  if (r.error) {
    j["error"] = {{"kind", ErrorKindName(r.error->kind)}, {"message", r.error->message}};
  } else {
    j["error"] = nullptr;
  }
  j["fetched_at"] = r.fetched_at_ms ? Json(FormatRfc3339(*r.fetched_at_ms)) : Json(nullptr);
  j["truncated"] = r.truncated;
  j["sha256"] = or_null(r.sha256);
  j["noindex"] = r.noindex;
  j["canonical"] = or_null(r.canonical);
  if (options.with_headers) {
    Json h = Json::object();
    for (const auto& [name, value] : r.headers) h[name].push_back(value);
    j["headers"] = h;
  }
  if (options.with_saved) j["saved"] = or_null(r.saved);
  return Dumped(j);
}

TEST_CASE("JsonText escapes strings as nlohmann does", "[json_text]") {
  CHECK(Written("") == R"("")");
  CHECK(Written("plain / text") == R"("plain / text")");
  CHECK(Written("\"\\") == R"("\"\\")");
  CHECK(Written("\b\f\n\r\t") == R"("\b\f\n\r\t")");
  CHECK(Written(std::string("\x00\x01\x1f\x7f", 4)) == "\"\\u0000\\u0001\\u001f\x7f\"");
  CHECK(Written("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") ==
        "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
  for (int c = 0; c < 256; ++c) {
    const std::string s = "a" + std::string(1, static_cast<char>(c)) + "b";
    INFO("byte " << c);
    CHECK(Written(s) == Dumped(Json(s)));
  }
  // Every byte at every place of a string long enough for the eight-byte
  // steps, alone and as the start of a two-byte character.
  for (int c = 0; c < 256; ++c) {
    for (std::size_t at = 0; at < 27; ++at) {
      for (const std::string after : {"", "\xA9"}) {
        std::string s(27, 'x');
        s.replace(at, 1, std::string(1, static_cast<char>(c)) + after);
        INFO("byte " << c << " at " << at << (after.empty() ? "" : ", then 0xA9"));
        CHECK(Written(s) == Dumped(Json(s)));
      }
    }
  }
  // Invalid UTF-8: cut sequences, stray continuations, overlong forms,
  // surrogates, past U+10FFFF, and one at the very end.
  for (const std::string s :
       {"\xC3", "a\xC3(b", "\x80\x80x", "\xC0\xAF", "\xED\xA0\x80z", "\xF4\x90\x80\x80",
        "\xE2\x82", "ok\xF0\x9F\x98", "\xFF\xFE", "\"\xC3\n"}) {
    INFO("string " << s);
    CHECK(Written(s) == Dumped(Json(s)));
  }
}

TEST_CASE("JsonText writes nested values with their commas", "[json_text]") {
  std::string out;
  JsonText j(&out);
  j.BeginObject();
  j.Key("a");
  j.BeginArray();
  j.Number(std::int64_t{-1});
  j.Number(std::uint64_t{18446744073709551615u});
  j.BeginObject();
  j.EndObject();
  j.BeginArray();
  j.EndArray();
  j.Null();
  j.EndArray();
  j.Key("b");
  j.Bool(false);
  j.Key("c\n");
  j.OptionalString(std::nullopt);
  j.EndObject();
  CHECK(out == R"({"a":[-1,18446744073709551615,{},[],null],"b":false,"c\n":null})");
  CHECK(out == Dumped(Json::parse(out)));
}

// Random strings from bytes that matter to JSON and to UTF-8.
class RandomText {
 public:
  explicit RandomText(unsigned seed) : rng_(seed) {}

  std::string String() {
    static const std::vector<std::string> kPieces = {
        "a", "Z", " ", "/", "\"", "\\", "\n", "\t", "\r", "\b", "\f", std::string(1, '\0'),
        "\x01", "\x1f", "\x7f", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xC3", "\x80",
        "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82", "\xFF", "http://x/?q=1&r=2#f"};
    std::string s;
    const int n = Below(12);
    for (int i = 0; i < n; ++i) s += kPieces[Below(static_cast<int>(kPieces.size()))];
    return s;
  }
  std::optional<std::string> Maybe() {
    if (Below(3) == 0) return std::nullopt;
    return String();
  }
  std::vector<std::string> Strings() {
    std::vector<std::string> v(Below(5));
    for (std::string& s : v) s = String();
    return v;
  }
  int Below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool Coin() { return Below(2) == 0; }

 private:
  std::mt19937 rng_;
};

TEST_CASE("Records are written as nlohmann wrote them, byte for byte", "[json_text]") {
  RandomText rt(20261206);
  for (int i = 0; i < 3000; ++i) {
    Record r;
    r.url = rt.String();
    r.final_url = rt.Maybe();
    r.ok = rt.Coin();
    if (rt.Coin()) r.status = rt.Below(600) - 1;
    r.unchanged = rt.Coin();
    r.depth = rt.Below(5);
    r.parent = rt.Maybe();
    r.content_type = rt.Maybe();
    r.bytes = rt.Coin() ? 0 : std::uint64_t{1} << rt.Below(64);
    r.elapsed_ms = static_cast<std::uint64_t>(rt.Below(100000));
    r.title = rt.Maybe();
    r.description = rt.Maybe();
    r.links = rt.Strings();
    for (int f = rt.Below(3); f > 0; --f) r.fields[rt.String()] = rt.Strings();
    r.text = rt.Maybe();
    if (rt.Coin()) r.error = RecordError{static_cast<ErrorKind>(rt.Below(5)), rt.String()};
    if (rt.Coin()) r.fetched_at_ms = std::int64_t{rt.Below(2000000000)} * 1000 + rt.Below(1000);
    r.truncated = rt.Strings();
    r.sha256 = rt.Maybe();
    r.noindex = rt.Coin();
    r.canonical = rt.Maybe();
    // Repeated header names are grouped where the first came.
    static const std::vector<std::string> kNames = {"a", "set-cookie", "x", "\xC3"};
    for (int h = rt.Below(6); h > 0; --h) {
      r.headers.emplace_back(rt.Coin() ? kNames[rt.Below(4)] : rt.String(), rt.String());
    }
    r.saved = rt.Maybe();
    const SinkOptions options{.with_text = rt.Coin(),
                              .with_headers = rt.Coin(),
                              .with_saved = rt.Coin()};
    INFO("record " << i);
    REQUIRE(RecordToJson(r, options) == ReferenceRecordJson(r, options));
    Json headers = Json::object();
    for (const auto& [name, value] : r.headers) headers[name].push_back(value);
    REQUIRE(HeadersToJsonText(r.headers) == Dumped(headers));
    REQUIRE(LinksToJsonText(r.links) == Dumped(Json(r.links)));
  }
}

}  // namespace
}  // namespace forage
