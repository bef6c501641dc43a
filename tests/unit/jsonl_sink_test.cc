#include "out/jsonl_sink.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace forage {
namespace {

TEST_CASE("A record is one JSON line with every field in order", "[jsonl]") {
  Record r;
  r.url = "http://example.com/";
  r.final_url = "https://example.com/";
  r.ok = true;
  r.status = 200;
  r.content_type = "text/html";
  r.bytes = 10;
  r.elapsed_ms = 5;
  r.title = "Hi";
  r.links = {"https://example.com/a"};
  r.fetched_at_ms = 0;
  std::string line = RecordToJson(r);
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line ==
        R"({"url":"http://example.com/","final_url":"https://example.com/","ok":true,)"
        R"("status":200,"depth":0,"parent":null,"content_type":"text/html","bytes":10,)"
        R"("elapsed_ms":5,"title":"Hi","description":null,"links":["https://example.com/a"],)"
        R"("fields":{},"error":null,"fetched_at":"1970-01-01T00:00:00.000Z"})");
}

TEST_CASE("An error record has its kind and message and null fetched_at if never sent", "[jsonl]") {
  Record r;
  r.url = "ftp://x/";
  r.error = RecordError{ErrorKind::kUnsupportedScheme, "scheme \"ftp\" is not supported"};
  auto j = nlohmann::json::parse(RecordToJson(r));
  CHECK(j["ok"] == false);
  CHECK(j["error"]["kind"] == "unsupported_scheme");
  CHECK(j["error"]["message"] == "scheme \"ftp\" is not supported");
  CHECK(j["fetched_at"].is_null());
  CHECK(j["final_url"].is_null());
  CHECK(j["status"].is_null());
}

TEST_CASE("Invalid UTF-8 never makes invalid JSON", "[jsonl]") {
  Record r;
  r.url = "http://h/\xff\xfe";
  r.title = std::string("caf\xe9", 4);
  auto j = nlohmann::json::parse(RecordToJson(r));
  CHECK(j["title"] == "caf\xef\xbf\xbd");
}

}  // namespace
}  // namespace forage
