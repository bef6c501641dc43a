// The request-shaping part of ValidateOptions: headers, credentials, .netrc,
// proxies, TLS files and host tables. Messages name the flag (and a host
// table by its pattern) and never echo a secret.

#include "crawl/validate_request.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <string>

#include "core/ascii.h"
#include "core/host_match.h"
#include "fetch/request_plan.h"

namespace forage {
namespace {

bool IsTokenChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

bool HasControl(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && u != '\t') || u == 0x7f;
  });
}

// A header line "Name: value" or "Name:" as -H takes it.
Status CheckHeader(std::string_view flag, std::string_view line) {
  // Shown in messages without its value, which may be a secret.
  const std::size_t colon = line.find(':');
  const std::string shown = colon == std::string_view::npos
                                ? "\"" + std::string(line.substr(0, 60)) + "\""
                                : "\"" + std::string(line.substr(0, colon)) + ": ...\"";
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument(std::string(flag) + ": " + shown + " " + why);
  };
  if (colon == std::string_view::npos) return bad("is not \"Name: value\" (no colon)");
  std::string_view name = line.substr(0, colon);
  if (name.empty() || !std::all_of(name.begin(), name.end(), IsTokenChar)) {
    return bad("has no header name before its colon, or one with characters a name cannot hold");
  }
  if (line.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
    return bad("holds a line break (CR or LF) or NUL");
  }
  if (HasControl(line.substr(colon + 1))) return bad("holds a control character");
  if (HeaderName(line) == "user-agent") {
    return bad("sets the User-Agent: use --user-agent, which robots.txt rules are matched against");
  }
  return Status();
}

Status CheckCredentials(std::string_view where, const Credentials& c) {
  const std::pair<const char*, const std::string*> secrets[] = {
      {"--user", &c.user}, {"--bearer", &c.bearer}, {"--cookie", &c.cookie}};
  for (const auto& [flag, value] : secrets) {
    if (HasControl(*value)) {
      return Status::InvalidArgument(std::string(where) + flag +
                                     ": holds a line break or other control character");
    }
  }
  if (!c.user.empty() && c.user.find(':') == std::string::npos) {
    return Status::InvalidArgument(std::string(where) +
                                   "--user: is not USER:PASSWORD (give the password after a "
                                   "colon, or in FORAGE_PASSWORD)");
  }
  if (!c.bearer.empty() && c.bearer.find_first_of(" \t") != std::string::npos) {
    return Status::InvalidArgument(std::string(where) + "--bearer: a token holds no space");
  }
  return Status();
}

// A proxy URL without its credentials, for messages.
std::string Redacted(std::string_view proxy) {
  const std::size_t at = proxy.rfind('@');
  if (at == std::string_view::npos) return std::string(proxy);
  const std::size_t scheme = proxy.find("://");
  const std::size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  if (at < start) return std::string(proxy);
  return std::string(proxy.substr(0, start)) + "***@" + std::string(proxy.substr(at + 1));
}

Status CheckProxy(std::string_view flag, std::string_view proxy) {
  if (proxy.empty()) return Status();
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument(std::string(flag) + ": \"" + Redacted(proxy) + "\" " + why);
  };
  std::string_view rest = proxy;
  if (const std::size_t scheme = proxy.find("://"); scheme != std::string_view::npos) {
    const std::string name = AsciiLowered(proxy.substr(0, scheme));
    const char* known[] = {"http", "https", "socks4", "socks4a", "socks5", "socks5h"};
    if (std::none_of(std::begin(known), std::end(known),
                     [&](const char* k) { return name == k; })) {
      return bad("has a scheme forage cannot use (http, https, socks4, socks4a, socks5, socks5h)");
    }
    rest = proxy.substr(scheme + 3);
  }
  if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
    rest = rest.substr(at + 1);
  }
  if (rest.empty() || rest.front() == ':' || rest.front() == '/') return bad("names no host");
  if (HasControl(proxy) || proxy.find(' ') != std::string_view::npos) {
    return bad("holds a space or control character");
  }
  return Status();
}

Status CheckFile(std::string_view flag, const std::string& path, bool directory) {
  if (path.empty()) return Status();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status::InvalidArgument(std::string(flag) + ": " + path + ": " + std::strerror(errno));
  }
  if (directory != S_ISDIR(st.st_mode)) {
    return Status::InvalidArgument(std::string(flag) + ": " + path +
                                   (directory ? " is not a directory" : " is a directory"));
  }
  if (::access(path.c_str(), R_OK) != 0) {
    return Status::InvalidArgument(std::string(flag) + ": " + path + ": " + std::strerror(errno));
  }
  return Status();
}

}  // namespace

Status ValidateRequestSettings(const FetchSettings& fetch) {
  for (const std::string& line : fetch.headers) {
    if (Status st = CheckHeader("--header", line); !st.ok()) return st;
  }
  if (Status st = CheckCredentials("", fetch.credentials); !st.ok()) return st;
  if (Status st = CheckFile("--netrc-file", fetch.netrc_file, false); !st.ok()) return st;
  if (Status st = CheckProxy("--proxy", fetch.proxy.http); !st.ok()) return st;
  if (fetch.proxy.https != fetch.proxy.http) {
    if (Status st = CheckProxy("--proxy", fetch.proxy.https); !st.ok()) return st;
  }
  if (HasControl(fetch.proxy.noproxy)) {
    return Status::InvalidArgument("--noproxy: holds a control character");
  }
  const TlsSettings& tls = fetch.tls;
  struct File {
    const char* flag;
    const std::string* path;
    bool directory;
  };
  const File files[] = {{"--cacert", &tls.cacert, false},
                        {"--capath", &tls.capath, true},
                        {"--client-cert", &tls.client_cert, false},
                        {"--client-key", &tls.client_key, false}};
  for (const File& f : files) {
    if (Status st = CheckFile(f.flag, *f.path, f.directory); !st.ok()) return st;
  }
  if (!tls.client_key.empty() && tls.client_cert.empty()) {
    return Status::InvalidArgument("--client-key: needs --client-cert, the certificate it is for");
  }
  std::set<std::string> patterns;
  for (const HostSettings& host : fetch.hosts) {
    Result<std::string> pattern = NormalizeHostPattern(host.pattern);
    if (!pattern.ok()) return Status::InvalidArgument("hosts: " + pattern.status().message());
    if (!patterns.insert(pattern.value()).second) {
      return Status::InvalidArgument("hosts: \"" + host.pattern + "\" has two tables");
    }
    const std::string where = "hosts.\"" + host.pattern + "\": ";
    for (const std::string& line : host.headers) {
      if (Status st = CheckHeader(where + "headers", line); !st.ok()) return st;
    }
    if (Status st = CheckCredentials(where, host.credentials); !st.ok()) return st;
    if (host.user_agent &&
        (host.user_agent->empty() || HasControl(*host.user_agent))) {
      return Status::InvalidArgument(where +
                                     "user-agent: must not be empty nor hold a control character");
    }
    if (host.timeout && host.timeout->count() <= 0) {
      return Status::InvalidArgument(where + "timeout: must be more than 0");
    }
    if (host.per_host && *host.per_host < 1) {
      return Status::InvalidArgument(where + "per-host: must be at least 1");
    }
    if (host.delay && host.delay->count() < 0) {
      return Status::InvalidArgument(where + "delay: must not be negative");
    }
  }
  return Status();
}

}  // namespace forage
