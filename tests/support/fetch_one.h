#pragma once

// Drives a Fetcher (fetch/fetcher.h) in the test's own thread, without a
// process or a work queue, for unit tests of what one job brings back.

#include <catch2/catch.hpp>
#include <chrono>
#include <utility>
#include <vector>

#include "fetch/fetcher.h"

namespace forage::test {

// Runs `job` to its result, or fails the test after `timeout`.
inline wire::FetchResult FetchOne(Fetcher& fetcher, wire::FetchJob job,
                                  std::chrono::seconds timeout = std::chrono::seconds(20)) {
  fetcher.Start(std::move(job));
  std::vector<wire::FetchResult> done;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (done.empty()) {
    INFO("the fetcher never finished the job");
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    fetcher.Perform(&done);
    if (done.empty()) REQUIRE(fetcher.Wait(-1, 100, nullptr).ok());
  }
  REQUIRE(done.size() == 1);
  return std::move(done.front());
}

}  // namespace forage::test
