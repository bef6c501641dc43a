#pragma once

// Bodies the test server serves and the tests compare against, made by
// one function each so that both sides agree byte for byte.

#include <cstddef>
#include <string>

namespace forage::test {

// For --accept-type and the body's digest (/typed): byte i is
// (i * 7 + 3) mod 256.
inline std::string TypedBody(std::size_t n) {
  std::string body(n, '\0');
  for (std::size_t i = 0; i < n; ++i) body[i] = static_cast<char>((i * 7 + 3) & 0xff);
  return body;
}

// An HTML page with a title and one link, padded with N 'g's: what
// /gzip?bytes=N decodes to.
inline std::string GzipPage(std::size_t n) {
  return "<!DOCTYPE html><html><head><title>gzipped</title></head><body>"
         "<a href=\"/page/1\">one</a><p>" +
         std::string(n, 'g') + "</p></body></html>";
}

}  // namespace forage::test
