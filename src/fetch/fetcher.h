#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "archive/exchange_capture.h"
#include "archive/warc_writer.h"
#include "archive/save_directory.h"
#include "core/curl_ptr.h"
#include "core/fd.h"
#include "fetch/address_guard.h"
#include "fetch/request_plan.h"
#include "forage/fetch_settings.h"
#include "forage/status.h"
#include "ipc/wire.h"
#include "parse/extractor.h"
#include "parse/field_rules.h"
#include "parse/html_document.h"

namespace forage {

struct Transfer;  // one job in flight, private to fetcher.cc

// An HTML page whose body (as received, after Content-Encoding is undone,
// before charset conversion) is larger than this is "big". gumbo's tree takes
// about 16 times the HTML's size (a 2.5 MB page costs its fetcher some 45 MB
// while it is parsed), so at most one fetcher of a pool parses a big page at
// a time, whatever -j: see the big-parse token below. Smaller pages parse
// freely.
inline constexpr std::size_t kBigPageBytes = 1024 * 1024;

// Downloads jobs concurrently on one libcurl multi handle and turns each into
// a FetchResult, parsing HTML bodies in between. One per fetcher process;
// single-threaded. Holds at most `concurrency` jobs (transfers, and finished
// pages waiting to be parsed), each with a body of at most max_bytes
// (decompressed) in memory, and only for HTML.
//
// The big-parse token is a file shared by the pool's fetchers (WorkerPool
// makes it), open here on an open file description of this fetcher's own
// (OpenBigParseToken). A big page is parsed only under an flock on it, taken
// without waiting: when another fetcher holds it, the page's parse is put off
// (its result kept, with its body) and tried again at each later Perform or
// ParseDeferred, in the order the pages finished, while the other transfers
// go on. The kernel drops the lock of a holder that dies. Without a token, or
// if flock fails for any reason but "held", big pages are parsed at once.
class Fetcher {
 public:
  // Called with (job, true) before a page is decoded and parsed and (job,
  // false) after, so that a watchdog can see a parse that never ends. A page
  // put off for the token is not being parsed: the watch starts when its
  // parse does.
  using ParseHook = std::function<void(std::uint64_t job, bool begin)>;
  // Called from Perform, before any page is parsed, with the jobs asking
  // for it (FetchJob::report_sent) whose request went out in that Perform,
  // each with a time read after the sending.
  using SentHook = std::function<void(const std::vector<wire::RequestSent>& sent)>;

  // Fails if a --select rule does not compile (ValidateOptions has checked
  // them already in the master) or curl cannot start.
  static Result<std::unique_ptr<Fetcher>> Create(const FetchSettings& settings,
                                                 ParseHook on_parse = nullptr,
                                                 UniqueFd big_parse_token = {},
                                                 SentHook on_sent = nullptr);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Jobs held: transfers, and pages waiting for the big-parse token. A job
  // leaves when its result has been handed out.
  std::size_t InFlight() const { return transfers_.size() + deferred_.size(); }
  // Finished big pages whose parse waits for the token.
  std::size_t Deferred() const { return deferred_.size(); }

  // Starts a transfer. If it cannot even start, its result is ready at the
  // next Perform().
  void Start(wire::FetchJob job);

  // Drives the transfers; appends the results of those that finished, and
  // of put-off pages that could be parsed now (ParseDeferred).
  void Perform(std::vector<wire::FetchResult>* finished);

  // Parses the put-off big pages, in order, while the token can be had;
  // appends their results. Cheap when there are none.
  void ParseDeferred(std::vector<wire::FetchResult>* finished);

  // With FetchSettings::warc: called when this fetcher creates a file of the
  // WARC set, before writing to it (see WarcWriter::OpenedHook).
  void SetWarcOpened(WarcWriter::OpenedHook opened);

  // Waits until curl has work, `extra_fd` is readable, or `timeout_ms` pass.
  // extra_fd < 0: none. Sets *extra_ready when extra_fd woke us.
  Status Wait(int extra_fd, int timeout_ms, bool* extra_ready);

 private:
  // A finished page waiting for its parse: its result but for the page data.
  struct PendingParse {
    wire::FetchResult result;
    std::string body;
    std::unique_ptr<WarcExchange> archive;  // its WARC records, still to write
    std::string robots_token;               // see PageRobots
    RobotsDirectives header_robots;
    bool logged = false;  // its deferral was logged
  };
  enum class Token { kTaken, kBusy, kNone };

  Fetcher(const FetchSettings& settings, std::vector<CompiledField> fields, CurlMulti multi,
          CurlSlist resolve, ParseHook on_parse, UniqueFd big_parse_token, SentHook on_sent);
  CurlEasy TakeHandle();
  // The result of a finished transfer; *parse is set when t.body is an HTML
  // page still to be parsed into it (Parse).
  wire::FetchResult Finish(Transfer& t, CURLcode code, bool* parse);
  // Decodes and parses `body` into r's page data (the caller runs the
  // parse watch around it), with the robots signals of its headers.
  // Extracts the page into r (ExtractBody); with `tree_only`, with gumbo
  // alone (the scanner has handed the page over already).
  void Parse(wire::FetchResult& r, const std::string& body, const PageRobots& robots,
             bool tree_only = false);
  // Puts what extraction found of the page into r.
  void Apply(wire::FetchResult& r, ExtractedPage page) const;
  // The robots signals of the response's headers (X-Robots-Tag, Link's
  // rel=canonical): into r (noindex, canonical) and t.header_robots.
  static void ReadSignals(Transfer& t, wire::FetchResult& r);
  // With a WARC writer: what to archive of finished transfer t (nullptr for
  // nothing: no response came, or a robots.txt job).
  std::unique_ptr<WarcExchange> TakeExchange(Transfer& t, const wire::FetchResult& r);
  // Writes the exchange's records, once r holds the page's links, and
  // notes their place in r. Called right before r is handed out, so that
  // the records of the results a fetcher sends are in its file in order.
  void Archive(std::unique_ptr<WarcExchange> exchange, wire::FetchResult& r);
  Token TryTakeToken();
  void ReleaseToken();
  // --save: writes a finished transfer's body under settings_.save_dir if
  // it is a whole ok (2xx) page, and sets r.saved; a failure is a warning
  // and leaves r.saved empty (the record is kept).
  void SaveBody(wire::FetchResult& r, const Transfer& t);

  FetchSettings settings_;
  std::vector<CompiledField> fields_;  // settings_.extract.select, compiled once
  AddressPolicy policy_;               // from settings_: --deny-private, --allow-link-local
  RequestPlanner planner_;             // from settings_: headers, credentials, proxy, hosts
  CurlMulti multi_;
  CurlSlist resolve_;  // --resolve entries, shared by every transfer
  ParseHook on_parse_;
  SentHook on_sent_;
  std::vector<std::uint64_t> sending_;  // jobs whose request curl is sending in this Perform
  std::vector<wire::RequestSent> sent_;  // reused by Perform
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> transfers_;
  std::vector<CurlEasy> idle_;  // reused: fewer allocations, warm TLS session cache
  std::vector<wire::FetchResult> failed_to_start_;
  UniqueFd big_parse_token_;           // own open file description; invalid: none
  std::deque<PendingParse> deferred_;  // big pages waiting for the token, in order
  ParseArena arena_;                   // one parse at a time, so one arena serves them all
  std::unique_ptr<WarcWriter> warc_;   // --warc; null: none
  std::optional<SaveDirectory> save_dir_;  // --save, opened at the first save
};

// This process's own open file description of the big-parse token open as
// `inherited_fd` (shared with the master and, for forked fetchers, with every
// other fetcher): reopened through /proc/self/fd. An invalid UniqueFd if
// inherited_fd < 0 or the reopening fails (logged): big pages are then
// parsed without the token.
UniqueFd OpenBigParseToken(int inherited_fd);

}  // namespace forage
