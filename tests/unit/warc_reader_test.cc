// The tests' WARC reader (support/warc_reader.h) on files built here, byte
// by byte, with zlib: its own gzip member writer, not forage's.

#include "support/gzip.h"
#include "support/warc_reader.h"

#include <zlib.h>

#include <catch2/catch.hpp>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "support/forage_run.h"

namespace forage::test {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

// A record: the version line, `fields`, Content-Length (the block's unless
// `length` says otherwise), the block and CRLFCRLF.
std::string Record(const Fields& fields, const std::string& block, long length = -1,
                   const std::string& version = "WARC/1.1") {
  std::string out = version + "\r\n";
  for (const auto& [name, value] : fields) out += name + ": " + value + "\r\n";
  out += "Content-Length: " + std::to_string(length < 0 ? block.size() : length) + "\r\n\r\n";
  return out + block + "\r\n\r\n";
}

const std::string kInfoId = "<urn:uuid:00000000-0000-4000-8000-000000000001>";
const std::string kRequestId = "<urn:uuid:00000000-0000-4000-8000-000000000002>";
const std::string kResponseId = "<urn:uuid:00000000-0000-4000-8000-000000000003>";
const std::string kDate = "2024-05-06T07:08:09Z";
const std::string kUri = "http://127.0.0.1:8080/page";

std::string Warcinfo() {
  return Record({{"WARC-Type", "warcinfo"},
                 {"WARC-Record-ID", kInfoId},
                 {"WARC-Date", kDate},
                 {"Content-Type", "application/warc-fields"}},
                "software: hand-built\r\n");
}

std::string Request() {
  return Record({{"WARC-Type", "request"},
                 {"WARC-Record-ID", kRequestId},
                 {"WARC-Date", kDate},
                 {"WARC-Target-URI", kUri},
                 {"WARC-Concurrent-To", kResponseId},
                 {"WARC-Warcinfo-ID", kInfoId},
                 {"Content-Type", "application/http; msgtype=request"}},
                "GET /page HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n");
}

// A response record for `uri` with `http` as its block and `extra` fields.
std::string Response(const std::string& http, Fields extra = {}, const std::string& uri = kUri) {
  Fields fields{{"WARC-Type", "response"},
                {"WARC-Record-ID", kResponseId},
                {"warc-date", kDate},  // names are case-insensitive
                {"WARC-Target-URI", uri},
                {"WARC-Warcinfo-ID", kInfoId},
                {"Content-Type", "application/http; msgtype=response"}};
  fields.insert(fields.end(), extra.begin(), extra.end());
  return Record(fields, http);
}

const std::string kBody = "<html><title>hi</title></html>";
const std::string kHttp =
    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 30\r\n\r\n" + kBody;
const std::string kChunkedBody = "a;ext=1\r\n<html><tit\r\n14\r\nle>hi</title></html>\r\n0\r\n\r\n";
const std::string kChunkedHttp =
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: identity\r\n\r\n" +
    kChunkedBody;

bool AnyHas(const std::vector<std::string>& errors, const std::string& needle) {
  for (const std::string& e : errors) {
    if (e.find(needle) != std::string::npos) return true;
  }
  return false;
}

std::string Joined(const std::vector<std::string>& errors) {
  std::string out;
  for (const std::string& e : errors) out += e + "\n";
  return out;
}

}  // namespace

TEST_CASE("Base32 and the sha1 digest follow RFC 4648 and the WARC examples", "[warc]") {
  const std::vector<std::pair<std::string, std::string>> cases{{"", ""},
                                                               {"f", "MY======"},
                                                               {"fo", "MZXQ===="},
                                                               {"foo", "MZXW6==="},
                                                               {"foob", "MZXW6YQ="},
                                                               {"fooba", "MZXW6YTB"},
                                                               {"foobar", "MZXW6YTBOI======"}};
  for (const auto& [in, out] : cases) {
    INFO(in);
    CHECK(Base32(in) == out);
  }
  // SHA-1 of nothing is da39a3ee...0709; 20 bytes are 32 base32 digits, no padding.
  CHECK(Sha1Digest("") == "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
}

TEST_CASE("Dechunk removes chunked framing and refuses bodies that are not chunked", "[warc]") {
  const std::vector<std::pair<std::string, std::optional<std::string>>> cases{
      {"0\r\n\r\n", ""},
      {"3\r\nabc\r\n0\r\n\r\n", "abc"},
      {"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", "abcde"},
      {"A\r\n0123456789\r\n0\r\n\r\n", "0123456789"},
      {"a \t;name=\"v\"\r\n0123456789\r\n0\r\n\r\n", "0123456789"},
      {"3\r\nabc\r\n0\r\nTrailer: x\r\nOther: y\r\n\r\n", "abc"},
      {"003\r\nabc\r\n0000\r\n\r\n", "abc"},
      {"3\r\nabc\r\n\r\n\r\n", std::nullopt},                    // an empty size line
      {"3\r\nabc\r\n0\r\n", std::nullopt},                       // no final CRLF
      {"3\r\nabc\r\n", std::nullopt},                            // no last chunk
      {"4\r\nabc\r\n0\r\n\r\n", std::nullopt},                   // chunk longer than its data
      {"2\r\nabc\r\n0\r\n\r\n", std::nullopt},                   // no CRLF after the chunk
      {"3\nabc\n0\n\n", std::nullopt},                           // bare LFs
      {"x\r\nabc\r\n0\r\n\r\n", std::nullopt},                   // not hex
      {"3x\r\nabc\r\n0\r\n\r\n", std::nullopt},                  // junk after the size
      {"ffffffffffffffffff\r\nabc\r\n0\r\n\r\n", std::nullopt},  // absurd size
      {"3\r\nabc\r\n0\r\n\r\nmore", std::nullopt},               // bytes after the end
      {"<html>", std::nullopt},
      {"", std::nullopt}};
  for (const auto& [in, out] : cases) {
    INFO(in);
    CHECK(Dechunk(in) == out);
  }
}

TEST_CASE("A good two-record gzip file reads with offsets, fields and block", "[warc]") {
  const std::string first = Gzip(Warcinfo());
  const std::string second = Gzip(Response(kHttp, {{"WARC-IP-Address", "127.0.0.1"}}));
  WarcFile file = ParseWarc("good.warc.gz", first + second);
  INFO(Joined(file.errors));
  CHECK(file.errors.empty());
  REQUIRE(file.records.size() == 2);
  const WarcRecord& info = file.records[0];
  CHECK(info.file == "good.warc.gz");
  CHECK(info.offset == 0);
  CHECK(info.length == first.size());
  CHECK(info.version == "WARC/1.1");
  CHECK(info.Type() == "warcinfo");
  CHECK(info.block == "software: hand-built\r\n");
  const WarcRecord& response = file.records[1];
  CHECK(response.offset == first.size());
  CHECK(response.length == second.size());
  CHECK(response.Id() == kResponseId);
  CHECK(response.Field("WARC-DATE") == kDate);
  CHECK(response.Field("WARC-Refers-To") == std::nullopt);
  CHECK(response.fields[0].name == "WARC-Type");
  CHECK(response.fields[2].name == "warc-date");
  CHECK(response.fields.back().name == "Content-Length");
  CHECK(response.block == kHttp);
  CHECK(response.http_status == 200);
  CHECK(response.payload_sha1 == Sha1Digest(kBody));
}

TEST_CASE("An uncompressed WARC reads the same, each record at its own offset", "[warc]") {
  const std::string first = Warcinfo();
  WarcFile file = ParseWarc("plain.warc", first + Response(kHttp));
  INFO(Joined(file.errors));
  CHECK(file.errors.empty());
  REQUIRE(file.records.size() == 2);
  CHECK(file.records[1].offset == first.size());
  CHECK(file.records[1].length == Response(kHttp).size());
}

TEST_CASE("Matching digests pass, WARC 1.0 too", "[warc]") {
  const std::string record = Record({{"WARC-Type", "resource"},
                                     {"WARC-Record-ID", kResponseId},
                                     {"WARC-Date", kDate},
                                     {"WARC-Target-URI", "file:///x"},
                                     {"WARC-Block-Digest", Sha1Digest("data")},
                                     {"WARC-Payload-Digest", Sha1Digest("data")}},
                                    "data", -1, "WARC/1.0");
  WarcFile file = ParseWarc("ok.warc.gz", Gzip(record));
  INFO(Joined(file.errors));
  CHECK(file.errors.empty());
  REQUIRE(file.records.size() == 1);
  CHECK(file.records[0].version == "WARC/1.0");
}

TEST_CASE("A wrong Content-Length is an error naming the file, offset and lengths", "[warc]") {
  const std::string info = Gzip(Warcinfo());
  // Content-Length three bytes too many, then three too few.
  for (long delta : {3L, -3L}) {
    INFO(delta);
    Fields fields{{"WARC-Type", "resource"},
                  {"WARC-Record-ID", kResponseId},
                  {"WARC-Date", kDate},
                  {"WARC-Target-URI", "file:///x"}};
    WarcFile file = ParseWarc("len.warc.gz", info + Gzip(Record(fields, "0123456789", 10 + delta)));
    INFO(Joined(file.errors));
    REQUIRE(file.errors.size() == 1);
    CHECK(AnyHas(file.errors, "len.warc.gz: offset " + std::to_string(info.size()) + ": "));
    CHECK(AnyHas(file.errors, "Content-Length " + std::to_string(10 + delta) +
                                  " does not match the block, which is 10 bytes"));
    CHECK(file.records.size() == 1);
  }
  // Uncompressed, a Content-Length too short leaves the record without its CRLFCRLF.
  WarcFile plain = ParseWarc(
      "len.warc",
      Record({{"WARC-Type", "warcinfo"}, {"WARC-Record-ID", kInfoId}, {"WARC-Date", kDate}},
             "0123456789", 8));
  INFO(Joined(plain.errors));
  CHECK(AnyHas(plain.errors, "len.warc: offset 0: the record does not end with CRLFCRLF"));
}

TEST_CASE("A block digest that does not match is an error", "[warc]") {
  WarcFile file = ParseWarc(
      "bd.warc.gz",
      Gzip(Warcinfo()) + Gzip(Response(kHttp, {{"WARC-Block-Digest", Sha1Digest(kHttp + "x")}})));
  INFO(Joined(file.errors));
  REQUIRE(file.errors.size() == 1);
  CHECK(AnyHas(file.errors, "WARC-Block-Digest " + Sha1Digest(kHttp + "x") +
                                " does not match the block's " + Sha1Digest(kHttp)));
  CHECK(AnyHas(file.errors, "(" + kResponseId + ")"));
  // A good one passes; hex or another algorithm is not what the spec's examples show.
  CHECK(ParseWarc("bd.warc.gz", Gzip(Response(kHttp, {{"WARC-Block-Digest", Sha1Digest(kHttp)}})))
            .errors.empty());
  CHECK(AnyHas(
      ParseWarc("bd.warc.gz", Gzip(Response(kHttp, {{"WARC-Block-Digest", "md5:abc"}}))).errors,
      "is not sha1:BASE32"));
}

TEST_CASE("A payload digest must be over the HTTP entity body", "[warc]") {
  // The whole block is not the payload; the body after the header is.
  WarcFile bad =
      ParseWarc("pd.warc.gz", Gzip(Response(kHttp, {{"WARC-Payload-Digest", Sha1Digest(kHttp)}})));
  INFO(Joined(bad.errors));
  REQUIRE(bad.errors.size() == 1);
  CHECK(AnyHas(bad.errors, "WARC-Payload-Digest " + Sha1Digest(kHttp) +
                               " does not match the payload's " + Sha1Digest(kBody)));
  WarcFile good =
      ParseWarc("pd.warc.gz", Gzip(Response(kHttp, {{"WARC-Payload-Digest", Sha1Digest(kBody)}})));
  CHECK(good.errors.empty());
}

TEST_CASE("A chunked payload is digested de-chunked, its Content-Encoding kept", "[warc]") {
  const std::string entity = "<html><title>hi</title></html>";
  REQUIRE(Dechunk(kChunkedBody) == entity);
  const std::string good =
      Gzip(Response(kChunkedHttp, {{"WARC-Payload-Digest", Sha1Digest(entity)}}));
  WarcFile file = ParseWarc("chunked.warc.gz", good);
  INFO(Joined(file.errors));
  CHECK(file.errors.empty());
  REQUIRE(file.records.size() == 1);
  CHECK(file.records[0].payload_sha1 == Sha1Digest(entity));
  CHECK_FALSE(file.records[0].payload_digest_over_raw_body);

  // The body as sent, chunk framing and all (GNU wget 1.21's digest): an
  // error unless asked to accept it.
  const std::string raw =
      Gzip(Response(kChunkedHttp, {{"WARC-Payload-Digest", Sha1Digest(kChunkedBody)}}));
  WarcFile strict = ParseWarc("raw.warc.gz", raw);
  CHECK(AnyHas(strict.errors,
               "(de-chunked; the chunked body as sent is " + Sha1Digest(kChunkedBody) + ")"));
  WarcFile lenient = ParseWarc("raw.warc.gz", raw, {.accept_raw_chunked_digest = true});
  CHECK(lenient.errors.empty());
  REQUIRE(lenient.records.size() == 1);
  CHECK(lenient.records[0].payload_digest_over_raw_body);

  // A body that does not de-chunk (cut short): its raw digest is accepted.
  const std::string cut = kChunkedHttp.substr(0, kChunkedHttp.size() - 10);
  const std::string cut_body = kChunkedBody.substr(0, kChunkedBody.size() - 10);
  WarcFile torn = ParseWarc("cut.warc.gz",
                            Gzip(Response(cut, {{"WARC-Truncated", "length"},
                                                {"WARC-Payload-Digest", Sha1Digest(cut_body)}})));
  INFO(Joined(torn.errors));
  CHECK(torn.errors.empty());
}

TEST_CASE("A torn last member is an error at its offset", "[warc]") {
  const std::string first = Gzip(Warcinfo());
  const std::string second = Gzip(Response(kHttp));
  for (std::size_t keep : {std::size_t{1}, std::size_t{5}, second.size() / 2, second.size() - 1}) {
    INFO(keep);
    WarcFile file = ParseWarc("torn.warc.gz", first + second.substr(0, keep));
    INFO(Joined(file.errors));
    CHECK(file.records.size() == 1);
    REQUIRE(file.errors.size() == 1);
    if (keep == 1) {
      CHECK(AnyHas(file.errors, "member is not gzip"));  // one byte is not even a magic number
    } else {
      CHECK(AnyHas(file.errors, "torn.warc.gz: offset " + std::to_string(first.size()) +
                                    ": torn member at offset " + std::to_string(first.size())));
    }
  }
}

TEST_CASE("A gzip member holds exactly one whole record", "[warc]") {
  const std::string info = Gzip(Warcinfo());
  WarcFile two = ParseWarc("two.warc.gz", info + Gzip(Request() + Response(kHttp)));
  INFO(Joined(two.errors));
  REQUIRE(two.errors.size() == 1);
  CHECK(AnyHas(two.errors, "two.warc.gz: offset " + std::to_string(info.size()) +
                               ": gzip member holds more than one record"));
  CHECK(two.records.size() == 3);

  const std::string response = Response(kHttp);
  WarcFile partial = ParseWarc("partial.warc.gz", info + Gzip(response.substr(0, 40)));
  INFO(Joined(partial.errors));
  REQUIRE(partial.errors.size() == 1);
  CHECK(AnyHas(partial.errors, "gzip member holds a partial record"));

  WarcFile empty = ParseWarc("empty.warc.gz", info + Gzip(""));
  CHECK(AnyHas(empty.errors, "gzip member holds no record"));
}

TEST_CASE("A member that is not gzip is an error, and so is a file that is not", "[warc]") {
  const std::string info = Gzip(Warcinfo());
  WarcFile file = ParseWarc("mixed.warc.gz", info + Response(kHttp));
  INFO(Joined(file.errors));
  REQUIRE(file.errors.size() == 1);
  CHECK(AnyHas(file.errors, "mixed.warc.gz: offset " + std::to_string(info.size()) +
                                ": member is not gzip: it starts with \"WARC/1.1\\r\\n"));
  CHECK(file.records.size() == 1);
  CHECK(AnyHas(ParseWarc("plain.warc.gz", Warcinfo()).errors, "offset 0: member is not gzip"));
  // Gzip magic over bytes that do not inflate.
  std::string corrupt = Gzip(Response(kHttp));
  for (std::size_t i = 12; i < corrupt.size() - 8; ++i) corrupt[i] = static_cast<char>(0xff);
  CHECK(AnyHas(ParseWarc("bad.warc.gz", info + corrupt).errors, "gzip member is corrupt"));
  CHECK(AnyHas(ParseWarc("junk.warc", "hello").errors, "no WARC version line"));
  CHECK(AnyHas(ParseWarc("none.warc.gz", "").errors, "none.warc.gz: the file is empty"));
}

TEST_CASE("Record headers are checked against the spec", "[warc]") {
  struct Case {
    std::string what;
    std::string record;
    std::string error;
  };
  auto with = [](Fields fields, const std::string& version = "WARC/1.1") {
    return Record(fields, "x", -1, version);
  };
  const Fields base{{"WARC-Type", "metadata"}, {"WARC-Record-ID", kInfoId}, {"WARC-Date", kDate}};
  auto replace = [&](const std::string& name, const std::string& value) {
    Fields f;
    for (const auto& field : base) {
      if (field.first != name) f.push_back(field);
    }
    if (!value.empty()) f.push_back({name, value});
    return f;
  };
  auto plus = [&](const std::string& name, const std::string& value) {
    Fields f = base;
    f.push_back({name, value});
    return f;
  };
  const std::vector<Case> cases{
      {"version", with(base, "WARC/2.0"), "version line \"WARC/2.0\" is neither"},
      {"no id", with(replace("WARC-Record-ID", "")), "mandatory field WARC-Record-ID is missing"},
      {"bare id", with(replace("WARC-Record-ID", "urn:uuid:1")), "is not a URI in angle brackets"},
      {"no date", with(replace("WARC-Date", "")), "mandatory field WARC-Date is missing"},
      {"no type", with(replace("WARC-Type", "")), "mandatory field WARC-Type is missing"},
      {"local date", with(replace("WARC-Date", "2024-05-06T07:08:09+02:00")), "is not YYYY-MM-DD"},
      {"date only", with(replace("WARC-Date", "2024-05-06")), "is not YYYY-MM-DD"},
      {"month 13", with(replace("WARC-Date", "2024-13-06T07:08:09Z")), "is out of range"},
      {"fraction in 1.0", with(replace("WARC-Date", "2024-05-06T07:08:09.5Z"), "WARC/1.0"),
       "WARC/1.0 does not allow"},
      {"truncated", with(plus("WARC-Truncated", "because")),
       "WARC-Truncated \"because\" is none of"},
      {"repeated", with(plus("warc-type", "resource")), "field warc-type repeats"},
      {"bad link", with(plus("WARC-Refers-To", "nope")),
       "WARC-Refers-To \"nope\" is not a record ID"},
      {"no target",
       Record({{"WARC-Type", "resource"}, {"WARC-Record-ID", kInfoId}, {"WARC-Date", kDate}}, "x"),
       "a resource record needs a WARC-Target-URI"},
      {"bad status", Response("HTTP/1.1 OK\r\n\r\n"),
       "HTTP status line \"HTTP/1.1 OK\" is malformed"},
      {"no http end", Response("HTTP/1.1 200 OK\r\n"), "has no CRLFCRLF ending its HTTP header"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    WarcFile file = ParseWarc("h.warc.gz", Gzip(c.record));
    INFO(Joined(file.errors));
    CHECK(AnyHas(file.errors, c.error));
  }
  // A fraction of a second is WARC/1.1's, and every WARC-Truncated reason passes.
  CHECK(ParseWarc("h.warc", with(replace("WARC-Date", "2024-05-06T07:08:09.123456Z")))
            .errors.empty());
  for (const char* reason : {"length", "time", "disconnect", "unspecified"}) {
    CHECK(ParseWarc("h.warc", with(plus("WARC-Truncated", reason))).errors.empty());
  }
}

TEST_CASE("A revisit record has a profile and only the HTTP header", "[warc]") {
  const std::string not_modified = "http://netpreserve.org/warc/1.1/revisit/server-not-modified";
  auto revisit = [](const std::string& http, const std::optional<std::string>& profile) {
    Fields fields{{"WARC-Type", "revisit"},
                  {"WARC-Record-ID", kResponseId},
                  {"WARC-Date", kDate},
                  {"WARC-Target-URI", kUri},
                  {"Content-Type", "application/http; msgtype=response"}};
    if (profile) fields.push_back({"WARC-Profile", *profile});
    return Gzip(Record(fields, http));
  };
  const std::string head304 = "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n";
  WarcFile good = ParseWarc("r.warc.gz", revisit(head304, not_modified));
  INFO(Joined(good.errors));
  CHECK(good.errors.empty());
  REQUIRE(good.records.size() == 1);
  CHECK(good.records[0].http_status == 304);
  CHECK(good.records[0].payload_sha1.empty());
  CHECK(AnyHas(ParseWarc("r.warc.gz", revisit(head304, std::nullopt)).errors,
               "the revisit record has no WARC-Profile"));
  CHECK(AnyHas(
      ParseWarc(
          "r.warc.gz",
          revisit(head304, "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"))
          .errors,
      "the revisit record of a 304 has WARC-Profile"));
  CHECK(AnyHas(ParseWarc("r.warc.gz", revisit(head304 + "body", not_modified)).errors,
               "holds 4 bytes after the HTTP header"));
}

TEST_CASE("A set has unique IDs, resolvable links, warcinfo first and paired requests", "[warc]") {
  auto set_of = [](std::vector<std::string> files) {
    WarcSet set;
    int n = 0;
    for (const std::string& bytes : files) {
      set.files.push_back(ParseWarc("f" + std::to_string(n++) + ".warc.gz", bytes));
      for (const std::string& e : set.files.back().errors) set.errors.push_back(e);
    }
    CheckWarcSet(set);
    return set;
  };
  const std::string info = Gzip(Warcinfo());
  const std::string linked_response = Gzip(Response(kHttp, {{"WARC-Concurrent-To", kRequestId}}));
  WarcSet good = set_of({info + Gzip(Request()) + Gzip(Response(kHttp))});
  INFO(Joined(good.errors));
  CHECK(good.ok());
  // The link may go either way, and across files.
  WarcSet across = set_of(
      {info + linked_response,
       Gzip(Record(
           {{"WARC-Type", "warcinfo"}, {"WARC-Record-ID", "<urn:x:info2>"}, {"WARC-Date", kDate}},
           "")) +
           Gzip(Record({{"WARC-Type", "request"},
                        {"WARC-Record-ID", kRequestId},
                        {"WARC-Date", kDate},
                        {"WARC-Target-URI", kUri},
                        {"Content-Type", "application/http; msgtype=request"}},
                       "GET / HTTP/1.1\r\n\r\n"))});
  INFO(Joined(across.errors));
  CHECK(across.ok());

  WarcSet alone = set_of({info + Gzip(Response(kHttp))});
  CHECK(AnyHas(alone.errors, "no request record for " + kUri + " is linked to it"));
  WarcSet dangling = set_of({info + Gzip(Request())});
  CHECK(AnyHas(dangling.errors, "WARC-Concurrent-To " + kResponseId + " names no record"));
  WarcSet no_info = set_of({Gzip(Request()) + Gzip(Response(kHttp))});
  CHECK(AnyHas(no_info.errors, "f0.warc.gz: does not begin with a warcinfo record"));
  CHECK(AnyHas(no_info.errors, "WARC-Warcinfo-ID " + kInfoId + " names no warcinfo record"));
  WarcSet twice = set_of({info + Gzip(Request()) + Gzip(Response(kHttp)), info});
  CHECK(AnyHas(twice.errors, "f1.warc.gz: offset 0: record ID " + kInfoId +
                                 " is already used at f0.warc.gz offset 0"));
  WarcSet wrong_uri = set_of({info + Gzip(Request()) + Gzip(Response(kHttp, {}, kUri + "?other"))});
  CHECK(AnyHas(wrong_uri.errors, "no request record for " + kUri + "?other is linked to it"));
  // wget's WARC/1.0 target URIs come in angle brackets; they name the same URI.
  WarcSet bracketed =
      set_of({info + Gzip(Request()) + Gzip(Response(kHttp, {}, "<" + kUri + ">"))});
  INFO(Joined(bracketed.errors));
  CHECK(bracketed.ok());
  CHECK(AnyHas(set_of({""}).errors, "f0.warc.gz: holds no record"));
}

TEST_CASE("ReadWarcSet reads files from disk and names one it cannot open", "[warc]") {
  TempDir dir;
  const std::string path =
      dir.Write("a.warc.gz", Gzip(Warcinfo()) + Gzip(Request()) + Gzip(Response(kHttp)));
  WarcSet set = ReadWarcSet({path});
  INFO(Joined(set.errors));
  CHECK(set.ok());
  REQUIRE(set.files.size() == 1);
  CHECK(set.files[0].records.size() == 3);
  CHECK(set.files[0].records[2].file == path);
  WarcSet missing = ReadWarcSet({path, dir.path() + "/nope.warc.gz"});
  CHECK(AnyHas(missing.errors, dir.path() + "/nope.warc.gz: cannot be opened"));
}

TEST_CASE("Corrupted and cut WARC bytes give errors, never a crash", "[warc][heavy]") {
  // Deterministic damage to a good file, plain and gzip: flipped bytes,
  // cuts and splices. Under the sanitizers this finds any read out of bounds
  // ([heavy]: the ASan suite runs it, valgrind would take minutes).
  const std::string plain = Warcinfo() + Request() + Response(kChunkedHttp);
  const std::string gzip = Gzip(Warcinfo()) + Gzip(Request()) + Gzip(Response(kChunkedHttp));
  std::mt19937 rng(1234);
  for (const std::string* good : {&plain, &gzip}) {
    const std::string name = good == &plain ? "fuzz.warc" : "fuzz.warc.gz";
    for (int round = 0; round < 1500; ++round) {
      std::string bytes = *good;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !bytes.empty(); ++e) {
        std::size_t at = rng() % bytes.size();
        switch (rng() % 3) {
          case 0:
            bytes[at] = static_cast<char>(rng());
            break;
          case 1:
            bytes.resize(at);
            break;
          default:
            bytes.insert(at, bytes.substr(rng() % bytes.size(), rng() % 64));
            break;
        }
      }
      WarcFile file = ParseWarc(name, bytes);
      if (bytes != *good && file.errors.empty()) {
        // Undamaged in effect (say, a byte replaced by itself or in a field value).
        CHECK(file.records.size() <= 3);
      }
      (void)Dechunk(bytes);
    }
  }
}

}  // namespace forage::test
