#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "archive/exchange_capture.h"
#include "archive/warc_file.h"
#include "forage/status.h"

namespace forage {

// The names of a WARC set: PATH itself (with ".warc.gz" added unless it
// ends so), then STEM-00001.warc.gz, STEM-00002.warc.gz, ... as files are
// rotated or opened by more writers.
class WarcSetNames {
 public:
  explicit WarcSetNames(const std::string& path);
  std::string Name(std::uint32_t serial) const;
  // The serial of `file_name` (a name in the set's directory), or -1.
  std::int64_t SerialOf(const std::string& file_name) const;
  const std::string& directory() const { return directory_; }

 private:
  std::string directory_;  // "" for the working directory, else with a trailing '/'
  std::string stem_;       // the file name's stem, without directory
};

// Where an exchange's records went: bytes [offset, offset + length) of the
// set's file `serial`.
struct WarcExtent {
  std::uint32_t serial = 0;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

// One HTTP exchange to archive.
struct WarcExchange {
  std::string target_uri;   // the URL requested, without user info
  std::int64_t date_ms = 0;  // when the request was sent
  std::string ip;           // the address connected to ("" if unknown)
  std::unique_ptr<ExchangeCapture> capture;
  // Why the body is not whole, as WARC-Truncated says it ("length", "time",
  // "disconnect", "unspecified"), or "".
  std::string truncated;
  bool not_modified = false;        // a 304: a revisit record
  std::vector<std::string> outlinks;  // for a metadata record; none if empty
};

// A fetcher's WARC writer: it creates the files it writes (the next free
// name of the set, taken with O_EXCL, so that writers in other processes
// never share one), starts each with a warcinfo record, and writes an
// exchange's records (request, then response or revisit, then metadata)
// one after another, all or none: a failed write cuts the file back.
// Past max_size it goes on in a new file.
class WarcWriter {
 public:
  // Called with a file's serial after it is created and before anything is
  // written to it, so that the master knows which file a dead fetcher held.
  using OpenedHook = std::function<void(std::uint32_t serial)>;

  WarcWriter(std::string path, std::uint64_t max_size, std::string info, OpenedHook opened);
  ~WarcWriter();

  // --warc-cdx: the writer keeps the CDXJ line (archive/cdxj.h) of each
  // response and revisit record of its open file, and Close writes them,
  // sorted, to the file's index (CdxjPathFor) beside it. Call before Write.
  void set_cdx(bool cdx) { cdx_ = cdx; }

  // Replaces the hook given at construction (before the first Write).
  void set_opened(OpenedHook opened) { opened_ = std::move(opened); }

  Result<WarcExtent> Write(WarcExchange& exchange);
  // Syncs and closes the file open, if any; with set_cdx, then writes its
  // index (atomically: a reader sees a whole index or none).
  Status Close();

 private:
  Status Open();
  Status WriteRecord(const std::vector<std::pair<std::string, std::string>>& fields,
                     const std::string& head, const ByteSpool* body);

  WarcSetNames names_;
  std::uint64_t max_size_;
  std::string info_;
  OpenedHook opened_;
  std::unique_ptr<WarcFile> file_;
  std::uint32_t serial_ = 0;
  std::uint32_t next_serial_ = 0;
  std::string warcinfo_id_;
  bool cdx_ = false;
  std::vector<std::string> cdx_lines_;  // the open file's index lines, unsorted
};

// A new record id: "<urn:uuid:...>", a random (version 4) UUID.
std::string NewWarcRecordId();
// A WARC-Date: "2026-12-05T21:04:05Z" (UTC, to the second).
std::string WarcDate(std::int64_t unix_ms);
// A request head with the values of Authorization, Proxy-Authorization and
// Cookie replaced by "[redacted]": credentials never reach the archive.
std::string RedactRequestHead(const std::string& head);

// The WARC 1.1 profile URI of a revisit record for a 304.
inline constexpr char kServerNotModified[] =
    "http://netpreserve.org/warc/1.1/revisit/server-not-modified";

}  // namespace forage
