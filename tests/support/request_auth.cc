#include "support/request_auth.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <vector>

namespace forage::test {
namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string Base64(std::string_view bytes) {
  // EVP_EncodeBlock writes 4 characters per 3 bytes (rounded up) and a NUL.
  std::vector<unsigned char> out(4 * ((bytes.size() + 2) / 3) + 1);
  int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  return std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(n));
}

std::string Md5Hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_md5(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02x", md[i]);
    hex += buf;
  }
  return hex;
}

bool AuthorizationIs(std::string_view header, std::string_view scheme, std::string_view token) {
  header = TrimSpace(header);
  if (header.size() <= scheme.size() || !IEquals(header.substr(0, scheme.size()), scheme) ||
      header[scheme.size()] != ' ') {
    return false;
  }
  return TrimSpace(header.substr(scheme.size())) == token;
}

std::map<std::string, std::string> DigestParams(std::string_view header) {
  std::map<std::string, std::string> params;
  header = TrimSpace(header);
  if (header.size() < 7 || !IEquals(header.substr(0, 6), "Digest") || header[6] != ' ') {
    return params;
  }
  std::string_view rest = header.substr(7);
  for (;;) {
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t' || rest.front() == ',')) {
      rest.remove_prefix(1);
    }
    std::size_t eq = rest.find('=');
    if (rest.empty() || eq == std::string_view::npos) return params;
    std::string key(TrimSpace(rest.substr(0, eq)));
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    rest = TrimSpace(rest.substr(eq + 1));
    std::string value;
    if (!rest.empty() && rest.front() == '"') {
      std::size_t i = 1;
      for (; i < rest.size() && rest[i] != '"'; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) ++i;  // quoted-pair
        value += rest[i];
      }
      if (i >= rest.size()) return params;  // unterminated
      rest.remove_prefix(i + 1);
    } else {
      std::size_t end = std::min(rest.find(','), rest.size());
      value = std::string(TrimSpace(rest.substr(0, end)));
      rest.remove_prefix(end);
    }
    params[key] = value;
  }
}

std::string DigestChallenge(const DigestRealm& realm) {
  return "Digest realm=\"" + realm.realm + "\", qop=\"auth\", algorithm=MD5, nonce=\"" +
         realm.nonce + "\", opaque=\"" + realm.opaque + "\"";
}

bool DigestValid(std::string_view header, const DigestRealm& realm, std::string_view method,
                 std::string_view target) {
  std::map<std::string, std::string> p = DigestParams(header);
  auto get = [&p](const char* key) -> std::string {
    auto it = p.find(key);
    return it == p.end() ? "" : it->second;
  };
  if (p.count("algorithm") && !IEquals(get("algorithm"), "MD5")) return false;
  if (get("qop") != "auth" || get("nc").empty() || get("cnonce").empty()) return false;
  if (get("username") != realm.user || get("realm") != realm.realm || get("nonce") != realm.nonce ||
      get("uri") != target) {
    return false;
  }
  if (p.count("opaque") && get("opaque") != realm.opaque) return false;
  const std::string ha1 = Md5Hex(realm.user + ":" + realm.realm + ":" + realm.password);
  const std::string ha2 = Md5Hex(std::string(method) + ":" + std::string(target));
  const std::string expected =
      Md5Hex(ha1 + ":" + realm.nonce + ":" + get("nc") + ":" + get("cnonce") + ":auth:" + ha2);
  return IEquals(get("response"), expected);
}

bool CookieCarries(std::string_view header, std::string_view name, std::string_view value) {
  while (!header.empty()) {
    std::size_t semi = std::min(header.find(';'), header.size());
    std::string_view pair = TrimSpace(header.substr(0, semi));
    std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && TrimSpace(pair.substr(0, eq)) == name &&
        TrimSpace(pair.substr(eq + 1)) == value) {
      return true;
    }
    header.remove_prefix(std::min(semi + 1, header.size()));
  }
  return false;
}

}  // namespace forage::test
