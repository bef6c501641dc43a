#include "core/whatwg_url.h"

#include <utility>

#include "core/percent_encoding.h"
#include "core/url_host.h"

namespace forage {
namespace {

constexpr int kEof = -1;

bool IsAsciiAlpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(int c) { return c >= '0' && c <= '9'; }
char AsciiLower(int c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); }

bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(static_cast<unsigned char>(a[i])) != lower[i]) return false;
  }
  return true;
}

bool IsSingleDot(std::string_view s) { return s == "." || EqualsIgnoreCase(s, "%2e"); }

bool IsDoubleDot(std::string_view s) {
  return s == ".." || EqualsIgnoreCase(s, ".%2e") || EqualsIgnoreCase(s, "%2e.") ||
         EqualsIgnoreCase(s, "%2e%2e");
}

bool IsWindowsDriveLetter(std::string_view s) {
  return s.size() == 2 && IsAsciiAlpha(static_cast<unsigned char>(s[0])) &&
         (s[1] == ':' || s[1] == '|');
}

bool IsNormalizedWindowsDriveLetter(std::string_view s) {
  return IsWindowsDriveLetter(s) && s[1] == ':';
}

bool StartsWithWindowsDriveLetter(std::string_view s) {
  if (s.size() < 2 || !IsWindowsDriveLetter(s.substr(0, 2))) return false;
  return s.size() == 2 || s[2] == '/' || s[2] == '\\' || s[2] == '?' || s[2] == '#';
}

// The first segment of a serialized list path ("/C:/x" gives "C:").
std::string_view FirstSegment(std::string_view path) {
  if (path.empty()) return {};
  const std::size_t end = path.find('/', 1);
  return path.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1);
}

}  // namespace

// The basic URL parser's state machine, transcribed state by state (the
// names are the standard's). The input is a view; what the standard keeps in
// "buffer" is a range of it (userinfo, host) or written straight into the
// URL's path, query or fragment as it is percent-encoded.
class WhatwgUrlParser {
 public:
  WhatwgUrlParser(std::string_view input, const WhatwgUrl* base) : base_(base) {
    auto c0_or_space = [](char c) { return static_cast<unsigned char>(c) <= 0x20; };
    while (!input.empty() && c0_or_space(input.front())) input.remove_prefix(1);
    while (!input.empty() && c0_or_space(input.back())) input.remove_suffix(1);
    auto tab_or_newline = [](char c) { return c == '\t' || c == '\n' || c == '\r'; };
    for (char c : input) {
      if (tab_or_newline(c)) {
        cleaned_.reserve(input.size());
        for (char k : input) {
          if (!tab_or_newline(k)) cleaned_ += k;
        }
        input = cleaned_;
        break;
      }
    }
    in_ = input;
  }

  Result<WhatwgUrl> Run();

 private:
  using Type = WhatwgUrl::SchemeType;
  enum class State {
    kSchemeStart,
    kScheme,
    kNoScheme,
    kSpecialRelativeOrAuthority,
    kPathOrAuthority,
    kRelative,
    kRelativeSlash,
    kSpecialAuthoritySlashes,
    kSpecialAuthorityIgnoreSlashes,
    kAuthority,
    kHost,
    kPort,
    kFile,
    kFileSlash,
    kFileHost,
    kPathStart,
    kPath,
    kOpaquePath,
    kQuery,
    kFragment,
  };

  static Type TypeOf(std::string_view scheme) {
    if (scheme == "http") return Type::kHttp;
    if (scheme == "https") return Type::kHttps;
    if (scheme == "ws") return Type::kWs;
    if (scheme == "wss") return Type::kWss;
    if (scheme == "ftp") return Type::kFtp;
    if (scheme == "file") return Type::kFile;
    return Type::kOther;
  }
  static int DefaultPort(Type type) {
    switch (type) {
      case Type::kHttp:
      case Type::kWs:
        return 80;
      case Type::kHttps:
      case Type::kWss:
        return 443;
      case Type::kFtp:
        return 21;
      default:
        return -1;
    }
  }

  bool special() const { return url_.type_ != Type::kOther; }
  int At(std::ptrdiff_t i) const {
    return i >= 0 && i < n() ? static_cast<unsigned char>(in_[static_cast<std::size_t>(i)]) : kEof;
  }
  std::ptrdiff_t n() const { return static_cast<std::ptrdiff_t>(in_.size()); }
  // in_[begin, end) as a view.
  std::string_view Range(std::ptrdiff_t begin, std::ptrdiff_t end) const {
    return in_.substr(static_cast<std::size_t>(begin), static_cast<std::size_t>(end - begin));
  }
  bool RemainingStartsWith(char c) const { return At(p_ + 1) == c; }

  void SetScheme(std::string scheme) {
    url_.type_ = TypeOf(scheme);
    url_.scheme_ = std::move(scheme);
  }
  void CopySchemeFromBase() {
    url_.scheme_ = base_->scheme_;
    url_.type_ = base_->type_;
  }
  void CopyAuthorityFromBase() {
    url_.username_ = base_->username_;
    url_.password_ = base_->password_;
    url_.host_ = base_->host_;
    url_.port_ = base_->port_;
  }
  // "Shorten url's path".
  void ShortenPath() {
    std::string& path = url_.path_;
    if (url_.type_ == Type::kFile && path.size() == 3 &&
        IsNormalizedWindowsDriveLetter(std::string_view(path).substr(1))) {
      return;
    }
    const std::size_t last = path.rfind('/');
    if (last != std::string::npos) path.resize(last);
  }
  // The path state's segment ended at c: it is the segment's text after
  // url_.path_[segment_start_] ("/").
  void EndSegment(int c);
  // Appends to `out` the code points from p_ on, percent-encoded with `set`,
  // up to the first of `stops` (or the end), leaving p_ on the last one
  // appended: what the state would do one code point at a time, in one go.
  void AppendRun(PercentEncodeSet set, std::string_view stops, std::string* out) {
    std::size_t end = static_cast<std::size_t>(p_);
    bool plain = true;
    for (; end < in_.size(); ++end) {
      const auto b = static_cast<unsigned char>(in_[end]);
      bool stop = false;
      for (char s : stops) stop = stop || b == static_cast<unsigned char>(s);
      if (stop) break;
      plain = plain && !InPercentEncodeSet(b, set);
    }
    const std::string_view run =
        in_.substr(static_cast<std::size_t>(p_), end - static_cast<std::size_t>(p_));
    if (plain) {
      out->append(run);
    } else {
      AppendPercentEncoded(run, set, out);
    }
    p_ = static_cast<std::ptrdiff_t>(end) - 1;
  }

  const WhatwgUrl* base_;
  std::string cleaned_;  // the input without tabs and newlines, when it had some
  std::string_view in_;
  WhatwgUrl url_;
  State state_ = State::kSchemeStart;
  std::ptrdiff_t p_ = 0;
  std::string scheme_buffer_;
  std::ptrdiff_t buffer_start_ = 0;  // the authority's or host's text starts here
  bool at_sign_seen_ = false;
  bool inside_brackets_ = false;
  bool password_token_seen_ = false;
  long port_value_ = 0;
  bool port_digits_ = false;
  bool segment_open_ = false;
  std::size_t segment_start_ = 0;
};

void WhatwgUrlParser::EndSegment(int c) {
  std::string& path = url_.path_;
  const std::string_view segment = std::string_view(path).substr(segment_start_ + 1);
  const bool slash = c == '/' || (special() && c == '\\');
  if (IsDoubleDot(segment)) {
    path.resize(segment_start_);
    ShortenPath();
    if (!slash) path += '/';  // "/usr/.." is "/", not no path
  } else if (IsSingleDot(segment)) {
    path.resize(segment_start_);
    if (!slash) path += '/';
  } else if (url_.type_ == Type::kFile && segment_start_ == 0 && IsWindowsDriveLetter(segment)) {
    path[segment_start_ + 2] = ':';
  }
  segment_open_ = false;
}

Result<WhatwgUrl> WhatwgUrlParser::Run() {
  for (;; ++p_) {
    const int c = At(p_);
    switch (state_) {
      case State::kSchemeStart:
        if (IsAsciiAlpha(c)) {
          scheme_buffer_ += AsciiLower(c);
          state_ = State::kScheme;
        } else {
          state_ = State::kNoScheme;
          --p_;
        }
        break;

      case State::kScheme:
        if (IsAsciiAlpha(c) || IsAsciiDigit(c) || c == '+' || c == '-' || c == '.') {
          scheme_buffer_ += AsciiLower(c);
        } else if (c == ':') {
          SetScheme(std::move(scheme_buffer_));
          scheme_buffer_.clear();
          if (url_.type_ == Type::kFile) {
            state_ = State::kFile;
          } else if (special() && base_ && base_->scheme_ == url_.scheme_) {
            state_ = State::kSpecialRelativeOrAuthority;
          } else if (special()) {
            state_ = State::kSpecialAuthoritySlashes;
          } else if (RemainingStartsWith('/')) {
            state_ = State::kPathOrAuthority;
            ++p_;
          } else {
            url_.opaque_path_ = true;
            state_ = State::kOpaquePath;
          }
        } else {
          scheme_buffer_.clear();
          state_ = State::kNoScheme;
          p_ = -1;  // start over from the first code point
        }
        break;

      case State::kNoScheme:
        if (!base_ || (base_->opaque_path_ && c != '#')) {
          return Status::InvalidArgument(base_
                                             ? "a relative reference to a URL that cannot be a base"
                                             : "no scheme (and no base URL)");
        }
        if (base_->opaque_path_) {  // and c is "#"
          CopySchemeFromBase();
          url_.path_ = base_->path_;
          url_.opaque_path_ = true;
          url_.query_ = base_->query_;
          url_.fragment_.emplace();
          state_ = State::kFragment;
        } else if (base_->type_ != Type::kFile) {
          state_ = State::kRelative;
          --p_;
        } else {
          state_ = State::kFile;
          --p_;
        }
        break;

      case State::kSpecialRelativeOrAuthority:
        if (c == '/' && RemainingStartsWith('/')) {
          state_ = State::kSpecialAuthorityIgnoreSlashes;
          ++p_;
        } else {
          state_ = State::kRelative;
          --p_;
        }
        break;

      case State::kPathOrAuthority:
        if (c == '/') {
          state_ = State::kAuthority;
          buffer_start_ = p_ + 1;
        } else {
          state_ = State::kPath;
          --p_;
        }
        break;

      case State::kRelative:
        CopySchemeFromBase();
        if (c == '/' || (special() && c == '\\')) {
          state_ = State::kRelativeSlash;
        } else {
          CopyAuthorityFromBase();
          url_.path_ = base_->path_;
          url_.query_ = base_->query_;
          if (c == '?') {
            url_.query_.emplace();
            state_ = State::kQuery;
          } else if (c == '#') {
            url_.fragment_.emplace();
            state_ = State::kFragment;
          } else if (c != kEof) {
            url_.query_.reset();
            ShortenPath();
            state_ = State::kPath;
            --p_;
          }
        }
        break;

      case State::kRelativeSlash:
        if (special() && (c == '/' || c == '\\')) {
          state_ = State::kSpecialAuthorityIgnoreSlashes;
        } else if (c == '/') {
          state_ = State::kAuthority;
          buffer_start_ = p_ + 1;
        } else {
          CopyAuthorityFromBase();
          state_ = State::kPath;
          --p_;
        }
        break;

      case State::kSpecialAuthoritySlashes:
        if (c == '/' && RemainingStartsWith('/')) {
          state_ = State::kSpecialAuthorityIgnoreSlashes;
          ++p_;
        } else {
          state_ = State::kSpecialAuthorityIgnoreSlashes;
          --p_;
        }
        break;

      case State::kSpecialAuthorityIgnoreSlashes:
        if (c != '/' && c != '\\') {
          state_ = State::kAuthority;
          --p_;
          buffer_start_ = p_ + 1;
        }
        break;

      case State::kAuthority:
        if (c == '@') {
          std::string& first = password_token_seen_ ? url_.password_ : url_.username_;
          if (at_sign_seen_) first += "%40";
          at_sign_seen_ = true;
          for (char b : Range(buffer_start_, p_)) {
            if (b == ':' && !password_token_seen_) {
              password_token_seen_ = true;
              continue;
            }
            AppendPercentEncoded(static_cast<unsigned char>(b), PercentEncodeSet::kUserinfo,
                                 password_token_seen_ ? &url_.password_ : &url_.username_);
          }
          buffer_start_ = p_ + 1;
        } else if (c == kEof || c == '/' || c == '?' || c == '#' || (special() && c == '\\')) {
          if (at_sign_seen_ && buffer_start_ == p_)
            return Status::InvalidArgument("userinfo but no host");
          p_ = buffer_start_ - 1;
          state_ = State::kHost;
        }
        break;

      case State::kHost:
        if (c == ':' && !inside_brackets_) {
          if (buffer_start_ == p_) return Status::InvalidArgument("a port but no host");
          Result<std::string> host = ParseHost(Range(buffer_start_, p_), !special());
          if (!host.ok()) return host.status();
          url_.host_ = std::move(host).value();
          state_ = State::kPort;
          port_value_ = 0;
          port_digits_ = false;
        } else if (c == kEof || c == '/' || c == '?' || c == '#' || (special() && c == '\\')) {
          if (special() && buffer_start_ == p_) return Status::InvalidArgument("no host");
          Result<std::string> host = ParseHost(Range(buffer_start_, p_), !special());
          if (!host.ok()) return host.status();
          url_.host_ = std::move(host).value();
          state_ = State::kPathStart;
          --p_;
        } else if (c == '[') {
          inside_brackets_ = true;
        } else if (c == ']') {
          inside_brackets_ = false;
        }
        break;

      case State::kPort:
        if (IsAsciiDigit(c)) {
          port_value_ = std::min(port_value_ * 10 + (c - '0'), 65536L);
          port_digits_ = true;
        } else if (c == kEof || c == '/' || c == '?' || c == '#' || (special() && c == '\\')) {
          if (port_digits_) {
            if (port_value_ > 65535) return Status::InvalidArgument("the port is above 65535");
            url_.port_ =
                port_value_ == DefaultPort(url_.type_) ? -1 : static_cast<int>(port_value_);
          }
          state_ = State::kPathStart;
          --p_;
        } else {
          return Status::InvalidArgument("the port is not a number");
        }
        break;

      case State::kFile:
        SetScheme("file");
        url_.host_.emplace();
        if (c == '/' || c == '\\') {
          state_ = State::kFileSlash;
        } else if (base_ && base_->type_ == Type::kFile) {
          url_.host_ = base_->host_;
          url_.path_ = base_->path_;
          url_.query_ = base_->query_;
          if (c == '?') {
            url_.query_.emplace();
            state_ = State::kQuery;
          } else if (c == '#') {
            url_.fragment_.emplace();
            state_ = State::kFragment;
          } else if (c != kEof) {
            url_.query_.reset();
            if (!StartsWithWindowsDriveLetter(in_.substr(static_cast<std::size_t>(p_)))) {
              ShortenPath();
            } else {
              url_.path_.clear();
            }
            state_ = State::kPath;
            --p_;
          }
        } else {
          state_ = State::kPath;
          --p_;
        }
        break;

      case State::kFileSlash:
        if (c == '/' || c == '\\') {
          state_ = State::kFileHost;
          buffer_start_ = p_ + 1;
        } else {
          if (base_ && base_->type_ == Type::kFile) {
            url_.host_ = base_->host_;
            const std::string_view first = FirstSegment(base_->path_);
            if (!StartsWithWindowsDriveLetter(in_.substr(static_cast<std::size_t>(p_))) &&
                IsNormalizedWindowsDriveLetter(first)) {
              url_.path_ += '/';
              url_.path_ += first;
            }
          }
          state_ = State::kPath;
          --p_;
        }
        break;

      case State::kFileHost:
        if (c == kEof || c == '/' || c == '\\' || c == '?' || c == '#') {
          const std::string_view buffer = Range(buffer_start_, p_);
          --p_;
          if (IsWindowsDriveLetter(buffer)) {
            // The buffer is the path's first segment (a drive letter quirk).
            segment_start_ = url_.path_.size();
            url_.path_ += '/';
            url_.path_ += buffer;
            segment_open_ = true;
            state_ = State::kPath;
          } else if (buffer.empty()) {
            url_.host_.emplace();
            state_ = State::kPathStart;
          } else {
            Result<std::string> host = ParseHost(buffer, false);
            if (!host.ok()) return host.status();
            if (host.value() == "localhost") host.value().clear();
            url_.host_ = std::move(host).value();
            state_ = State::kPathStart;
          }
        }
        break;

      case State::kPathStart:
        if (special()) {
          state_ = State::kPath;
          if (c != '/' && c != '\\') --p_;
        } else if (c == '?') {
          url_.query_.emplace();
          state_ = State::kQuery;
        } else if (c == '#') {
          url_.fragment_.emplace();
          state_ = State::kFragment;
        } else if (c != kEof) {
          state_ = State::kPath;
          if (c != '/') --p_;
        }
        break;

      case State::kPath:
        if (!segment_open_) {
          segment_start_ = url_.path_.size();
          url_.path_ += '/';
          segment_open_ = true;
        }
        if (c == kEof || c == '/' || (special() && c == '\\') || c == '?' || c == '#') {
          EndSegment(c);
          if (c == '?') {
            url_.query_.emplace();
            state_ = State::kQuery;
          } else if (c == '#') {
            url_.fragment_.emplace();
            state_ = State::kFragment;
          }
        } else {
          AppendRun(PercentEncodeSet::kPath, special() ? "/\\?#" : "/?#", &url_.path_);
        }
        break;

      case State::kOpaquePath:
        if (c == '?') {
          url_.query_.emplace();
          state_ = State::kQuery;
        } else if (c == '#') {
          url_.fragment_.emplace();
          state_ = State::kFragment;
        } else if (c == ' ') {
          const int next = At(p_ + 1);
          url_.path_ += next == '?' || next == '#' ? "%20" : " ";
        } else if (c != kEof) {
          AppendPercentEncoded(static_cast<unsigned char>(c), PercentEncodeSet::kC0Control,
                               &url_.path_);
        }
        break;

      case State::kQuery:
        if (c == '#') {
          url_.fragment_.emplace();
          state_ = State::kFragment;
        } else if (c != kEof) {
          AppendRun(special() ? PercentEncodeSet::kSpecialQuery : PercentEncodeSet::kQuery, "#",
                    &*url_.query_);
        }
        break;

      case State::kFragment:
        if (c != kEof) AppendRun(PercentEncodeSet::kFragment, "", &*url_.fragment_);
        break;
    }
    if (p_ >= n()) break;
  }
  return std::move(url_);
}

Result<WhatwgUrl> WhatwgUrl::Parse(std::string_view input, const WhatwgUrl* base) {
  return WhatwgUrlParser(input, base).Run();
}

std::string WhatwgUrl::Serialize(bool exclude_fragment) const {
  std::string out;
  out.reserve(scheme_.size() + 3 + (host_ ? host_->size() : 0) + path_.size() +
              (query_ ? query_->size() + 1 : 0) +
              (fragment_ && !exclude_fragment ? fragment_->size() + 1 : 0) + 24);
  out += scheme_;
  out += ':';
  if (host_) {
    out += "//";
    if (!username_.empty() || !password_.empty()) {
      out += username_;
      if (!password_.empty()) {
        out += ':';
        out += password_;
      }
      out += '@';
    }
    out += *host_;
    if (port_ >= 0) {
      out += ':';
      out += std::to_string(port_);
    }
  } else if (!opaque_path_ && path_.size() > 1 && path_[0] == '/' && path_[1] == '/') {
    out += "/.";  // so that the path's empty first segment is not read as a host
  }
  out += path_;
  if (query_) {
    out += '?';
    out += *query_;
  }
  if (fragment_ && !exclude_fragment) {
    out += '#';
    out += *fragment_;
  }
  return out;
}

}  // namespace forage
