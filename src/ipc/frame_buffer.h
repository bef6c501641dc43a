#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace forage {

// Reassembles frames (u32 little-endian length + payload, see wire.h) from a
// byte stream that arrives in arbitrary pieces, such as a non-blocking pipe.
// Not thread-safe; one per stream.
class FrameBuffer {
 public:
  explicit FrameBuffer(std::size_t max_payload);

  void Append(std::string_view bytes);

  enum class State { kFrame, kNeedMore, kCorrupt };
  // On kFrame, `*payload` views the next whole payload; it stays valid until
  // the next call to Append or Next. kCorrupt: a header promised more than
  // max_payload; the stream cannot be trusted after that.
  State Next(std::string_view* payload);

  // Bytes held that do not make a whole frame: at EOF, a torn frame.
  std::size_t PendingBytes() const { return data_.size() - start_; }

 private:
  std::size_t max_payload_;
  std::string data_;
  std::size_t start_ = 0;
};

}  // namespace forage
