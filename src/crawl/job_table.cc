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
}

std::size_t JobTable::AssignedTo(std::size_t slot) const {
  return slot < assigned_.size() ? assigned_[slot].size() : 0;
}

bool JobTable::IsAssigned(JobId id, std::size_t slot) const {
  if (slot >= assigned_.size()) return false;
  const auto& held = assigned_[slot];
  return std::find(held.begin(), held.end(), id) != held.end();
}

std::vector<JobId> JobTable::TakeAssigned(std::size_t slot) {
  if (slot >= assigned_.size()) return {};
  return std::exchange(assigned_[slot], {});
}

Job JobTable::Complete(JobId id) {
  auto it = jobs_.find(id);
  assert(it != jobs_.end() && "a job completes exactly once");
  Job job = std::move(it->second);
  jobs_.erase(it);
  for (auto& held : assigned_) {
    auto pos = std::find(held.begin(), held.end(), id);
    if (pos != held.end()) {
      held.erase(pos);
      break;
    }
  }
  return job;
}

}  // namespace forage
