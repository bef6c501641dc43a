#include "ipc/work_queue.h"

#include <atomic>
#include <boost/interprocess/anonymous_shared_memory.hpp>
#include <boost/interprocess/exceptions.hpp>
#include <boost/interprocess/mapped_region.hpp>
#include <boost/lockfree/spsc_queue.hpp>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <new>

#include "ipc/wire.h"

namespace forage {

// The ring must work across processes: only lock-free (hence address-free)
// atomics, and inline storage (compile-time capacity, no allocator).
static_assert(std::atomic<std::size_t>::is_always_lock_free);

static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
static_assert(std::atomic<std::int64_t>::is_always_lock_free);

struct WorkRing {
  boost::lockfree::spsc_queue<char, boost::lockfree::capacity<WorkQueue::kCapacityBytes>> bytes;
  // Written by the fetcher, read by the master. The job is stored after the
  // time, so a reader that sees the job sees a time at least as new.
  std::atomic<std::int64_t> parse_since_ms{0};
  std::atomic<std::uint64_t> parse_job{0};
};

namespace {

constexpr std::size_t kPage = 4096;
constexpr std::size_t kSlotBytes = (sizeof(WorkRing) + kPage - 1) / kPage * kPage;

}  // namespace

bool WorkQueue::TryPush(std::string_view frame) {
  // Single producer: the free space only grows between this check and the
  // push, and push() publishes the new tail once, after copying every byte.
  if (ring_->bytes.write_available() < frame.size()) return false;
  std::size_t pushed = ring_->bytes.push(frame.data(), frame.size());
  return pushed == frame.size();
}

bool WorkQueue::TryPop(std::string* payload) {
  // Frames are published whole, so a visible header means a whole frame.
  if (ring_->bytes.read_available() < wire::kFrameHeaderBytes) return false;
  unsigned char header[wire::kFrameHeaderBytes];
  ring_->bytes.pop(reinterpret_cast<char*>(header), sizeof header);
  std::uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n |= std::uint32_t{header[i]} << (8 * i);
  payload->resize(n);
  return ring_->bytes.pop(payload->data(), n) == n;
}

void WorkQueue::BeginParse(std::uint64_t job, std::int64_t now_ms) {
  ring_->parse_since_ms.store(now_ms, std::memory_order_relaxed);
  ring_->parse_job.store(job, std::memory_order_release);
}

void WorkQueue::EndParse() { ring_->parse_job.store(0, std::memory_order_release); }

WorkQueue::Parsing WorkQueue::CurrentParse() const {
  Parsing p;
  p.job = ring_->parse_job.load(std::memory_order_acquire);
  p.since_ms = ring_->parse_since_ms.load(std::memory_order_relaxed);
  return p;
}

struct WorkQueueRegion::Mapping {
  boost::interprocess::mapped_region region;
};

Result<std::unique_ptr<WorkQueueRegion>> WorkQueueRegion::Create(std::size_t slots) {
  auto mapping = std::make_unique<Mapping>();
  try {
    mapping->region = boost::interprocess::anonymous_shared_memory(kSlotBytes * slots);
  } catch (const boost::interprocess::interprocess_exception& e) {
    return Status::Error(std::string("cannot map shared memory for the work queues: ") + e.what());
  }
  // Touch every page now: where /dev/shm is small, a failure shows here
  // rather than as SIGBUS in the middle of a run.
  std::memset(mapping->region.get_address(), 0, mapping->region.get_size());
  std::unique_ptr<WorkQueueRegion> region(new WorkQueueRegion(std::move(mapping), slots));
  for (std::size_t i = 0; i < slots; ++i) region->Reset(i);
  return region;
}

WorkQueueRegion::WorkQueueRegion(std::unique_ptr<Mapping> mapping, std::size_t slots)
    : mapping_(std::move(mapping)), slots_(slots) {}

WorkQueueRegion::~WorkQueueRegion() = default;  // the ring is trivially destructible bytes

WorkQueue WorkQueueRegion::Queue(std::size_t slot) {
  assert(slot < slots_);
  auto* base = static_cast<char*>(mapping_->region.get_address());
  return WorkQueue(std::launder(reinterpret_cast<WorkRing*>(base + slot * kSlotBytes)));
}

void WorkQueueRegion::Reset(std::size_t slot) {
  assert(slot < slots_);
  auto* base = static_cast<char*>(mapping_->region.get_address());
  new (base + slot * kSlotBytes) WorkRing();
}

}  // namespace forage
