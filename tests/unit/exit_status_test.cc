#include "cli/exit_status.h"

#include <catch2/catch.hpp>
#include <vector>

namespace forage {
namespace {

// The README's "Exit status" table, as a function of a failure's code and
// the stage of the run it came at.
TEST_CASE("Failures map to the documented exit statuses by code and stage", "[exit_status]") {
  struct Case {
    Status failure;
    RunStage stage;
    int exit_status;
    const char* example;
  };
  const std::vector<Case> cases = {
      {Status(), RunStage::kSetup, kExitOk, "nothing failed"},
      {Status(), RunStage::kPublish, kExitOk, "nothing failed"},
      // 2: before anything is fetched.
      {Status::InvalidArgument("x"), RunStage::kSetup, kExitUsage, "a bad --include pattern"},
      {Status::NotFound("x"), RunStage::kSetup, kExitUsage, "a missing input file"},
      {Status::IOError("x"), RunStage::kSetup, kExitUsage, "an output that cannot be opened"},
      {Status::Corrupt("x"), RunStage::kSetup, kExitUsage, "a --state that is no forage state"},
      {Status::NotSupported("x"), RunStage::kSetup, kExitUsage, "a state of a newer forage"},
      {Status::ResourceExhausted("x"), RunStage::kSetup, kExitUsage, "no descriptor left"},
      // 3: another run holds the lock or the state, wherever that shows.
      {Status::Busy("x"), RunStage::kSetup, kExitLocked, "--lock held"},
      {Status::Busy("x"), RunStage::kCrawl, kExitLocked, "--state held"},
      // 4: the crawl could not go on.
      {Status::ResourceExhausted("x"), RunStage::kCrawl, kExitFatal, "fork failed"},
      {Status::NotFound("x"), RunStage::kCrawl, kExitFatal, "no fetcher program"},
      {Status::IOError("x"), RunStage::kCrawl, kExitFatal, "the state cannot be written"},
      {Status::Corrupt("x"), RunStage::kCrawl, kExitFatal, "the queue file reads back damaged"},
      {Status::InvalidArgument("x"), RunStage::kCrawl, kExitUsage,
       "options Run() refused, or settings a shared crawl refused"},
      // 1: the records are out but could not all be written or published.
      {Status::IOError("x"), RunStage::kPublish, kExitSomeFailed, "disk full under the output"},
      {Status::ResourceExhausted("x"), RunStage::kPublish, kExitSomeFailed, "EAGAIN on a pipe"},
      {Status::IOError("x"), RunStage::kPublish, kExitSomeFailed, "--stats cannot be written"},
  };
  for (const Case& c : cases) {
    INFO(c.example << " (" << StatusCodeName(c.failure.code()) << ")");
    CHECK(ExitStatusFor(c.failure, c.stage) == c.exit_status);
  }
}

TEST_CASE("A run that went to its end exits by its records", "[exit_status]") {
  CrawlSummary s;
  CHECK(ExitStatusFor(s) == kExitOk);
  s.skipped = 3;  // robots, out_of_scope: not failures
  CHECK(ExitStatusFor(s) == kExitOk);
  s.failed = 1;
  CHECK(ExitStatusFor(s) == kExitSomeFailed);
  s.interrupted = true;
  CHECK(ExitStatusFor(s) == kExitInterrupted);
  s.failed = 0;
  CHECK(ExitStatusFor(s) == kExitInterrupted);
  // Stopped at --max-time: its own status, failed records or not.
  s.max_time_reached = true;
  CHECK(ExitStatusFor(s) == kExitMaxTime);
  s.failed = 2;
  CHECK(ExitStatusFor(s) == kExitMaxTime);
}

TEST_CASE("The exit statuses keep their documented numbers", "[exit_status]") {
  CHECK(kExitOk == 0);
  CHECK(kExitSomeFailed == 1);
  CHECK(kExitUsage == 2);
  CHECK(kExitLocked == 3);
  CHECK(kExitFatal == 4);
  CHECK(kExitMaxTime == 5);
  CHECK(kExitInterrupted == 130);
}

}  // namespace
}  // namespace forage
