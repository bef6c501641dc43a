#pragma once

// What one request carries beyond its URL — headers, credentials, cookies,
// proxy, time limit — decided from the run's settings and the job. Pure:
// tested without curl or processes; the fetcher applies the plan.
//
// Where secrets go. A job is "trusted" when its origin (scheme, host, port)
// is that of a listed URL (the master decides, see TrustedOrigins). The
// run's credentials (--user, --bearer, --cookie) and its Authorization and
// Cookie headers go only to trusted jobs. A host table's credentials and
// secret headers go to the hosts it matches over https, and over plain
// http only to trusted jobs; so does a .netrc entry. robots.txt fetches
// carry none of them, nor the master's cookies: robots.txt is public, and
// curl follows its redirects wherever they lead.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fetch/address_guard.h"
#include "forage/fetch_settings.h"

namespace forage {

struct RequestPlan {
  std::vector<std::string> headers;  // lines for CURLOPT_HTTPHEADER, in order
  const std::string* user_agent = nullptr;
  const std::string* userpwd = nullptr;  // "USER:PASSWORD"; nullptr none
  HttpAuth auth = HttpAuth::kBasic;
  std::string cookie;  // the Cookie header's value; "" none
  bool netrc = false;  // let curl take the host's .netrc entry
  const std::string* proxy = nullptr;  // nullptr: connect directly
  std::chrono::milliseconds timeout{0};
  // Set when the request must not be sent: through a proxy the SSRF guard
  // cannot see the address connected to, so it judges the URL's host name
  // (see Plan); the sentence names the host and the flag.
  std::optional<std::string> refused;
};

class RequestPlanner {
 public:
  explicit RequestPlanner(const FetchSettings& settings);

  // The plan for a request to canonical http(s) `url`. `jar_cookie` is the
  // master's Cookie header for it ("" none).
  RequestPlan Plan(std::string_view url, bool trusted, std::string_view jar_cookie,
                   bool robots) const;

 private:
  struct Header {
    std::string name;  // lower case
    std::string line;  // as given
    bool secret = false;  // Authorization or Cookie
  };
  static std::vector<Header> SplitHeaders(const std::vector<std::string>& lines);

  const FetchSettings& settings_;
  AddressPolicy policy_;
  std::vector<Header> headers_;                   // settings_.headers
  std::vector<std::vector<Header>> host_headers_;  // settings_.hosts[i].headers
  std::string bearer_line_;                       // "Authorization: Bearer ..."; "" none
  std::vector<std::string> host_bearer_lines_;
};

// Why the address guard refuses a request sent through a proxy to `host`
// (as a URL's parser gives it, an IPv6 address in brackets): an IP address
// of a class `policy` denies, or, under deny_private, "localhost" or one of
// its subdomains; nullopt for any other name, which only the proxy can
// judge.
std::optional<std::string> RefuseHostByName(const AddressPolicy& policy, std::string_view host);

// The name of a header line "Name: value" in lower case ("" if it has no
// colon), and whether forage treats that header as a credential.
std::string HeaderName(std::string_view line);
bool IsSecretHeader(std::string_view lower_name);

}  // namespace forage
