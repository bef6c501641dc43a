// The fixtures request-shaping tests stand on, checked with the curl
// program rather than forage: the test server's HTTPS, mutual TLS, request
// log and credential routes, the certificates, tinyproxy and microsocks.
// When one of these fails, the fixture is wrong, not forage.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support/child_process.h"
#include "support/find_program.h"
#include "support/forage_run.h"
#include "support/proxy_servers.h"
#include "support/test_certs.h"

namespace forage::test {
namespace {

using nlohmann::json;

struct CurlResult {
  int exit = -1;        // curl's exit status: 0, 60 (certificate refused), ...
  int status = 0;       // the last response's HTTP status, 0 without one
  std::string headers;  // every response's header block, as received
  std::string body;
  std::string err;
};

// Runs curl with `args` (bounded: --max-time 10, killed after 20 s). The
// proxy, if any, is among `args`; without one, proxies from the environment
// are ignored.
CurlResult Curl(std::vector<std::string> args) {
  static const std::string curl = FindProgram("curl");
  bool proxied = false;
  for (const std::string& arg : args) proxied = proxied || arg == "-x" || arg == "--proxy";
  std::vector<std::string> argv{curl, "-sS",         "--max-time", "10",
                                "-D", "/dev/stderr", "-w",         "\n%{http_code}"};
  if (!proxied) argv.insert(argv.end(), {"--noproxy", "*"});
  argv.insert(argv.end(), args.begin(), args.end());
  ChildProcess child(argv);
  child.CloseStdin();
  std::optional<int> exit = child.Wait(std::chrono::seconds(20));
  REQUIRE(exit.has_value());
  CurlResult result;
  result.exit = *exit;
  const std::string& out = child.out();
  std::size_t nl = out.rfind('\n');
  result.body = out.substr(0, nl);
  result.status = std::stoi(out.substr(nl + 1));
  // -D /dev/stderr puts the headers on stderr, before any error message.
  result.headers = child.err();
  result.err = child.err();
  return result;
}

std::string Title(const std::string& body) {
  std::size_t open = body.find("<title>");
  std::size_t close = body.find("</title>");
  if (open == std::string::npos || close == std::string::npos) return "";
  return body.substr(open + 7, close - open - 7);
}

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST_CASE("The test server speaks HTTPS that only its CA verifies", "[test-support][integration][tls]") {
  const TestCerts& certs = GetTestCerts();
  TestServer server(TlsServerFlags(certs));
  REQUIRE(server.scheme() == "https");
  const std::string url = server.Url("/page/1");
  REQUIRE(url.rfind("https://127.0.0.1:", 0) == 0);

  CurlResult ok = Curl({"--cacert", certs.ca_cert, url});
  CHECK(ok.exit == 0);
  CHECK(ok.status == 200);
  CHECK(Has(Title(ok.body), "Page 1"));
  CHECK(Curl({"--capath", certs.ca_dir, url}).status == 200);
  CHECK(Curl({url}).exit == 60);  // the system's CAs do not know ours
  CHECK(Curl({"--cacert", certs.other_ca_cert, url}).exit == 60);
  CHECK(Curl({"-k", url}).status == 200);

  // Host names: the listed ones and *.forage.test verify, others do not.
  for (const std::string host : {"localhost", "a.test", "h3.test", "x.forage.test"}) {
    INFO(host);
    CHECK(Curl({"--cacert", certs.ca_cert, "--resolve",
                host + ":" + std::to_string(server.port()) + ":127.0.0.1",
                server.HostUrl(host, "/page/2")})
              .status == 200);
  }
  CHECK(Curl({"--cacert", certs.ca_cert, "--resolve",
              "unlisted.example:" + std::to_string(server.port()) + ":127.0.0.1",
              server.HostUrl("unlisted.example", "/page/2")})
            .exit == 60);

  json requests = server.Requests()["requests"];
  REQUIRE(!requests.empty());
  CHECK(requests.front()["tls"] == true);
  CHECK(requests.front()["path"] == "/page/1");
}

TEST_CASE("Under mutual TLS the test server wants a client certificate its CA signed",
          "[test-support][integration][tls]") {
  const TestCerts& certs = GetTestCerts();
  TestServer server(TlsServerFlags(certs, /*mutual=*/true));
  const std::string url = server.Url("/page/1");

  CurlResult none = Curl({"--cacert", certs.ca_cert, url});
  CHECK(none.exit != 0);
  CHECK(none.status == 0);
  CurlResult wrong = Curl({"--cacert", certs.ca_cert, "--cert", certs.other_client_cert, "--key",
                           certs.other_client_key, url});
  CHECK(wrong.exit != 0);
  CHECK(wrong.status == 0);
  CHECK(
      Curl({"--cacert", certs.ca_cert, "--cert", certs.client_cert, "--key", certs.client_key, url})
          .status == 200);
  CHECK(Curl({"--cacert", certs.ca_cert, "--cert", certs.client_pem, url}).status == 200);

  // The fixture's own questions go over stdin, so they need no certificate.
  json requests = server.Requests()["requests"];
  CHECK(requests.size() == 2);  // the refused handshakes never became requests
  CHECK(server.Stats()["hosts"]["127.0.0.1"]["requests"] == 2);
}

TEST_CASE("The test server logs each request's host, target, peer and headers", "[test-support][integration]") {
  TestServer server;
  const std::string resolve = "a.test:" + std::to_string(server.port()) + ":127.0.0.1";
  CurlResult echo = Curl({"-H", "X-Test: one", "-H", "X-Test: two", "-H", "Cookie: k=v",
                          "--resolve", resolve, server.HostUrl("a.test", "/echo?l=/x&l=/y")});
  REQUIRE(echo.status == 200);
  CHECK(Title(echo.body) == "echo");
  CHECK(Has(echo.body, "<p class=\"h\">x-test: one</p>\n<p class=\"h\">x-test: two</p>"));
  CHECK(Has(echo.body, "<p class=\"h\">cookie: k=v</p>"));
  CHECK(Has(echo.body, "<a href=\"/x\">link</a>\n<a href=\"/y\">link</a>"));
  CHECK_FALSE(Has(echo.body, "remote_addr"));
  REQUIRE(Curl({server.Url("/page/3?q=1")}).status == 200);

  json requests = server.Requests()["requests"];
  REQUIRE(requests.size() == 2);
  const json& first = requests[0];
  CHECK(first["host"] == "a.test");
  CHECK(first["path"] == "/echo?l=/x&l=/y");
  CHECK(first["peer"] == "127.0.0.1");
  CHECK(first["tls"] == false);
  CHECK(first["headers"]["x-test"] == json({"one", "two"}));
  CHECK(first["headers"]["cookie"] == json({"k=v"}));
  CHECK(first["headers"]["host"] == json({"a.test:" + std::to_string(server.port())}));
  CHECK_FALSE(first["headers"].contains("remote_addr"));
  CHECK(requests[1]["path"] == "/page/3?q=1");

  // Over HTTP the same log, not counting the asking.
  CurlResult over_http = Curl({server.Url("/_requests")});
  REQUIRE(over_http.status == 200);
  CHECK(json::parse(over_http.body) == server.Requests());
  CHECK(server.Stats()["hosts"]["127.0.0.1"]["requests"] == 1);  // /page/3 alone
}

TEST_CASE("The credential routes answer 401 until Basic, Digest or Bearer is right",
          "[test-support][integration]") {
  TestServer server;
  CurlResult basic = Curl({server.Url("/basic/1")});
  CHECK(basic.status == 401);
  CHECK(Has(basic.headers, "WWW-Authenticate: Basic realm=\"forage\""));
  CHECK(Curl({"-u", "user:wrong", server.Url("/basic/1")}).status == 401);
  CurlResult basic_ok = Curl({"-u", "user:secret", server.Url("/basic/1")});
  CHECK(basic_ok.status == 200);
  CHECK(Title(basic_ok.body) == "basic 1");
  CHECK(Has(basic_ok.body, "href=\"/basic/2\""));
  CHECK(Has(Curl({"-u", "me:pw", server.Url("/basic/2?user=me&pass=pw")}).body,
            "href=\"/basic/3?user=me&amp;pass=pw\""));
  CHECK_FALSE(Has(Curl({"-u", "user:secret", server.Url("/basic/4")}).body, "href"));

  CurlResult digest = Curl({server.Url("/digest/1")});
  CHECK(digest.status == 401);
  CHECK(Has(digest.headers, "WWW-Authenticate: Digest realm=\"forage\", qop=\"auth\""));
  CHECK(Curl({"--digest", "-u", "user:wrong", server.Url("/digest/1")}).status == 401);
  CHECK(Curl({"--basic", "-u", "user:secret", server.Url("/digest/1")}).status == 401);
  CurlResult digest_ok = Curl({"--digest", "-u", "user:secret", server.Url("/digest/2?x=1")});
  CHECK(digest_ok.status == 200);
  CHECK(Title(digest_ok.body) == "digest 2");

  CHECK(Curl({server.Url("/bearer/1")}).status == 401);
  CHECK(Curl({"--oauth2-bearer", "nope", server.Url("/bearer/1")}).status == 401);
  CurlResult bearer_ok = Curl({"--oauth2-bearer", "tok", server.Url("/bearer/1")});
  CHECK(bearer_ok.status == 200);
  CHECK(Title(bearer_ok.body) == "bearer 1");
  CHECK(Curl({"-H", "Authorization: Bearer t2", server.Url("/bearer/1?token=t2")}).status == 200);
}

TEST_CASE("/login sets the cookie /private pages want, also on a redirect", "[test-support][integration]") {
  TestServer server;
  TempDir dir;
  const std::string jar = dir.path() + "/cookies.txt";

  CHECK(Curl({server.Url("/private/1")}).status == 403);
  CurlResult login = Curl({"-c", jar, server.Url("/login?attrs=Max-Age%3D600&attrs=HttpOnly")});
  CHECK(login.status == 200);
  CHECK(Has(login.headers, "Set-Cookie: session=abc; Path=/; Max-Age=600; HttpOnly"));
  CHECK(Has(login.body, "href=\"/private/1\""));
  CurlResult inside = Curl({"-b", jar, server.Url("/private/1")});
  CHECK(inside.status == 200);
  CHECK(Title(inside.body) == "private 1");
  CHECK(Has(inside.body, "href=\"/private/2\""));
  CHECK_FALSE(Has(Curl({"-b", jar, server.Url("/private/7")}).body, "href"));

  // A cookie that arrives on a 302, then the page it leads to.
  TempDir other;
  const std::string jar2 = other.path() + "/cookies.txt";
  CurlResult via_redirect =
      Curl({"-L", "-c", jar2, "-b", jar2, server.Url("/login-redirect?name=sid&value=42")});
  CHECK(via_redirect.status == 200);
  CHECK(Title(via_redirect.body) == "private 1");
  CHECK(Has(via_redirect.body, "href=\"/private/2?name=sid&amp;value=42\""));
  CHECK(Curl({"-b", "sid=41", server.Url("/private/1?name=sid&value=42")}).status == 403);
}

TEST_CASE("tinyproxy carries plain requests with a Via header, and CONNECT tunnels",
          "[test-support][integration][proxy]") {
  REQUIRE_PROGRAM(TinyproxyAvailable(), "tinyproxy");
  auto proxy = HttpProxy::Start();
  TestServer server;
  CurlResult plain = Curl({"-x", proxy->Url(), server.Url("/echo")});
  REQUIRE(plain.status == 200);
  CHECK(Has(plain.body, "<p class=\"h\">via: 1.1 "));
  json requests = server.Requests()["requests"];
  REQUIRE(requests.size() == 1);
  REQUIRE(requests[0]["headers"].contains("via"));
  CHECK(Has(requests[0]["headers"]["via"][0], "tinyproxy"));
  CHECK(requests[0]["path"] == "/echo");  // origin-form again on the proxy's way out

  const TestCerts& certs = GetTestCerts();
  TestServer tls(TlsServerFlags(certs));
  CurlResult tunnelled = Curl({"-x", proxy->Url(), "--cacert", certs.ca_cert, tls.Url("/page/1")});
  CHECK(tunnelled.status == 200);
  json tls_requests = tls.Requests()["requests"];
  REQUIRE(tls_requests.size() == 1);
  CHECK_FALSE(tls_requests[0]["headers"].contains("via"));  // inside the tunnel

  CHECK(proxy->Requests() ==
        std::vector<std::string>{"GET " + server.Url("/echo") + " HTTP/1.1",
                                 "CONNECT 127.0.0.1:" + std::to_string(tls.port()) + " HTTP/1.1"});
}

TEST_CASE("tinyproxy with BasicAuth answers 407 without the credentials, 401 to wrong ones",
          "[test-support][integration][proxy]") {
  REQUIRE_PROGRAM(TinyproxyAvailable(), "tinyproxy");
  auto proxy = HttpProxy::Start({.user = "pu", .password = "pp"});
  TestServer server;
  CurlResult refused = Curl({"-x", proxy->Url(), server.Url("/page/1")});
  CHECK(refused.status == 407);
  CHECK(Has(refused.headers, "Proxy-Authenticate: Basic"));
  // tinyproxy 1.11's quirk: wrong credentials get 401 with WWW-Authenticate, not 407.
  CurlResult wrong = Curl({"-x", proxy->Url(), "--proxy-user", "pu:wrong", server.Url("/page/1")});
  CHECK(wrong.status == 401);
  CHECK(Has(wrong.headers, "Server: tinyproxy/"));
  CHECK(Curl({"-x", proxy->UrlWithCredentials(), server.Url("/page/1")}).status == 200);
  CHECK(server.Requests()["requests"].size() == 1);
  CHECK(proxy->Requests().size() == 3);
}

TEST_CASE("microsocks carries requests, from 127.0.0.2 when bound there", "[test-support][integration][proxy]") {
  REQUIRE_PROGRAM(MicrosocksAvailable(), "microsocks");
  auto proxy = SocksProxy::Start({.bind_address = "127.0.0.2"});
  TestServer server;
  CHECK(Curl({server.Url("/page/1")}).status == 200);
  CurlResult socks5h = Curl({"-x", proxy->Url("socks5h"), server.Url("/page/2")});
  CHECK(socks5h.status == 200);
  CurlResult socks5 = Curl({"-x", proxy->Url("socks5"), server.Url("/page/3")});
  CHECK(socks5.status == 200);

  json requests = server.Requests()["requests"];
  REQUIRE(requests.size() == 3);
  CHECK(requests[0]["peer"] == "127.0.0.1");
  CHECK(requests[1]["peer"] == "127.0.0.2");
  CHECK(requests[2]["peer"] == "127.0.0.2");
  const std::string target = "127.0.0.1:" + std::to_string(server.port());
  CHECK(proxy->Connections() == std::vector<std::string>{target, target});
}

TEST_CASE("microsocks with a user and password refuses clients without them",
          "[test-support][integration][proxy]") {
  REQUIRE_PROGRAM(MicrosocksAvailable(), "microsocks");
  auto proxy = SocksProxy::Start({.user = "su", .password = "sp"});
  TestServer server;
  CurlResult refused = Curl({"-x", proxy->Url(), server.Url("/page/1")});
  CHECK(refused.exit != 0);
  CHECK(refused.status == 0);
  CHECK(Curl({"-x", proxy->UrlWithCredentials(), server.Url("/page/1")}).status == 200);
  CHECK(server.Requests()["requests"].size() == 1);
  CHECK(proxy->Connections().size() == 1);
}

}  // namespace
}  // namespace forage::test
