#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace forage {

using JobId = std::uint64_t;

// One scheduled URL, from admission until its record is written.
struct Job {
  JobId id = 0;
  std::string input;        // the URL as given, for the record's "url"
  std::string request_url;  // what the fetcher requests
  std::string where;        // input position, for messages
  int depth = 0;
  std::optional<std::string> parent;
  int deaths = 0;                   // fetcher deaths this job was in flight for
  std::optional<std::size_t> slot;  // the fetcher holding it, if any
};

// Every live job and where it is: queued in the master, or assigned to a
// fetcher slot (pushed to its ring or in flight there) until its result
// arrives. The master's private memory is the truth about who holds what.
// Master only; not thread-safe.
class JobTable {
 public:
  JobId Add(Job job);
  Job* Find(JobId id);
  bool Empty() const { return jobs_.empty(); }
  std::size_t size() const { return jobs_.size(); }

  void QueueBack(JobId id) { queued_.push_back(id); }
  void QueueFront(JobId id) { queued_.push_front(id); }
  std::size_t Queued() const { return queued_.size(); }
  std::optional<JobId> PeekQueued() const;
  void PopQueued() { queued_.pop_front(); }

  // `id` must be live and neither queued nor assigned.
  void Assign(JobId id, std::size_t slot);
  std::size_t AssignedTo(std::size_t slot) const;
  // Whether `id` is live and held by `slot`.
  bool IsAssigned(JobId id, std::size_t slot) const;
  // Everything `slot` held, in assignment order; the jobs become unassigned
  // (neither queued nor held) until the caller requeues or completes them.
  std::vector<JobId> TakeAssigned(std::size_t slot);

  // Removes a live job for good and returns it. Each job is completed exactly
  // once; completing an unknown job is a bug (asserted).
  Job Complete(JobId id);

 private:
  std::unordered_map<JobId, Job> jobs_;
  std::deque<JobId> queued_;
  std::vector<std::vector<JobId>> assigned_;  // per slot; small (<= concurrency)
  JobId next_id_ = 1;
};

}  // namespace forage
