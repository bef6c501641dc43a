#include "archive/chunked_decoder.h"

namespace forage {

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void ChunkedDecoder::Step(char c) {
  switch (state_) {
    case State::kSize: {
      const int digit = HexDigit(c);
      if (digit >= 0) {
        if (++digits_ > 15) {  // no chunk is 2^60 bytes long
          state_ = State::kError;
          return;
        }
        remaining_ = remaining_ * 16 + static_cast<std::uint64_t>(digit);
        return;
      }
      if (digits_ == 0) {
        state_ = State::kError;
        return;
      }
      last_ = remaining_ == 0;
      if (c == ';' || c == ' ' || c == '\t') {
        state_ = State::kExtension;
      } else if (c == '\r') {
        state_ = State::kSizeLf;
      } else if (c == '\n') {
        Step('\r');
        Step('\n');
      } else {
        state_ = State::kError;
      }
      return;
    }
    case State::kExtension:
      if (c == '\r') state_ = State::kSizeLf;
      if (c == '\n') {
        state_ = State::kSizeLf;
        Step('\n');
      }
      return;
    case State::kSizeLf:
      if (c != '\n') {
        state_ = State::kError;
        return;
      }
      digits_ = 0;
      if (last_) {
        state_ = State::kTrailer;
        trailer_line_ = 0;
      } else {
        state_ = State::kData;
      }
      return;
    case State::kDataCr:
      if (c == '\r') {
        state_ = State::kDataLf;
      } else if (c == '\n') {
        state_ = State::kSize;
        remaining_ = 0;
      } else {
        state_ = State::kError;
      }
      return;
    case State::kDataLf:
      state_ = c == '\n' ? State::kSize : State::kError;
      remaining_ = 0;
      return;
    case State::kTrailer:
      if (c == '\r') {
        state_ = State::kTrailerLf;
      } else if (c == '\n') {
        state_ = trailer_line_ == 0 ? State::kDone : State::kTrailer;
        trailer_line_ = 0;
      } else {
        ++trailer_line_;
      }
      return;
    case State::kTrailerLf:
      if (c != '\n') {
        state_ = State::kError;
        return;
      }
      state_ = trailer_line_ == 0 ? State::kDone : State::kTrailer;
      trailer_line_ = 0;
      return;
    case State::kData:
    case State::kDone:
    case State::kError:
      return;
  }
}

}  // namespace forage
