#include "output/sqlite_sink.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "output/sink.h"
#include "support/forage_run.h"
#include "support/raw_sqlite.h"

namespace forage {
namespace {

using test::Db;
using test::OpenRaw;
using test::Prepare;
using test::Stmt;

// The database at `path`, read-only, as another process would read it.
Db OpenReader(const std::string& path) { return OpenRaw(path, SQLITE_OPEN_READONLY); }

// Column `i` of the current row as text; nullopt for NULL.
std::optional<std::string> Text(sqlite3_stmt* stmt, int i) {
  if (sqlite3_column_type(stmt, i) == SQLITE_NULL) return std::nullopt;
  const unsigned char* p = sqlite3_column_text(stmt, i);
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)));
}

std::int64_t Count(const std::string& path) {
  Db db = OpenReader(path);
  Stmt stmt = Prepare(db.get(), "SELECT count(*) FROM pages");
  REQUIRE(sqlite3_step(stmt.get()) == SQLITE_ROW);
  return sqlite3_column_int64(stmt.get(), 0);
}

std::vector<std::string> ColumnNames(sqlite3* db) {
  Stmt stmt = Prepare(db, "SELECT name FROM pragma_table_info('pages') ORDER BY cid");
  std::vector<std::string> names;
  while (sqlite3_step(stmt.get()) == SQLITE_ROW) names.push_back(*Text(stmt.get(), 0));
  return names;
}

Record MakeRecord(int i) {
  Record r;
  r.url = "http://h/" + std::to_string(i);
  r.depth = i % 5;
  r.bytes = static_cast<std::uint64_t>(i) * 1000;
  r.elapsed_ms = static_cast<std::uint64_t>(i);
  r.fetched_at_ms = 1700000000000 + i;
  if (i % 3 == 0) {
    r.error = RecordError{ErrorKind::kTimeout, "timed out after 30 s, \"slow\""};
    return r;
  }
  r.ok = true;
  r.status = i % 4 == 1 ? 304 : 200;
  r.unchanged = i % 4 == 1;
  r.final_url = r.url + "/";
  r.content_type = "text/html";
  if (i % 2 == 0) r.title = "Page " + std::to_string(i) + " caf\xe9";
  r.parent = i > 0 ? std::optional<std::string>("http://h/") : std::nullopt;
  r.links = {"https://h/a", "https://h/b,\"c\""};
  r.fields = {{"h1", {"One", "Two"}}, {"none", {}}};
  return r;
}

const std::vector<std::string> kColumns = {
    "url",    "final_url",    "ok",         "status",        "unchanged", "depth",
    "parent", "content_type", "bytes",      "elapsed_ms",    "title",     "description",
    "links",  "fields",       "error_kind", "error_message", "fetched_at", "truncated",
    "sha256", "noindex",      "canonical"};

// The columns before "unchanged" came, as an earlier forage created them.
const std::vector<std::string> kColumnsBeforeUnchanged = {
    "url",           "final_url",  "ok",    "status",      "depth", "parent", "content_type",
    "bytes",         "elapsed_ms", "title", "description", "links", "fields", "error_kind",
    "error_message", "fetched_at"};

TEST_CASE("SQLite output: 1,234 rows over several batches, read back", "[sqlite]") {
  test::TempDir dir;
  std::string path = dir.path() + "/out.db";
  constexpr int kRows = 1234;
  {
    // A clock that stands still: only the row count commits, however slowly
    // the rows come (under valgrind 1,234 take more than kBatchInterval).
    const SqliteSink::Clock::time_point frozen{};
    auto sink = SqliteSink::Open(path, {}, [frozen] { return frozen; });
    REQUIRE(sink.ok());
    for (int i = 0; i < kRows; ++i) {
      Status st = sink.value()->Write(MakeRecord(i));
      INFO(st.message());
      REQUIRE(st.ok());
    }
    // Two batches of 500 are committed and visible to another connection.
    CHECK(Count(path) >= 2 * SqliteSink::kBatchRows);
    REQUIRE(sink.value()->Close().ok());
    CHECK(sink.value()->Close().ok());  // idempotent
    Status late = sink.value()->Write(MakeRecord(0));
    CHECK_FALSE(late.ok());
    CHECK(late.message().find(path) != std::string::npos);
  }
  CHECK(Count(path) == kRows);

  Db db = OpenReader(path);
  CHECK(ColumnNames(db.get()) == kColumns);

  Stmt row = Prepare(db.get(),
                     "SELECT url, final_url, ok, status, depth, parent, content_type, bytes, "
                     "elapsed_ms, title, description, links, fields, error_kind, error_message, "
                     "fetched_at, typeof(ok), typeof(bytes), unchanged, typeof(unchanged) "
                     "FROM pages WHERE url = ?1");
  std::string url;                 // bound without a copy: kept until the next load
  std::optional<SqliteRun> query;  // one run of `row` per load
  auto load = [&](int i) {
    query.reset();
    url = "http://h/" + std::to_string(i);
    query.emplace(row.get());
    REQUIRE(query->Text(url).Step() == SQLITE_ROW);
  };
  sqlite3_stmt* s = row.get();

  load(3);  // an error: most values NULL
  CHECK(*Text(s, 0) == "http://h/3");
  CHECK_FALSE(Text(s, 1));
  CHECK(sqlite3_column_int(s, 2) == 0);
  CHECK_FALSE(Text(s, 3));
  CHECK(sqlite3_column_int(s, 4) == 3);
  CHECK_FALSE(Text(s, 5));
  CHECK_FALSE(Text(s, 6));
  CHECK(sqlite3_column_int64(s, 7) == 3000);
  CHECK(sqlite3_column_int64(s, 8) == 3);
  CHECK_FALSE(Text(s, 9));
  CHECK_FALSE(Text(s, 10));
  CHECK(nlohmann::json::parse(*Text(s, 11)) == nlohmann::json::array());
  CHECK(nlohmann::json::parse(*Text(s, 12)) == nlohmann::json::object());
  CHECK(*Text(s, 13) == "timeout");
  CHECK(*Text(s, 14) == "timed out after 30 s, \"slow\"");
  CHECK(*Text(s, 15) == "2023-11-14T22:13:20.003Z");
  CHECK(*Text(s, 16) == "integer");
  CHECK(*Text(s, 17) == "integer");
  CHECK(sqlite3_column_int(s, 18) == 0);
  CHECK(*Text(s, 19) == "integer");

  load(1000);  // ok, with a title holding invalid UTF-8
  CHECK(*Text(s, 1) == "http://h/1000/");
  CHECK(sqlite3_column_int(s, 2) == 1);
  CHECK(sqlite3_column_int(s, 3) == 200);
  CHECK(sqlite3_column_int(s, 4) == 0);
  CHECK(*Text(s, 5) == "http://h/");
  CHECK(*Text(s, 6) == "text/html");
  CHECK(sqlite3_column_int64(s, 7) == 1000000);
  CHECK(*Text(s, 9) == "Page 1000 caf\xef\xbf\xbd");
  CHECK_FALSE(Text(s, 10));
  CHECK(nlohmann::json::parse(*Text(s, 11)) ==
        nlohmann::json::array({"https://h/a", "https://h/b,\"c\""}));
  CHECK(nlohmann::json::parse(*Text(s, 12)) ==
        nlohmann::json::parse(R"({"h1":["One","Two"],"none":[]})"));
  CHECK_FALSE(Text(s, 13));
  CHECK_FALSE(Text(s, 14));
  CHECK(*Text(s, 15) == "2023-11-14T22:13:21.000Z");
  CHECK(sqlite3_column_int(s, 18) == 0);

  load(1001);  // a 304: unchanged
  CHECK(sqlite3_column_int(s, 3) == 304);
  CHECK(sqlite3_column_int(s, 18) == 1);
  CHECK(*Text(s, 19) == "integer");

  load(kRows - 1);  // the last row, committed only by Close
  CHECK(sqlite3_column_int(s, 4) == (kRows - 1) % 5);
  CHECK_FALSE(Text(s, 9));  // odd: no title

  Stmt index = Prepare(db.get(), "PRAGMA index_list(pages)");
  std::set<std::string> indexes;
  while (sqlite3_step(index.get()) == SQLITE_ROW) indexes.insert(*Text(index.get(), 1));
  CHECK(indexes.count("pages_url") == 1);
  Stmt index_columns = Prepare(db.get(), "PRAGMA index_info(pages_url)");
  REQUIRE(sqlite3_step(index_columns.get()) == SQLITE_ROW);
  CHECK(*Text(index_columns.get(), 2) == "url");

  Stmt mode = Prepare(db.get(), "PRAGMA journal_mode");
  REQUIRE(sqlite3_step(mode.get()) == SQLITE_ROW);
  CHECK(*Text(mode.get(), 0) == "wal");
}

TEST_CASE("SQLite output appends to an existing database", "[sqlite]") {
  test::TempDir dir;
  std::string path = dir.path() + "/out.sqlite";
  for (int run = 0; run < 2; ++run) {
    auto sink = OpenSink(OutputFormat::kSqlite, path, {});
    REQUIRE(sink.ok());
    for (int i = 0; i < 10; ++i) REQUIRE(sink.value()->Write(MakeRecord(run * 10 + i)).ok());
    REQUIRE(sink.value()->Close().ok());
  }
  CHECK(Count(path) == 20);

  SECTION("a later --text run adds the text column") {
    auto sink = OpenSink(OutputFormat::kSqlite, path, SinkOptions{.with_text = true});
    REQUIRE(sink.ok());
    Record r = MakeRecord(100);
    r.text = "Visible text";
    REQUIRE(sink.value()->Write(r).ok());
    REQUIRE(sink.value()->Close().ok());
    Db db = OpenReader(path);
    std::vector<std::string> columns = kColumns;
    columns.push_back("text");  // added at the end
    CHECK(ColumnNames(db.get()) == columns);
    Stmt stmt = Prepare(db.get(), "SELECT count(*), count(text), max(text) FROM pages");
    REQUIRE(sqlite3_step(stmt.get()) == SQLITE_ROW);
    CHECK(sqlite3_column_int(stmt.get(), 0) == 21);
    CHECK(sqlite3_column_int(stmt.get(), 1) == 1);
    CHECK(*Text(stmt.get(), 2) == "Visible text");
  }
}

// A database as forage wrote it before "unchanged": its table, index and one row.
void CreateDatabaseBeforeUnchanged(const std::string& path) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  Db db(raw);
  std::string sql = "CREATE TABLE pages (";
  for (const std::string& column : kColumnsBeforeUnchanged) {
    const bool integer = column == "ok" || column == "status" || column == "depth" ||
                         column == "bytes" || column == "elapsed_ms";
    sql += (sql.back() == '(' ? "" : ", ") + column + (integer ? " INTEGER" : " TEXT");
  }
  sql +=
      "); CREATE INDEX pages_url ON pages (url);"
      "INSERT INTO pages (url, ok, status) VALUES ('http://h/old', 1, 200);";
  INFO(sql);
  REQUIRE(sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
}

TEST_CASE("SQLite output adds the unchanged column to a database from before it", "[sqlite]") {
  test::TempDir dir;
  std::string path = dir.path() + "/old.db";
  CreateDatabaseBeforeUnchanged(path);
  std::vector<std::string> columns = kColumnsBeforeUnchanged;
  SinkOptions options;
  SECTION("without --text") {
    columns.push_back("unchanged");
    columns.push_back("truncated");
    columns.push_back("sha256");
    columns.push_back("noindex");
    columns.push_back("canonical");
  }
  SECTION("with --text, all are added, in the record's order") {
    options.with_text = true;
    columns.push_back("unchanged");
    columns.push_back("text");
    columns.push_back("truncated");
    columns.push_back("sha256");
    columns.push_back("noindex");
    columns.push_back("canonical");
  }
  Record r = MakeRecord(1);
  REQUIRE(r.unchanged);
  {
    auto sink = OpenSink(OutputFormat::kSqlite, path, options);
    INFO((sink.ok() ? "" : sink.status().message()));
    REQUIRE(sink.ok());
    REQUIRE(sink.value()->Write(r).ok());
    REQUIRE(sink.value()->Write(MakeRecord(2)).ok());
    REQUIRE(sink.value()->Close().ok());
  }
  Db db = OpenReader(path);
  CHECK(ColumnNames(db.get()) == columns);
  Stmt stmt = Prepare(db.get(), "SELECT url, unchanged, truncated FROM pages ORDER BY rowid");
  REQUIRE(sqlite3_step(stmt.get()) == SQLITE_ROW);
  CHECK(*Text(stmt.get(), 0) == "http://h/old");
  CHECK_FALSE(Text(stmt.get(), 1));  // older rows: unknown
  CHECK_FALSE(Text(stmt.get(), 2));
  REQUIRE(sqlite3_step(stmt.get()) == SQLITE_ROW);
  CHECK(*Text(stmt.get(), 0) == "http://h/1");
  CHECK(sqlite3_column_type(stmt.get(), 1) == SQLITE_INTEGER);
  CHECK(sqlite3_column_int(stmt.get(), 1) == 1);
  CHECK(*Text(stmt.get(), 2) == "[]");
  REQUIRE(sqlite3_step(stmt.get()) == SQLITE_ROW);
  CHECK(sqlite3_column_int(stmt.get(), 1) == 0);
  CHECK(sqlite3_step(stmt.get()) == SQLITE_DONE);

  // The next run finds every column in place and adds nothing.
  {
    auto sink = OpenSink(OutputFormat::kSqlite, path, options);
    REQUIRE(sink.ok());
    REQUIRE(sink.value()->Write(MakeRecord(4)).ok());
    REQUIRE(sink.value()->Close().ok());
  }
  CHECK(ColumnNames(db.get()) == columns);
  CHECK(Count(path) == 4);
}

TEST_CASE("SQLite output with --text has a text column from the start", "[sqlite]") {
  test::TempDir dir;
  std::string path = dir.path() + "/t.db";
  auto sink = OpenSink(OutputFormat::kSqlite, path, SinkOptions{.with_text = true});
  REQUIRE(sink.ok());
  Record with = MakeRecord(1);
  with.text = "Hello\nworld";
  REQUIRE(sink.value()->Write(with).ok());
  REQUIRE(sink.value()->Write(MakeRecord(3)).ok());
  REQUIRE(sink.value()->Close().ok());
  Db db = OpenReader(path);
  std::vector<std::string> columns = kColumns;
  columns.insert(columns.begin() + 14, "text");
  CHECK(ColumnNames(db.get()) == columns);
  Stmt stmt = Prepare(db.get(), "SELECT text FROM pages ORDER BY rowid");
  REQUIRE(sqlite3_step(stmt.get()) == SQLITE_ROW);
  CHECK(*Text(stmt.get(), 0) == "Hello\nworld");
  REQUIRE(sqlite3_step(stmt.get()) == SQLITE_ROW);
  CHECK_FALSE(Text(stmt.get(), 0));
}

TEST_CASE("SQLite rows are committed after a second even below a full batch", "[sqlite]") {
  test::TempDir dir;
  std::string path = dir.path() + "/slow.db";
  // Time is moved by hand, not waited for.
  SqliteSink::Clock::time_point now{};
  auto sink = SqliteSink::Open(path, {}, [&now] { return now; });
  REQUIRE(sink.ok());
  REQUIRE(sink.value()->Write(MakeRecord(1)).ok());
  CHECK(Count(path) == 0);  // pending in the open transaction
  now += SqliteSink::kBatchInterval - std::chrono::milliseconds(1);
  REQUIRE(sink.value()->Write(MakeRecord(2)).ok());
  CHECK(Count(path) == 0);  // not yet a second
  now += std::chrono::milliseconds(1);
  REQUIRE(sink.value()->Write(MakeRecord(3)).ok());
  CHECK(Count(path) == 3);  // the third's Write committed all three
  REQUIRE(sink.value()->Close().ok());
  CHECK(Count(path) == 3);
}

TEST_CASE("SQLite output fails naming the path", "[sqlite]") {
  test::TempDir dir;
  SECTION("to standard output") {
    for (const char* path : {"-", ""}) {
      auto sink = OpenSink(OutputFormat::kSqlite, path, {});
      REQUIRE_FALSE(sink.ok());
      CHECK(sink.status().message() == "sqlite output needs a file (-o PATH)");
    }
  }
  SECTION("in a missing directory") {
    std::string path = dir.path() + "/missing/out.db";
    auto sink = OpenSink(OutputFormat::kSqlite, path, {});
    REQUIRE_FALSE(sink.ok());
    CHECK(sink.status().message().find(path) != std::string::npos);
    CHECK(sink.status().message().find("unable to open") != std::string::npos);
  }
  SECTION("a file that is not a database") {
    std::string path = dir.Write("notes.db", std::string(4096, 'x'));
    auto sink = OpenSink(OutputFormat::kSqlite, path, {});
    REQUIRE_FALSE(sink.ok());
    CHECK(sink.status().message().find(path) != std::string::npos);
    CHECK(sink.status().message().find("not a database") != std::string::npos);
  }
  SECTION("a pages table that does not fit") {
    std::string path = dir.path() + "/other.db";
    {
      sqlite3* raw = nullptr;
      REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
      Db db(raw);
      REQUIRE(sqlite3_exec(db.get(), "CREATE TABLE pages (id INTEGER)", nullptr, nullptr,
                           nullptr) == SQLITE_OK);
    }
    auto sink = OpenSink(OutputFormat::kSqlite, path, {});
    REQUIRE_FALSE(sink.ok());
    CHECK(sink.status().message().find(path) != std::string::npos);
    CHECK(sink.status().message().find("url") != std::string::npos);
    // Nothing was added to a table that is not ours.
    Db db = OpenReader(path);
    CHECK(ColumnNames(db.get()) == std::vector<std::string>{"id"});
  }
}

}  // namespace
}  // namespace forage
