#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "archive/chunked_decoder.h"
#include "archive/digest.h"
#include "archive/exchange_capture.h"
#include "archive/warc_file.h"
#include "archive/warc_set.h"
#include "archive/warc_writer.h"
#include "support/forage_run.h"

namespace forage {
namespace {

namespace fs = std::filesystem;
using test::ReadFile;
using test::TempDir;

// Inflates a file of gzip members with zlib, member by member: each
// member's text, or a failure for a torn one.
std::vector<std::string> Members(const std::string& bytes, bool* whole) {
  std::vector<std::string> out;
  *whole = true;
  std::size_t at = 0;
  while (at < bytes.size()) {
    z_stream z{};
    REQUIRE(inflateInit2(&z, 16 + MAX_WBITS) == Z_OK);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + at));
    z.avail_in = static_cast<uInt>(bytes.size() - at);
    std::string text;
    int rc = Z_OK;
    while (rc == Z_OK) {
      char buf[4096];
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof buf;
      rc = inflate(&z, Z_NO_FLUSH);
      text.append(buf, sizeof buf - z.avail_out);
      if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
    }
    const std::size_t used = bytes.size() - at - z.avail_in;
    inflateEnd(&z);
    if (rc != Z_STREAM_END) {
      *whole = false;
      return out;
    }
    out.push_back(text);
    at += used;
  }
  return out;
}

TEST_CASE("ChunkedDecoder undoes chunks, extensions and trailers", "[warc]") {
  auto decode = [](std::string_view raw, std::size_t piece, bool* done) {
    ChunkedDecoder d;
    std::string out;
    for (std::size_t i = 0; i < raw.size(); i += piece) {
      d.Feed(raw.substr(i, piece), [&](std::string_view s) { out.append(s); });
    }
    *done = d.done() && !d.failed();
    return out;
  };
  bool done = false;
  for (std::size_t piece : {std::size_t{1}, std::size_t{3}, std::size_t{1000}}) {
    CHECK(decode("5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n", piece, &done) ==
          "hello world");
    CHECK(done);
    CHECK(decode("A\r\n0123456789\r\n0\r\n\r\n", piece, &done) == "0123456789");
    CHECK(done);
  }
  ChunkedDecoder bad;
  bad.Feed("zz\r\n", [](std::string_view) {});
  CHECK(bad.failed());
  ChunkedDecoder huge;
  huge.Feed("FFFFFFFFFFFFFFFFFF\r\n", [](std::string_view) {});
  CHECK(huge.failed());
}

TEST_CASE("Digests are the WARC standard's sha1 in base32", "[warc]") {
  CHECK(Base32("") == "");
  CHECK(Base32("f") == "MY======");
  CHECK(Base32("foobar") == "MZXW6YTBOI======");
  CHECK(WarcSha1("") == "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
  DigestStream sha256(DigestStream::Algorithm::kSha256);
  sha256.Update("abc");
  CHECK(Hex(sha256.Finish()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("WARC set names follow PATH, then PATH-00001 and on", "[warc]") {
  WarcSetNames names("out/crawl.warc.gz");
  CHECK(names.Name(0) == "out/crawl.warc.gz");
  CHECK(names.Name(1) == "out/crawl-00001.warc.gz");
  CHECK(names.Name(123456) == "out/crawl-123456.warc.gz");
  CHECK(names.SerialOf("crawl.warc.gz") == 0);
  CHECK(names.SerialOf("crawl-00042.warc.gz") == 42);
  CHECK(names.SerialOf("crawl-42.warc.gz") == -1);
  CHECK(names.SerialOf("crawl-000042.warc.gz") == -1);
  CHECK(names.SerialOf("other.warc.gz") == -1);
  CHECK(names.SerialOf("crawl-00001.warc") == -1);
  CHECK(WarcSetNames("crawl").Name(2) == "crawl-00002.warc.gz");
}

TEST_CASE("A WarcFile writes gzip members that carry their length", "[warc]") {
  TempDir dir;
  const std::string path = dir.path() + "/a.warc.gz";
  bool exists = false;
  auto made = WarcFile::Create(path, &exists);
  REQUIRE(made.ok());
  WarcFile& file = *made.value();
  std::string big(700 * 1024, 'x');  // longer than one flush
  for (int i = 0; i < 8; ++i) big[static_cast<std::size_t>(i) * 80000] = static_cast<char>('a' + i);
  const std::vector<std::string> texts = {"first record", big, ""};
  std::vector<std::uint64_t> ends;
  for (const std::string& text : texts) {
    file.Begin();
    file.Add(text.substr(0, text.size() / 2));
    file.Add(text.substr(text.size() / 2));
    REQUIRE(file.End().ok());
    ends.push_back(file.size());
  }
  bool whole = false;
  CHECK(Members(ReadFile(path), &whole) == texts);
  CHECK(whole);
  CHECK_FALSE(WarcFile::Create(path, &exists).ok());
  CHECK(exists);

  // A torn member at the end is cut off by the repair, wherever it was cut.
  const std::string good = ReadFile(path);
  for (std::uint64_t cut : {ends[1] + 1, ends[1] + 20, ends[2] - 1}) {
    REQUIRE(::truncate(path.c_str(), static_cast<off_t>(cut)) == 0);
    auto repair = RepairWarcFile(path);
    REQUIRE(repair.ok());
    CHECK(repair.value().whole == ends[1]);
    CHECK(repair.value().members == 2);
    CHECK(fs::file_size(path) == ends[1]);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << good;
  }
  auto untouched = RepairWarcFile(path);
  REQUIRE(untouched.ok());
  CHECK(untouched.value().whole == good.size());
  CHECK(untouched.value().members == 3);
  // A member whose length was never set (a kill in a long member's middle).
  {
    std::string torn = good.substr(0, ends[0]) + good.substr(ends[0], 24);
    torn[ends[0] + 16] = 0;
    torn += std::string(100, 'z');
    std::ofstream(path, std::ios::binary | std::ios::trunc) << torn;
    auto repair = RepairWarcFile(path);
    REQUIRE(repair.ok());
    CHECK(repair.value().whole == ends[0]);
  }
  // Another tool's file is left as it is.
  std::ofstream(path, std::ios::binary | std::ios::trunc) << "not gzip at all";
  auto foreign = RepairWarcFile(path);
  REQUIRE(foreign.ok());
  CHECK(foreign.value().foreign);
  CHECK(fs::file_size(path) == 15);
}

std::unique_ptr<ExchangeCapture> Captured(std::string_view request, std::string_view head,
                                          std::string_view body, std::uint64_t max = 1 << 20) {
  auto c = std::make_unique<ExchangeCapture>(max);
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

TEST_CASE("An ExchangeCapture keeps the last response, its digests, and cuts long bodies",
          "[warc]") {
  auto c = std::make_unique<ExchangeCapture>(1 << 20);
  c->OnRequestHead("CONNECT a:443 HTTP/1.1\r\n\r\n");
  c->OnResponseHead("HTTP/1.1 200 Connection established\r\n");
  c->OnResponseHead("\r\n");
  c->OnRequestHead("GET / HTTP/1.1\r\n");
  c->OnRequestHead("Host: a\r\n\r\n");
  c->OnResponseHead("HTTP/1.1 100 Continue\r\n");
  c->OnResponseHead("\r\n");
  c->OnResponseHead("HTTP/1.1 200 OK\r\n");
  c->OnResponseHead("Transfer-Encoding: gzip, chunked\r\n");
  c->OnResponseHead("\r\n");
  c->OnBody("5\r\nhel");
  c->OnBody("lo\r\n0\r\n\r\n");
  CHECK(c->request_head() == "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
  CHECK(c->response_head() == "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
  CHECK(c->body().size() == 15);
  CHECK(c->TakeBlockDigest() ==
        WarcSha1("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));
  CHECK(c->TakePayloadDigest() == WarcSha1("hello"));

  auto cut = Captured("GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK\r\n\r\n", "0123456789", 4);
  CHECK(cut->body_cut());
  CHECK(cut->body().size() == 4);
  CHECK(cut->TakePayloadDigest() == WarcSha1("0123"));
  CHECK(IsChunkedHeader("transfer-encoding:  Chunked \r\n"));
  CHECK_FALSE(IsChunkedHeader("Transfer-Encoding: chunked, gzip\r\n"));
}

TEST_CASE("Request heads lose their credentials", "[warc]") {
  CHECK(RedactRequestHead("GET / HTTP/1.1\r\nAuthorization: Basic dTpw\r\nCookie: a=b\r\n"
                          "proxy-authorization: x\r\nAccept: */*\r\n\r\n") ==
        "GET / HTTP/1.1\r\nAuthorization: [redacted]\r\nCookie: [redacted]\r\n"
        "proxy-authorization: [redacted]\r\nAccept: */*\r\n\r\n");
}

TEST_CASE("A WarcWriter writes an exchange's records and rotates its files", "[warc]") {
  TempDir dir;
  const std::string path = dir.path() + "/crawl.warc.gz";
  std::vector<std::uint32_t> opened;
  // A file already there is someone else's: the writer takes the next name.
  std::ofstream(path) << "x";
  WarcWriter writer(path, 1, "operator: tests\r\n", [&](std::uint32_t s) { opened.push_back(s); });
  std::vector<WarcExtent> extents;
  for (int i = 0; i < 2; ++i) {
    WarcExchange x;
    x.target_uri = "http://example.test/" + std::to_string(i);
    x.date_ms = 1764968645000;
    x.ip = "127.0.0.1";
    x.capture = Captured("GET / HTTP/1.1\r\nCookie: s=1\r\n\r\n",
                         "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "hello");
    x.outlinks = {"http://example.test/a"};
    auto written = writer.Write(x);
    REQUIRE(written.ok());
    extents.push_back(written.value());
  }
  REQUIRE(writer.Close().ok());
  CHECK(opened == std::vector<std::uint32_t>{1, 2});
  REQUIRE(extents.size() == 2);
  CHECK(extents[0].serial == 1);
  CHECK(extents[1].serial == 2);
  const std::string file = ReadFile(dir.path() + "/crawl-00001.warc.gz");
  CHECK(extents[0].offset + extents[0].length == file.size());
  bool whole = false;
  std::vector<std::string> records = Members(file, &whole);
  REQUIRE(whole);
  REQUIRE(records.size() == 4);
  CHECK(records[0].find("WARC-Type: warcinfo\r\n") != std::string::npos);
  CHECK(records[0].find("operator: tests\r\n") != std::string::npos);
  CHECK(records[1].find("WARC-Type: request\r\n") != std::string::npos);
  CHECK(records[1].find("Cookie: [redacted]\r\n") != std::string::npos);
  CHECK(records[2].find("WARC-Type: response\r\n") != std::string::npos);
  CHECK(records[2].find("WARC-Target-URI: http://example.test/0\r\n") != std::string::npos);
  CHECK(records[2].find("WARC-Date: 2025-12-05T21:04:05Z\r\n") != std::string::npos);
  CHECK(records[2].find("WARC-Payload-Digest: " + WarcSha1("hello") + "\r\n") != std::string::npos);
  CHECK(records[2].find("Content-Length: 43\r\n") != std::string::npos);
  CHECK(records[2].substr(records[2].size() - 9) == "hello\r\n\r\n");
  CHECK(records[3].find("WARC-Type: metadata\r\n") != std::string::npos);
  CHECK(records[3].find("outlink: http://example.test/a\r\n") != std::string::npos);
}

TEST_CASE("A WarcLedger cuts a dead writer's file back to the results taken", "[warc]") {
  TempDir dir;
  const std::string path = dir.path() + "/set.warc.gz";
  WarcWriter writer(path, 1ull << 30, "", nullptr);
  std::vector<WarcExtent> extents;
  for (int i = 0; i < 3; ++i) {
    WarcExchange x;
    x.target_uri = "http://example.test/";
    x.capture = Captured("GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 304 Not Modified\r\n\r\n", "");
    x.not_modified = true;
    auto written = writer.Write(x);
    REQUIRE(written.ok());
    extents.push_back(written.value());
  }
  REQUIRE(writer.Close().ok());
  WarcLedger ledger(path);
  ledger.Opened(3, 0);
  ledger.Taken(3, 0, extents[0].offset + extents[0].length);
  REQUIRE(ledger.Gone(3).ok());
  CHECK(fs::file_size(path) == extents[0].offset + extents[0].length);
  bool whole = false;
  std::vector<std::string> records = Members(ReadFile(path), &whole);
  REQUIRE(records.size() == 3);
  CHECK(records[2].find("WARC-Type: revisit\r\n") != std::string::npos);
  CHECK(records[2].find(std::string("WARC-Profile: ") + kServerNotModified) != std::string::npos);

  // A file of which no result was taken goes.
  WarcLedger other(path);
  other.Opened(1, 7);
  std::ofstream(dir.path() + "/set-00007.warc.gz") << "partial";
  REQUIRE(other.Finish().ok());
  CHECK_FALSE(fs::exists(dir.path() + "/set-00007.warc.gz"));

  // The next run repairs what a kill left: a torn member, an empty file.
  std::ofstream(path, std::ios::binary | std::ios::app) << std::string("\x1f\x8b\x08\x04", 4);
  std::ofstream(dir.path() + "/set-00002.warc.gz") << "";
  WarcLedger next(path);
  auto said = next.Prepare();
  REQUIRE(said.ok());
  CHECK(said.value().size() == 2);
  CHECK(fs::file_size(path) == extents[0].offset + extents[0].length);
  CHECK_FALSE(fs::exists(dir.path() + "/set-00002.warc.gz"));
}

TEST_CASE("Under a state a resumed set is cut back to what the state committed", "[warc]") {
  TempDir dir;
  const std::string path = dir.path() + "/s.warc.gz";
  WarcLedger first(path);
  REQUIRE(first.Prepare(std::nullopt, /*with_state=*/true).ok());
  REQUIRE_FALSE(first.state_id().empty());
  const std::string info = "forage-state: " + first.state_id() + "\r\n";
  auto write = [&](int files) {
    std::vector<WarcExtent> out;
    for (int i = 0; i < files; ++i) {
      // Each writer its own file, as fetchers have.
      WarcWriter writer(path, 1ull << 30, info, nullptr);
      for (int k = 0; k < 2; ++k) {
        WarcExchange x;
        x.target_uri = "http://example.test/" + std::to_string(i) + "/" + std::to_string(k);
        x.capture = Captured("GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK\r\n\r\n", "body");
        auto written = writer.Write(x);
        REQUIRE(written.ok());
        out.push_back(written.value());
      }
      REQUIRE(writer.Close().ok());
    }
    return out;
  };
  std::vector<WarcExtent> extents = write(2);  // files 0 and 1
  // The state committed file 0's first exchange only; file 1 came after.
  first.Opened(0, 0);
  first.Taken(0, 0, extents[0].offset + extents[0].length);
  const std::string stored = first.Serialize();
  // A file of the same name pattern that another run wrote is left alone.
  {
    WarcWriter stranger(path, 1ull << 30, "", nullptr);
    WarcExchange x;
    x.target_uri = "http://example.test/other";
    x.capture = Captured("GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK\r\n\r\n", "x");
    REQUIRE(stranger.Write(x).ok());
  }
  const auto stranger_size = fs::file_size(dir.path() + "/s-00002.warc.gz");
  WarcLedger resumed(path);
  auto said = resumed.Prepare(stored, /*with_state=*/true);
  REQUIRE(said.ok());
  CHECK(resumed.state_id() == first.state_id());
  CHECK(fs::file_size(path) == extents[0].offset + extents[0].length);
  CHECK_FALSE(fs::exists(dir.path() + "/s-00001.warc.gz"));
  CHECK(fs::file_size(dir.path() + "/s-00002.warc.gz") == stranger_size);
  CHECK(said.value().size() == 2);
  // The next commit still names the earlier run's file.
  CHECK(resumed.Serialize().find("\"0\":" + std::to_string(extents[0].offset + extents[0].length)) !=
        std::string::npos);
  CHECK_FALSE(resumed.Prepare(std::string("{\"id\":1}"), true).ok());
}

TEST_CASE("The repair takes off a request whose response a kill cut off", "[warc]") {
  TempDir dir;
  const std::string path = dir.path() + "/r.warc.gz";
  std::uint64_t whole = 0;
  {
    WarcWriter writer(path, 1ull << 30, "", nullptr);
    WarcExchange x;
    x.target_uri = "http://example.test/";
    x.capture = Captured("GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK\r\n\r\n", "body");
    auto written = writer.Write(x);
    REQUIRE(written.ok());
    whole = written.value().offset + written.value().length;
    REQUIRE(writer.Close().ok());
  }
  // A request member, whole, then the start of its response.
  bool exists = false;
  {
    const std::string next = dir.path() + "/scratch.warc.gz";
    auto made = WarcFile::Create(next, &exists);
    REQUIRE(made.ok());
    made.value()->Begin();
    made.value()->Add("WARC/1.1\r\nWARC-Type: request\r\nContent-Length: 0\r\n\r\n\r\n\r\n");
    REQUIRE(made.value()->End().ok());
    std::ofstream(path, std::ios::binary | std::ios::app)
        << ReadFile(next) << std::string("\x1f\x8b\x08\x04\0\0\0\0\0\xff\x0c\0FL\x08\0", 16);
  }
  auto repair = RepairWarcFile(path);
  REQUIRE(repair.ok());
  CHECK(repair.value().whole == whole);
  CHECK(fs::file_size(path) == whole);
  // A whole exchange at the end stays.
  auto again = RepairWarcFile(path);
  REQUIRE(again.ok());
  CHECK(again.value().whole == whole);
}

}  // namespace
}  // namespace forage
