#include "crawl/seen_set.h"

namespace forage {
namespace {

// 0 marks an empty slot, so a fingerprint of 0 is stored as this instead; the
// two then count as one URL, which costs one more 2^-64 chance of a collision.
constexpr std::uint64_t kZero = 0x9e3779b97f4a7c15ull;

std::uint64_t Key(std::uint64_t fingerprint) { return fingerprint ? fingerprint : kZero; }

}  // namespace

SeenSet::SeenSet() : slots_(1024, 0) {}

std::size_t SeenSet::Find(std::uint64_t key) const {
  const std::size_t mask = slots_.size() - 1;  // the size is a power of two
  std::size_t i = static_cast<std::size_t>(key) & mask;
  while (slots_[i] != 0 && slots_[i] != key) i = (i + 1) & mask;
  return i;
}

bool SeenSet::Insert(std::uint64_t fingerprint) {
  std::uint64_t key = Key(fingerprint);
  std::size_t i = Find(key);
  if (slots_[i] == key) return false;
  slots_[i] = key;
  if (++size_ * 4 > slots_.size() * 3) Grow();
  return true;
}

bool SeenSet::Contains(std::uint64_t fingerprint) const {
  std::uint64_t key = Key(fingerprint);
  return slots_[Find(key)] == key;
}

void SeenSet::Grow() {
  std::vector<std::uint64_t> old(slots_.size() * 2, 0);
  old.swap(slots_);
  for (std::uint64_t key : old) {
    if (key != 0) slots_[Find(key)] = key;
  }
}

}  // namespace forage
