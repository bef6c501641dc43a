#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "forage/status.h"

namespace forage {

class WhatwgUrlParser;

// A URL record of the WHATWG URL Standard (url.spec.whatwg.org), as browsers
// parse links, and the standard's serializer.
//
// Parse is the standard's basic URL parser, with no encoding override (a
// query is UTF-8) and no state override: leading and trailing C0 controls
// and spaces are trimmed and tabs and newlines removed anywhere; a special
// scheme (http, https, ws, wss, ftp, file) takes "\" as "/" and any number
// of slashes after "scheme:", and "http:foo" against an http base is
// relative; userinfo, ports (the scheme's default dropped, at most 65535),
// hosts (see ParseHost: IDNA, IPv4 and IPv6 forms), dot segments ("." and
// ".." also as "%2e"), Windows drive letters in file URLs, opaque paths
// ("mailto:x") and every percent-encode set are as the standard says.
// Input bytes that are not UTF-8 are percent-encoded one by one (a browser
// would have made U+FFFD of them first), except in a host, which is refused.
//
// Pure value type: copyable, no shared state, any thread.
class WhatwgUrl {
 public:
  // The URL `input` names, relative to `base` when given. Failure (the
  // standard's "failure") is a Status saying which rule refused the input.
  static Result<WhatwgUrl> Parse(std::string_view input, const WhatwgUrl* base = nullptr);

  // The URL serializer: ASCII only; parsing it again gives this URL.
  std::string Serialize(bool exclude_fragment = false) const;

  const std::string& scheme() const { return scheme_; }  // lower case, no ":"
  bool special() const { return type_ != SchemeType::kOther; }
  bool is_http() const { return type_ == SchemeType::kHttp || type_ == SchemeType::kHttps; }
  const std::string& username() const { return username_; }
  const std::string& password() const { return password_; }
  // Serialized: "example.com", "xn--bcher-kva.example", "10.0.0.1", "[::1]";
  // nullopt for a URL without an authority ("mailto:x").
  const std::optional<std::string>& host() const { return host_; }
  std::optional<std::uint16_t> port() const {
    if (port_ < 0) return std::nullopt;
    return static_cast<std::uint16_t>(port_);
  }
  // The serialized path: "/a/b" (empty segments kept), or an opaque path.
  const std::string& path() const { return path_; }
  bool has_opaque_path() const { return opaque_path_; }
  const std::optional<std::string>& query() const { return query_; }
  const std::optional<std::string>& fragment() const { return fragment_; }

 private:
  friend class WhatwgUrlParser;
  enum class SchemeType : std::uint8_t { kHttp, kHttps, kWs, kWss, kFtp, kFile, kOther };

  std::string scheme_;
  SchemeType type_ = SchemeType::kOther;
  std::string username_;
  std::string password_;
  std::optional<std::string> host_;
  int port_ = -1;  // -1: null
  std::string path_;
  bool opaque_path_ = false;
  std::optional<std::string> query_;
  std::optional<std::string> fragment_;
};

}  // namespace forage
