#include "archive/warc_writer.h"

#include <strings.h>
#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <utility>

#include "archive/cdxj.h"
#include "forage/version.h"

namespace forage {

namespace {

constexpr std::string_view kSuffix = ".warc.gz";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

using Fields = std::vector<std::pair<std::string, std::string>>;

}  // namespace

WarcSetNames::WarcSetNames(const std::string& path) {
  std::string p = path;
  if (EndsWith(p, kSuffix)) p.resize(p.size() - kSuffix.size());
  const std::size_t slash = p.rfind('/');
  if (slash != std::string::npos) {
    directory_ = p.substr(0, slash + 1);
    stem_ = p.substr(slash + 1);
  } else {
    stem_ = p;
  }
}

std::string WarcSetNames::Name(std::uint32_t serial) const {
  if (serial == 0) return directory_ + stem_ + std::string(kSuffix);
  char number[16];
  std::snprintf(number, sizeof number, "-%05u", serial);
  return directory_ + stem_ + number + std::string(kSuffix);
}

std::int64_t WarcSetNames::SerialOf(const std::string& file_name) const {
  std::string_view name = file_name;
  if (!EndsWith(name, kSuffix) || name.substr(0, stem_.size()) != stem_) return -1;
  name.remove_suffix(kSuffix.size());
  name.remove_prefix(stem_.size());
  if (name.empty()) return 0;
  if (name.size() < 6 || name[0] != '-') return -1;
  std::int64_t serial = 0;
  for (char c : name.substr(1)) {
    if (c < '0' || c > '9' || serial > 100'000'000) return -1;
    serial = serial * 10 + (c - '0');
  }
  // Only the names Name gives: at least five digits, no leading zeros past them.
  if (Name(static_cast<std::uint32_t>(serial)) != directory_ + file_name) return -1;
  return serial;
}

std::string NewWarcRecordId() {
  unsigned char b[16];
  std::size_t got = 0;
  while (got < sizeof b) {
    ssize_t n = ::getrandom(b + got, sizeof b - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      // No entropy source: time and a counter still make ids unique here.
      static std::uint64_t counter = 0;
      const std::uint64_t t = static_cast<std::uint64_t>(std::time(nullptr)) ^ (++counter << 32);
      for (std::size_t i = got; i < sizeof b; ++i) b[i] = static_cast<unsigned char>(t >> (i % 8 * 8));
      break;
    }
    got += static_cast<std::size_t>(n);
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char out[64];
  std::snprintf(out, sizeof out,
                "<urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x>",
                b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
                b[13], b[14], b[15]);
  return out;
}

std::string WarcDate(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

std::string RedactRequestHead(const std::string& head) {
  std::string out;
  out.reserve(head.size());
  std::size_t at = 0;
  while (at < head.size()) {
    std::size_t end = head.find('\n', at);
    end = end == std::string::npos ? head.size() : end + 1;
    std::string_view line(head.data() + at, end - at);
    const std::size_t colon = line.find(':');
    bool secret = false;
    if (colon != std::string_view::npos) {
      std::string_view name = line.substr(0, colon);
      for (std::string_view s : {"authorization", "proxy-authorization", "cookie"}) {
        if (name.size() == s.size() && strncasecmp(name.data(), s.data(), s.size()) == 0) {
          secret = true;
        }
      }
    }
    if (secret) {
      out.append(line.substr(0, colon + 1));
      out.append(" [redacted]\r\n");
    } else {
      out.append(line);
    }
    at = end;
  }
  return out;
}

WarcWriter::WarcWriter(std::string path, std::uint64_t max_size, std::string info,
                       OpenedHook opened)
    : names_(path), max_size_(max_size), info_(std::move(info)), opened_(std::move(opened)) {}

WarcWriter::~WarcWriter() { (void)Close(); }

Status WarcWriter::Close() {
  if (!file_) return {};
  Status closed = file_->Close();
  const std::string path = file_->path();
  file_.reset();
  if (cdx_) {
    Status indexed = WriteCdxjFile(CdxjPathFor(path), std::move(cdx_lines_));
    cdx_lines_.clear();
    if (closed.ok()) closed = indexed;
  }
  return closed;
}

Status WarcWriter::Open() {
  for (;;) {
    const std::uint32_t serial = next_serial_++;
    bool exists = false;
    Result<std::unique_ptr<WarcFile>> file = WarcFile::Create(names_.Name(serial), &exists);
    if (exists) continue;
    if (!file.ok()) return file.status();
    file_ = std::move(file).value();
    serial_ = serial;
    cdx_lines_.clear();
    break;
  }
  if (opened_) opened_(serial_);
  warcinfo_id_ = NewWarcRecordId();
  std::string name = file_->path();
  if (const std::size_t slash = name.rfind('/'); slash != std::string::npos) name.erase(0, slash + 1);
  std::string block = "software: forage/" + std::string(kVersion) +
                      "\r\nformat: WARC File Format 1.1\r\n"
                      "conformsTo: http://iipc.github.io/warc-specifications/specifications/"
                      "warc-format/warc-1.1/\r\n" +
                      info_;
  Fields fields = {{"WARC-Type", "warcinfo"},
                   {"WARC-Record-ID", warcinfo_id_},
                   {"WARC-Date", WarcDate(static_cast<std::int64_t>(std::time(nullptr)) * 1000)},
                   {"WARC-Filename", name},
                   {"Content-Type", "application/warc-fields"}};
  return WriteRecord(fields, block, nullptr);
}

Status WarcWriter::WriteRecord(const Fields& fields, const std::string& head,
                               const ByteSpool* body) {
  const std::uint64_t length = head.size() + (body ? body->size() : 0);
  std::string text = "WARC/1.1\r\n";
  for (const auto& field : fields) text += field.first + ": " + field.second + "\r\n";
  text += "Content-Length: " + std::to_string(length) + "\r\n\r\n";
  file_->Begin();
  file_->Add(text);
  file_->Add(head);
  Status read;
  if (body) read = body->ForEach([this](std::string_view bytes) { file_->Add(bytes); });
  file_->Add("\r\n\r\n");
  Status ended = file_->End();
  if (!read.ok()) return read;
  return ended;
}

Result<WarcExtent> WarcWriter::Write(WarcExchange& x) {
  if (file_ && file_->size() >= max_size_) {
    Status closed = Close();
    if (!closed.ok()) return closed;
  }
  if (!file_) {
    Status opened = Open();
    if (!opened.ok()) {
      // A file without its warcinfo is given up (the master removes it: no
      // result names it); the next exchange tries a new one.
      if (file_) {
        (void)file_->Truncate(0);
        file_.reset();
      }
      return opened;
    }
  }
  const std::uint64_t start = file_->size();
  ExchangeCapture& c = *x.capture;
  const std::string date = WarcDate(x.date_ms);
  const std::string request_id = NewWarcRecordId();
  const std::string response_id = NewWarcRecordId();

  auto common = [&](Fields* fields, std::string_view type, const std::string& id) {
    fields->emplace_back("WARC-Type", std::string(type));
    fields->emplace_back("WARC-Record-ID", id);
    fields->emplace_back("WARC-Warcinfo-ID", warcinfo_id_);
    fields->emplace_back("WARC-Target-URI", x.target_uri);
    fields->emplace_back("WARC-Date", date);
    if (!x.ip.empty()) fields->emplace_back("WARC-IP-Address", x.ip);
  };

  Status status;
  std::uint64_t response_at = 0, response_end = 0;  // the response's member
  std::string digest;                              // the one its index line gives
  if (!c.request_head().empty()) {
    const std::string request = RedactRequestHead(c.request_head());
    Fields fields;
    common(&fields, "request", request_id);
    fields.emplace_back("WARC-Concurrent-To", response_id);
    fields.emplace_back("WARC-Block-Digest", WarcSha1(request));
    fields.emplace_back("Content-Type", "application/http;msgtype=request");
    status = WriteRecord(fields, request, nullptr);
  }
  if (status.ok()) {
    Fields fields;
    common(&fields, x.not_modified ? "revisit" : "response", response_id);
    if (!c.request_head().empty()) fields.emplace_back("WARC-Concurrent-To", request_id);
    if (x.not_modified) fields.emplace_back("WARC-Profile", kServerNotModified);
    fields.emplace_back("WARC-Block-Digest", x.not_modified ? WarcSha1(c.response_head())
                                                                  : c.TakeBlockDigest());
    if (!x.not_modified) fields.emplace_back("WARC-Payload-Digest", c.TakePayloadDigest());
    // A response's index names its payload; a 304's revisit, which has none, its block.
    digest = fields.back().second;
    if (!x.truncated.empty()) fields.emplace_back("WARC-Truncated", x.truncated);
    fields.emplace_back("Content-Type", "application/http;msgtype=response");
    response_at = file_->size();
    status = WriteRecord(fields, c.response_head(), x.not_modified ? nullptr : &c.body());
    response_end = file_->size();
  }
  if (status.ok() && !x.outlinks.empty()) {
    std::string block;
    for (const std::string& link : x.outlinks) block += "outlink: " + link + "\r\n";
    Fields fields;
    fields.emplace_back("WARC-Type", "metadata");
    fields.emplace_back("WARC-Record-ID", NewWarcRecordId());
    fields.emplace_back("WARC-Warcinfo-ID", warcinfo_id_);
    fields.emplace_back("WARC-Target-URI", x.target_uri);
    fields.emplace_back("WARC-Date", date);
    fields.emplace_back("WARC-Concurrent-To", response_id);
    fields.emplace_back("WARC-Block-Digest", WarcSha1(block));
    fields.emplace_back("Content-Type", "application/warc-fields");
    status = WriteRecord(fields, block, nullptr);
  }
  if (!status.ok()) {
    // All of the exchange or none: what was written of it goes.
    (void)file_->Truncate(start);
    return status;
  }
  if (cdx_) {
    CdxjEntry entry;
    entry.url = x.target_uri;
    entry.date = date;
    entry.revisit = x.not_modified;
    if (std::optional<HttpHeadSummary> http = SummarizeHttpHead(c.response_head())) {
      entry.status = http->status;
      entry.mime = http->mime;
    }
    entry.digest = digest;
    entry.offset = response_at;
    entry.length = response_end - response_at;
    entry.filename = file_->path().substr(file_->path().rfind('/') + 1);
    cdx_lines_.push_back(CdxjLine(entry));
  }
  return WarcExtent{serial_, start, file_->size() - start};
}

}  // namespace forage
