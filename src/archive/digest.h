#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace forage {

// Streaming SHA-1 and SHA-256 over OpenSSL's EVP interface: Update with the
// bytes in order, then take the digest once. WARC digests are SHA-1 in
// base32 (as the WARC 1.1 standard's examples write them); records carry
// SHA-256 in hex.
class DigestStream {
 public:
  enum class Algorithm { kSha1, kSha256 };
  explicit DigestStream(Algorithm algorithm);
  ~DigestStream();
  DigestStream(DigestStream&&) noexcept;
  DigestStream& operator=(DigestStream&&) noexcept;
  DigestStream(const DigestStream&) = delete;
  DigestStream& operator=(const DigestStream&) = delete;

  void Update(std::string_view bytes);
  // The digest's raw bytes; the stream starts over afterwards.
  std::string Finish();
  // Forgets what was given so far.
  void Reset();

 private:
  struct Context;
  Algorithm algorithm_;
  std::unique_ptr<Context> ctx_;
};

// RFC 4648 base32, upper case, with padding.
std::string Base32(std::string_view bytes);
// Lower-case hex.
std::string Hex(std::string_view bytes);

// "sha1:" followed by the base32 SHA-1 of `bytes`: a WARC digest.
std::string WarcSha1(std::string_view bytes);

}  // namespace forage
