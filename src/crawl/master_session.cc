// The run's request session at its start and end: proxies from the
// environment, the --insecure warning, the cookie jar read from its file or
// the state and written back, and the listed origins of a resumed pass.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/errno_status.h"
#include "core/fd.h"
#include "core/host_match.h"
#include "core/log.h"
#include "core/time_format.h"
#include "crawl/master.h"
#include "crawl/validate_request.h"
#include "fetch/request_plan.h"

namespace forage {
namespace {

std::int64_t NowSeconds() { return UnixMillisNow() / 1000; }

// The first of `names` set (and not empty) in the environment; "" if none.
std::string FromEnvironment(std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const char* value = std::getenv(name);
    if (value && *value) return value;
  }
  return "";
}

// `path`'s contents; an absent file reads as empty (the jar starts empty,
// as with curl -c).
Result<std::string> ReadIfExists(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return std::string();
    return ErrnoStatus("--cookie-jar " + path, errno);
  }
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = ReadSome(fd.get(), buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) return ErrnoStatus("--cookie-jar " + path, errno);
    text.append(buf, static_cast<std::size_t>(n));
  }
  return text;
}

// Replaces `path` with `text` whole: a temporary file beside it, synced,
// renamed over it. Readable by its owner only: it holds sessions.
Status WriteWhole(const std::string& path, const std::string& text) {
  const std::string temp = path + ".forage-tmp." + std::to_string(::getpid());
  UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) return ErrnoStatus("cannot write --cookie-jar " + path, errno);
  Status st = WriteAll(fd.get(), text);
  if (st.ok() && ::fsync(fd.get()) != 0) st = ErrnoStatus("fsync", errno);
  fd.Reset();
  if (st.ok() && std::rename(temp.c_str(), path.c_str()) != 0) st = ErrnoStatus("rename", errno);
  if (!st.ok()) {
    ::unlink(temp.c_str());
    return st.Prefixed("cannot write --cookie-jar " + path);
  }
  return st;
}

std::string Seconds(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%gs", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}

// A host table as --log-level debug shows it: what it sets, secrets named
// but never shown.
std::string DescribeHostSettings(const HostSettings& h) {
  std::string out = "host table \"" + h.pattern + "\":";
  if (h.per_host) out += " per-host " + std::to_string(*h.per_host) + ";";
  if (h.delay) out += " delay " + Seconds(*h.delay) + ";";
  if (h.timeout) out += " timeout " + Seconds(*h.timeout) + ";";
  if (h.user_agent) out += " user-agent \"" + *h.user_agent + "\";";
  if (!h.headers.empty()) {
    out += " headers";
    for (const std::string& line : h.headers) {
      const std::string name = line.substr(0, line.find(':'));
      out += " " + name + (IsSecretHeader(HeaderName(line)) ? " (secret)" : "");
    }
    out += ";";
  }
  if (!h.credentials.user.empty()) out += " user (secret);";
  if (!h.credentials.bearer.empty()) out += " bearer (secret);";
  if (!h.credentials.cookie.empty()) out += " cookie (secret);";
  if (out.back() == ':') out += " nothing";
  if (out.back() == ';') out.pop_back();
  return out;
}

}  // namespace

Status Master::OpenSession() {
  ProxySettings& proxy = options.fetch.proxy;
  if (proxy.from_environment) {
    // As curl reads them: http_proxy in lower case only (HTTP_PROXY may be
    // set by a CGI request's Proxy header).
    const std::string all = FromEnvironment({"all_proxy", "ALL_PROXY"});
    if (proxy.http.empty()) proxy.http = FromEnvironment({"http_proxy"});
    if (proxy.http.empty()) proxy.http = all;
    if (proxy.https.empty()) proxy.https = FromEnvironment({"https_proxy", "HTTPS_PROXY"});
    if (proxy.https.empty()) proxy.https = all;
    if (proxy.noproxy.empty()) proxy.noproxy = FromEnvironment({"no_proxy", "NO_PROXY"});
    proxy.from_environment = false;  // filled: a second run of this master reads them as set
    // A proxy from the environment is checked as --proxy is, so that a bad
    // one (and its password) never reaches a record through curl's message.
    if (Status st = ValidateRequestSettings(options.fetch); !st.ok()) {
      return Status::InvalidArgument("a proxy from the environment (http_proxy, https_proxy, "
                                     "all_proxy): " + st.message());
    }
  }
  for (HostSettings& host : options.fetch.hosts) {
    // Valid (ValidateOptions), made canonical as hosts are compared.
    if (Result<std::string> pattern = NormalizeHostPattern(host.pattern); pattern.ok()) {
      host.pattern = std::move(pattern).value();
    }
    LogDebug(DescribeHostSettings(host));
  }
  if (options.fetch.tls.insecure) {
    LogWarn("--insecure: TLS certificates are not verified; any server can pose as any site");
  }
  session.emplace(options);
  const std::int64_t now = NowSeconds();
  if (!options.cookie_jar.empty()) {
    Result<std::string> text = ReadIfExists(options.cookie_jar);
    if (!text.ok()) return text.status();
    if (Status st = session->LoadJar(text.value(), options.cookie_jar, now); !st.ok()) return st;
  } else if (state) {
    if (std::optional<std::string> kept = state->GetSession("cookies")) {
      if (Status st = session->LoadJar(*kept, state->path() + " (its cookie jar)", now); !st.ok()) {
        return st;
      }
    }
  }
  if (state && session->NeedsTrust()) {
    // A resumed pass's listed URLs are trusted before any of its jobs goes.
    Status st = state->ForEachInPass([this](const StateStore::PassUrl& u) {
      if (u.depth == 0) session->NoteListed(u.url);
    });
    if (!st.ok()) return st;
  }
  if (session->JarSize() > 0) {
    LogDebug("cookie jar: " + std::to_string(session->JarSize()) + " cookie(s) at start");
  }
  return Status();
}

// The cookie jar, written where the next run finds it: the --cookie-jar
// file at the end of the run, or the state with its next commit.
void Master::StoreSession() {
  if (!session) return;
  if (!options.cookie_jar.empty()) {
    Status st = WriteWhole(options.cookie_jar, session->SaveJar(NowSeconds()));
    if (!st.ok()) {
      LogError(st.message());
      if (fatal.ok()) fatal = st;
    }
    session->MarkSaved();
  } else if (state && session->JarChanged()) {
    state->SetSession("cookies", session->SaveJar(NowSeconds()));
    session->MarkSaved();
  }
}

}  // namespace forage
