#pragma once

// A blocking Redis client over hiredis: one connection, commands as
// argument vectors (binary-safe), replies copied out of hiredis into values,
// Lua scripts run by their SHA1 and loaded again when the server lost them.
// Used by the master's shared frontier (crawl/redis_frontier.h) and by
// `forage frontier`. One thread; not thread-safe.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "forage/status.h"

struct redisContext;

namespace forage::redis {

// Where a Redis server is, from --frontier:
//   redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]   (PORT 6379, DB 0 by default;
//                                                  HOST may be [IPv6])
//   unix://[[USER]:PASSWORD@]/PATH[?db=DB]       (unix:///run/redis.sock)
struct Address {
  std::string host;  // empty for a unix socket
  int port = 6379;
  std::string unix_path;  // empty for TCP
  int db = 0;
  std::string user;      // AUTH USER PASSWORD when both are given
  std::string password;  // AUTH PASSWORD; empty: none
  // The address for messages and status lines, with any password replaced by
  // "***": "redis://127.0.0.1:6379/0", "unix:///run/redis.sock".
  std::string display;
};

// Parses `url`. Fails (kInvalidArgument) with a message naming what is wrong
// and quoting the URL without its password: an unknown scheme, an empty host,
// a port outside 1..65535, a DB that is not a number 0..2^31-1, a unix path
// that is not absolute. USER and PASSWORD are percent-decoded; a password
// written raw may hold '@' and '/' (the last '@' before the host ends it).
// User info without ':' is refused rather than guessed at.
Result<Address> ParseAddress(std::string_view url);

// One reply, owned: a tree of values.
struct Reply {
  enum class Type { kNil, kInteger, kString, kStatus, kError, kArray };
  Type type = Type::kNil;
  long long integer = 0;
  std::string str;              // kString, kStatus, kError
  std::vector<Reply> elements;  // kArray

  bool nil() const { return type == Type::kNil; }
  bool error() const { return type == Type::kError; }
};

class Connection {
 public:
  // Connects within `timeout` (TCP connect or unix socket), sends AUTH and
  // SELECT when the address asks for them, and uses `timeout` for every
  // later read and write. Fails with kIOError naming address.display and why
  // ("connection refused", "timed out"), or kInvalidArgument for a refused
  // AUTH or SELECT (the server's own message) or a `timeout` that is not
  // positive. No message holds the password. The socket is close-on-exec.
  static Result<std::unique_ptr<Connection>> Open(const Address& address,
                                                  std::chrono::milliseconds timeout);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends one command and waits for its reply. A reply the server sends as
  // an error is a Reply of Type::kError (the call succeeded); a failure of
  // the connection itself (reset, closed, timed out, a protocol error) is a
  // kIOError Status, after which broken() is true and every call fails:
  // open a new Connection. A server that went away never raises SIGPIPE in
  // the caller: it is an EPIPE like any other failure. kInvalidArgument for
  // an empty `argv`, or while appended commands' replies are still unread
  // (their replies would come first).
  Result<Reply> Command(const std::vector<std::string_view>& argv);

  // Pipelining: Append queues a command without sending it; GetReply sends
  // whatever is queued and returns the replies one by one, in order.
  // GetReply with no reply outstanding is kInvalidArgument (it would wait
  // for a reply that never comes).
  Status Append(const std::vector<std::string_view>& argv);
  Result<Reply> GetReply();

  bool broken() const { return broken_; }
  const Address& address() const { return address_; }

 private:
  struct ContextFree {
    void operator()(redisContext* context) const;
  };
  using ContextPtr = std::unique_ptr<redisContext, ContextFree>;

  Connection(ContextPtr context, Address address, std::chrono::milliseconds timeout);
  // Marks the connection broken and returns the kIOError for `what` (a
  // command's name, never its arguments), from the context's error and
  // `err`, the errno the failing hiredis call left.
  Status Fail(std::string_view what, int err);
  // The kIOError of any call once broken.
  Status Broken() const;

  ContextPtr context_;
  Address address_;
  std::chrono::milliseconds timeout_;
  int pending_ = 0;  // appended commands whose replies GetReply has not returned
  bool broken_ = false;
  std::string failure_;  // why it broke, for later calls
};

// A Lua script, run with EVALSHA. The first run on a connection loads it
// (SCRIPT LOAD), and so does a run that finds the server lost it (NOSCRIPT,
// a restarted Redis): callers never see NOSCRIPT.
class Script {
 public:
  explicit Script(std::string source) : source_(std::move(source)) {}

  // EVALSHA sha numkeys keys... args...; the reply as Command gives it.
  Result<Reply> Run(Connection& connection, const std::vector<std::string_view>& keys,
                    const std::vector<std::string_view>& args);

  const std::string& source() const { return source_; }

 private:
  std::string source_;
  std::string sha_;  // from SCRIPT LOAD; empty until the first run
};

}  // namespace forage::redis
