#include "crawl/job_table.h"

#include <catch2/catch.hpp>

namespace forage {
namespace {

Job Named(const std::string& url) {
  Job j;
  j.input = url;
  j.request_url = url;
  return j;
}

TEST_CASE("JobTable tracks jobs from queue to slot to completion", "[job_table]") {
  JobTable t;
  JobId a = t.Add(Named("a")), b = t.Add(Named("b")), c = t.Add(Named("c"));
  CHECK(a != b);
  t.QueueBack(a);
  t.QueueBack(b);
  t.QueueFront(c);
  CHECK(t.Queued() == 3);
  CHECK(t.PeekQueued() == c);
  t.PopQueued();
  t.Assign(c, 1);
  CHECK(t.AssignedTo(1) == 1);
  CHECK(t.IsAssigned(c, 1));
  CHECK_FALSE(t.IsAssigned(c, 0));
  Job done = t.Complete(c);
  CHECK(done.input == "c");
  CHECK(t.AssignedTo(1) == 0);
  CHECK_FALSE(t.Find(c));
  CHECK(t.size() == 2);
}

TEST_CASE("TakeAssigned hands back a slot's jobs in order", "[job_table]") {
  JobTable t;
  std::vector<JobId> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(t.Add(Named(std::to_string(i))));
    t.Assign(ids.back(), 2);
  }
  t.Complete(ids[1]);
  CHECK(t.TakeAssigned(2) == std::vector<JobId>{ids[0], ids[2], ids[3], ids[4]});
  CHECK(t.AssignedTo(2) == 0);
  CHECK(t.TakeAssigned(7).empty());
  CHECK(t.size() == 4);  // taken jobs are still live until completed
}

}  // namespace
}  // namespace forage
