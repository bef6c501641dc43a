#include "parse/sitemap_reader.h"

#include <expat.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "core/time_format.h"
#include "core/whatwg_url.h"

namespace forage {
namespace {

// expat joins a namespaced element's URI and local name with this (never
// part of a local name).
constexpr char kNsSeparator = ' ';
// Caps on buffered element text: a <loc> past this is skipped (a valid one
// is at most kMaxSitemapUrlBytes, plus white space around it); a <lastmod>
// past its cap is no valid date.
constexpr std::size_t kMaxLocText = 4096;
constexpr std::size_t kMaxLastmodText = 64;
constexpr std::size_t kMaxLineBytes = 4096;
constexpr std::size_t kInflateChunk = 64 * 1024;
constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsXmlSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsXmlSpace(s.back())) s.remove_suffix(1);
  return s;
}

// The sitemap namespaces: sitemaps.org's (also misspelt https, as seen in
// the wild), Google's older ones, and none at all (Google accepts that).
// Elements of any other namespace (image:, news:, video:, xhtml:link) are
// not the sitemap's own and are ignored.
bool IsSitemapNamespace(std::string_view uri) {
  return uri.empty() || uri.starts_with("http://www.sitemaps.org/schemas/sitemap/") ||
         uri.starts_with("https://www.sitemaps.org/schemas/sitemap/") ||
         uri.starts_with("http://www.google.com/schemas/sitemap/");
}

// The local name of expat's "URI<sep>local" (or "local"), if the URI is a
// sitemap namespace; "" otherwise.
std::string_view SitemapName(const char* name) {
  std::string_view full(name);
  const std::size_t sep = full.rfind(kNsSeparator);
  if (sep == std::string_view::npos) return full;
  if (!IsSitemapNamespace(full.substr(0, sep))) return {};
  return full.substr(sep + 1);
}

std::string SizeText(std::uint64_t bytes) {
  if (bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace

void SitemapReader::XmlParserDeleter::operator()(XML_ParserStruct* p) const { XML_ParserFree(p); }

void SitemapReader::InflateDeleter::operator()(z_stream_s* z) const {
  inflateEnd(z);
  delete z;
}

SitemapReader::SitemapReader() : SitemapReader(Limits{}) {}

SitemapReader::SitemapReader(Limits limits) : limits_(limits) {}

SitemapReader::~SitemapReader() = default;

void SitemapReader::Stop(std::string message) {
  if (!error_) error_ = std::move(message);
  stopped_ = true;
  if (parser_) XML_StopParser(parser_.get(), XML_FALSE);
}

bool SitemapReader::Feed(std::string_view bytes) {
  if (stopped_ || finished_) return false;
  if (!compression_known_) {
    // The gzip magic, 1f 8b, may come split over two pieces.
    const std::size_t take = std::min(bytes.size(), 2 - head_.size());
    head_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (head_.size() < 2) return true;
    compression_known_ = true;
    std::string head = std::move(head_);
    head_.clear();
    if (head == "\x1f\x8b") {
      inflate_.reset(new z_stream_s{});
      // 15 + 16: a gzip wrapper, any window size.
      if (inflateInit2(inflate_.get(), 15 + 16) != Z_OK) {
        delete inflate_.release();  // never initialised: no inflateEnd
        Stop("cannot start a gzip stream: out of memory");
        return false;
      }
      Inflate(head);
    } else {
      Consume(head);
    }
  }
  if (!stopped_ && !bytes.empty()) {
    if (inflate_) {
      Inflate(bytes);
    } else {
      Consume(bytes);
    }
  }
  return !stopped_;
}

void SitemapReader::Inflate(std::string_view bytes) {
  z_stream_s* z = inflate_.get();
  char out[kInflateChunk];
  while (!bytes.empty() && !stopped_) {
    if (gzip_ended_) {
      // Another member (gzip files may be concatenated), or trailing junk,
      // which inflate then calls corrupt.
      if (inflateReset(z) != Z_OK) return Stop("sitemap's gzip stream is corrupt");
      gzip_ended_ = false;
    }
    // zlib's counts are 32-bit: feed at most 1 GiB at a time.
    const std::size_t in = std::min<std::size_t>(bytes.size(), 1u << 30);
    z->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z->avail_in = static_cast<uInt>(in);
    int rc = Z_OK;
    do {
      z->next_out = reinterpret_cast<Bytef*>(out);
      z->avail_out = sizeof out;
      rc = inflate(z, Z_NO_FLUSH);
      // What came before a corrupt spot counts, whatever the pieces fed.
      Consume(std::string_view(out, sizeof out - z->avail_out));
      if (stopped_) return;
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
        return Stop(std::string("sitemap's gzip stream is corrupt") +
                    (z->msg ? std::string(": ") + z->msg : std::string()));
      }
    } while (!stopped_ && rc == Z_OK && z->avail_out == 0);
    if (rc == Z_STREAM_END) gzip_ended_ = true;
    bytes.remove_prefix(in - z->avail_in);
    // Z_BUF_ERROR with input left would mean no progress; inflate always
    // progresses while it has output room, so this is only a guard.
    if (rc == Z_BUF_ERROR && z->avail_in > 0) return Stop("sitemap's gzip stream is corrupt");
  }
}

void SitemapReader::Consume(std::string_view bytes) {
  if (stopped_ || bytes.empty()) return;
  bool over = false;
  if (bytes.size() > limits_.max_bytes - bytes_) {
    bytes = bytes.substr(0, limits_.max_bytes - bytes_);
    over = true;
  }
  bytes_ += bytes.size();
  if (!format_known_) {
    Sniff(bytes);
  } else if (parser_) {
    ParseXml(bytes, false);
  } else {
    ParseText(bytes);
  }
  if (over) Stop("sitemap is larger than " + SizeText(limits_.max_bytes) + " uncompressed");
}

void SitemapReader::Sniff(std::string_view bytes) {
  if (!bom_known_) {
    const std::size_t take = std::min(bytes.size(), 3 - head_.size());
    head_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (head_.size() < 3 && kBom.starts_with(head_)) return;
    bom_known_ = true;
    std::string head = std::move(head_);
    head_.clear();
    if (head == kBom) head.clear();
    Sniff(head);
    if (stopped_ || bytes.empty()) return;
    if (format_known_) {
      return parser_ ? ParseXml(bytes, false) : ParseText(bytes);
    }
  }
  // White space before the first '<' is dropped (expat would refuse it
  // before an XML declaration; a text sitemap's blank lines count for nothing).
  while (!bytes.empty() && IsXmlSpace(bytes.front())) bytes.remove_prefix(1);
  if (bytes.empty()) return;
  format_known_ = true;
  if (bytes.front() != '<') {
    kind_ = SitemapKind::kText;
    return ParseText(bytes);
  }
  parser_.reset(XML_ParserCreateNS(nullptr, kNsSeparator));
  if (!parser_) return Stop("cannot start the XML parser: out of memory");
  XML_SetUserData(parser_.get(), this);
  XML_SetElementHandler(parser_.get(), OnStart, OnEnd);
  XML_SetCharacterDataHandler(parser_.get(), OnText);
  XML_SetEntityDeclHandler(parser_.get(), OnEntityDecl);
  // The default, said aloud: no external DTD or parameter entity is read.
  XML_SetParamEntityParsing(parser_.get(), XML_PARAM_ENTITY_PARSING_NEVER);
  ParseXml(bytes, false);
}

void SitemapReader::ParseXml(std::string_view bytes, bool last) {
  // XML_Parse takes an int length.
  do {
    const std::size_t n = std::min<std::size_t>(bytes.size(), 1u << 30);
    if (XML_Parse(parser_.get(), bytes.data(), static_cast<int>(n), last && n == bytes.size()) ==
        XML_STATUS_ERROR) {
      // An abort is ours (Stop), with its own message.
      if (!stopped_) {
        Stop("XML error at line " +
             std::to_string(XML_GetCurrentLineNumber(parser_.get())) + ": " +
             XML_ErrorString(XML_GetErrorCode(parser_.get())));
      }
      return;
    }
    bytes.remove_prefix(n);
  } while (!bytes.empty() && !stopped_);
}

void SitemapReader::ParseText(std::string_view bytes) {
  while (!bytes.empty() && !stopped_) {
    const std::size_t end = bytes.find_first_of("\r\n");
    const std::string_view part = bytes.substr(0, end);
    if (line_.size() + part.size() > kMaxLineBytes) {
      line_overlong_ = true;
    } else {
      line_.append(part);
    }
    if (end == std::string_view::npos) return;
    EndTextLine();
    bytes.remove_prefix(end + 1);
  }
}

void SitemapReader::EndTextLine() {
  const std::string_view url = Trim(line_);
  if (line_overlong_ || !url.empty()) AddEntry(url, std::nullopt, line_overlong_);
  line_.clear();
  line_overlong_ = false;
}

void SitemapReader::AddEntry(std::string_view url, std::optional<std::int64_t> lastmod_ms,
                             bool overlong) {
  url = Trim(url);
  if (overlong || url.empty() || url.size() > kMaxSitemapUrlBytes) {
    ++skipped_;
    return;
  }
  Result<WhatwgUrl> parsed = WhatwgUrl::Parse(url);
  // Absolute http(s) only: a relative <loc> has no base to resolve against
  // in the protocol, and other schemes are not crawled.
  if (!parsed.ok() || !parsed.value().is_http()) {
    ++skipped_;
    return;
  }
  if (entries_.size() >= limits_.max_urls) {
    return Stop(std::string(kind_ == SitemapKind::kIndex ? "sitemap index lists more than "
                                                         : "sitemap lists more than ") +
                std::to_string(limits_.max_urls) +
                (kind_ == SitemapKind::kIndex ? " sitemaps" : " URLs") + "; the rest were ignored");
  }
  entries_.push_back(SitemapEntry{std::string(url), lastmod_ms});
}

void SitemapReader::Finish() {
  if (finished_) return;
  finished_ = true;
  if (stopped_) return;
  // A lone first byte, or a first piece of a BOM, never decided anything.
  if (!compression_known_ && !head_.empty()) {
    compression_known_ = true;
    std::string head = std::move(head_);
    head_.clear();
    Consume(head);
  }
  if (!bom_known_ && !stopped_) {
    bom_known_ = true;
    std::string head = std::move(head_);
    head_.clear();
    if (!format_known_) Sniff(head);
  }
  if (stopped_) return;
  if (inflate_ && !gzip_ended_) return Stop("sitemap's gzip stream is cut short");
  if (!format_known_) return Stop("sitemap is empty");
  if (parser_) {
    ParseXml({}, true);
  } else {
    EndTextLine();
  }
}

void SitemapReader::OnStart(void* self_ptr, const char* name, const char**) {
  auto* self = static_cast<SitemapReader*>(self_ptr);
  const int depth = ++self->depth_;
  const std::string_view local = SitemapName(name);
  if (depth == 1) {
    if (local == "urlset") {
      self->kind_ = SitemapKind::kUrlSet;
    } else if (local == "sitemapindex") {
      self->kind_ = SitemapKind::kIndex;
    } else {
      // Named by its local name (expat's is "URI<sep>local").
      std::string_view shown(name);
      shown = shown.substr(std::min(shown.size(), shown.rfind(kNsSeparator) + 1)).substr(0, 200);
      self->Stop("not a sitemap: the root element is <" + std::string(shown) +
                 ">, not <urlset> or <sitemapindex>");
    }
  } else if (depth == 2) {
    self->in_entry_ =
        local == (self->kind_ == SitemapKind::kIndex ? std::string_view("sitemap") : "url");
    self->loc_.clear();
    self->lastmod_.clear();
    self->has_loc_ = false;
    self->overlong_ = false;
  } else if (depth == 3 && self->in_entry_) {
    // The first <loc> counts; a second is ignored.
    if (local == "loc" && !self->has_loc_) {
      self->text_ = Text::kLoc;
    } else if (local == "lastmod") {
      self->text_ = Text::kLastmod;
      self->lastmod_.clear();
    } else {
      self->text_ = Text::kNone;
    }
  } else {
    // A child element's text (<loc><b>x</b></loc>) is not the <loc>'s.
    if (depth > 3) self->text_ = Text::kNone;
  }
}

void SitemapReader::OnEnd(void* self_ptr, const char*) {
  auto* self = static_cast<SitemapReader*>(self_ptr);
  const int depth = self->depth_--;
  if (depth == 3 && self->in_entry_) {
    if (self->text_ == Text::kLoc) self->has_loc_ = true;
    self->text_ = Text::kNone;
  } else if (depth == 2 && self->in_entry_) {
    self->in_entry_ = false;
    if (!self->has_loc_) {
      ++self->skipped_;
      return;
    }
    const std::string_view lastmod = Trim(self->lastmod_);
    self->AddEntry(self->loc_, lastmod.size() <= kMaxLastmodText ? ParseW3cDatetime(lastmod)
                                                                 : std::nullopt,
                   self->overlong_);
  }
}

void SitemapReader::OnText(void* self_ptr, const char* text, int length) {
  auto* self = static_cast<SitemapReader*>(self_ptr);
  if (self->text_ == Text::kNone || self->depth_ != 3) return;
  std::string& into = self->text_ == Text::kLoc ? self->loc_ : self->lastmod_;
  const std::size_t cap = self->text_ == Text::kLoc ? kMaxLocText : kMaxLastmodText + 1;
  const auto n = static_cast<std::size_t>(length);
  if (into.size() + n > cap) {
    if (self->text_ == Text::kLoc) self->overlong_ = true;
    into.append(text, std::min(n, cap - std::min(cap, into.size())));
    return;
  }
  into.append(text, n);
}

void SitemapReader::OnEntityDecl(void* self_ptr, const char*, int, const char*, int, const char*,
                                 const char*, const char*, const char*) {
  static_cast<SitemapReader*>(self_ptr)->Stop("sitemap declares an XML entity, which is refused");
}

}  // namespace forage
