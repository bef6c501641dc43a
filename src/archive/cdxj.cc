#include "archive/cdxj.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <functional>
#include <memory>

#include "core/errno_status.h"
#include "core/fd.h"
#include "core/whatwg_url.h"

namespace forage {

namespace {

// Of each member the indexer keeps this much, inflated: the WARC header and
// the HTTP head are what it reads, never the body.
constexpr std::size_t kKeepBytes = 256 * 1024;
// Of an HTTP head, the summary reads this much (writer and indexer alike,
// so that both give the same line however long a head is).
constexpr std::size_t kHeadScanBytes = 64 * 1024;

constexpr std::string_view kWarcSuffix = ".warc.gz";

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int HexValue(char c) {
  if (c <= '9') return c - '0';
  return (c | 0x20) - 'a' + 10;
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

std::string Lowered(std::string s) {
  for (char& c : s) c = Lower(c);
  return s;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// surt's unescapeRepeatedly: "%HH" decoded until none is left ("%2525" is
// "%"). Decoding never makes two escapes overlap, so decoding whatever
// escape ends the output as it grows reaches the same result in one pass
// (the repeated passes surt makes are quadratic on "%252525...").
std::string UnescapeRepeatedly(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    out += c;
    while (out.size() >= 3 && out[out.size() - 3] == '%' && IsHex(out[out.size() - 2]) &&
           IsHex(out.back())) {
      const char byte =
          static_cast<char>(HexValue(out[out.size() - 2]) * 16 + HexValue(out.back()));
      out.resize(out.size() - 3);
      out += byte;
    }
  }
  return out;
}

// surt's escapeOnce: controls, space, '#', '%', DEL and non-ASCII bytes as
// "%HH"; everything else as it is.
std::string EscapeOnce(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == '#' || c == '%' || c >= 0x7f) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

// surt's normalizePath (Google canonicalizer): "." and ".." resolved (a
// ".." above the root kept), empty segments dropped but a trailing "/" kept.
std::string NormalizePath(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> kept;
  bool first = true;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = path.find('/', start);
    std::string_view segment = path.substr(start, end == std::string_view::npos ? path.npos : end - start);
    if (first) {
      first = false;  // what precedes the first "/" (nothing, for a path)
    } else if (segment == ".") {
    } else if (segment == "..") {
      if (!kept.empty()) {
        kept.pop_back();
      } else {
        kept.push_back(segment);
      }
    } else {
      kept.push_back(segment);
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  std::string out = "/";
  for (std::size_t i = 0; i + 1 < kept.size(); ++i) {
    if (!kept[i].empty()) {
      out.append(kept[i]);
      out += '/';
    }
  }
  if (!kept.empty()) out.append(kept.back());
  return out;
}

// surt's alphaReorderQuery: the arguments split at "&", each at its first
// "=", sorted as (name) or (name, value) tuples, joined again.
std::string ReorderQuery(std::string_view query) {
  if (query.size() <= 1) return std::string(query);
  struct Arg {
    std::string_view name;
    std::optional<std::string_view> value;
  };
  std::vector<Arg> args;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = query.find('&', start);
    std::string_view arg = query.substr(start, end == std::string_view::npos ? query.npos : end - start);
    const std::size_t eq = arg.find('=');
    if (eq == std::string_view::npos) {
      args.push_back({arg, std::nullopt});
    } else {
      args.push_back({arg.substr(0, eq), arg.substr(eq + 1)});
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  // Bytewise, as Python compares bytes; a name alone before the same name with a value.
  std::stable_sort(args.begin(), args.end(), [](const Arg& a, const Arg& b) {
    if (a.name != b.name) return a.name < b.name;
    if (!a.value || !b.value) return !a.value && b.value;
    return *a.value < *b.value;
  });
  std::string out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const Arg& arg = args[i];
    if (i > 0) out += '&';
    out.append(arg.name);
    if (arg.value) {
      out += '=';
      out.append(*arg.value);
    }
  }
  return out;
}

// A URL with no host (or that does not parse): itself, made safe for a line.
std::string FallbackKey(std::string_view url) {
  std::string key = Lowered(EscapeOnce(url));
  return key.empty() ? "-" : key;
}

// Appends `s` as a JSON string as Python's json.dumps writes it
// (ensure_ascii): non-ASCII as \uXXXX (UTF-16), bytes that are not UTF-8
// as U+FFFD.
void AppendJsonString(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  auto unit = [out](unsigned v) {
    *out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) *out += kHex[(v >> shift) & 15];
  };
  *out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': *out += "\\\""; break;
        case '\\': *out += "\\\\"; break;
        case '\n': *out += "\\n"; break;
        case '\r': *out += "\\r"; break;
        case '\t': *out += "\\t"; break;
        case '\b': *out += "\\b"; break;
        case '\f': *out += "\\f"; break;
        default:
          if (c < 0x20) {
            unit(c);
          } else {
            *out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    // A UTF-8 sequence: its length, its least code point, then its continuation bytes.
    int n = 0;
    unsigned cp = 0, least = 0;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1, cp = c & 0x1f, least = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2, cp = c & 0x0f, least = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3, cp = c & 0x07, least = 0x10000;
    }
    bool ok = n > 0 && i + static_cast<std::size_t>(n) < s.size();
    for (int k = 1; ok && k <= n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      if ((d & 0xc0) != 0x80) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (d & 0x3f);
    }
    if (!ok || cp < least || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      unit(0xfffd);
      ++i;
      continue;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      unit(0xd800 + (cp >> 10));
      unit(0xdc00 + (cp & 0x3ff));
    } else {
      unit(cp);
    }
    i += static_cast<std::size_t>(n) + 1;
  }
  *out += '"';
}

// The lines of `head` (up to its blank line, or its end), each without its
// line ending, to `each`; stops when `each` returns false.
void ForEachHeadLine(std::string_view head, const std::function<bool(std::string_view)>& each) {
  std::size_t at = 0;
  while (at < head.size()) {
    std::size_t end = head.find('\n', at);
    std::string_view line =
        head.substr(at, end == std::string_view::npos ? head.npos : end - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || !each(line)) return;
    if (end == std::string_view::npos) return;
    at = end + 1;
  }
}

// Where the header of a WARC record ends (after its blank line), or npos.
std::size_t HeaderEnd(std::string_view record) {
  const std::size_t crlf = record.find("\r\n\r\n");
  const std::size_t lf = record.find("\n\n");
  if (crlf == std::string_view::npos && lf == std::string_view::npos) return std::string_view::npos;
  if (lf == std::string_view::npos || (crlf != std::string_view::npos && crlf < lf)) return crlf + 4;
  return lf + 2;
}

using ReadFn = std::function<Result<std::size_t>(char* buffer, std::size_t capacity)>;

Result<std::vector<std::string>> Index(const ReadFn& read, const std::string& filename) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return Status::ResourceExhausted("inflateInit2 failed");
  std::unique_ptr<z_stream, int (*)(z_stream*)> cleanup(&z, inflateEnd);
  std::vector<char> in(64 * 1024);
  std::vector<char> out(64 * 1024);
  std::vector<std::string> lines;
  std::uint64_t pos = 0;  // the file offset of in[0]
  std::size_t avail = 0, at = 0;
  bool in_member = false;
  std::uint64_t member_start = 0;
  std::string kept;
  for (;;) {
    if (at == avail) {
      pos += avail;
      Result<std::size_t> n = read(in.data(), in.size());
      if (!n.ok()) return n.status();
      avail = n.value();
      at = 0;
      if (avail == 0) break;
    }
    if (!in_member) {
      in_member = true;
      member_start = pos + at;
      kept.clear();
    }
    z.next_in = reinterpret_cast<Bytef*>(in.data() + at);
    z.avail_in = static_cast<uInt>(avail - at);
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&z, Z_NO_FLUSH);
    const std::size_t consumed = (avail - at) - z.avail_in;
    at += consumed;
    const std::size_t produced = out.size() - z.avail_out;
    kept.append(out.data(), std::min(produced, kKeepBytes - kept.size()));
    if (rc == Z_STREAM_END) {
      std::optional<CdxjEntry> entry = CdxjEntryOf(kept);
      if (entry) {
        entry->offset = member_start;
        entry->length = pos + at - member_start;
        entry->filename = filename;
        lines.push_back(CdxjLine(*entry));
      }
      inflateReset(&z);
      in_member = false;
      continue;
    }
    if (rc == Z_OK || (rc == Z_BUF_ERROR && at == avail)) {
      if (consumed == 0 && produced == 0 && at < avail) {
        return Status::Corrupt(filename + ": offset " + std::to_string(member_start) +
                               ": the gzip member makes no progress");
      }
      continue;
    }
    return Status::Corrupt(filename + ": offset " + std::to_string(member_start) +
                           ": not a whole gzip member" + (z.msg ? std::string(" (") + z.msg + ")" : ""));
  }
  if (in_member) {
    return Status::Corrupt(filename + ": offset " + std::to_string(member_start) +
                           ": the last gzip member is torn");
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::string BaseName(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string SurtKey(std::string_view url) {
  Result<WhatwgUrl> parsed = WhatwgUrl::Parse(url);
  if (!parsed.ok() || !parsed.value().host() || parsed.value().host()->empty() ||
      parsed.value().has_opaque_path()) {
    return FallbackKey(url);
  }
  const WhatwgUrl& u = parsed.value();
  std::string host = Lowered(*u.host());
  std::string key;
  if (host.front() == '[') {
    key = host;  // IPv6: no labels to reverse
  } else {
    while (!host.empty() && host.back() == '.') host.pop_back();
    while (!host.empty() && host.front() == '.') host.erase(0, 1);
    // surt's massageHost: "www", digits, "." at the start.
    if (host.compare(0, 3, "www") == 0) {
      std::size_t i = 3;
      while (i < host.size() && host[i] >= '0' && host[i] <= '9') ++i;
      if (i < host.size() && host[i] == '.') host.erase(0, i + 1);
    }
    host = EscapeOnce(host);
    std::size_t end = host.size();
    for (;;) {
      const std::size_t dot = end == 0 ? std::string::npos : host.rfind('.', end - 1);
      const std::size_t begin = dot == std::string::npos ? 0 : dot + 1;
      key.append(host, begin, end - begin);
      if (dot == std::string::npos) break;
      key += ',';
      end = dot;
    }
  }
  if (u.port()) key += ":" + std::to_string(*u.port());
  key += ')';
  std::string path = Lowered(EscapeOnce(NormalizePath(UnescapeRepeatedly(u.path()))));
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  key += path;
  if (u.query() && !u.query()->empty()) {
    const std::string query = ReorderQuery(Lowered(EscapeOnce(UnescapeRepeatedly(*u.query()))));
    if (!query.empty()) key += "?" + query;
  }
  return key;
}

std::string CdxjTimestamp(std::string_view warc_date) {
  std::string out;
  for (char c : warc_date) {
    if (out.size() == 14) break;
    if (c >= '0' && c <= '9') out += c;
  }
  out.resize(14, '0');
  return out;
}

std::string CdxjLine(const CdxjEntry& e) {
  std::string line = SurtKey(e.url);
  line += ' ';
  line += CdxjTimestamp(e.date);
  line += " {";
  bool first = true;
  auto field = [&](std::string_view name, std::string_view value) {
    if (value.empty()) return;
    if (!first) line += ", ";
    first = false;
    AppendJsonString(&line, name);
    line += ": ";
    AppendJsonString(&line, value);
  };
  field("url", e.url);
  field("mime", e.revisit ? std::string_view("warc/revisit") : std::string_view(e.mime));
  field("status", e.status ? std::to_string(*e.status) : "");
  field("digest", e.digest);
  field("length", std::to_string(e.length));
  field("offset", std::to_string(e.offset));
  field("filename", e.filename);
  line += '}';
  return line;
}

std::optional<HttpHeadSummary> SummarizeHttpHead(std::string_view head) {
  head = head.substr(0, std::min(head.size(), kHeadScanBytes));
  if (head.substr(0, 5) != "HTTP/") return std::nullopt;
  HttpHeadSummary summary;
  bool status_line = true, ok = false;
  ForEachHeadLine(head, [&](std::string_view line) {
    if (status_line) {
      status_line = false;
      // "HTTP/1.1 200 OK": the version, spaces, three digits, then a space or the end.
      std::size_t sp = line.find(' ');
      if (sp == std::string_view::npos) return false;
      std::string_view rest = line.substr(sp);
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      if (rest.size() < 3 || (rest.size() > 3 && rest[3] != ' ')) return false;
      int status = 0;
      for (std::size_t i = 0; i < 3; ++i) {
        if (rest[i] < '0' || rest[i] > '9') return false;
        status = status * 10 + (rest[i] - '0');
      }
      summary.status = status;
      ok = true;
      return true;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || !EqualsNoCase(Trim(line.substr(0, colon)), "content-type")) {
      return true;
    }
    std::string_view value = Trim(line.substr(colon + 1));
    std::size_t cut = value.find_first_of("; \t\r\n\f\v");
    summary.mime = std::string(Trim(value.substr(0, cut)));
    return false;  // the first Content-Type is the one
  });
  if (!ok) return std::nullopt;
  return summary;
}

std::optional<CdxjEntry> CdxjEntryOf(std::string_view record) {
  if (record.substr(0, 5) != "WARC/") return std::nullopt;
  const std::size_t end = HeaderEnd(record);
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view header = record.substr(0, end);
  std::string type, payload_digest, block_digest;
  CdxjEntry entry;
  bool version_line = true;
  ForEachHeadLine(header, [&](std::string_view line) {
    if (version_line) {
      version_line = false;
      return true;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return true;
    const std::string_view name = Trim(line.substr(0, colon));
    const std::string_view value = Trim(line.substr(colon + 1));
    if (EqualsNoCase(name, "WARC-Type") && type.empty()) {
      type = std::string(value);
    } else if (EqualsNoCase(name, "WARC-Target-URI") && entry.url.empty()) {
      std::string_view uri = value;
      // WARC/1.0 writers (wget) put it in angle brackets.
      if (uri.size() >= 2 && uri.front() == '<' && uri.back() == '>') uri = uri.substr(1, uri.size() - 2);
      entry.url = std::string(uri);
    } else if (EqualsNoCase(name, "WARC-Date") && entry.date.empty()) {
      entry.date = std::string(value);
    } else if (EqualsNoCase(name, "WARC-Payload-Digest") && payload_digest.empty()) {
      payload_digest = std::string(value);
    } else if (EqualsNoCase(name, "WARC-Block-Digest") && block_digest.empty()) {
      block_digest = std::string(value);
    }
    return true;
  });
  if (type == "revisit") {
    entry.revisit = true;
  } else if (type != "response") {
    return std::nullopt;
  }
  if (entry.url.empty() || entry.date.empty()) return std::nullopt;
  // A revisit of an identical payload carries the original's payload digest;
  // one for a 304 (server-not-modified) has none, and its block's serves.
  entry.digest = !payload_digest.empty() ? payload_digest : entry.revisit ? block_digest : "";
  if (std::optional<HttpHeadSummary> http = SummarizeHttpHead(record.substr(end))) {
    entry.status = http->status;
    entry.mime = http->mime;
  }
  return entry;
}

Result<std::vector<std::string>> IndexWarcBytes(std::string_view bytes, const std::string& filename) {
  return Index(
      [&bytes](char* buffer, std::size_t capacity) -> Result<std::size_t> {
        const std::size_t n = std::min(capacity, bytes.size());
        std::copy_n(bytes.data(), n, buffer);
        bytes.remove_prefix(n);
        return n;
      },
      filename);
}

Result<std::vector<std::string>> IndexWarcFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return ErrnoStatus("open " + path, errno);
  return Index(
      [&fd, &path](char* buffer, std::size_t capacity) -> Result<std::size_t> {
        for (;;) {
          const ssize_t n = ::read(fd.get(), buffer, capacity);
          if (n >= 0) return static_cast<std::size_t>(n);
          if (errno != EINTR) return ErrnoStatus("read " + path, errno);
        }
      },
      BaseName(path));
}

std::string CdxjPathFor(const std::string& warc_path) {
  std::string_view p = warc_path;
  if (p.size() >= kWarcSuffix.size() && p.substr(p.size() - kWarcSuffix.size()) == kWarcSuffix) {
    p.remove_suffix(kWarcSuffix.size());
  }
  return std::string(p) + ".cdxj";
}

Status WriteCdxjFile(const std::string& path, std::vector<std::string> lines) {
  std::sort(lines.begin(), lines.end());
  std::string text;
  for (const std::string& line : lines) {
    text += line;
    text += '\n';
  }
  // One name for the temporary: a writer killed midway leaves it, and the
  // next writer of this index (the master, re-indexing) overwrites it.
  const std::string temp = path + ".tmp";
  UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) return ErrnoStatus("create " + temp, errno);
  std::string_view left = text;
  while (!left.empty()) {
    const ssize_t n = ::write(fd.get(), left.data(), left.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      fd.Reset();
      ::unlink(temp.c_str());
      return ErrnoStatus("write " + temp, err);
    }
    left.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd.get()) != 0) {
    const int err = errno;
    fd.Reset();
    ::unlink(temp.c_str());
    return ErrnoStatus("fsync " + temp, err);
  }
  fd.Reset();
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return ErrnoStatus("rename " + temp, err);
  }
  return {};
}

Status ReindexWarcFile(const std::string& warc_path) {
  Result<std::vector<std::string>> lines = IndexWarcFile(warc_path);
  if (!lines.ok()) return lines.status();
  return WriteCdxjFile(CdxjPathFor(warc_path), std::move(lines).value());
}

}  // namespace forage
