#include "ipc/work_queue.h"

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <boost/interprocess/exceptions.hpp>
#include <boost/interprocess/file_mapping.hpp>
#include <boost/interprocess/mapped_region.hpp>
#include <boost/lockfree/spsc_queue.hpp>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <new>

#include "core/errno_status.h"
#include "core/fd.h"
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
  // The fetcher's last sign of life (steady clock, ms; 0: none yet).
  std::atomic<std::int64_t> alive_ms{0};
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
  ring_->alive_ms.store(now_ms, std::memory_order_relaxed);
  ring_->parse_since_ms.store(now_ms, std::memory_order_relaxed);
  ring_->parse_job.store(job, std::memory_order_release);
}

void WorkQueue::EndParse(std::int64_t now_ms) {
  ring_->alive_ms.store(now_ms, std::memory_order_relaxed);
  ring_->parse_job.store(0, std::memory_order_release);
}

void WorkQueue::Heartbeat(std::int64_t now_ms) {
  ring_->alive_ms.store(now_ms, std::memory_order_relaxed);
}

std::int64_t WorkQueue::LastHeartbeat() const {
  return ring_->alive_ms.load(std::memory_order_relaxed);
}

WorkQueue::Parsing WorkQueue::CurrentParse() const {
  Parsing p;
  p.job = ring_->parse_job.load(std::memory_order_acquire);
  p.since_ms = ring_->parse_since_ms.load(std::memory_order_relaxed);
  return p;
}

// One slot's ring: its memfd and the mapping of it.
struct WorkQueueRegion::Mapping {
  UniqueFd fd;
  boost::interprocess::mapped_region region;
};

namespace {

// Maps the whole of memfd `fd` (kSlotBytes) read-write and shared. Boost maps
// by path, and /proc/self/fd/N opens the memfd itself.
Status MapRing(int fd, boost::interprocess::mapped_region* region) {
  try {
    boost::interprocess::file_mapping file(("/proc/self/fd/" + std::to_string(fd)).c_str(),
                                           boost::interprocess::read_write);
    *region = boost::interprocess::mapped_region(file, boost::interprocess::read_write, 0,
                                                 kSlotBytes);
  } catch (const boost::interprocess::interprocess_exception& e) {
    // Mapping a memfd this process just made fails for want of memory or
    // address space.
    return Status::ResourceExhausted(std::string("cannot map shared memory for a work queue: ") +
                                     e.what());
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<WorkQueueRegion>> WorkQueueRegion::Create(std::size_t slots) {
  std::vector<Mapping> mappings(slots);
  for (Mapping& m : mappings) {
    m.fd.Reset(::memfd_create("forage-work-queue", MFD_CLOEXEC));
    if (!m.fd || ::ftruncate(m.fd.get(), static_cast<off_t>(kSlotBytes)) != 0) {
      return ErrnoStatus("cannot make shared memory for the work queues", errno);
    }
    if (Status st = MapRing(m.fd.get(), &m.region); !st.ok()) return st;
    // Touch every page now: where memory is short, a failure shows here
    // rather than as SIGBUS in the middle of a run.
    std::memset(m.region.get_address(), 0, m.region.get_size());
  }
  std::unique_ptr<WorkQueueRegion> region(new WorkQueueRegion(std::move(mappings)));
  for (std::size_t i = 0; i < slots; ++i) region->Reset(i);
  return region;
}

Result<std::unique_ptr<WorkQueueRegion>> WorkQueueRegion::Attach(int fd) {
  std::vector<Mapping> mappings(1);
  if (Status st = MapRing(fd, &mappings[0].region); !st.ok()) return st;
  return std::unique_ptr<WorkQueueRegion>(new WorkQueueRegion(std::move(mappings)));
}

WorkQueueRegion::WorkQueueRegion(std::vector<Mapping> mappings)
    : mappings_(std::move(mappings)) {}
WorkQueueRegion::~WorkQueueRegion() = default;  // the ring is trivially destructible bytes

int WorkQueueRegion::Fd(std::size_t slot) const { return mappings_[slot].fd.get(); }

WorkQueue WorkQueueRegion::Queue(std::size_t slot) {
  assert(slot < mappings_.size());
  auto* base = static_cast<char*>(mappings_[slot].region.get_address());
  return WorkQueue(std::launder(reinterpret_cast<WorkRing*>(base)));
}

void WorkQueueRegion::Reset(std::size_t slot) {
  assert(slot < mappings_.size());
  new (mappings_[slot].region.get_address()) WorkRing();
}

}  // namespace forage
