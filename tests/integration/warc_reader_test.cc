// The tests' two WARC readers proved on a third party's WARCs: GNU wget
// (--warc-file) fetches pages from the test server, and both our reader
// (support/warc_reader.h, in process and as forage_warc_check) and warcio
// (support/warcio_check.mjs) must read what it wrote. When one of these
// fails, the reader or the fixture is wrong, not forage.
//
// What wget 1.21 writes, found here: WARC/1.0; each record its own gzip
// member; WARC-Target-URI in angle brackets; a request and a response record
// per HTTP exchange (redirect hops included), the response pointing at the
// request with WARC-Concurrent-To; WARC-Payload-Digest over the body exactly
// as received, so a chunked body's digest includes the chunk framing (WARC
// 1.1 section 6.3.2 says the payload has any transfer coding removed) while a
// Content-Encoding is kept, as the spec wants.

#include "support/warc_reader.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "support/child_process.h"
#include "support/find_program.h"
#include "support/forage_run.h"
#include "support/proxy_servers.h"
#include "support/warcio_run.h"

namespace forage::test {
namespace {

using nlohmann::json;

std::string WgetPath() { return FindProgram("wget", "FORAGE_WGET"); }

const std::vector<std::string> kPaths{"/redirect/2", "/chunked?bytes=3000", "/gzip",
                                      "/gzip?chunked=1", "/status/404"};

// wget's WARC of kPaths fetched from `server`, in `dir`; its path.
std::string WgetWarc(const TestServer& server, const TempDir& dir) {
  std::vector<std::string> argv{WgetPath(),
                                "--no-config",
                                "--no-hsts",
                                "--no-proxy",
                                "-q",
                                "--tries=1",
                                "--timeout=10",
                                "-O",
                                "/dev/null",
                                "--warc-file=" + dir.path() + "/wget",
                                "--no-warc-keep-log"};
  for (const std::string& path : kPaths) argv.push_back(server.Url(path));
  ChildProcess wget(argv);
  wget.CloseStdin();
  std::optional<int> exit = wget.Wait(std::chrono::seconds(60));
  INFO(wget.err());
  // 8: the server answered an error (the 404), which wget records all the same.
  REQUIRE((exit == 0 || exit == 8));
  return dir.path() + "/wget.warc.gz";
}

// The one response record for `uri` in `file`.
const WarcRecord& ResponseFor(const WarcFile& file, const std::string& uri) {
  const WarcRecord* found = nullptr;
  for (const WarcRecord& r : file.records) {
    if (r.Type() == "response" && r.TargetUri() == uri) {
      REQUIRE(found == nullptr);
      found = &r;
    }
  }
  INFO(uri);
  REQUIRE(found != nullptr);
  return *found;
}

std::string Joined(const std::vector<std::string>& errors) {
  std::string out;
  for (const std::string& e : errors) out += e + "\n";
  return out;
}

}  // namespace

TEST_CASE("The WARC reader reads what GNU wget writes, redirects and chunks included",
          "[warc][integration]") {
  REQUIRE_PROGRAM(IsExecutable(WgetPath()), "wget");
  TestServer server;
  TempDir dir;
  const std::string path = WgetWarc(server, dir);

  WarcSet set = ReadWarcSet({path}, {.accept_raw_chunked_digest = true});
  INFO(Joined(set.errors));
  REQUIRE(set.ok());
  const WarcFile& file = set.files.at(0);
  REQUIRE(file.records.front().Type() == "warcinfo");
  std::map<std::string, int> types;
  for (const WarcRecord& r : file.records) {
    ++types[r.Type()];
    CHECK(r.version == "WARC/1.0");
  }
  // Eight exchanges: /redirect/2, /redirect/1 and /redirect/0 (302s), the
  // /page/1 they lead to, and the other four paths.
  CHECK(types["request"] == 8);
  CHECK(types["response"] == 8);
  const std::map<std::string, int> statuses{{"/redirect/2", 302},         {"/redirect/1", 302},
                                            {"/redirect/0", 302},         {"/page/1", 200},
                                            {"/chunked?bytes=3000", 200}, {"/gzip", 200},
                                            {"/gzip?chunked=1", 200},     {"/status/404", 404}};
  for (const auto& [p, status] : statuses) {
    INFO(p);
    CHECK(ResponseFor(file, server.Url(p)).http_status == status);
  }

  // The same gzip bytes, chunked or not, are one payload: de-chunked, with
  // Content-Encoding kept.
  const WarcRecord& plain = ResponseFor(file, server.Url("/gzip"));
  const WarcRecord& chunked = ResponseFor(file, server.Url("/gzip?chunked=1"));
  CHECK(plain.payload_sha1 == chunked.payload_sha1);
  CHECK(plain.Field("WARC-Payload-Digest") == plain.payload_sha1);
  CHECK_FALSE(plain.payload_digest_over_raw_body);
  const std::string body = plain.block.substr(plain.block.find("\r\n\r\n") + 4);
  CHECK(body.substr(0, 2) == "\x1f\x8b");  // still gzip: the payload is not decoded
  CHECK(plain.payload_sha1 == Sha1Digest(body));
  // wget digests a chunked body as sent: our strict reading names exactly
  // the two chunked responses.
  CHECK(chunked.payload_digest_over_raw_body);
  CHECK(ResponseFor(file, server.Url("/chunked?bytes=3000")).payload_digest_over_raw_body);
  WarcSet strict = ReadWarcSet({path});
  INFO(Joined(strict.errors));
  REQUIRE(strict.errors.size() == 2);
  for (const std::string& e : strict.errors) {
    CHECK(e.find("WARC-Payload-Digest") != std::string::npos);
    CHECK(e.find("(de-chunked; the chunked body as sent is ") != std::string::npos);
  }
}

TEST_CASE("forage_warc_check prints the records as JSON and fails a bad set",
          "[warc][integration]") {
  REQUIRE_PROGRAM(IsExecutable(WgetPath()), "wget");
  TestServer server;
  TempDir dir;
  const std::string path = WgetWarc(server, dir);

  ChildProcess check({WARC_CHECK_BIN, "--accept-raw-chunked-digest", path});
  check.CloseStdin();
  REQUIRE(check.Wait(std::chrono::seconds(60)) == 0);
  json out = json::parse(check.out());
  CHECK(out["ok"] == true);
  CHECK(out["errors"] == json::array());
  WarcSet set = ReadWarcSet({path}, {.accept_raw_chunked_digest = true});
  REQUIRE(out["records"].size() == set.files.at(0).records.size());
  for (const json& r : out["records"]) {
    CHECK(r.size() == 14);
    for (const char* key :
         {"file", "offset", "length", "type", "id", "target_uri", "date", "status", "concurrent_to",
          "refers_to", "truncated", "payload_sha1", "content_type", "ip"}) {
      CHECK(r.contains(key));
    }
  }
  const json& info = out["records"][0];
  CHECK(info["type"] == "warcinfo");
  CHECK(info["offset"] == 0);
  CHECK(info["status"] == nullptr);
  CHECK(info["target_uri"] == nullptr);
  const json& request = out["records"][1];
  const json& response = out["records"][2];
  CHECK(request["type"] == "request");
  CHECK(response["type"] == "response");
  CHECK(response["offset"] ==
        request["offset"].get<std::uint64_t>() + request["length"].get<std::uint64_t>());
  CHECK(response["target_uri"] == server.Url("/redirect/2"));
  CHECK(response["status"] == 302);
  CHECK(response["concurrent_to"] == json::array({request["id"]}));
  CHECK(response["ip"] == "127.0.0.1");
  CHECK(response["payload_sha1"] == Sha1Digest(""));

  // Read strictly, wget's chunked digests fail the set (exit 1), named.
  ChildProcess strict({WARC_CHECK_BIN, path});
  strict.CloseStdin();
  REQUIRE(strict.Wait(std::chrono::seconds(60)) == 1);
  json failed = json::parse(strict.out());
  CHECK(failed["ok"] == false);
  CHECK(failed["errors"].size() == 2);
  CHECK(failed["records"].size() == out["records"].size());
  // A file that is not there, and no file at all.
  ChildProcess missing({WARC_CHECK_BIN, dir.path() + "/none.warc.gz"});
  missing.CloseStdin();
  CHECK(missing.Wait(std::chrono::seconds(60)) == 1);
  ChildProcess usage({WARC_CHECK_BIN});
  usage.CloseStdin();
  CHECK(usage.Wait(std::chrono::seconds(60)) == 2);
}

TEST_CASE("warcio reads the same wget WARC the same way", "[warc][integration]") {
  REQUIRE_PROGRAM(IsExecutable(WgetPath()), "wget");
  REQUIRE_PROGRAM(WarcioAvailable(), "node with warcio (scripts/install-deps.sh --test)");
  TestServer server;
  TempDir dir;
  const std::string path = WgetWarc(server, dir);
  const std::string script = std::string(FORAGE_SOURCE_DIR) + "/tests/support/warcio_check.mjs";

  ChildProcess node({NodePath(), script, "--accept-raw-chunked-digest", path});
  node.CloseStdin();
  std::optional<int> exit = node.Wait(std::chrono::seconds(60));
  INFO(node.out() << node.err());
  REQUIRE(exit == 0);
  json out = json::parse(node.out());
  CHECK(out["ok"] == true);
  WarcSet set = ReadWarcSet({path}, {.accept_raw_chunked_digest = true});
  const std::vector<WarcRecord>& ours = set.files.at(0).records;
  REQUIRE(out["records"].size() == ours.size());
  for (std::size_t i = 0; i < ours.size(); ++i) {
    const json& theirs = out["records"][i];
    INFO(theirs.dump());
    CHECK(theirs["offset"] == ours[i].offset);
    CHECK(theirs["type"] == ours[i].Type());
    CHECK(theirs["id"] == ours[i].Id());
    CHECK(theirs["status"] == (ours[i].http_status ? json(*ours[i].http_status) : json(nullptr)));
    if (ours[i].Field("WARC-Target-URI")) CHECK(theirs["target_uri"] == ours[i].TargetUri());
    CHECK(theirs["block_digest"] == "ok");
    const bool has_payload_digest = ours[i].Field("WARC-Payload-Digest").has_value();
    CHECK(theirs["payload_digest"] == (!has_payload_digest                    ? "absent"
                                       : ours[i].payload_digest_over_raw_body ? "raw-chunked"
                                                                              : "ok"));
  }

  // Strictly, warcio's reading fails the same two chunked responses.
  ChildProcess strict({NodePath(), script, path});
  strict.CloseStdin();
  REQUIRE(strict.Wait(std::chrono::seconds(60)) == 1);
  CHECK(json::parse(strict.out())["errors"].size() == 2);
}

}  // namespace forage::test
