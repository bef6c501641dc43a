#include "crawl/job_table.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace forage {

JobId JobTable::Add(Job job) {
  if (job.id == 0) job.id = next_id_++;
  JobId id = job.id;
  [[maybe_unused]] bool fresh = jobs_.emplace(id, std::move(job)).second;
  assert(fresh && "a job id is live in one table at a time");
  return id;
}

Job* JobTable::Find(JobId id) {
  auto it = jobs_.find(id);
  return it == jobs_.end() ? nullptr : &it->second;
}

std::vector<JobId> JobTable::LiveIds() const {
  std::vector<JobId> ids;
  ids.reserve(jobs_.size());
  for (const auto& [id, job] : jobs_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

void JobTable::Assign(JobId id, std::size_t slot) {
  if (assigned_.size() <= slot) assigned_.resize(slot + 1);
  Job& job = jobs_.at(id);
  assert(!job.slot && "a job is held by one slot at a time");
  assigned_[slot].push_back(id);
  job.slot = slot;
}

std::size_t JobTable::AssignedTo(std::size_t slot) const {
  return slot < assigned_.size() ? assigned_[slot].size() : 0;
}

bool JobTable::IsAssigned(JobId id, std::size_t slot) const {
  auto it = jobs_.find(id);
  return it != jobs_.end() && it->second.slot == slot;
}

void JobTable::Release(JobId id) {
  Job& job = jobs_.at(id);
  if (!job.slot) return;
  auto& held = assigned_[*job.slot];
  held.erase(std::find(held.begin(), held.end(), id));
  job.slot.reset();
}

std::vector<JobId> JobTable::TakeAssigned(std::size_t slot) {
  if (slot >= assigned_.size()) return {};
  std::vector<JobId> held = std::exchange(assigned_[slot], {});
  for (JobId id : held) jobs_.at(id).slot.reset();
  return held;
}

Job JobTable::Complete(JobId id) {
  auto it = jobs_.find(id);
  assert(it != jobs_.end() && "a job completes exactly once");
  Release(id);
  Job job = std::move(it->second);
  jobs_.erase(it);
  return job;
}

}  // namespace forage
