#include "crawl/scheduler.h"

#include <algorithm>

#include "core/host_match.h"

namespace forage {

// Each host with work is listed exactly once: in ready_ (may start, as far as
// we knew when listing it) or in waiting_ (may start at a known time). Entries
// are checked again when taken out, so changes after listing (a pause, a
// block, a full host) never need the entry to be found and removed.

Scheduler::Scheduler(Limits limits) : limits_(std::move(limits)) {}

std::size_t Scheduler::HostIndex(std::string_view host) {
  auto [it, added] = index_.try_emplace(std::string(host), hosts_.size());
  if (added) {
    Host h;
    h.name = std::string(host);
    h.delay = limits_.delay;
    h.per_host = limits_.per_host;
    if (const HostSettings* table = MatchHostSettings(limits_.hosts, host)) {
      if (table->per_host) h.per_host = *table->per_host;
      if (table->delay) h.delay = *table->delay;
    }
    hosts_.push_back(std::move(h));
  }
  return it->second;
}

bool Scheduler::CanStart(const Host& h) const {
  return !h.queue.empty() && h.in_flight < h.per_host && !h.unconfirmed &&
         (h.blocks == 0 || h.priority > 0);
}

void Scheduler::Confirm(std::size_t index, TimePoint at) {
  Host& h = hosts_[index];
  h.unconfirmed.reset();
  h.last_start = h.last_start ? std::max(*h.last_start, at) : at;
  if (h.delay.count() > 0) h.next_start = std::max(h.next_start, at + h.delay);
}

void Scheduler::List(std::size_t index, TimePoint now) {
  Host& h = hosts_[index];
  if (h.listed || !CanStart(h)) return;
  h.listed = true;
  if (h.next_start > now) {
    waiting_.push({h.next_start, index});
  } else {
    ready_.push_back(index);
  }
}

void Scheduler::Enqueue(std::uint64_t job, std::string_view host, bool front) {
  std::size_t i = HostIndex(host);
  Host& h = hosts_[i];
  if (front) {
    h.queue.push_front(job);
    ++h.priority;
  } else {
    h.queue.push_back(job);
  }
  ++queued_;
  List(i, {});
}

void Scheduler::EnqueueAt(std::uint64_t job, std::string_view host, TimePoint not_before,
                          bool front) {
  timed_.push({not_before, job, HostIndex(host), front});
}

std::optional<Scheduler::Ready> Scheduler::NextReady(TimePoint now) {
  while (!timed_.empty() && timed_.top().at <= now) {
    Timed t = timed_.top();
    timed_.pop();
    Host& h = hosts_[t.host];
    if (t.front) {
      h.queue.push_front(t.job);
      ++h.priority;
    } else {
      h.queue.push_back(t.job);
    }
    ++queued_;
    List(t.host, now);
  }
  while (!waiting_.empty() && waiting_.top().at <= now) {
    ready_.push_back(waiting_.top().host);  // still listed: it moves, it is not added
    waiting_.pop();
  }
  for (std::size_t n = ready_.size(); n > 0; --n) {
    std::size_t i = ready_.front();
    ready_.pop_front();
    Host& h = hosts_[i];
    h.listed = false;
    if (!CanStart(h)) continue;  // Finished, Enqueue or Unblock lists it again
    if (h.next_start > now) {
      h.listed = true;
      waiting_.push({h.next_start, i});
      continue;
    }
    std::uint64_t job = h.queue.front();
    h.queue.pop_front();
    if (h.priority > 0) --h.priority;
    --queued_;
    ++h.in_flight;
    if (!h.last_start || *h.last_start < now) h.last_start = now;
    // The request goes out some time from now: the delay is counted once
    // it is known when (Started, Finished). Without a delay nothing waits.
    const bool confirm = h.delay.count() > 0;
    if (confirm) {
      h.unconfirmed = job;
      h.next_start = std::max(h.next_start, now + h.delay);
    }
    List(i, now);  // to the back of the ring: hosts take turns
    return Ready{job, h.name, confirm};
  }
  return std::nullopt;
}

void Scheduler::Started(std::string_view host, std::uint64_t job, TimePoint sent) {
  auto it = index_.find(std::string(host));
  if (it == index_.end() || hosts_[it->second].unconfirmed != job) return;
  Confirm(it->second, sent);
  List(it->second, sent);
}

void Scheduler::Finished(std::string_view host, std::uint64_t job, TimePoint now) {
  auto it = index_.find(std::string(host));
  if (it == index_.end()) return;
  Host& h = hosts_[it->second];
  if (h.in_flight > 0) --h.in_flight;
  // Whatever requests the job made went out before now: a later delay
  // (Crawl-delay, learnt from this very job's robots.txt) counts from here.
  if (h.unconfirmed == job) {
    Confirm(it->second, now);
  } else if (!h.last_start || *h.last_start < now) {
    h.last_start = now;
  }
  List(it->second, now);
}

std::optional<TimePoint> Scheduler::NextDeadline() const {
  std::optional<TimePoint> out;
  if (!waiting_.empty()) out = waiting_.top().at;
  if (!timed_.empty() && (!out || timed_.top().at < *out)) out = timed_.top().at;
  return out;
}

void Scheduler::PauseHost(std::string_view host, TimePoint until) {
  Host& h = hosts_[HostIndex(host)];
  h.next_start = std::max(h.next_start, until);
}

void Scheduler::SetHostDelay(std::string_view host, std::chrono::milliseconds delay) {
  Host& h = hosts_[HostIndex(host)];
  h.delay = std::max(h.delay, delay);
  if (h.last_start) h.next_start = std::max(h.next_start, *h.last_start + h.delay);
}

void Scheduler::Block(std::string_view host) { ++hosts_[HostIndex(host)].blocks; }

void Scheduler::Unblock(std::string_view host, TimePoint now) {
  std::size_t i = HostIndex(host);
  if (hosts_[i].blocks > 0) --hosts_[i].blocks;
  List(i, now);
}

std::size_t Scheduler::InFlight(std::string_view host) const {
  auto it = index_.find(std::string(host));
  return it == index_.end() ? 0 : static_cast<std::size_t>(hosts_[it->second].in_flight);
}

}  // namespace forage
