#pragma once

// Gzip for tests that make the compressed bodies they serve or read.

#include <zlib.h>

#include <string>
#include <string_view>

namespace forage::test {

// `plain` as one gzip member (zlib's own header: no extra field) at
// `level`; "" if zlib fails, which no test input makes it do.
inline std::string Gzip(std::string_view plain, int level = 6) {
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) return "";
  std::string out(deflateBound(&z, static_cast<uLong>(plain.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  z.avail_in = static_cast<uInt>(plain.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const bool done = deflate(&z, Z_FINISH) == Z_STREAM_END;
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return done ? out : "";
}

}  // namespace forage::test
