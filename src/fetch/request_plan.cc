#include "fetch/request_plan.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>

#include "core/ascii.h"
#include "core/host_match.h"
#include "core/url.h"

namespace forage {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Adds the cookies of "k=v; k2=v2" whose names `out` lacks.
void AddCookies(std::string_view pairs, std::string* out, std::vector<std::string_view>* names) {
  while (!pairs.empty()) {
    const std::size_t end = std::min(pairs.find(';'), pairs.size());
    std::string_view pair = Trim(pairs.substr(0, end));
    pairs.remove_prefix(std::min(end + 1, pairs.size()));
    if (pair.empty()) continue;
    std::string_view name = Trim(pair.substr(0, pair.find('=')));
    if (std::find(names->begin(), names->end(), name) != names->end()) continue;
    names->push_back(name);
    if (!out->empty()) *out += "; ";
    *out += pair;
  }
}

}  // namespace

// Why the guard refuses a request through a proxy to `host` (bracketed if
// IPv6): an IP address of a class the policy denies, or, under
// deny_private, a name the resolver keeps for this machine.
std::optional<std::string> RefuseHostByName(const AddressPolicy& policy, std::string_view host) {
  std::string bare(host);
  if (bare.size() >= 2 && bare.front() == '[') bare = bare.substr(1, bare.size() - 2);
  sockaddr_in v4{};
  sockaddr_in6 v6{};
  if (inet_pton(AF_INET, bare.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    return RefuseAddress(policy, reinterpret_cast<const sockaddr*>(&v4), sizeof v4);
  }
  if (inet_pton(AF_INET6, bare.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    return RefuseAddress(policy, reinterpret_cast<const sockaddr*>(&v6), sizeof v6);
  }
  if (policy.deny_private && (bare == "localhost" || bare.ends_with(".localhost"))) {
    return bare + " names this machine (--deny-private)";
  }
  return std::nullopt;
}

std::string HeaderName(std::string_view line) {
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return "";
  return AsciiLowered(Trim(line.substr(0, colon)));
}

bool IsSecretHeader(std::string_view lower_name) {
  return lower_name == "authorization" || lower_name == "cookie";
}

std::vector<RequestPlanner::Header> RequestPlanner::SplitHeaders(
    const std::vector<std::string>& lines) {
  std::vector<Header> out;
  for (const std::string& line : lines) {
    Header h{HeaderName(line), line, false};
    h.secret = IsSecretHeader(h.name);
    out.push_back(std::move(h));
  }
  return out;
}

RequestPlanner::RequestPlanner(const FetchSettings& settings)
    : settings_(settings),
      policy_{settings.deny_private, settings.allow_link_local},
      headers_(SplitHeaders(settings.headers)) {
  if (!settings.credentials.bearer.empty()) {
    bearer_line_ = "Authorization: Bearer " + settings.credentials.bearer;
  }
  for (const HostSettings& host : settings.hosts) {
    host_headers_.push_back(SplitHeaders(host.headers));
    host_bearer_lines_.push_back(host.credentials.bearer.empty()
                                     ? std::string()
                                     : "Authorization: Bearer " + host.credentials.bearer);
  }
}

RequestPlan RequestPlanner::Plan(std::string_view url, bool trusted, std::string_view jar_cookie,
                                 bool robots) const {
  RequestPlan plan;
  plan.user_agent = &settings_.user_agent;
  plan.timeout = settings_.timeout;
  const bool https = url.starts_with("https:");
  const std::string& proxy = https ? settings_.proxy.https : settings_.proxy.http;
  // The host, needed only for host tables and proxies.
  std::string host;
  if (!settings_.hosts.empty() || !proxy.empty()) {
    if (std::optional<CanonicalUrl> canonical = Canonicalize(url)) host = canonical->host();
  }
  const HostSettings* table = settings_.hosts.empty() ? nullptr
                                                      : MatchHostSettings(settings_.hosts, host);
  const std::size_t index = table ? static_cast<std::size_t>(table - settings_.hosts.data()) : 0;
  // Whether each kind of secret may go with this request.
  const bool run_secrets = trusted && !robots;
  const bool host_secrets = table && !robots && (https || trusted);

  // Headers: the run's, then the host table's replacing those of the same
  // name; a secret one only where secrets of its source may go.
  std::vector<const Header*> chosen;
  auto add = [&chosen](const Header& h) {
    for (const Header*& c : chosen) {
      if (c->name == h.name) {
        c = &h;
        return;
      }
    }
    chosen.push_back(&h);
  };
  std::vector<std::string_view> cookie_names;
  std::vector<std::string_view> cookie_headers;
  for (const Header& h : headers_) {
    if (!h.secret || run_secrets) add(h);
  }
  if (table) {
    for (const Header& h : host_headers_[index]) {
      if (!h.secret || host_secrets) add(h);
    }
  }
  // Bearer tokens are Authorization headers, the host's over the run's.
  const Header* bearer = nullptr;
  Header run_bearer{"authorization", bearer_line_, true};
  Header host_bearer{"authorization", table ? host_bearer_lines_[index] : std::string(), true};
  if (host_secrets && !host_bearer.line.empty()) {
    bearer = &host_bearer;
  } else if (run_secrets && !bearer_line_.empty()) {
    bearer = &run_bearer;
  }
  if (bearer) add(*bearer);
  for (const Header* h : chosen) {
    if (h->name == "cookie") {
      // One Cookie header: the master's cookies, then the user's.
      cookie_headers.push_back(Trim(std::string_view(h->line).substr(h->line.find(':') + 1)));
      continue;
    }
    plan.headers.push_back(h->line);
  }

  if (!robots) {
    AddCookies(jar_cookie, &plan.cookie, &cookie_names);
    if (host_secrets) AddCookies(table->credentials.cookie, &plan.cookie, &cookie_names);
    if (run_secrets) AddCookies(settings_.credentials.cookie, &plan.cookie, &cookie_names);
    for (std::string_view value : cookie_headers) AddCookies(value, &plan.cookie, &cookie_names);
  }

  if (host_secrets && !table->credentials.user.empty()) {
    plan.userpwd = &table->credentials.user;
    plan.auth = table->credentials.auth;
  } else if (run_secrets && !settings_.credentials.user.empty()) {
    plan.userpwd = &settings_.credentials.user;
    plan.auth = settings_.credentials.auth;
  }
  plan.netrc = !settings_.netrc_file.empty() && !robots && (https || trusted);

  if (table) {
    if (table->user_agent) plan.user_agent = &*table->user_agent;
    if (table->timeout) plan.timeout = *table->timeout;
  }

  if (!proxy.empty() && !NoProxyMatches(settings_.proxy.noproxy, host)) {
    plan.proxy = &proxy;
    plan.refused = RefuseHostByName(policy_, host);
  }
  return plan;
}

}  // namespace forage
