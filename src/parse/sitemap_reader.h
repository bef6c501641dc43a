#pragma once

// A sitemap (sitemaps.org protocol 0.9) read as its bytes arrive: an XML
// <urlset> or <sitemapindex>, or a plain-text list of URLs, either one
// possibly gzip-compressed (a ".xml.gz" served without Content-Encoding).
// Memory is bounded by what is kept, not by the document: only the current
// <loc> or <lastmod>'s text is buffered (and at most 64 KiB of inflated
// bytes), besides the entries themselves, which max_urls and max_bytes
// bound.
//
// Entity safety: expat loads no external entity or DTD, keeps its
// billion-laughs protection on, and a document that declares an entity is
// refused outright (no sitemap needs one).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct XML_ParserStruct;
struct z_stream_s;

namespace forage {

struct SitemapEntry {
  std::string url;  // as written, trimmed: an absolute http(s) URL of at most kMaxSitemapUrlBytes
  std::optional<std::int64_t> lastmod_ms;  // <lastmod> in Unix ms (UTC); absent or invalid: none
};

enum class SitemapKind : std::uint8_t { kUnknown = 0, kUrlSet = 1, kIndex = 2, kText = 3 };

// The protocol's limit on a <loc>'s length ("less than 2,048 characters";
// taken as at most 2048 bytes).
inline constexpr std::size_t kMaxSitemapUrlBytes = 2048;

// RAII over the expat parser and the zlib stream. Single-threaded; any
// process. Never throws (out of memory aside).
class SitemapReader {
 public:
  struct Limits {
    std::size_t max_urls = 50'000;           // entries kept; the protocol's limit
    std::uint64_t max_bytes = 50ull << 20;   // of the document, uncompressed
  };

  SitemapReader();  // the protocol's limits
  explicit SitemapReader(Limits limits);
  ~SitemapReader();
  SitemapReader(const SitemapReader&) = delete;
  SitemapReader& operator=(const SitemapReader&) = delete;

  // The body's next bytes, as they arrive; pieces may be cut anywhere (the
  // answer does not depend on how, but for the words of an XML error:
  // expat may name one malformation two ways). False once the reader has
  // stopped (an error or a limit, see error()): feed no more.
  bool Feed(std::string_view bytes);
  // The end of the body: a document cut short is an error then.
  void Finish();

  // kUnknown until the root element (or the first byte of a text sitemap)
  // has been seen.
  SitemapKind kind() const { return kind_; }
  // In document order: each <url>'s (urlset) or <sitemap>'s (index) <loc>,
  // with its <lastmod>; or a text sitemap's lines.
  const std::vector<SitemapEntry>& entries() const { return entries_; }
  // Set when the sitemap broke the protocol: malformed XML (or a declared
  // entity), a root that is not urlset or sitemapindex, more than max_urls
  // entries, more than max_bytes uncompressed, a corrupt or cut gzip
  // stream, an empty body. One line, e.g. "sitemap lists more than 50000
  // URLs; the rest were ignored", "sitemap is larger than 50 MiB
  // uncompressed", "XML error at line 3: mismatched tag". The entries read
  // before the problem are kept (the first max_urls, for that limit).
  const std::optional<std::string>& error() const { return error_; }
  // Entries dropped as invalid: a <loc> (or line) that is not an absolute
  // http(s) URL, or is longer than kMaxSitemapUrlBytes; a <url> or
  // <sitemap> without a <loc>.
  std::size_t skipped() const { return skipped_; }

 private:
  struct XmlParserDeleter {
    void operator()(XML_ParserStruct* p) const;
  };
  struct InflateDeleter {
    void operator()(z_stream_s* z) const;
  };
  enum class Text : std::uint8_t { kNone, kLoc, kLastmod };

  // Decoded (inflated) bytes, in order.
  void Consume(std::string_view bytes);
  // Decides between XML and text on the first bytes that are not a BOM or
  // white space; then passes bytes on to ParseXml or ParseText.
  void Sniff(std::string_view bytes);
  void ParseXml(std::string_view bytes, bool last);
  void ParseText(std::string_view bytes);
  void EndTextLine();
  void Inflate(std::string_view bytes);
  // Keeps `url` (trimmed) if valid, else counts it skipped; stops past max_urls.
  void AddEntry(std::string_view url, std::optional<std::int64_t> lastmod_ms, bool overlong);
  void Stop(std::string message);

  // expat's callbacks.
  static void OnStart(void* self, const char* name, const char** attributes);
  static void OnEnd(void* self, const char* name);
  static void OnText(void* self, const char* text, int length);
  static void OnEntityDecl(void* self, const char* name, int parameter, const char* value,
                           int length, const char* base, const char* system_id,
                           const char* public_id, const char* notation);

  Limits limits_;
  SitemapKind kind_ = SitemapKind::kUnknown;
  std::vector<SitemapEntry> entries_;
  std::optional<std::string> error_;
  std::size_t skipped_ = 0;
  bool stopped_ = false;
  bool finished_ = false;

  // Before the format is known: the first bytes, until a gzip magic is ruled
  // in or out (2 bytes), then until a UTF-8 BOM is (3 bytes).
  std::string head_;
  bool compression_known_ = false;
  bool bom_known_ = false;
  bool format_known_ = false;  // XML (parser_ set) or text (kind_ kText)
  std::uint64_t bytes_ = 0;    // uncompressed, consumed
  std::unique_ptr<z_stream_s, InflateDeleter> inflate_;  // gzip; null otherwise
  bool gzip_ended_ = false;    // the last member's end was read

  std::unique_ptr<XML_ParserStruct, XmlParserDeleter> parser_;
  int depth_ = 0;
  bool in_entry_ = false;  // inside a <url> or <sitemap> child of the root
  Text text_ = Text::kNone;
  std::string loc_;
  std::string lastmod_;
  bool has_loc_ = false;
  bool overlong_ = false;  // the current text passed its cap

  std::string line_;  // a text sitemap's current line, up to a cap
  bool line_overlong_ = false;
};

}  // namespace forage
