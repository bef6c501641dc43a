#include "state/state_store.h"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/forage_run.h"
#include "support/raw_sqlite.h"

namespace forage {
namespace {

using test::Db;
using test::Exec;
using test::OpenRaw;
using test::QueryInt;
using test::Stmt;
using Stage = StateStore::Known::Stage;

// Schema 1 as state_store.cc creates it (kSchemaV1), to build an old state.
constexpr const char* kSchemaV1 =
    "CREATE TABLE passes (id INTEGER PRIMARY KEY, started_ms INTEGER NOT NULL,"
    " finished_ms INTEGER);"
    "CREATE TABLE urls (fp INTEGER PRIMARY KEY, url TEXT NOT NULL, depth INTEGER NOT NULL,"
    " parent TEXT, pass INTEGER NOT NULL, seq INTEGER NOT NULL, done_pass INTEGER,"
    " done_ms INTEGER);"
    "CREATE INDEX urls_pass_seq ON urls (pass, seq);"
    "CREATE TABLE output (pass INTEGER PRIMARY KEY, path TEXT, write_path TEXT, format TEXT,"
    " position INTEGER);";
constexpr std::int64_t kApplicationId = 0x666F7267;

// --- Raw SQLite, as another program would see the file ----------------------


std::string QueryText(sqlite3* db, const std::string& sql) {
  Stmt stmt = test::Prepare(db, sql);
  SqliteRun run(stmt.get());
  REQUIRE(run.Step() == SQLITE_ROW);
  return std::string(run.TextAt(0));
}

// --- The store ----------------------------------------------------------------

std::unique_ptr<StateStore> OpenOk(const std::string& path) {
  auto store = StateStore::Open(path);
  INFO((store.ok() ? std::string() : store.status().message()));
  REQUIRE(store.ok());
  REQUIRE(store.value()->path() == path);
  return std::move(store).value();
}

// The message of an Open that must fail with `expected`.
std::string OpenFails(const std::string& path, StatusCode expected) {
  auto store = StateStore::Open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(StatusCodeName(store.status().code()) == StatusCodeName(expected));
  return store.status().message();
}

StateStore::Pass BeginOk(StateStore& store, std::int64_t now_ms) {
  auto pass = store.BeginPass(now_ms);
  INFO((pass.ok() ? std::string() : pass.status().message()));
  REQUIRE(pass.ok());
  return pass.value();
}

void CommitOk(StateStore& store) {
  Status st = store.Commit();
  INFO(st.message());
  REQUIRE(st.ok());
  CHECK(store.Uncommitted() == 0);
}

StateStore::Outcome Fetched(std::int64_t at_ms, std::string etag, std::string last_modified,
                            std::optional<std::vector<std::string>> links) {
  StateStore::Outcome outcome;
  outcome.at_ms = at_ms;
  outcome.etag = std::move(etag);
  outcome.last_modified = std::move(last_modified);
  outcome.links = std::move(links);
  return outcome;
}

StateStore::Outcome Unchanged(std::int64_t at_ms) {
  StateStore::Outcome outcome;
  outcome.at_ms = at_ms;
  outcome.unchanged = true;
  return outcome;
}

Stage StageOf(StateStore& store, std::uint64_t fp) {
  auto known = store.Find(fp);
  REQUIRE(known);
  return known->stage;
}

std::vector<StateStore::PassUrl> PassUrls(StateStore& store) {
  std::vector<StateStore::PassUrl> urls;
  Status st = store.ForEachInPass([&](const StateStore::PassUrl& u) { urls.push_back(u); });
  INFO(st.message());
  REQUIRE(st.ok());
  return urls;
}

// Runs `body` in a forked child, which leaves through _exit(body()) (never
// returning into Catch2), and returns the child's wait status. The child
// dies of SIGALRM if it hangs, so the wait has a deadline.
int InChild(const std::function<int()>& body) {
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::alarm(30);
    ::_exit(body());
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return status;
}

// --- Tests ----------------------------------------------------------------------

TEST_CASE("A new state is created and keeps only what was committed", "[state]") {
  test::TempDir dir;
  std::string path = dir.path() + "/state.db";
  SECTION("from a missing file") {}
  SECTION("from an empty file") { path = dir.Write("empty.db", ""); }

  {
    auto store = OpenOk(path);
    StateStore::Pass pass = BeginOk(*store, 1000);
    CHECK(pass.id >= 1);
    CHECK_FALSE(pass.resumed);
    CHECK(pass.started_ms == 1000);
    CHECK(store->Uncommitted() == 0);

    store->Admit(1, "https://a.test/", 0, "");
    store->Admit(2, "https://a.test/x", 1, "https://a.test/");
    CHECK(store->Uncommitted() == 2);
    // Uncommitted changes are visible to the store itself.
    CHECK(StageOf(*store, 1) == Stage::kPending);
    CommitOk(*store);

    store->Done(1, Fetched(1100, "\"e1\"", "", std::vector<std::string>{"https://a.test/x"}));
    store->Admit(3, "https://a.test/y", 1, "https://a.test/");
    CHECK(store->Uncommitted() == 2);
    CHECK(StageOf(*store, 1) == Stage::kDone);
    // Destroyed without Commit(), as if killed: the last two changes are lost.
  }
  {
    auto store = OpenOk(path);
    StateStore::Pass pass = BeginOk(*store, 2000);
    CHECK(pass.resumed);
    CHECK(pass.started_ms == 1000);
    auto one = store->Find(1);
    REQUIRE(one);
    CHECK(one->stage == Stage::kPending);
    CHECK(one->done_ms == 0);
    CHECK(one->etag.empty());
    CHECK_FALSE(one->has_links);
    CHECK(StageOf(*store, 2) == Stage::kPending);
    CHECK_FALSE(store->Find(3));
  }

  // The file says what it is.
  Db db = OpenRaw(path);
  CHECK(QueryInt(db.get(), "PRAGMA application_id") == kApplicationId);
  CHECK(QueryInt(db.get(), "PRAGMA user_version") == StateStore::kSchemaVersion);
  CHECK(QueryText(db.get(), "PRAGMA journal_mode") == "wal");
}

TEST_CASE("A killed run leaves the state as of its last commit", "[state]") {
  test::TempDir dir;
  const std::string path = dir.path() + "/state.db";
  int status = InChild([&] {
    auto opened = StateStore::Open(path);
    if (!opened.ok()) return 10;
    StateStore& store = *opened.value();
    if (!store.BeginPass(100).ok()) return 11;
    store.Admit(1, "https://a.test/", 0, "");
    store.Done(1, Fetched(150, "e1", "lm1", std::vector<std::string>{"https://a.test/p"}));
    store.Admit(2, "https://a.test/p", 1, "https://a.test/");
    if (!store.Commit().ok()) return 12;
    store.Done(2, Fetched(160, "e2", "", std::nullopt));
    store.Admit(3, "https://a.test/q", 1, "https://a.test/");
    ::kill(::getpid(), SIGKILL);
    return 13;
  });
  INFO("wait status " << status);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
  // The commit is in the write-ahead log, not yet in the database file.
  CHECK(std::filesystem::exists(path + "-wal"));

  // The kernel dropped the dead run's flock, and SQLite recovers the log.
  auto store = OpenOk(path);
  StateStore::Pass pass = BeginOk(*store, 200);
  CHECK(pass.resumed);
  CHECK(pass.started_ms == 100);
  auto one = store->Find(1);
  REQUIRE(one);
  CHECK(one->stage == Stage::kDone);
  CHECK(one->done_ms == 150);
  CHECK(one->etag == "e1");
  CHECK(one->last_modified == "lm1");
  CHECK(store->Links(1) == std::vector<std::string>{"https://a.test/p"});
  CHECK(StageOf(*store, 2) == Stage::kPending);
  CHECK_FALSE(store->Find(3));
}

TEST_CASE("BeginPass resumes an unfinished pass and begins a new one after FinishPass", "[state]") {
  test::TempDir dir;
  const std::string path = dir.path() + "/state.db";
  std::int64_t first_id = 0;
  {
    auto store = OpenOk(path);
    StateStore::Pass pass = BeginOk(*store, 1000);
    first_id = pass.id;
    store->Admit(10, "https://a.test/1", 0, "");
    store->Admit(11, "https://a.test/2", 0, "");
    CommitOk(*store);
  }
  {
    auto store = OpenOk(path);
    StateStore::Pass pass = BeginOk(*store, 2000);
    CHECK(pass.resumed);
    CHECK(pass.id == first_id);
    CHECK(pass.started_ms == 1000);
    // Admission order goes on after the interrupted run's URLs.
    store->Admit(12, "https://a.test/3", 0, "");
    std::vector<std::uint64_t> order;
    for (const auto& u : PassUrls(*store)) order.push_back(u.fingerprint);
    CHECK(order == std::vector<std::uint64_t>{10, 11, 12});
    Status st = store->FinishPass(3000);
    INFO(st.message());
    REQUIRE(st.ok());
    CHECK(store->Uncommitted() == 0);
  }
  {
    auto store = OpenOk(path);
    StateStore::Pass pass = BeginOk(*store, 4000);
    CHECK_FALSE(pass.resumed);
    CHECK(pass.id > first_id);
    CHECK(pass.started_ms == 4000);
    CHECK(PassUrls(*store).empty());
    CHECK(StageOf(*store, 12) == Stage::kOther);  // committed by FinishPass
  }
  {
    // A new pass is itself committed at once: it is resumed after a kill.
    auto store = OpenOk(path);
    StateStore::Pass pass = BeginOk(*store, 5000);
    CHECK(pass.resumed);
    CHECK(pass.started_ms == 4000);
  }
}

TEST_CASE("Find tells pending and done URLs of this pass from those of earlier passes", "[state]") {
  test::TempDir dir;
  const std::string path = dir.path() + "/state.db";
  {
    auto store = OpenOk(path);
    BeginOk(*store, 1000);
    CHECK_FALSE(store->Find(1));
    store->Admit(1, "https://a.test/1", 0, "");
    store->Admit(2, "https://a.test/2", 0, "");
    CHECK(StageOf(*store, 1) == Stage::kPending);
    store->Done(1, Fetched(1500, "", "", std::nullopt));
    CHECK(StageOf(*store, 1) == Stage::kDone);
    CHECK(StageOf(*store, 2) == Stage::kPending);
    CHECK(store->Find(1)->done_ms == 1500);
    REQUIRE(store->FinishPass(1600).ok());
  }
  auto store = OpenOk(path);
  BeginOk(*store, 2000);
  // Both were in the last pass, done or not: neither is in this one yet.
  auto one = store->Find(1);
  REQUIRE(one);
  CHECK(one->stage == Stage::kOther);
  CHECK(one->done_ms == 1500);  // when it was last recorded, in any pass
  auto two = store->Find(2);
  REQUIRE(two);
  CHECK(two->stage == Stage::kOther);
  CHECK(two->done_ms == 0);
  CHECK_FALSE(store->Find(3));

  store->Admit(1, "https://a.test/1", 0, "");
  CHECK(StageOf(*store, 1) == Stage::kPending);
  store->Done(1, Unchanged(2500));
  CHECK(StageOf(*store, 1) == Stage::kDone);
  CHECK(store->Find(1)->done_ms == 2500);
  CHECK(StageOf(*store, 2) == Stage::kOther);
  CommitOk(*store);
}

TEST_CASE("Admit keeps the validators and links of an earlier pass", "[state]") {
  test::TempDir dir;
  const std::string path = dir.path() + "/state.db";
  const std::vector<std::string> links = {"https://a.test/x", "https://b.test/y?q=1"};
  {
    auto store = OpenOk(path);
    BeginOk(*store, 1000);
    store->Admit(7, "https://a.test/", 0, "");
    store->Done(7, Fetched(1100, "W/\"abc\"", "Tue, 01 Oct 2024 10:00:00 GMT", links));
    REQUIRE(store->FinishPass(1200).ok());
  }
  auto store = OpenOk(path);
  BeginOk(*store, 2000);
  // Found at another depth from another parent this time.
  store->Admit(7, "https://a.test/", 2, "https://c.test/");
  auto known = store->Find(7);
  REQUIRE(known);
  CHECK(known->stage == Stage::kPending);
  CHECK(known->done_ms == 1100);
  CHECK(known->etag == "W/\"abc\"");
  CHECK(known->last_modified == "Tue, 01 Oct 2024 10:00:00 GMT");
  CHECK(known->has_links);
  CHECK(store->Links(7) == links);
  auto urls = PassUrls(*store);
  REQUIRE(urls.size() == 1);
  CHECK(urls[0].depth == 2);
  CHECK(urls[0].parent == "https://c.test/");
  CHECK_FALSE(urls[0].done);
  CommitOk(*store);
}

TEST_CASE("Done replaces the validators and links unless the page was unchanged", "[state]") {
  test::TempDir dir;
  auto store = OpenOk(dir.path() + "/state.db");
  const std::vector<std::string> old_links = {"https://a.test/old"};
  BeginOk(*store, 1000);
  store->Admit(5, "https://a.test/", 0, "");
  store->Done(5, Fetched(1100, "e-old", "lm-old", old_links));
  REQUIRE(store->FinishPass(1200).ok());
  BeginOk(*store, 2000);
  store->Admit(5, "https://a.test/", 0, "");

  SECTION("a 304 keeps them") {
    store->Done(5, Unchanged(2100));
    auto known = store->Find(5);
    REQUIRE(known);
    CHECK(known->stage == Stage::kDone);
    CHECK(known->done_ms == 2100);
    CHECK(known->etag == "e-old");
    CHECK(known->last_modified == "lm-old");
    CHECK(known->has_links);
    CHECK(store->Links(5) == old_links);
  }
  SECTION("a full fetch replaces them") {
    store->Done(5, Fetched(2100, "e-new", "lm-new", std::vector<std::string>{"https://a.test/n"}));
    auto known = store->Find(5);
    REQUIRE(known);
    CHECK(known->done_ms == 2100);
    CHECK(known->etag == "e-new");
    CHECK(known->last_modified == "lm-new");
    CHECK(store->Links(5) == std::vector<std::string>{"https://a.test/n"});
  }
  SECTION("a full fetch without validators or links clears them") {
    store->Done(5, Fetched(2100, "", "", std::nullopt));
    auto known = store->Find(5);
    REQUIRE(known);
    CHECK(known->stage == Stage::kDone);
    CHECK(known->etag.empty());
    CHECK(known->last_modified.empty());
    CHECK_FALSE(known->has_links);
    CHECK(store->Links(5).empty());
  }
  SECTION("a full fetch of a page without links stores an empty list") {
    store->Done(5, Fetched(2100, "e-new", "", std::vector<std::string>{}));
    auto known = store->Find(5);
    REQUIRE(known);
    CHECK(known->etag == "e-new");
    CHECK(known->last_modified.empty());
    CHECK(known->has_links);
    CHECK(store->Links(5).empty());
  }
  CommitOk(*store);
}

TEST_CASE("Links come back as they were stored", "[state]") {
  test::TempDir dir;
  const std::string path = dir.path() + "/state.db";
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"https://a.test/"},
      {"https://a.test/1", "https://a.test/2", "https://a.test/1"},  // duplicates kept
      {"https://a.test/p?q=a%20b&r=1#frag", "mailto:x@a.test", "https://\xc3\xa9.test/caf\xc3\xa9"},
  };
  {
    auto store = OpenOk(path);
    BeginOk(*store, 1000);
    for (std::size_t i = 0; i < cases.size(); ++i) {
      store->Admit(100 + i, "https://a.test/" + std::to_string(i), 0, "");
      store->Done(100 + i, Fetched(1000, "", "", cases[i]));
    }
    store->Admit(99, "https://a.test/none", 0, "");
    store->Done(99, Fetched(1000, "", "", std::nullopt));
    CommitOk(*store);
  }
  auto store = OpenOk(path);
  BeginOk(*store, 2000);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    INFO("case " << i);
    auto known = store->Find(100 + i);
    REQUIRE(known);
    CHECK(known->has_links);
    CHECK(store->Links(100 + i) == cases[i]);
  }
  CHECK_FALSE(store->Find(99)->has_links);
  CHECK(store->Links(99).empty());
  CHECK(store->Links(12345).empty());  // never seen
}

TEST_CASE("ForEachInPass visits the pass's URLs in admission order with their done flags",
          "[state]") {
  test::TempDir dir;
  const std::string path = dir.path() + "/state.db";
  // Fingerprints use all 64 bits.
  const std::vector<std::uint64_t> fps = {UINT64_MAX, 1, 0x8000000000000000ull, 42,
                                          0x7FFFFFFFFFFFFFFFull};
  {
    auto store = OpenOk(path);
    BeginOk(*store, 1000);
    store->Admit(500, "https://old.test/", 0, "");  // of the earlier pass only
    REQUIRE(store->FinishPass(1100).ok());
    BeginOk(*store, 2000);
    for (std::size_t i = 0; i < fps.size(); ++i) {
      store->Admit(fps[i], "https://a.test/" + std::to_string(i), static_cast<int>(i),
                   i == 0 ? "" : "https://a.test/0");
    }
    store->Done(fps[1], Fetched(2100, "", "", std::nullopt));
    store->Done(fps[3], Unchanged(2200));
    CommitOk(*store);
  }
  auto store = OpenOk(path);
  BeginOk(*store, 3000);
  auto urls = PassUrls(*store);
  REQUIRE(urls.size() == fps.size());
  for (std::size_t i = 0; i < fps.size(); ++i) {
    INFO("URL " << i);
    CHECK(urls[i].fingerprint == fps[i]);
    CHECK(urls[i].url == "https://a.test/" + std::to_string(i));
    CHECK(urls[i].depth == static_cast<int>(i));
    CHECK(urls[i].parent == (i == 0 ? "" : "https://a.test/0"));
    CHECK(urls[i].done == (i == 1 || i == 3));
    CHECK(StageOf(*store, fps[i]) == (urls[i].done ? Stage::kDone : Stage::kPending));
  }
  CHECK(StageOf(*store, 500) == Stage::kOther);
}

TEST_CASE("The pass's output is set and moved and read back", "[state]") {
  test::TempDir dir;
  const std::string path = dir.path() + "/state.db";
  {
    auto store = OpenOk(path);
    BeginOk(*store, 1000);
    CHECK_FALSE(store->LastOutput());
    store->SetOutputPosition(5);  // nothing to move yet
    CHECK_FALSE(store->LastOutput());
    store->SetOutput({"out.jsonl", "out.jsonl.tmp", "jsonl", 0});
    store->SetOutputPosition(1234);
    CHECK(store->Uncommitted() == 3);
    CommitOk(*store);
    store->SetOutputPosition(9999);  // lost: never committed
  }
  {
    auto store = OpenOk(path);
    BeginOk(*store, 2000);
    auto out = store->LastOutput();
    REQUIRE(out);
    CHECK(out->path == "out.jsonl");
    CHECK(out->write_path == "out.jsonl.tmp");
    CHECK(out->format == "jsonl");
    CHECK(out->position == 1234);
    store->SetOutput({"o.db", "o.db", "sqlite", 17});
    CommitOk(*store);
    out = store->LastOutput();
    REQUIRE(out);
    CHECK(out->path == "o.db");
    CHECK(out->write_path == "o.db");
    CHECK(out->format == "sqlite");
    CHECK(out->position == 17);
    REQUIRE(store->FinishPass(3000).ok());
  }
  auto store = OpenOk(path);
  BeginOk(*store, 4000);
  CHECK_FALSE(store->LastOutput());  // a new pass has none yet
}

TEST_CASE("A state written by a newer forage is refused naming both schema versions", "[state]") {
  test::TempDir dir;
  const std::string path = dir.path() + "/state.db";
  {
    Db db = OpenRaw(path);
    Exec(db.get(), "CREATE TABLE future (x)");
    Exec(db.get(), "PRAGMA application_id = " + std::to_string(kApplicationId));
    Exec(db.get(), "PRAGMA user_version = 4");
  }
  std::string message = OpenFails(path, StatusCode::kNotSupported);
  CHECK(message == path +
                       ": this state was written by a newer forage (state schema 4; this forage "
                       "reads up to 3)");
  // Left as it was, journal mode included.
  Db db = OpenRaw(path);
  CHECK(QueryInt(db.get(), "PRAGMA user_version") == 4);
  CHECK(QueryText(db.get(), "PRAGMA journal_mode") == "delete");
  // And no lock is left behind.
  db.reset();
  CHECK(OpenFails(path, StatusCode::kNotSupported) == message);
}

TEST_CASE("Another SQLite database is not taken for a state", "[state]") {
  test::TempDir dir;
  const std::string path = dir.path() + "/other.db";
  {
    Db db = OpenRaw(path);
    Exec(db.get(), "CREATE TABLE pages (url TEXT)");
    Exec(db.get(), "INSERT INTO pages VALUES ('https://a.test/')");
    SECTION("with another application id") { Exec(db.get(), "PRAGMA application_id = 1234"); }
    SECTION("without an application id") {}
    SECTION("without an application id but with a user version") {
      Exec(db.get(), "DROP TABLE pages");
      Exec(db.get(), "PRAGMA user_version = 2");
    }
  }
  CHECK(OpenFails(path, StatusCode::kCorrupt) ==
        path + ": not a forage state file (an SQLite database of something else)");
  Db db = OpenRaw(path);
  CHECK(QueryText(db.get(), "PRAGMA journal_mode") == "delete");
  CHECK(QueryInt(db.get(), "SELECT count(*) FROM sqlite_master WHERE name = 'urls'") == 0);
}

TEST_CASE("A file that is not SQLite is not a state", "[state]") {
  test::TempDir dir;
  const std::string content = GENERATE(std::string("not a database\n"), std::string(8192, 'x'),
                                       std::string("SQLite format 3") + std::string(200, '\0'));
  const std::string path = dir.Write("state.db", content);
  CHECK(OpenFails(path, StatusCode::kCorrupt) == path + ": not a forage state file");
  CHECK(test::ReadFile(path) == content);
}

TEST_CASE("A state in use by another run is busy until that run lets go", "[state]") {
  test::TempDir dir;
  const std::string path = dir.path() + "/state.db";
  auto first = OpenOk(path);
  BeginOk(*first, 1000);
  first->Admit(1, "https://a.test/", 0, "");
  CommitOk(*first);

  // In this process,
  CHECK(OpenFails(path, StatusCode::kBusy) == path + ": another forage run is using this state");
  // and in another one.
  int status = InChild([&] {
    auto other = StateStore::Open(path);
    if (other.ok()) return 100;
    if (other.status().message() != path + ": another forage run is using this state") return 101;
    return static_cast<int>(other.status().code());
  });
  INFO("wait status " << status);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == static_cast<int>(StatusCode::kBusy));

  // The refused opens did not disturb the first store.
  first->Admit(2, "https://a.test/2", 1, "https://a.test/");
  first->Done(1, Fetched(1100, "e", "", std::nullopt));
  CommitOk(*first);

  // Every descriptor of the file is closed on exec.
  const std::string real = std::filesystem::canonical(path).string();
  int descriptors = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    auto target = std::filesystem::read_symlink(entry.path(), ec);
    if (ec || target.string() != real) continue;
    ++descriptors;
    int fd = std::atoi(entry.path().filename().c_str());
    INFO("descriptor " << fd);
    CHECK((::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
  }
  CHECK(descriptors >= 2);  // the lock's and SQLite's

  first.reset();
  auto second = OpenOk(path);
  BeginOk(*second, 2000);
  CHECK(StageOf(*second, 1) == Stage::kDone);
  CHECK(StageOf(*second, 2) == Stage::kPending);
}

TEST_CASE("A state that cannot be opened says why", "[state]") {
  test::TempDir dir;
  std::string message = OpenFails(dir.path() + "/missing/state.db", StatusCode::kNotFound);
  CHECK(message == dir.path() + "/missing/state.db: No such file or directory");
  // open(2) of a directory for writing: EISDIR, a directory named as a file.
  message = OpenFails(dir.path(), StatusCode::kInvalidArgument);
  CHECK(message.rfind(dir.path() + ": ", 0) == 0);
}

TEST_CASE("A schema 1 state is migrated to schema 3 and keeps its URLs", "[state]") {
  test::TempDir dir;
  const std::string path = dir.path() + "/state.db";
  const std::uint64_t high = 0xFFFFFFFFFFFFFFF0ull;  // stored as a negative integer
  {
    Db db = OpenRaw(path);
    Exec(db.get(), kSchemaV1);
    Exec(db.get(), "PRAGMA application_id = " + std::to_string(kApplicationId));
    Exec(db.get(), "PRAGMA user_version = 1");
    Exec(db.get(), "INSERT INTO passes VALUES (1, 100, 200), (2, 1000, NULL)");
    Exec(db.get(),
         "INSERT INTO urls VALUES"
         " (7, 'https://a.test/old', 0, NULL, 1, 1, 1, 150),"  // of pass 1 only
         " (1, 'https://a.test/', 0, NULL, 2, 1, 2, 1100),"
         " (-16, 'https://a.test/b', 1, 'https://a.test/', 2, 2, NULL, NULL),"
         " (3, 'https://a.test/c', 1, 'https://a.test/', 2, 3, 1, 160)");
    Exec(db.get(), "INSERT INTO output VALUES (2, 'out.csv', 'out.csv.part', 'csv', 77)");
  }
  {
    auto store = OpenOk(path);
    StateStore::Pass pass = BeginOk(*store, 5000);
    CHECK(pass.resumed);
    CHECK(pass.id == 2);
    CHECK(pass.started_ms == 1000);

    auto one = store->Find(1);
    REQUIRE(one);
    CHECK(one->stage == Stage::kDone);
    CHECK(one->done_ms == 1100);
    CHECK(one->etag.empty());
    CHECK_FALSE(one->has_links);
    CHECK(StageOf(*store, high) == Stage::kPending);
    CHECK(StageOf(*store, 3) == Stage::kPending);  // done in pass 1, not yet in 2
    CHECK(store->Find(3)->done_ms == 160);
    CHECK(StageOf(*store, 7) == Stage::kOther);

    auto urls = PassUrls(*store);
    REQUIRE(urls.size() == 3);
    CHECK(urls[0].fingerprint == 1);
    CHECK(urls[0].done);
    CHECK(urls[0].parent.empty());
    CHECK(urls[1].fingerprint == high);
    CHECK(urls[1].url == "https://a.test/b");
    CHECK(urls[1].depth == 1);
    CHECK(urls[1].parent == "https://a.test/");
    CHECK_FALSE(urls[1].done);
    CHECK(urls[2].fingerprint == 3);

    auto out = store->LastOutput();
    REQUIRE(out);
    CHECK(out->format == "csv");
    CHECK(out->position == 77);

    // The new columns work, and admission goes on after seq 3.
    store->Done(high, Fetched(5100, "e", "lm", std::vector<std::string>{"https://a.test/z"}));
    store->Admit(4, "https://a.test/d", 2, "https://a.test/b");
    CommitOk(*store);
    auto b = store->Find(high);
    REQUIRE(b);
    CHECK(b->stage == Stage::kDone);
    CHECK(b->etag == "e");
    CHECK(b->last_modified == "lm");
    CHECK(store->Links(high) == std::vector<std::string>{"https://a.test/z"});
    CHECK(PassUrls(*store).back().fingerprint == 4);
  }
  Db db = OpenRaw(path);
  CHECK(QueryInt(db.get(), "PRAGMA user_version") == StateStore::kSchemaVersion);
  CHECK(QueryInt(db.get(), "PRAGMA application_id") == kApplicationId);
  CHECK(QueryInt(db.get(),
                 "SELECT count(*) FROM pragma_table_info('urls')"
                 " WHERE name IN ('etag', 'last_modified', 'links')") == 3);
  CHECK(QueryInt(db.get(), "SELECT seq FROM urls WHERE fp = 4") == 4);
}

// Lowers the limit on file sizes (and ignores SIGXFSZ, so a write past it
// fails with EFBIG instead of killing the process) until destroyed.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &old_limit_) == 0);
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    REQUIRE(::sigaction(SIGXFSZ, &ignore, &old_action_) == 0);
    rlimit limit = old_limit_;
    limit.rlim_cur = bytes;
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &limit) == 0);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &old_limit_);
    ::sigaction(SIGXFSZ, &old_action_, nullptr);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit old_limit_{};
  struct sigaction old_action_ {};
};

TEST_CASE("A failed commit names the path and rolls back and the next one starts clean",
          "[state]") {
  test::TempDir dir;
  const std::string path = dir.path() + "/state.db";
  auto store = OpenOk(path);
  BeginOk(*store, 1000);
  store->Admit(1, "https://a.test/", 0, "");
  CommitOk(*store);

  // About 1 MB of changes against a 64 KiB limit: the write-ahead log
  // cannot take them, as on a full disk.
  const std::string padding(500, 'p');
  constexpr int kUrls = 2000;
  for (int i = 0; i < kUrls; ++i) {
    store->Admit(100 + i, "https://a.test/" + std::to_string(i) + "?" + padding, 1,
                 "https://a.test/");
  }
  CHECK(store->Uncommitted() == kUrls);
  std::optional<Status> failed;
  {
    FileSizeLimit limit(64 * 1024);
    failed = store->Commit();
  }
  INFO(failed->message());
  REQUIRE_FALSE(failed->ok());
  CHECK(failed->message().rfind(path + ": ", 0) == 0);
  CHECK(store->Uncommitted() == 0);

  // Rolled back: only what the first commit held is left.
  CHECK_FALSE(store->Find(100));
  CHECK_FALSE(store->Find(100 + kUrls - 1));
  CHECK(StageOf(*store, 1) == Stage::kPending);
  CHECK(PassUrls(*store).size() == 1);

  store->Done(1, Fetched(1100, "e", "", std::nullopt));
  store->Admit(2, "https://a.test/2", 1, "https://a.test/");
  CommitOk(*store);
  store.reset();
  store = OpenOk(path);
  BeginOk(*store, 2000);
  CHECK(StageOf(*store, 1) == Stage::kDone);
  CHECK(StageOf(*store, 2) == Stage::kPending);
  CHECK_FALSE(store->Find(100));
}

}  // namespace
TEST_CASE("The session is kept across runs, whatever the pass", "[state]") {
  test::TempDir dir;
  const std::string path = dir.path() + "/state.db";
  {
    auto store = OpenOk(path);
    BeginOk(*store, 1000);
    CHECK_FALSE(store->GetSession("cookies"));
    store->SetSession("cookies", "one");
    store->SetSession("cookies", "two");  // replaces
    REQUIRE(store->Commit().ok());
    REQUIRE(store->FinishPass(2000).ok());
  }
  auto store = OpenOk(path);
  BeginOk(*store, 3000);  // a new pass
  CHECK(store->GetSession("cookies") == "two");
  CHECK_FALSE(store->GetSession("other"));
}

TEST_CASE("A schema 2 state gains the session table", "[state]") {
  test::TempDir dir;
  const std::string path = dir.path() + "/state.db";
  {
    auto store = OpenOk(path);
    BeginOk(*store, 1000);
    REQUIRE(store->Commit().ok());
  }
  {
    Db db = OpenRaw(path);
    Exec(db.get(), "DROP TABLE session");
    Exec(db.get(), "PRAGMA user_version = 2");
  }
  auto store = OpenOk(path);
  BeginOk(*store, 2000);
  store->SetSession("cookies", "x");
  REQUIRE(store->Commit().ok());
  CHECK(store->GetSession("cookies") == "x");
}

}  // namespace forage
