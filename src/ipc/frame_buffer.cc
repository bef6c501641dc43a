#include "ipc/frame_buffer.h"

#include <cstdint>

#include "ipc/wire.h"

namespace forage {

FrameBuffer::FrameBuffer(std::size_t max_payload) : max_payload_(max_payload) {}

void FrameBuffer::Append(std::string_view bytes) {
  // Drop consumed bytes before growing, so the buffer holds at most one
  // partial frame plus what arrived since.
  if (start_ > 0) {
    data_.erase(0, start_);
    start_ = 0;
  }
  data_.append(bytes);
}

FrameBuffer::State FrameBuffer::Next(std::string_view* payload) {
  std::size_t avail = data_.size() - start_;
  if (avail < wire::kFrameHeaderBytes) return State::kNeedMore;
  std::uint32_t n = 0;
  for (int i = 0; i < 4; ++i) {
    n |= std::uint32_t{static_cast<unsigned char>(data_[start_ + i])} << (8 * i);
  }
  if (n > max_payload_) return State::kCorrupt;
  if (avail < wire::kFrameHeaderBytes + n) return State::kNeedMore;
  *payload = std::string_view(data_).substr(start_ + wire::kFrameHeaderBytes, n);
  start_ += wire::kFrameHeaderBytes + n;
  return State::kFrame;
}

}  // namespace forage
