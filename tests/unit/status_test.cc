#include "forage/status.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <functional>
#include <vector>

#include "core/errno_status.h"
#include "core/sqlite_status.h"

namespace forage {
namespace {

TEST_CASE("Each named constructor gives its code, and only its predicate holds", "[status]") {
  struct Case {
    Status status;
    StatusCode code;
    std::string_view name;
  };
  const std::vector<Case> cases = {
      {Status::InvalidArgument("m"), StatusCode::kInvalidArgument, "invalid argument"},
      {Status::NotFound("m"), StatusCode::kNotFound, "not found"},
      {Status::IOError("m"), StatusCode::kIOError, "I/O error"},
      {Status::Busy("m"), StatusCode::kBusy, "busy"},
      {Status::Corrupt("m"), StatusCode::kCorrupt, "corrupt"},
      {Status::NotSupported("m"), StatusCode::kNotSupported, "not supported"},
      {Status::ResourceExhausted("m"), StatusCode::kResourceExhausted, "resource exhausted"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    CHECK_FALSE(c.status.ok());
    CHECK(c.status.code() == c.code);
    CHECK(StatusCodeName(c.status.code()) == c.name);
    CHECK(c.status.message() == "m");
    const int holding = c.status.IsInvalidArgument() + c.status.IsNotFound() +
                        c.status.IsIOError() + c.status.IsBusy() + c.status.IsCorrupt() +
                        c.status.IsNotSupported() + c.status.IsResourceExhausted();
    CHECK(holding == 1);
  }
  const Status ok;
  CHECK(ok.ok());
  CHECK(ok.code() == StatusCode::kOk);
  CHECK(ok.message().empty());
  CHECK(StatusCodeName(StatusCode::kOk) == "ok");
}

TEST_CASE("A prefixed Status keeps its code and puts the context first", "[status]") {
  const Status busy = Status::Busy("another run").Prefixed("state.db");
  CHECK(busy.IsBusy());
  CHECK(busy.message() == "state.db: another run");
  CHECK(Status().Prefixed("anything").ok());
  CHECK(Status().Prefixed("anything").message().empty());

  Result<int> failed = Status::NotFound("gone");
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().IsNotFound());
  Result<int> value = 7;
  REQUIRE(value.ok());
  CHECK(value.value() == 7);
}

TEST_CASE("errno becomes a code in one place", "[status]") {
  struct Case {
    int err;
    StatusCode code;
  };
  const std::vector<Case> cases = {
      {ENOENT, StatusCode::kNotFound},
      {ENOTDIR, StatusCode::kNotFound},
      {EISDIR, StatusCode::kInvalidArgument},
      {ENOMEM, StatusCode::kResourceExhausted},
      {EMFILE, StatusCode::kResourceExhausted},
      {ENFILE, StatusCode::kResourceExhausted},
      {EAGAIN, StatusCode::kResourceExhausted},
      {ENOBUFS, StatusCode::kResourceExhausted},
      {ENOSPC, StatusCode::kIOError},
      {EDQUOT, StatusCode::kIOError},
      {EACCES, StatusCode::kIOError},
      {EPIPE, StatusCode::kIOError},
      {EIO, StatusCode::kIOError},
  };
  for (const Case& c : cases) {
    INFO(std::strerror(c.err));
    const Status st = ErrnoStatus("open x", c.err);
    CHECK(StatusCodeName(st.code()) == StatusCodeName(c.code));
    CHECK(st.message() == std::string("open x: ") + std::strerror(c.err));
  }
  CHECK(ErrnoStatus("", ENOENT).message() == std::strerror(ENOENT));
}

TEST_CASE("SQLite result codes become codes in one place", "[status]") {
  struct Case {
    int rc;
    StatusCode code;
  };
  const std::vector<Case> cases = {
      {SQLITE_CORRUPT, StatusCode::kCorrupt},
      {SQLITE_NOTADB, StatusCode::kCorrupt},
      {SQLITE_CORRUPT_INDEX, StatusCode::kCorrupt},  // extended codes by their primary
      {SQLITE_NOMEM, StatusCode::kResourceExhausted},
      {SQLITE_FULL, StatusCode::kIOError},
      {SQLITE_IOERR_WRITE, StatusCode::kIOError},
      {SQLITE_BUSY, StatusCode::kIOError},  // not another forage run: see sqlite_status.h
      {SQLITE_CANTOPEN, StatusCode::kIOError},
  };
  for (const Case& c : cases) {
    INFO(sqlite3_errstr(c.rc));
    const Status st = SqliteStatus(c.rc, "db: write: " + std::string(sqlite3_errstr(c.rc)));
    CHECK(StatusCodeName(st.code()) == StatusCodeName(c.code));
  }
}

}  // namespace
}  // namespace forage
