// --warc end to end: the real forage binary archives the test server's pages,
// and every file it writes is read back by two readers that share nothing
// with its writer: ours (support/warc_reader.h), strictly (a chunked body's
// payload digest must be over the de-chunked body), and warcio when it is
// installed. Each case names what it proves; kills are synchronised on the
// server's "HELD"/"GOT" lines or on the files themselves, polled with a
// deadline.

#include <curl/curl.h>
#include <signal.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "support/find_program.h"
#include "support/forage_run.h"
#include "support/proxy_servers.h"
#include "support/warc_reader.h"
#include "support/warcio_run.h"

namespace forage::test {
namespace {

using nlohmann::json;

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

// The files of the set `stem` in `dir` (stem.warc.gz, stem-NNNNN.warc.gz),
// full paths.
std::vector<std::string> SetFiles(const std::string& dir, const std::string& stem) {
  std::vector<std::string> out;
  for (const std::string& name : ListDir(dir)) {
    if (name.rfind(stem, 0) == 0 && name.size() > 8 &&
        name.compare(name.size() - 8, 8, ".warc.gz") == 0) {
      out.push_back(dir + "/" + name);
    }
  }
  // In the set's order: PATH.warc.gz, then PATH-00001.warc.gz and on.
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  return out;
}

// Reads `paths` as one set with both readers and fails the test unless both
// find it good: ours strictly, then warcio (when installed), which must see
// the same records with matching digests.
WarcSet ReadBoth(const std::vector<std::string>& paths) {
  REQUIRE_FALSE(paths.empty());
  WarcSet set = ReadWarcSet(paths);
  {
    INFO(Joined(set.errors));
    REQUIRE(set.ok());
  }
  if (!WarcioAvailable()) {
    WARN(
        "node with warcio is not installed (npm ci --prefix tests/support/warcio): "
        "the files were read by our reader alone");
    return set;
  }
  WarcioResult warcio = RunWarcio(paths);
  INFO(warcio.err << warcio.out.dump());
  REQUIRE(warcio.exit_code == 0);
  REQUIRE(warcio.out["ok"] == true);
  std::vector<const WarcRecord*> ours;
  for (const WarcFile& file : set.files) {
    for (const WarcRecord& r : file.records) ours.push_back(&r);
  }
  REQUIRE(warcio.out["records"].size() == ours.size());
  for (std::size_t i = 0; i < ours.size(); ++i) {
    const json& theirs = warcio.out["records"][i];
    const WarcRecord& r = *ours[i];
    INFO(theirs.dump());
    CHECK(theirs["offset"] == r.offset);
    CHECK(theirs["type"] == r.Type());
    CHECK(theirs["id"] == r.Id());
    CHECK(theirs["status"] == (r.http_status ? json(*r.http_status) : json(nullptr)));
    if (r.Field("WARC-Target-URI")) CHECK(theirs["target_uri"] == r.TargetUri());
    CHECK(theirs["block_digest"] == (r.Field("WARC-Block-Digest") ? "ok" : "absent"));
    const std::string expected = r.Type() == "revisit"             ? "skipped"
                                 : !r.Field("WARC-Payload-Digest") ? "absent"
                                                                   : "ok";
    CHECK(theirs["payload_digest"] == expected);
  }
  return set;
}

std::vector<const WarcRecord*> OfType(const WarcSet& set, const std::string& type) {
  std::vector<const WarcRecord*> out;
  for (const WarcFile& file : set.files) {
    for (const WarcRecord& r : file.records) {
      if (r.Type() == type) out.push_back(&r);
    }
  }
  return out;
}

// Response records by their Target-URI.
std::map<std::string, std::vector<const WarcRecord*>> ResponsesByUri(const WarcSet& set) {
  std::map<std::string, std::vector<const WarcRecord*>> out;
  for (const WarcRecord* r : OfType(set, "response")) out[r->TargetUri()].push_back(r);
  return out;
}

// The one response record for `uri`.
const WarcRecord& ResponseFor(const WarcSet& set, const std::string& uri) {
  auto by_uri = ResponsesByUri(set);
  INFO(uri);
  REQUIRE(by_uri[uri].size() == 1);
  return *by_uri[uri].front();
}

std::string HttpHead(const WarcRecord& r) {
  return r.block.substr(0, r.block.find("\r\n\r\n") + 4);
}
std::string HttpBody(const WarcRecord& r) { return r.block.substr(r.block.find("\r\n\r\n") + 4); }

std::size_t CountWithStatus(const std::vector<json>& records) {
  return static_cast<std::size_t>(std::count_if(
      records.begin(), records.end(), [](const json& r) { return !r["status"].is_null(); }));
}

// Every response record's URI once, and as many as there are records with
// a status plus `hops` redirect hops: no exchange is archived twice, none
// is missing.
void CheckOneResponseEach(const WarcSet& set, const std::vector<json>& records, std::size_t hops) {
  for (const auto& [uri, responses] : ResponsesByUri(set)) {
    INFO(uri);
    CHECK(responses.size() == 1);
  }
  CHECK(OfType(set, "response").size() == CountWithStatus(records) + hops);
}

// All the members of a .warc.gz inflated, one after another.
std::string Gunzip(const std::string& bytes) {
  std::string out;
  z_stream z{};
  REQUIRE(inflateInit2(&z, 15 + 16) == Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  char buffer[64 * 1024];
  while (z.avail_in > 0) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    const int rc = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - z.avail_out);
    if (rc == Z_STREAM_END) {
      inflateReset(&z);  // the next member
    } else if (rc != Z_OK) {
      break;
    }
  }
  inflateEnd(&z);
  return out;
}

std::size_t OnCurlBody(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// The body `url` answers, as sent: libcurl with no content decoding.
std::string RawBody(const std::string& url) {
  std::string body;
  CURL* h = curl_easy_init();
  REQUIRE(h != nullptr);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnCurlBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 20L);
  curl_easy_setopt(h, CURLOPT_PROXY, "");
  const CURLcode rc = curl_easy_perform(h);
  curl_easy_cleanup(h);
  REQUIRE(rc == CURLE_OK);
  return body;
}

std::uint64_t FileSize(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

// Waits until `done` holds or `timeout` passes, looking again whenever a
// file in `dir` is written or made (inotify), not on a clock.
template <typename Done>
bool WaitForFiles(const std::string& dir, Done done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const int fd = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  REQUIRE(fd >= 0);
  REQUIRE(::inotify_add_watch(fd, dir.c_str(), IN_MODIFY | IN_CREATE) >= 0);
  bool held = done();
  while (!held) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) > 0) {
      char events[4096];
      while (::read(fd, events, sizeof events) > 0) {
      }
    }
    held = done();
  }
  ::close(fd);
  return held;
}

}  // namespace

TEST_CASE("With --warc a depth crawl archives every exchange as sent, redirect hops included",
          "[integration][warc]") {
  TestServer server;
  TempDir dir;
  const std::string seed =
      server.Url("/links?l=/gzip&l=" + Escape("/gzip?chunked=1") +
                 "&l=" + Escape("/chunked?bytes=3000") + "&l=/redirect/2&l=/status/404");
  ForageRun run = RunForage({"-d", "1", "--warc", dir.path() + "/crawl", "--url", seed});
  INFO(run.err);
  REQUIRE(run.exit_code.has_value());
  // Six records: the seed, the four pages below it and the redirect chain's end.
  REQUIRE(run.records.size() == 6);
  auto by_url = run.ByUrl();
  CHECK(by_url[server.Url("/redirect/2")]["final_url"] == server.Url("/page/1"));
  CHECK(by_url[server.Url("/status/404")]["status"] == 404);

  // A file per fetcher that archived something.
  const std::vector<std::string> files = SetFiles(dir.path(), "crawl");
  REQUIRE_FALSE(files.empty());
  CHECK(files[0] == dir.path() + "/crawl.warc.gz");
  WarcSet set = ReadBoth(files);
  for (const WarcFile& file : set.files) CHECK(file.records.front().Type() == "warcinfo");

  // One response per record with a status, plus the chain's three 302 hops,
  // each its own request/response pair (the reader checks the pairing).
  CheckOneResponseEach(set, run.records, 3);
  CHECK(OfType(set, "request").size() == OfType(set, "response").size());
  const std::map<std::string, int> statuses{{"/redirect/2", 302}, {"/redirect/1", 302},
                                            {"/redirect/0", 302}, {"/page/1", 200},
                                            {"/status/404", 404}, {"/gzip", 200}};
  for (const auto& [path, status] : statuses) {
    INFO(path);
    CHECK(ResponseFor(set, server.Url(path)).http_status == status);
  }
  for (const WarcRecord* r : OfType(set, "request")) CHECK_FALSE(Has(r->TargetUri(), "robots.txt"));
  for (const WarcRecord* r : OfType(set, "response"))
    CHECK_FALSE(Has(r->TargetUri(), "robots.txt"));

  // gzip kept as the server sent it: Content-Encoding in the block, and the
  // payload digest that of the gzip bytes, chunked or not.
  const std::string sent = RawBody(server.Url("/gzip"));
  REQUIRE(sent.substr(0, 2) == "\x1f\x8b");
  const WarcRecord& gzip = ResponseFor(set, server.Url("/gzip"));
  CHECK(Has(Lower(HttpHead(gzip)), "\r\ncontent-encoding: gzip\r\n"));
  CHECK(HttpBody(gzip) == sent);
  CHECK(gzip.Value("WARC-Payload-Digest") == Sha1Digest(sent));
  const WarcRecord& gzip_chunked = ResponseFor(set, server.Url("/gzip?chunked=1"));
  CHECK(Has(Lower(HttpHead(gzip_chunked)), "\r\ntransfer-encoding: chunked\r\n"));
  CHECK(HttpBody(gzip_chunked).substr(0, 4) == "64\r\n");  // 100-byte chunks, framing kept
  CHECK(Dechunk(HttpBody(gzip_chunked)) == sent);
  CHECK(gzip_chunked.Value("WARC-Payload-Digest") == Sha1Digest(sent));

  // A chunked body keeps its framing; its payload digest is over the
  // de-chunked body (WARC 1.1 section 6.3.2).
  const WarcRecord& chunked = ResponseFor(set, server.Url("/chunked?bytes=3000"));
  CHECK(Has(Lower(HttpHead(chunked)), "\r\ntransfer-encoding: chunked\r\n"));
  const std::string body = HttpBody(chunked);
  CHECK(body.size() >= 5);
  CHECK(body.substr(body.size() - 5) == "0\r\n\r\n");
  std::optional<std::string> dechunked = Dechunk(body);
  REQUIRE(dechunked.has_value());
  CHECK(dechunked->size() < body.size());
  CHECK(chunked.Value("WARC-Payload-Digest") == Sha1Digest(*dechunked));

  // A metadata record per page with links, its outlinks the record's links.
  std::map<std::string, std::vector<std::string>> outlinks;
  for (const WarcRecord* m : OfType(set, "metadata")) {
    INFO(m->TargetUri());
    CHECK(outlinks.count(m->TargetUri()) == 0);
    std::vector<std::string>& links = outlinks[m->TargetUri()];
    std::size_t at = 0;
    while (at < m->block.size()) {
      std::size_t end = m->block.find("\r\n", at);
      REQUIRE(end != std::string::npos);
      const std::string line = m->block.substr(at, end - at);
      REQUIRE(line.rfind("outlink: ", 0) == 0);
      links.push_back(line.substr(9));
      at = end + 2;
    }
    // Tied to its page's response.
    REQUIRE(m->Fields("WARC-Concurrent-To").size() == 1);
    CHECK(m->Fields("WARC-Concurrent-To")[0] == ResponseFor(set, m->TargetUri()).Id());
  }
  std::size_t with_links = 0;
  for (const json& r : run.records) {
    if (r["links"].empty()) continue;
    ++with_links;
    const std::string page = r["final_url"].is_null() ? r["url"] : r["final_url"];
    INFO(page);
    CHECK(json(outlinks[page]) == r["links"]);
  }
  CHECK(with_links >= 3);  // the seed, /page/1 and /gzip
  CHECK(outlinks.size() == with_links);
}

TEST_CASE("With --warc a body cut at --max-bytes is archived as far as it came, marked truncated",
          "[integration][warc]") {
  TestServer server;
  TempDir dir;
  // /random: 300 KiB no one can compress; /big: 300 KiB of 'x' the server
  // gzips, cut when it inflates past the limit.
  const std::string random = server.Url("/random?bytes=307200");
  const std::string big = server.Url("/big?bytes=307200");
  ForageRun run = RunForage({"--max-bytes", "100k", "--no-robots", "--warc", dir.path() + "/cut",
                             "--url", random, "--url", big});
  INFO(run.err);
  REQUIRE(run.records.size() == 2);
  for (const json& r : run.records) {
    INFO(r.dump());
    CHECK(r["ok"] == false);
    CHECK(r["error"]["kind"] == "too_large");
  }
  WarcSet set = ReadBoth(SetFiles(dir.path(), "cut"));
  CheckOneResponseEach(set, run.records, 0);
  for (const std::string& url : {random, big}) {
    INFO(url);
    const WarcRecord& r = ResponseFor(set, url);
    CHECK(r.http_status == 200);
    CHECK(r.Value("WARC-Truncated") == "length");
  }
  const std::string kept = HttpBody(ResponseFor(set, random));
  CHECK(kept.size() >= 100 * 1024 / 2);  // what came, as it came...
  CHECK(kept.size() < 307200);           // ...but not the whole body
  CHECK(RawBody(random).substr(0, kept.size()) == kept);
}

TEST_CASE("With --warc a 304 on a later run is a revisit record in new files of the same set",
          "[integration][warc]") {
  TestServer server;
  TempDir dir;
  const std::string warc = dir.path() + "/runs";
  const std::vector<std::string> args = {
      "--no-robots", "--state", dir.path() + "/state.db", "--recrawl-after", "0", "--warc",
      warc,          "--url",   server.Url("/cond/w")};
  ForageRun first = RunForage(args);
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  REQUIRE(first.records.size() == 1);
  CHECK(first.records[0]["status"] == 200);
  const std::vector<std::string> first_files = SetFiles(dir.path(), "runs");
  REQUIRE(first_files == std::vector<std::string>{warc + ".warc.gz"});
  const std::string first_bytes = ReadFile(first_files[0]);
  WarcSet before = ReadBoth(first_files);
  const WarcRecord& original = ResponseFor(before, server.Url("/cond/w"));
  CHECK(original.http_status == 200);

  ForageRun second = RunForage(args);
  INFO(second.err);
  REQUIRE(second.exit_code == 0);
  REQUIRE(second.records.size() == 1);
  CHECK(second.records[0]["status"] == 304);
  CHECK(second.records[0]["unchanged"] == true);

  const std::vector<std::string> files = SetFiles(dir.path(), "runs");
  REQUIRE(files == std::vector<std::string>{warc + ".warc.gz", warc + "-00001.warc.gz"});
  CHECK(ReadFile(files[0]) == first_bytes);  // the first run's file is untouched
  WarcSet set = ReadBoth(files);             // ids unique, pairs, across both runs
  const std::vector<const WarcRecord*> revisits = OfType(set, "revisit");
  REQUIRE(revisits.size() == 1);
  const WarcRecord& revisit = *revisits[0];
  CHECK(revisit.file == files[1]);
  CHECK(revisit.TargetUri() == server.Url("/cond/w"));
  CHECK(revisit.http_status == 304);
  CHECK(revisit.Value("WARC-Profile") ==
        "http://netpreserve.org/warc/1.1/revisit/server-not-modified");
  CHECK(Has(Lower(HttpHead(revisit)), "\r\netag: \"w-v1\"\r\n"));
  CHECK(HttpBody(revisit).empty());
  // The conditional request that got the 304, with the first response's validator.
  std::vector<const WarcRecord*> requests = OfType(set, "request");
  REQUIRE(requests.size() == 2);
  CHECK(requests[1]->file == files[1]);
  CHECK(Has(Lower(requests[1]->block), "\r\nif-none-match: \"w-v1\"\r\n"));
  CHECK(OfType(set, "response").size() == 1);
}

TEST_CASE("With --warc-max-size the set rotates to new files, each starting with warcinfo",
          "[integration][warc]") {
  TestServer server;
  TempDir dir;
  std::vector<std::string> args = {"--no-robots",      "-j", "2", "--warc-max-size", "1k", "--warc",
                                   dir.path() + "/rot"};
  constexpr int kPages = 12;
  for (int i = 0; i < kPages; ++i) {
    args.push_back("--url");
    args.push_back(server.Url("/page/" + std::to_string(i)));
  }
  ForageRun run = RunForage(args);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  REQUIRE(run.records.size() == kPages);
  const std::vector<std::string> files = SetFiles(dir.path(), "rot");
  CHECK(files.size() >= 3);
  WarcSet set = ReadBoth(files);
  CheckOneResponseEach(set, run.records, 0);
  for (const WarcFile& file : set.files) {
    INFO(file.path);
    REQUIRE(file.records.size() >= 2);  // no file without an exchange
    const WarcRecord& info = file.records.front();
    CHECK(info.Type() == "warcinfo");
    CHECK(dir.path() + "/" + info.Value("WARC-Filename") == file.path);
    for (std::size_t i = 1; i < file.records.size(); ++i) {
      CHECK(file.records[i].Value("WARC-Warcinfo-ID") == info.Id());
      // Rotation comes between exchanges, never inside one: a file begins
      // with a request after its warcinfo, and past 1k holds no new one.
      if (file.records[i].Type() == "request" && i > 1) CHECK(file.records[i].offset < 1024);
    }
    CHECK(file.records[1].Type() == "request");
  }
}

TEST_CASE(
    "With --warc fetchers SIGKILLed while transfers are in flight leave every exchange archived "
    "once",
    "[integration][warc]") {
  TestServer server;
  TempDir dir;
  // Pages the fetchers finish, then held requests filling all 8 slots, then
  // pages behind them.
  std::string list;
  for (int i = 0; i < 12; ++i) list += server.Url("/page/" + std::to_string(i)) + "\n";
  for (int i = 0; i < 8; ++i) list += server.Url("/hold/" + std::to_string(i)) + "\n";
  for (int i = 12; i < 42; ++i) list += server.Url("/page/" + std::to_string(i)) + "\n";
  ChildProcess forage(ForageCommand({"--per-host", "100", "-j", "2", "-c", "4", "--no-robots",
                                     "--warc", dir.path() + "/kill", dir.Write("list.txt", list)}));
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 8; ++i) {
      INFO("round " << round << ": waiting for held request " << i + 1);
      REQUIRE(server.WaitFor("HELD ", 20s));
    }
    if (round == 1) break;
    std::vector<pid_t> fetchers = ChildrenOf(forage.pid());
    REQUIRE(fetchers.size() == 2);
    for (pid_t pid : fetchers) ::kill(pid, SIGKILL);
  }
  server.Release();
  REQUIRE(forage.Wait(60s) == 0);
  std::vector<json> records = ParseRecords(forage.out());
  REQUIRE(records.size() == 50);
  for (const json& r : records) CHECK(r["ok"] == true);

  const std::vector<std::string> files = SetFiles(dir.path(), "kill");
  CHECK(files.size() >= 3);  // the dead fetchers' files, and their successors'
  WarcSet set = ReadBoth(files);
  CheckOneResponseEach(set, records, 0);
  for (const json& r : records) {
    INFO(r["url"]);
    CHECK(ResponsesByUri(set)[r["url"]].size() == 1);
  }
}

TEST_CASE("With --warc fetchers SIGKILLed again and again leave no exchange archived twice",
          "[integration][warc]") {
  TestServer server({"--log-requests"});
  TempDir dir;
  std::string list;
  constexpr int kUrls = 120;
  for (int i = 0; i < kUrls; ++i)
    list += server.Url("/slow/" + std::to_string(i) + "?ms=20") + "\n";
  ChildProcess forage(
      ForageCommand({"--per-host", "100", "-j", "2", "-c", "4", "-q", "--no-robots", "--warc",
                     dir.path() + "/again", dir.Write("list.txt", list)}));
  // A random fetcher killed at every 10th request, with transfers in flight
  // and records written whose results the master may not have taken, until
  // the run makes no request for 5 s (it is over).
  std::mt19937 rng(11);
  int requests = 0, kills = 0;
  while (server.WaitFor("GOT ", 5s)) {
    if (++requests % 10 != 0) continue;
    std::vector<pid_t> kids = ChildrenOf(forage.pid());
    if (kids.empty()) continue;
    ::kill(kids[rng() % kids.size()], SIGKILL);
    ++kills;
  }
  std::optional<int> code = forage.Wait(60s);
  INFO(forage.err());
  REQUIRE(code.has_value());
  CHECK(kills >= 5);
  std::vector<json> records = ParseRecords(forage.out());
  CHECK(records.size() == kUrls);
  WarcSet set = ReadBoth(SetFiles(dir.path(), "again"));
  CheckOneResponseEach(set, records, 0);
  // Exactly the URLs with a status have a response.
  for (const json& r : records) {
    INFO(r.dump());
    CHECK(ResponsesByUri(set)[r["url"]].size() == (r["status"].is_null() ? 0u : 1u));
  }
}

TEST_CASE("With --warc a master SIGKILLed inside a record leaves a set the next run repairs",
          "[integration][warc]") {
  TestServer server;
  TempDir dir;
  const std::string warc = dir.path() + "/torn";
  const std::string file = warc + ".warc.gz";
  // 32 MiB nothing compresses: the response record takes a while to write,
  // and the kill lands once a few MiB of it are in the file.
  ChildProcess first(ForageCommand({"--no-robots", "--max-bytes", "64M", "--warc", warc, "--url",
                                    server.Url("/random?bytes=33554432")}));
  REQUIRE(WaitForFiles(dir.path(), [&] { return FileSize(file) > 4 * 1024 * 1024; }, 60s));
  const std::vector<pid_t> fetchers = ChildrenOf(first.pid());
  first.Signal(SIGKILL);
  REQUIRE(first.Wait(10s) == 128 + SIGKILL);
  for (pid_t pid : fetchers) REQUIRE(WaitGone(pid, 10s));
  const std::uint64_t torn_size = FileSize(file);
  // The kill landed inside the response record: the file ends torn.
  WarcFile torn = ReadWarcFile(file);
  INFO(Joined(torn.errors));
  REQUIRE_FALSE(torn.errors.empty());
  REQUIRE(torn_size < 33554432);

  ForageRun second = RunForage({"--no-robots", "--warc", warc, "--url", server.Url("/page/1")});
  INFO(second.err);
  REQUIRE(second.exit_code == 0);
  CHECK(Has(second.err, "--warc: cut " + file + " back to its last whole record"));
  CHECK(FileSize(file) < torn_size);
  // What is left ends with a whole exchange: the torn response's request,
  // whose WARC-Concurrent-To names a record no longer there, went with it.
  WarcFile repaired = ReadWarcFile(file);
  CHECK(repaired.errors.empty());
  REQUIRE_FALSE(repaired.records.empty());
  CHECK(repaired.records.back().Type() != "request");
  const std::vector<std::string> files = SetFiles(dir.path(), "torn");
  REQUIRE(files == std::vector<std::string>{file, warc + "-00001.warc.gz"});
  WarcSet set = ReadBoth(files);
  CHECK(ResponseFor(set, server.Url("/page/1")).http_status == 200);
  CHECK(ResponsesByUri(set).count(server.Url("/random?bytes=33554432")) == 0);
}

TEST_CASE("With --warc and --state a master SIGKILLed mid-pass resumes with no exchange twice",
          "[integration][warc]") {
  TestServer server;
  TempDir dir;
  std::string list;
  constexpr int kUrls = 150;
  for (int i = 0; i < kUrls; ++i) list += server.Url("/slow/" + std::to_string(i) + "?ms=60") + "\n";
  const std::string urls = dir.Write("list.txt", list);
  const std::string out = dir.path() + "/out.jsonl";
  const std::vector<std::string> args = {"--per-host", "4", "-j", "2", "-c", "4", "-q",
                                         "--no-robots", "--warc", dir.path() + "/pass",
                                         "--state", dir.path() + "/state.db", "-o", out, urls};
  auto archived = [&] {
    std::uint64_t total = 0;
    for (const std::string& f : SetFiles(dir.path(), "pass")) total += FileSize(f);
    return total;
  };
  // Killed well into the pass: past the state's first commit (about a
  // second in), with exchanges written since that it did not commit.
  ChildProcess first(ForageCommand(args));
  REQUIRE(WaitForFiles(dir.path(), [&] { return archived() > 60 * 1024; }, 60s));
  const std::vector<pid_t> fetchers = ChildrenOf(first.pid());
  first.Signal(SIGKILL);
  REQUIRE(first.Wait(10s) == 128 + SIGKILL);
  for (pid_t pid : fetchers) REQUIRE(WaitGone(pid, 10s));

  ForageRun second = RunForage(args);
  INFO(second.err);
  REQUIRE(second.exit_code == 0);
  std::ifstream in(out);
  std::vector<json> records;
  for (std::string line; std::getline(in, line);) records.push_back(json::parse(line));
  REQUIRE(records.size() == static_cast<std::size_t>(kUrls));
  WarcSet set = ReadBoth(SetFiles(dir.path(), "pass"));
  // Across both runs, each URL's exchange is in the set once.
  std::map<std::string, std::vector<const WarcRecord*>> by_uri = ResponsesByUri(set);
  CHECK(by_uri.size() == static_cast<std::size_t>(kUrls));
  for (const json& r : records) {
    INFO(r.dump());
    CHECK(by_uri[r["url"].get<std::string>()].size() == 1u);
  }
}

TEST_CASE("With --warc a full disk stops the run and leaves whole records only",
          "[integration][warc]") {
  // A full disk: a 128 KiB tmpfs in a mount namespace of the run's own
  // (unshare -m; root, or unprivileged user namespaces, needed).
  const std::string unshare = FindProgram("unshare");
  REQUIRE_PROGRAM(!unshare.empty(), "unshare");
  TestServer server;
  TempDir dir;
  std::string list;
  for (int i = 0; i < 40; ++i) list += server.Url("/random?bytes=20000&n=" + std::to_string(i)) + "\n";
  const std::string urls = dir.Write("list.txt", list);
  const std::string mnt = dir.path() + "/mnt";
  const std::string kept = dir.path() + "/kept";
  REQUIRE(::mkdir(mnt.c_str(), 0755) == 0);
  REQUIRE(::mkdir(kept.c_str(), 0755) == 0);
  std::string command = "mount -t tmpfs -o size=128k tmpfs " + mnt + " || exit 97; ";
  for (const std::string& a : ForageCommand({"-j", "1", "-q", "--no-robots", "--warc",
                                             mnt + "/full", urls})) {
    command += "'" + a + "' ";
  }
  // The files go with the namespace: copied out before it ends.
  command += "; s=$?; cp -a " + mnt + "/. " + kept + "/; exit $s";
  ChildProcess run({unshare, "-m", "/bin/sh", "-c", command});
  const std::optional<int> status = run.Wait(60s);
  INFO(run.err());
  REQUIRE(status);
  if (*status == 97) {
    WARN("cannot mount a tmpfs here: test skipped");
    return;
  }
  CHECK(*status == 4);
  CHECK(Has(run.err(), "--warc: write " + mnt + "/full.warc.gz: No space left on device"));
  const std::vector<std::string> files = SetFiles(kept, "full");
  REQUIRE(files.size() == 1u);
  WarcSet set = ReadBoth(files);
  // Each record written is whole; the exchange that failed is not there,
  // nor are those the stop cut off.
  CHECK_FALSE(OfType(set, "response").empty());
  CHECK(OfType(set, "response").size() < 40u);
  CHECK(OfType(set, "request").size() == OfType(set, "response").size());
}

TEST_CASE("With --warc credentials and cookies never reach the archive", "[integration][warc]") {
  TestServer server;
  TempDir dir;
  const std::string password = "Pw-7f3kq9zz";
  const std::string basic = "YWxpY2U6UHctN2Yza3E5eno=";  // base64("alice:" + password)
  const std::string cookie = "Ck-93jd2xx";
  ForageRun run = RunForage({"--no-robots", "-d", "1", "--max-pages", "4", "--user",
                             "alice:" + password, "--cookie", "sid=" + cookie, "--warc",
                             dir.path() + "/secret", "--url", server.Url("/page/1")});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  REQUIRE(run.records.size() >= 2);
  // The server got them: the test would prove nothing otherwise.
  const json requests = server.Requests();
  REQUIRE(requests["requests"].size() >= 2);
  for (const json& r : requests["requests"]) {
    INFO(r.dump());
    REQUIRE(r["headers"].contains("authorization"));
    REQUIRE(r["headers"].contains("cookie"));
  }

  const std::vector<std::string> files = SetFiles(dir.path(), "secret");
  WarcSet set = ReadBoth(files);
  const std::vector<const WarcRecord*> sent = OfType(set, "request");
  REQUIRE(sent.size() == run.records.size());
  for (const WarcRecord* r : sent) {
    INFO(r->block);
    CHECK(Has(r->block, "\r\nAuthorization: [redacted]\r\n"));
    CHECK(Has(r->block, "\r\nCookie: [redacted]\r\n"));
  }
  for (const std::string& path : files) {
    const std::string text = Gunzip(ReadFile(path));
    CHECK(Has(text, "[redacted]"));  // it did inflate
    for (const std::string& secret : {password, basic, cookie}) {
      INFO(path << ": " << secret);
      CHECK_FALSE(Has(text, secret));
    }
  }
}

TEST_CASE("A --warc in a directory that does not exist is a clear error", "[integration][warc]") {
  TestServer server;
  TempDir dir;
  const std::string warc = dir.path() + "/no-such-dir/out";
  ForageRun run = RunForage({"--no-robots", "--warc", warc, "--url", server.Url("/page/1")});
  INFO(run.err);
  CHECK(run.exit_code == 2);
  CHECK(run.records.empty());
  CHECK(Has(run.err, warc));
  CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
  CHECK(ListDir(dir.path()).empty());
}

}  // namespace forage::test
