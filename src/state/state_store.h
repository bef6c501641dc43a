#pragma once

// --state PATH: the SQLite database that makes scheduled runs resumable and
// cheap. It holds, per URL, whether the current pass has admitted it and
// recorded it, and what the last fetch left for the next pass (ETag,
// Last-Modified, the page's links). Master only.
//
// A *pass* is one walk over the input and the pages found from it. A run
// either resumes the last pass (when that pass never finished: it was
// interrupted or killed) or begins a new one. Within a pass each URL is
// admitted once (pending) and recorded once (done).
//
// Writes go into one open transaction, begun by the first change after a
// Commit(); Commit() makes them durable together, so the file always holds a
// consistent snapshot of the master at some commit: a master killed at any
// moment loses only the changes since its last Commit().

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/fd.h"
#include "core/sqlite_ptr.h"
#include "forage/status.h"

namespace forage {

class StateStore {
 public:
  // Version 1: passes, URLs (pending/done per pass), the pass's output.
  // Version 2: adds per URL the validators (etag, last_modified) and links.
  static constexpr int kSchemaVersion = 3;

  // Opens the state at `path`, creating it (schema kSchemaVersion, WAL,
  // synchronous=NORMAL) if the file is missing or empty, migrating an older
  // schema in one transaction, and taking an exclusive flock(2) on the file
  // for as long as the store lives. Failures say what and where, naming the
  // path, with a code: kBusy for a state in use by another run (or another
  // StateStore in this process); kNotSupported for a state written by a
  // newer forage (naming both versions); kCorrupt for a file that is not a
  // forage state (another SQLite database, not SQLite at all); else the
  // code of the failed call (kIOError, kNotFound, ...).
  static Result<std::unique_ptr<StateStore>> Open(const std::string& path);
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  // --- Passes -----------------------------------------------------------------
  struct Pass {
    std::int64_t id = 0;
    bool resumed = false;         // the last pass had not finished: this run goes on with it
    std::int64_t started_ms = 0;  // when the pass began (Unix ms)
  };
  // Resumes the unfinished pass, or begins a new one at `now_ms`. Call once,
  // before any URL call. Committed at once.
  Result<Pass> BeginPass(std::int64_t now_ms);
  // Marks the current pass finished (the next BeginPass starts a new one)
  // and commits everything.
  Status FinishPass(std::int64_t now_ms);

  // --- URLs, keyed by a 64-bit fingerprint ------------------------------------
  // What the state holds of one URL, as the current pass sees it.
  struct Known {
    enum class Stage { kOther, kPending, kDone };
    // kPending/kDone: admitted in the current pass, not yet / already
    // recorded. kOther: not admitted in this pass (maybe in an earlier one).
    Stage stage = Stage::kOther;
    std::int64_t done_ms = 0;  // when it was last recorded, in any pass (0: never)
    std::string etag;          // "" when none is stored
    std::string last_modified;
    bool has_links = false;  // links were stored with its last full fetch
  };
  // nullopt when the state never saw it.
  std::optional<Known> Find(std::uint64_t fingerprint);
  // The links stored with the URL's last full fetch (empty if none).
  std::vector<std::string> Links(std::uint64_t fingerprint);

  // The URL enters the current pass as pending: `url` is the record's "url",
  // `parent` is "" for a listed URL. What earlier passes stored (validators,
  // links, done_ms) stays.
  void Admit(std::uint64_t fingerprint, const std::string& url, int depth,
             const std::string& parent);

  // How a URL's record ended, for Done().
  struct Outcome {
    // Becomes done_ms. 0 for a record that was no visit (robots.txt could
    // not be had): the next pass fetches the URL whatever --recrawl-after says.
    std::int64_t at_ms = 0;
    // A 304: the stored validators and links stay as they are. Otherwise
    // they are replaced by the three below ("" and nullopt store nothing).
    bool unchanged = false;
    std::string etag;
    std::string last_modified;
    std::optional<std::vector<std::string>> links;
  };
  // The URL's record is written: it is done in the current pass. The URL
  // must have been admitted in it.
  void Done(std::uint64_t fingerprint, const Outcome& outcome);

  // Every URL of the current pass, in the order they were admitted.
  struct PassUrl {
    std::uint64_t fingerprint = 0;
    std::string url;
    int depth = 0;
    std::string parent;  // "" for a listed URL
    bool done = false;
  };
  // Reads what this connection sees, including changes not yet committed.
  // `visit` must not call ForEachInPass; URLs it admits or changes itself may
  // or may not be visited. Fails, naming the path, if the state cannot be read.
  Status ForEachInPass(const std::function<void(const PassUrl&)>& visit);

  // --- The run's session ----------------------------------------------------------
  // What a run keeps for the next one by `name` ("cookies": the cookie jar),
  // whatever the pass; nullopt if none was stored. Set with the next Commit().
  std::optional<std::string> GetSession(std::string_view name);
  void SetSession(std::string_view name, std::string_view value);

  // --- The pass's output file ---------------------------------------------------
  // Where the current pass's last run wrote its records, and how much of that
  // is matched by the committed URL states: `position` is a byte count for
  // jsonl/csv, a row id for sqlite. Stored with the next Commit().
  struct Output {
    std::string path;        // the -o PATH
    std::string write_path;  // the file really written (a temporary beside PATH, or PATH)
    std::string format;      // "jsonl", "csv", "sqlite"
    std::int64_t position = 0;
  };
  // The current pass's output as last committed; nullopt if none was set.
  // (Read through this connection: a SetOutput not yet committed shows too.
  // Meant for the start of a resumed pass, when nothing is uncommitted.)
  std::optional<Output> LastOutput();
  void SetOutput(const Output& output);
  void SetOutputPosition(std::int64_t position);

  // --- Transactions -----------------------------------------------------------
  // Changes since the last Commit() (calls of Admit, Done, SetOutput and
  // SetOutputPosition, failed ones included).
  std::size_t Uncommitted() const { return uncommitted_; }
  // Commits the open transaction, if any. Fails with the first error any
  // change since the last Commit() met (say, the disk is full), naming the
  // path; the changes are then rolled back.
  Status Commit();

  const std::string& path() const { return path_; }

 private:
  using DbPtr = SqliteDb;
  struct Statements;  // every statement, prepared once at Open (state_store.cc)

  StateStore() = default;

  // "PATH: what: sqlite's message".
  Status Error(const std::string& what) const;
  // Keeps Error(what) if it is the first error since the last Commit().
  void NoteError(const char* what);
  // Opens the write transaction unless one is open; false (error noted) if
  // it cannot be opened.
  bool BeginTransaction();
  bool InTransaction() const;

  std::string path_;
  // Declared in the order they are opened; ~StateStore closes them the other way.
  UniqueFd lock_;  // the flock(2) on path_, held as long as the store
  // This process, lock_'s file: its entry in the set of open states.
  std::optional<std::tuple<pid_t, dev_t, ino_t>> registered_;
  DbPtr db_;
  std::unique_ptr<Statements> stmts_;

  std::int64_t pass_id_ = 0;   // 0 until BeginPass
  std::int64_t next_seq_ = 1;  // the seq of the next URL admitted in the pass
  Status first_error_;         // the first error since the last Commit(), or ok
  std::string links_buf_;      // Done()'s joined links, kept to reuse its capacity
  std::size_t uncommitted_ = 0;
};

}  // namespace forage
