// Requests as users shape them (issue 18), end to end: the real forage
// binary against the test server, over TLS with certificates openssl made,
// and through tinyproxy and microsocks. The server's request log says what
// each request carried; no secret may reach another host, a log line, a
// record or the stats.

#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <csignal>
#include <string>
#include <vector>

#include "support/child_process.h"
#include "support/forage_run.h"
#include "support/proxy_servers.h"
#include "support/test_certs.h"

namespace forage::test {
namespace {

using nlohmann::json;

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// forage with `env` ("NAME=value") added to its environment.
ForageRun RunForageWithEnv(const std::vector<std::string>& env,
                           const std::vector<std::string>& args) {
  std::vector<std::string> argv{"/usr/bin/env"};
  argv.insert(argv.end(), env.begin(), env.end());
  for (const std::string& a : ForageCommand(args)) argv.push_back(a);
  ChildProcess child(argv);
  child.CloseStdin();
  ForageRun run;
  run.exit_code = child.Wait(std::chrono::seconds(60));
  run.records = ParseRecords(child.out());
  run.err = child.err();
  return run;
}

// The requests the server logged whose path starts with `prefix`.
std::vector<json> RequestsTo(TestServer& server, const std::string& prefix) {
  std::vector<json> out;
  const json all = server.Requests();
  for (const json& r : all["requests"]) {
    if (r["path"].get<std::string>().rfind(prefix, 0) == 0) out.push_back(r);
  }
  return out;
}

bool Carries(const json& request, const std::string& header) {
  return request["headers"].contains(header);
}

std::string Resolve(const std::string& host, const TestServer& server) {
  return host + ":" + std::to_string(server.port()) + ":127.0.0.1";
}

// Every secret of a test must be absent from what the run wrote.
void CheckNoSecret(const ForageRun& run, const std::vector<std::string>& secrets,
                   const std::string& stats = "") {
  for (const std::string& secret : secrets) {
    INFO("secret " << secret);
    CHECK_FALSE(Has(run.err, secret));
    CHECK_FALSE(Has(stats, secret));
    for (const json& record : run.records) CHECK_FALSE(Has(record.dump(), secret));
  }
}

}  // namespace

TEST_CASE("Headers given with -H go with every request, and an empty one removes curl's", "[request][integration]") {
  TestServer server;
  ForageRun run = RunForage({"--url", server.Url("/echo"), "--no-robots", "-H", "X-Test: one",
                             "-H", "X-Other:two", "-H", "Accept:", "-j", "1"});
  REQUIRE(run.exit_code == 0);
  std::vector<json> seen = RequestsTo(server, "/echo");
  REQUIRE(seen.size() == 1);
  CHECK(seen[0]["headers"]["x-test"] == json({"one"}));
  CHECK(seen[0]["headers"]["x-other"] == json({"two"}));
  CHECK_FALSE(Carries(seen[0], "accept"));

  // The config file's `headers` are the same list.
  TempDir dir;
  const std::string config = dir.Write("f.toml", "headers = [\"X-From-File: yes\"]\n");
  REQUIRE(RunForage({"--config", config, "--url", server.Url("/echo?2"), "--no-robots", "-j", "1"})
              .exit_code == 0);
  seen = RequestsTo(server, "/echo?2");
  REQUIRE(seen.size() == 1);
  CHECK(seen[0]["headers"]["x-from-file"] == json({"yes"}));
}

TEST_CASE("A malformed header is a usage error naming it", "[request][integration]") {
  for (const std::string& bad : {std::string("no colon here"), std::string("X-A: a\r\nX-B: b"),
                                 std::string(": no name"), std::string("User-Agent: x")}) {
    INFO(bad);
    ForageRun run = RunForage({"--url", "http://127.0.0.1:9/", "-H", bad});
    CHECK(run.exit_code == 2);
    CHECK(Has(run.err, "--header"));
    CHECK(run.records.empty());
    CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
  }
  // A bad value of an Authorization header is named without the value.
  ForageRun run = RunForage({"--url", "http://127.0.0.1:9/", "-H", "Authorization: s3cr\x01t"});
  CHECK(run.exit_code == 2);
  CHECK(Has(run.err, "\"Authorization: ...\""));
  CHECK_FALSE(Has(run.err, "s3cr"));
}

TEST_CASE("A login's session cookie reaches every later page, whichever fetcher sends it",
          "[request][cookies][integration]") {
  TestServer server;
  TempDir dir;
  const std::string jar = dir.path() + "/jar.txt";
  // The cookie comes with a redirect; eight private pages follow, spread
  // over four fetchers.
  ForageRun run =
      RunForage({"--url", server.Url("/login-redirect?next=/private/1"), "--no-robots", "-d", "10",
                 "-j", "4", "-c", "2", "--cookie-jar", jar, "--stats", dir.path() + "/stats.json"});
  REQUIRE(run.exit_code == 0);
  auto by_url = run.ByUrl();
  const json& login = by_url[server.Url("/login-redirect?next=/private/1")];
  CHECK(login["final_url"] == server.Url("/private/1"));
  CHECK(login["status"] == 200);
  for (int n = 2; n < 8; ++n) {
    const std::string url = server.Url("/private/" + std::to_string(n));
    INFO(url);
    REQUIRE(by_url.count(url));
    CHECK(by_url[url]["status"] == 200);
  }
  // Written whole at the end, in the Netscape format, and readable by its owner only.
  const std::string saved = ReadFile(jar);
  CHECK(Has(saved, "# Netscape HTTP Cookie File"));
  CHECK(Has(saved, "127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tabc"));
  struct stat st {};
  REQUIRE(::stat(jar.c_str(), &st) == 0);
  CHECK((st.st_mode & 077) == 0);
  CheckNoSecret(run, {"session=abc"}, ReadFile(dir.path() + "/stats.json"));

  // The next run starts from the jar: logged in without the login page.
  ForageRun again = RunForage({"--url", server.Url("/private/5"), "--no-robots", "-j", "1",
                               "--cookie-jar", jar});
  REQUIRE(again.records.size() == 1);
  CHECK(again.records[0]["status"] == 200);

  // Without the jar nothing is sent.
  ForageRun anonymous = RunForage({"--url", server.Url("/private/6"), "--no-robots", "-j", "1"});
  REQUIRE(anonymous.records.size() == 1);
  CHECK(anonymous.records[0]["status"] == 403);
}

TEST_CASE("With --state and no jar file the session lives in the state", "[request][cookies][integration]") {
  TestServer server;
  TempDir dir;
  const std::string state = dir.path() + "/state.db";
  REQUIRE(RunForage({"--url", server.Url("/login?next=/elsewhere"), "--no-robots", "-j", "1",
                     "--state", state})
              .exit_code == 0);
  ForageRun next = RunForage({"--url", server.Url("/private/3"), "--no-robots", "-j", "1",
                              "--state", state});
  REQUIRE(next.records.size() == 1);
  CHECK(next.records[0]["status"] == 200);
  // --no-cookies keeps and sends none.
  ForageRun none = RunForage({"--url", server.Url("/private/4"), "--no-robots", "-j", "1",
                              "--state", state, "--no-cookies"});
  REQUIRE(none.records.size() == 1);
  CHECK(none.records[0]["status"] == 403);
}

TEST_CASE("A cookie for a public suffix is refused, and --cookie goes to listed hosts only",
          "[request][cookies][integration]") {
  TestServer server;
  const std::vector<std::string> resolve = {"--resolve", Resolve("www.example.co.uk", server),
                                            "--resolve", Resolve("other.co.uk", server)};
  std::vector<std::string> args = {
      "--url", server.HostUrl("www.example.co.uk", "/login?name=wide&value=1&attrs=Domain%3Dco.uk&next=" +
                                                       Escape(server.HostUrl("other.co.uk", "/echo"))),
      "--no-robots", "-d", "1", "--scope", "any", "-j", "1", "--cookie", "given=2"};
  args.insert(args.end(), resolve.begin(), resolve.end());
  REQUIRE(RunForage(args).exit_code == 0);
  std::vector<json> echo = RequestsTo(server, "/echo");
  REQUIRE(echo.size() == 1);
  CHECK(echo[0]["host"] == "other.co.uk");
  CHECK_FALSE(Carries(echo[0], "cookie"));  // neither Domain=co.uk nor --cookie
  std::vector<json> login = RequestsTo(server, "/login");
  REQUIRE(login.size() == 1);
  CHECK(login[0]["headers"]["cookie"] == json({"given=2"}));
}

TEST_CASE(
    "The --user password goes to the listed origin only, not to a redirect's or a link's host",
          "[request][credentials][integration]") {
  TestServer server;
  TempDir dir;
  const std::string other = server.HostUrl("b.test", "/echo");
  const std::string listed = server.HostUrl("a.test", "/basic/1");
  ForageRun run = RunForage(
      {"--url", listed, "--url",
       server.HostUrl("a.test", "/redirect-to?url=" + Escape(other + "?via=redirect")), "--url",
       server.HostUrl("a.test", "/links?l=" + Escape(other + "?via=link")), "--resolve",
       Resolve("a.test", server), "--resolve", Resolve("b.test", server), "--no-robots", "-d",
       "1", "--scope", "any", "--user", "user:secret", "-H", "Cookie: hdr=c00kie", "-j", "2",
       "--log-level", "debug", "--stats", dir.path() + "/stats.json"});
  REQUIRE(run.exit_code == 0);
  auto by_url = run.ByUrl();
  CHECK(by_url[listed]["status"] == 200);
  CHECK(by_url[server.HostUrl("a.test", "/basic/2")]["status"] == 200);  // same origin, by link
  int to_b = 0;
  const json all = server.Requests();
  for (const json& r : all["requests"]) {
    INFO(r.dump());
    if (r["host"] == "b.test") {
      ++to_b;
      CHECK_FALSE(Carries(r, "authorization"));
      CHECK_FALSE(Carries(r, "cookie"));
    } else {
      CHECK(Carries(r, "authorization"));
      CHECK(r["headers"]["cookie"] == json({"hdr=c00kie"}));
    }
  }
  CHECK(to_b == 2);
  // "user:secret" in base64 is dXNlcjpzZWNyZXQ=.
  CheckNoSecret(run, {"secret", "dXNlcjpzZWNyZXQ", "c00kie"},
                ReadFile(dir.path() + "/stats.json"));
}

TEST_CASE("Credentials: Digest, a bearer token from the environment, .netrc, FORAGE_PASSWORD",
          "[request][credentials][integration]") {
  TestServer server;
  ForageRun digest = RunForage({"--url", server.Url("/digest/1"), "--no-robots", "-j", "1",
                                "--user", "user:secret", "--auth", "digest"});
  REQUIRE(digest.records.size() == 1);
  CHECK(digest.records[0]["status"] == 200);
  // Basic, sent with the first request, is no answer to a Digest challenge.
  ForageRun basic = RunForage({"--url", server.Url("/digest/2"), "--no-robots", "-j", "1",
                               "--user", "user:secret"});
  REQUIRE(basic.records.size() == 1);
  CHECK(basic.records[0]["status"] == 401);

  ForageRun bearer = RunForageWithEnv({"FORAGE_BEARER=tok"},
                                      {"--url", server.Url("/bearer/1"), "--no-robots", "-j", "1"});
  REQUIRE(bearer.records.size() == 1);
  CHECK(bearer.records[0]["status"] == 200);

  ForageRun password = RunForageWithEnv(
      {"FORAGE_PASSWORD=secret"},
      {"--url", server.Url("/basic/1"), "--no-robots", "-j", "1", "--user", "user"});
  REQUIRE(password.records.size() == 1);
  CHECK(password.records[0]["status"] == 200);
  ForageRun no_password = RunForageWithEnv(
      {"-u", "FORAGE_PASSWORD"}, {"--url", server.Url("/basic/1"), "--no-robots", "--user", "user"});
  CHECK(no_password.exit_code == 2);
  CHECK(Has(no_password.err, "FORAGE_PASSWORD"));

  TempDir dir;
  const std::string netrc =
      dir.Write("netrc", "machine 127.0.0.1 login user password secret\n");
  ForageRun from_netrc = RunForage({"--url", server.Url("/basic/3"), "--no-robots", "-j", "1",
                                    "--netrc-file", netrc});
  REQUIRE(from_netrc.records.size() == 1);
  CHECK(from_netrc.records[0]["status"] == 200);
  ForageRun missing = RunForage({"--url", server.Url("/basic/3"), "--netrc-file",
                                 dir.path() + "/none"});
  CHECK(missing.exit_code == 2);
  CHECK(Has(missing.err, "--netrc-file"));
}

TEST_CASE("A host table's credentials go to its hosts over https, never over plain http",
          "[request][credentials][tls][integration]") {
  const TestCerts& certs = GetTestCerts();
  TestServer https_server(TlsServerFlags(certs));
  TestServer http_server;
  TempDir dir;
  // a.test on both servers: the https origin is listed, the http one only linked.
  const std::string http_page = http_server.HostUrl("a.test", "/echo");
  const std::string config = dir.Write(
      "f.toml", "[hosts.\"a.test\"]\nuser = \"user:secret\"\nheaders = [\"X-Api-Key: k3y\"]\n"
                "user-agent = \"special-agent/1\"\n");
  ForageRun run = RunForage(
      {"--config", config, "--url",
       https_server.HostUrl("a.test", "/links?l=" + Escape(http_page) + "&l=/basic/1"),
       "--resolve", Resolve("a.test", https_server), "--resolve", Resolve("a.test", http_server),
       "--cacert", certs.ca_cert, "--no-robots", "-d", "1", "--scope", "any", "-j", "1",
       "--log-level", "debug"});
  REQUIRE(run.exit_code == 0);
  auto by_url = run.ByUrl();
  CHECK(by_url[https_server.HostUrl("a.test", "/basic/1")]["status"] == 200);
  const json all = https_server.Requests();
  for (const json& r : all["requests"]) {
    CHECK(Carries(r, "authorization"));
    CHECK(r["headers"]["user-agent"] == json({"special-agent/1"}));
  }
  std::vector<json> plain = RequestsTo(http_server, "/echo");
  REQUIRE(plain.size() == 1);
  CHECK_FALSE(Carries(plain[0], "authorization"));
  CHECK(plain[0]["headers"]["x-api-key"] == json({"k3y"}));  // not a secret
  // --log-level debug shows the table, not its secrets.
  CHECK(Has(run.err, "host table \"a.test\""));
  CHECK(Has(run.err, "user (secret)"));
  CheckNoSecret(run, {"user:secret"});
}

TEST_CASE("Host tables set per-host and headers, the most specific one winning", "[request][hosts][integration]") {
  TestServer server;
  TempDir dir;
  const std::string config =
      dir.Write("f.toml",
                "[hosts.\"*.test\"]\nper-host = 1\nheaders = [\"X-Table: wild\"]\n"
                "[hosts.\"b.test\"]\nheaders = [\"X-Table: b\"]\ntimeout = \"30s\"\n");
  std::string input;
  for (int i = 0; i < 6; ++i) {
    input += server.HostUrl("a.test", "/slow/" + std::to_string(i) + "?ms=100") + "\n";
    input += server.HostUrl("b.test", "/slow/" + std::to_string(i) + "?ms=100") + "\n";
  }
  ForageRun run = RunForage({"--config", config, "-", "--resolve", Resolve("a.test", server),
                             "--resolve", Resolve("b.test", server), "--no-robots", "-j", "2",
                             "--per-host", "4"},
                            input);
  REQUIRE(run.exit_code == 0);
  json stats = server.Stats();
  CHECK(stats["hosts"]["a.test"]["max_in_flight"] == 1);  // *.test's per-host
  CHECK(stats["hosts"]["b.test"]["max_in_flight"].get<int>() > 1);  // b.test's table: the run's 4
  for (const json& r : RequestsTo(server, "/slow/")) {
    CHECK(r["headers"]["x-table"] == json({r["host"] == "a.test" ? "wild" : "b"}));
  }

  const std::string bad = dir.Write("bad.toml", "[hosts.\"a.test\"]\nper-host = 1\ncolour = 3\n");
  ForageRun refused = RunForage({"--config", bad, "--url", server.Url("/page/1")});
  CHECK(refused.exit_code == 2);
  CHECK(Has(refused.err, "bad.toml:3: hosts.\"a.test\".colour: no such host setting"));
}

TEST_CASE("TLS: refused without the CA, ok with --cacert, --capath or --insecure (warned once)",
          "[request][tls][integration]") {
  const TestCerts& certs = GetTestCerts();
  TestServer server(TlsServerFlags(certs));
  const std::string url = server.Url("/page/1");
  ForageRun refused = RunForage({"--url", url, "--no-robots", "-j", "1"});
  REQUIRE(refused.records.size() == 1);
  CHECK(refused.records[0]["error"]["kind"] == "tls");
  CHECK(Has(refused.records[0]["error"]["message"].get<std::string>(), "certificate"));

  for (const std::vector<std::string>& trust :
       {std::vector<std::string>{"--cacert", certs.ca_cert},
        std::vector<std::string>{"--capath", certs.ca_dir}}) {
    std::vector<std::string> args = {"--url", url, "--no-robots", "-j", "1"};
    args.insert(args.end(), trust.begin(), trust.end());
    ForageRun ok = RunForage(args);
    REQUIRE(ok.records.size() == 1);
    CHECK(ok.records[0]["ok"] == true);
  }
  ForageRun wrong_ca = RunForage({"--url", url, "--no-robots", "-j", "1", "--cacert",
                                  certs.other_ca_cert});
  REQUIRE(wrong_ca.records.size() == 1);
  CHECK(wrong_ca.records[0]["error"]["kind"] == "tls");

  ForageRun insecure =
      RunForage({"--url", url, "--url", server.Url("/page/2"), "--no-robots", "-j", "2", "-k",
                 "--log-level", "warn"});
  REQUIRE(insecure.records.size() == 2);
  CHECK(insecure.records[0]["ok"] == true);
  CHECK(insecure.records[1]["ok"] == true);
  std::size_t warned = 0;
  for (std::size_t at = insecure.err.find("--insecure"); at != std::string::npos;
       at = insecure.err.find("--insecure", at + 1)) {
    ++warned;
  }
  CHECK(warned == 1);

  ForageRun missing = RunForage({"--url", url, "--cacert", "/nonexistent/ca.pem"});
  CHECK(missing.exit_code == 2);
  CHECK(Has(missing.err, "--cacert: /nonexistent/ca.pem"));
}

TEST_CASE("Mutual TLS: the client certificate opens the door", "[request][tls][integration]") {
  const TestCerts& certs = GetTestCerts();
  TestServer server(TlsServerFlags(certs, /*mutual=*/true));
  const std::string url = server.Url("/page/1");
  ForageRun without = RunForage({"--url", url, "--no-robots", "-j", "1", "--cacert", certs.ca_cert});
  REQUIRE(without.records.size() == 1);
  CHECK(without.records[0]["ok"] == false);
  // Under TLS 1.3 the server refuses a missing certificate after the
  // handshake: curl sees an alert ("tls") or, when it writes first, a
  // broken pipe ("network": "Send failure: Broken pipe").
  const std::string kind = without.records[0]["error"]["kind"];
  CHECK((kind == "tls" || kind == "network"));
  ForageRun with = RunForage({"--url", url, "--no-robots", "-j", "1", "--cacert", certs.ca_cert,
                              "--client-cert", certs.client_cert, "--client-key",
                              certs.client_key});
  REQUIRE(with.records.size() == 1);
  CHECK(with.records[0]["ok"] == true);
}

TEST_CASE("An HTTP proxy carries every request, https by CONNECT, its password kept out of logs",
          "[request][proxy][integration]") {
  REQUIRE_PROGRAM(TinyproxyAvailable(), "tinyproxy");
  auto proxy = HttpProxy::Start({.user = "pu", .password = "pr0xypass"});
  TestServer server;
  const TestCerts& certs = GetTestCerts();
  TestServer tls(TlsServerFlags(certs));
  ForageRun run = RunForage({"--url", server.Url("/echo"), "--url", tls.Url("/page/1"), "-j", "1",
                             "--proxy", proxy->UrlWithCredentials(), "--cacert", certs.ca_cert,
                             "--log-level", "debug"});
  REQUIRE(run.exit_code == 0);
  std::vector<json> echo = RequestsTo(server, "/echo");
  REQUIRE(echo.size() == 1);
  CHECK(Has(echo[0]["headers"]["via"][0].get<std::string>(), "tinyproxy"));
  const std::vector<std::string> lines = proxy->Requests();
  auto proxied = [&](const std::string& what) {
    return std::find(lines.begin(), lines.end(), what) != lines.end();
  };
  CHECK(proxied("GET " + server.Url("/robots.txt") + " HTTP/1.1"));
  CHECK(proxied("GET " + server.Url("/echo") + " HTTP/1.1"));
  CHECK(proxied("CONNECT 127.0.0.1:" + std::to_string(tls.port()) + " HTTP/1.1"));
  CheckNoSecret(run, {"pr0xypass"});

  // --noproxy reaches the host directly.
  ForageRun direct = RunForage({"--url", server.Url("/echo?direct"), "--no-robots", "-j", "1",
                                "--proxy", proxy->UrlWithCredentials(), "--noproxy", "127.0.0.1"});
  REQUIRE(direct.exit_code == 0);
  std::vector<json> seen = RequestsTo(server, "/echo?direct");
  REQUIRE(seen.size() == 1);
  CHECK_FALSE(Carries(seen[0], "via"));

  // curl follows robots.txt redirects itself: through the proxy the guard
  // still judges each target by name (169.254/16 is refused by default).
  TempDir robots;
  robots.Write("127.0.0.1.redirect", "http://169.254.169.254/latest/robots.txt");
  TestServer redirecting({"--robots-dir", robots.path()});
  ForageRun guarded = RunForage({"--url", redirecting.Url("/page/1"), "-j", "1", "--proxy",
                                 proxy->UrlWithCredentials()});
  REQUIRE(guarded.records.size() == 1);
  for (const std::string& line : proxy->Requests()) CHECK_FALSE(Has(line, "169.254"));

  // A bad proxy URL is refused at start, its password not shown.
  ForageRun bad = RunForage({"--url", server.Url("/"), "--proxy", "gopher://u:pr0xypass@h:1"});
  CHECK(bad.exit_code == 2);
  CHECK(Has(bad.err, "--proxy"));
  CHECK_FALSE(Has(bad.err, "pr0xypass"));
}

TEST_CASE("The proxy from the environment, as curl reads it", "[request][proxy][integration]") {
  REQUIRE_PROGRAM(TinyproxyAvailable(), "tinyproxy");
  auto proxy = HttpProxy::Start();
  TestServer server;
  ForageRun run = RunForageWithEnv({"http_proxy=" + proxy->Url()},
                                   {"--url", server.Url("/echo"), "--no-robots", "-j", "1"});
  REQUIRE(run.exit_code == 0);
  std::vector<json> echo = RequestsTo(server, "/echo");
  REQUIRE(echo.size() == 1);
  CHECK(Carries(echo[0], "via"));
  // no_proxy holds the host: direct.
  ForageRun direct = RunForageWithEnv(
      {"http_proxy=" + proxy->Url(), "no_proxy=localhost,127.0.0.1"},
      {"--url", server.Url("/echo?2"), "--no-robots", "-j", "1"});
  REQUIRE(direct.exit_code == 0);
  std::vector<json> second = RequestsTo(server, "/echo?2");
  REQUIRE(second.size() == 1);
  CHECK_FALSE(Carries(second[0], "via"));
}

TEST_CASE("A SOCKS5 proxy carries every request, and --deny-private judges the host by name",
          "[request][proxy][integration]") {
  REQUIRE_PROGRAM(MicrosocksAvailable(), "microsocks");
  auto proxy = SocksProxy::Start({.user = "su", .password = "s0ckspass",
                                  .bind_address = "127.0.0.2"});
  TestServer server;
  ForageRun run = RunForage({"--url", server.Url("/page/1"), "-j", "1", "--proxy",
                             proxy->UrlWithCredentials("socks5h"), "--log-level", "debug"});
  REQUIRE(run.exit_code == 0);
  std::vector<json> pages = RequestsTo(server, "/");
  REQUIRE(pages.size() == 2);  // robots.txt and the page
  for (const json& r : pages) CHECK(r["peer"] == "127.0.0.2");
  CheckNoSecret(run, {"s0ckspass"});
  const std::size_t connections = proxy->Connections().size();
  REQUIRE(connections >= 1);

  // Through the proxy, --deny-private cannot see the address connected to:
  // an IP address of a denied class, or localhost, is refused before any request.
  ForageRun guarded = RunForage({"--url", server.Url("/page/2"), "--url",
                                 "http://localhost:" + std::to_string(server.port()) + "/page/3",
                                 "-j", "1", "--proxy", proxy->UrlWithCredentials("socks5h"),
                                 "--deny-private"});
  REQUIRE(guarded.records.size() == 2);
  for (const json& r : guarded.records) CHECK(r["error"]["kind"] == "blocked");
  CHECK(RequestsTo(server, "/page/2").empty());
  CHECK(RequestsTo(server, "/page/3").empty());
  CHECK(proxy->Connections().size() == connections);  // the first run's only
}

TEST_CASE("With --keep-headers records carry each response's headers, never a cookie's value",
          "[request][headers][integration]") {
  TestServer server;
  ForageRun run = RunForage({"--url", server.Url("/login?value=v4lue"), "--no-robots", "-j", "1",
                             "--keep-headers"});
  REQUIRE(run.records.size() == 1);
  const json& headers = run.records[0]["headers"];
  REQUIRE(headers.is_object());
  CHECK(headers["content-type"] == json({"text/html; charset=utf-8"}));
  CHECK(headers["set-cookie"] == json({"session"}));
  CHECK_FALSE(Has(headers.dump(), "v4lue"));
  ForageRun without = RunForage({"--url", server.Url("/page/1"), "--no-robots", "-j", "1"});
  REQUIRE(without.records.size() == 1);
  CHECK_FALSE(without.records[0].contains("headers"));
}

}  // namespace forage::test

namespace forage::test {

TEST_CASE("The cookie jar is written whole when SIGTERM stops the run, and at --max-time",
          "[request][cookies][integration]") {
  TestServer server;
  TempDir dir;
  const std::string jar = dir.path() + "/jar.txt";
  // The login's cookie arrives; the held page keeps the run going until the signal.
  ChildProcess run(ForageCommand({"--url", server.Url("/login?next=/hold/1"), "--no-robots", "-d",
                                  "1", "-j", "1", "--cookie-jar", jar}));
  run.CloseStdin();
  REQUIRE(server.WaitFor("HELD /hold/1", std::chrono::seconds(30)));
  run.Signal(SIGTERM);
  REQUIRE(run.Wait(std::chrono::seconds(30)) == 130);
  CHECK(Has(ReadFile(jar), "\tsession\tabc"));

  const std::string jar2 = dir.path() + "/jar2.txt";
  ForageRun timed = RunForage({"--url", server.Url("/login?next=/hold/2"), "--no-robots", "-d",
                               "1", "-j", "1", "--cookie-jar", jar2, "--max-time", "2s"});
  CHECK(timed.exit_code == 5);
  CHECK(Has(ReadFile(jar2), "\tsession\tabc"));
  server.Release();
}

TEST_CASE("A host table's delay spaces its host's requests", "[request][hosts][integration]") {
  TestServer server;
  TempDir dir;
  const std::string config = dir.Write("f.toml", "[hosts.\"a.test\"]\ndelay = \"300ms\"\n");
  std::string input;
  for (int i = 0; i < 4; ++i) {
    input += server.HostUrl("a.test", "/page/" + std::to_string(i)) + "\n";
    input += server.HostUrl("b.test", "/page/" + std::to_string(i)) + "\n";
  }
  ForageRun run = RunForage({"--config", config, "-", "--resolve", Resolve("a.test", server),
                             "--resolve", Resolve("b.test", server), "--no-robots", "-j", "2"},
                            input);
  REQUIRE(run.exit_code == 0);
  json stats = server.Stats();
  std::vector<double> a = stats["hosts"]["a.test"]["starts_ms"].get<std::vector<double>>();
  REQUIRE(a.size() == 4);
  std::sort(a.begin(), a.end());
  for (std::size_t i = 1; i < a.size(); ++i) CHECK(a[i] - a[i - 1] >= 290);
  CHECK(stats["hosts"]["b.test"]["max_in_flight"].get<int>() >= 1);
}

}  // namespace forage::test
