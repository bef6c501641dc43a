#include "redis/redis_client.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/redis_server.h"

namespace forage::redis {
namespace {

using namespace std::chrono_literals;
using test::RedisServer;

// Catch2 2 has no SKIP: without redis-server a test says so and checks nothing.
#define REQUIRE_REDIS_SERVER()                                                        \
  if (!test::RedisAvailable()) {                                                      \
    WARN("skipped: no redis-server (install it, or set FORAGE_REDIS_SERVER to one)"); \
    return;                                                                           \
  }

std::unique_ptr<Connection> OpenOrFail(const std::string& url,
                                       std::chrono::milliseconds timeout = 5s) {
  Result<Address> address = ParseAddress(url);
  REQUIRE(address.ok());
  Result<std::unique_ptr<Connection>> connection = Connection::Open(address.value(), timeout);
  INFO((connection.ok() ? "" : connection.status().message()));
  REQUIRE(connection.ok());
  return std::move(connection).value();
}

Reply CommandOrFail(Connection& connection, const std::vector<std::string_view>& argv) {
  Result<Reply> reply = connection.Command(argv);
  INFO((reply.ok() ? "" : reply.status().message()));
  REQUIRE(reply.ok());
  return std::move(reply).value();
}

// "calls" of `command` in INFO commandstats ("script|load"), 0 if never run.
long long Calls(RedisServer& server, const std::string& command) {
  const std::string info = server.Info("commandstats");
  const std::string key = "cmdstat_" + command + ":calls=";
  std::size_t at = info.find(key);
  return at == std::string::npos ? 0 : std::stoll(info.substr(at + key.size()));
}

TEST_CASE("redis: ParseAddress reads redis:// and unix:// URLs", "[redis]") {
  struct Case {
    std::string url;
    std::string host;
    int port;
    std::string unix_path;
    int db;
    std::string user, password, display;
  };
  const Case cases[] = {
      {"redis://127.0.0.1", "127.0.0.1", 6379, "", 0, "", "", "redis://127.0.0.1:6379/0"},
      {"redis://localhost:6380/2", "localhost", 6380, "", 2, "", "", "redis://localhost:6380/2"},
      {"REDIS://Cache-1.example/", "Cache-1.example", 6379, "", 0, "", "",
       "redis://Cache-1.example:6379/0"},
      {"redis://h:65535/2147483647", "h", 65535, "", 2147483647, "", "",
       "redis://h:65535/2147483647"},
      {"redis://:s3cret@h:1/0", "h", 1, "", 0, "", "s3cret", "redis://:***@h:1/0"},
      {"redis://alice:p%40ss%2Fw%3A@h", "h", 6379, "", 0, "alice",
       "p@ss/w:", "redis://alice:***@h:6379/0"},
      // Written without percent-encoding: the last '@' ends the user info.
      {"redis://:s3c/r@t@h:7/1", "h", 7, "", 1, "", "s3c/r@t", "redis://:***@h:7/1"},
      {"redis://[::1]:7000/3", "::1", 7000, "", 3, "", "", "redis://[::1]:7000/3"},
      {"redis://[2001:db8::7]", "2001:db8::7", 6379, "", 0, "", "", "redis://[2001:db8::7]:6379/0"},
      {"unix:///run/redis.sock", "", 6379, "/run/redis.sock", 0, "", "", "unix:///run/redis.sock"},
      {"unix:///tmp/r%20s.sock?db=4", "", 6379, "/tmp/r s.sock", 4, "", "",
       "unix:///tmp/r%20s.sock?db=4"},
      {"unix://bob:s3cret@/tmp/a@b.sock?db=1", "", 6379, "/tmp/a@b.sock", 1, "bob", "s3cret",
       "unix://bob:***@/tmp/a@b.sock?db=1"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.url);
    Result<Address> address = ParseAddress(c.url);
    INFO((address.ok() ? "" : address.status().message()));
    REQUIRE(address.ok());
    CHECK(address.value().host == c.host);
    CHECK(address.value().port == c.port);
    CHECK(address.value().unix_path == c.unix_path);
    CHECK(address.value().db == c.db);
    CHECK(address.value().user == c.user);
    CHECK(address.value().password == c.password);
    CHECK(address.value().display == c.display);
  }
}

TEST_CASE("redis: ParseAddress refuses garbage in one line that never holds the password",
          "[redis]") {
  struct Case {
    std::string url;
    std::string says;  // part of the message
  };
  const Case cases[] = {
      {"", "empty Redis address"},
      {"localhost:6379", "not a URL"},
      {"http://h", "unknown scheme \"http\""},
      {"rediss://h", "TLS"},
      {"redis://", "no host"},
      {"redis://:6379", "no host"},
      {"redis://h x", "\"h x\" is not a host name"},
      {"redis://h:0", "port \"0\""},
      {"redis://h:65536", "port \"65536\""},
      {"redis://h:x", "port \"x\""},
      {"redis://h:", "port \"\""},
      {"redis://h/x", "DB \"x\""},
      {"redis://h/-1", "DB \"-1\""},
      {"redis://h/2147483648", "DB \"2147483648\""},
      {"redis://h/0/1", "DB \"0/1\""},
      {"redis://h/0?timeout=1", "no query"},
      {"redis://::1", "brackets"},
      {"redis://[::1", "closing ']'"},
      {"redis://[nope]:1", "[nope] is not an IPv6 address"},
      {"redis://[::1]x", "after the IPv6 host"},
      {"redis://:s3cret@h:99999", "\"redis://:***@h:99999\": the port"},
      {"redis://s3cret@h", "\"redis://***@h\": the user info has no ':'"},
      {"redis://alice:@h", "a user without a password"},
      {"redis://alice:s3cret@h/1#x", "fragment"},
      {"redis://:s3cret@h:1/x", "\"redis://:***@h:1/x\": the DB"},
      {"unix://run/redis.sock", "not absolute"},
      {"unix://:s3cret@run/redis.sock", "\"unix://:***@run/redis.sock\": the socket path is not"},
      {"unix:///tmp/r.sock?db=x", "DB \"x\""},
      {"unix:///tmp/r.sock?timeout=1", "unknown parameter \"timeout=1\""},
      {"unix:///tmp/", "names a directory"},
      {"unix:///tmp/a%00b", "NUL"},
      {"unix:///" + std::string(200, 'x'), "longer than 107 bytes"},
      {"http://:s3cret@h", "\"http://:***@h\": unknown scheme"},
      {"s3cret@h:1", "\"***@h:1\": not a URL"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.url);
    Result<Address> address = ParseAddress(c.url);
    REQUIRE_FALSE(address.ok());
    const std::string& message = address.status().message();
    CAPTURE(message);
    CHECK(address.status().IsInvalidArgument());
    CHECK(message.find(c.says) != std::string::npos);
    CHECK(message.find("s3cret") == std::string::npos);
    CHECK(message.find('\n') == std::string::npos);
  }
}

TEST_CASE("redis: a Connection carries binary strings, integers, nil and nested arrays",
          "[redis]") {
  REQUIRE_REDIS_SERVER();
  auto server = RedisServer::Start();
  auto connection = OpenOrFail(server->url());

  const std::string key("k\0ey", 4);
  const std::string value("a\0b\r\n\xff", 6);
  Reply set = CommandOrFail(*connection, {"SET", key, value});
  CHECK(set.type == Reply::Type::kStatus);
  CHECK(set.str == "OK");
  Reply got = CommandOrFail(*connection, {"GET", key});
  CHECK(got.type == Reply::Type::kString);
  CHECK(got.str == value);
  CHECK(CommandOrFail(*connection, {"GET", "absent"}).nil());
  CHECK(CommandOrFail(*connection, {"SET", "empty", ""}).str == "OK");
  CHECK(CommandOrFail(*connection, {"STRLEN", "empty"}).integer == 0);

  Reply incr = CommandOrFail(*connection, {"INCRBY", "n", "-9000000000"});
  CHECK(incr.type == Reply::Type::kInteger);
  CHECK(incr.integer == -9000000000LL);

  Reply nested = CommandOrFail(*connection, {"EVAL", "return {7, 'x', {ARGV[1], false}, {}}", "0",
                                             std::string_view("\0", 1)});
  REQUIRE(nested.type == Reply::Type::kArray);
  REQUIRE(nested.elements.size() == 4);
  CHECK(nested.elements[0].integer == 7);
  CHECK(nested.elements[1].str == "x");
  REQUIRE(nested.elements[2].elements.size() == 2);
  CHECK(nested.elements[2].elements[0].str == std::string("\0", 1));
  CHECK(nested.elements[2].elements[1].nil());  // Lua false is a nil reply
  CHECK(nested.elements[3].type == Reply::Type::kArray);
  CHECK(nested.elements[3].elements.empty());
  CHECK_FALSE(connection->broken());
}

TEST_CASE("redis: an error reply is a kError Reply, not a failed Status", "[redis]") {
  REQUIRE_REDIS_SERVER();
  auto server = RedisServer::Start();
  auto connection = OpenOrFail(server->url());

  Reply unknown = CommandOrFail(*connection, {"NO-SUCH-COMMAND", "x"});
  CHECK(unknown.error());
  CHECK(unknown.str.rfind("ERR ", 0) == 0);
  CommandOrFail(*connection, {"RPUSH", "list", "a"});
  Reply wrong = CommandOrFail(*connection, {"INCR", "list"});
  CHECK(wrong.error());
  CHECK(wrong.str.rfind("WRONGTYPE", 0) == 0);
  CHECK_FALSE(connection->broken());
  CHECK(CommandOrFail(*connection, {"PING"}).str == "PONG");
}

TEST_CASE("redis: calls a Connection cannot take are kInvalidArgument", "[redis]") {
  REQUIRE_REDIS_SERVER();
  auto server = RedisServer::Start();
  Result<Address> address = ParseAddress(server->url());
  REQUIRE(address.ok());
  CHECK(Connection::Open(address.value(), 0ms).status().IsInvalidArgument());

  auto connection = OpenOrFail(server->url());
  CHECK(connection->Command({}).status().IsInvalidArgument());
  CHECK(connection->Append({}).IsInvalidArgument());
  CHECK(connection->GetReply().status().IsInvalidArgument());  // nothing appended
  REQUIRE(connection->Append({"PING"}).ok());
  // Its reply would come before this command's.
  CHECK(connection->Command({"GET", "x"}).status().IsInvalidArgument());
  CHECK(connection->GetReply().value().str == "PONG");
  CHECK(CommandOrFail(*connection, {"PING", "again"}).str == "again");
  CHECK_FALSE(connection->broken());
}

TEST_CASE("redis: pipelined replies come back in the order the commands were appended", "[redis]") {
  REQUIRE_REDIS_SERVER();
  auto server = RedisServer::Start();
  auto connection = OpenOrFail(server->url());

  REQUIRE(connection->Append({"SET", "k", "1"}).ok());
  REQUIRE(connection->Append({"INCR", "k"}).ok());
  REQUIRE(connection->Append({"GET", "k"}).ok());
  Result<Reply> first = connection->GetReply();
  Result<Reply> second = connection->GetReply();
  Result<Reply> third = connection->GetReply();
  REQUIRE((first.ok() && second.ok() && third.ok()));
  CHECK(first.value().str == "OK");
  CHECK(second.value().integer == 2);
  CHECK(third.value().str == "2");

  // Many at once, past what one socket write holds: replies stay in order.
  const std::string big(64 * 1024, 'v');
  for (int i = 0; i < 100; ++i) {
    REQUIRE(connection->Append({"SET", "key" + std::to_string(i), big}).ok());
    REQUIRE(connection->Append({"INCR", "counter"}).ok());
  }
  for (int i = 0; i < 100; ++i) {
    CHECK(connection->GetReply().value().str == "OK");
    CHECK(connection->GetReply().value().integer == i + 1);
  }
}

TEST_CASE("redis: a Script loads itself, runs by its SHA1 and is loaded again when lost",
          "[redis]") {
  REQUIRE_REDIS_SERVER();
  auto server = RedisServer::Start();
  auto connection = OpenOrFail(server->url());
  Script script("return {KEYS[1], ARGV[1], redis.call('INCR', KEYS[1])}");

  auto run = [&](long long expected_count) {
    Result<Reply> reply = script.Run(*connection, {"counter"}, {"arg"});
    INFO((reply.ok() ? reply.value().str : reply.status().message()));
    REQUIRE(reply.ok());
    REQUIRE(reply.value().elements.size() == 3);
    CHECK(reply.value().elements[0].str == "counter");
    CHECK(reply.value().elements[1].str == "arg");
    CHECK(reply.value().elements[2].integer == expected_count);
  };
  run(1);
  CHECK(Calls(*server, "script|load") == 1);
  run(2);
  CHECK(Calls(*server, "script|load") == 1);  // the cached SHA1, not another load
  CHECK(Calls(*server, "evalsha") == 2);
  CHECK(Calls(*server, "eval") == 0);

  SECTION("after SCRIPT FLUSH") {
    CHECK(server->Command({"SCRIPT", "FLUSH"}).str == "OK");
    run(3);
    CHECK(Calls(*server, "script|load") == 2);
  }
  SECTION("on a restarted server, through a new connection") {
    server->Restart();
    connection = OpenOrFail(server->url());
    run(1);  // the data went with the old server
    CHECK(Calls(*server, "script|load") == 1);
  }
  SECTION("a script that does not compile: the server's error, as a reply") {
    Script broken("return {");
    Result<Reply> reply = broken.Run(*connection, {}, {});
    REQUIRE(reply.ok());
    CHECK(reply.value().error());
    CHECK(reply.value().str.find("Error compiling script") != std::string::npos);
    CHECK_FALSE(connection->broken());
  }
}

TEST_CASE("redis: AUTH sends the URL's password, and a refusal never shows one", "[redis]") {
  REQUIRE_REDIS_SERVER();
  auto server = RedisServer::Start({"--requirepass", "right-pw"});
  const std::string hostport = "127.0.0.1:" + std::to_string(server->port());

  for (const std::string& url :
       {"redis://:wrong-pw@" + hostport, "redis://default:wrong-pw@" + hostport,
        "redis://nobody:right-pw@" + hostport}) {
    CAPTURE(url);
    Result<Address> address = ParseAddress(url);
    REQUIRE(address.ok());
    Result<std::unique_ptr<Connection>> refused = Connection::Open(address.value(), 5s);
    REQUIRE_FALSE(refused.ok());
    const std::string& message = refused.status().message();
    CAPTURE(message);
    CHECK(refused.status().IsInvalidArgument());
    CHECK(message.find(":***@" + hostport) != std::string::npos);
    CHECK(message.find("AUTH") != std::string::npos);
    CHECK(message.find("wrong-pw") == std::string::npos);
    CHECK(message.find("right-pw") == std::string::npos);
  }

  for (const std::string& url :
       {"redis://:right-pw@" + hostport, "redis://default:right-pw@" + hostport,
        "unix://:right-pw@" + server->unix_url().substr(7)}) {
    CAPTURE(url);
    auto connection = OpenOrFail(url);
    CHECK(CommandOrFail(*connection, {"PING"}).str == "PONG");
  }

  // No password: connected, and the server says what is missing.
  auto anonymous = OpenOrFail(server->url());
  Reply noauth = CommandOrFail(*anonymous, {"PING"});
  CHECK(noauth.error());
  CHECK(noauth.str.rfind("NOAUTH", 0) == 0);
}

TEST_CASE("redis: the URL's DB is SELECTed, over TCP and over the unix socket", "[redis]") {
  REQUIRE_REDIS_SERVER();
  auto server = RedisServer::Start();

  auto db3 = OpenOrFail(server->url() + "/3");
  CHECK(CommandOrFail(*db3, {"SET", "k", "in 3"}).str == "OK");
  auto db0 = OpenOrFail(server->url() + "/0");
  CHECK(CommandOrFail(*db0, {"GET", "k"}).nil());
  auto unix3 = OpenOrFail(server->unix_url() + "?db=3");
  CHECK(CommandOrFail(*unix3, {"GET", "k"}).str == "in 3");
  auto unix0 = OpenOrFail(server->unix_url());
  CHECK(CommandOrFail(*unix0, {"GET", "k"}).nil());

  Result<Address> address = ParseAddress(server->url() + "/99");  // 16 DBs by default
  REQUIRE(address.ok());
  Result<std::unique_ptr<Connection>> refused = Connection::Open(address.value(), 5s);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().IsInvalidArgument());
  CHECK(refused.status().message().find("SELECT 99") != std::string::npos);
  CHECK(refused.status().message().find(address.value().display) != std::string::npos);
}

TEST_CASE("redis: connecting where nothing listens is kIOError naming the address", "[redis]") {
  const int port = test::UnusedLocalPort();
  Result<Address> tcp = ParseAddress("redis://:s3cret@127.0.0.1:" + std::to_string(port) + "/2");
  REQUIRE(tcp.ok());
  Result<std::unique_ptr<Connection>> refused = Connection::Open(tcp.value(), 2s);
  REQUIRE_FALSE(refused.ok());
  CAPTURE(refused.status().message());
  CHECK(refused.status().IsIOError());
  CHECK(refused.status().message() == "cannot connect to redis://:***@127.0.0.1:" +
                                          std::to_string(port) + "/2: connection refused");

  test::TempDir dir;
  Result<Address> unix = ParseAddress("unix://" + dir.path() + "/none.sock");
  REQUIRE(unix.ok());
  Result<std::unique_ptr<Connection>> missing = Connection::Open(unix.value(), 2s);
  REQUIRE_FALSE(missing.ok());
  CAPTURE(missing.status().message());
  CHECK(missing.status().IsIOError());
  CHECK(missing.status().message().find(dir.path() + "/none.sock") != std::string::npos);
}

TEST_CASE("redis: a server killed mid-session breaks the connection with kIOError", "[redis]") {
  REQUIRE_REDIS_SERVER();
  auto server = RedisServer::Start();
  auto connection = OpenOrFail(server->url());
  CHECK(CommandOrFail(*connection, {"SET", "k", "v"}).str == "OK");

  SECTION("a small command") {
    server->Kill();
    Result<Reply> after = connection->Command({"GET", "k"});
    REQUIRE_FALSE(after.ok());
    CAPTURE(after.status().message());
    CHECK(after.status().IsIOError());
    CHECK(after.status().message().find(connection->address().display) != std::string::npos);
  }
  SECTION("a large one: writes after the reset are EPIPE, not a SIGPIPE that kills the test") {
    server->Kill();
    const std::string big(8 << 20, 'x');
    Result<Reply> after = connection->Command({"SET", "big", big});
    REQUIRE_FALSE(after.ok());
    CHECK(after.status().IsIOError());
  }
  SECTION("pipelined") {
    REQUIRE(connection->Append({"GET", "k"}).ok());
    server->Kill();
    Result<Reply> after = connection->GetReply();
    REQUIRE_FALSE(after.ok());
    CHECK(after.status().IsIOError());
  }
  CHECK(connection->broken());
  // Broken for good, even once a server is back: open a new connection.
  server->Restart();
  Result<Reply> again = connection->Command({"PING"});
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().IsIOError());
  CHECK(again.status().message().find("broke earlier") != std::string::npos);
  CHECK(connection->Append({"PING"}).IsIOError());
  auto fresh = OpenOrFail(server->url());
  CHECK(CommandOrFail(*fresh, {"GET", "k"}).nil());  // and the restart was empty
}

TEST_CASE("redis: a server that stops answering times out with kIOError", "[redis]") {
  REQUIRE_REDIS_SERVER();
  auto server = RedisServer::Start();
  const auto timeout = 300ms;
  auto connection = OpenOrFail(server->url(), timeout);
  CHECK(CommandOrFail(*connection, {"PING"}).str == "PONG");

  server->Pause();
  struct ResumeOnExit {
    RedisServer& server;
    ~ResumeOnExit() { server.Resume(); }
  } resume{*server};
  const auto start = std::chrono::steady_clock::now();
  Result<Reply> reply = connection->Command({"PING"});
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(reply.ok());
  CAPTURE(reply.status().message());
  CHECK(reply.status().IsIOError());
  CHECK(reply.status().message().find("timed out after 300 ms") != std::string::npos);
  CHECK(connection->broken());
  CHECK(took >= timeout - 50ms);
  CHECK(took < 5s);

  server->Resume();
  auto fresh = OpenOrFail(server->url(), timeout);
  CHECK(CommandOrFail(*fresh, {"PING"}).str == "PONG");
}

TEST_CASE("redis: the test server restarts on its port, empty, and reports INFO", "[redis]") {
  REQUIRE_REDIS_SERVER();
  auto server = RedisServer::Start();
  const int port = server->port();
  CHECK(server->Command({"SET", "k", "v"}).str == "OK");
  CHECK(server->Info("server").find("tcp_port:" + std::to_string(port)) != std::string::npos);
  const pid_t before = server->pid();
  server->Restart();
  CHECK(server->port() == port);
  CHECK(server->pid() != before);
  CHECK(server->Command({"GET", "k"}).nil());
  CHECK(server->log().find("Ready to accept connections") != std::string::npos);
  CHECK(server->Info("persistence").find("aof_enabled:0") != std::string::npos);
}

}  // namespace
}  // namespace forage::redis
