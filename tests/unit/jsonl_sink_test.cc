#include "output/jsonl_sink.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "core/fd.h"
#include "output/sink.h"
#include "support/forage_run.h"

namespace forage {
namespace {

using test::ReadFile;

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
        R"("status":200,"unchanged":false,"depth":0,"parent":null,"content_type":"text/html",)"
        R"("bytes":10,)"
        R"("elapsed_ms":5,"title":"Hi","description":null,"links":["https://example.com/a"],)"
        R"("fields":{},"error":null,"fetched_at":"1970-01-01T00:00:00.000Z","truncated":[],)"
        R"("sha256":null,"noindex":false,"canonical":null})");
}

TEST_CASE("truncated lists what was cut, before sha256, and is [] when nothing was", "[jsonl]") {
  Record r;
  r.url = "http://h/";
  auto whole = nlohmann::ordered_json::parse(RecordToJson(r));
  CHECK(whole["truncated"] == nlohmann::json::array());
  CHECK(whole.items().begin().key() == "url");
  CHECK(std::prev(whole.end(), 4).key() == "truncated");
  CHECK(std::prev(whole.end(), 3).key() == "sha256");
  r.truncated = {"links", "fields.price", "text"};
  auto cut = nlohmann::ordered_json::parse(RecordToJson(r, SinkOptions{.with_text = true}));
  CHECK(cut["truncated"] == nlohmann::json::array({"links", "fields.price", "text"}));
  CHECK(std::prev(cut.end(), 4).key() == "truncated");
  CHECK(TruncatedToJsonText(r.truncated) == R"(["links","fields.price","text"])");
  CHECK(TruncatedToJsonText({}) == "[]");
}

TEST_CASE("sha256 is written and a kept body never is", "[jsonl]") {
  Record r;
  r.url = "http://h/";
  r.sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  r.body = "<html>secret body</html>";
  const std::string line = RecordToJson(r, SinkOptions{.with_text = true, .with_headers = true});
  auto j = nlohmann::ordered_json::parse(line);
  CHECK(j["sha256"] == *r.sha256);
  CHECK_FALSE(j.contains("body"));
  CHECK(line.find("secret") == std::string::npos);
  CHECK(std::prev(j.end()).key() == "headers");  // headers stay last
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

TEST_CASE("unchanged is always a boolean, right after status", "[jsonl]") {
  Record r;
  r.url = "http://h/";
  for (bool unchanged : {false, true}) {
    INFO("unchanged " << unchanged);
    r.unchanged = unchanged;
    // Even with a null status, "unchanged" is false, not null.
    r.status = unchanged ? std::optional<int>(304) : std::nullopt;
    auto j = nlohmann::ordered_json::parse(RecordToJson(r));
    REQUIRE(j.contains("unchanged"));
    CHECK(j["unchanged"].is_boolean());
    CHECK(j["unchanged"] == unchanged);
    std::vector<std::string> keys;
    for (const auto& item : j.items()) keys.push_back(item.key());
    REQUIRE(keys.size() > 4);
    CHECK(keys[3] == "status");
    CHECK(keys[4] == "unchanged");
  }
  std::string line = RecordToJson(r);
  CHECK(line.find(R"("status":304,"unchanged":true,"depth":0)") != std::string::npos);
}

TEST_CASE("Invalid UTF-8 never makes invalid JSON", "[jsonl]") {
  Record r;
  r.url = "http://h/\xff\xfe";
  r.title = std::string("caf\xe9", 4);
  auto j = nlohmann::json::parse(RecordToJson(r));
  CHECK(j["title"] == "caf\xef\xbf\xbd");
}

TEST_CASE("fields is the record's map as an object of arrays", "[jsonl]") {
  Record r;
  r.url = "http://h/";
  r.fields = {{"price", {"1.99", "2.50"}}, {"none", {}}, {"name", {"caf\xe9"}}};
  std::string line = RecordToJson(r);
  CHECK(line.find("\"fields\":{\"name\":[\"caf\xef\xbf\xbd\"],\"none\":[],"
                  "\"price\":[\"1.99\",\"2.50\"]},\"error\":null") != std::string::npos);
  auto j = nlohmann::json::parse(line);
  REQUIRE(j["fields"].is_object());
  CHECK(j["fields"].size() == 3);
  CHECK(j["fields"]["price"] == nlohmann::json::array({"1.99", "2.50"}));
  CHECK(j["fields"]["none"] == nlohmann::json::array());
  CHECK(j["fields"]["name"][0] == "caf\xef\xbf\xbd");
}

TEST_CASE("text is a key only with SinkOptions::with_text, between fields and error", "[jsonl]") {
  Record r;
  r.url = "http://h/";
  r.text = "Hello\nworld";
  SECTION("without --text there is no such key, even when the record has text") {
    auto j = nlohmann::ordered_json::parse(RecordToJson(r));
    CHECK_FALSE(j.contains("text"));
    CHECK(RecordToJson(r, SinkOptions{}) == RecordToJson(r));
  }
  SECTION("with --text the key follows fields") {
    auto j = nlohmann::ordered_json::parse(RecordToJson(r, SinkOptions{.with_text = true}));
    CHECK(j["text"] == "Hello\nworld");
    std::vector<std::string> keys;
    for (const auto& item : j.items()) keys.push_back(item.key());
    CHECK(keys == std::vector<std::string>{"url", "final_url", "ok", "status", "unchanged", "depth",
                                           "parent", "content_type", "bytes", "elapsed_ms", "title",
                                           "description", "links", "fields", "text", "error",
                                           "fetched_at", "truncated", "sha256",
                                           "noindex", "canonical"});
  }
  SECTION("with --text and no text (a failed fetch) the value is null") {
    r.text.reset();
    auto j = nlohmann::json::parse(RecordToJson(r, SinkOptions{.with_text = true}));
    REQUIRE(j.contains("text"));
    CHECK(j["text"].is_null());
  }
}

TEST_CASE("A jsonl sink writes each line at once and truncates an existing file", "[jsonl]") {
  test::TempDir dir;
  std::string path = dir.Write("out.jsonl", "old contents that must go\n");
  auto sink = OpenSink(OutputFormat::kJsonl, path, SinkOptions{.with_text = true});
  REQUIRE(sink.ok());
  Record a;
  a.url = "http://h/a";
  a.text = "A";
  Record b;
  b.url = "http://h/b";
  REQUIRE(sink.value()->Write(a).ok());
  // Written through to the file before the next record or Close.
  CHECK(ReadFile(path) == RecordToJson(a, SinkOptions{.with_text = true}) + "\n");
  REQUIRE(sink.value()->Write(b).ok());
  CHECK(sink.value()->Close().ok());
  CHECK(sink.value()->Close().ok());  // idempotent
  std::string content = ReadFile(path);
  std::istringstream lines(content);
  std::string line;
  std::vector<nlohmann::json> records;
  while (std::getline(lines, line)) records.push_back(nlohmann::json::parse(line));
  REQUIRE(records.size() == 2);
  CHECK(records[0]["text"] == "A");
  CHECK(records[1]["text"].is_null());
  CHECK(records[1]["url"] == "http://h/b");
  Status late = sink.value()->Write(a);
  CHECK_FALSE(late.ok());
  CHECK(late.message().find(path) != std::string::npos);
}

TEST_CASE("A jsonl sink on \"-\" writes to standard output and leaves it open", "[jsonl]") {
  auto pipe = MakePipe();
  REQUIRE(pipe.ok());
  UniqueFd saved(::dup(STDOUT_FILENO));
  REQUIRE(saved.valid());
  std::fflush(stdout);
  REQUIRE(::dup2(pipe.value().write.get(), STDOUT_FILENO) == STDOUT_FILENO);
  // No assertions until standard output is back.
  Record r;
  r.url = "http://h/";
  auto sink = OpenSink(OutputFormat::kJsonl, "-", {});
  bool opened = sink.ok();
  bool wrote = opened && sink.value()->Write(r).ok();
  bool closed = opened && sink.value()->Close().ok();
  bool still_open = ::fcntl(STDOUT_FILENO, F_GETFD) != -1;
  ::dup2(saved.get(), STDOUT_FILENO);
  REQUIRE(opened);
  CHECK(wrote);
  CHECK(closed);
  CHECK(still_open);
  pipe.value().write.Reset();
  std::string got(4096, '\0');
  ssize_t n = ReadSome(pipe.value().read.get(), got.data(), got.size());
  REQUIRE(n > 0);
  got.resize(static_cast<std::size_t>(n));
  CHECK(got == RecordToJson(r) + "\n");
}

TEST_CASE("A jsonl write to a pipe with no reader fails with the reason", "[jsonl]") {
  signal(SIGPIPE, SIG_IGN);
  auto pipe = MakePipe();
  REQUIRE(pipe.ok());
  std::string path = "/proc/self/fd/" + std::to_string(pipe.value().write.get());
  auto sink = OpenSink(OutputFormat::kJsonl, path, {});
  REQUIRE(sink.ok());
  pipe.value().read.Reset();
  Record r;
  r.url = "http://h/";
  Status st = sink.value()->Write(r);
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().find("Broken pipe") != std::string::npos);
  CHECK(st.message().find(path) != std::string::npos);
  CHECK(sink.value()->Close().ok());
}

TEST_CASE("ChooseFormat: --format wins, else the extension, else jsonl", "[sink]") {
  struct Case {
    std::string flag;
    std::string path;
    OutputFormat want;
  };
  const Case cases[] = {
      {"", "", OutputFormat::kJsonl},
      {"", "-", OutputFormat::kJsonl},
      {"", "out", OutputFormat::kJsonl},
      {"", "out.jsonl", OutputFormat::kJsonl},
      {"", "out.json", OutputFormat::kJsonl},
      {"", "out.ndjson", OutputFormat::kJsonl},
      {"", "out.txt", OutputFormat::kJsonl},
      {"", "out.csv", OutputFormat::kCsv},
      {"", "dir/OUT.CSV", OutputFormat::kCsv},
      {"", "out.sqlite", OutputFormat::kSqlite},
      {"", "out.sqlite3", OutputFormat::kSqlite},
      {"", "/tmp/x/out.db", OutputFormat::kSqlite},
      {"", "a.csv/out", OutputFormat::kJsonl},  // the directory's extension does not count
      {"", ".csv", OutputFormat::kCsv},
      {"jsonl", "out.csv", OutputFormat::kJsonl},
      {"csv", "out.jsonl", OutputFormat::kCsv},
      {"csv", "-", OutputFormat::kCsv},
      {"csv", "", OutputFormat::kCsv},
      {"sqlite", "out.jsonl", OutputFormat::kSqlite},
      {"sqlite", "out", OutputFormat::kSqlite},
  };
  for (const Case& c : cases) {
    INFO("--format '" << c.flag << "' path '" << c.path << "'");
    auto got = ChooseFormat(c.flag, c.path);
    REQUIRE(got.ok());
    CHECK(got.value() == c.want);
  }
}

TEST_CASE("ChooseFormat fails for an unknown name and for sqlite to standard output", "[sink]") {
  auto bad = ChooseFormat("xml", "out.jsonl");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("\"xml\"") != std::string::npos);
  CHECK_FALSE(ChooseFormat("JSONL", "").ok());
  for (const char* path : {"-", ""}) {
    auto sqlite = ChooseFormat("sqlite", path);
    REQUIRE_FALSE(sqlite.ok());
    CHECK(sqlite.status().message() == "sqlite output needs a file (-o PATH)");
  }
}

TEST_CASE("OpenSink fails naming a path in a missing directory", "[sink]") {
  test::TempDir dir;
  std::string path = dir.path() + "/missing/out";
  for (OutputFormat format : {OutputFormat::kJsonl, OutputFormat::kCsv, OutputFormat::kSqlite}) {
    auto sink = OpenSink(format, path, {});
    REQUIRE_FALSE(sink.ok());
    CHECK(sink.status().message().find(path) != std::string::npos);
  }
}

}  // namespace
}  // namespace forage
