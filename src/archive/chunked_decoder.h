#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>

namespace forage {

// Undoes HTTP/1.1 chunked transfer coding (RFC 9112 section 7.1) as the
// bytes come, for the WARC payload digest: a response archived as it
// travelled keeps its chunks, and its payload is the body without them.
// Chunk extensions and trailer fields are skipped. Linear, no allocation.
class ChunkedDecoder {
 public:
  // Feeds raw bytes; `out` is called with each run of payload bytes.
  template <typename Out>
  void Feed(std::string_view raw, Out&& out) {
    while (!raw.empty() && state_ != State::kDone && state_ != State::kError) {
      if (state_ == State::kData) {
        const std::size_t n = static_cast<std::size_t>(
            std::min<std::uint64_t>(remaining_, static_cast<std::uint64_t>(raw.size())));
        out(raw.substr(0, n));
        raw.remove_prefix(n);
        remaining_ -= n;
        if (remaining_ == 0) state_ = State::kDataCr;
        continue;
      }
      Step(raw.front());
      raw.remove_prefix(1);
    }
  }
  // The last chunk and the trailer's end came.
  bool done() const { return state_ == State::kDone; }
  // The bytes are not chunked coding.
  bool failed() const { return state_ == State::kError; }

 private:
  enum class State { kSize, kExtension, kSizeLf, kData, kDataCr, kDataLf, kTrailer, kTrailerLf,
                     kDone, kError };
  void Step(char c);

  State state_ = State::kSize;
  std::uint64_t remaining_ = 0;
  int digits_ = 0;
  bool last_ = false;              // the size line said 0
  std::uint64_t trailer_line_ = 0;  // bytes of the trailer line so far
};

}  // namespace forage
