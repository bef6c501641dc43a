#include "state/state_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>
#include <string_view>
#include <utility>

#include "core/errno_status.h"
#include "core/sqlite_status.h"

namespace forage {
namespace {

// PRAGMA application_id: "forg". Tells our state from other SQLite files.
constexpr std::int32_t kApplicationId = 0x666F7267;

// Schema 1, exactly as forage created it before schema 2 existed: a state
// file of that version is migrated from these tables. Never edit this text
// (the unit test builds a schema 1 file from a copy of it).
constexpr const char* kSchemaV1 =
    "CREATE TABLE passes (id INTEGER PRIMARY KEY, started_ms INTEGER NOT NULL,"
    " finished_ms INTEGER);"
    "CREATE TABLE urls (fp INTEGER PRIMARY KEY, url TEXT NOT NULL, depth INTEGER NOT NULL,"
    " parent TEXT, pass INTEGER NOT NULL, seq INTEGER NOT NULL, done_pass INTEGER,"
    " done_ms INTEGER);"
    "CREATE INDEX urls_pass_seq ON urls (pass, seq);"
    "CREATE TABLE output (pass INTEGER PRIMARY KEY, path TEXT, write_path TEXT, format TEXT,"
    " position INTEGER);";

// Schema 1 to 2. A new state runs kSchemaV1 and then this, so a migrated
// file and a new one have the same tables. `links` is the links joined by
// '\n' (URLs never contain one); "" is a page without links, NULL none stored.
constexpr const char* kSchemaV1ToV2 =
    "ALTER TABLE urls ADD COLUMN etag TEXT;"
    "ALTER TABLE urls ADD COLUMN last_modified TEXT;"
    "ALTER TABLE urls ADD COLUMN links TEXT;";
// Schema 2 to 3: what a run's session keeps between runs, by name ("cookies":
// the cookie jar as a Netscape cookie file).
constexpr const char* kSchemaV2ToV3 =
    "CREATE TABLE session (name TEXT PRIMARY KEY, value TEXT NOT NULL);";
static_assert(StateStore::kSchemaVersion == 3, "add the migration to the new version");

// Fingerprints are u64; SQLite integers are i64. The cast keeps every bit.
std::int64_t ToSql(std::uint64_t fingerprint) { return std::bit_cast<std::int64_t>(fingerprint); }
std::uint64_t FromSql(std::int64_t value) { return std::bit_cast<std::uint64_t>(value); }

// The state files this process holds, by (pid, device, inode). A second
// Open of one of them must answer kBusy without opening the file: closing
// any descriptor of a file drops every fcntl lock the process holds on it,
// and the first store's SQLite connection holds such locks. The pid keeps a
// forked child, which inherits this set but none of those locks, to the
// flock (which the parent's descriptor, shared or not, still holds).
using OpenState = std::tuple<pid_t, dev_t, ino_t>;
std::mutex& OpenStatesMutex() {
  static std::mutex mutex;
  return mutex;
}
std::set<OpenState>& OpenStates() {
  static std::set<OpenState> states;
  return states;
}

using StmtPtr = SqliteStmt;

// "" binds NULL: the state stores an absent parent or validator as NULL.
std::optional<std::string_view> NullIfEmpty(std::string_view value) {
  if (value.empty()) return std::nullopt;
  return value;
}

}  // namespace

struct StateStore::Statements {
  StmtPtr begin, commit, rollback;
  StmtPtr last_pass, insert_pass, next_seq, finish_pass;
  StmtPtr find, links, admit, done, done_unchanged, for_each;
  StmtPtr last_output, set_output, set_output_position;
  StmtPtr get_session, set_session;
};

Result<std::unique_ptr<StateStore>> StateStore::Open(const std::string& path) {
  std::unique_ptr<StateStore> store(new StateStore());
  store->path_ = path;

  // The flock first, before SQLite opens (let alone changes) the file.
  {
    std::lock_guard<std::mutex> guard(OpenStatesMutex());
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 &&
        OpenStates().count({::getpid(), st.st_dev, st.st_ino}) > 0) {
      return Status::Busy(path + ": another forage run is using this state");
    }
    store->lock_ = UniqueFd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (!store->lock_) return ErrnoStatus(path, errno);
    if (::flock(store->lock_.get(), LOCK_EX | LOCK_NB) != 0) {
      if (errno == EWOULDBLOCK) {
        return Status::Busy(path + ": another forage run is using this state");
      }
      return ErrnoStatus(path + ": lock", errno);
    }
    if (::fstat(store->lock_.get(), &st) != 0) {
      return ErrnoStatus(path + ": stat", errno);
    }
    store->registered_ = OpenState(::getpid(), st.st_dev, st.st_ino);
    OpenStates().insert(*store->registered_);
  }

  // Not SQLITE_OPEN_CREATE: the file exists now, and if it went away
  // meanwhile, a new one would not be the file we lock.
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  store->db_.reset(raw);  // sqlite may allocate a handle even when it fails
  sqlite3* db = store->db_.get();
  // The code and message of the last failure, taken before any cleanup
  // (finalizing a statement, say) can overwrite them.
  int error_code = SQLITE_OK;
  std::string error_message;
  auto noted = [&] {
    error_code = db ? sqlite3_errcode(db) & 0xff : SQLITE_NOMEM;
    error_message = db ? sqlite3_errmsg(db) : "out of memory";
    return false;
  };
  auto sqlite_fail = [&](const std::string& what) {
    // A file that is not SQLite at all. (SQLite says so at the first read.)
    if (error_code == SQLITE_NOTADB) return Status::Corrupt(path + ": not a forage state file");
    return SqliteStatus(error_code, path + ": " + what + ": " + error_message);
  };
  if (rc != SQLITE_OK) {
    noted();
    return sqlite_fail("open");
  }
  sqlite3_busy_timeout(db, 5000);
  auto exec = [&](const char* sql) {
    return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK || noted();
  };
  auto read_int = [&](const char* sql, std::int64_t* value) {
    StmtPtr stmt = PrepareStatement(db, sql);
    if (!stmt) return noted();
    SqliteRun run(stmt.get());
    if (run.Step() != SQLITE_ROW) return noted();
    *value = run.IntAt(0);
    return true;
  };

  // What the file is, read before anything is written to it: not even WAL
  // mode is set on a database that is not ours. An empty file reads as
  // application_id 0, user_version 0 and no tables.
  std::int64_t application_id = 0, version = 0, objects = 0;
  if (!read_int("PRAGMA application_id", &application_id) ||
      !read_int("PRAGMA user_version", &version) ||
      !read_int("SELECT count(*) FROM sqlite_master", &objects)) {
    return sqlite_fail("read");
  }
  const bool fresh = application_id == 0 && version == 0 && objects == 0;
  if (!fresh && application_id != kApplicationId) {
    return Status::Corrupt(path +
                           ": not a forage state file (an SQLite database of something else)");
  }
  if (version > kSchemaVersion) {
    return Status::NotSupported(path + ": this state was written by a newer forage (state schema " +
                                std::to_string(version) + "; this forage reads up to " +
                                std::to_string(kSchemaVersion) + ")");
  }
  if (!fresh && version < 1) {  // our id, yet no schema: we never write that
    return Status::Corrupt(path + ": not a forage state file (no state schema version)");
  }

  // journal_mode answers with the mode in effect, which stays the old one
  // where WAL is impossible; that is no reason to refuse the state.
  if (!exec("PRAGMA journal_mode=WAL")) return sqlite_fail("set journal mode");
  if (!exec("PRAGMA synchronous=NORMAL")) return sqlite_fail("set synchronous");

  // Creation and migration each happen in one transaction: a run killed
  // midway leaves the file as it was. (Closing the connection on a failure
  // rolls back.)
  if (fresh || version < kSchemaVersion) {
    const std::string what = fresh ? "create the state"
                                   : "migrate the state from schema " + std::to_string(version) +
                                         " to " + std::to_string(kSchemaVersion);
    std::string sql = "BEGIN IMMEDIATE;";
    if (fresh) sql += kSchemaV1;
    if (fresh || version < 2) sql += kSchemaV1ToV2;
    sql += kSchemaV2ToV3;
    sql += "PRAGMA application_id = " + std::to_string(kApplicationId) + ";";
    sql += "PRAGMA user_version = " + std::to_string(kSchemaVersion) + ";";
    sql += "COMMIT;";
    if (!exec(sql.c_str())) return sqlite_fail(what);
  }

  auto stmts = std::make_unique<Statements>();
  const std::pair<StmtPtr*, const char*> sqls[] = {
      {&stmts->begin, "BEGIN IMMEDIATE"},
      {&stmts->commit, "COMMIT"},
      {&stmts->rollback, "ROLLBACK"},
      {&stmts->last_pass,
       "SELECT id, started_ms, finished_ms FROM passes ORDER BY id DESC LIMIT 1"},
      {&stmts->insert_pass, "INSERT INTO passes (started_ms) VALUES (?1)"},
      {&stmts->next_seq, "SELECT COALESCE(MAX(seq), 0) + 1 FROM urls WHERE pass = ?1"},
      {&stmts->finish_pass, "UPDATE passes SET finished_ms = ?2 WHERE id = ?1"},
      {&stmts->find,
       "SELECT pass, done_pass, done_ms, etag, last_modified, links IS NOT NULL FROM urls"
       " WHERE fp = ?1"},
      {&stmts->links, "SELECT links FROM urls WHERE fp = ?1"},
      // An upsert: what earlier passes stored (done_pass, done_ms,
      // validators, links) stays.
      {&stmts->admit,
       "INSERT INTO urls (fp, url, depth, parent, pass, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
       " ON CONFLICT (fp) DO UPDATE SET url = excluded.url, depth = excluded.depth,"
       " parent = excluded.parent, pass = excluded.pass, seq = excluded.seq"},
      {&stmts->done,
       "UPDATE urls SET done_pass = ?2, done_ms = ?3, etag = ?4, last_modified = ?5, links = ?6"
       " WHERE fp = ?1"},
      {&stmts->done_unchanged, "UPDATE urls SET done_pass = ?2, done_ms = ?3 WHERE fp = ?1"},
      {&stmts->for_each,
       "SELECT fp, url, depth, parent, done_pass FROM urls WHERE pass = ?1 ORDER BY seq"},
      {&stmts->last_output,
       "SELECT path, write_path, format, position FROM output WHERE pass = ?1"},
      {&stmts->set_output,
       "INSERT OR REPLACE INTO output (pass, path, write_path, format, position)"
       " VALUES (?1, ?2, ?3, ?4, ?5)"},
      {&stmts->set_output_position, "UPDATE output SET position = ?2 WHERE pass = ?1"},
      {&stmts->get_session, "SELECT value FROM session WHERE name = ?1"},
      {&stmts->set_session, "INSERT OR REPLACE INTO session (name, value) VALUES (?1, ?2)"},
  };
  for (const auto& [stmt, sql] : sqls) {
    *stmt = PrepareStatement(db, sql, /*persistent=*/true);
    if (!*stmt) {
      noted();
      return sqlite_fail(std::string("prepare \"") + sql + "\"");
    }
  }
  store->stmts_ = std::move(stmts);
  return store;
}

StateStore::~StateStore() {
  // Statements first, or the connection would not really close. Then the
  // connection, which rolls back what was not committed. The lock last:
  // closing any descriptor of the file drops the fcntl locks SQLite holds on
  // it, and letting go of the flock while SQLite still has the file open
  // would let another run in too early.
  stmts_.reset();
  db_.reset();
  std::lock_guard<std::mutex> guard(OpenStatesMutex());
  if (registered_) OpenStates().erase(*registered_);
  lock_.Reset();
}

Status StateStore::Error(const std::string& what) const {
  return SqliteStatus(sqlite3_errcode(db_.get()),
                      path_ + ": " + what + ": " + sqlite3_errmsg(db_.get()));
}

void StateStore::NoteError(const char* what) {
  if (first_error_.ok()) first_error_ = Error(what);
}

bool StateStore::InTransaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }

bool StateStore::BeginTransaction() {
  if (InTransaction()) return true;
  SqliteRun begin(stmts_->begin.get());
  if (begin.Step() != SQLITE_DONE) {
    NoteError("begin");
    return false;
  }
  return true;
}

Result<StateStore::Pass> StateStore::BeginPass(std::int64_t now_ms) {
  Pass pass;
  if (first_error_.ok() && BeginTransaction()) {
    bool found = false;
    {
      SqliteRun last(stmts_->last_pass.get());
      int rc = last.Step();
      if (rc == SQLITE_ROW && last.IsNullAt(2)) {
        found = true;
        pass.id = last.IntAt(0);
        pass.started_ms = last.IntAt(1);
        pass.resumed = true;
      } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        NoteError("read the last pass");
      }
    }
    if (first_error_.ok() && !found) {
      SqliteRun insert(stmts_->insert_pass.get());
      if (insert.Int(now_ms).Step() == SQLITE_DONE) {
        pass.id = sqlite3_last_insert_rowid(db_.get());
        pass.started_ms = now_ms;
      } else {
        NoteError("begin a pass");
      }
    }
    if (first_error_.ok()) {
      SqliteRun next(stmts_->next_seq.get());
      if (next.Int(pass.id).Step() == SQLITE_ROW) {
        next_seq_ = next.IntAt(0);
      } else {
        NoteError("read the pass's URLs");
      }
    }
  }
  if (Status st = Commit(); !st.ok()) return st;
  pass_id_ = pass.id;
  return pass;
}

Status StateStore::FinishPass(std::int64_t now_ms) {
  assert(pass_id_ != 0 && "BeginPass first");
  if (first_error_.ok() && BeginTransaction()) {
    SqliteRun finish(stmts_->finish_pass.get());
    if (finish.Int(pass_id_).Int(now_ms).Step() != SQLITE_DONE) NoteError("finish the pass");
  }
  return Commit();
}

std::optional<StateStore::Known> StateStore::Find(std::uint64_t fingerprint) {
  SqliteRun find(stmts_->find.get());
  int rc = find.Int(ToSql(fingerprint)).Step();
  if (rc != SQLITE_ROW) {
    // A read that fails says nothing of the URL, but the caller would take
    // nullopt for "new": Commit() reports the failure.
    if (rc != SQLITE_DONE) NoteError("find a URL");
    return std::nullopt;
  }
  Known known;
  // done_pass is NULL (read as 0) until the URL is first recorded; pass ids start at 1.
  if (find.IntAt(0) == pass_id_) {
    known.stage = find.IntAt(1) == pass_id_ ? Known::Stage::kDone : Known::Stage::kPending;
  }
  known.done_ms = find.IntAt(2);
  known.etag = find.TextAt(3);
  known.last_modified = find.TextAt(4);
  known.has_links = find.IntAt(5) != 0;
  return known;
}

std::vector<std::string> StateStore::Links(std::uint64_t fingerprint) {
  std::vector<std::string> links;
  SqliteRun find(stmts_->links.get());
  int rc = find.Int(ToSql(fingerprint)).Step();
  if (rc != SQLITE_ROW) {
    if (rc != SQLITE_DONE) NoteError("read a URL's links");
    return links;
  }
  std::string_view joined = find.TextAt(0);
  while (!joined.empty()) {
    std::size_t end = joined.find('\n');
    links.emplace_back(joined.substr(0, end));
    joined.remove_prefix(end == std::string_view::npos ? joined.size() : end + 1);
  }
  return links;
}

void StateStore::Admit(std::uint64_t fingerprint, const std::string& url, int depth,
                       const std::string& parent) {
  assert(pass_id_ != 0 && "BeginPass first");
  // Counted even when it fails, so a caller committing every N changes
  // still comes to Commit() and hears of the failure.
  ++uncommitted_;
  if (!first_error_.ok() || !BeginTransaction()) return;  // rolled back at Commit() anyway
  SqliteRun admit(stmts_->admit.get());
  admit.Int(ToSql(fingerprint))
      .Text(url)
      .Int(depth)
      .TextOrNull(NullIfEmpty(parent))
      .Int(pass_id_)
      .Int(next_seq_++);
  if (admit.Step() != SQLITE_DONE) NoteError("admit a URL");
}

void StateStore::Done(std::uint64_t fingerprint, const Outcome& outcome) {
  assert(pass_id_ != 0 && "BeginPass first");
  ++uncommitted_;
  if (!first_error_.ok() || !BeginTransaction()) return;
  if (outcome.unchanged) {
    SqliteRun done(stmts_->done_unchanged.get());
    done.Int(ToSql(fingerprint)).Int(pass_id_).Int(outcome.at_ms);
    if (done.Step() != SQLITE_DONE) NoteError("record a URL");
    return;
  }
  SqliteRun done(stmts_->done.get());
  done.Int(ToSql(fingerprint))
      .Int(pass_id_)
      .Int(outcome.at_ms)
      .TextOrNull(NullIfEmpty(outcome.etag))
      .TextOrNull(NullIfEmpty(outcome.last_modified));
  if (outcome.links) {
    links_buf_.clear();
    for (const std::string& link : *outcome.links) {
      assert(link.find('\n') == std::string::npos && "links are joined by newlines");
      if (!links_buf_.empty()) links_buf_ += '\n';
      links_buf_ += link;
    }
    done.Text(links_buf_);  // "" for no links, which is not NULL
  } else {
    done.Null();
  }
  if (done.Step() != SQLITE_DONE) NoteError("record a URL");
}

Status StateStore::ForEachInPass(const std::function<void(const PassUrl&)>& visit) {
  SqliteRun each(stmts_->for_each.get());
  // A nested call would reset the statement under the outer one.
  assert(!sqlite3_stmt_busy(each.get()) && "ForEachInPass inside ForEachInPass");
  each.Int(pass_id_);
  PassUrl row;  // reused, so its strings keep their capacity
  int rc;
  while ((rc = each.Step()) == SQLITE_ROW) {
    row.fingerprint = FromSql(each.IntAt(0));
    row.url = each.TextAt(1);
    row.depth = static_cast<int>(each.IntAt(2));
    row.parent = each.TextAt(3);
    row.done = each.IntAt(4) == pass_id_;
    visit(row);
  }
  if (rc != SQLITE_DONE) return Error("read the pass's URLs");
  return {};
}

std::optional<StateStore::Output> StateStore::LastOutput() {
  SqliteRun last(stmts_->last_output.get());
  int rc = last.Int(pass_id_).Step();
  if (rc != SQLITE_ROW) {
    if (rc != SQLITE_DONE) NoteError("read the pass's output");
    return std::nullopt;
  }
  Output output;
  output.path = last.TextAt(0);
  output.write_path = last.TextAt(1);
  output.format = last.TextAt(2);
  output.position = last.IntAt(3);
  return output;
}

void StateStore::SetOutput(const Output& output) {
  assert(pass_id_ != 0 && "BeginPass first");
  ++uncommitted_;
  if (!first_error_.ok() || !BeginTransaction()) return;
  SqliteRun set(stmts_->set_output.get());
  set.Int(pass_id_)
      .Text(output.path)
      .Text(output.write_path)
      .Text(output.format)
      .Int(output.position);
  if (set.Step() != SQLITE_DONE) NoteError("set the pass's output");
}

void StateStore::SetOutputPosition(std::int64_t position) {
  assert(pass_id_ != 0 && "BeginPass first");
  ++uncommitted_;
  if (!first_error_.ok() || !BeginTransaction()) return;
  SqliteRun set(stmts_->set_output_position.get());
  if (set.Int(pass_id_).Int(position).Step() != SQLITE_DONE) {
    NoteError("set the pass's output position");
  }
}

std::optional<std::string> StateStore::GetSession(std::string_view name) {
  SqliteRun get(stmts_->get_session.get());
  int rc = get.Text(name).Step();
  if (rc != SQLITE_ROW) {
    if (rc != SQLITE_DONE) NoteError("read the session");
    return std::nullopt;
  }
  return std::string(get.TextAt(0));
}

void StateStore::SetSession(std::string_view name, std::string_view value) {
  ++uncommitted_;
  if (!first_error_.ok() || !BeginTransaction()) return;
  SqliteRun set(stmts_->set_session.get());
  if (set.Text(name).Text(value).Step() != SQLITE_DONE) NoteError("store the session");
}

Status StateStore::Commit() {
  Status result = std::exchange(first_error_, Status());
  if (result.ok() && InTransaction()) {
    SqliteRun commit(stmts_->commit.get());
    if (commit.Step() != SQLITE_DONE) result = Error("commit");
  }
  // A failed change or COMMIT may leave the transaction open (busy, say),
  // or may have rolled it back already.
  if (!result.ok() && InTransaction()) {
    SqliteRun rollback(stmts_->rollback.get());
    (void)rollback.Step();
  }
  uncommitted_ = 0;
  return result;
}

}  // namespace forage
