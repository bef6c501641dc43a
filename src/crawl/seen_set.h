#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace forage {

// The set of URL fingerprints (UrlFingerprint) a run has scheduled. Open
// addressing with linear probing over a flat array of 64-bit values, kept
// between 3/8 and 3/4 full: 11 to 22 bytes per URL, against some 100 for a
// hash set of strings. Two URLs whose fingerprints collide count as one (about one chance
// in 3.6 million for a crawl of 10 million URLs). Master only.
class SeenSet {
 public:
  SeenSet();
  // Adds `fingerprint`; false if it was already there.
  bool Insert(std::uint64_t fingerprint);
  bool Contains(std::uint64_t fingerprint) const;
  std::size_t size() const { return size_; }
  // Bytes held by the table.
  std::size_t MemoryBytes() const { return slots_.size() * sizeof(std::uint64_t); }

 private:
  std::size_t Find(std::uint64_t key) const;  // its slot, or the empty one where it would go
  void Grow();
  std::vector<std::uint64_t> slots_;  // 0 = empty (a real 0 is stored as kZero)
  std::size_t size_ = 0;
};

}  // namespace forage
