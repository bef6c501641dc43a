#pragma once

// The credential checks behind forage_test_server's /basic, /digest, /bearer
// and /private routes: pure functions of header values, so that each route
// only decides its status. Part of the test server only (it links OpenSSL).

#include <map>
#include <string>
#include <string_view>

namespace forage::test {

// Standard base64 (RFC 4648 section 4, padded) of `bytes`.
std::string Base64(std::string_view bytes);

// The MD5 digest of `bytes` as 32 lower-case hex digits (OpenSSL's EVP).
std::string Md5Hex(std::string_view bytes);

// Whether an Authorization value is `scheme` (compared case-insensitively)
// followed by one or more spaces and exactly `token`.
bool AuthorizationIs(std::string_view header, std::string_view scheme, std::string_view token);

// The auth-params of an Authorization value "Digest k=v, k="v", ..." with
// keys lower-cased and quoted values unescaped; empty unless the scheme is
// Digest. A malformed list yields the pairs before the point it goes wrong.
std::map<std::string, std::string> DigestParams(std::string_view header);

// What a Digest challenge names and a response must match.
struct DigestRealm {
  std::string realm;
  std::string nonce;
  std::string opaque;
  std::string user;
  std::string password;
};

// The WWW-Authenticate value challenging for `realm` (MD5, qop=auth).
std::string DigestChallenge(const DigestRealm& realm);

// Whether `header` (an Authorization value) is a valid RFC 7616 response
// for a request of `method` and request-target `target` under `realm`:
// algorithm MD5 (or none named), qop=auth, the realm's nonce and user, a
// uri equal to `target`, and response = MD5(HA1:nonce:nc:cnonce:auth:HA2).
bool DigestValid(std::string_view header, const DigestRealm& realm, std::string_view method,
                 std::string_view target);

// Whether a Cookie header value carries the pair name=value.
bool CookieCarries(std::string_view header, std::string_view name, std::string_view value);

}  // namespace forage::test
