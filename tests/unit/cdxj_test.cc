#include "archive/cdxj.h"

#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "archive/warc_set.h"
#include "archive/warc_writer.h"
#include "support/gzip.h"
#include "support/forage_run.h"

namespace forage {
namespace {

namespace fs = std::filesystem;
using test::ReadFile;
using test::TempDir;
using test::Gzip;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t nl = text.find('\n', at);
    REQUIRE(nl != std::string::npos);  // every line ends
    out.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  return out;
}

std::unique_ptr<ExchangeCapture> Captured(std::string_view request, std::string_view head,
                                          std::string_view body) {
  auto c = std::make_unique<ExchangeCapture>(1 << 20);
  c->OnRequestHead(request);
  std::size_t at = 0;
  while (at < head.size()) {
    std::size_t end = head.find('\n', at) + 1;
    c->OnResponseHead(head.substr(at, end - at));
    at = end;
  }
  c->OnBody(body);
  return c;
}

// Writes three exchanges (a page, a 304, a 404) to `path` with `writer`.
std::vector<WarcExtent> WriteThree(WarcWriter& writer) {
  std::vector<WarcExtent> out;
  struct Page {
    const char* url;
    const char* head;
    const char* body;
    bool not_modified;
  };
  const Page pages[] = {
      {"http://www.example.test/b?y=2&x=1", "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n",
       "<p>hi</p>", false},
      {"http://example.test/a", "HTTP/1.1 304 Not Modified\r\nETag: \"1\"\r\n\r\n", "", true},
      {"http://example.test:8080/missing", "HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\n\r\n",
       "no", false},
  };
  for (const Page& p : pages) {
    WarcExchange x;
    x.target_uri = p.url;
    x.date_ms = 1764968645000;
    x.capture = Captured("GET / HTTP/1.1\r\n\r\n", p.head, p.body);
    x.not_modified = p.not_modified;
    x.outlinks = {"http://example.test/next"};
    auto written = writer.Write(x);
    REQUIRE(written.ok());
    out.push_back(written.value());
  }
  return out;
}

}  // namespace

TEST_CASE("SurtKey makes the keys pywb's surt makes", "[warc][cdxj]") {
  const std::pair<const char*, const char*> cases[] = {
      {"http://example.com/", "com,example)/"},
      {"http://example.com", "com,example)/"},
      {"https://www.Example.COM/Path/To/Page.html?b=2&a=1#frag", "com,example)/path/to/page.html?a=1&b=2"},
      {"http://www12.example.com/", "com,example)/"},
      {"http://www2foo.com/", "com,www2foo)/"},
      {"http://wwwx.example.com/", "com,example,wwwx)/"},
      {"http://example.com:8080/path?query", "com,example:8080)/path?query"},
      {"http://example.com:80/", "com,example)/"},
      {"https://example.com:443/x", "com,example)/x"},
      {"https://example.com:80/", "com,example:80)/"},
      {"http://b\xc3\xbc" "cher.example/", "example,xn--bcher-kva)/"},
      {"http://127.0.0.1:8080/a/", "1,0,0,127:8080)/a"},
      {"http://[::1]:8080/x", "[::1]:8080)/x"},
      {"http://[0:0::1]/", "[::1])/"},
      {"http://user:pw@example.com/", "com,example)/"},
      {"http://example.com./", "com,example)/"},
      {"http://example.com/a//b/./c/../d/", "com,example)/a/b/d"},
      {"http://example.com/caf%C3%A9", "com,example)/caf%c3%a9"},
      {"http://example.com/caf\xc3\xa9", "com,example)/caf%c3%a9"},
      {"http://example.com/%2525", "com,example)/%25"},
      {"http://example.com/a%20b", "com,example)/a%20b"},
      {"http://example.com/%7Efoo", "com,example)/~foo"},
      {"http://example.com/?", "com,example)/"},
      {"http://example.com/p?a=1&", "com,example)/p?&a=1"},
      {"http://example.com/?b=b&a=b&b=a&a=a", "com,example)/?a=a&a=b&b=a&b=b"},
      {"http://example.com/?a=&a", "com,example)/?a&a="},
      {"http://example.com/?Q=%41", "com,example)/?q=a"},
      {"mailto:Bob@Example.com", "mailto:bob@example.com"},
      {"not a url", "not%20a%20url"},
      {"", "-"},
  };
  for (const auto& [url, key] : cases) {
    INFO(url);
    CHECK(SurtKey(url) == key);
  }
}

TEST_CASE("A CDXJ line is cdxj-indexer's", "[warc][cdxj]") {
  CdxjEntry e;
  e.url = "http://example.com/";
  e.date = "2025-12-05T21:04:05Z";
  e.status = 200;
  e.mime = "text/html";
  e.digest = "sha1:G7HRM7BGOKSKMSXZAHMUQTTV53QOFSMK";
  e.offset = 784;
  e.length = 1228;
  e.filename = "example.warc.gz";
  CHECK(CdxjLine(e) ==
        "com,example)/ 20251205210405 {\"url\": \"http://example.com/\", \"mime\": \"text/html\", "
        "\"status\": \"200\", \"digest\": \"sha1:G7HRM7BGOKSKMSXZAHMUQTTV53QOFSMK\", \"length\": "
        "\"1228\", \"offset\": \"784\", \"filename\": \"example.warc.gz\"}");
  e.revisit = true;
  e.status = 304;
  e.mime = "";
  e.url = "http://example.com/\xc3\xa9\xf0\x9f\x98\x80\xff\"\n";
  CHECK(CdxjLine(e) ==
        // The URL parser drops the newline; surt leaves '"' as it is.
        "com,example)/%c3%a9%f0%9f%98%80%ff\" 20251205210405 {\"url\": "
        "\"http://example.com/\\u00e9\\ud83d\\ude00\\ufffd\\\"\\n\", \"mime\": \"warc/revisit\", "
        "\"status\": \"304\", \"digest\": \"sha1:G7HRM7BGOKSKMSXZAHMUQTTV53QOFSMK\", \"length\": "
        "\"1228\", \"offset\": \"784\", \"filename\": \"example.warc.gz\"}");
  e.status.reset();
  e.digest.clear();
  e.revisit = false;
  e.date = "2025";
  e.url = "http://example.com/";
  CHECK(CdxjLine(e) == "com,example)/ 20250000000000 {\"url\": \"http://example.com/\", \"length\": "
                       "\"1228\", \"offset\": \"784\", \"filename\": \"example.warc.gz\"}");
}

TEST_CASE("An HTTP head's status and Content-Type essence", "[warc][cdxj]") {
  auto a = SummarizeHttpHead("HTTP/1.1 404 Not Found\r\nX: y\r\ncontent-type:  Text/HTML ; charset=x\r\n"
                             "Content-Type: image/png\r\n\r\nbody");
  REQUIRE(a);
  CHECK(a->status == 404);
  CHECK(a->mime == "Text/HTML");
  auto b = SummarizeHttpHead("HTTP/2 200\r\n\r\n");
  REQUIRE(b);
  CHECK(b->status == 200);
  CHECK(b->mime.empty());
  CHECK_FALSE(SummarizeHttpHead("HTTP/1.1 20 OK\r\n\r\n"));
  CHECK_FALSE(SummarizeHttpHead("HTTP/1.1 2000\r\n\r\n"));
  CHECK_FALSE(SummarizeHttpHead("GET / HTTP/1.1\r\n\r\n"));
  CHECK_FALSE(SummarizeHttpHead(""));
}

TEST_CASE("The indexer reads plain multi-member gzip, wget's form, and refuses damage",
          "[warc][cdxj]") {
  const std::string info = Gzip("WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n\r\n\r\n\r\n");
  const std::string response = Gzip(
      "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: <http://example.com/>\r\n"
      "WARC-Date: 2017-03-06T04:02:06Z\r\nWARC-Payload-Digest: sha1:G7HR\r\n"
      "Content-Type: application/http;msgtype=response\r\nContent-Length: 40\r\n\r\n"
      "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n\r\n\r\n");
  const std::string revisit = Gzip(
      "WARC/1.0\r\nWARC-Type: revisit\r\nWARC-Target-URI: http://example.com/\r\n"
      "WARC-Date: 2017-03-06T04:03:48Z\r\nWARC-Payload-Digest: sha1:G7HR\r\n"
      "WARC-Block-Digest: sha1:BLOCK\r\nContent-Length: 0\r\n\r\n\r\n\r\n");
  const std::string empty = Gzip("");
  const std::string file = info + empty + response + revisit;
  auto lines = IndexWarcBytes(file, "example.warc.gz");
  REQUIRE(lines.ok());
  const std::string at = std::to_string(info.size() + empty.size());
  CHECK(lines.value() ==
        std::vector<std::string>{
            "com,example)/ 20170306040206 {\"url\": \"http://example.com/\", \"mime\": \"text/html\", "
            "\"status\": \"200\", \"digest\": \"sha1:G7HR\", \"length\": \"" +
                std::to_string(response.size()) + "\", \"offset\": \"" + at +
                "\", \"filename\": \"example.warc.gz\"}",
            // An identical-payload revisit names the original's payload.
            "com,example)/ 20170306040348 {\"url\": \"http://example.com/\", \"mime\": \"warc/revisit\", "
            "\"digest\": \"sha1:G7HR\", \"length\": \"" +
                std::to_string(revisit.size()) + "\", \"offset\": \"" +
                std::to_string(info.size() + empty.size() + response.size()) +
                "\", \"filename\": \"example.warc.gz\"}"});
  CHECK(IndexWarcBytes("", "e.warc.gz").value().empty());
  auto torn = IndexWarcBytes(file.substr(0, file.size() - 5), "t.warc.gz");
  REQUIRE_FALSE(torn.ok());
  CHECK(torn.status().IsCorrupt());
  CHECK(torn.status().message().find("offset " + std::to_string(file.size() - revisit.size())) !=
        std::string::npos);
  CHECK_FALSE(IndexWarcBytes("WARC/1.1\r\n", "plain.warc").ok());
  CHECK_FALSE(IndexWarcBytes(file + std::string(4, '\0'), "padded.warc.gz").ok());
  CHECK(CdxjPathFor("/d/crawl-00001.warc.gz") == "/d/crawl-00001.cdxj");
  CHECK(CdxjPathFor("crawl.warc") == "crawl.warc.cdxj");
}

TEST_CASE("A WarcWriter's index is what the indexer reads back from its file", "[warc][cdxj]") {
  TempDir dir;
  const std::string path = dir.path() + "/crawl.warc.gz";
  WarcWriter writer(path, 1ull << 30, "", nullptr);
  writer.set_cdx(true);
  std::vector<WarcExtent> extents = WriteThree(writer);
  CHECK_FALSE(fs::exists(dir.path() + "/crawl.cdxj"));  // written as the file closes
  REQUIRE(writer.Close().ok());
  const std::string index = ReadFile(dir.path() + "/crawl.cdxj");
  std::vector<std::string> written = Lines(index);
  REQUIRE(written.size() == 3);
  CHECK(std::is_sorted(written.begin(), written.end()));
  CHECK_FALSE(fs::exists(dir.path() + "/crawl.cdxj.tmp"));
  auto read = IndexWarcFile(path);
  REQUIRE(read.ok());
  CHECK(read.value() == written);
  // Sorted by key: test,example)/a (the 304), test,example)/b?x=1&y=2, test,example:8080)/missing.
  CHECK(written[0].rfind("test,example)/a 20251205210405 {\"url\": \"http://example.test/a\", "
                         "\"mime\": \"warc/revisit\", \"status\": \"304\", \"digest\": \"sha1:", 0) == 0);
  CHECK(written[1].rfind("test,example)/b?x=1&y=2 20251205210405 {\"url\": "
                         "\"http://www.example.test/b?y=2&x=1\", \"mime\": \"text/html\", \"status\": "
                         "\"200\", \"digest\": \"" + WarcSha1("<p>hi</p>") + "\"", 0) == 0);
  CHECK(written[2].find("\"mime\": \"text/plain\", \"status\": \"404\"") != std::string::npos);
  // Each line's member is its exchange's response: after the request's, inside the exchange.
  const std::string file = ReadFile(path);
  const std::size_t order[] = {1, 0, 2};
  for (std::size_t i = 0; i < 3; ++i) {
    const WarcExtent& x = extents[order[i]];
    const std::string line = written[i];
    const std::size_t off = line.find("\"offset\": \"") + 11;
    const std::size_t len = line.find("\"length\": \"") + 11;
    const std::uint64_t offset = std::stoull(line.substr(off));
    const std::uint64_t length = std::stoull(line.substr(len));
    CHECK(offset > x.offset);
    CHECK(offset + length < x.offset + x.length);  // the metadata record follows
    auto one = IndexWarcBytes(file.substr(offset, length), "crawl.warc.gz");
    REQUIRE(one.ok());
    REQUIRE(one.value().size() == 1);
    CHECK(one.value()[0].substr(0, one.value()[0].find("\"length\"")) ==
          line.substr(0, line.find("\"length\"")));
  }
  // Rotation: each file closed gets its own index.
  WarcWriter rotating(path, 1, "", nullptr);
  rotating.set_cdx(true);
  WriteThree(rotating);
  REQUIRE(rotating.Close().ok());
  for (const char* name : {"/crawl-00001", "/crawl-00002", "/crawl-00003"}) {
    INFO(name);
    auto lines = IndexWarcFile(dir.path() + name + ".warc.gz");
    REQUIRE(lines.ok());
    CHECK(lines.value().size() == 1);
    CHECK(Lines(ReadFile(dir.path() + name + ".cdxj")) == lines.value());
  }
}

TEST_CASE("The ledger re-indexes a file it cuts back and removes a removed file's index",
          "[warc][cdxj]") {
  TempDir dir;
  const std::string path = dir.path() + "/set.warc.gz";
  const std::string index = dir.path() + "/set.cdxj";
  WarcWriter writer(path, 1ull << 30, "", nullptr);
  writer.set_cdx(true);
  std::vector<WarcExtent> extents = WriteThree(writer);
  REQUIRE(writer.Close().ok());
  REQUIRE(Lines(ReadFile(index)).size() == 3);

  // The master took the first exchange's result only: the file is cut to it.
  WarcLedger ledger(path);
  ledger.set_cdx(true);
  ledger.Opened(0, 0);
  ledger.Taken(0, 0, extents[0].offset + extents[0].length);
  REQUIRE(ledger.Gone(0).ok());
  std::vector<std::string> after = Lines(ReadFile(index));
  REQUIRE(after.size() == 1);
  CHECK(after[0].rfind("test,example)/b?x=1&y=2 ", 0) == 0);
  CHECK(after == IndexWarcFile(path).value());

  // A fetcher that died before closing its file left no index: Finish writes it.
  fs::remove(index);
  ledger.Opened(1, 0);
  REQUIRE(ledger.Finish().ok());
  CHECK(Lines(ReadFile(index)) == after);

  // A file of which no result was taken goes, with its index.
  WarcLedger other(path);
  other.set_cdx(true);
  other.Opened(1, 7);
  std::ofstream(dir.path() + "/set-00007.warc.gz") << "partial";
  std::ofstream(dir.path() + "/set-00007.cdxj") << "stale\n";
  REQUIRE(other.Finish().ok());
  CHECK_FALSE(fs::exists(dir.path() + "/set-00007.warc.gz"));
  CHECK_FALSE(fs::exists(dir.path() + "/set-00007.cdxj"));

  // The next run repairs a torn last member, and the index follows.
  const std::string whole = ReadFile(path);
  {
    WarcWriter more(dir.path() + "/set-00003.warc.gz", 1ull << 30, "", nullptr);
    more.set_cdx(true);
    WriteThree(more);
    REQUIRE(more.Close().ok());
  }
  const std::string torn_file = dir.path() + "/set-00003.warc.gz";
  const auto size = fs::file_size(torn_file);
  fs::resize_file(torn_file, size - 10);  // the last member (metadata) torn
  WarcLedger next(path);
  next.set_cdx(true);
  auto said = next.Prepare();
  REQUIRE(said.ok());
  CHECK(said.value().size() == 1);
  CHECK(Lines(ReadFile(dir.path() + "/set-00003.cdxj")) == IndexWarcFile(torn_file).value());
  CHECK(Lines(ReadFile(dir.path() + "/set-00003.cdxj")).size() == 3);
  CHECK(ReadFile(path) == whole);  // a whole file is left as it is
  CHECK(Lines(ReadFile(index)) == after);
}

}  // namespace forage
