#include "crawl/job_table.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace forage {

JobId JobTable::Add(Job job) {
  job.id = next_id_++;
  JobId id = job.id;
  jobs_.emplace(id, std::move(job));
  return id;
}

Job* JobTable::Find(JobId id) {
  auto it = jobs_.find(id);
  return it == jobs_.end() ? nullptr : &it->second;
}

std::optional<JobId> JobTable::PeekQueued() const {
  if (queued_.empty()) return std::nullopt;
  return queued_.front();
}

void JobTable::Assign(JobId id, std::size_t slot) {
  if (assigned_.size() <= slot) assigned_.resize(slot + 1);
  assigned_[slot].push_back(id);
  jobs_.at(id).slot = slot;
}

std::size_t JobTable::AssignedTo(std::size_t slot) const {
  return slot < assigned_.size() ? assigned_[slot].size() : 0;
}

bool JobTable::IsAssigned(JobId id, std::size_t slot) const {
  auto it = jobs_.find(id);
  return it != jobs_.end() && it->second.slot == slot;
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
  Job job = std::move(it->second);
  jobs_.erase(it);
  if (job.slot) {
    auto& held = assigned_[*job.slot];
    held.erase(std::find(held.begin(), held.end(), id));
  }
  return job;
}

}  // namespace forage
