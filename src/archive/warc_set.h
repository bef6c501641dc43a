#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "archive/warc_writer.h"
#include "forage/status.h"

namespace forage {

// What a walk over a WARC file found (RepairWarcFile).
struct WarcRepair {
  std::uint64_t size = 0;    // the file's length before
  std::uint64_t whole = 0;   // the end of its last whole member: its length after
  std::uint64_t members = 0;
  // The walk met a member without forage's length field (a file another
  // tool wrote, or damage): the file was left as it was from there.
  bool foreign = false;
};

// Walks `path` member by member by the length each forage member's header
// carries, and cuts off a torn last member (one a kill or a full disk cut
// short), so that every member left is whole. Reads a few bytes a member.
Result<WarcRepair> RepairWarcFile(const std::string& path);

// The master's account of a WARC set the fetchers write (--warc).
//
// Fetchers create the set's files themselves and write their records
// directly (the bodies never cross to the master), then report each
// exchange's place in its result frame. A file is written by one fetcher
// only, and its results come in the order its records were written, so
// the records of every result the master has taken form a prefix of the
// file: its committed length. What lies past it belongs to results the
// master never took; a fetcher that dies, or is killed at the end, leaves
// such records, and the ledger cuts its file back to that prefix (removing
// a file left with none), so that the set holds the records of exactly the
// results taken, each once, and the URLs retried are archived once, by
// the fetcher that records them.
class WarcLedger {
 public:
  explicit WarcLedger(std::string path) : names_(path), path_(std::move(path)) {}

  // --warc-cdx: each file's CDXJ index (archive/cdxj.h) is kept true to it.
  // The fetchers write a file's index as they close it; the ledger rewrites
  // it from the file whenever it cuts the file back (Prepare, Gone,
  // Finish), and writes it for a file of this run that has none (a fetcher
  // that died before closing it) in Gone and Finish. Without it, indexes are
  // left as they are. Either way, a file removed takes its index with it.
  void set_cdx(bool cdx) { cdx_ = cdx; }

  // Before fetchers start: repairs every file of the set left by earlier
  // runs (a torn last member is cut off; an empty file removed), so that
  // this run's files follow whole ones. Returns what it did, for the log.
  //
  // With a state (--state), `stored` is what Serialize gave at its last
  // commit (nullopt: none yet). Each file it names is cut back to the
  // length committed with the records; a file it does not name but whose
  // warcinfo names this state (state_id()) was begun after that commit and
  // is removed. So a resumed pass adds to the set with no exchange twice.
  Result<std::vector<std::string>> Prepare(const std::optional<std::string>& stored = std::nullopt,
                                           bool with_state = false);

  // The id the set's warcinfo records carry under a state ("" without one).
  const std::string& state_id() const { return state_id_; }
  // The committed lengths of every file of the state's runs, this one's
  // included, for the state's next commit.
  std::string Serialize() const;

  // Fetcher `slot` created the set's file `serial`.
  void Opened(std::size_t slot, std::uint32_t serial);
  // A result's records of fetcher `slot`: they are in the set.
  void Taken(std::size_t slot, std::uint32_t serial, std::uint64_t end);
  // Fetcher `slot` is gone: its open file is cut back to its committed
  // length (removed if none).
  Status Gone(std::size_t slot);
  // Every fetcher is gone: the same for every file of the run.
  Status Finish();

  // The files this run created, with their committed lengths.
  const std::map<std::uint32_t, std::uint64_t>& committed() const { return committed_; }
  const WarcSetNames& names() const { return names_; }

 private:
  Status CutBack(std::uint32_t serial);

  WarcSetNames names_;
  std::string path_;
  std::map<std::uint32_t, std::uint64_t> committed_;  // serial -> committed length
  std::map<std::uint32_t, std::uint64_t> earlier_;    // the state's earlier runs' files
  std::string state_id_;
  std::map<std::size_t, std::uint32_t> open_;         // slot -> serial it writes
  bool cdx_ = false;
};

}  // namespace forage
