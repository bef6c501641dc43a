#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/fd.h"
#include "forage/status.h"

namespace forage {

// Bytes kept in order to be read back once: in memory up to a threshold,
// then in an unlinked temporary file (O_TMPFILE in $TMPDIR, else /tmp), so
// that a fetcher holding -c large responses for its WARC records does not
// hold them all in memory.
class ByteSpool {
 public:
  explicit ByteSpool(std::size_t memory_limit = 1u << 20) : memory_limit_(memory_limit) {}

  // False (and the bytes dropped) if the temporary file cannot be written;
  // failure() says why.
  bool Append(std::string_view bytes);
  std::uint64_t size() const { return size_; }
  void Clear();
  const Status& failure() const { return failure_; }

  // Calls `each` with the bytes in order, in pieces.
  Status ForEach(const std::function<void(std::string_view)>& each) const;

 private:
  bool WriteFile(std::string_view bytes);

  std::size_t memory_limit_;
  std::string memory_;
  UniqueFd file_;
  std::uint64_t size_ = 0;
  Status failure_;
};

}  // namespace forage
