#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/curl_ptr.h"
#include "forage/options.h"
#include "forage/status.h"
#include "ipc/wire.h"
#include "parse/extractor.h"
#include "parse/html_document.h"

namespace forage {

struct Transfer;  // one job in flight, private to fetcher.cc

// Downloads jobs concurrently on one libcurl multi handle and turns each into
// a FetchResult, parsing HTML bodies in between. One per fetcher process;
// single-threaded. Holds at most `concurrency` transfers, each with a body of
// at most max_bytes (decompressed) in memory, and only for HTML.
class Fetcher {
 public:
  // Called with (job, true) before a page is decoded and parsed and (job,
  // false) after, so that a watchdog can see a parse that never ends.
  using ParseHook = std::function<void(std::uint64_t job, bool begin)>;

  static Result<std::unique_ptr<Fetcher>> Create(const CrawlOptions& options,
                                                 ParseHook on_parse = nullptr);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  std::size_t InFlight() const { return transfers_.size(); }

  // Starts a transfer. If it cannot even start, its result is ready at the
  // next Perform().
  void Start(wire::FetchJob job);

  // Drives the transfers; appends the results of those that finished.
  void Perform(std::vector<wire::FetchResult>* finished);

  // Waits until curl has work, `extra_fd` is readable, or `timeout_ms` pass.
  // extra_fd < 0: none. Sets *extra_ready when extra_fd woke us.
  Status Wait(int extra_fd, int timeout_ms, bool* extra_ready);

 private:
  Fetcher(const CrawlOptions& options, CurlMulti multi, CurlSlist resolve, ParseHook on_parse);
  CurlEasy TakeHandle();
  wire::FetchResult Finish(Transfer& t, CURLcode code);

  CrawlOptions options_;
  CurlMulti multi_;
  CurlSlist resolve_;  // --resolve entries, shared by every transfer
  ParseHook on_parse_;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> transfers_;
  std::vector<CurlEasy> idle_;  // reused: fewer allocations, warm TLS session cache
  std::vector<wire::FetchResult> failed_to_start_;
  ParseArena arena_;                   // one parse at a time, so one arena serves them all
  std::vector<CompiledField> fields_;  // --select, compiled once
};

}  // namespace forage
