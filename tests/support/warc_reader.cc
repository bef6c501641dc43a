#include "support/warc_reader.h"

#include <openssl/evp.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

namespace forage::test {
namespace {

// A member inflating to more than this is reported, not read: the tests'
// files are small, and a bomb must not take the test process down.
constexpr std::size_t kMaxMemberBytes = std::size_t{1} << 30;
constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kCrlfCrlf = "\r\n\r\n";

// WARC 1.1 section 6.7.2 (and 1.0's, with its own version in the URI).
constexpr std::string_view kNotModified11 =
    "http://netpreserve.org/warc/1.1/revisit/server-not-modified";
constexpr std::string_view kNotModified10 =
    "http://netpreserve.org/warc/1.0/revisit/server-not-modified";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IEquals(std::string_view a, std::string_view b) { return Lower(a) == Lower(b); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Bytes quoted for a message, control bytes escaped, at most `max` of them.
std::string Quote(std::string_view s, std::size_t max = 40) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < max; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (s.size() > max) out += "...";
  return out + "\"";
}

std::string Where(const std::string& file, std::uint64_t offset, const std::string& what) {
  return file + ": offset " + std::to_string(offset) + ": " + what;
}

bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::optional<std::uint64_t> ParseDecimal(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

// The value without the angle brackets around it, if it has them.
std::string Unbracket(std::string_view v) {
  if (v.size() >= 2 && v.front() == '<' && v.back() == '>')
    return std::string(v.substr(1, v.size() - 2));
  return std::string(v);
}

// --- HTTP blocks ---

struct HttpHead {
  std::string start_line;
  std::vector<WarcField> fields;
  std::size_t body_offset = 0;  // within the block
};

// The HTTP message head at the start of `block`; nullopt when it has no
// CRLFCRLF ending it.
std::optional<HttpHead> ParseHttpHead(std::string_view block) {
  std::size_t end = block.find(kCrlfCrlf);
  if (end == std::string_view::npos) return std::nullopt;
  HttpHead head;
  head.body_offset = end + kCrlfCrlf.size();
  std::string_view rest = block.substr(0, end + kCrlf.size());
  bool first = true;
  while (!rest.empty()) {
    std::size_t eol = rest.find(kCrlf);
    std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol + kCrlf.size());
    if (first) {
      head.start_line = std::string(line);
      first = false;
    } else if (!line.empty() && (line.front() == ' ' || line.front() == '\t') &&
               !head.fields.empty()) {
      head.fields.back().value += " " + std::string(Trim(line));
    } else {
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;  // not ours to judge
      head.fields.push_back(
          {std::string(Trim(line.substr(0, colon))), std::string(Trim(line.substr(colon + 1)))});
    }
  }
  return head;
}

// "HTTP/1.1 200 OK" -> 200.
std::optional<int> StatusOf(std::string_view start_line) {
  static const std::regex kStatus(R"(HTTP/\d(\.\d)? ([1-9]\d\d)( .*)?)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(start_line.begin(), start_line.end(), m, kStatus)) return std::nullopt;
  return std::stoi(m[2].str());
}

// Whether the last transfer coding of the head is chunked (RFC 9112 6.1:
// chunked, when used, is the final coding).
bool IsChunked(const HttpHead& head) {
  std::string codings;
  for (const WarcField& f : head.fields) {
    if (IEquals(f.name, "Transfer-Encoding")) codings += "," + f.value;
  }
  std::size_t comma = codings.rfind(',');
  if (comma == std::string::npos) return false;
  std::string_view last = Trim(std::string_view(codings).substr(comma + 1));
  return IEquals(last, "chunked");
}

// "application/http; msgtype=response" -> {"application/http", "response"}.
std::pair<std::string, std::string> MediaType(std::string_view content_type) {
  std::size_t semi = content_type.find(';');
  std::string type = Lower(Trim(content_type.substr(0, semi)));
  std::string msgtype;
  while (semi != std::string_view::npos) {
    content_type.remove_prefix(semi + 1);
    semi = content_type.find(';');
    std::string_view param = Trim(content_type.substr(0, semi));
    std::size_t eq = param.find('=');
    if (eq != std::string_view::npos && IEquals(Trim(param.substr(0, eq)), "msgtype")) {
      std::string value = Lower(Trim(param.substr(eq + 1)));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      msgtype = value;
    }
  }
  return {type, msgtype};
}

// --- record framing ---

struct Framed {
  enum Kind { kRecord, kPartial, kMalformed } kind = kMalformed;
  WarcRecord record;
  std::size_t end = 0;       // just past the record's trailing CRLFCRLF
  std::size_t block_at = 0;  // where the block starts (for messages)
  std::optional<std::uint64_t> content_length;
  std::string problem;
};

Framed Fail(Framed::Kind kind, std::string problem) {
  Framed f;
  f.kind = kind;
  f.problem = std::move(problem);
  return f;
}

// Frames the record at data[pos]: version line, header fields, a blank
// line, Content-Length bytes of block, CRLFCRLF (WARC 1.1 section 4).
Framed FrameRecord(std::string_view data, std::size_t pos) {
  std::string_view rest = data.substr(pos);
  if (!StartsWith(rest, "WARC/")) {
    if (rest.size() < 5 && StartsWith("WARC/", rest)) {
      return Fail(Framed::kPartial, "the data ends inside the version line");
    }
    return Fail(Framed::kMalformed, "no WARC version line: starts with " + Quote(rest, 16));
  }
  std::size_t head_end = rest.find(kCrlfCrlf);
  if (head_end == std::string_view::npos) {
    return Fail(Framed::kPartial, "the data ends inside the record header");
  }
  std::string_view head = rest.substr(0, head_end + kCrlf.size());
  Framed out;
  out.kind = Framed::kRecord;
  bool first = true;
  while (!head.empty()) {
    std::size_t eol = head.find(kCrlf);
    std::string_view line = head.substr(0, eol);
    head.remove_prefix(eol + kCrlf.size());
    if (line.find_first_of("\r\n") != std::string_view::npos) {
      return Fail(Framed::kMalformed, "header line " + Quote(line) + " holds a bare CR or LF");
    }
    if (first) {
      out.record.version = std::string(line);
      first = false;
      continue;
    }
    if ((line.front() == ' ' || line.front() == '\t') && !out.record.fields.empty()) {
      // A folded continuation line (WARC 1.1 section 4: LWS).
      out.record.fields.back().value += " " + std::string(Trim(line));
      continue;
    }
    std::size_t colon = line.find(':');
    std::string_view name = line.substr(0, colon);
    if (colon == std::string_view::npos || name.empty() ||
        !std::all_of(name.begin(), name.end(), IsTokenChar)) {
      return Fail(Framed::kMalformed, "malformed header line " + Quote(line));
    }
    out.record.fields.push_back({std::string(name), std::string(Trim(line.substr(colon + 1)))});
  }
  std::optional<std::string> length_text = out.record.Field("Content-Length");
  if (!length_text) return Fail(Framed::kMalformed, "the record has no Content-Length");
  out.content_length = ParseDecimal(*length_text);
  if (!out.content_length) {
    return Fail(Framed::kMalformed, "Content-Length " + Quote(*length_text) + " is not a number");
  }
  const std::size_t block_at = pos + head_end + kCrlfCrlf.size();
  out.block_at = block_at;
  const std::uint64_t length = *out.content_length;
  const std::size_t left = data.size() - block_at;
  if (length > left) {
    Framed partial = Fail(Framed::kPartial, "Content-Length " + std::to_string(length) +
                                                " runs past the end of the data (" +
                                                std::to_string(left) + " bytes follow the header)");
    partial.block_at = block_at;
    partial.content_length = length;
    return partial;
  }
  out.record.block = std::string(data.substr(block_at, length));
  std::string_view trailer = data.substr(block_at + length, kCrlfCrlf.size());
  if (trailer != kCrlfCrlf) {
    if (trailer.size() < kCrlfCrlf.size() && StartsWith(kCrlfCrlf, trailer)) {
      return Fail(Framed::kPartial, "the data ends before the record's closing CRLFCRLF");
    }
    Framed bad = Fail(Framed::kMalformed,
                      "the record does not end with CRLFCRLF after its " + std::to_string(length) +
                          " block bytes (Content-Length) but with " + Quote(trailer));
    bad.block_at = block_at;
    bad.content_length = length;
    return bad;
  }
  out.end = block_at + length + kCrlfCrlf.size();
  return out;
}

// --- record checks ---

bool IsRecordIdUri(std::string_view v) {
  static const std::regex kId(R"(<[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>]+>)");
  return std::regex_match(v.begin(), v.end(), kId);
}

// W3C profile of ISO 8601, UTC, at second granularity (WARC 1.0 and 1.1)
// or finer (WARC 1.1 only, section 5.4).
std::optional<std::string> DateProblem(std::string_view v, const std::string& version) {
  static const std::regex kDate(R"((\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d{1,9})?Z)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(v.begin(), v.end(), m, kDate)) {
    return "WARC-Date " + Quote(v) + " is not YYYY-MM-DDThh:mm:ss[.f]Z (W3C ISO 8601, UTC)";
  }
  int month = std::stoi(m[2]), day = std::stoi(m[3]), hour = std::stoi(m[4]),
      minute = std::stoi(m[5]), second = std::stoi(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return "WARC-Date " + Quote(v) + " is out of range";
  }
  if (m[7].matched && version == "WARC/1.0") {
    return "WARC-Date " + Quote(v) + " has a fraction of a second, which WARC/1.0 does not allow";
  }
  return std::nullopt;
}

// Checks a digest field against `expected` ("sha1:BASE32"); "" when it matches.
std::string DigestProblem(const std::string& field, const std::string& value,
                          const std::string& expected) {
  if (!StartsWith(value, "sha1:")) {
    return field + " " + Quote(value) + " is not sha1:BASE32, the only form this reader checks";
  }
  if (value != expected) {
    return field + " " + value + " does not match the " +
           (field == "WARC-Block-Digest" ? "block" : "payload") + "'s " + expected;
  }
  return "";
}

void CheckRecord(WarcRecord& r, const WarcReadOptions& options, std::vector<std::string>& errors) {
  auto error = [&](const std::string& what) {
    std::string where = r.file + ": offset " + std::to_string(r.offset);
    std::string id = r.Id();
    errors.push_back(where + (id.empty() ? "" : " (" + id + ")") + ": " + what);
  };
  if (r.version != "WARC/1.1" && r.version != "WARC/1.0") {
    error("version line " + Quote(r.version) + " is neither WARC/1.1 nor WARC/1.0");
  }
  // Every field may appear once but WARC-Concurrent-To (WARC 1.1 section 5.7).
  std::map<std::string, int> seen;
  for (const WarcField& f : r.fields) {
    std::string name = Lower(f.name);
    if (++seen[name] == 2 && name != "warc-concurrent-to") error("field " + f.name + " repeats");
  }
  for (std::string_view name : {"WARC-Record-ID", "WARC-Date", "WARC-Type", "Content-Length"}) {
    if (!r.Field(name)) error("mandatory field " + std::string(name) + " is missing");
  }
  if (std::optional<std::string> id = r.Field("WARC-Record-ID"); id && !IsRecordIdUri(*id)) {
    error("WARC-Record-ID " + Quote(*id) + " is not a URI in angle brackets");
  }
  if (std::optional<std::string> date = r.Field("WARC-Date")) {
    if (std::optional<std::string> problem = DateProblem(*date, r.version)) error(*problem);
  }
  for (std::string_view name : {"WARC-Concurrent-To", "WARC-Refers-To", "WARC-Warcinfo-ID"}) {
    for (const std::string& v : r.Fields(name)) {
      if (!IsRecordIdUri(v)) error(std::string(name) + " " + Quote(v) + " is not a record ID");
    }
  }
  const std::string type = r.Type();
  if ((type == "response" || type == "resource" || type == "request" || type == "revisit" ||
       type == "conversion" || type == "continuation") &&
      r.TargetUri().empty()) {
    error("a " + type + " record needs a WARC-Target-URI");
  }
  if (std::optional<std::string> truncated = r.Field("WARC-Truncated")) {
    static const std::set<std::string> kReasons{"length", "time", "disconnect", "unspecified"};
    if (!kReasons.count(*truncated)) {
      error("WARC-Truncated " + Quote(*truncated) +
            " is none of length, time, disconnect, unspecified");
    }
  }
  if (std::optional<std::string> digest = r.Field("WARC-Block-Digest")) {
    std::string problem = DigestProblem("WARC-Block-Digest", *digest, Sha1Digest(r.block));
    if (!problem.empty()) error(problem);
  }

  // The payload (WARC 1.1 sections 5.9 and 6.3.2).
  auto [media, msgtype] = MediaType(r.Value("Content-Type"));
  const bool http =
      media == "application/http" && (type == "response" || type == "request" || type == "revisit");
  std::string entity = r.block;
  std::string raw_body;
  bool chunked = false, dechunk_failed = false;
  if (http) {
    std::optional<HttpHead> head = ParseHttpHead(r.block);
    if (!head) {
      error("the application/http block has no CRLFCRLF ending its HTTP header");
    } else {
      if (type == "response" || type == "revisit") {
        r.http_status = StatusOf(head->start_line);
        if (!r.http_status) error("HTTP status line " + Quote(head->start_line) + " is malformed");
      }
      raw_body = r.block.substr(head->body_offset);
      entity = raw_body;
      chunked = IsChunked(*head);
      if (chunked) {
        std::optional<std::string> dechunked = Dechunk(raw_body);
        dechunk_failed = !dechunked;
        if (dechunked) entity = std::move(*dechunked);
      }
      if (type == "revisit" && head->body_offset != r.block.size()) {
        error("the revisit record's block holds " +
              std::to_string(r.block.size() - head->body_offset) +
              " bytes after the HTTP header; it must be the header only");
      }
    }
  } else if (type == "revisit") {
    error("the revisit record's block is " + Quote(media) + ", not application/http");
  }
  if (type == "revisit") {
    std::optional<std::string> profile = r.Field("WARC-Profile");
    if (!profile) {
      error("the revisit record has no WARC-Profile");
    } else if (r.http_status == 304 && *profile != kNotModified11 && *profile != kNotModified10) {
      error("the revisit record of a 304 has WARC-Profile " + Quote(*profile, 100) + ", not " +
            std::string(kNotModified11));
    }
    return;  // its payload is the revisited record's
  }
  r.payload_sha1 = Sha1Digest(entity);
  if (std::optional<std::string> digest = r.Field("WARC-Payload-Digest")) {
    std::string problem = DigestProblem("WARC-Payload-Digest", *digest, r.payload_sha1);
    if (!problem.empty() && chunked && *digest == Sha1Digest(raw_body) &&
        (dechunk_failed || options.accept_raw_chunked_digest)) {
      problem.clear();
      r.payload_digest_over_raw_body = true;
    }
    if (!problem.empty()) {
      if (chunked) {
        problem += dechunk_failed ? " (the chunked body does not de-chunk; as sent it is "
                                  : " (de-chunked; the chunked body as sent is ";
        problem += Sha1Digest(raw_body) + ")";
      }
      error(problem);
    }
  }
}

// --- files ---

struct InflateDeleter {
  void operator()(z_stream* z) const {
    inflateEnd(z);
    delete z;
  }
};
using Inflater = std::unique_ptr<z_stream, InflateDeleter>;

Inflater NewInflater() {
  auto* z = new z_stream{};
  // 16 + MAX_WBITS: gzip framing only; inflate stops at the end of one
  // member, so each member is read (and reset for) on its own.
  if (inflateInit2(z, 16 + MAX_WBITS) != Z_OK) {
    delete z;
    return nullptr;
  }
  return Inflater(z);
}

bool IsGzipAt(std::string_view data, std::size_t pos) {
  return data.size() - pos >= 2 && static_cast<unsigned char>(data[pos]) == 0x1f &&
         static_cast<unsigned char>(data[pos + 1]) == 0x8b;
}

// A message for a record that does not frame, naming the block length the
// data suggests when Content-Length looks to be the culprit.
std::string FramingProblem(const Framed& f, std::string_view member) {
  std::string problem = f.problem;
  if (f.content_length && member.size() >= f.block_at + kCrlfCrlf.size() &&
      member.substr(member.size() - kCrlfCrlf.size()) == kCrlfCrlf) {
    std::size_t actual = member.size() - kCrlfCrlf.size() - f.block_at;
    if (actual != *f.content_length) {
      problem = "Content-Length " + std::to_string(*f.content_length) +
                " does not match the block, which is " + std::to_string(actual) +
                " bytes: " + problem;
    }
  }
  return problem;
}

// The records of one inflated member; a member holds exactly one record.
void ReadMember(WarcFile& file, std::string_view member, std::uint64_t offset, std::uint64_t length,
                const WarcReadOptions& options) {
  if (member.empty()) {
    file.errors.push_back(Where(file.path, offset, "gzip member holds no record (it is empty)"));
    return;
  }
  std::size_t pos = 0;
  int count = 0;
  while (pos < member.size()) {
    Framed f = FrameRecord(member, pos);
    if (f.kind == Framed::kPartial) {
      file.errors.push_back(Where(
          file.path, offset, "gzip member holds a partial record: " + FramingProblem(f, member)));
      return;
    }
    if (f.kind == Framed::kMalformed) {
      file.errors.push_back(
          Where(file.path, offset,
                (count == 0 ? "" : "after its first record: ") + FramingProblem(f, member)));
      return;
    }
    if (++count == 2) {
      file.errors.push_back(Where(file.path, offset,
                                  "gzip member holds more than one record (another starts at "
                                  "byte " +
                                      std::to_string(pos) + " of the member)"));
    }
    f.record.file = file.path;
    f.record.offset = offset;
    f.record.length = length;
    CheckRecord(f.record, options, file.errors);
    file.records.push_back(std::move(f.record));
    pos = f.end;
  }
}

void ReadGzip(WarcFile& file, std::string_view data, const WarcReadOptions& options) {
  Inflater z = NewInflater();
  if (!z) {
    file.errors.push_back(file.path + ": zlib failed to initialise");
    return;
  }
  std::size_t offset = 0;
  std::string out;
  while (offset < data.size()) {
    if (!IsGzipAt(data, offset)) {
      file.errors.push_back(
          Where(file.path, offset,
                "member is not gzip: it starts with " + Quote(data.substr(offset), 16)));
      return;
    }
    inflateReset(z.get());
    std::string_view input = data.substr(offset);
    z->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    z->avail_in = static_cast<uInt>(std::min<std::size_t>(input.size(), UINT_MAX));
    out.clear();
    int rc = Z_OK;
    char buffer[1 << 16];
    while (rc == Z_OK) {
      z->next_out = reinterpret_cast<Bytef*>(buffer);
      z->avail_out = sizeof buffer;
      rc = inflate(z.get(), Z_NO_FLUSH);
      out.append(buffer, sizeof buffer - z->avail_out);
      if (out.size() > kMaxMemberBytes) {
        file.errors.push_back(Where(file.path, offset, "gzip member inflates to more than 1 GiB"));
        return;
      }
    }
    if (rc == Z_BUF_ERROR && z->avail_in == 0) {
      file.errors.push_back(Where(file.path, offset,
                                  "torn member at offset " + std::to_string(offset) +
                                      ": the gzip stream stops after " +
                                      std::to_string(input.size()) + " bytes, before its end"));
      return;
    }
    if (rc != Z_STREAM_END) {
      file.errors.push_back(
          Where(file.path, offset,
                std::string("gzip member is corrupt: ") +
                    (z->msg != nullptr ? z->msg : "zlib error " + std::to_string(rc))));
      return;
    }
    const std::size_t length = z->total_in;
    ReadMember(file, out, offset, length, options);
    offset += length;
  }
}

void ReadPlain(WarcFile& file, std::string_view data, const WarcReadOptions& options) {
  std::size_t pos = 0;
  while (pos < data.size()) {
    Framed f = FrameRecord(data, pos);
    if (f.kind != Framed::kRecord) {
      file.errors.push_back(
          Where(file.path, pos,
                (f.kind == Framed::kPartial ? "partial record at the end: " : "") + f.problem));
      return;
    }
    f.record.file = file.path;
    f.record.offset = pos;
    f.record.length = f.end - pos;
    CheckRecord(f.record, options, file.errors);
    file.records.push_back(std::move(f.record));
    pos = f.end;
  }
}

}  // namespace

// --- WarcRecord ---

std::optional<std::string> WarcRecord::Field(std::string_view name) const {
  for (const WarcField& f : fields) {
    if (IEquals(f.name, name)) return f.value;
  }
  return std::nullopt;
}

std::vector<std::string> WarcRecord::Fields(std::string_view name) const {
  std::vector<std::string> out;
  for (const WarcField& f : fields) {
    if (IEquals(f.name, name)) out.push_back(f.value);
  }
  return out;
}

std::string WarcRecord::Value(std::string_view name) const { return Field(name).value_or(""); }

std::string WarcRecord::TargetUri() const { return Unbracket(Value("WARC-Target-URI")); }

// --- pieces ---

std::string Base32(std::string_view bytes) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  std::uint64_t bits = 0;
  int count = 0;
  for (unsigned char c : bytes) {
    bits = (bits << 8) | c;
    count += 8;
    while (count >= 5) {
      out += kAlphabet[(bits >> (count - 5)) & 31];
      count -= 5;
    }
  }
  if (count > 0) out += kAlphabet[(bits << (5 - count)) & 31];
  while (out.size() % 8 != 0) out += '=';
  return out;
}

std::string Sha1Digest(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &size, EVP_sha1(), nullptr);
  return "sha1:" + Base32(std::string_view(reinterpret_cast<const char*>(md), size));
}

std::optional<std::string> Dechunk(std::string_view body) {
  std::string out;
  while (true) {
    std::size_t eol = body.find(kCrlf);
    if (eol == std::string_view::npos) return std::nullopt;
    std::string_view line = body.substr(0, eol);
    body.remove_prefix(eol + kCrlf.size());
    // chunk-size [ BWS ; chunk-ext ]: hex digits, then only extensions.
    std::size_t digits = 0;
    std::uint64_t size = 0;
    while (digits < line.size() && std::isxdigit(static_cast<unsigned char>(line[digits]))) {
      if (digits == 15) return std::nullopt;  // no body here is 2^60 bytes
      char c = line[digits++];
      size = size * 16 + static_cast<std::uint64_t>(std::isdigit(static_cast<unsigned char>(c))
                                                        ? c - '0'
                                                        : std::tolower(c) - 'a' + 10);
    }
    if (digits == 0) return std::nullopt;
    std::string_view ext = Trim(line.substr(digits));
    if (!ext.empty() && ext.front() != ';') return std::nullopt;
    if (size == 0) {
      // Trailer fields, each CRLF-ended, then the final CRLF.
      while (true) {
        std::size_t end = body.find(kCrlf);
        if (end == std::string_view::npos) return std::nullopt;
        if (end == 0) return body.size() == kCrlf.size() ? std::optional(out) : std::nullopt;
        body.remove_prefix(end + kCrlf.size());
      }
    }
    if (size > body.size() || body.substr(size, kCrlf.size()) != kCrlf) return std::nullopt;
    out.append(body.substr(0, size));
    body.remove_prefix(size + kCrlf.size());
  }
}

// --- files and sets ---

WarcFile ParseWarc(const std::string& name, std::string_view bytes,
                   const WarcReadOptions& options) {
  WarcFile file;
  file.path = name;
  if (bytes.empty()) {
    file.errors.push_back(name + ": the file is empty");
  } else if (IsGzipAt(bytes, 0)) {
    ReadGzip(file, bytes, options);
  } else if (name.size() >= 3 && name.substr(name.size() - 3) == ".gz") {
    file.errors.push_back(
        Where(name, 0, "member is not gzip: the file starts with " + Quote(bytes, 16)));
  } else {
    ReadPlain(file, bytes, options);
  }
  return file;
}

WarcFile ReadWarcFile(const std::string& path, const WarcReadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    WarcFile file;
    file.path = path;
    file.errors.push_back(path + ": cannot be opened");
    return file;
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return ParseWarc(path, bytes.str(), options);
}

void CheckWarcSet(WarcSet& set) {
  std::map<std::string, const WarcRecord*> by_id;
  for (const WarcFile& file : set.files) {
    for (const WarcRecord& r : file.records) {
      if (r.Id().empty()) continue;
      auto [it, fresh] = by_id.emplace(r.Id(), &r);
      if (!fresh) {
        set.errors.push_back(Where(r.file, r.offset,
                                   "record ID " + r.Id() + " is already used at " +
                                       it->second->file + " offset " +
                                       std::to_string(it->second->offset)));
      }
    }
  }
  auto where = [](const WarcRecord& r, const std::string& what) {
    return Where(r.file, r.offset, r.Type() + " record " + r.Id() + ": " + what);
  };
  for (const WarcFile& file : set.files) {
    if (file.records.empty()) {
      set.errors.push_back(file.path + ": holds no record, so no warcinfo record first");
    } else if (file.records.front().Type() != "warcinfo") {
      set.errors.push_back(file.path + ": does not begin with a warcinfo record (the first is " +
                           Quote(file.records.front().Type()) + ")");
    }
    for (const WarcRecord& r : file.records) {
      for (std::string_view name : {"WARC-Concurrent-To", "WARC-Refers-To"}) {
        for (const std::string& target : r.Fields(name)) {
          if (!by_id.count(target)) {
            set.errors.push_back(
                where(r, std::string(name) + " " + target + " names no record in the set"));
          }
        }
      }
      if (std::optional<std::string> info = r.Field("WARC-Warcinfo-ID")) {
        auto it = by_id.find(*info);
        if (it == by_id.end() || it->second->Type() != "warcinfo") {
          set.errors.push_back(
              where(r, "WARC-Warcinfo-ID " + *info + " names no warcinfo record in the set"));
        }
      }
      const std::string uri = r.TargetUri();
      if (r.Type() != "response" || !(StartsWith(uri, "http://") || StartsWith(uri, "https://"))) {
        continue;
      }
      auto linked = [&](const WarcRecord& request) {
        if (request.Type() != "request" || request.TargetUri() != uri) return false;
        std::vector<std::string> to = r.Fields("WARC-Concurrent-To");
        std::vector<std::string> from = request.Fields("WARC-Concurrent-To");
        return std::find(to.begin(), to.end(), request.Id()) != to.end() ||
               std::find(from.begin(), from.end(), r.Id()) != from.end();
      };
      bool found = false;
      for (const WarcFile& other : set.files) {
        found = found || std::any_of(other.records.begin(), other.records.end(), linked);
      }
      if (!found) {
        set.errors.push_back(
            where(r, "no request record for " + uri + " is linked to it by WARC-Concurrent-To"));
      }
    }
  }
}

WarcSet ReadWarcSet(const std::vector<std::string>& paths, const WarcReadOptions& options) {
  WarcSet set;
  for (const std::string& path : paths) {
    set.files.push_back(ReadWarcFile(path, options));
    const std::vector<std::string>& errors = set.files.back().errors;
    set.errors.insert(set.errors.end(), errors.begin(), errors.end());
  }
  CheckWarcSet(set);
  return set;
}

}  // namespace forage::test
