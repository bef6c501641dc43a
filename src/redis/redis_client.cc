#include "redis/redis_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/un.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "core/percent_encoding.h"

namespace forage::redis {
namespace {

constexpr std::string_view kForms =
    "redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] or unix:///PATH[?db=DB]";

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

// Where the user info of what follows "scheme://" ends (its '@'), or npos.
// A password may hold any byte, '@' and '/' included, when its writer did not
// percent-encode it, so the split must not cut a password short: in a
// redis:// URL nothing after the user info holds an '@', so the last '@'
// ends it; in a unix:// URL the path may hold '@' but starts with '/', so
// the first "@/" ends it.
std::size_t UserinfoEnd(bool is_unix, std::string_view rest) {
  if (is_unix) {
    if (!rest.empty() && rest[0] == '/') return std::string_view::npos;
    std::size_t at = rest.find("@/");
    return at != std::string_view::npos ? at : rest.rfind('@');
  }
  return rest.rfind('@');
}

// `url` for a message: the password (everything after the user info's ':')
// becomes "***", and so does user info without a ':', which some clients
// read as a password. Works on any text, parsed or not.
std::string Redacted(std::string_view url) {
  std::size_t sep = url.find("://");
  std::string_view head = sep == std::string_view::npos ? "" : url.substr(0, sep + 3);
  std::string_view rest = url.substr(head.size());
  std::size_t at = UserinfoEnd(Lower(url.substr(0, sep)) == "unix", rest);
  if (at == std::string_view::npos) return std::string(url);
  std::string_view info = rest.substr(0, at);
  std::size_t colon = info.find(':');
  std::string out(head);
  if (!head.empty() && colon != std::string_view::npos) out.append(info.substr(0, colon + 1));
  out += "***";
  out.append(rest.substr(at));
  return out;
}

// Decimal digits spelling 0..max (max < 2^31) into *out.
bool ParseNumber(std::string_view text, long long max, int* out) {
  if (!AllDigits(text) || text.size() > 10) return false;
  long long value = std::stoll(std::string(text));
  if (value > max) return false;
  *out = static_cast<int>(value);
  return true;
}

// SELECT takes a signed 32-bit index.
bool ParseDb(std::string_view text, int* db) { return ParseNumber(text, 2147483647, db); }

bool IsHostNameByte(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

// HOST[:PORT][/DB] of a redis:// URL into `address`; "" or a reason.
std::string ParseTcp(std::string_view rest, Address* address) {
  if (rest.find('?') != std::string_view::npos) {
    return "a redis:// URL takes no query (the DB goes in the path: redis://HOST:PORT/DB)";
  }
  std::size_t slash = rest.find('/');
  std::string_view hostport = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  std::string_view port_text;
  bool has_port = false;
  if (!hostport.empty() && hostport[0] == '[') {
    std::size_t close = hostport.find(']');
    if (close == std::string_view::npos) return "an IPv6 host without its closing ']'";
    std::string host(hostport.substr(1, close - 1));
    in6_addr ignored;
    if (::inet_pton(AF_INET6, host.c_str(), &ignored) != 1) {
      return "the host [" + host + "] is not an IPv6 address";
    }
    address->host = host;
    std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':')
        return "unexpected text after the IPv6 host: \"" + std::string(after) + "\"";
      has_port = true;
      port_text = after.substr(1);
    }
  } else {
    std::size_t colon = hostport.find(':');
    if (colon != std::string_view::npos &&
        hostport.find(':', colon + 1) != std::string_view::npos) {
      return "an IPv6 host goes in brackets (redis://[::1]:6379)";
    }
    std::string_view host = hostport.substr(0, colon);
    if (host.empty()) return "no host";
    if (!std::all_of(host.begin(), host.end(), IsHostNameByte)) {
      return "the host \"" + std::string(host) + "\" is not a host name or an address";
    }
    address->host = std::string(host);
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = hostport.substr(colon + 1);
    }
  }
  if (has_port) {
    int port = 0;
    if (!ParseNumber(port_text, 65535, &port) || port < 1) {
      return "the port \"" + std::string(port_text) + "\" is not a number 1..65535";
    }
    address->port = port;
  }
  if (path.size() > 1 && !ParseDb(path.substr(1), &address->db)) {
    return "the DB \"" + std::string(path.substr(1)) + "\" is not a number 0..2147483647";
  }
  return "";
}

// /PATH[?db=DB] of a unix:// URL into `address`; "" or a reason.
std::string ParseUnix(std::string_view rest, Address* address) {
  std::size_t q = rest.find('?');
  std::string_view path = rest.substr(0, q);
  if (path.empty() || path[0] != '/') {
    return "the socket path is not absolute (unix:///run/redis.sock)";
  }
  address->unix_path = PercentDecode(path);
  // hiredis 0.14 copies the path into sun_path with strncpy: a longer one
  // would be cut short and name another file, or none.
  constexpr std::size_t kMaxPath = sizeof(sockaddr_un::sun_path) - 1;
  if (address->unix_path.size() > kMaxPath) {
    return "the socket path is longer than " + std::to_string(kMaxPath) + " bytes";
  }
  if (address->unix_path.find('\0') != std::string::npos) return "the socket path holds a NUL byte";
  if (address->unix_path.back() == '/') return "the socket path names a directory";
  std::string_view query = q == std::string_view::npos ? "" : rest.substr(q + 1);
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
    if (param.empty()) continue;
    if (param.substr(0, 3) != "db=") {
      return "unknown parameter \"" + std::string(param) + "\" (only db=DB)";
    }
    if (!ParseDb(param.substr(3), &address->db)) {
      return "the DB \"" + std::string(param.substr(3)) + "\" is not a number 0..2147483647";
    }
  }
  return "";
}

std::string Display(const Address& address) {
  std::string out = address.unix_path.empty() ? "redis://" : "unix://";
  if (!address.password.empty()) {
    AppendPercentEncoded(address.user, PercentEncodeSet::kUserinfo, &out);
    out += ":***@";
  }
  if (address.unix_path.empty()) {
    bool ipv6 = address.host.find(':') != std::string::npos;
    out += ipv6 ? "[" + address.host + "]" : address.host;
    out += ":" + std::to_string(address.port) + "/" + std::to_string(address.db);
  } else {
    AppendPercentEncoded(address.unix_path, PercentEncodeSet::kPath, &out);
    if (address.db != 0) out += "?db=" + std::to_string(address.db);
  }
  return out;
}

timeval ToTimeval(std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  return tv;
}

// Why a hiredis call failed, for a person. hiredis gives strerror's text for
// I/O errors; a read or write that outlived SO_RCVTIMEO/SO_SNDTIMEO fails
// with EAGAIN ("Resource temporarily unavailable"), which means it timed out.
std::string Why(const redisContext& context, int err, std::chrono::milliseconds timeout) {
  std::string_view text = context.errstr;
  if (context.err == REDIS_ERR_IO &&
      (err == EAGAIN || err == EWOULDBLOCK || err == ETIMEDOUT || text == std::strerror(EAGAIN) ||
       text == std::strerror(ETIMEDOUT))) {
    return "timed out after " + std::to_string(timeout.count()) + " ms";
  }
  if (context.err == REDIS_ERR_EOF) return "the server closed the connection";
  std::string why(text.empty() ? "unknown error" : text);
  // "Connection refused" reads as "connection refused" after a colon; keep
  // words that are all capitals ("EOF") as they are.
  if (why.size() > 1 && std::isupper(static_cast<unsigned char>(why[0])) &&
      std::islower(static_cast<unsigned char>(why[1]))) {
    why[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(why[0])));
  }
  return why;
}

Reply CopyReply(const redisReply& from) {
  Reply to;
  switch (from.type) {
    case REDIS_REPLY_STRING:
      to.type = Reply::Type::kString;
      break;
    case REDIS_REPLY_STATUS:
      to.type = Reply::Type::kStatus;
      break;
    case REDIS_REPLY_ERROR:
      to.type = Reply::Type::kError;
      break;
    case REDIS_REPLY_INTEGER:
      to.type = Reply::Type::kInteger;
      to.integer = from.integer;
      return to;
    case REDIS_REPLY_ARRAY:
      to.type = Reply::Type::kArray;
      to.elements.reserve(from.elements);
      for (std::size_t i = 0; i < from.elements; ++i) {
        to.elements.push_back(CopyReply(*from.element[i]));
      }
      return to;
    default:  // REDIS_REPLY_NIL
      return to;
  }
  if (from.str != nullptr) to.str.assign(from.str, static_cast<std::size_t>(from.len));
  return to;
}

struct ReplyFree {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyFree>;

// hiredis 0.14 sends with write(2), which raises SIGPIPE on a socket the
// server has reset. A library must neither die of that nor change how its
// process handles signals, so SIGPIPE is blocked in this thread while hiredis
// writes, and one the write raised is taken off the pending set before the
// old mask comes back (libcurl does the same). write(2)'s SIGPIPE goes to
// the writing thread, so other threads are untouched.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
    sigset_t pending;
    sigpending(&pending);
    // One already pending came from elsewhere: it is not ours to take.
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
  }
  ~SigpipeBlock() {
    if (!was_pending_) {
      sigset_t pending;
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        timespec now{};
        while (::sigtimedwait(&pipe_, nullptr, &now) < 0 && errno == EINTR) {
        }
      }
    }
    ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

 private:
  sigset_t pipe_;
  sigset_t old_;
  bool was_pending_ = false;
};

// argv as hiredis takes it. An empty string_view may have a null data():
// hiredis would memcpy from it, so it points at "" instead.
struct Argv {
  explicit Argv(const std::vector<std::string_view>& argv) {
    for (std::string_view arg : argv) {
      pointers.push_back(arg.data() != nullptr ? arg.data() : "");
      lengths.push_back(arg.size());
    }
  }
  int argc() const { return static_cast<int>(pointers.size()); }
  std::vector<const char*> pointers;
  std::vector<std::size_t> lengths;
};

}  // namespace

Result<Address> ParseAddress(std::string_view url) {
  if (url.empty())
    return Status::InvalidArgument("empty Redis address (" + std::string(kForms) + ")");
  auto bad = [url](std::string_view why) {
    return Status::InvalidArgument("bad Redis address \"" + Redacted(url) +
                                   "\": " + std::string(why));
  };
  std::size_t sep = url.find("://");
  if (sep == std::string_view::npos) return bad("not a URL (" + std::string(kForms) + ")");
  std::string scheme = Lower(url.substr(0, sep));
  if (scheme == "rediss") return bad("TLS (rediss://) is not supported");
  if (scheme != "redis" && scheme != "unix") {
    return bad("unknown scheme \"" + scheme + "\" (redis:// or unix://)");
  }
  const bool is_unix = scheme == "unix";
  std::string_view rest = url.substr(sep + 3);
  Address address;
  std::size_t at = UserinfoEnd(is_unix, rest);
  if (at != std::string_view::npos) {
    std::string_view info = rest.substr(0, at);
    rest = rest.substr(at + 1);
    std::size_t colon = info.find(':');
    if (colon == std::string_view::npos) {
      return bad("the user info has no ':' (:PASSWORD@ or USER:PASSWORD@)");
    }
    address.user = PercentDecode(info.substr(0, colon));
    address.password = PercentDecode(info.substr(colon + 1));
    if (address.password.empty() && !address.user.empty()) return bad("a user without a password");
  }
  if (rest.find('#') != std::string_view::npos)
    return bad("a URL fragment ('#') has no meaning here");
  std::string why = is_unix ? ParseUnix(rest, &address) : ParseTcp(rest, &address);
  if (!why.empty()) return bad(why);
  address.display = Display(address);
  return address;
}

void Connection::ContextFree::operator()(redisContext* context) const { redisFree(context); }

Connection::Connection(ContextPtr context, Address address, std::chrono::milliseconds timeout)
    : context_(std::move(context)), address_(std::move(address)), timeout_(timeout) {}

Connection::~Connection() = default;

Result<std::unique_ptr<Connection>> Connection::Open(const Address& address,
                                                     std::chrono::milliseconds timeout) {
  if (timeout.count() <= 0) {
    return Status::InvalidArgument("connecting to Redis: the timeout must be positive");
  }
  // An Address built by hand rather than parsed still gets a display.
  Address named = address;
  if (named.display.empty()) named.display = Display(named);
  const std::string& display = named.display;
  const timeval tv = ToTimeval(timeout);
  ContextPtr context(address.unix_path.empty()
                         ? redisConnectWithTimeout(address.host.c_str(), address.port, tv)
                         : redisConnectUnixWithTimeout(address.unix_path.c_str(), tv));
  int err = errno;
  if (!context) {
    return Status::ResourceExhausted("cannot connect to " + display + ": out of memory");
  }
  if (context->err) {
    return Status::IOError("cannot connect to " + display + ": " + Why(*context, err, timeout));
  }
  // The connect timeout bounds the connect alone; this bounds every read
  // and write after it.
  if (redisSetTimeout(context.get(), tv) != REDIS_OK) {
    return Status::IOError("cannot connect to " + display + ": " + Why(*context, errno, timeout));
  }
  // hiredis opens its socket without SOCK_CLOEXEC, and the master forks
  // fetchers: none of them may hold the frontier's connection. The master
  // is one thread, so no fork runs between socket() and this.
  ::fcntl(context->fd, F_SETFD, FD_CLOEXEC);
  std::unique_ptr<Connection> connection(new Connection(std::move(context), named, timeout));

  // AUTH's and SELECT's messages are the server's, which never repeats the
  // password; Command's own failures name the command, never its arguments.
  if (!address.password.empty()) {
    std::vector<std::string_view> auth{"AUTH"};
    if (!address.user.empty()) auth.push_back(address.user);
    auth.push_back(address.password);
    Result<Reply> reply = connection->Command(auth);
    if (!reply.ok()) return reply.status();
    if (reply.value().error()) {
      return Status::InvalidArgument(display + ": AUTH refused: " + reply.value().str);
    }
  }
  if (address.db != 0) {
    const std::string db = std::to_string(address.db);
    Result<Reply> reply = connection->Command({"SELECT", db});
    if (!reply.ok()) return reply.status();
    if (reply.value().error()) {
      return Status::InvalidArgument(display + ": SELECT " + db + " refused: " + reply.value().str);
    }
  }
  return connection;
}

Status Connection::Fail(std::string_view what, int err) {
  broken_ = true;
  failure_ = std::string(what) + ": " + Why(*context_, err, timeout_);
  return Status::IOError(address_.display + ": " + failure_);
}

Status Connection::Broken() const {
  return Status::IOError(address_.display + ": the connection broke earlier (" + failure_ +
                         "); open a new one");
}

Result<Reply> Connection::Command(const std::vector<std::string_view>& argv) {
  if (broken_) return Broken();
  if (argv.empty()) return Status::InvalidArgument(address_.display + ": an empty command");
  if (pending_ > 0) {
    return Status::InvalidArgument(address_.display + ": " + std::to_string(pending_) +
                                   " appended command(s) whose replies were not read");
  }
  Argv args(argv);  // not const: hiredis takes a const char**
  ReplyPtr reply;
  int err = 0;
  {
    SigpipeBlock block;
    reply.reset(static_cast<redisReply*>(
        redisCommandArgv(context_.get(), args.argc(), args.pointers.data(), args.lengths.data())));
    err = errno;
  }
  if (!reply) return Fail(argv[0], err);
  return CopyReply(*reply);
}

Status Connection::Append(const std::vector<std::string_view>& argv) {
  if (broken_) return Broken();
  if (argv.empty()) return Status::InvalidArgument(address_.display + ": an empty command");
  Argv args(argv);
  // Only formats into hiredis's output buffer: it fails only without memory.
  if (redisAppendCommandArgv(context_.get(), args.argc(), args.pointers.data(),
                             args.lengths.data()) != REDIS_OK) {
    return Fail(argv[0], errno);
  }
  ++pending_;
  return Status();
}

Result<Reply> Connection::GetReply() {
  if (broken_) return Broken();
  if (pending_ == 0) {
    return Status::InvalidArgument(address_.display + ": GetReply with no command appended");
  }
  void* raw = nullptr;
  int status;
  int err = 0;
  {
    SigpipeBlock block;
    status = redisGetReply(context_.get(), &raw);
    err = errno;
  }
  ReplyPtr reply(static_cast<redisReply*>(raw));
  if (status != REDIS_OK || !reply) return Fail("reading a pipelined reply", err);
  --pending_;
  return CopyReply(*reply);
}

Result<Reply> Script::Run(Connection& connection, const std::vector<std::string_view>& keys,
                          const std::vector<std::string_view>& args) {
  // SCRIPT LOAD's reply: the sha, or (a script that does not compile) the
  // server's error as the run's reply.
  auto load = [this, &connection]() -> Result<Reply> {
    Result<Reply> reply = connection.Command({"SCRIPT", "LOAD", source_});
    if (!reply.ok() || reply.value().error()) return reply;
    if (reply.value().type != Reply::Type::kString) {
      return Status::IOError(connection.address().display +
                             ": SCRIPT LOAD answered with something other than a SHA1");
    }
    sha_ = reply.value().str;
    return reply;
  };
  if (sha_.empty()) {
    Result<Reply> loaded = load();
    if (!loaded.ok() || loaded.value().error()) return loaded;
  }
  const std::string numkeys = std::to_string(keys.size());
  auto evalsha = [&]() {
    std::vector<std::string_view> argv{"EVALSHA", sha_, numkeys};
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return connection.Command(argv);
  };
  Result<Reply> reply = evalsha();
  // The server lost the script (restarted, SCRIPT FLUSH, another server
  // behind the address): load it once more and retry once.
  if (reply.ok() && reply.value().error() && reply.value().str.rfind("NOSCRIPT", 0) == 0) {
    Result<Reply> loaded = load();
    if (!loaded.ok() || loaded.value().error()) return loaded;
    reply = evalsha();
  }
  return reply;
}

}  // namespace forage::redis
