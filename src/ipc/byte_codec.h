#pragma once

// Little-endian integers and length-prefixed strings in a byte string: the
// encoding of every message that crosses a process boundary (ipc/wire.h)
// and of what the shared frontier keeps in Redis (crawl/shared_codec.h).
// A string is a u32 length and its bytes. Reading checks every length
// against the bytes present: a torn or corrupt input fails, never reads out
// of bounds.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace forage {

class ByteWriter {
 public:
  void U8(std::uint8_t v) { out_ += static_cast<char>(v); }
  void U32(std::uint32_t v) { Le(v, 4); }
  void U64(std::uint64_t v) { Le(v, 8); }
  void Str(std::string_view s) {
    U32(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }
  std::string& bytes() { return out_; }
  std::string Take() && { return std::move(out_); }

 private:
  void Le(std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out_ += static_cast<char>((v >> (8 * i)) & 0xff);
  }
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  bool U8(std::uint8_t* v) {
    std::uint64_t x;
    if (!Le(&x, 1)) return false;
    *v = static_cast<std::uint8_t>(x);
    return true;
  }
  bool U32(std::uint32_t* v) {
    std::uint64_t x;
    if (!Le(&x, 4)) return false;
    *v = static_cast<std::uint32_t>(x);
    return true;
  }
  bool U64(std::uint64_t* v) { return Le(v, 8); }
  bool Str(std::string* s) {
    std::uint32_t n;
    if (!U32(&n) || n > in_.size()) return false;
    s->assign(in_.substr(0, n));
    in_.remove_prefix(n);
    return true;
  }
  bool AtEnd() const { return in_.empty(); }
  std::size_t Left() const { return in_.size(); }

 private:
  bool Le(std::uint64_t* v, int bytes) {
    if (in_.size() < static_cast<std::size_t>(bytes)) return false;
    std::uint64_t x = 0;
    for (int i = 0; i < bytes; ++i)
      x |= std::uint64_t{static_cast<unsigned char>(in_[i])} << (8 * i);
    in_.remove_prefix(static_cast<std::size_t>(bytes));
    *v = x;
    return true;
  }
  std::string_view in_;
};

}  // namespace forage
