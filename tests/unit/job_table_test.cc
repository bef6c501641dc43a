#include "crawl/job_table.h"

#include <catch2/catch.hpp>

namespace forage {
namespace {

Job Named(const std::string& url) {
  Job j;
  j.input = url;
  return j;
}

TEST_CASE("JobTable tracks which slot holds a job until it completes", "[job_table]") {
  JobTable t;
  JobId a = t.Add(Named("a")), b = t.Add(Named("b"));
  CHECK(a != b);
  t.Assign(b, 1);
  CHECK(t.AssignedTo(1) == 1);
  CHECK(t.IsAssigned(b, 1));
  CHECK_FALSE(t.IsAssigned(b, 0));
  CHECK_FALSE(t.IsAssigned(a, 1));
  Job done = t.Complete(b);
  CHECK(done.input == "b");
  CHECK(t.AssignedTo(1) == 0);
  CHECK_FALSE(t.Find(b));
  CHECK(t.size() == 1);
  CHECK(t.LiveIds() == std::vector<JobId>{a});
}

TEST_CASE("Release frees a job from its slot and keeps it live", "[job_table]") {
  JobTable t;
  JobId a = t.Add(Named("a"));
  t.Assign(a, 0);
  t.Release(a);
  CHECK(t.AssignedTo(0) == 0);
  CHECK(t.Find(a));
  t.Assign(a, 2);  // may be held again, elsewhere
  CHECK(t.IsAssigned(a, 2));
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
  CHECK_FALSE(t.Find(ids[0])->slot);
}

}  // namespace
}  // namespace forage
